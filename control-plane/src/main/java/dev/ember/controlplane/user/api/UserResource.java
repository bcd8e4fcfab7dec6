package dev.ember.controlplane.user.api;

import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestResponse;

import io.smallrye.mutiny.Uni;

import dev.ember.common.name.AccountName;
import dev.ember.common.name.UserName;
import dev.ember.controlplane.auth.CurrentCaller;
import dev.ember.controlplane.user.service.UserLists;
import dev.ember.controlplane.user.service.UserService;
import dev.ember.controlplane.web.RunsToCompletion;
import dev.ember.controlplane.web.Tagged;

/** An account's users. Admins of the account (and platform admins) manage them; every member may read them. */
@Path("/v1/accounts/{account}/users")
@Produces(MediaType.APPLICATION_JSON)
@RunsToCompletion
public class UserResource {

    @Inject
    UserService users;

    @Inject
    CurrentCaller caller;

    /** {@code userId} may be left out when the body has an email: the ID is then made from the email's local part. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<User> create(@RestPath String account, @RestQuery String userId, User body) {
        return users.create(caller.get(), new AccountName(account), userId, body);
    }

    /** Ordered by name, as Fireworks does by default. */
    @GET
    public Uni<ListUsersResponse> list(@RestPath String account, @RestQuery String pageSize,
            @RestQuery String pageToken, @RestQuery String filter, @RestQuery String orderBy) {
        return users.list(caller.get(), UserLists.parse(new AccountName(account), pageSize, pageToken, filter,
                orderBy));
    }

    @GET
    @Path("{user}")
    public Uni<RestResponse<User>> get(@RestPath String account, @RestPath String user) {
        return users.get(caller.get(), new UserName(account, user)).map(Tagged::response);
    }

    /**
     * Changes the fields present in the body: {@code role}, {@code displayName}, {@code email}, {@code serviceAccount}.
     * With {@code If-Match} only if the user's {@code ETag} is still that one (409 ABORTED otherwise).
     */
    @PATCH
    @Path("{user}")
    @Consumes(MediaType.APPLICATION_JSON)
    public Uni<RestResponse<User>> update(@RestPath String account, @RestPath String user,
            @RestHeader("If-Match") String ifMatch, User body) {
        return users.update(caller.get(), new UserName(account, user), body, ifMatch).map(Tagged::response);
    }

    /**
     * Deletes the user and revokes every API key it has (Fireworks has no DeleteUser; this is Ember's). Answers an
     * empty object, like the other deletes.
     */
    @DELETE
    @Path("{user}")
    public Uni<Map<String, Object>> delete(@RestPath String account, @RestPath String user) {
        return users.delete(caller.get(), new UserName(account, user)).replaceWith(Map.of());
    }
}
