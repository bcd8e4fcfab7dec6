package dev.ember.common.name;

/** {@code accounts/{account}/users/{user}/apiKeys/{key}}: an API key belongs to one user of one account. */
public record ApiKeyName(UserName user, String key) {

    public ApiKeyName {
        ResourceIds.require("keyId", key);
    }

    public static ApiKeyName parse(String field, String name) {
        String[] ids = ResourceNames.parse(field, name, "accounts", "users", "apiKeys");
        return new ApiKeyName(new UserName(ids[0], ids[1]), ids[2]);
    }

    public String account() {
        return user.account();
    }

    @Override
    public String toString() {
        return user + "/apiKeys/" + key;
    }
}
