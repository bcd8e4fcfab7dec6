package dev.ember.controlplane;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * Accounts for tests. The bootstrap account {@code acme} has a platform-admin key, which may act on every account;
 * isolation is shown with ordinary accounts made here through the account, user and key API, each with users of a
 * role and their API keys.
 */
public final class TestAccounts {

    /** acme's platform-admin key (application.properties, %test). */
    public static final String ADMIN_KEY = "em_controlplanetestkey000000000000000000000";

    private TestAccounts() {
    }

    public static RequestSpecification asAdmin() {
        return as(ADMIN_KEY);
    }

    public static RequestSpecification as(String key) {
        return given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON);
    }

    /**
     * Makes sure {@code account} exists with a user of {@code role} ("admin", "user" or "inference-user"), through the
     * API as the platform admin, and returns a new key of that user (not a platform admin's). Idempotent, as test
     * classes share one database.
     */
    public static String ordinaryKey(String account, String role) {
        String userId = role.replace("inference-user", "inference");
        int created = asAdmin().body("{\"email\": \"" + account + "@example.com\"}")
                .post("/v1/accounts?accountId=" + account).statusCode();
        if (created != 200 && created != 409) {
            throw new IllegalStateException("cannot create test account " + account + ": HTTP " + created);
        }
        int user = asAdmin().body("{\"role\": \"" + role + "\", \"email\": \"" + userId + "@" + account
                + ".example\"}").post("/v1/accounts/" + account + "/users?userId=" + userId).statusCode();
        if (user != 200 && user != 409) {
            throw new IllegalStateException("cannot create user " + userId + " of " + account + ": HTTP " + user);
        }
        return asAdmin().body("{\"apiKey\": {}}").post("/v1/accounts/" + account + "/users/" + userId + "/apiKeys")
                .then().statusCode(200).extract().path("key");
    }
}
