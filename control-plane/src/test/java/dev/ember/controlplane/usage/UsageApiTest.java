package dev.ember.controlplane.usage;

import static dev.ember.controlplane.deployment.DeploymentApiTest.LLAMA_8B;
import static dev.ember.controlplane.deployment.DeploymentApiTest.asAdmin;
import static dev.ember.controlplane.deployment.DeploymentApiTest.kafka;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

import dev.ember.common.event.EventTypes;
import dev.ember.common.event.ReplicaUpdated;
import dev.ember.common.event.UsageReported;
import dev.ember.testsupport.EmberInfraResource;

/** The usage ledger fed by real events, read through GetAccountUsage with its costs. */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
class UsageApiTest {

    static final String USAGE = "/v1/accounts/acme/billingUsage";

    static void replica(String deployment, String replica, long sequence, String state, int gpus, String time) {
        String name = deployment + "/replicas/" + replica;
        kafka().publish(EventTypes.REPLICA_UPDATED, name, new ReplicaUpdated(name, deployment, "uid", sequence, state,
                "US_IOWA_1", "us-iowa-1-nvidia-h100-80gb-0", "NVIDIA_H100_80GB", gpus, "", Instant.parse(time)));
    }

    static ValidatableResponse usage(String query) {
        return asAdmin().get(USAGE + "?" + query).then();
    }

    @Test
    void aReplicaIsBilledFromPlacementToTerminationAtItsAcceleratorsPrice() {
        asAdmin().body("{\"baseModel\": \"" + LLAMA_8B + "\", \"placement\": {\"region\": \"US_IOWA_1\"}}")
                .post("/v1/accounts/acme/deployments?deploymentId=billed").then().statusCode(200);
        String d = "accounts/acme/deployments/billed";
        replica(d, "r-1", 1, "PENDING_SCHEDULING", 2, "2026-11-01T09:59:00Z");
        replica(d, "r-1", 2, "DOWNLOADING_MODEL", 2, "2026-11-01T10:00:00Z");
        replica(d, "r-1", 3, "READY", 2, "2026-11-01T10:01:40Z");
        replica(d, "r-1", 4, "TERMINATED", 2, "2026-11-01T11:00:00Z");
        // Redelivered, late: changes nothing.
        replica(d, "r-1", 2, "DOWNLOADING_MODEL", 2, "2026-11-01T10:30:00Z");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> usage(
                "startTime=2026-11-01T00:00:00Z&endTime=2026-11-02T00:00:00Z&usageType=DEDICATED_DEPLOYMENT")
                .statusCode(200)
                .body("dedicatedCosts", hasSize(1))
                .body("dedicatedCosts[0].deploymentId", equalTo("billed"))
                .body("dedicatedCosts[0].acceleratorType", equalTo("NVIDIA_H100_80GB"))
                .body("dedicatedCosts[0].acceleratorSeconds", equalTo("7200"))
                .body("dedicatedCosts[0].baseModel", equalTo(LLAMA_8B))
                .body("dedicatedCosts[0].placement", equalTo("US_IOWA_1"))
                .body("dedicatedCosts[0].usageType", equalTo("DEDICATED_DEPLOYMENT"))
                .body("dedicatedCosts[0].startTime", equalTo("2026-11-01T00:00:00Z"))
                .body("dedicatedCosts[0].group.deployment_name", equalTo(d))
                // Two GPU-hours of H100 at 4.00 a GPU-hour.
                .body("dedicatedCosts[0].cost", equalTo("8.000000"))
                .body("serverlessCosts", hasSize(0)));
    }

    @Test
    void gpuTimeIsSplitIntoDaysOfTheAskedTimeZone() {
        String d = "accounts/acme/deployments/overnight";
        replica(d, "r-1", 1, "DOWNLOADING_MODEL", 1, "2026-11-05T23:00:00Z");
        replica(d, "r-1", 2, "TERMINATED", 1, "2026-11-06T01:00:00Z");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> usage(
                "startTime=2026-11-05T00:00:00Z&endTime=2026-11-07T00:00:00Z&groupBy=deployment_name")
                .statusCode(200)
                .body("dedicatedCosts.findAll { it.deploymentId == 'overnight' }.acceleratorSeconds",
                        equalTo(java.util.List.of("3600", "3600"))));
        // In Los Angeles (UTC-8) both hours fall on the 5th.
        usage("startTime=2026-11-05T08:00:00Z&endTime=2026-11-07T08:00:00Z&timezone=America/Los_Angeles")
                .statusCode(200)
                .body("dedicatedCosts.findAll { it.deploymentId == 'overnight' }.acceleratorSeconds",
                        equalTo(java.util.List.of("7200")))
                .body("dedicatedCosts.find { it.deploymentId == 'overnight' }.startTime",
                        equalTo("2026-11-05T08:00:00Z"));
    }

    @Test
    void serverlessTokensAreCountedOncePerReportAndCostedPerModel() {
        UsageReported big = new UsageReported("dp-1", 1, "acme", "accounts/fireworks/models/llama-v3p1-70b-instruct",
                null, "accounts/acme/users/admin/apiKeys/k1", UsageReported.SERVERLESS, 10, 600_000, 400_000,
                Instant.parse("2026-11-10T12:00:00Z"), Instant.parse("2026-11-10T12:00:10Z"));
        kafka().publish(EventTypes.USAGE_REPORTED, "acme", big);
        kafka().publish(EventTypes.USAGE_REPORTED, "acme", big);
        kafka().publish(EventTypes.USAGE_REPORTED, "acme", new UsageReported("dp-1", 2, "acme", LLAMA_8B, null,
                "accounts/acme/users/admin/apiKeys/k1", UsageReported.SERVERLESS, 5, 500_000, 500_000,
                Instant.parse("2026-11-10T12:00:10Z"), Instant.parse("2026-11-10T12:00:20Z")));
        // Tokens of a dedicated deployment are billed as its GPU time, not per token.
        kafka().publish(EventTypes.USAGE_REPORTED, "acme", new UsageReported("dp-1", 3, "acme", LLAMA_8B,
                "accounts/acme/deployments/billed", "k1", UsageReported.DEDICATED_DEPLOYMENT, 1, 9, 9,
                Instant.parse("2026-11-10T12:00:20Z"), Instant.parse("2026-11-10T12:00:30Z")));

        String range = "startTime=2026-11-10T00:00:00Z&endTime=2026-11-11T00:00:00Z&usageType=SERVERLESS";
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> usage(range).statusCode(200)
                .body("serverlessCosts", hasSize(2))
                .body("dedicatedCosts", hasSize(0)));
        usage(range)
                .body("serverlessCosts.find { it.modelName.endsWith('70b-instruct') }.promptTokens", equalTo("600000"))
                .body("serverlessCosts.find { it.modelName.endsWith('70b-instruct') }.completionTokens",
                        equalTo("400000"))
                .body("serverlessCosts.find { it.modelName.endsWith('70b-instruct') }.cost", equalTo("0.900000"))
                .body("serverlessCosts.find { it.modelName.endsWith('8b-instruct') }.cost", equalTo("0.200000"));
        usage(range + "&groupBy=api_key_id").statusCode(200)
                .body("serverlessCosts", hasSize(1))
                .body("serverlessCosts[0].apiKeyId", equalTo("accounts/acme/users/admin/apiKeys/k1"))
                .body("serverlessCosts[0].promptTokens", equalTo("1100000"));
    }

    @Test
    void badQueriesNameTheParameter() {
        bad("endTime=2026-11-02T00:00:00Z", "startTime");
        bad("startTime=yesterday&endTime=2026-11-02T00:00:00Z", "startTime");
        bad("startTime=2026-11-02T00:00:00Z&endTime=2026-11-01T00:00:00Z", "endTime");
        bad("startTime=2026-10-01T00:00:00Z&endTime=2026-11-02T00:00:00Z", "endTime");
        bad("startTime=2026-11-01T00:00:00Z&endTime=2026-11-02T00:00:00Z&usageType=FREE", "usageType");
        bad("startTime=2026-11-01T00:00:00Z&endTime=2026-11-02T00:00:00Z&timezone=Mars/Base", "timezone");
        bad("startTime=2026-11-01T00:00:00Z&endTime=2026-11-02T00:00:00Z&groupBy=annotations.team", "groupBy");
        asAdmin().get("/v1/accounts/nobody/billingUsage?startTime=2026-11-01T00:00:00Z&endTime=2026-11-02T00:00:00Z")
                .then().statusCode(404);
    }

    static void bad(String query, String field) {
        usage(query).statusCode(400).body("details.fieldViolations.flatten().field", hasItem(field));
    }
}
