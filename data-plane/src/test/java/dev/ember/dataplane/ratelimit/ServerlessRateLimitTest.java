package dev.ember.dataplane.ratelimit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

import dev.ember.common.auth.ApiKeys;
import dev.ember.common.event.ApiKeyCreated;
import dev.ember.common.event.DeploymentCreated;
import dev.ember.common.event.DeploymentSpec;
import dev.ember.common.event.EventTypes;
import dev.ember.common.event.ModelProfile;
import dev.ember.common.event.QuotaUpdated;
import dev.ember.common.event.ReplicaUpdated;
import dev.ember.common.event.UsageReported;
import dev.ember.dataplane.TestClock;
import dev.ember.testsupport.EmberInfraResource;
import dev.ember.testsupport.KafkaEvents;

/**
 * A catalog model is served by the platform's serverless deployment of it, to any account, within the account's
 * limits: requests and tokens (prompt plus max_tokens) a minute, 4 and 1,000 in the test profile, or what the
 * account's serverless quotas say. Every serverless answer carries the limits; going over one is a 429 in the OpenAI
 * shape with Retry-After, until the window resets. An account's own deployments are not limited.
 */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
class ServerlessRateLimitTest {

    static final ModelProfile LLAMA_8B = new ModelProfile("accounts/fireworks/models/llama-v3p1-8b-instruct",
            8_030_000_000L, 8_030_000_000L, 32, 4096, 8, 128, 131072, "FP8");
    static final String SERVERLESS = "accounts/fireworks/deployments/llama-8b-serverless";
    static final String OWN = "accounts/sl-own/deployments/mine";
    static final String CHAT = "/inference/v1/chat/completions";
    static final String[] ACCOUNTS = {"sl-headers", "sl-rpm", "sl-tpm", "sl-own", "sl-vip", "sl-big", "sl-usage",
            "sl-sdk"};
    static final Map<String, String> KEYS = new HashMap<>();

    static boolean published;

    static KafkaEvents kafka() {
        return new KafkaEvents(ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
    }

    @BeforeEach
    void publishTheServerlessDeploymentAndKeys() {
        if (published) {
            return;
        }
        published = true;
        KafkaEvents kafka = kafka();
        for (String account : ACCOUNTS) {
            String key = ApiKeys.generate();
            KEYS.put(account, key);
            String name = "accounts/" + account + "/users/admin/apiKeys/k";
            kafka.publish(EventTypes.API_KEY_CREATED, name, new ApiKeyCreated(name, account, "admin", "admin",
                    ApiKeys.hash(key), ApiKeys.prefix(key), null, Instant.now()));
        }
        for (String name : new String[]{SERVERLESS, OWN}) {
            kafka.publish(EventTypes.DEPLOYMENT_CREATED, name, new DeploymentCreated(new DeploymentSpec(name,
                    "uid-" + name, 1, "d", LLAMA_8B.name(), LLAMA_8B, "NVIDIA_H100_80GB", 1, "FP8", 1, 4, "GLOBAL",
                    Instant.now(), null)));
            kafka.publish(EventTypes.REPLICA_UPDATED, name + "/replicas/r-1", new ReplicaUpdated(name + "/replicas/r-1",
                    name, "uid-" + name, 4, "READY", "US_IOWA_1", "node-0", "NVIDIA_H100_80GB", 1, "",
                    Instant.now()));
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> chat("sl-own", OWN, 1).then().statusCode(200));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().header("Authorization", "Bearer "
                + KEYS.get("sl-usage")).get("/inference/v1/models").then().statusCode(200)
                .body("data.find { it.id == '" + LLAMA_8B.name() + "' }.owned_by", equalTo("fireworks")));
    }

    static Response chat(String account, String model, int maxTokens) {
        return given().header("Authorization", "Bearer " + KEYS.get(account)).contentType(ContentType.JSON)
                .body("{\"model\": \"" + model + "\", \"max_tokens\": " + maxTokens
                        + ", \"messages\": [{\"role\": \"user\", \"content\": \"Say hello\"}]}")
                .post(CHAT);
    }

    static long header(Response r, String name) {
        return Long.parseLong(r.header(name));
    }

    static long resetSeconds(Response r, String name) {
        String reset = r.header(name);
        assertThat(reset).as(name).matches("\\d+s");
        return Long.parseLong(reset.substring(0, reset.length() - 1));
    }

    @Test
    void aCatalogModelIsServedServerlessWithTheLimitsInTheHeaders() {
        Response first = chat("sl-headers", LLAMA_8B.name(), 100);
        first.then().statusCode(200).header("x-ember-deployment", SERVERLESS)
                .body("model", equalTo(LLAMA_8B.name()));
        long prompt = header(first, "fireworks-prompt-tokens");
        assertThat(header(first, "x-ratelimit-limit-requests")).isEqualTo(4);
        assertThat(header(first, "x-ratelimit-remaining-requests")).isEqualTo(3);
        assertThat(header(first, "x-ratelimit-limit-tokens")).isEqualTo(1000);
        assertThat(header(first, "x-ratelimit-remaining-tokens")).as("prompt and max_tokens counted")
                .isEqualTo(1000 - prompt - 100);
        assertThat(resetSeconds(first, "x-ratelimit-reset-requests")).isBetween(1L, 60L);
        assertThat(resetSeconds(first, "x-ratelimit-reset-tokens")).isBetween(1L, 60L);

        Response second = chat("sl-headers", LLAMA_8B.name(), 50);
        assertThat(header(second, "x-ratelimit-remaining-requests")).isEqualTo(2);
        assertThat(header(second, "x-ratelimit-remaining-tokens")).isEqualTo(1000 - 2 * prompt - 150);
    }

    @Test
    void theFifthRequestInAMinuteIsRefusedUntilTheWindowResets() {
        for (int i = 3; i >= 0; i--) {
            Response ok = chat("sl-rpm", LLAMA_8B.name(), 10);
            ok.then().statusCode(200);
            assertThat(header(ok, "x-ratelimit-remaining-requests")).isEqualTo(i);
        }
        Response refused = chat("sl-rpm", LLAMA_8B.name(), 10);
        refused.then().log().ifValidationFails().statusCode(429)
                .body("error.object", equalTo("error"))
                .body("error.type", equalTo("rate_limit_error"))
                .body("error.code", equalTo("rate_limit_exceeded"))
                .body("error.message", containsString("requests per minute"))
                .body("error.message", containsString("limit 4"));
        assertThat(header(refused, "x-ratelimit-limit-requests")).isEqualTo(4);
        assertThat(header(refused, "x-ratelimit-remaining-requests")).isZero();
        long retry = header(refused, "retry-after");
        assertThat(retry).isBetween(1L, 60L).isEqualTo(resetSeconds(refused, "x-ratelimit-reset-requests"));
        chat("sl-rpm", LLAMA_8B.name(), 10).then().statusCode(429);

        TestClock.CLOCK.advance(Duration.ofSeconds(retry));
        Response again = chat("sl-rpm", LLAMA_8B.name(), 10);
        again.then().statusCode(200);
        assertThat(header(again, "x-ratelimit-remaining-requests")).as("a new window").isEqualTo(3);
        assertThat(resetSeconds(again, "x-ratelimit-reset-requests")).isEqualTo(60);
    }

    @Test
    void tokensAMinuteCountThePromptAndMaxTokens() {
        Response first = chat("sl-tpm", LLAMA_8B.name(), 600);
        first.then().statusCode(200);
        long left = header(first, "x-ratelimit-remaining-tokens");
        assertThat(left).isEqualTo(1000 - header(first, "fireworks-prompt-tokens") - 600);

        Response refused = chat("sl-tpm", LLAMA_8B.name(), 600);
        refused.then().log().ifValidationFails().statusCode(429)
                .body("error.type", equalTo("rate_limit_error"))
                .body("error.code", equalTo("rate_limit_exceeded"))
                .body("error.message", containsString("tokens per minute"));
        assertThat(header(refused, "x-ratelimit-remaining-tokens")).as("a refused request counts nothing")
                .isEqualTo(left);
        assertThat(header(refused, "x-ratelimit-remaining-requests")).isEqualTo(3);
        assertThat(header(refused, "retry-after")).isBetween(1L, 60L);

        chat("sl-tpm", LLAMA_8B.name(), (int) left - 20).then().statusCode(200);

        TestClock.CLOCK.advance(Duration.ofSeconds(61));
        chat("sl-tpm", LLAMA_8B.name(), 600).then().statusCode(200);
    }

    @Test
    void aRequestLargerThanTheTokensLimitIsABadRequestNotARetry() {
        chat("sl-big", LLAMA_8B.name(), 5000).then().log().ifValidationFails().statusCode(400)
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.param", equalTo("max_tokens"))
                .body("error.message", containsString("1000 tokens a minute"));
    }

    @Test
    void theAccountsOwnDeploymentsAreNotRateLimited() {
        for (int i = 0; i < 8; i++) {
            Response ok = chat("sl-own", OWN, 600);
            ok.then().statusCode(200).header("x-ember-deployment", OWN)
                    .header("x-ratelimit-limit-requests", nullValue())
                    .header("x-ratelimit-remaining-tokens", nullValue());
        }
    }

    @Test
    void anAccountsServerlessQuotasOverrideTheDefaults() {
        KafkaEvents kafka = kafka();
        kafka.publish(EventTypes.QUOTA_UPDATED, "accounts/sl-vip/quotas/serverless-requests-per-minute",
                new QuotaUpdated("accounts/sl-vip/quotas/serverless-requests-per-minute", "sl-vip", null, null, 6,
                        Instant.now()));
        kafka.publish(EventTypes.QUOTA_UPDATED, "accounts/sl-vip/quotas/serverless-tokens-per-minute",
                new QuotaUpdated("accounts/sl-vip/quotas/serverless-tokens-per-minute", "sl-vip", null, null, 50_000,
                        Instant.now()));
        // A GPU quota of the same account changes nothing here.
        kafka.publish(EventTypes.QUOTA_UPDATED, "accounts/sl-vip/quotas/h100-us-iowa-1", new QuotaUpdated(
                "accounts/sl-vip/quotas/h100-us-iowa-1", "sl-vip", "NVIDIA_H100_80GB", "US_IOWA_1", 1, Instant.now()));
        // Nor does an older value arriving late.
        kafka.publish(EventTypes.QUOTA_UPDATED, "accounts/sl-vip/quotas/serverless-requests-per-minute",
                new QuotaUpdated("accounts/sl-vip/quotas/serverless-requests-per-minute", "sl-vip", null, null, 2,
                        Instant.now().minusSeconds(3600)));
        TestClock.CLOCK.advance(Duration.ofSeconds(61));
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            TestClock.CLOCK.advance(Duration.ofSeconds(61));
            Response r = chat("sl-vip", LLAMA_8B.name(), 10);
            return r.statusCode() == 200 && "6".equals(r.header("x-ratelimit-limit-requests"));
        });
        TestClock.CLOCK.advance(Duration.ofSeconds(61));
        List<Integer> statuses = new ArrayList<>();
        Response last = null;
        for (int i = 0; i < 7; i++) {
            last = chat("sl-vip", LLAMA_8B.name(), 2000);
            statuses.add(last.statusCode());
        }
        assertThat(statuses).as("6 requests of 2,000 tokens fit 6 a minute and 50,000 tokens")
                .containsExactly(200, 200, 200, 200, 200, 200, 429);
        assertThat(header(last, "x-ratelimit-limit-tokens")).isEqualTo(50_000);
        // Other accounts keep the defaults.
        Response other = chat("sl-headers", LLAMA_8B.name(), 10);
        assertThat(header(other, "x-ratelimit-limit-requests")).isEqualTo(4);
    }

    @Test
    void aModelWithoutAServerlessDeploymentIsNotFound() {
        chat("sl-big", "accounts/fireworks/models/llama-v3p1-70b-instruct", 10).then().statusCode(404)
                .body("error.code", equalTo("model_not_found"))
                .body("error.message", containsString("no serverless deployment"));
    }

    @Test
    void serverlessTokensAreReportedAsServerlessUsage() {
        chat("sl-usage", LLAMA_8B.name(), 20).then().statusCode(200);
        UsageReported usage = kafka().first(EventTypes.USAGE_REPORTED,
                e -> "sl-usage".equals(e.data().account()), Duration.ofSeconds(15)).orElseThrow().data();
        assertThat(usage.usageType()).isEqualTo(UsageReported.SERVERLESS);
        assertThat(usage.model()).isEqualTo(LLAMA_8B.name());
        assertThat(usage.deployment()).isEqualTo(SERVERLESS);
        assertThat(usage.completionTokens()).isPositive();
    }

    @Test
    void theOpenAiSdkSeesA429AsARateLimitError() throws Exception {
        String baseUrl = "http://localhost:" + ConfigProvider.getConfig().getValue("quarkus.http.test-port",
                Integer.class) + "/inference/v1";
        Process node = new ProcessBuilder("node", Path.of("src/test/node/rate-limit.mjs").toAbsolutePath().toString(),
                baseUrl, KEYS.get("sl-sdk"), LLAMA_8B.name()).redirectErrorStream(true).start();
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.waitFor()).as(output).isZero();

        JsonNode seen = new ObjectMapper().readTree(output.lines().reduce((a, b) -> b).orElse("{}"));
        assertThat(seen.path("served").asInt()).as(output).isEqualTo(4);
        JsonNode refused = seen.path("refused");
        assertThat(refused.path("rateLimitError").asBoolean()).as(output).isTrue();
        assertThat(refused.path("name").asText()).isEqualTo("RateLimitError");
        assertThat(refused.path("status").asInt()).isEqualTo(429);
        assertThat(refused.path("type").asText()).isEqualTo("rate_limit_error");
        assertThat(refused.path("code").asText()).isEqualTo("rate_limit_exceeded");
        assertThat(refused.path("limitRequests").asText()).isEqualTo("4");
        assertThat(refused.path("remainingRequests").asText()).isEqualTo("0");
        assertThat(refused.path("retryAfter").asInt()).isBetween(1, 60);
    }
}
