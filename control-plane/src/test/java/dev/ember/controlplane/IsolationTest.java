package dev.ember.controlplane;

import static dev.ember.controlplane.Platform.LLAMA_8B;
import static dev.ember.controlplane.Platform.as;
import static dev.ember.controlplane.Platform.createAccount;
import static dev.ember.controlplane.Platform.userWithKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;
import java.util.function.BiFunction;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import dev.ember.testsupport.EmberInfraResource;

/**
 * Two accounts. Whatever a key of one does to the other's resources (accounts, users, keys, deployments, quotas,
 * usage), it gets
 * the 404 it would get for an account that does not exist, word for word, and nothing changes: another account's
 * resources are not merely forbidden, they are invisible.
 */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
class IsolationTest {

    static final String A = "iso-a";
    static final String B = "iso-b";
    static final String NOWHERE = "iso-nowhere";

    static String aAdmin;
    static String aUser;
    static String aInference;
    static String bAdmin;
    static String bUserKey;
    static String bKeyId;

    /** One attempt on an account's resources, by a caller. */
    record Attempt(String what, BiFunction<RequestSpecification, String, Response> send) {
    }

    static final List<Attempt> ATTEMPTS = List.of(
            new Attempt("get the account", (r, acc) -> r.get("/v1/accounts/" + acc)),
            new Attempt("create a user", (r, acc) -> r.body("{\"role\": \"admin\"}")
                    .post("/v1/accounts/" + acc + "/users?userId=intruder")),
            new Attempt("list users", (r, acc) -> r.get("/v1/accounts/" + acc + "/users")),
            new Attempt("get a user", (r, acc) -> r.get("/v1/accounts/" + acc + "/users/b-user")),
            new Attempt("update a user", (r, acc) -> r.body("{\"role\": \"admin\"}")
                    .patch("/v1/accounts/" + acc + "/users/b-user")),
            new Attempt("delete a user", (r, acc) -> r.delete("/v1/accounts/" + acc + "/users/b-user")),
            new Attempt("create a key", (r, acc) -> r.body("{\"apiKey\": {}}")
                    .post("/v1/accounts/" + acc + "/users/b-user/apiKeys")),
            new Attempt("list keys", (r, acc) -> r.get("/v1/accounts/" + acc + "/users/b-user/apiKeys")),
            new Attempt("get a key", (r, acc) -> r.get("/v1/accounts/" + acc + "/users/b-user/apiKeys/" + bKeyId)),
            new Attempt("revoke a key", (r, acc) -> r.body("{\"keyId\": \"" + bKeyId + "\"}")
                    .post("/v1/accounts/" + acc + "/users/b-user/apiKeys:delete")),
            new Attempt("create a deployment", (r, acc) -> r.body("{\"baseModel\": \"" + LLAMA_8B + "\"}")
                    .post("/v1/accounts/" + acc + "/deployments?deploymentId=planted")),
            new Attempt("list deployments", (r, acc) -> r.get("/v1/accounts/" + acc + "/deployments")),
            new Attempt("get a deployment", (r, acc) -> r.get("/v1/accounts/" + acc + "/deployments/b-llama")),
            new Attempt("update a deployment", (r, acc) -> r.body("{\"displayName\": \"pwned\"}")
                    .patch("/v1/accounts/" + acc + "/deployments/b-llama")),
            new Attempt("delete a deployment", (r, acc) -> r.delete("/v1/accounts/" + acc + "/deployments/b-llama")),
            new Attempt("undelete a deployment", (r, acc) -> r
                    .post("/v1/accounts/" + acc + "/deployments/b-deleted:undelete")),
            new Attempt("list quotas", (r, acc) -> r.get("/v1/accounts/" + acc + "/quotas")),
            new Attempt("get a quota", (r, acc) -> r.get("/v1/accounts/" + acc + "/quotas/h100-us-iowa-1")),
            new Attempt("update a quota", (r, acc) -> r.body("{\"value\": \"0\"}")
                    .patch("/v1/accounts/" + acc + "/quotas/h100-us-iowa-1")),
            new Attempt("read usage", (r, acc) -> r.get("/v1/accounts/" + acc + "/billingUsage"
                    + "?startTime=2026-11-01T00:00:00Z&endTime=2026-11-02T00:00:00Z")),
            new Attempt("list models", (r, acc) -> r.get("/v1/accounts/" + acc + "/models")),
            new Attempt("create a model", (r, acc) -> r.body("{\"modelId\": \"planted\", \"model\": {\"kind\": "
                    + "\"HF_PEFT_ADDON\", \"peftDetails\": {\"baseModel\": \"" + LLAMA_8B + "\", \"r\": 8}}}")
                    .post("/v1/accounts/" + acc + "/models")),
            new Attempt("list deployed models", (r, acc) -> r.get("/v1/accounts/" + acc + "/deployedModels")));

    /** Once per class, in @BeforeEach where the test port is known. */
    @BeforeEach
    void twoAccountsWithTheirOwnUsersKeysAndDeployments() {
        if (aAdmin != null) {
            return;
        }
        createAccount(A);
        createAccount(B);
        aAdmin = userWithKey(A, "a-admin", "admin");
        aUser = userWithKey(A, "a-user", "user");
        aInference = userWithKey(A, "a-inference", "inference-user");
        bAdmin = userWithKey(B, "b-admin", "admin");
        bUserKey = userWithKey(B, "b-user", "user");
        bKeyId = as(bAdmin).get("/v1/accounts/" + B + "/users/b-user/apiKeys").then().statusCode(200)
                .extract().path("apiKeys[0].keyId");
        as(bAdmin).body("{\"baseModel\": \"" + LLAMA_8B + "\", \"displayName\": \"B's llama\"}")
                .post("/v1/accounts/" + B + "/deployments?deploymentId=b-llama").then().statusCode(200);
        as(bAdmin).body("{\"baseModel\": \"" + LLAMA_8B + "\"}")
                .post("/v1/accounts/" + B + "/deployments?deploymentId=b-deleted").then().statusCode(200);
        as(bAdmin).delete("/v1/accounts/" + B + "/deployments/b-deleted").then().statusCode(200);
    }

    @Test
    void anotherAccountsResourcesAreNotFoundExactlyLikeAnAccountThatDoesNotExist() {
        for (String caller : List.of(aAdmin, aUser, aInference)) {
            for (Attempt attempt : ATTEMPTS) {
                Response other = attempt.send().apply(as(caller), B);
                Response nowhere = attempt.send().apply(as(caller), NOWHERE);
                assertThat(other.statusCode()).as(attempt.what() + " in another account").isEqualTo(404);
                assertThat(other.jsonPath().getString("status")).as(attempt.what()).isEqualTo("NOT_FOUND");
                assertThat(other.jsonPath().getString("message")).as(attempt.what())
                        .isEqualTo("account 'accounts/" + B + "' does not exist");
                assertThat(nowhere.statusCode()).as(attempt.what() + " in no account").isEqualTo(404);
                assertThat(other.asString().replace(B, NOWHERE)).as(attempt.what() + ": the same answer")
                        .isEqualTo(nowhere.asString());
            }
        }
    }

    @Test
    void nothingTheOtherAccountTriedChangedAnything() {
        for (Attempt attempt : ATTEMPTS) {
            attempt.send().apply(as(aAdmin), B).then().statusCode(404);
        }

        as(bUserKey).get("/v1/accounts/" + B).then().statusCode(200);
        as(bAdmin).get("/v1/accounts/" + B + "/users/b-user").then().statusCode(200).body("role", equalTo("user"));
        as(bAdmin).get("/v1/accounts/" + B + "/users/intruder").then().statusCode(404);
        as(bAdmin).get("/v1/accounts/" + B + "/users/b-user/apiKeys").then().statusCode(200)
                .body("totalSize", equalTo(1));
        as(bAdmin).get("/v1/accounts/" + B + "/deployments/b-llama").then().statusCode(200)
                .body("displayName", equalTo("B's llama"))
                .body("state", equalTo("CREATING"));
        as(bAdmin).get("/v1/accounts/" + B + "/deployments/b-deleted").then().statusCode(200)
                .body("state", equalTo("DELETED"));
        as(bAdmin).get("/v1/accounts/" + B + "/deployments/planted").then().statusCode(404);
    }

    @Test
    void listsShowOnlyTheCallersOwnAccount() {
        as(aAdmin).get("/v1/accounts").then().statusCode(200)
                .body("accounts.name", equalTo(List.of("accounts/" + A)))
                .body("totalSize", equalTo(1));
        as(bAdmin).get("/v1/accounts").then().statusCode(200)
                .body("accounts.name", equalTo(List.of("accounts/" + B)));
        as(aAdmin).get("/v1/accounts/" + A + "/users").then().statusCode(200)
                .body("users.name.findAll { it.startsWith('accounts/iso-b') }", equalTo(List.of()))
                .body("totalSize", equalTo(3));
    }

    @Test
    void withinItsOwnAccountARoleThatMayNotActIsForbiddenNotHidden() {
        as(aInference).body("{\"baseModel\": \"" + LLAMA_8B + "\"}")
                .post("/v1/accounts/" + A + "/deployments?deploymentId=not-allowed")
                .then().statusCode(403).body("status", equalTo("PERMISSION_DENIED"));
        as(aUser).body("{\"role\": \"admin\"}").post("/v1/accounts/" + A + "/users?userId=not-allowed")
                .then().statusCode(403).body("status", equalTo("PERMISSION_DENIED"));
    }
}
