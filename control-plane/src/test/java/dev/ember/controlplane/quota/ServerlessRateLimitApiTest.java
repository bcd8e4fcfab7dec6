package dev.ember.controlplane.quota;

import static dev.ember.controlplane.Platform.assertBadField;
import static dev.ember.controlplane.Platform.assertNotFound;
import static dev.ember.controlplane.TestAccounts.as;
import static dev.ember.controlplane.TestAccounts.asAdmin;
import static dev.ember.controlplane.deployment.DeploymentApiTest.LLAMA_8B;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import dev.ember.controlplane.TestAccounts;
import dev.ember.testsupport.EmberInfraResource;

/**
 * {@code GET /v1/accounts/{a}/serverlessRateLimits}: for every serverless deployment (the catalog account's), the
 * account's limits per second from its serverless quotas: requests (METRIC_UNSPECIFIED) and the one tokens budget
 * (shown as TOKENS_PROMPT and TOKENS_GENERATED).
 */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
class ServerlessRateLimitApiTest {

    static final String SERVERLESS_8B = "accounts/fireworks/deployments/rl-llama-8b";
    static final String SERVERLESS_8B_TOO = "accounts/fireworks/deployments/rl-llama-8b-too";

    static String limitsAdmin;
    static String otherAdmin;

    @BeforeEach
    void serverlessDeploymentsAndAccounts() {
        if (limitsAdmin != null) {
            return;
        }
        limitsAdmin = TestAccounts.ordinaryKey("rl-limits", "admin");
        otherAdmin = TestAccounts.ordinaryKey("rl-other", "admin");
        TestAccounts.ordinaryKey("fireworks", "admin");
        for (String name : List.of(SERVERLESS_8B, SERVERLESS_8B_TOO)) {
            String id = name.substring(name.lastIndexOf('/') + 1);
            int status = asAdmin().body("{\"baseModel\": \"" + LLAMA_8B + "\", \"minReplicaCount\": 0}")
                    .post("/v1/accounts/fireworks/deployments?deploymentId=" + id).statusCode();
            assertThat(status).as("creating " + name).isIn(200, 409);
        }
        asAdmin().body("{\"baseModel\": \"" + LLAMA_8B + "\", \"minReplicaCount\": 0}")
                .post("/v1/accounts/rl-limits/deployments?deploymentId=own").then().statusCode(200);
    }

    static String limits(String account) {
        return "/v1/accounts/" + account + "/serverlessRateLimits";
    }

    /** The limit of {@code metric} on {@code deployment}, from a response. */
    static double limit(JsonPath response, String deployment, String metric) {
        List<Map<String, Object>> rows = response.getList("rateLimits");
        return rows.stream().filter(r -> r.get("deployment").equals(deployment) && r.get("metric").equals(metric))
                .map(r -> ((Number) r.get("effectiveLimit")).doubleValue()).findFirst()
                .orElseThrow(() -> new AssertionError("no " + metric + " row for " + deployment + ": " + rows));
    }

    @Test
    void everyServerlessDeploymentHasARowPerMetricWithTheAccountsQuotasPerSecond() {
        JsonPath defaults = as(limitsAdmin).get(limits("rl-limits")).then().statusCode(200)
                .body("series", empty()).extract().jsonPath();
        List<String> deployments = defaults.getList("rateLimits.deployment");
        assertThat(deployments).contains(SERVERLESS_8B, SERVERLESS_8B_TOO)
                .as("serverless only: the account's own deployment is not").doesNotContain(
                        "accounts/rl-limits/deployments/own")
                .allMatch(d -> d.startsWith("accounts/fireworks/deployments/"));
        assertThat(deployments).hasSize(3 * (int) deployments.stream().distinct().count());
        // The defaults: 600 requests and 1,000,000 tokens a minute.
        assertThat(limit(defaults, SERVERLESS_8B, "METRIC_UNSPECIFIED")).isEqualTo(10.0);
        assertThat(limit(defaults, SERVERLESS_8B, "TOKENS_PROMPT")).isCloseTo(16_666.67, within());
        assertThat(limit(defaults, SERVERLESS_8B, "TOKENS_GENERATED")).isCloseTo(16_666.67, within());

        String quotas = "/v1/accounts/rl-limits/quotas/";
        as(limitsAdmin).body("{\"value\": \"120\"}").patch(quotas + "serverless-requests-per-minute").then()
                .statusCode(200);
        as(limitsAdmin).body("{\"value\": \"6000\"}").patch(quotas + "serverless-tokens-per-minute").then()
                .statusCode(200);
        JsonPath lowered = as(limitsAdmin).get(limits("rl-limits")).then().statusCode(200).extract().jsonPath();
        for (String d : List.of(SERVERLESS_8B, SERVERLESS_8B_TOO)) {
            assertThat(limit(lowered, d, "METRIC_UNSPECIFIED")).isEqualTo(2.0);
            assertThat(limit(lowered, d, "TOKENS_PROMPT")).isEqualTo(100.0);
            assertThat(limit(lowered, d, "TOKENS_GENERATED")).isEqualTo(100.0);
        }
        // Another account's limits are its own.
        assertThat(limit(as(otherAdmin).get(limits("rl-other")).then().statusCode(200).extract().jsonPath(),
                SERVERLESS_8B, "METRIC_UNSPECIFIED")).isEqualTo(10.0);
    }

    @Test
    void theDeploymentParameterKeepsThatDeploymentsRows() {
        as(otherAdmin).queryParam("deployment", SERVERLESS_8B_TOO).get(limits("rl-other")).then().statusCode(200)
                .body("rateLimits.deployment", equalTo(List.of(SERVERLESS_8B_TOO, SERVERLESS_8B_TOO,
                        SERVERLESS_8B_TOO)))
                .body("rateLimits.metric", equalTo(List.of("METRIC_UNSPECIFIED", "TOKENS_PROMPT",
                        "TOKENS_GENERATED")))
                .body("rateLimits[0].effectiveLimit", equalTo(10.0f));

        assertNotFound(as(otherAdmin).queryParam("deployment", "accounts/fireworks/deployments/nope")
                .get(limits("rl-other"))).body("message", containsString("not a serverless deployment"));
        assertNotFound(as(limitsAdmin).queryParam("deployment", "accounts/rl-limits/deployments/own")
                .get(limits("rl-limits")));
        assertBadField(as(otherAdmin).queryParam("deployment", "rl-llama-8b").get(limits("rl-other")),
                "deployment");
    }

    @Test
    void theTimeRangeIsCheckedAndTheSeriesIsEmptyAsNoHistoryIsKept() {
        as(otherAdmin).queryParams("start", "2026-11-01T00:00:00Z", "end", "2026-11-02T00:00:00Z", "interval",
                "14400s").get(limits("rl-other")).then().statusCode(200).body("series", empty());
        assertBadField(as(otherAdmin).queryParam("start", "yesterday").get(limits("rl-other")), "start");
        assertBadField(as(otherAdmin).queryParam("end", "2026-13-01").get(limits("rl-other")), "end");
        assertBadField(as(otherAdmin).queryParams("start", "2026-11-02T00:00:00Z", "end", "2026-11-01T00:00:00Z")
                .get(limits("rl-other")), "start");
        assertBadField(as(otherAdmin).queryParam("interval", "4h").get(limits("rl-other")), "interval");
        assertBadField(as(otherAdmin).queryParam("interval", "0s").get(limits("rl-other")), "interval");
    }

    @Test
    void anotherAccountsLimitsAreNotFoundAndAKeyIsRequired() {
        assertNotFound(as(otherAdmin).get(limits("rl-limits")));
        assertNotFound(asAdmin().get(limits("no-such-account")));
        given().get(limits("rl-other")).then().statusCode(401);
        String inferenceOnly = TestAccounts.ordinaryKey("rl-other", "inference-user");
        as(inferenceOnly).get(limits("rl-other")).then().statusCode(200);
    }

    @Test
    void thePlatformAccountHasNoServerlessLimitsOnItsOwnDeployments() {
        asAdmin().get(limits("fireworks")).then().statusCode(200).body("rateLimits", empty());
    }

    private static org.assertj.core.data.Offset<Double> within() {
        return org.assertj.core.data.Offset.offset(0.01);
    }
}
