package dev.ember.controlplane.user.service;

import java.util.List;

import dev.ember.common.name.AccountName;
import dev.ember.controlplane.user.persistence.UserEntity;
import dev.ember.controlplane.web.list.ListRequest;
import dev.ember.controlplane.web.list.ListSpec;

/**
 * How users are listed: filters on role, displayName and email (equality, AND); order by name (the default, as in
 * Fireworks' ListUsers), createTime or displayName.
 */
public final class UserLists {

    static final ListSpec.SortKey NAME = new ListSpec.SortKey("name", "userId", false);
    static final ListSpec.SortKey CREATE_TIME = new ListSpec.SortKey("createTime", "createTime", true);
    public static final ListSpec SPEC = new ListSpec("UserEntity", "accountId", "userId",
            List.of(new ListSpec.Field("role", "role", UserService.ROLES),
                    new ListSpec.Field("displayName", "displayName", null),
                    new ListSpec.Field("email", "email", null)),
            List.of(NAME, CREATE_TIME, new ListSpec.SortKey("displayName", "displayName", false)), NAME);

    private UserLists() {
    }

    public static ListRequest parse(AccountName account, String pageSize, String pageToken, String filter,
            String orderBy) {
        return ListRequest.parse(SPEC, account.account(), pageSize, pageToken, filter, orderBy);
    }

    static String nextPageToken(ListRequest request, UserEntity last) {
        ListSpec.SortKey key = request.order().key();
        Object position = key == NAME ? last.userId : key == CREATE_TIME ? last.createTime : last.displayName;
        return request.nextPageToken(position, last.userId);
    }
}
