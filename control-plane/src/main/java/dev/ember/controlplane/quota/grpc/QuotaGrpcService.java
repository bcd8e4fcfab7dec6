package dev.ember.controlplane.quota.grpc;

import java.util.List;

import jakarta.inject.Inject;

import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

import dev.ember.common.error.InvalidArgumentException;
import dev.ember.common.name.AccountName;
import dev.ember.controlplane.grpc.GrpcAuthentication;
import dev.ember.controlplane.grpc.GrpcLists;
import dev.ember.controlplane.grpc.ProtoJson;
import dev.ember.controlplane.quota.api.Quota;
import dev.ember.controlplane.quota.service.QuotaService;
import dev.ember.controlplane.quota.service.ServerlessRateLimitService;
import dev.ember.controlplane.web.RunsToCompletion;
import dev.ember.proto.v1.GetQuotaRequest;
import dev.ember.proto.v1.ListQuotasRequest;
import dev.ember.proto.v1.ListQuotasResponse;
import dev.ember.proto.v1.ListServerlessRateLimitsRequest;
import dev.ember.proto.v1.ListServerlessRateLimitsResponse;
import dev.ember.proto.v1.Quotas;
import dev.ember.proto.v1.UpdateQuotaRequest;

/** GPU quotas and serverless rate limits over gRPC, through the same services as QuotaResource and
 * ServerlessRateLimitResource. */
@GrpcService
@RunsToCompletion
public class QuotaGrpcService implements Quotas {

    @Inject
    QuotaService quotas;

    @Inject
    ServerlessRateLimitService rateLimits;

    @Inject
    GrpcAuthentication auth;

    @Override
    public Uni<dev.ember.proto.v1.Quota> getQuota(GetQuotaRequest request) {
        return auth.call(caller -> {
            QuotaName name = QuotaName.parse(request.getName());
            return quotas.get(caller, name.account(), name.quota())
                    .map(tagged -> ProtoJson.toProto(tagged, dev.ember.proto.v1.Quota.newBuilder()));
        });
    }

    @Override
    public Uni<ListQuotasResponse> listQuotas(ListQuotasRequest request) {
        return auth.call(caller -> quotas.list(caller, AccountName.parse("parent", request.getParent()).account(),
                GrpcLists.pageSize(request.getPageSize()),
                ProtoJson.orNull(request.getPageToken()), ProtoJson.orNull(request.getFilter()))
                .map(page -> ProtoJson.toProto(page, ListQuotasResponse.newBuilder())));
    }

    @Override
    public Uni<dev.ember.proto.v1.Quota> updateQuota(UpdateQuotaRequest request) {
        return auth.call(caller -> {
            QuotaName name = QuotaName.parse(request.getQuota().getName());
            List<String> paths = request.hasUpdateMask() ? request.getUpdateMask().getPathsList() : List.of();
            for (String path : paths) {
                if (!path.equals("value") && !path.equals("max_value")) {
                    throw InvalidArgumentException.field("update_mask", "'" + path + "' cannot be updated; "
                            + "value and max_value can");
                }
            }
            boolean all = paths.isEmpty();
            Quota body = new Quota(null,
                    all || paths.contains("value") ? Long.toString(request.getQuota().getValue()) : null,
                    all || paths.contains("max_value") ? Long.toString(request.getQuota().getMaxValue()) : null,
                    null, null);
            return quotas.update(caller, name.account(), name.quota(), body,
                    ProtoJson.etag(request.getEtag(), request.getQuota().getEtag()))
                    .map(tagged -> ProtoJson.toProto(tagged, dev.ember.proto.v1.Quota.newBuilder()));
        });
    }

    @Override
    public Uni<ListServerlessRateLimitsResponse> listServerlessRateLimits(ListServerlessRateLimitsRequest request) {
        return auth.call(caller -> {
            RateLimitQuery query = ProtoJson.toApi(request, RateLimitQuery.class);
            return rateLimits.list(caller, AccountName.parse("parent", request.getParent()).account(),
                    query.deployment(), query.start(), query.end(), query.interval())
                    .map(limits -> ProtoJson.toProto(limits, ListServerlessRateLimitsResponse.newBuilder()));
        });
    }

    /** The request's filter and time range as the REST query takes them (timestamps and durations as text). */
    record RateLimitQuery(String deployment, String start, String end, String interval) {
    }

    /** accounts/{account}/quotas/{quota}. */
    record QuotaName(String account, String quota) {

        static QuotaName parse(String name) {
            String[] parts = name == null ? new String[0] : name.split("/");
            if (parts.length != 4 || !parts[0].equals("accounts") || !parts[2].equals("quotas")) {
                throw InvalidArgumentException.field("name", "must be accounts/{account}/quotas/{quota}, got '"
                        + name + "'");
            }
            return new QuotaName(AccountName.parse("name", "accounts/" + parts[1]).account(), parts[3]);
        }
    }
}
