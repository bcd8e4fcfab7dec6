package dev.ember.controlplane.user.grpc;

import jakarta.inject.Inject;

import com.google.protobuf.Empty;

import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;

import dev.ember.common.name.AccountName;
import dev.ember.common.name.UserName;
import dev.ember.controlplane.grpc.GrpcAuthentication;
import dev.ember.controlplane.grpc.GrpcLists;
import dev.ember.controlplane.grpc.ProtoJson;
import dev.ember.controlplane.user.api.User;
import dev.ember.controlplane.user.service.UserLists;
import dev.ember.controlplane.user.service.UserService;
import dev.ember.controlplane.web.RunsToCompletion;
import dev.ember.proto.v1.CreateUserRequest;
import dev.ember.proto.v1.DeleteUserRequest;
import dev.ember.proto.v1.GetUserRequest;
import dev.ember.proto.v1.ListUsersRequest;
import dev.ember.proto.v1.ListUsersResponse;
import dev.ember.proto.v1.UpdateUserRequest;
import dev.ember.proto.v1.Users;

/** Users over gRPC, through the same service as UserResource. */
@GrpcService
@RunsToCompletion
public class UserGrpcService implements Users {

    @Inject
    UserService users;

    @Inject
    GrpcAuthentication auth;

    @Override
    public Uni<dev.ember.proto.v1.User> getUser(GetUserRequest request) {
        return auth.call(caller -> users.get(caller, UserName.parse("name", request.getName()))
                .map(tagged -> ProtoJson.toProto(tagged, dev.ember.proto.v1.User.newBuilder())));
    }

    @Override
    public Uni<ListUsersResponse> listUsers(ListUsersRequest request) {
        return auth.call(caller -> {
            AccountName account = AccountName.parse("parent", request.getParent());
            return users.list(caller, UserLists.parse(account, GrpcLists.pageSize(request.getPageSize()),
                    ProtoJson.orNull(request.getPageToken()), ProtoJson.orNull(request.getFilter()),
                    ProtoJson.orNull(request.getOrderBy())))
                    .map(page -> ProtoJson.<ListUsersResponse>toProto(page, ListUsersResponse.newBuilder()));
        });
    }

    @Override
    public Uni<dev.ember.proto.v1.User> createUser(CreateUserRequest request) {
        return auth.call(caller -> users.create(caller, AccountName.parse("parent", request.getParent()),
                ProtoJson.orNull(request.getUserId()), ProtoJson.toApi(request.getUser(), User.class))
                .map(UserGrpcService::created));
    }

    @Override
    public Uni<dev.ember.proto.v1.User> updateUser(UpdateUserRequest request) {
        return auth.call(caller -> users.update(caller, UserName.parse("user.name", request.getUser().getName()),
                ProtoJson.toApi(request.getUser(), User.class),
                ProtoJson.etag(request.getEtag(), request.getUser().getEtag()))
                .map(tagged -> ProtoJson.toProto(tagged, dev.ember.proto.v1.User.newBuilder())));
    }

    @Override
    public Uni<Empty> deleteUser(DeleteUserRequest request) {
        return auth.call(caller -> users.delete(caller, UserName.parse("name", request.getName()))
                .replaceWith(Empty.getDefaultInstance()));
    }

    /** A new user, with its first entity tag. */
    private static dev.ember.proto.v1.User created(User user) {
        return ProtoJson.created(user, dev.ember.proto.v1.User.newBuilder());
    }
}
