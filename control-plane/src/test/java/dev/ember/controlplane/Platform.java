package dev.ember.controlplane;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import org.eclipse.microprofile.config.ConfigProvider;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;

import dev.ember.testsupport.KafkaEvents;

/** What tests do as the platform's users: the bootstrap platform admin sets up accounts, users and their keys. */
public final class Platform {

    /** The bootstrap platform-admin key of account {@code acme} (application.properties, %test profile). */
    public static final String PLATFORM_ADMIN_KEY = "em_controlplanetestkey000000000000000000000";
    public static final String LLAMA_8B = "accounts/fireworks/models/llama-v3p1-8b-instruct";

    private Platform() {
    }

    public static RequestSpecification as(String key) {
        return given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON);
    }

    public static RequestSpecification asPlatformAdmin() {
        return as(PLATFORM_ADMIN_KEY);
    }

    public static KafkaEvents kafka() {
        return new KafkaEvents(ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
    }

    /** A new account, made by the platform admin. */
    public static void createAccount(String accountId) {
        asPlatformAdmin().body("{\"email\": \"owner@" + accountId + ".example\"}")
                .post("/v1/accounts?accountId=" + accountId)
                .then().statusCode(200);
    }

    /** A new user of the account with that role, made by the platform admin. */
    public static void createUser(String account, String userId, String role) {
        asPlatformAdmin().body("{\"role\": \"" + role + "\", \"email\": \"" + userId + "@" + account + ".example\"}")
                .post("/v1/accounts/" + account + "/users?userId=" + userId)
                .then().statusCode(200);
    }

    /** A new key of the user, made by the platform admin; returns the secret. */
    public static String createKey(String account, String userId) {
        return asPlatformAdmin().body("{\"apiKey\": {}}")
                .post("/v1/accounts/" + account + "/users/" + userId + "/apiKeys")
                .then().statusCode(200).extract().path("key");
    }

    /** A new user with that role and a key of its own; returns the key's secret. */
    public static String userWithKey(String account, String userId, String role) {
        createUser(account, userId, role);
        return createKey(account, userId);
    }

    /** A 400 INVALID_ARGUMENT in the google.rpc.Status shape, naming {@code field} among its violations. */
    public static ValidatableResponse assertBadField(Response response, String field) {
        return response.then().statusCode(400)
                .body("status", equalTo("INVALID_ARGUMENT"))
                .body("code", equalTo(3))
                .body("details.fieldViolations.flatten().field", hasItem(field));
    }

    /** A 404 NOT_FOUND in the google.rpc.Status shape. */
    public static ValidatableResponse assertNotFound(Response response) {
        return response.then().statusCode(404).body("status", equalTo("NOT_FOUND")).body("code", equalTo(5));
    }
}
