package dev.ember.controlplane.contract;

import static dev.ember.controlplane.Platform.LLAMA_8B;
import static dev.ember.controlplane.Platform.asPlatformAdmin;
import static dev.ember.controlplane.Platform.createAccount;
import static dev.ember.controlplane.Platform.createUser;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dev.ember.controlplane.Platform;
import dev.ember.controlplane.model.ModelFixtures;
import dev.ember.controlplane.quota.QuotaApiTest;
import dev.ember.testsupport.EmberInfraResource;

/**
 * Ember's JSON against the Fireworks reference: for each resource a user can read, every field and enum value Ember
 * writes is one the reference defines, so a client written against Fireworks reads it unchanged.
 */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
class ContractTest {

    static final ReferenceSpec SPEC = ReferenceSpec.load();
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SHAPES = "/v1/accounts/fireworks/deploymentShapes";
    /** Ember's own additions, by schema: documented in the README. */
    static final Map<String, Set<String>> EXTENSIONS = Map.of(
            "gatewayAccountUsage", Set.of("serverlessCosts[].cost", "dedicatedCosts[].cost"));

    static void assertConforms(Response response, String schema) {
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        JsonNode body = read(response);
        assertThat(SPEC.violations(body, schema, EXTENSIONS)).as(schema + " in " + body).isEmpty();
    }

    static JsonNode read(Response response) {
        try {
            return JSON.readTree(response.asString());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void deploymentsAsCreatedGotListedAndUpdated() {
        String body = "{\"baseModel\": \"" + LLAMA_8B + "\", \"displayName\": \"Contract\", \"description\": \"d\", "
                + "\"minReplicaCount\": 0, \"maxReplicaCount\": 2, \"placement\": {\"multiRegion\": \"US\"}, "
                + "\"autoscalingPolicy\": {\"scaleUpWindow\": \"45s\", \"loadTargets\": {\"default\": 0.7}, "
                + "\"scalingSchedules\": {\"peak\": {\"minReplicaCount\": 1, \"schedule\": \"0 8 * * Mon-Fri\", "
                + "\"duration\": \"3600s\", \"timezone\": \"UTC\", \"description\": \"mornings\"}}}}";
        assertConforms(asPlatformAdmin().body(body).post("/v1/accounts/acme/deployments?deploymentId=contract"),
                "gatewayDeployment");
        assertConforms(asPlatformAdmin().get("/v1/accounts/acme/deployments/contract"), "gatewayDeployment");
        assertConforms(asPlatformAdmin().get("/v1/accounts/acme/deployments?pageSize=2"),
                "gatewayListDeploymentsResponse");
        assertConforms(asPlatformAdmin().body("{\"description\": \"changed\"}")
                .patch("/v1/accounts/acme/deployments/contract"), "gatewayDeployment");
        asPlatformAdmin().delete("/v1/accounts/acme/deployments/contract").then().statusCode(200);
        assertConforms(asPlatformAdmin().get("/v1/accounts/acme/deployments/contract"), "gatewayDeployment");
    }

    @Test
    void accountsUsersAndApiKeys() {
        createAccount("contract-co");
        assertConforms(asPlatformAdmin().get("/v1/accounts/contract-co"), "gatewayAccount");
        assertConforms(asPlatformAdmin().get("/v1/accounts"), "gatewayListAccountsResponse");
        createUser("contract-co", "ada", "user");
        assertConforms(asPlatformAdmin().get("/v1/accounts/contract-co/users/ada"), "gatewayUser");
        assertConforms(asPlatformAdmin().get("/v1/accounts/contract-co/users"), "gatewayListUsersResponse");
        assertConforms(asPlatformAdmin().body("{\"apiKey\": {\"displayName\": \"ci\", "
                + "\"expireTime\": \"2030-01-01T00:00:00Z\"}}").post("/v1/accounts/contract-co/users/ada/apiKeys"),
                "gatewayApiKey");
        assertConforms(asPlatformAdmin().get("/v1/accounts/contract-co/users/ada/apiKeys"),
                "gatewayListApiKeysResponse");
    }

    @Test
    void quotasAndUsage() {
        QuotaApiTest.publishDefaultPools();
        assertConforms(asPlatformAdmin().get("/v1/accounts/acme/quotas/h100-us-iowa-1"), "gatewayQuota");
        assertConforms(asPlatformAdmin().get("/v1/accounts/acme/quotas"), "gatewayListQuotasResponse");
        assertConforms(asPlatformAdmin().body("{\"value\": \"32\"}").patch("/v1/accounts/acme/quotas/h100-us-iowa-1"),
                "gatewayQuota");
        assertConforms(asPlatformAdmin().get("/v1/accounts/acme/billingUsage?startTime=2026-11-01T00:00:00Z"
                + "&endTime=2026-11-30T00:00:00Z"), "gatewayAccountUsage");
    }

    @Test
    void serverlessRateLimits() {
        asPlatformAdmin().body("{\"email\": \"owner@fireworks.example\"}").post("/v1/accounts?accountId=fireworks");
        asPlatformAdmin().body("{\"baseModel\": \"" + LLAMA_8B + "\", \"minReplicaCount\": 0}")
                .post("/v1/accounts/fireworks/deployments?deploymentId=contract-serverless");
        Response limits = asPlatformAdmin().get("/v1/accounts/acme/serverlessRateLimits?deployment="
                + "accounts/fireworks/deployments/contract-serverless");
        assertConforms(limits, "gatewayListAccountServerlessRateLimitsResponse");
        assertThat(read(limits).path("rateLimits")).hasSize(3);
    }

    @Test
    void modelsAndDeployedModels() {
        assertConforms(asPlatformAdmin().get("/v1/" + LLAMA_8B), "gatewayModel");
        assertConforms(asPlatformAdmin().get("/v1/accounts/fireworks/models?pageSize=3"), "gatewayListModelsResponse");
        String lora = ModelFixtures.readyLora(Platform.PLATFORM_ADMIN_KEY, "acme", "contract-lora", LLAMA_8B);
        assertConforms(asPlatformAdmin().get("/v1/" + lora), "gatewayModel");
        assertConforms(asPlatformAdmin().body("{\"modelId\": \"contract-uploading\", \"model\": {\"kind\": "
                + "\"HF_PEFT_ADDON\", \"peftDetails\": {\"baseModel\": \"" + LLAMA_8B + "\", \"r\": 8}}}")
                .post("/v1/accounts/acme/models"), "gatewayModel");
        assertConforms(asPlatformAdmin().body("{\"filenameToSize\": {\"adapter_config.json\": 10}}")
                .post("/v1/accounts/acme/models/contract-uploading:getUploadEndpoint"),
                "gatewayGetModelUploadEndpointResponse");

        asPlatformAdmin().body("{\"baseModel\": \"" + LLAMA_8B + "\", \"enableAddons\": true}")
                .post("/v1/accounts/acme/deployments?deploymentId=contract-base").then().statusCode(200);
        assertConforms(asPlatformAdmin().body("{\"model\": \"" + lora + "\", \"deployment\": "
                + "\"accounts/acme/deployments/contract-base\"}").post("/v1/accounts/acme/deployedModels"),
                "gatewayDeployedModel");
        assertConforms(asPlatformAdmin().get("/v1/accounts/acme/deployedModels"), "gatewayListDeployedModelsResponse");
    }

    @Test
    void deploymentShapesAndVersions() {
        assertConforms(asPlatformAdmin().get(SHAPES + "/llama-v3p1-70b-instruct-fast"), "gatewayDeploymentShape");
        assertConforms(asPlatformAdmin().get(SHAPES + "/llama-v3p1-8b-instruct-fast/versions/1"),
                "gatewayDeploymentShapeVersion");
        assertConforms(asPlatformAdmin().get(SHAPES + "?targetModel=" + LLAMA_8B),
                "gatewayListDeploymentShapesResponse");
        assertConforms(asPlatformAdmin().get(SHAPES + "/llama-v3p1-8b-instruct-fast/versions"),
                "gatewayListDeploymentShapeVersionsResponse");
        // Every shape and every version of the catalog, page by page: each preset of each model writes its own
        // accelerator types, precisions and serving options.
        int shapes = everyPage(SHAPES, "gatewayListDeploymentShapesResponse", "deploymentShapes",
                "gatewayDeploymentShape");
        int versions = everyPage(SHAPES + "/-/versions", "gatewayListDeploymentShapeVersionsResponse",
                "deploymentShapeVersions", "gatewayDeploymentShapeVersion");
        assertThat(shapes).isGreaterThan(10);
        assertThat(versions).isGreaterThanOrEqualTo(shapes);
    }

    @Test
    void deploymentsMadeFromAShapeWithServingOptions() {
        assertConforms(asPlatformAdmin().body("{\"baseModel\": \"accounts/fireworks/models/llama-v3p1-70b-instruct\", "
                + "\"deploymentShape\": \"fast\", \"enableAddons\": true, \"maxContextLength\": 8192}")
                .post("/v1/accounts/acme/deployments?deploymentId=contract-shape"), "gatewayDeployment");
        assertConforms(asPlatformAdmin().body("{\"baseModel\": \"" + LLAMA_8B + "\", \"ngramSpeculationLength\": 2}")
                .post("/v1/accounts/acme/deployments?deploymentId=contract-ngram"), "gatewayDeployment");
    }

    /** Checks every page of a list and each item in it; returns how many items there were. */
    private static int everyPage(String path, String listSchema, String itemsField, String itemSchema) {
        int items = 0;
        String token = "";
        do {
            Response page = asPlatformAdmin().queryParam("pageSize", 7).queryParam("pageToken", token).get(path);
            assertConforms(page, listSchema);
            JsonNode body = read(page);
            for (JsonNode item : body.path(itemsField)) {
                assertThat(SPEC.violations(item, itemSchema, EXTENSIONS)).as(itemSchema + " in " + item).isEmpty();
                items++;
            }
            token = body.path("nextPageToken").asText("");
        } while (!token.isEmpty());
        return items;
    }

    @Test
    void theCheckCatchesAFieldOrEnumValueTheReferenceDoesNotHave() throws Exception {
        JsonNode made = JSON.readTree("{\"name\": \"accounts/a/deployments/d\", \"state\": \"SLEEPING\", "
                + "\"replicaStats\": {\"readyReplicaCount\": 1, \"sleepingReplicaCount\": 2}, "
                + "\"enableAddons\": \"true\", \"minReplicaCount\": 1.5}");
        assertThat(SPEC.violations(made, "gatewayDeployment", Map.of())).containsExactlyInAnyOrder(
                "gatewayDeployment.state: 'SLEEPING' is not one of [\"STATE_UNSPECIFIED\",\"CREATING\",\"READY\","
                        + "\"DELETING\",\"FAILED\",\"UPDATING\",\"DELETED\"]",
                "gatewayDeployment.replicaStats.sleepingReplicaCount: not a field of the reference",
                "gatewayDeployment.enableAddons: the reference writes a boolean, Ember wrote \"true\"",
                "gatewayDeployment.minReplicaCount: the reference writes an integer, Ember wrote 1.5");
    }
}
