package dev.ember.controlplane.apikey.api;

import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import io.smallrye.mutiny.Uni;

import dev.ember.common.name.ApiKeyName;
import dev.ember.common.name.UserName;
import dev.ember.controlplane.apikey.service.ApiKeyLists;
import dev.ember.controlplane.apikey.service.ApiKeyService;
import dev.ember.controlplane.auth.CurrentCaller;
import dev.ember.controlplane.web.RunsToCompletion;

/**
 * A user's API keys, on Fireworks' paths: create is {@code POST .../apiKeys} with {@code {"apiKey": {...}}}, delete
 * (which revokes) is the {@code :delete} verb with {@code {"keyId": ...}}. Admins manage every key of their account; a
 * {@code user} only its own; an {@code inference-user} none.
 */
@Path("/v1/accounts/{account}/users/{user}")
@Produces(MediaType.APPLICATION_JSON)
@RunsToCompletion
public class ApiKeyResource {

    @Inject
    ApiKeyService keys;

    @Inject
    CurrentCaller caller;

    /** The response holds the secret {@code key}: the only time it is ever shown. */
    @POST
    @Path("apiKeys")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<ApiKey> create(@RestPath String account, @RestPath String user, CreateApiKeyRequest body) {
        return keys.create(caller.get(), new UserName(account, user), body);
    }

    /** The user's keys that are not revoked, oldest first. */
    @GET
    @Path("apiKeys")
    public Uni<ListApiKeysResponse> list(@RestPath String account, @RestPath String user,
            @RestQuery String pageSize, @RestQuery String pageToken, @RestQuery String filter,
            @RestQuery String orderBy) {
        UserName name = new UserName(account, user);
        return keys.list(caller.get(), name, ApiKeyLists.parse(name, pageSize, pageToken, filter, orderBy));
    }

    @GET
    @Path("apiKeys/{keyId}")
    public Uni<ApiKey> get(@RestPath String account, @RestPath String user, @RestPath String keyId) {
        return keys.get(caller.get(), new ApiKeyName(new UserName(account, user), keyId));
    }

    /** Revokes the key: refused with 401 API_KEY_REVOKED here from the response on, and on the data plane within 1 s. */
    @POST
    @Path("apiKeys:delete")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<Map<String, Object>> delete(@RestPath String account, @RestPath String user,
            DeleteApiKeyRequest body) {
        return keys.revoke(caller.get(), new UserName(account, user), body).replaceWith(Map.of());
    }
}
