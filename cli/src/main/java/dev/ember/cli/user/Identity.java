package dev.ember.cli.user;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.ember.cli.ApiException;
import dev.ember.cli.Request;
import dev.ember.cli.Session;

/**
 * Whose API key this is. The API has no "who am I" method, so the key's user is found among the account's users by
 * the key's prefix (its first 8 characters, which every key listing shows): the keys of users whose keys this key may
 * not list are skipped.
 */
public record Identity(JsonNode account, JsonNode user, JsonNode key) {

    static final int PREFIX_LENGTH = 8;

    public static Identity resolve(Session s) {
        JsonNode account = s.call(Request.get("/v1/accounts/" + s.account()));
        String prefix = s.apiKey().substring(0, Math.min(PREFIX_LENGTH, s.apiKey().length()));
        for (JsonNode user : all(s, "/v1/accounts/" + s.account() + "/users", "users")) {
            List<JsonNode> keys;
            try {
                keys = all(s, "/v1/" + user.path("name").asText() + "/apiKeys", "apiKeys");
            } catch (ApiException e) {
                if (e.httpStatus() == 403) {
                    continue;
                }
                throw e;
            }
            for (JsonNode key : keys) {
                if (prefix.equals(key.path("prefix").asText())) {
                    return new Identity(account, user, key);
                }
            }
        }
        return new Identity(account, null, null);
    }

    /** The user ID, or null when the key is not one of the account's users' keys. */
    public String userId() {
        return user == null ? null : user.path("name").asText().replaceFirst(".*/", "");
    }

    private static List<JsonNode> all(Session s, String path, String field) {
        List<JsonNode> items = new ArrayList<>();
        String pageToken = null;
        do {
            JsonNode page = s.call(Request.get(path).param("pageSize", 200).param("pageToken", pageToken));
            page.path(field).forEach(items::add);
            pageToken = page.path("nextPageToken").asText("");
        } while (!pageToken.isEmpty());
        return items;
    }
}
