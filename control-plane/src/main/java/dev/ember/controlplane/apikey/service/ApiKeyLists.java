package dev.ember.controlplane.apikey.service;

import java.util.List;

import io.quarkus.panache.common.Parameters;

import dev.ember.common.name.UserName;
import dev.ember.controlplane.apikey.persistence.ApiKeyEntity;
import dev.ember.controlplane.web.list.KeysetQuery;
import dev.ember.controlplane.web.list.ListRequest;
import dev.ember.controlplane.web.list.ListSpec;

/**
 * How a user's API keys are listed: those not revoked, filtered on displayName (equality, AND), oldest first
 * ({@code createTime}, optionally {@code desc}). A page token is bound to the user.
 */
public final class ApiKeyLists {

    static final ListSpec.SortKey CREATE_TIME = new ListSpec.SortKey("createTime", "createTime", true);
    public static final ListSpec SPEC = new ListSpec("ApiKeyEntity", "accountId", "keyId",
            List.of(new ListSpec.Field("displayName", "displayName", null)), List.of(CREATE_TIME), CREATE_TIME);

    private ApiKeyLists() {
    }

    public static ListRequest parse(UserName user, String pageSize, String pageToken, String filter,
            String orderBy) {
        return ListRequest.parse(SPEC, user + "/apiKeys", user.account(), pageSize, pageToken, filter, orderBy,
                null);
    }

    /** The user's unrevoked keys among those the request matches. */
    public static KeysetQuery query(ListRequest request, UserName user) {
        return KeysetQuery.of(request, "userId = :user and revokeTime is null", Parameters.with("user",
                user.user()));
    }

    static String nextPageToken(ListRequest request, ApiKeyEntity last) {
        return request.nextPageToken(last.createTime, last.keyId);
    }
}
