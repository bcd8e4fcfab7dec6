package dev.ember.controlplane.grpc;

import static dev.ember.controlplane.deployment.DeploymentApiTest.KEY;
import static dev.ember.controlplane.deployment.DeploymentApiTest.LLAMA_8B;
import static dev.ember.controlplane.deployment.DeploymentApiTest.asAdmin;
import static dev.ember.controlplane.deployment.DeploymentApiTest.kafka;
import static dev.ember.controlplane.grpc.GrpcApiTest.catchStatus;
import static dev.ember.controlplane.grpc.GrpcApiTest.fields;
import static dev.ember.controlplane.grpc.GrpcApiTest.withKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasSize;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import com.google.protobuf.util.Timestamps;

import io.grpc.Status;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.ember.common.event.EventTypes;
import dev.ember.common.event.UsageReported;
import dev.ember.controlplane.TestAccounts;
import dev.ember.proto.v1.AccountRateLimit;
import dev.ember.proto.v1.AccountUsage;
import dev.ember.proto.v1.BillingGrpc;
import dev.ember.proto.v1.GetAccountUsageRequest;
import dev.ember.proto.v1.ListServerlessRateLimitsRequest;
import dev.ember.proto.v1.ListServerlessRateLimitsResponse;
import dev.ember.proto.v1.QuotasGrpc;
import dev.ember.testsupport.EmberInfraResource;

/**
 * Usage (Fireworks' GetAccountUsage) and serverless rate limits (ListAccountServerlessRateLimits) over gRPC: the same
 * figures as over REST, the same field-level errors, and the same account isolation.
 */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
class BillingAndRateLimitsGrpcTest {

    private static final String SERVERLESS = "accounts/fireworks/deployments/grpc-rl-llama-8b";

    private BillingGrpc.BillingBlockingStub billing(String key) {
        return withKey(BillingGrpc.newBlockingStub(GrpcChannel.channel()), key);
    }

    private QuotasGrpc.QuotasBlockingStub quotas(String key) {
        return withKey(QuotasGrpc.newBlockingStub(GrpcChannel.channel()), key);
    }

    @Test
    void usageOverGrpcIsTheLedgersFiguresAsOverRest() throws Exception {
        kafka().publish(EventTypes.USAGE_REPORTED, "acme", new UsageReported("dp-grpc", 1, "acme",
                "accounts/fireworks/models/llama-v3p1-70b-instruct", null, "accounts/acme/users/admin/apiKeys/k1",
                UsageReported.SERVERLESS, 4, 300_000, 200_000, Instant.parse("2026-10-05T08:00:00Z"),
                Instant.parse("2026-10-05T08:00:10Z")));
        kafka().publish(EventTypes.USAGE_REPORTED, "acme", new UsageReported("dp-grpc", 2, "acme", LLAMA_8B, null,
                "accounts/acme/users/admin/apiKeys/k1", UsageReported.SERVERLESS, 2, 100_000, 50_000,
                Instant.parse("2026-10-05T09:00:00Z"), Instant.parse("2026-10-05T09:00:10Z")));
        String rest = "/v1/accounts/acme/billingUsage?startTime=2026-10-05T00:00:00Z&endTime=2026-10-06T00:00:00Z"
                + "&usageType=SERVERLESS";
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asAdmin().get(rest).then().statusCode(200)
                .body("serverlessCosts", hasSize(2)));

        AccountUsage usage = billing(KEY).getAccountUsage(GetAccountUsageRequest.newBuilder()
                .setName("accounts/acme").setStartTime(time("2026-10-05T00:00:00Z"))
                .setEndTime(time("2026-10-06T00:00:00Z")).setUsageType("SERVERLESS").build());
        assertThat(usage.getServerlessCostsList()).hasSize(2);
        assertThat(usage.getServerlessCostsList()).anySatisfy(row -> {
            assertThat(row.getModelName()).isEqualTo("accounts/fireworks/models/llama-v3p1-70b-instruct");
            assertThat(row.getPromptTokens()).isEqualTo(300_000);
            assertThat(row.getCompletionTokens()).isEqualTo(200_000);
            assertThat(row.getStartTime()).isEqualTo(time("2026-10-05T00:00:00Z"));
        });
        // Row for row, the JSON of the gRPC reply is the REST reply (proto3 JSON names are the REST names).
        ObjectMapper json = new ObjectMapper();
        Object overGrpc = json.readValue(JsonFormat.printer().print(usage), Map.class).get("serverlessCosts");
        Object overRest = json.readValue(asAdmin().get(rest).asString(), Map.class).get("serverlessCosts");
        assertThat(overGrpc).isEqualTo(overRest);

        // Grouped by API key: one row with both reports' tokens.
        AccountUsage byKey = billing(KEY).getAccountUsage(GetAccountUsageRequest.newBuilder()
                .setName("accounts/acme").setStartTime(time("2026-10-05T00:00:00Z"))
                .setEndTime(time("2026-10-06T00:00:00Z")).setUsageType("SERVERLESS").addGroupBy("api_key_id")
                .build());
        assertThat(byKey.getServerlessCostsList()).singleElement().satisfies(row -> {
            assertThat(row.getApiKeyId()).isEqualTo("accounts/acme/users/admin/apiKeys/k1");
            assertThat(row.getPromptTokens()).isEqualTo(400_000);
        });
    }

    @Test
    void badUsageQueriesNameTheFieldAndAnotherAccountIsNotFound() {
        GetAccountUsageRequest day = GetAccountUsageRequest.newBuilder().setName("accounts/acme")
                .setStartTime(time("2026-10-05T00:00:00Z")).setEndTime(time("2026-10-06T00:00:00Z")).build();
        assertThat(invalid(() -> billing(KEY).getAccountUsage(day.toBuilder().clearStartTime().build())))
                .contains("startTime");
        assertThat(invalid(() -> billing(KEY).getAccountUsage(day.toBuilder()
                .setEndTime(time("2026-10-04T00:00:00Z")).build()))).contains("endTime");
        assertThat(invalid(() -> billing(KEY).getAccountUsage(day.toBuilder().setUsageType("FREE").build())))
                .contains("usageType");
        assertThat(invalid(() -> billing(KEY).getAccountUsage(day.toBuilder().setTimezone("Mars/Base").build())))
                .contains("timezone");
        assertThat(invalid(() -> billing(KEY).getAccountUsage(day.toBuilder().setName("acme").build())))
                .contains("name");
        // A timestamp protobuf itself rejects (after year 9999) is a bad request too, never an internal error.
        assertThat(invalid(() -> billing(KEY).getAccountUsage(day.toBuilder()
                .setEndTime(Timestamp.newBuilder().setSeconds(999_999_999_999L)).build()))).containsExactly("endTime");

        String otherKey = TestAccounts.ordinaryKey("grpc-billing-other", "admin");
        assertThat(catchStatus(() -> billing(otherKey).getAccountUsage(day)).getStatus().getCode())
                .isEqualTo(Status.Code.NOT_FOUND);
        assertThat(
                catchStatus(() -> BillingGrpc.newBlockingStub(GrpcChannel.channel()).getAccountUsage(day)).getStatus()
                        .getCode())
                .isEqualTo(Status.Code.UNAUTHENTICATED);
    }

    @Test
    void serverlessRateLimitsOverGrpcAreTheRestRows() throws Exception {
        int status = asAdmin().body("{\"baseModel\": \"" + LLAMA_8B + "\", \"minReplicaCount\": 0}")
                .post("/v1/accounts/fireworks/deployments?deploymentId=grpc-rl-llama-8b").statusCode();
        assertThat(status).isIn(200, 409);
        String key = TestAccounts.ordinaryKey("grpc-rl", "admin");
        asAdmin().body("{\"value\": \"120\"}").patch("/v1/accounts/grpc-rl/quotas/serverless-requests-per-minute")
                .then().statusCode(200);

        ListServerlessRateLimitsResponse limits = quotas(key).listServerlessRateLimits(
                ListServerlessRateLimitsRequest.newBuilder().setParent("accounts/grpc-rl").build());
        // Read with Jackson, which keeps the limits as doubles (RestAssured's JSON path makes them floats).
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> restRows = (List<Map<String, Object>>) new ObjectMapper().readValue(asAdmin()
                .get("/v1/accounts/grpc-rl/serverlessRateLimits").then().statusCode(200).extract().asString(),
                Map.class).get("rateLimits");
        assertThat(limits.getRateLimitsList().stream().map(BillingAndRateLimitsGrpcTest::row).toList())
                .isEqualTo(restRows.stream().map(r -> List.of(r.get("deployment"), r.get("metric"),
                        ((Number) r.get("effectiveLimit")).doubleValue())).toList());
        assertThat(limits.getRateLimitsList()).filteredOn(r -> r.getDeployment().equals(SERVERLESS))
                .extracting(BillingAndRateLimitsGrpcTest::row)
                .containsExactly(List.of(SERVERLESS, "METRIC_UNSPECIFIED", 2.0),
                        List.of(SERVERLESS, "TOKENS_PROMPT", 1_000_000 / 60.0),
                        List.of(SERVERLESS, "TOKENS_GENERATED", 1_000_000 / 60.0));
        assertThat(limits.getSeriesList()).isEmpty();

        ListServerlessRateLimitsResponse one = quotas(key).listServerlessRateLimits(ListServerlessRateLimitsRequest
                .newBuilder().setParent("accounts/grpc-rl").setDeployment(SERVERLESS)
                .setStart(time("2026-11-01T00:00:00Z")).setEnd(time("2026-11-02T00:00:00Z"))
                .setInterval(com.google.protobuf.Duration.newBuilder().setSeconds(14_400)).build());
        assertThat(one.getRateLimitsList()).extracting(AccountRateLimit::getDeployment).containsOnly(SERVERLESS)
                .hasSize(3);
    }

    @Test
    void badRateLimitQueriesNameTheFieldAndAnotherAccountIsNotFound() {
        String key = TestAccounts.ordinaryKey("grpc-rl-bad", "admin");
        ListServerlessRateLimitsRequest mine = ListServerlessRateLimitsRequest.newBuilder()
                .setParent("accounts/grpc-rl-bad").build();
        assertThat(invalid(() -> quotas(key).listServerlessRateLimits(mine.toBuilder()
                .setInterval(com.google.protobuf.Duration.newBuilder().setSeconds(0).setNanos(1000)).build())))
                .contains("interval");
        assertThat(invalid(() -> quotas(key).listServerlessRateLimits(mine.toBuilder()
                .setStart(time("2026-11-02T00:00:00Z")).setEnd(time("2026-11-01T00:00:00Z")).build())))
                .contains("start");
        assertThat(invalid(() -> quotas(key).listServerlessRateLimits(mine.toBuilder().setDeployment("llama")
                .build()))).contains("deployment");
        assertThat(invalid(() -> quotas(key).listServerlessRateLimits(mine.toBuilder().setParent("grpc-rl-bad")
                .build()))).contains("parent");
        assertThat(catchStatus(() -> quotas(key).listServerlessRateLimits(mine.toBuilder()
                .setDeployment("accounts/fireworks/deployments/nope").build())).getStatus().getCode())
                .isEqualTo(Status.Code.NOT_FOUND);
        assertThat(catchStatus(() -> quotas(key).listServerlessRateLimits(mine.toBuilder()
                .setParent("accounts/acme").build())).getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
    }

    private static List<Object> row(AccountRateLimit r) {
        return List.of(r.getDeployment(), r.getMetric().name(), r.getEffectiveLimit());
    }

    /** The field violations of a call that must fail with INVALID_ARGUMENT. */
    private static List<String> invalid(Runnable call) {
        var e = catchStatus(call);
        assertThat(e.getStatus().getCode()).as(e.getStatus().toString()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        return fields(e);
    }

    private static Timestamp time(String iso) {
        try {
            return Timestamps.parse(iso);
        } catch (java.text.ParseException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
