package dev.ember.controlplane.deployment;

import static dev.ember.controlplane.deployment.DeploymentApiTest.LLAMA_8B;
import static dev.ember.controlplane.deployment.DeploymentApiTest.asAdmin;
import static dev.ember.controlplane.deployment.DeploymentApiTest.kafka;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

import dev.ember.common.event.DeploymentSpec;
import dev.ember.common.event.DeploymentStatusReported;
import dev.ember.common.event.EventTypes;
import dev.ember.common.event.ReplicaStats;
import dev.ember.testsupport.EmberInfraResource;

/** PATCH: partial bodies, update masks, etags, immutable fields, and the UPDATING state of a rollout. */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
class DeploymentUpdateTest {

    static String create(String id) {
        asAdmin().body("{\"baseModel\": \"" + LLAMA_8B + "\", \"displayName\": \"Before\", \"description\": \"d\", "
                + "\"maxReplicaCount\": 2, \"placement\": {\"region\": \"US_IOWA_1\"}}")
                .post("/v1/accounts/acme/deployments?deploymentId=" + id)
                .then().statusCode(200);
        return "/v1/accounts/acme/deployments/" + id;
    }

    static ValidatableResponse patch(String path, String query, String body) {
        return asAdmin().body(body).patch(path + query).then();
    }

    static DeploymentSpec updatedEvent(String path, long generation) {
        String name = path.substring("/v1/".length());
        return kafka().first(EventTypes.DEPLOYMENT_UPDATED,
                e -> e.subject().equals(name) && e.data().deployment().generation() == generation,
                Duration.ofSeconds(20)).orElseThrow().data().deployment();
    }

    @Test
    void aPartialBodyChangesOnlyTheFieldsItHasAndPublishesTheNewSpec() {
        String path = create("patch-partial");
        String etag = asAdmin().get(path).then().statusCode(200).extract().header("ETag");

        patch(path, "", "{\"displayName\": \"After\", \"maxReplicaCount\": 3}").statusCode(200)
                .body("displayName", equalTo("After"))
                .body("description", equalTo("d"))
                .body("maxReplicaCount", equalTo(3))
                .body("minReplicaCount", equalTo(0))
                .body("state", equalTo("CREATING"));
        String newEtag = asAdmin().get(path).then().body("displayName", equalTo("After")).extract().header("ETag");
        assertThat(newEtag).isNotEqualTo(etag);

        DeploymentSpec spec = updatedEvent(path, 2);
        assertThat(spec.displayName()).isEqualTo("After");
        assertThat(spec.maxReplicaCount()).isEqualTo(3);
        assertThat(spec.acceleratorCount()).isEqualTo(1);
    }

    @Test
    void anUpdateMaskChangesExactlyTheFieldsItNamesAndResetsNamedFieldsMissingFromTheBody() {
        String path = create("patch-mask");
        patch(path, "?updateMask=autoscalingPolicy.scaleUpWindow,description",
                "{\"displayName\": \"ignored\", \"autoscalingPolicy\": {\"scaleUpWindow\": \"60s\", "
                        + "\"scaleDownWindow\": \"1s\"}}")
                .statusCode(200)
                .body("displayName", equalTo("Before"))
                .body("description", equalTo(""))
                .body("autoscalingPolicy.scaleUpWindow", equalTo("60s"))
                .body("autoscalingPolicy.scaleDownWindow", equalTo("600s"));

        patch(path, "?updateMask=autoscalingPolicy.scalingSchedules", "{\"autoscalingPolicy\": {\"scalingSchedules\": "
                + "{\"business-hours\": {\"minReplicaCount\": 2, \"schedule\": \"0 8 * * Mon-Fri\", "
                + "\"duration\": \"36000s\", \"timezone\": \"America/New_York\", \"description\": \"weekdays\"}}}}")
                .statusCode(200);
        asAdmin().get(path).then().statusCode(200)
                .body("autoscalingPolicy.scaleUpWindow", equalTo("60s"))
                .body("autoscalingPolicy.scalingSchedules.business-hours.schedule", equalTo("0 8 * * Mon-Fri"))
                .body("autoscalingPolicy.scalingSchedules.business-hours.duration", equalTo("36000s"))
                .body("autoscalingPolicy.scalingSchedules.business-hours.timezone", equalTo("America/New_York"))
                .body("autoscalingPolicy.scalingSchedules.business-hours.minReplicaCount", equalTo(2));
        assertThat(updatedEvent(path, 3).policy().scalingSchedules().get("business-hours").duration())
                .isEqualTo(Duration.ofHours(10));

        patch(path, "?updateMask=state", "{}").statusCode(400)
                .body("details.fieldViolations.flatten().field", hasItem("updateMask"))
                .body("message", containsString("'state' cannot be updated"));
    }

    @Test
    void aStaleEtagIsRefusedAndTheCurrentOneWins() {
        String path = create("patch-etag");
        String etag = asAdmin().get(path).then().extract().header("ETag");
        asAdmin().header("If-Match", etag).body("{\"description\": \"first\"}").patch(path)
                .then().statusCode(200).body("description", equalTo("first"));

        asAdmin().header("If-Match", etag).body("{\"description\": \"second\"}").patch(path)
                .then().statusCode(409)
                .body("status", equalTo("ABORTED"))
                .body("details[0].reason", equalTo("ETAG_MISMATCH"));
        asAdmin().get(path).then().body("description", equalTo("first"));
    }

    @Test
    void placementAndBaseModelAreImmutableAndBadValuesAreRefusedByField() {
        String path = create("patch-immutable");
        patch(path, "", "{\"placement\": {\"region\": \"EU_FRANKFURT_1\"}}").statusCode(400)
                .body("details.fieldViolations.flatten().field", hasItem("placement"))
                .body("message", containsString("immutable after create (is region US_IOWA_1)"));
        patch(path, "?updateMask=placement.multiRegion", "{}").statusCode(400)
                .body("details.fieldViolations.flatten().field", hasItem("placement"));
        patch(path, "", "{\"baseModel\": \"accounts/fireworks/models/llama-v3p1-70b-instruct\"}").statusCode(400)
                .body("details.fieldViolations.flatten().field", hasItem("baseModel"));
        // Sending the same placement back, as a client that PATCHes the whole resource does, is fine.
        patch(path, "", "{\"placement\": {\"region\": \"US_IOWA_1\"}, \"baseModel\": \"" + LLAMA_8B + "\"}")
                .statusCode(200);

        patch(path, "", "{\"minReplicaCount\": 5}").statusCode(400)
                .body("details.fieldViolations.flatten().field", hasItem("maxReplicaCount"));
        patch(path, "", "{\"acceleratorCount\": 3}").statusCode(400)
                .body("details.fieldViolations.flatten().field", hasItem("acceleratorCount"));
        patch(path, "", "{\"acceleratorType\": \"NVIDIA_V100\"}").statusCode(400)
                .body("details.fieldViolations.flatten().field", hasItem("acceleratorType"));
        patch(path, "", "{\"autoscalingPolicy\": {\"scaleToZeroWindow\": \"1s\"}}").statusCode(400)
                .body("details.fieldViolations.flatten().field", hasItem("autoscalingPolicy.scaleToZeroWindow"));
        patch(path, "", "{\"replicas\": 3}").statusCode(400);
        asAdmin().get(path).then().body("minReplicaCount", equalTo(0)).body("acceleratorCount", equalTo(1));

        patch("/v1/accounts/acme/deployments/never-was", "", "{\"description\": \"x\"}").statusCode(404);
    }

    @Test
    void newHardwareMakesAReadyDeploymentUpdatingUntilTheSchedulerReportsTheRolloutDone() {
        String path = create("patch-rollout");
        String name = path.substring("/v1/".length());
        String uid = updatedOrCreatedUid(name);
        report(name, uid, 1, 1, 1, 1, 0, false);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asAdmin().get(path).then()
                .body("state", equalTo("READY")));

        patch(path, "", "{\"acceleratorCount\": 2, \"precision\": \"FP16\"}").statusCode(200)
                .body("state", equalTo("UPDATING"))
                .body("acceleratorCount", equalTo(2))
                .body("precision", equalTo("FP16"))
                .body("status.message", containsString("replacing replicas with 2 x NVIDIA_H100_80GB"));

        // The scheduler replaces replicas: one new one up, an old one still there.
        report(name, uid, 2, 2, 2, 1, 1, false);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asAdmin().get(path).then()
                .body("replicaCount", equalTo(2)));
        asAdmin().get(path).then().body("state", equalTo("UPDATING"));

        report(name, uid, 2, 3, 1, 1, 0, false);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asAdmin().get(path).then()
                .body("state", equalTo("READY")));
    }

    @Test
    void aReplicaThatCanNeverBePlacedFailsTheDeploymentUntilItIsPlaced() {
        String path = create("never-fits");
        String name = path.substring("/v1/".length());
        String uid = updatedOrCreatedUid(name);
        String why = "cannot be placed: no region in US_IOWA_1 has NVIDIA_B200_180GB nodes";
        kafka().publish(EventTypes.DEPLOYMENT_STATUS_REPORTED, name, new DeploymentStatusReported(name, uid, 1, 1, 1,
                1, new ReplicaStats(1, 0, 0, 0), null, why, 0, 0, true, Instant.now()));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asAdmin().get(path).then()
                .body("state", equalTo("FAILED"))
                .body("status.code", equalTo("FAILED_PRECONDITION"))
                .body("status.message", equalTo(why)));

        report(name, uid, 1, 2, 1, 1, 0, false);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asAdmin().get(path).then()
                .body("state", equalTo("READY")).body("status.code", equalTo("OK")));
    }

    @Test
    void aDeletedDeploymentCannotBeUpdated() {
        String path = create("patch-deleted");
        asAdmin().delete(path).then().statusCode(200);
        patch(path, "", "{\"description\": \"x\"}").statusCode(400)
                .body("status", equalTo("FAILED_PRECONDITION"))
                .body("details[0].reason", equalTo("DELETED"));
    }

    static String updatedOrCreatedUid(String name) {
        return kafka().first(EventTypes.DEPLOYMENT_CREATED, e -> e.subject().equals(name), Duration.ofSeconds(20))
                .orElseThrow().data().deployment().uid();
    }

    static void report(String name, String uid, long generation, long sequence, int replicas, int ready,
            int outdated, boolean failed) {
        kafka().publish(EventTypes.DEPLOYMENT_STATUS_REPORTED, name, new DeploymentStatusReported(name, uid,
                generation, sequence, 1, replicas, new ReplicaStats(0, 0, replicas - ready, ready), "US_IOWA_1", "",
                ready - outdated, outdated, failed, Instant.now()));
    }
}
