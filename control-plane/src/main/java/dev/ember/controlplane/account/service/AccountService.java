package dev.ember.controlplane.account.service;

import java.time.Clock;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;

import dev.ember.common.error.NotFoundException;
import dev.ember.common.event.AccountCreated;
import dev.ember.common.event.EventTypes;
import dev.ember.common.name.AccountName;
import dev.ember.common.outbox.Outbox;
import dev.ember.controlplane.account.api.Account;
import dev.ember.controlplane.account.persistence.AccountEntity;
import dev.ember.controlplane.account.persistence.AccountRepository;
import dev.ember.controlplane.auth.Caller;

@ApplicationScoped
public class AccountService {

    public static final String ENTERPRISE = "ENTERPRISE";

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
                .onItem().ifNull().failWith(() -> new NotFoundException("account '" + name + "' does not exist"))
                .map(AccountService::toApi);
    }

    /** Creates the account when it is missing, with its event. Must run in a transaction. */
    public Uni<AccountEntity> ensure(String accountId, String displayName, String email) {
        return accounts.findById(accountId).chain(existing -> {
            if (existing != null) {
                return Uni.createFrom().item(existing);
            }
            Instant now = clock.instant();
            AccountEntity e = new AccountEntity();
            e.accountId = accountId;
            e.displayName = displayName;
            e.accountType = ENTERPRISE;
            e.email = email;
            e.state = "READY";
            e.createTime = now;
            e.updateTime = now;
            AccountName name = new AccountName(accountId);
            return accounts.persist(e).call(() -> outbox.add(EventTypes.ACCOUNT_CREATED, name.toString(),
                    new AccountCreated(name.toString(), displayName, ENTERPRISE, now)));
        });
    }

    static Account toApi(AccountEntity e) {
        return new Account("accounts/" + e.accountId, e.displayName, e.createTime, e.accountType, e.email, e.state,
                e.updateTime);
    }
}
