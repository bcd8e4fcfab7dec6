package dev.ember.controlplane.auth;

import jakarta.enterprise.context.RequestScoped;

import dev.ember.common.error.UnauthenticatedException;

/** The caller of the current request, set by {@link ApiKeyAuthentication}. */
@RequestScoped
public class CurrentCaller {

    private Caller caller;

    void set(Caller caller) {
        this.caller = caller;
    }

    public Caller get() {
        if (caller == null) {
            throw new UnauthenticatedException("MISSING_API_KEY", "this request needs an API key");
        }
        return caller;
    }
}
