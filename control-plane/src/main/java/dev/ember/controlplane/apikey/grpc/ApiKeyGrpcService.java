package dev.ember.controlplane.apikey.grpc;

import jakarta.inject.Inject;

import com.google.protobuf.Empty;

import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

import dev.ember.common.name.ApiKeyName;
import dev.ember.common.name.UserName;
import dev.ember.controlplane.apikey.api.ApiKey;
import dev.ember.controlplane.apikey.api.CreateApiKeyRequest;
import dev.ember.controlplane.apikey.api.DeleteApiKeyRequest;
import dev.ember.controlplane.apikey.service.ApiKeyLists;
import dev.ember.controlplane.apikey.service.ApiKeyService;
import dev.ember.controlplane.grpc.GrpcAuthentication;
import dev.ember.controlplane.grpc.GrpcLists;
import dev.ember.controlplane.grpc.ProtoJson;
import dev.ember.controlplane.web.RunsToCompletion;
import dev.ember.proto.v1.ApiKeys;
import dev.ember.proto.v1.GetApiKeyRequest;
import dev.ember.proto.v1.ListApiKeysRequest;
import dev.ember.proto.v1.ListApiKeysResponse;

/** API keys over gRPC, through the same service as ApiKeyResource. */
@GrpcService
@RunsToCompletion
public class ApiKeyGrpcService implements ApiKeys {

    @Inject
    ApiKeyService keys;

    @Inject
    GrpcAuthentication auth;

    @Override
    public Uni<dev.ember.proto.v1.ApiKey> createApiKey(dev.ember.proto.v1.CreateApiKeyRequest request) {
        return auth.call(caller -> keys.create(caller, UserName.parse("parent", request.getParent()),
                new CreateApiKeyRequest(
                        request.hasApiKey() ? ProtoJson.toApi(request.getApiKey(), ApiKey.class) : null))
                .map(ApiKeyGrpcService::proto));
    }

    @Override
    public Uni<dev.ember.proto.v1.ApiKey> getApiKey(GetApiKeyRequest request) {
        return auth.call(caller -> keys.get(caller, ApiKeyName.parse("name", request.getName()))
                .map(ApiKeyGrpcService::proto));
    }

    @Override
    public Uni<ListApiKeysResponse> listApiKeys(ListApiKeysRequest request) {
        return auth.call(caller -> {
            UserName user = UserName.parse("parent", request.getParent());
            return keys.list(caller, user, ApiKeyLists.parse(user, GrpcLists.pageSize(request.getPageSize()),
                    ProtoJson.orNull(request.getPageToken()), ProtoJson.orNull(request.getFilter()),
                    ProtoJson.orNull(request.getOrderBy())))
                    .map(page -> ProtoJson.<ListApiKeysResponse>toProto(page, ListApiKeysResponse.newBuilder()));
        });
    }

    @Override
    public Uni<Empty> deleteApiKey(dev.ember.proto.v1.DeleteApiKeyRequest request) {
        return auth.call(caller -> keys.revoke(caller, UserName.parse("parent", request.getParent()),
                new DeleteApiKeyRequest(ProtoJson.orNull(request.getKeyId()))).replaceWith(Empty.getDefaultInstance()));
    }

    private static dev.ember.proto.v1.ApiKey proto(ApiKey key) {
        return ProtoJson.toProto(key, dev.ember.proto.v1.ApiKey.newBuilder());
    }
}
