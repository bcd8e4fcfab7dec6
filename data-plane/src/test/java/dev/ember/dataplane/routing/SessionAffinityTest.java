package dev.ember.dataplane.routing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

import dev.ember.common.auth.ApiKeys;
import dev.ember.common.event.ApiKeyCreated;
import dev.ember.common.event.DeploymentCreated;
import dev.ember.common.event.DeploymentSpec;
import dev.ember.common.event.EventTypes;
import dev.ember.common.event.ModelProfile;
import dev.ember.common.event.ReplicaUpdated;
import dev.ember.testsupport.EmberInfraResource;
import dev.ember.testsupport.KafkaEvents;

/**
 * {@code x-session-affinity} pins the requests of a session to one READY replica of the deployment; when that replica
 * goes away its sessions move to the others, and only its sessions move.
 */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
class SessionAffinityTest {

    static final String KEY = ApiKeys.generate();
    static final ModelProfile LLAMA_8B = new ModelProfile("accounts/fireworks/models/llama-v3p1-8b-instruct",
            8_030_000_000L, 8_030_000_000L, 32, 4096, 8, 128, 131072, "FP8");
    static final String DEPLOYMENT = "accounts/aff/deployments/three-replicas";
    static final String UID = "uid-three-replicas";

    static boolean published;

    static KafkaEvents kafka() {
        return new KafkaEvents(ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
    }

    static void replica(int n, long sequence, String state) {
        String name = DEPLOYMENT + "/replicas/r-" + n;
        kafka().publish(EventTypes.REPLICA_UPDATED, name, new ReplicaUpdated(name, DEPLOYMENT, UID, sequence, state,
                "US_IOWA_1", "node-" + n, "NVIDIA_H100_80GB", 1, "", Instant.now()));
    }

    @BeforeEach
    void publishADeploymentWithThreeReadyReplicas() {
        if (published) {
            return;
        }
        published = true;
        kafka().publish(EventTypes.API_KEY_CREATED, "accounts/aff/users/admin/apiKeys/k", new ApiKeyCreated(
                "accounts/aff/users/admin/apiKeys/k", "aff", "admin", "admin", ApiKeys.hash(KEY), ApiKeys.prefix(KEY),
                null, Instant.now()));
        kafka().publish(EventTypes.DEPLOYMENT_CREATED, DEPLOYMENT, new DeploymentCreated(new DeploymentSpec(
                DEPLOYMENT, UID, 1, "d", LLAMA_8B.name(), LLAMA_8B, "NVIDIA_H100_80GB", 1, "FP8", 3, 3, "GLOBAL",
                Instant.now(), null)));
        for (int n = 1; n <= 3; n++) {
            replica(n, 4, "READY");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> replicasSeen(40).size() == 3);
    }

    static RequestSpecification request() {
        return given().header("Authorization", "Bearer " + KEY).contentType(ContentType.JSON)
                .body("{\"model\": \"" + DEPLOYMENT + "\", \"max_tokens\": 2, \"messages\": [{\"role\": \"user\", "
                        + "\"content\": \"Say hello\"}]}");
    }

    static String replicaFor(String session) {
        return request().header("x-session-affinity", session).post("/inference/v1/chat/completions").then()
                .statusCode(200).extract().header("x-ember-replica");
    }

    /** The replicas that served {@code sessions} sessions, one request each. */
    static Set<String> replicasSeen(int sessions) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < sessions; i++) {
            seen.add(request().header("x-session-affinity", "probe-" + i).post("/inference/v1/chat/completions")
                    .then().extract().header("x-ember-replica"));
        }
        seen.remove(null);
        return seen;
    }

    @Test
    void aSessionStaysOnItsReplicaAndSessionsSpreadOverAll() {
        Map<String, String> placed = new LinkedHashMap<>();
        for (int i = 0; i < 12; i++) {
            placed.put("conversation-" + i, replicaFor("conversation-" + i));
        }
        for (int round = 0; round < 3; round++) {
            placed.forEach((session, replica) -> assertThat(replicaFor(session)).as(session).isEqualTo(replica));
        }
        assertThat(new HashSet<>(placed.values())).as("12 sessions over 3 replicas").hasSizeGreaterThan(1);
    }

    @Test
    void whenItsReplicaGoesAwayASessionMovesAndOnlyItsSessionsMove() {
        Map<String, String> placed = new LinkedHashMap<>();
        for (int i = 0; i < 12; i++) {
            placed.put("chat-" + i, replicaFor("chat-" + i));
        }
        String gone = placed.get("chat-0");
        int n = Integer.parseInt(gone.substring(gone.lastIndexOf('-') + 1));
        replica(n, 10, "TERMINATED");
        await().atMost(Duration.ofSeconds(30)).until(() -> !replicaFor("chat-0").equals(gone));
        String moved = replicaFor("chat-0");
        for (int round = 0; round < 3; round++) {
            assertThat(replicaFor("chat-0")).as("sticky on its new replica").isEqualTo(moved);
        }
        placed.forEach((session, replica) -> {
            if (!replica.equals(gone)) {
                assertThat(replicaFor(session)).as(session + " was not on the replica that went away")
                        .isEqualTo(replica);
            }
        });
        // The replica comes back (a new one of the same name): its sessions return to it.
        replica(n, 20, "READY");
        await().atMost(Duration.ofSeconds(30)).until(() -> replicaFor("chat-0").equals(gone));
    }

    @Test
    void aSessionKeyTooLongIsRefusedNamingTheHeader() {
        request().header("x-session-affinity", "s".repeat(257)).post("/inference/v1/chat/completions").then()
                .statusCode(400).body("error.type", equalTo("invalid_request_error"))
                .body("error.param", equalTo("x-session-affinity"));
    }
}
