package dev.ember.controlplane.deployment;

import static dev.ember.controlplane.deployment.DeploymentApiTest.LLAMA_8B;
import static dev.ember.controlplane.deployment.DeploymentApiTest.asAdmin;
import static dev.ember.controlplane.deployment.DeploymentApiTest.kafka;
import static dev.ember.controlplane.deployment.DeploymentShapeTest.badField;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.anEmptyMap;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.ember.common.event.DeploymentScaleRequested;
import dev.ember.common.event.Event;
import dev.ember.common.event.EventTypes;
import dev.ember.testsupport.EmberInfraResource;

/** {@code :scale}: the replicas wanted now, within the deployment's bounds, as an event for the scheduler. */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
class DeploymentScaleTest {

    static final String DEPLOYMENTS = "/v1/accounts/acme/deployments";

    static List<DeploymentScaleRequested> scaleEvents(String name, int atLeast) {
        List<DeploymentScaleRequested> found = List.of();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (found.size() < atLeast && System.nanoTime() < deadline) {
            found = kafka().all(EventTypes.DEPLOYMENT_SCALE_REQUESTED, Duration.ofSeconds(2)).stream()
                    .filter(e -> e.subject().equals(name)).map(Event::data)
                    .sorted(Comparator.comparingLong(DeploymentScaleRequested::sequence)).toList();
        }
        return found;
    }

    @Test
    void scalingPublishesTheCountWithTheSpecInOrder() {
        asAdmin().body("{\"baseModel\": \"" + LLAMA_8B + "\", \"minReplicaCount\": 0, \"maxReplicaCount\": 4}")
                .post(DEPLOYMENTS + "?deploymentId=scaled").then().statusCode(200);
        String name = "accounts/acme/deployments/scaled";

        asAdmin().body("{\"replicaCount\": 3}").post(DEPLOYMENTS + "/scaled:scale").then().statusCode(200)
                .body("$", anEmptyMap());
        // Fireworks declares the verb as PATCH (RestAssured sends the colon percent-encoded, as some clients do).
        asAdmin().body("{\"replicaCount\": 0}").patch(DEPLOYMENTS + "/scaled:scale").then().statusCode(200);

        List<DeploymentScaleRequested> events = scaleEvents(name, 2);
        assertThat(events).extracting(DeploymentScaleRequested::replicaCount).containsExactly(3, 0);
        assertThat(events).extracting(DeploymentScaleRequested::sequence).containsExactly(1L, 2L);
        String uid = DeploymentUpdateTest.updatedOrCreatedUid(name);
        assertThat(events).allSatisfy(e -> {
            assertThat(e.deployment().name()).isEqualTo(name);
            assertThat(e.deployment().uid()).isEqualTo(uid);
            assertThat(e.deployment().maxReplicaCount()).isEqualTo(4);
            assertThat(e.deployment().model().name()).isEqualTo(LLAMA_8B);
        });
        // Scaling is not a spec change: the etag stays.
        asAdmin().get(DEPLOYMENTS + "/scaled").then().statusCode(200).header("ETag", "\"1\"");
    }

    @Test
    void aCountOutsideTheBoundsIsA400NamingReplicaCount() {
        asAdmin().body("{\"baseModel\": \"" + LLAMA_8B + "\", \"minReplicaCount\": 1, \"maxReplicaCount\": 2}")
                .post(DEPLOYMENTS + "?deploymentId=bounded").then().statusCode(200);
        String verb = DEPLOYMENTS + "/bounded:scale";

        badField(asAdmin().body("{\"replicaCount\": 3}").post(verb), "replicaCount")
                .body("message", containsString("maxReplicaCount (2)"));
        badField(asAdmin().body("{\"replicaCount\": 0}").post(verb), "replicaCount")
                .body("message", containsString("minReplicaCount 0"));
        badField(asAdmin().body("{\"replicaCount\": -1}").post(verb), "replicaCount");
        badField(asAdmin().body("{}").post(verb), "replicaCount");
        badField(asAdmin().body("{\"replicaCount\": \"two\"}").post(verb), "replicaCount");
        badField(asAdmin().body("{\"replicas\": 2}").post(verb), "replicas");
        badField(asAdmin().body("{\"replicaCount\": ").post(verb), "body");
        assertThat(scaleEvents("accounts/acme/deployments/bounded", 1)).as("nothing published").isEmpty();
    }

    @Test
    void deletedAndUnknownDeploymentsCannotBeScaled() {
        asAdmin().body("{\"baseModel\": \"" + LLAMA_8B + "\"}")
                .post(DEPLOYMENTS + "?deploymentId=scale-deleted").then().statusCode(200);
        asAdmin().delete(DEPLOYMENTS + "/scale-deleted").then().statusCode(200);
        asAdmin().body("{\"replicaCount\": 1}").post(DEPLOYMENTS + "/scale-deleted:scale").then().statusCode(400)
                .body("status", equalTo("FAILED_PRECONDITION"))
                .body("details[0].reason", equalTo("DELETED"));
        asAdmin().body("{\"replicaCount\": 1}").post(DEPLOYMENTS + "/never-was:scale").then().statusCode(404);
        badField(asAdmin().body("{\"replicaCount\": 1}").post(DEPLOYMENTS + "/Bad_Id:scale"), "deploymentId");
    }
}
