package dev.ember.dataplane.routing;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import java.time.Duration;
import java.time.Instant;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

import dev.ember.common.auth.ApiKeys;
import dev.ember.common.event.ApiKeyCreated;
import dev.ember.common.event.DeployedModelDeleted;
import dev.ember.common.event.DeployedModelSpec;
import dev.ember.common.event.DeployedModelUpdated;
import dev.ember.common.event.DeploymentCreated;
import dev.ember.common.event.DeploymentSpec;
import dev.ember.common.event.EventTypes;
import dev.ember.common.event.ModelProfile;
import dev.ember.common.event.ReplicaUpdated;
import dev.ember.testsupport.EmberInfraResource;
import dev.ember.testsupport.KafkaEvents;

/**
 * LoRA addons become routable when the control plane says they are DEPLOYED on a deployment: by the addon's name
 * (its default deployment), by {@code addon#deployment}, or by the deployed model's name; never while DEPLOYING or
 * UNDEPLOYING, after deletion, or for another account.
 */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
class LoraRoutingTest {

    static final String KEY = ApiKeys.generate();
    static final String OTHER_KEY = ApiKeys.generate();
    static final ModelProfile LLAMA_8B = new ModelProfile("accounts/fireworks/models/llama-v3p1-8b-instruct",
            8_030_000_000L, 8_030_000_000L, 32, 4096, 8, 128, 131072, "FP8");
    static final String FIRST = "accounts/lora/deployments/lora-first";
    static final String SECOND = "accounts/lora/deployments/lora-second";
    static final String ADDON = "accounts/lora/models/sql-lora";
    static final String ON_FIRST = "accounts/lora/deployedModels/sql-on-first";
    static final String ON_SECOND = "accounts/lora/deployedModels/sql-on-second";

    static boolean published;

    static KafkaEvents kafka() {
        return new KafkaEvents(ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
    }

    @BeforeEach
    void publishTwoReadyDeploymentsAndAKey() {
        if (published) {
            return;
        }
        published = true;
        KafkaEvents kafka = kafka();
        kafka.publish(EventTypes.API_KEY_CREATED, "accounts/lora/users/admin/apiKeys/k1", new ApiKeyCreated(
                "accounts/lora/users/admin/apiKeys/k1", "lora", "admin", "admin", ApiKeys.hash(KEY),
                ApiKeys.prefix(KEY), null, Instant.now()));
        kafka.publish(EventTypes.API_KEY_CREATED, "accounts/other-lora/users/admin/apiKeys/k2", new ApiKeyCreated(
                "accounts/other-lora/users/admin/apiKeys/k2", "other-lora", "admin", "admin",
                ApiKeys.hash(OTHER_KEY), ApiKeys.prefix(OTHER_KEY), null, Instant.now()));
        for (String name : new String[]{FIRST, SECOND}) {
            kafka.publish(EventTypes.DEPLOYMENT_CREATED, name, new DeploymentCreated(new DeploymentSpec(name,
                    uid(name), 1, "d", LLAMA_8B.name(), LLAMA_8B, "NVIDIA_H100_80GB", 1, "FP8", 0, 1, "GLOBAL",
                    Instant.now(), null)));
            kafka.publish(EventTypes.REPLICA_UPDATED, name + "/replicas/r-1", new ReplicaUpdated(name + "/replicas/r-1",
                    name, uid(name), 4, "READY", "US_IOWA_1", "node-0", "NVIDIA_H100_80GB", 1, "", Instant.now()));
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> chat(FIRST).then().statusCode(200));
    }

    @Test
    void aDeployedLoraIsRoutedByItsNameToItsDefaultDeployment() {
        assertNotFound(chat(ADDON));
        loaded(ON_FIRST, FIRST, "DEPLOYING", true, 1);
        loaded(ON_SECOND, SECOND, "DEPLOYED", false, 1);
        // Only the second copy is DEPLOYED: the name routes there, though the first is the default.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> chat(ADDON).then().statusCode(200)
                .header("x-ember-deployment", equalTo(SECOND)));
        assertNotOn(chat(ADDON + "#" + FIRST));

        loaded(ON_FIRST, FIRST, "DEPLOYED", true, 2);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> chat(ADDON).then().statusCode(200)
                .header("x-ember-deployment", equalTo(FIRST)));
        chat(ADDON + "#" + SECOND).then().statusCode(200).header("x-ember-deployment", equalTo(SECOND));
        chat(ON_SECOND).then().statusCode(200).header("x-ember-deployment", equalTo(SECOND));
        as(KEY).get("/inference/v1/models").then().statusCode(200).body("data.id", hasItem(ADDON));

        // Another account sees none of it.
        assertNotFound(as(OTHER_KEY).body(body(ADDON)).post("/inference/v1/chat/completions"));
        assertNotFound(as(OTHER_KEY).body(body(ON_FIRST)).post("/inference/v1/chat/completions"));
        as(OTHER_KEY).get("/inference/v1/models").then().statusCode(200).body("data.id", not(hasItem(ADDON)));

        // Unloading stops routing at UNDEPLOYING; a stale event of an older generation changes nothing.
        loaded(ON_FIRST, FIRST, "UNDEPLOYING", false, 3);
        loaded(ON_FIRST, FIRST, "DEPLOYED", true, 2);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> chat(ADDON).then().statusCode(200)
                .header("x-ember-deployment", equalTo(SECOND)));
        assertNotOn(chat(ADDON + "#" + FIRST));
        kafka().publish(EventTypes.DEPLOYED_MODEL_DELETED, ON_SECOND, new DeployedModelDeleted(ON_SECOND,
                uid(ON_SECOND), ADDON, SECOND, Instant.now(), "unloaded"));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertNotFound(chat(ADDON)));
        // The base model on the deployment is served as before.
        chat(LLAMA_8B.name() + "#" + FIRST).then().statusCode(200);
    }

    @Test
    void anAddonNotOnTheNamedDeploymentIsABadModel() {
        assertNotOn(chat("accounts/lora/models/never-loaded#" + FIRST));
    }

    private static void loaded(String name, String deployment, String state, boolean isDefault, long generation) {
        kafka().publish(EventTypes.DEPLOYED_MODEL_UPDATED, name, new DeployedModelUpdated(new DeployedModelSpec(name,
                uid(name), generation, ADDON, LLAMA_8B.name(), deployment, uid(deployment), isDefault, state, 16,
                Instant.now(), Instant.now())));
    }

    private static String uid(String name) {
        return "uid-" + Integer.toHexString(name.hashCode());
    }

    private static Response chat(String model) {
        return as(KEY).body(body(model)).post("/inference/v1/chat/completions");
    }

    private static String body(String model) {
        return "{\"model\": \"" + model + "\", \"max_tokens\": 4, \"messages\": [{\"role\": \"user\", "
                + "\"content\": \"Hi\"}]}";
    }

    private static RequestSpecification as(String key) {
        return given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON);
    }

    /** {@code addon#deployment} where the addon is not DEPLOYED: the deployment serves another model. */
    private static void assertNotOn(Response r) {
        r.then().statusCode(400).body("error.message", containsString("no LoRA addon of that name DEPLOYED"));
    }

    private static void assertNotFound(Response r) {
        r.then().statusCode(404).body("error.code", equalTo("model_not_found"));
    }
}
