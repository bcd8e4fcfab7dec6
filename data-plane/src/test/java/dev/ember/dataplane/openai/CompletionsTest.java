package dev.ember.dataplane.openai;

import static dev.ember.dataplane.openai.InferenceFixture.COMPLETIONS;
import static dev.ember.dataplane.openai.InferenceFixture.KEY;
import static dev.ember.dataplane.openai.InferenceFixture.READY;
import static dev.ember.dataplane.openai.InferenceFixture.STARTING;
import static dev.ember.dataplane.openai.InferenceFixture.as;
import static dev.ember.dataplane.openai.InferenceFixture.assertError;
import static dev.ember.dataplane.openai.InferenceFixture.assertParam;
import static dev.ember.dataplane.openai.InferenceFixture.completion;
import static dev.ember.dataplane.openai.InferenceFixture.events;
import static dev.ember.dataplane.openai.InferenceFixture.finishes;
import static dev.ember.dataplane.openai.InferenceFixture.joined;
import static dev.ember.dataplane.openai.InferenceFixture.json;
import static dev.ember.dataplane.openai.InferenceFixture.kafka;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

import dev.ember.common.event.EventTypes;
import dev.ember.dataplane.engine.JsonSchemas;
import dev.ember.testsupport.EmberInfraResource;
import dev.ember.testsupport.PrometheusText;

/** {@code POST /inference/v1/completions}: OpenAI's legacy text completions, served like chat. */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
class CompletionsTest {

    @BeforeEach
    void publishTheWorld() {
        InferenceFixture.publish();
    }

    static JsonNode complete(String extra) {
        return json(as(KEY).body(completion(READY, extra)).post(COMPLETIONS).then().log().ifValidationFails()
                .statusCode(200).extract().asString());
    }

    @Test
    void aPromptIsContinuedInTheOpenAiTextCompletionShapeWithTheSameHeadersAsChat() {
        Response r = as(KEY).body(completion(READY, ", \"max_tokens\": 12")).post(COMPLETIONS);
        r.then().statusCode(200)
                .body("object", equalTo("text_completion"))
                .body("id", startsWith("cmpl-"))
                .body("model", equalTo(READY))
                .body("choices[0].index", equalTo(0))
                .body("choices[0].logprobs", nullValue())
                .header("x-ember-deployment", READY)
                .header("x-ember-replica", READY + "/replicas/r-1");
        JsonNode body = json(r.asString());
        assertThat(body.path("choices").path(0).path("text").asText()).as("continues the prompt after a space")
                .startsWith(" ").isNotBlank();
        assertThat(complete(", \"max_tokens\": 3").path("choices").path(0).path("text").asText()).startsWith(" ");
        assertThat(json(as(KEY).body("{\"model\": \"" + READY + "\", \"prompt\": \"Once upon a time \"}")
                .post(COMPLETIONS).then().statusCode(200).extract().asString()).path("choices").path(0).path("text")
                .asText()).as("no second space").doesNotStartWith(" ");
        assertThat(body.path("choices").path(0).path("finish_reason").asText()).isIn("stop", "length");
        // No chat template: the BOS token and "Once upon a time" (4 words).
        assertThat(body.path("usage").path("prompt_tokens").asInt()).isEqualTo(5);
        assertThat(body.path("usage").path("completion_tokens").asInt()).isBetween(1, 12);
        assertThat(body.path("usage").path("total_tokens").asInt()).isEqualTo(
                body.path("usage").path("prompt_tokens").asInt() + body.path("usage").path("completion_tokens")
                        .asInt());
        assertThat(Integer.parseInt(r.header("fireworks-prompt-tokens"))).isEqualTo(5);
        assertThat(Long.parseLong(r.header("fireworks-server-time-to-first-token"))).isBetween(1L, 1000L);
    }

    @Test
    void eachPromptOfAListGetsNChoicesIndexedInOrderAndUsageCountsThemAll() {
        JsonNode single = complete(", \"seed\": 4, \"n\": 2, \"logprobs\": 0");
        JsonNode listed = json(as(KEY).body("{\"model\": \"" + READY + "\", \"prompt\": [\"Once upon a time\", "
                + "\"The weather today is\"], \"seed\": 4, \"n\": 2, \"logprobs\": 0}").post(COMPLETIONS).then()
                .statusCode(200).extract().asString());
        JsonNode choices = listed.path("choices");
        assertThat(choices).hasSize(4);
        for (int i = 0; i < 4; i++) {
            assertThat(choices.path(i).path("index").asInt()).isEqualTo(i);
        }
        // The first prompt's choices are those of the same prompt asked alone, with the same seed.
        assertThat(choices.path(0).path("text")).isEqualTo(single.path("choices").path(0).path("text"));
        assertThat(choices.path(1).path("text")).isEqualTo(single.path("choices").path(1).path("text"));
        assertThat(choices.path(0).path("text")).isNotEqualTo(choices.path(1).path("text"));
        assertThat(choices.path(2).path("text")).isNotEqualTo(choices.path(0).path("text"));

        // Each prompt once ("The weather today is": BOS + 5, "weather" being two tokens of six letters at most),
        // and every choice's tokens.
        assertThat(listed.path("usage").path("prompt_tokens").asInt()).isEqualTo(5 + 6);
        int tokens = 0;
        for (JsonNode choice : choices) {
            tokens += choice.path("logprobs").path("tokens").size();
        }
        assertThat(listed.path("usage").path("completion_tokens").asInt()).isEqualTo(tokens);
    }

    @Test
    void echoPutsThePromptBeforeTheReplyAndLogprobsCoverBoth() {
        JsonNode plain = complete(", \"seed\": 9");
        JsonNode echoed = complete(", \"seed\": 9, \"echo\": true, \"logprobs\": 2");
        String text = echoed.path("choices").path(0).path("text").asText();
        assertThat(text).isEqualTo("Once upon a time" + plain.path("choices").path(0).path("text").asText());
        assertThat(echoed.path("usage")).as("the echo is not generated").isEqualTo(plain.path("usage"));

        JsonNode logprobs = echoed.path("choices").path(0).path("logprobs");
        List<String> tokens = new ArrayList<>();
        logprobs.path("tokens").forEach(t -> tokens.add(t.asText()));
        assertThat(String.join("", tokens)).isEqualTo(text);
        assertThat(tokens.subList(0, 4)).containsExactly("Once", " upon", " a", " time");
        // Nothing comes before the prompt's first token: it has no log probability.
        assertThat(logprobs.path("token_logprobs").path(0).isNull()).isTrue();
        assertThat(logprobs.path("top_logprobs").path(0).isNull()).isTrue();
        int offset = 0;
        for (int i = 0; i < tokens.size(); i++) {
            assertThat(logprobs.path("text_offset").path(i).asInt()).isEqualTo(offset);
            offset += tokens.get(i).length();
            if (i > 0) {
                assertThat(logprobs.path("token_logprobs").path(i).asDouble()).isNegative();
                JsonNode top = logprobs.path("top_logprobs").path(i);
                assertThat(top.size()).isEqualTo(2);
                assertThat(top.has(tokens.get(i))).as("the sampled token is among the top ones").isTrue();
            }
        }
        assertThat(logprobs.path("tokens").size() - 4).isEqualTo(echoed.path("usage").path("completion_tokens")
                .asInt());
    }

    @Test
    void theTextEndsBeforeTheStopSequence() {
        String whole = complete(", \"seed\": 12").path("choices").path(0).path("text").asText();
        assertThat(whole).contains(".");
        JsonNode stopped = complete(", \"seed\": 12, \"stop\": [\".\", \"never-said\"]");
        assertThat(stopped.path("choices").path(0).path("text").asText())
                .isEqualTo(whole.substring(0, whole.indexOf('.')));
        assertThat(stopped.path("choices").path(0).path("finish_reason").asText()).isEqualTo("stop");
    }

    @Test
    void aStreamSendsTheSameTextAsTextCompletionChunksThenUsageThenDone() {
        JsonNode whole = complete(", \"seed\": 5, \"n\": 2, \"echo\": true, \"logprobs\": 1, \"stop\": \".\"");
        List<JsonNode> chunks = events(as(KEY).body(completion(READY,
                ", \"seed\": 5, \"n\": 2, \"echo\": true, \"logprobs\": 1, \"stop\": \".\", \"stream\": true"))
                .post(COMPLETIONS));
        assertThat(chunks).allMatch(c -> c.path("object").asText().equals("text_completion"));
        assertThat(chunks).allMatch(c -> c.path("id").asText().startsWith("cmpl-"));
        Map<Integer, String> texts = joined(chunks, c -> c.path("text").asText());
        Map<Integer, String> logprobTokens = joined(chunks, c -> {
            StringBuilder tokens = new StringBuilder();
            c.path("logprobs").path("tokens").forEach(t -> tokens.append(t.asText()));
            return tokens.toString();
        });
        Map<Integer, String> finishes = finishes(chunks);
        for (int i = 0; i < 2; i++) {
            JsonNode expected = whole.path("choices").path(i);
            assertThat(texts.get(i)).isEqualTo(expected.path("text").asText()).startsWith(
                    "Once upon a time");
            assertThat(logprobTokens.get(i)).isEqualTo(expected.path("text").asText());
            assertThat(finishes.get(i)).isEqualTo("stop");
        }
        JsonNode last = chunks.get(chunks.size() - 1);
        assertThat(last.path("choices").path(0).path("finish_reason").asText()).isEqualTo("stop");
        assertThat(last.path("usage")).isEqualTo(whole.path("usage"));
        assertThat(chunks.subList(0, chunks.size() - 1)).noneMatch(c -> c.has("usage"));
    }

    @Test
    void aJsonSchemaResponseFormatGivesTextValidAgainstIt() {
        String schema = "{\"type\": \"object\", \"properties\": {\"title\": {\"type\": \"string\"}, \"year\": "
                + "{\"type\": \"integer\", \"minimum\": 1900, \"maximum\": 2030}}, \"required\": [\"title\", \"year\"],"
                + " \"additionalProperties\": false}";
        JsonNode reply = complete(", \"response_format\": {\"type\": \"json_schema\", \"json_schema\": {\"name\": "
                + "\"book\", \"schema\": " + schema + "}}");
        assertThat(reply.path("choices").path(0).path("finish_reason").asText()).isEqualTo("stop");
        assertThat(JsonSchemas.violations(json(schema), json(reply.path("choices").path(0).path("text").asText())))
                .isEmpty();
    }

    @Test
    void maxTokensBeyondTheContextIsLoweredByDefaultAndRefusedOnRequest() {
        JsonNode lowered = complete(", \"max_tokens\": 500000, \"seed\": 1");
        assertThat(lowered.path("choices").path(0).path("finish_reason").asText()).isEqualTo("stop");
        assertThat(complete(", \"max_tokens\": 500000, \"seed\": 1, \"context_length_exceeded_behavior\": "
                + "\"truncate\"").path("choices")).isEqualTo(lowered.path("choices"));
        Response refused = as(KEY).body(completion(READY, ", \"max_tokens\": 500000, "
                + "\"context_length_exceeded_behavior\": \"error\"")).post(COMPLETIONS);
        assertError(refused, 400, "invalid_request_error", "context_length_exceeded");
        assertThat(refused.jsonPath().getString("error.param")).isEqualTo("max_tokens");

        String huge = "word ".repeat(140_000);
        Response tooLong = as(KEY).body("{\"model\": \"" + READY + "\", \"prompt\": [\"short\", \"" + huge + "\"]}")
                .post(COMPLETIONS);
        assertError(tooLong, 400, "invalid_request_error", "context_length_exceeded");
        assertThat(tooLong.jsonPath().getString("error.param")).isEqualTo("prompt[1]");
    }

    @Test
    void badRequestsNameTheParameter() {
        assertParam(as(KEY).body("{\"model\": \"" + READY + "\"}").post(COMPLETIONS), "prompt");
        assertParam(as(KEY).body("{\"model\": \"" + READY + "\", \"prompt\": []}").post(COMPLETIONS), "prompt");
        assertParam(as(KEY).body("{\"model\": \"" + READY + "\", \"prompt\": [1, 2, 3]}").post(COMPLETIONS),
                "prompt[0]");
        assertParam(as(KEY).body("{\"prompt\": \"hi\"}").post(COMPLETIONS), "model");
        assertParam(as(KEY).body(completion(READY, ", \"logprobs\": 6")).post(COMPLETIONS), "logprobs");
        assertParam(as(KEY).body(completion(READY, ", \"echo\": \"yes\"")).post(COMPLETIONS), "echo");
        assertParam(as(KEY).body(completion(READY, ", \"stop\": [\"a\", \"b\", \"c\", \"d\", \"e\"]"))
                .post(COMPLETIONS), "stop");
        assertParam(as(KEY).body(completion(READY, ", \"n\": 129")).post(COMPLETIONS), "n");
        assertParam(as(KEY).body(completion(READY, ", \"n\": 100, \"prompt\": [\"a\", \"b\"]").replace(
                "\"prompt\": \"Once upon a time\", ", "")).post(COMPLETIONS), "n");
        assertParam(as(KEY).body(completion(READY, ", \"top_k\": 101")).post(COMPLETIONS), "top_k");
        assertParam(as(KEY).body(completion(READY, ", \"suffix\": \"!\"")).post(COMPLETIONS), "suffix");
        assertParam(as(KEY).body(completion(READY, ", \"context_length_exceeded_behavior\": \"shrug\""))
                .post(COMPLETIONS), "context_length_exceeded_behavior");
        assertParam(as(KEY).contentType(ContentType.JSON).body("").post(COMPLETIONS), "body");
        assertError(given().contentType(ContentType.JSON).body(completion(READY, "")).post(COMPLETIONS), 401,
                "authentication_error", "invalid_api_key");
        assertError(as(KEY).body(completion("accounts/acme/deployments/nope", ", \"stream\": true"))
                .post(COMPLETIONS), 404, "invalid_request_error", "model_not_found");
        as(KEY).body(completion(STARTING, "")).post(COMPLETIONS).then().statusCode(503)
                .header("Retry-After", "10").body("error.code", equalTo("DEPLOYMENT_SCALING_UP"));
    }

    /** Usage is reported per request: the prompts once, every choice's completion tokens, streamed or not. */
    @Test
    void servedTokensOfEveryChoiceAreReportedForTheUsageLedger() {
        JsonNode whole = json(as(InferenceFixture.USAGE_KEY).body("{\"model\": \"" + READY + "\", \"prompt\": "
                + "[\"One\", \"Two two\"], \"n\": 3, \"max_tokens\": 6}").post(COMPLETIONS).then().statusCode(200)
                .extract().asString());
        List<JsonNode> chunks = events(as(InferenceFixture.USAGE_KEY).body(completion(READY,
                ", \"n\": 2, \"max_tokens\": 4, \"stream\": true")).post(COMPLETIONS));
        JsonNode streamed = chunks.get(chunks.size() - 1).path("usage");
        long prompt = whole.path("usage").path("prompt_tokens").asLong() + streamed.path("prompt_tokens").asLong();
        long completion = whole.path("usage").path("completion_tokens").asLong()
                + streamed.path("completion_tokens").asLong();
        assertThat(whole.path("usage").path("prompt_tokens").asInt()).isEqualTo(2 + 3);
        assertThat(whole.path("usage").path("completion_tokens").asInt()).isBetween(6, 36);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            var reports = kafka().all(EventTypes.USAGE_REPORTED, Duration.ofSeconds(2)).stream()
                    .map(e -> e.data()).filter(u -> u.apiKey().equals(InferenceFixture.USAGE_KEY_NAME)).toList();
            assertThat(reports.stream().mapToLong(u -> u.requests()).sum()).isEqualTo(2);
            assertThat(reports.stream().mapToLong(u -> u.promptTokens()).sum()).isEqualTo(prompt);
            assertThat(reports.stream().mapToLong(u -> u.completionTokens()).sum()).isEqualTo(completion);
        });
    }

    /** Each choice is a sequence in the replica's batch, and counts in the serving metrics as vLLM's n children do. */
    @Test
    void everyChoiceMovesTheServingMetrics() {
        String[] series = {"model", InferenceFixture.LLAMA_8B.name(), "deployment", READY};
        PrometheusText before = PrometheusText.parse(given().get("/q/metrics").asString());
        JsonNode reply = complete(", \"n\": 3, \"max_tokens\": 5, \"seed\": 2");
        PrometheusText after = PrometheusText.parse(given().get("/q/metrics").asString());
        assertThat(after.sum("ember_time_to_first_token_seconds_count", series)
                - before.sum("ember_time_to_first_token_seconds_count", series)).isEqualTo(3);
        assertThat(after.sum("ember_request_generation_tokens_sum", series)
                - before.sum("ember_request_generation_tokens_sum", series))
                .isEqualTo(reply.path("usage").path("completion_tokens").asDouble());
        assertThat(after.sum("ember_request_success_total", series)
                - before.sum("ember_request_success_total", series)).isEqualTo(3);
        assertThat(after.sum("http_server_requests_seconds_count", "uri", COMPLETIONS, "status", "200")
                - before.sum("http_server_requests_seconds_count", "uri", COMPLETIONS, "status", "200"))
                .isEqualTo(1);
    }
}
