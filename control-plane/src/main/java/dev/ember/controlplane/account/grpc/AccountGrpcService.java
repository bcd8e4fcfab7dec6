package dev.ember.controlplane.account.grpc;

import jakarta.inject.Inject;

import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

import dev.ember.common.name.AccountName;
import dev.ember.controlplane.account.service.AccountService;
import dev.ember.controlplane.grpc.GrpcAuthentication;
import dev.ember.controlplane.grpc.ProtoJson;
import dev.ember.controlplane.web.RunsToCompletion;
import dev.ember.proto.v1.Account;
import dev.ember.proto.v1.Accounts;
import dev.ember.proto.v1.GetAccountRequest;

/** Accounts over gRPC. */
@GrpcService
@RunsToCompletion
public class AccountGrpcService implements Accounts {

    @Inject
    AccountService accounts;

    @Inject
    GrpcAuthentication auth;

    @Override
    public Uni<Account> getAccount(GetAccountRequest request) {
        return auth.call(caller -> accounts.get(caller, AccountName.parse("name", request.getName()))
                .map(a -> ProtoJson.<Account>toProto(a, Account.newBuilder())));
    }
}
