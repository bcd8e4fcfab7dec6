package dev.ember.common.name;

/** {@code accounts/{account}/users/{user}}. */
public record UserName(String account, String user) {

    public UserName {
        ResourceIds.require("account", account);
        ResourceIds.require("userId", user);
    }

    public static UserName parse(String field, String name) {
        String[] ids = ResourceNames.parse(field, name, "accounts", "users");
        return new UserName(ids[0], ids[1]);
    }

    public AccountName accountName() {
        return new AccountName(account);
    }

    @Override
    public String toString() {
        return "accounts/" + account + "/users/" + user;
    }
}
