package dev.ember.controlplane.usage.grpc;

import java.util.List;

import jakarta.inject.Inject;

import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

import dev.ember.common.name.AccountName;
import dev.ember.controlplane.grpc.GrpcAuthentication;
import dev.ember.controlplane.grpc.ProtoJson;
import dev.ember.controlplane.usage.service.UsageLedger;
import dev.ember.controlplane.web.RunsToCompletion;
import dev.ember.proto.v1.AccountUsage;
import dev.ember.proto.v1.Billing;
import dev.ember.proto.v1.GetAccountUsageRequest;

/** An account's usage and its cost over gRPC, through the same ledger as UsageResource. */
@GrpcService
@RunsToCompletion
public class BillingGrpcService implements Billing {

    @Inject
    UsageLedger ledger;

    @Inject
    GrpcAuthentication auth;

    @Override
    public Uni<AccountUsage> getAccountUsage(GetAccountUsageRequest request) {
        return auth.call(caller -> {
            UsageQuery query = ProtoJson.toApi(request, UsageQuery.class);
            return ledger.usage(caller, AccountName.parse("name", request.getName()).account(), query.startTime(),
                    query.endTime(), query.usageType(), query.timezone(),
                    query.groupBy() == null ? List.of() : query.groupBy())
                    .map(usage -> ProtoJson.toProto(usage, AccountUsage.newBuilder()));
        });
    }

    /** The request's range and grouping as the REST query takes them (timestamps as text). */
    record UsageQuery(String startTime, String endTime, String usageType, String timezone, List<String> groupBy) {
    }
}
