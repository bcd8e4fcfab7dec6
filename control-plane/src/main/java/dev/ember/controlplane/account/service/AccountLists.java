package dev.ember.controlplane.account.service;

import java.util.List;

import io.quarkus.panache.common.Parameters;

import dev.ember.controlplane.account.persistence.AccountEntity;
import dev.ember.controlplane.web.list.KeysetQuery;
import dev.ember.controlplane.web.list.ListRequest;
import dev.ember.controlplane.web.list.ListSpec;

/**
 * How accounts are listed: every account for a platform admin, only the caller's own otherwise; filters on state and
 * displayName (equality, AND); order by name (the default) or createTime.
 */
public final class AccountLists {

    static final ListSpec.SortKey NAME = new ListSpec.SortKey("name", "accountId", false);
    static final ListSpec.SortKey CREATE_TIME = new ListSpec.SortKey("createTime", "createTime", true);
    public static final ListSpec SPEC = new ListSpec("AccountEntity", null, "accountId",
            List.of(new ListSpec.Field("state", "state", null),
                    new ListSpec.Field("displayName", "displayName", null)),
            List.of(NAME, CREATE_TIME), NAME);

    private AccountLists() {
    }

    public static ListRequest parse(String pageSize, String pageToken, String filter, String orderBy) {
        return ListRequest.parse(SPEC, "accounts", null, pageSize, pageToken, filter, orderBy, null);
    }

    /** The accounts the request matches, only {@code only} when it is not null. */
    static KeysetQuery query(ListRequest request, String only) {
        return only == null
                ? KeysetQuery.of(request, null)
                : KeysetQuery.of(request, "accountId = :only", Parameters.with("only", only));
    }

    static String nextPageToken(ListRequest request, AccountEntity last) {
        return request.nextPageToken(request.order().key() == NAME ? last.accountId : last.createTime,
                last.accountId);
    }
}
