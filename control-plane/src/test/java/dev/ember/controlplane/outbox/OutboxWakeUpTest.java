package dev.ember.controlplane.outbox;

import static dev.ember.controlplane.deployment.DeploymentApiTest.LLAMA_8B;
import static dev.ember.controlplane.deployment.DeploymentApiTest.asAdmin;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import dev.ember.common.event.EventTypes;
import dev.ember.controlplane.deployment.DeploymentApiTest;
import dev.ember.testsupport.EmberInfraResource;

/**
 * A commit that writes events wakes the outbox relay: with the poll an hour apart, a created deployment's event still
 * reaches Kafka, and so do the events of many creates in a row.
 */
@QuarkusTest
@TestProfile(OutboxWakeUpTest.PollHourly.class)
@QuarkusTestResource(EmberInfraResource.class)
class OutboxWakeUpTest {

    /** The relay polls once an hour: only a wake-up on commit gets events out within the test. */
    public static class PollHourly implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("ember.outbox.poll-interval", "PT1H");
        }
    }

    @Test
    void aCreatedDeploymentsEventLeavesWithoutWaitingForThePoll() {
        asAdmin().body("{\"baseModel\": \"" + LLAMA_8B + "\"}")
                .post("/v1/accounts/acme/deployments?deploymentId=woken").then().statusCode(200);

        assertThat(DeploymentApiTest.kafka().firstRecord(EventTypes.DEPLOYMENT_CREATED,
                "accounts/acme/deployments/woken", Duration.ofSeconds(30))).isPresent();
    }

    @Test
    void everyEventOfABurstOfCreatesLeaves() {
        for (int i = 0; i < 20; i++) {
            asAdmin().body("{\"baseModel\": \"" + LLAMA_8B + "\"}")
                    .post("/v1/accounts/acme/deployments?deploymentId=burst-" + i).then().statusCode(200);
        }
        for (int i = 0; i < 20; i++) {
            assertThat(DeploymentApiTest.kafka().firstRecord(EventTypes.DEPLOYMENT_CREATED,
                    "accounts/acme/deployments/burst-" + i, Duration.ofSeconds(30))).as("burst-%d", i).isPresent();
        }
    }
}
