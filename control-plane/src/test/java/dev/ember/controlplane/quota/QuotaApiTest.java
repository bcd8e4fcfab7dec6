package dev.ember.controlplane.quota;

import static dev.ember.controlplane.deployment.DeploymentApiTest.LLAMA_8B;
import static dev.ember.controlplane.deployment.DeploymentApiTest.asAdmin;
import static dev.ember.controlplane.deployment.DeploymentApiTest.kafka;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;

import dev.ember.common.event.CapacityReported;
import dev.ember.common.event.DeploymentStatusReported;
import dev.ember.common.event.EventTypes;
import dev.ember.common.event.QuotaUpdated;
import dev.ember.common.event.ReplicaStats;
import dev.ember.controlplane.TestAccounts;
import dev.ember.testsupport.EmberInfraResource;

/** GPU quotas and regions, with the pools a scheduler reports (the default inventory's). */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
public class QuotaApiTest {

    /** The default inventory's pools: region -> type -> nodes of 8 GPUs. */
    static final Map<String, Map<String, Integer>> INVENTORY = Map.of(
            "US_IOWA_1", Map.of("NVIDIA_H100_80GB", 8, "NVIDIA_A100_80GB", 4, "NVIDIA_H200_141GB", 2),
            "US_VIRGINIA_1", Map.of("NVIDIA_H100_80GB", 8, "NVIDIA_H200_141GB", 4, "NVIDIA_B200_180GB", 2),
            "US_TEXAS_1", Map.of("NVIDIA_H100_80GB", 4, "NVIDIA_B200_180GB", 4),
            "EU_FRANKFURT_1", Map.of("NVIDIA_H100_80GB", 4, "NVIDIA_A100_80GB", 4),
            "EU_ICELAND_1", Map.of("NVIDIA_H100_80GB", 2, "NVIDIA_H200_141GB", 2),
            "AP_TOKYO_1", Map.of("NVIDIA_H100_80GB", 2, "NVIDIA_A100_80GB", 2));

    private static boolean published;

    /** What a scheduler with the default inventory publishes; the control plane learns the pools from it. */
    public static void publishDefaultPools() {
        List<CapacityReported.Pool> pools = new ArrayList<>();
        INVENTORY.forEach((region, types) -> types.forEach((type, nodes) -> pools.add(
                new CapacityReported.Pool(region, type, nodes * 8, 0, nodes * 8))));
        kafka().publish(EventTypes.CAPACITY_REPORTED, CapacityReported.KEY,
                new CapacityReported(pools, Instant.now()));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asAdmin().get("/v1/regions/US_IOWA_1").then()
                .statusCode(200).body("acceleratorTypes", hasSize(3)));
    }

    @BeforeEach
    void pools() {
        if (!published) {
            publishDefaultPools();
            published = true;
        }
    }

    @Test
    void regionsListTheirMegaRegionAndTheAcceleratorsTheyOffer() {
        asAdmin().get("/v1/regions").then().statusCode(200)
                .body("totalSize", equalTo(6))
                .body("regions.find { it.region == 'EU_ICELAND_1' }.megaRegion", equalTo("EUROPE"))
                .body("regions.find { it.region == 'EU_ICELAND_1' }.acceleratorTypes.acceleratorType",
                        hasItem("NVIDIA_H200_141GB"));
        asAdmin().get("/v1/regions/US_TEXAS_1").then().statusCode(200)
                .body("name", equalTo("regions/US_TEXAS_1"))
                .body("acceleratorTypes.find { it.acceleratorType == 'NVIDIA_B200_180GB' }.totalGpus", equalTo(32));
        asAdmin().get("/v1/regions/MARS_1").then().statusCode(404).body("message", containsString("US_IOWA_1"));
    }

    @Test
    void everyPoolHasAQuotaAtTheDefaultsUntilSet() {
        asAdmin().get("/v1/accounts/acme/quotas?pageSize=5").then().statusCode(200)
                .body("quotas", hasSize(5))
                .body("totalSize", equalTo(16))
                .body("nextPageToken", notNullValue())
                .body("quotas[0].name", equalTo("accounts/acme/quotas/a100-ap-tokyo-1"));
        String token = asAdmin().get("/v1/accounts/acme/quotas?pageSize=5").then().extract().path("nextPageToken");
        asAdmin().get("/v1/accounts/acme/quotas?pageSize=200&pageToken=" + token).then().statusCode(200)
                .body("quotas", hasSize(11));
        asAdmin().get("/v1/accounts/acme/quotas/b200-us-texas-1").then().statusCode(200)
                .body("value", equalTo("64"))
                .body("maxValue", equalTo("128"))
                .body("usage", equalTo(0.0f));

        asAdmin().get("/v1/accounts/acme/quotas/b200-eu-iceland-1").then().statusCode(404);
        asAdmin().get("/v1/accounts/acme/quotas/tpu-us-iowa-1").then().statusCode(404)
                .body("message", containsString("h100-us-iowa-1"));
        asAdmin().get("/v1/accounts/acme/quotas?pageToken=bogus").then().statusCode(400)
                .body("details.fieldViolations.flatten().field", hasItem("pageToken"));
    }

    @Test
    void aQuotaChangeIsCheckedStoredAndPublishedForTheScheduler() {
        patch("a100-us-iowa-1", "{\"value\": \"16\"}").statusCode(200)
                .body("value", equalTo("16"))
                .body("maxValue", equalTo("128"))
                .body("updateTime", notNullValue());
        patch("a100-us-iowa-1", "{\"value\": 200}").statusCode(400)
                .body("details.fieldViolations.flatten().field", hasItem("value"))
                .body("message", containsString("at most maxValue (128)"));
        patch("a100-us-iowa-1", "{\"value\": \"lots\"}").statusCode(400)
                .body("details.fieldViolations.flatten().field", hasItem("value"));
        patch("a100-us-iowa-1", "{\"value\": -1}").statusCode(400);
        patch("z900-us-iowa-1", "{\"value\": 1}").statusCode(404);
        // A platform admin may raise the ceiling, and then the value.
        patch("a100-us-iowa-1", "{\"maxValue\": \"256\", \"value\": \"200\"}").statusCode(200)
                .body("value", equalTo("200"));
        asAdmin().get("/v1/accounts/acme/quotas/a100-us-iowa-1").then().body("value", equalTo("200"));

        QuotaUpdated event = kafka().first(EventTypes.QUOTA_UPDATED,
                e -> e.subject().equals("accounts/acme/quotas/a100-us-iowa-1") && e.data().value() == 200,
                Duration.ofSeconds(20)).orElseThrow().data();
        assertThat(event.account()).isEqualTo("acme");
        assertThat(event.acceleratorType()).isEqualTo("NVIDIA_A100_80GB");
        assertThat(event.region()).isEqualTo("US_IOWA_1");
    }

    @Test
    void aDeploymentBeyondTheQuotaIsRefusedBeforeAnythingIsPlaced() {
        patch("h100-eu-frankfurt-1", "{\"value\": \"8\"}").statusCode(200);

        create("too-big", 2, 8).statusCode(429)
                .body("status", equalTo("RESOURCE_EXHAUSTED"))
                .body("details[0].reason", equalTo("QUOTA_EXCEEDED"))
                .body("message", containsString("h100-eu-frankfurt-1 (0 of 8 GPUs in use)"));
        asAdmin().get("/v1/accounts/acme/deployments/too-big").then().statusCode(404);

        create("fits", 1, 8).statusCode(200);
        asAdmin().get("/v1/accounts/acme/quotas/h100-eu-frankfurt-1").then().body("usage", equalTo(8.0f));
        create("one-more", 1, 1).statusCode(429)
                .body("message", containsString("h100-eu-frankfurt-1 (8 of 8 GPUs in use)"));
        // Updating the deployment itself is judged without its own GPUs counted twice.
        asAdmin().body("{\"description\": \"still fits\"}").patch("/v1/accounts/acme/deployments/fits")
                .then().statusCode(200);
        asAdmin().body("{\"minReplicaCount\": 2, \"maxReplicaCount\": 2}").patch("/v1/accounts/acme/deployments/fits")
                .then().statusCode(429);
    }

    @Test
    void hardwareTheRegionDoesNotOfferIsRefusedNamingTheRegionsThatDo() {
        asAdmin().body("{\"baseModel\": \"" + LLAMA_8B + "\", \"acceleratorType\": \"NVIDIA_B200_180GB\", "
                + "\"placement\": {\"multiRegion\": \"EUROPE\"}}")
                .post("/v1/accounts/acme/deployments?deploymentId=no-b200-here")
                .then().statusCode(400)
                .body("details.fieldViolations.flatten().field", hasItem("acceleratorType"))
                .body("message", containsString("regions with it: US_TEXAS_1, US_VIRGINIA_1"));
    }

    @Test
    void serverlessRateLimitsAreQuotasPublishedForTheDataPlane() {
        String admin = TestAccounts.ordinaryKey("serverless-quota", "admin");
        String quotas = "/v1/accounts/serverless-quota/quotas/";
        TestAccounts.as(admin).get(quotas + "serverless-requests-per-minute").then().statusCode(200)
                .body("value", equalTo("600"))
                .body("maxValue", equalTo("600"));
        TestAccounts.as(admin).get(quotas + "serverless-tokens-per-minute").then().statusCode(200)
                .body("value", equalTo("1000000"));
        // The account's admin may lower a limit, not raise it past maxValue; the platform may.
        TestAccounts.as(admin).body("{\"value\": \"100\"}").patch(quotas + "serverless-requests-per-minute")
                .then().statusCode(200).body("value", equalTo("100"));
        TestAccounts.as(admin).body("{\"value\": \"601\"}").patch(quotas + "serverless-requests-per-minute")
                .then().statusCode(400).body("details.fieldViolations.flatten().field", hasItem("value"));
        asAdmin().body("{\"maxValue\": \"6000\", \"value\": \"3000\"}")
                .patch(quotas + "serverless-requests-per-minute").then().statusCode(200)
                .body("value", equalTo("3000"));

        QuotaUpdated event = kafka().first(EventTypes.QUOTA_UPDATED,
                e -> e.subject().equals("accounts/serverless-quota/quotas/serverless-requests-per-minute")
                        && e.data().value() == 3000,
                Duration.ofSeconds(20)).orElseThrow().data();
        assertThat(event.account()).isEqualTo("serverless-quota");
        assertThat(event.acceleratorType()).as("not a GPU quota").isNull();
        assertThat(event.region()).isNull();
    }

    static ValidatableResponse patch(String quota, String body) {
        return asAdmin().body(body).patch("/v1/accounts/acme/quotas/" + quota).then();
    }

    @Test
    void usageFollowsWhatTheSchedulerReportsAndEndsWithTheDeployment() {
        String path = "/v1/accounts/acme/deployments/texas-usage";
        String name = path.substring("/v1/".length());
        String usage = "/v1/accounts/acme/quotas/h100-us-texas-1";
        asAdmin().body("{\"baseModel\": \"" + LLAMA_8B + "\", \"acceleratorType\": \"NVIDIA_H100_80GB\", "
                + "\"acceleratorCount\": 2, \"minReplicaCount\": 0, \"maxReplicaCount\": 4, "
                + "\"placement\": {\"region\": \"US_TEXAS_1\"}}")
                .post("/v1/accounts/acme/deployments?deploymentId=texas-usage").then().statusCode(200);
        // While CREATING it holds one replica's GPUs, before the scheduler has placed anything.
        asAdmin().get(usage).then().body("usage", equalTo(2.0f));
        String uid = kafka().first(EventTypes.DEPLOYMENT_CREATED, e -> e.subject().equals(name),
                Duration.ofSeconds(20)).orElseThrow().data().deployment().uid();

        kafka().publish(EventTypes.DEPLOYMENT_STATUS_REPORTED, name, new DeploymentStatusReported(name, uid, 1, 1, 3,
                3, new ReplicaStats(0, 0, 0, 3), "US_TEXAS_1", "", 3, 0, false, Instant.now()));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asAdmin().get(usage).then()
                .body("usage", equalTo(6.0f)));

        // Deleted, it holds its replicas until the scheduler reports them gone, then nothing.
        asAdmin().delete(path).then().statusCode(200);
        asAdmin().get(usage).then().body("usage", equalTo(6.0f));
        kafka().publish(EventTypes.DEPLOYMENT_STATUS_REPORTED, name, new DeploymentStatusReported(name, uid, 1, 2, 0,
                0, new ReplicaStats(0, 0, 0, 0), "US_TEXAS_1", "", 0, 0, false, Instant.now()));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asAdmin().get(path).then()
                .body("state", equalTo("DELETED")));
        asAdmin().get(usage).then().body("usage", equalTo(0.0f));
    }

    static ValidatableResponse create(String id, int replicas, int gpus) {
        return asAdmin().body("{\"baseModel\": \"" + LLAMA_8B + "\", \"acceleratorType\": \"NVIDIA_H100_80GB\", "
                + "\"acceleratorCount\": " + gpus + ", \"minReplicaCount\": " + replicas + ", \"maxReplicaCount\": "
                + replicas + ", \"placement\": {\"region\": \"EU_FRANKFURT_1\"}}")
                .post("/v1/accounts/acme/deployments?deploymentId=" + id).then();
    }
}
