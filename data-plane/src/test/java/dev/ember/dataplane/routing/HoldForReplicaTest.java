package dev.ember.dataplane.routing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

import dev.ember.common.auth.ApiKeys;
import dev.ember.common.event.ApiKeyCreated;
import dev.ember.common.event.ApiKeyRevoked;
import dev.ember.common.event.DeploymentCreated;
import dev.ember.common.event.DeploymentSpec;
import dev.ember.common.event.EventTypes;
import dev.ember.common.event.ModelProfile;
import dev.ember.common.event.ReplicaUpdated;
import dev.ember.dataplane.TestClock;
import dev.ember.testsupport.EmberInfraResource;
import dev.ember.testsupport.KafkaEvents;

/**
 * {@code x-ember-wait-for-replica: <seconds>} holds a request to a deployment with no ready replica until the
 * scheduler's event says one is READY, then serves it; past the deadline the request gets the 503 it would have had at
 * once. Deployments here start with no replica, as after a scale to zero.
 */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
class HoldForReplicaTest {

    static final String KEY = ApiKeys.generate();
    static final ModelProfile LLAMA_8B = new ModelProfile("accounts/fireworks/models/llama-v3p1-8b-instruct",
            8_030_000_000L, 8_030_000_000L, 32, 4096, 8, 128, 131072, "FP8");
    static final String PLAIN = "accounts/hold/deployments/cold-plain";
    static final String STREAMED = "accounts/hold/deployments/cold-streamed";
    static final String NEVER = "accounts/hold/deployments/cold-never";
    static final String REVOKED_WHILE_HELD = "accounts/hold/deployments/cold-revoked";
    /** A key revoked while its request is held. */
    static final String LEAVING_KEY = ApiKeys.generate();
    static final String LEAVING_KEY_NAME = "accounts/hold/users/leaver/apiKeys/k";
    static final String CHAT = "/inference/v1/chat/completions";
    static final String WAIT = "x-ember-wait-for-replica";

    static boolean published;

    @Inject
    ReplicaWaiters waiters;

    static KafkaEvents kafka() {
        return new KafkaEvents(ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
    }

    @BeforeEach
    void publishDeploymentsWithoutReplicas() {
        if (published) {
            return;
        }
        published = true;
        kafka().publish(EventTypes.API_KEY_CREATED, "accounts/hold/users/admin/apiKeys/k", new ApiKeyCreated(
                "accounts/hold/users/admin/apiKeys/k", "hold", "admin", "admin", ApiKeys.hash(KEY),
                ApiKeys.prefix(KEY), null, Instant.now()));
        kafka().publish(EventTypes.API_KEY_CREATED, LEAVING_KEY_NAME, new ApiKeyCreated(LEAVING_KEY_NAME, "hold",
                "leaver", "user", ApiKeys.hash(LEAVING_KEY), ApiKeys.prefix(LEAVING_KEY), null, Instant.now()));
        for (String name : new String[]{PLAIN, STREAMED, NEVER, REVOKED_WHILE_HELD}) {
            kafka().publish(EventTypes.DEPLOYMENT_CREATED, name, new DeploymentCreated(new DeploymentSpec(name,
                    "uid-" + name, 1, "d", LLAMA_8B.name(), LLAMA_8B, "NVIDIA_H100_80GB", 1, "FP8", 0, 1, "GLOBAL",
                    Instant.now(), null)));
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> chat(NEVER, false).post(CHAT).then()
                .statusCode(503));
    }

    static io.restassured.specification.RequestSpecification chat(String deployment, boolean stream) {
        return chat(KEY, deployment, stream);
    }

    static io.restassured.specification.RequestSpecification chat(String key, String deployment, boolean stream) {
        return given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON)
                .body("{\"model\": \"" + deployment + "\", \"max_tokens\": 8, \"stream\": " + stream
                        + ", \"messages\": [{\"role\": \"user\", \"content\": \"Say hello\"}]}");
    }

    static void ready(String deployment) {
        String name = deployment + "/replicas/r-1";
        kafka().publish(EventTypes.REPLICA_UPDATED, name, new ReplicaUpdated(name, deployment, "uid-" + deployment, 4,
                "READY", "US_IOWA_1", "node-0", "NVIDIA_H100_80GB", 1, "", Instant.now()));
    }

    @Test
    void aHeldRequestIsServedWhenAReplicaBecomesReady() throws Exception {
        CompletableFuture<Response> held = CompletableFuture.supplyAsync(
                () -> chat(PLAIN, false).header(WAIT, "120").post(CHAT));
        await().atMost(Duration.ofSeconds(10)).until(() -> waiters.held(PLAIN) == 1);
        assertThat(held).as("held, not answered").isNotDone();

        ready(PLAIN);
        Response served = held.get(30, TimeUnit.SECONDS);
        served.then().log().ifValidationFails().statusCode(200)
                .header("x-ember-replica", PLAIN + "/replicas/r-1")
                .body("object", equalTo("chat.completion"));
        assertThat(waiters.held(PLAIN)).isZero();
        assertThat(kafka().first(EventTypes.WAKE_UP_REQUESTED, e -> PLAIN.equals(e.data().deployment()),
                Duration.ofSeconds(10))).as("the deployment was woken").isPresent();
    }

    @Test
    void aHeldStreamIsStreamedWhenAReplicaBecomesReady() throws Exception {
        CompletableFuture<Response> held = CompletableFuture.supplyAsync(
                () -> chat(STREAMED, true).header(WAIT, "120").post(CHAT));
        await().atMost(Duration.ofSeconds(10)).until(() -> waiters.held(STREAMED) == 1);

        ready(STREAMED);
        Response streamed = held.get(30, TimeUnit.SECONDS);
        streamed.then().statusCode(200).contentType(startsWith("text/event-stream"));
        assertThat(streamed.asString()).contains("chat.completion.chunk").endsWith("data: [DONE]\n\n");
    }

    @Test
    void aHeldRequestWhoseKeyIsRevokedMeanwhileIsRefusedWhenTheReplicaIsReady() throws Exception {
        chat(LEAVING_KEY, NEVER, false).post(CHAT).then().statusCode(503);
        CompletableFuture<Response> held = CompletableFuture.supplyAsync(
                () -> chat(LEAVING_KEY, REVOKED_WHILE_HELD, false).header(WAIT, "120").post(CHAT));
        await().atMost(Duration.ofSeconds(10)).until(() -> waiters.held(REVOKED_WHILE_HELD) == 1);

        kafka().publish(EventTypes.API_KEY_REVOKED, LEAVING_KEY_NAME, new ApiKeyRevoked(LEAVING_KEY_NAME, "hold",
                "leaver", ApiKeys.hash(LEAVING_KEY), ApiKeys.prefix(LEAVING_KEY), Instant.now(), "user left"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> chat(LEAVING_KEY, NEVER, false).post(CHAT).then()
                .statusCode(401));
        assertThat(held).as("still held: no replica yet").isNotDone();

        ready(REVOKED_WHILE_HELD);
        Response refused = held.get(30, TimeUnit.SECONDS);
        refused.then().log().ifValidationFails().statusCode(401)
                .body("error.code", equalTo("API_KEY_REVOKED"))
                .body("error.message", containsString("user left"));
        assertThat(refused.header("x-ember-replica")).as("not served").isNull();
        assertThat(waiters.held(REVOKED_WHILE_HELD)).isZero();
        // The same request with a valid key is served by that replica: the refusal was the key's.
        chat(REVOKED_WHILE_HELD, false).post(CHAT).then().statusCode(200);
    }

    @Test
    void aHeldRequestGetsTheUsual503AtItsDeadline() throws Exception {
        CompletableFuture<Response> held = CompletableFuture.supplyAsync(
                () -> chat(NEVER, false).header(WAIT, "30").post(CHAT));
        await().atMost(Duration.ofSeconds(10)).until(() -> waiters.held(NEVER) == 1);
        TestClock.CLOCK.advance(Duration.ofSeconds(20));
        waiters.sweep();
        assertThat(waiters.held(NEVER)).as("20 s of 30: still held").isOne();
        assertThat(held).isNotDone();

        TestClock.CLOCK.advance(Duration.ofSeconds(11));
        Response refused = held.get(10, TimeUnit.SECONDS);
        refused.then().statusCode(503).header("Retry-After", equalTo("10"))
                .body("error.type", equalTo("service_unavailable"))
                .body("error.code", equalTo("DEPLOYMENT_SCALING_UP"));
        assertThat(waiters.held(NEVER)).isZero();
    }

    @Test
    void withoutTheHeaderOrWithZeroTheAnswerIs503AtOnce() {
        chat(NEVER, false).post(CHAT).then().statusCode(503).body("error.code", equalTo("DEPLOYMENT_SCALING_UP"));
        chat(NEVER, false).header(WAIT, "0").post(CHAT).then().statusCode(503);
    }

    @Test
    void badWaitValuesAreRefusedNamingTheHeader() {
        for (String bad : new String[]{"soon", "-1", "1.5", "301"}) {
            chat(NEVER, false).header(WAIT, bad).post(CHAT).then().log().ifValidationFails().statusCode(400)
                    .body("error.type", equalTo("invalid_request_error"))
                    .body("error.param", equalTo(WAIT))
                    .body("error.message", containsString("from 0 to 300"));
        }
    }
}
