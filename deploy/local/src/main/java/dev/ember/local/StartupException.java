package dev.ember.local;

/** The platform could not start; the message says why and what to do, and is shown to the user as is. */
public final class StartupException extends RuntimeException {

    public StartupException(String message) {
        super(message);
    }

    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
