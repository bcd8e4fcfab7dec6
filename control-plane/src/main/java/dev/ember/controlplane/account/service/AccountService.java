package dev.ember.controlplane.account.service;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;

import dev.ember.common.error.AlreadyExistsException;
import dev.ember.common.error.FieldViolation;
import dev.ember.common.error.InvalidArgumentException;
import dev.ember.common.error.NotFoundException;
import dev.ember.common.event.AccountCreated;
import dev.ember.common.event.EventTypes;
import dev.ember.common.name.AccountName;
import dev.ember.common.name.ResourceIds;
import dev.ember.common.outbox.Outbox;
import dev.ember.controlplane.account.api.Account;
import dev.ember.controlplane.account.api.ListAccountsResponse;
import dev.ember.controlplane.account.persistence.AccountEntity;
import dev.ember.controlplane.account.persistence.AccountRepository;
import dev.ember.controlplane.auth.Caller;
import dev.ember.controlplane.error.EmberExceptions;
import dev.ember.controlplane.web.Values;
import dev.ember.controlplane.web.list.KeysetQuery;
import dev.ember.controlplane.web.list.ListRequest;

@ApplicationScoped
public class AccountService {

    public static final String ENTERPRISE = "ENTERPRISE";
    /** Fireworks' AccountAccountType: an unspecified type is the one type there is. */
    public static final Set<String> ACCOUNT_TYPES = Set.of("ACCOUNT_TYPE_UNSPECIFIED", ENTERPRISE);
    /** gatewayAccountState: accounts are READY as soon as they exist. */
    public static final String READY = "READY";

    @Inject
    AccountRepository accounts;

    @Inject
    Outbox outbox;

    @Inject
    Clock clock;

    @WithSession
    public Uni<Account> get(Caller caller, AccountName name) {
        caller.requireAccess(name.account());
        return accounts.findById(name.account())
                .onItem().ifNull().failWith(() -> notFound(name))
                .map(AccountService::toApi);
    }

    /**
     * A new account, READY at once, with its {@code account.created} event. It has no users yet: the platform admin
     * who created it adds its first admin ({@code POST /v1/accounts/{a}/users}) and that admin's key.
     */
    @WithTransaction
    public Uni<Account> create(Caller caller, String accountId, Account body) {
        caller.requirePlatformAdmin();
        AccountName name = new AccountName(ResourceIds.require("accountId", accountId));
        AccountEntity entity = newEntity(name, validate(body, name));
        return accounts.findById(name.account())
                .onItem().ifNotNull().failWith(() -> alreadyExists(name))
                .chain(() -> accounts.persist(entity))
                .call(accounts::flush)
                .onFailure(EmberExceptions::isUniqueViolation).transform(f -> alreadyExists(name))
                .call(() -> published(entity))
                .map(AccountService::toApi);
    }

    /**
     * One page of the accounts the caller may see, by name. {@code totalSize} and the page are two reads, so an
     * account created between them can make the count off by one for that response.
     */
    @WithSession
    public Uni<ListAccountsResponse> list(Caller caller, ListRequest request) {
        KeysetQuery query = AccountLists.query(request, caller.platformAdmin() ? null : caller.accountId());
        return accounts.count(query).chain(total -> accounts.page(query, request.pageSize() + 1).map(rows -> {
            boolean more = rows.size() > request.pageSize();
            List<AccountEntity> shown = more ? rows.subList(0, request.pageSize()) : rows;
            return new ListAccountsResponse(shown.stream().map(AccountService::toApi).toList(),
                    more ? AccountLists.nextPageToken(request, shown.get(shown.size() - 1)) : null,
                    Math.toIntExact(total));
        }));
    }

    /** Creates the account when it is missing, with its event. Must run in a transaction. */
    public Uni<AccountEntity> ensure(String accountId, String displayName, String email) {
        return accounts.findById(accountId).chain(existing -> {
            if (existing != null) {
                return Uni.createFrom().item(existing);
            }
            AccountEntity e = newEntity(new AccountName(accountId), new Account(null, displayName, null, ENTERPRISE,
                    email, null, null));
            return accounts.persist(e).call(() -> published(e));
        });
    }

    /** Checks what a client may set (displayName, email, accountType); output-only fields are ignored. */
    private static Account validate(Account body, AccountName name) {
        if (body == null) {
            throw InvalidArgumentException.field("body", "an account with at least its email is required");
        }
        List<FieldViolation> violations = new ArrayList<>();
        Values.displayName("displayName", body.displayName(), violations);
        Values.email("email", body.email(), true, violations);
        if (body.accountType() != null && !ACCOUNT_TYPES.contains(body.accountType())) {
            violations.add(new FieldViolation("accountType", "must be one of ENTERPRISE or "
                    + "ACCOUNT_TYPE_UNSPECIFIED (which means ENTERPRISE), got '" + body.accountType() + "'"));
        }
        if (!violations.isEmpty()) {
            throw InvalidArgumentException.fields(violations);
        }
        return new Account(null, body.displayName() == null ? name.account() : body.displayName(), null, ENTERPRISE,
                body.email(), null, null);
    }

    private AccountEntity newEntity(AccountName name, Account account) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        AccountEntity e = new AccountEntity();
        e.accountId = name.account();
        e.displayName = account.displayName();
        e.accountType = account.accountType();
        e.email = account.email();
        e.state = READY;
        e.createTime = now;
        e.updateTime = now;
        return e;
    }

    private Uni<Void> published(AccountEntity e) {
        String name = "accounts/" + e.accountId;
        return outbox.add(EventTypes.ACCOUNT_CREATED, name,
                new AccountCreated(name, e.displayName, e.accountType, e.createTime));
    }

    static Account toApi(AccountEntity e) {
        return new Account("accounts/" + e.accountId, e.displayName, e.createTime, e.accountType, e.email, e.state,
                e.updateTime);
    }

    private static NotFoundException notFound(AccountName name) {
        return new NotFoundException("account '" + name + "' does not exist");
    }

    private static AlreadyExistsException alreadyExists(AccountName name) {
        return new AlreadyExistsException("account '" + name + "' already exists");
    }
}
