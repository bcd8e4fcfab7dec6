package dev.ember.controlplane.deployment;

import static dev.ember.controlplane.deployment.DeploymentApiTest.LLAMA_8B;
import static dev.ember.controlplane.deployment.DeploymentApiTest.asAdmin;
import static dev.ember.controlplane.deployment.DeploymentApiTest.kafka;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.ember.common.event.DeploymentDeleted;
import dev.ember.common.event.Event;
import dev.ember.common.event.EventTypes;
import dev.ember.controlplane.TestClock;
import dev.ember.controlplane.deployment.service.DeploymentService;
import dev.ember.testsupport.EmberInfraResource;

/** Soft-deleted deployments are purged for good once their purgeTime passes on the clock, and not before. */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
class DeploymentPurgeTest {

    static final String DEPLOYMENTS = "/v1/accounts/acme/deployments";

    @Test
    void aDeletedDeploymentIsPurgedWhenItsPurgeTimePasses() {
        asAdmin().body("{\"baseModel\": \"" + LLAMA_8B + "\"}").post(DEPLOYMENTS + "?deploymentId=to-purge")
                .then().statusCode(200);
        asAdmin().body("{\"baseModel\": \"" + LLAMA_8B + "\"}").post(DEPLOYMENTS + "?deploymentId=kept-alive")
                .then().statusCode(200);
        String name = "accounts/acme/deployments/to-purge";
        String uid = DeploymentUpdateTest.updatedOrCreatedUid(name);
        asAdmin().delete(DEPLOYMENTS + "/to-purge").then().statusCode(200);
        Instant purgeTime = Instant.parse(asAdmin().get(DEPLOYMENTS + "/to-purge").then().statusCode(200)
                .body("state", equalTo("DELETED")).extract().jsonPath().getString("purgeTime"));

        // A day before its purgeTime it is still there (and restorable), after several runs of the purge job.
        TestClock.CLOCK.advance(DeploymentService.PURGE_AFTER.minusDays(1));
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> asAdmin()
                .get(DEPLOYMENTS + "/to-purge").then().statusCode(200).body("state", equalTo("DELETED")));
        assertThat(TestClock.CLOCK.instant()).isBefore(purgeTime);

        TestClock.CLOCK.advance(Duration.ofDays(1).plusMinutes(1));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> asAdmin().get(DEPLOYMENTS + "/to-purge")
                .then().statusCode(404));
        asAdmin().post(DEPLOYMENTS + "/to-purge:undelete").then().statusCode(404);
        asAdmin().get(DEPLOYMENTS + "/kept-alive").then().statusCode(200).body("state", equalTo("CREATING"));

        // The soft delete's event, then the purge's: purgeTime equal to deleteTime, as a hard delete says it.
        List<DeploymentDeleted> events = kafka().all(EventTypes.DEPLOYMENT_DELETED, Duration.ofSeconds(3)).stream()
                .filter(e -> e.subject().equals(name)).map(Event::data).toList();
        assertThat(events).hasSize(2).allSatisfy(e -> assertThat(e.uid()).isEqualTo(uid));
        assertThat(events.get(0).purgeTime()).isEqualTo(purgeTime);
        DeploymentDeleted purged = events.get(1);
        assertThat(purged.purgeTime()).isEqualTo(purged.deleteTime());
        assertThat(purged.deleteTime()).isAfterOrEqualTo(purgeTime);
        assertThat(purged.reason()).startsWith("purged");

        // The name is free again.
        asAdmin().body("{\"baseModel\": \"" + LLAMA_8B + "\"}").post(DEPLOYMENTS + "?deploymentId=to-purge")
                .then().statusCode(200).body("state", equalTo("CREATING"));
    }
}
