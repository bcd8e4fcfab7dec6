package dev.ember.controlplane.user.service;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

import dev.ember.common.error.AlreadyExistsException;
import dev.ember.common.error.FailedPreconditionException;
import dev.ember.common.error.FieldViolation;
import dev.ember.common.error.InvalidArgumentException;
import dev.ember.common.error.NotFoundException;
import dev.ember.common.event.EventTypes;
import dev.ember.common.event.UserDeleted;
import dev.ember.common.name.AccountName;
import dev.ember.common.name.ResourceIds;
import dev.ember.common.name.UserName;
import dev.ember.common.outbox.Outbox;
import dev.ember.controlplane.account.persistence.AccountRepository;
import dev.ember.controlplane.apikey.service.ApiKeyService;
import dev.ember.controlplane.auth.Caller;
import dev.ember.controlplane.error.EmberExceptions;
import dev.ember.controlplane.user.api.ListUsersResponse;
import dev.ember.controlplane.user.api.User;
import dev.ember.controlplane.user.persistence.UserEntity;
import dev.ember.controlplane.user.persistence.UserRepository;
import dev.ember.controlplane.web.Etags;
import dev.ember.controlplane.web.Tagged;
import dev.ember.controlplane.web.Values;
import dev.ember.controlplane.web.list.ListRequest;

/**
 * An account's users: who may manage them, their roles, and deletion, which revokes every key of the user in the
 * same transaction. An account always keeps at least one admin.
 */
@ApplicationScoped
public class UserService {

    public static final Set<String> ROLES = Set.of(Caller.ADMIN, Caller.USER, Caller.INFERENCE_USER);
    public static final String READY = "READY";
    private static final Logger LOG = Logger.getLogger(UserService.class);

    @Inject
    UserRepository users;

    @Inject
    AccountRepository accounts;

    @Inject
    ApiKeyService keys;

    @Inject
    Outbox outbox;

    @Inject
    Clock clock;

    @WithTransaction
    public Uni<User> create(Caller caller, AccountName account, String userId, User body) {
        caller.requireAdmin(account.account());
        User request = body;
        UserName name = new UserName(account.account(), validateCreate(userId, body));
        return accounts.findById(account.account())
                .onItem().ifNull().failWith(() -> new NotFoundException("account '" + account + "' does not exist"))
                .chain(() -> users.findByName(name))
                .onItem().ifNotNull().failWith(() -> alreadyExists(name))
                .chain(() -> {
                    UserEntity e = new UserEntity();
                    e.revision = 1;
                    Instant now = now();
                    e.accountId = name.account();
                    e.userId = name.user();
                    e.role = request.role();
                    e.displayName = request.displayName() == null ? name.user() : request.displayName();
                    e.email = request.email();
                    e.serviceAccount = Boolean.TRUE.equals(request.serviceAccount());
                    e.createTime = now;
                    e.updateTime = now;
                    LOG.infof("User %s created with role %s by %s", name, e.role, caller.userId());
                    return users.persist(e).call(users::flush);
                })
                .onFailure(EmberExceptions::isUniqueViolation).transform(f -> alreadyExists(name))
                .map(UserService::toApi);
    }

    @WithSession
    public Uni<Tagged<User>> get(Caller caller, UserName name) {
        caller.requireAccess(name.account());
        return users.findByName(name).onItem().ifNull().failWith(() -> notFound(name)).map(UserService::tagged);
    }

    /** One page of the account's users; {@code totalSize} counts those the filter matches. */
    @WithSession
    public Uni<ListUsersResponse> list(Caller caller, ListRequest request) {
        caller.requireAccess(request.account());
        return accounts.findById(request.account())
                .onItem().ifNull().failWith(() -> new NotFoundException("account 'accounts/" + request.account()
                        + "' does not exist"))
                .chain(() -> users.count(request))
                .chain(total -> users.page(request, request.pageSize() + 1).map(rows -> {
                    boolean more = rows.size() > request.pageSize();
                    List<UserEntity> shown = more ? rows.subList(0, request.pageSize()) : rows;
                    return new ListUsersResponse(shown.stream().map(UserService::toApi).toList(),
                            more ? UserLists.nextPageToken(request, shown.get(shown.size() - 1)) : null,
                            Math.toIntExact(total));
                }));
    }

    /**
     * Changes the fields present in the body. A new role takes effect on the user's next request with any of its
     * keys (the control plane reads the role at every request). The last admin cannot be demoted. With {@code ifMatch},
     * only if the user is still at that entity tag.
     */
    @WithTransaction
    public Uni<Tagged<User>> update(Caller caller, UserName name, User body, String ifMatch) {
        caller.requireAdmin(name.account());
        validateUpdate(body);
        return accounts.findByIdForUpdate(name.account())
                .chain(() -> users.findByNameForUpdate(name))
                .onItem().ifNull().failWith(() -> notFound(name))
                .invoke(user -> Etags.require(ifMatch, user.revision, "user '" + name + "'"))
                .call(user -> body.role() != null && !Caller.ADMIN.equals(body.role())
                        ? keepAnAdmin(user, "demote")
                        : Uni.createFrom().voidItem())
                .map(user -> {
                    if (body.role() != null) {
                        user.role = body.role();
                    }
                    if (body.displayName() != null) {
                        user.displayName = body.displayName();
                    }
                    if (body.email() != null) {
                        user.email = body.email().isEmpty() ? null : body.email();
                    }
                    if (body.serviceAccount() != null) {
                        user.serviceAccount = body.serviceAccount();
                    }
                    user.updateTime = now();
                    user.revision++;
                    return tagged(user);
                });
    }

    /**
     * Deletes the user and revokes its keys, all in one transaction with the events: an {@code apikey.revoked} per
     * key and a {@code user.deleted} naming them. The last admin of an account cannot be deleted.
     */
    @WithTransaction
    public Uni<Void> delete(Caller caller, UserName name) {
        caller.requireAdmin(name.account());
        return accounts.findByIdForUpdate(name.account())
                .chain(() -> users.findByNameForUpdate(name))
                .onItem().ifNull().failWith(() -> notFound(name))
                .call(user -> keepAnAdmin(user, "delete"))
                .chain(user -> {
                    Instant now = now();
                    String reason = "user '" + name + "' was deleted by user '" + caller.userId() + "' of account '"
                            + caller.accountId() + "'";
                    return keys.revokeAll(name, reason)
                            .call(revoked -> outbox.add(EventTypes.USER_DELETED, name.toString(),
                                    new UserDeleted(name.toString(), name.account(), name.user(), revoked, now)))
                            .call(revoked -> users.delete(user))
                            .invoke(revoked -> LOG.infof("User %s deleted by %s; %d key(s) revoked", name,
                                    caller.userId(), revoked.size()));
                })
                .replaceWithVoid();
    }

    /** Refuses to take away the account's only admin. The account row is locked, so the count holds. */
    private Uni<Void> keepAnAdmin(UserEntity user, String what) {
        if (!Caller.ADMIN.equals(user.role)) {
            return Uni.createFrom().voidItem();
        }
        return users.countAdmins(user.accountId, Caller.ADMIN).chain(admins -> admins > 1
                ? Uni.createFrom().voidItem()
                : Uni.createFrom().failure(new FailedPreconditionException("LAST_ADMIN", "cannot " + what + " user '"
                        + user.name() + "': it is the only admin of account 'accounts/" + user.accountId
                        + "'; make another user admin first")));
    }

    /** Checks the body and the user ID together, reporting every bad field at once; returns the user ID. */
    private static String validateCreate(String userId, User body) {
        if (body == null) {
            throw InvalidArgumentException.field("body", "a user with at least its role is required");
        }
        List<FieldViolation> violations = new ArrayList<>();
        if (body.role() == null) {
            violations.add(new FieldViolation("role", "is required: one of " + roles()));
        }
        checkFields(body, violations);
        String id = null;
        boolean badEmail = violations.stream().anyMatch(v -> v.field().equals("email"));
        if (!badEmail || (userId != null && !userId.isEmpty())) { // no ID to make from a bad email: one error
            try {
                id = userId(userId, body.email());
            } catch (InvalidArgumentException e) {
                violations.addAll(e.violations());
            }
        }
        if (!violations.isEmpty()) {
            throw InvalidArgumentException.fields(violations);
        }
        return id;
    }

    private static void validateUpdate(User body) {
        if (body == null) {
            throw InvalidArgumentException.field("body", "a user with the fields to change is required");
        }
        List<FieldViolation> violations = new ArrayList<>();
        checkFields(body, violations);
        if (!violations.isEmpty()) {
            throw InvalidArgumentException.fields(violations);
        }
    }

    private static void checkFields(User body, List<FieldViolation> violations) {
        if (body.role() != null && !ROLES.contains(body.role())) {
            violations.add(new FieldViolation("role", "must be one of " + roles() + ", got '" + body.role() + "'"));
        }
        Values.displayName("displayName", body.displayName(), violations);
        Values.email("email", body.email(), false, violations);
        if (body.permissionPreset() != null && !body.permissionPreset().isEmpty()) {
            violations.add(new FieldViolation("permissionPreset",
                    "is only valid with role 'custom', which Ember does not have"));
        }
    }

    /**
     * The user ID: the one given, or (as Fireworks does) one made from the email's local part, lower-cased, with
     * every other character than a-z, 0-9 and '-' turned into '-'.
     */
    static String userId(String given, String email) {
        if (given != null && !given.isEmpty()) {
            return ResourceIds.require("userId", given);
        }
        if (email == null || email.isEmpty()) {
            throw InvalidArgumentException.field("userId", "is required when the user has no email to make one from");
        }
        String local = email.substring(0, email.indexOf('@')).toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9-]+", "-").replaceAll("-{2,}", "-").replaceAll("^-+|-+$", "");
        if (local.length() > 63) {
            local = local.substring(0, 63).replaceAll("-+$", "");
        }
        if (!ResourceIds.isValid(local)) {
            throw InvalidArgumentException.field("userId",
                    "cannot be made from email '" + email + "'; give one with ?userId=");
        }
        return local;
    }

    private static String roles() {
        return "admin, user, inference-user";
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    static Tagged<User> tagged(UserEntity e) {
        return new Tagged<>(toApi(e), Etags.of(e.revision));
    }

    public static User toApi(UserEntity e) {
        return new User(e.name(), e.displayName, e.serviceAccount, e.createTime, e.role, e.email, READY,
                e.updateTime == null ? e.createTime : e.updateTime, null);
    }

    private static NotFoundException notFound(UserName name) {
        return new NotFoundException("user '" + name + "' does not exist");
    }

    private static AlreadyExistsException alreadyExists(UserName name) {
        return new AlreadyExistsException("user '" + name + "' already exists");
    }
}
