package dev.ember.common.name;

/** {@code accounts/{account}}. */
public record AccountName(String account) {

    public AccountName {
        ResourceIds.require("account", account);
    }

    public static AccountName parse(String field, String name) {
        return new AccountName(ResourceNames.parse(field, name, "accounts")[0]);
    }

    @Override
    public String toString() {
        return "accounts/" + account;
    }
}
