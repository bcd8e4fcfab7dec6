package dev.ember.dataplane.openai;

import static dev.ember.dataplane.openai.InferenceFixture.LLAMA_8B;
import static dev.ember.dataplane.openai.InferenceFixture.as;
import static dev.ember.dataplane.openai.InferenceFixture.kafka;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.ember.common.auth.ApiKeys;
import dev.ember.common.event.ApiKeyCreated;
import dev.ember.common.event.DeploymentCreated;
import dev.ember.common.event.DeploymentScaleRequested;
import dev.ember.common.event.DeploymentSpec;
import dev.ember.common.event.DeploymentUpdated;
import dev.ember.common.event.EventTypes;
import dev.ember.common.event.ReplicaUpdated;
import dev.ember.testsupport.EmberInfraResource;

/**
 * The data plane follows every event that carries a deployment's spec: a new spec (maxContextLength here) applies to
 * requests, and a deployment whose only event left is a scale request is still served.
 */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
class ServingOptionsTest {

    static final String KEY = ApiKeys.generate();
    static final String SHORT = "accounts/acme/deployments/short-context";
    static final String SCALED = "accounts/acme/deployments/only-scaled";
    static boolean published;

    static DeploymentSpec spec(String name, long generation, int maxContextLength) {
        return new DeploymentSpec(name, "uid-" + name.hashCode(), generation, "d", LLAMA_8B.name(), LLAMA_8B,
                "NVIDIA_H100_80GB", 1, "FP8", 0, 2, "GLOBAL", Instant.now(), null, null, 4, 3, false,
                maxContextLength);
    }

    static void ready(String name) {
        kafka().publish(EventTypes.REPLICA_UPDATED, name + "/replicas/r-1", new ReplicaUpdated(name + "/replicas/r-1",
                name, "uid-" + name.hashCode(), 4, "READY", "US_IOWA_1", "us-iowa-1-nvidia-h100-80gb-0",
                "NVIDIA_H100_80GB", 1, "", Instant.now()));
    }

    @BeforeEach
    void publish() {
        if (published) {
            return;
        }
        published = true;
        kafka().publish(EventTypes.API_KEY_CREATED, "accounts/acme/users/admin/apiKeys/so", new ApiKeyCreated(
                "accounts/acme/users/admin/apiKeys/so", "acme", "admin", "admin", ApiKeys.hash(KEY),
                ApiKeys.prefix(KEY), null, Instant.now()));
        kafka().publish(EventTypes.DEPLOYMENT_CREATED, SHORT, new DeploymentCreated(spec(SHORT, 1, 16)));
        ready(SHORT);
        // As compaction would leave it: no created event, only the newest, a scale request carrying the spec.
        kafka().publish(EventTypes.DEPLOYMENT_SCALE_REQUESTED, SCALED, new DeploymentScaleRequested(
                spec(SCALED, 3, 0), 2, 5, Instant.now()));
        ready(SCALED);
    }

    static String prompt(String model, int words) {
        return "{\"model\": \"" + model + "\", \"max_tokens\": 4, \"messages\": [{\"role\": \"user\", \"content\": \""
                + "word ".repeat(words).trim() + "\"}]}";
    }

    @Test
    void maxContextLengthBoundsPromptsUntilANewSpecLiftsIt() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> as(KEY).body(prompt(SHORT, 40))
                .post("/inference/v1/chat/completions").then().statusCode(400)
                .body("error.code", equalTo("context_length_exceeded"))
                .body("error.message", containsString("maxContextLength of 16")));

        kafka().publish(EventTypes.DEPLOYMENT_UPDATED, SHORT, new DeploymentUpdated(spec(SHORT, 2, 0)));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> as(KEY).body(prompt(SHORT, 40))
                .post("/inference/v1/chat/completions").then().statusCode(200));
    }

    @Test
    void aDeploymentKnownOnlyFromAScaleRequestIsServed() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> as(KEY).body(prompt(SCALED, 3))
                .post("/inference/v1/chat/completions").then().statusCode(200)
                .body("model", equalTo(SCALED)));
    }
}
