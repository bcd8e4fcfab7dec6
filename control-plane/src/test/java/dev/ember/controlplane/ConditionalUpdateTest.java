package dev.ember.controlplane;

import static dev.ember.controlplane.Platform.LLAMA_8B;
import static dev.ember.controlplane.Platform.PLATFORM_ADMIN_KEY;
import static dev.ember.controlplane.Platform.asPlatformAdmin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.ember.controlplane.model.ModelFixtures;
import dev.ember.controlplane.quota.QuotaApiTest;
import dev.ember.testsupport.EmberInfraResource;

/**
 * Optimistic concurrency on every resource that can be updated: a GET's {@code ETag}, sent back in {@code If-Match},
 * makes a PATCH conditional. A stale tag is refused with 409 ABORTED and changes nothing; no tag is an unconditional
 * update. (Deployments, whose tag is their spec's generation, are covered by DeploymentUpdateTest.)
 */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
class ConditionalUpdateTest {

    @Test
    void models() {
        ModelFixtures.createLora(PLATFORM_ADMIN_KEY, "acme", "etag-lora", LLAMA_8B, 8).then().statusCode(200);
        assertConditional("/v1/accounts/acme/models/etag-lora", "displayName", "\"first\"", "\"second\"", "first",
                "second");
    }

    @Test
    void aModelsTagChangesWhenItsUploadIsValidated() {
        ModelFixtures.createLora(PLATFORM_ADMIN_KEY, "acme", "etag-upload", LLAMA_8B, 16).then().statusCode(200);
        String path = "/v1/accounts/acme/models/etag-upload";
        String uploading = etag(path);
        ModelFixtures.upload(PLATFORM_ADMIN_KEY, "accounts/acme/models/etag-upload", ModelFixtures.loraFiles(16));
        ModelFixtures.validate(PLATFORM_ADMIN_KEY, "accounts/acme/models/etag-upload").then().statusCode(200);
        asPlatformAdmin().header("If-Match", uploading).body("{\"displayName\": \"late\"}").patch(path).then()
                .statusCode(409).body("details[0].reason", equalTo("ETAG_MISMATCH"));
    }

    @Test
    void users() {
        Platform.createUser("acme", "etag-user", "user");
        assertConditional("/v1/accounts/acme/users/etag-user", "displayName", "\"Ada\"", "\"Grace\"", "Ada",
                "Grace");
    }

    @Test
    void deployedModels() {
        String lora = ModelFixtures.readyLora(PLATFORM_ADMIN_KEY, "acme", "etag-dm-lora", LLAMA_8B);
        asPlatformAdmin().body("{\"baseModel\": \"" + LLAMA_8B + "\", \"enableAddons\": true}")
                .post("/v1/accounts/acme/deployments?deploymentId=etag-dm-base").then().statusCode(200);
        asPlatformAdmin().body("{\"model\": \"" + lora + "\", \"deployment\": "
                + "\"accounts/acme/deployments/etag-dm-base\"}")
                .post("/v1/accounts/acme/deployedModels?deployedModelId=etag-dm").then().statusCode(200);
        assertConditional("/v1/accounts/acme/deployedModels/etag-dm", "description", "\"first\"", "\"second\"",
                "first", "second");
    }

    @Test
    void quotas() {
        QuotaApiTest.publishDefaultPools();
        Platform.createAccount("etag-co");
        String path = "/v1/accounts/etag-co/quotas/h100-us-texas-1";
        // A quota still at the defaults has a tag too, and setting it the first time is conditional on it.
        assertConditional(path, "value", "\"12\"", "\"20\"", "12", "20");
    }

    @Test
    void aTagFromAnotherResourceOrGarbageIsStaleAndAStarMatchesAny() {
        Platform.createUser("acme", "etag-star", "user");
        String path = "/v1/accounts/acme/users/etag-star";
        asPlatformAdmin().header("If-Match", "\"not-a-revision\"").body("{\"displayName\": \"x\"}").patch(path)
                .then().statusCode(409).body("status", equalTo("ABORTED"));
        asPlatformAdmin().header("If-Match", "*").body("{\"displayName\": \"any\"}").patch(path).then()
                .statusCode(200).body("displayName", equalTo("any"));
    }

    /**
     * Reads the resource's tag, updates {@code field} with it (accepted, new tag), then again with the old tag
     * (refused, nothing merged), then with no tag (accepted).
     */
    static void assertConditional(String path, String field, String firstJson, String secondJson, String first,
            String second) {
        String before = etag(path);
        assertThat(before).matches("\"[0-9]+\"");

        String after = asPlatformAdmin().header("If-Match", before).body("{\"" + field + "\": " + firstJson + "}")
                .patch(path).then().statusCode(200).body(field, equalTo(first)).extract().header("ETag");
        assertThat(after).isNotEqualTo(before).isEqualTo(etag(path));

        asPlatformAdmin().header("If-Match", before).body("{\"" + field + "\": " + secondJson + "}").patch(path)
                .then().statusCode(409)
                .body("status", equalTo("ABORTED"))
                .body("details[0].reason", equalTo("ETAG_MISMATCH"))
                .body("message", containsString(after));
        asPlatformAdmin().get(path).then().statusCode(200).body(field, equalTo(first)).header("ETag", after);

        String unconditional = asPlatformAdmin().body("{\"" + field + "\": " + secondJson + "}").patch(path).then()
                .statusCode(200).body(field, equalTo(second)).extract().header("ETag");
        assertThat(unconditional).isNotEqualTo(after);
    }

    static String etag(String path) {
        return asPlatformAdmin().get(path).then().statusCode(200).extract().header("ETag");
    }
}
