package dev.ember.dataplane.openai;

import static dev.ember.dataplane.openai.InferenceFixture.CHAT;
import static dev.ember.dataplane.openai.InferenceFixture.KEY;
import static dev.ember.dataplane.openai.InferenceFixture.READY;
import static dev.ember.dataplane.openai.InferenceFixture.as;
import static dev.ember.dataplane.openai.InferenceFixture.assertError;
import static dev.ember.dataplane.openai.InferenceFixture.assertParam;
import static dev.ember.dataplane.openai.InferenceFixture.chat;
import static dev.ember.dataplane.openai.InferenceFixture.events;
import static dev.ember.dataplane.openai.InferenceFixture.finishes;
import static dev.ember.dataplane.openai.InferenceFixture.joined;
import static dev.ember.dataplane.openai.InferenceFixture.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dev.ember.dataplane.engine.JsonSchemas;
import dev.ember.testsupport.EmberInfraResource;

/** The OpenAI and Fireworks request parameters of {@code /chat/completions}, plain and streamed. */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
class ChatParametersTest {

    static final String WEATHER = "{\"type\": \"function\", \"function\": {\"name\": \"get_weather\", \"description\": "
            + "\"The weather in a city\", \"parameters\": {\"type\": \"object\", \"properties\": {\"city\": {\"type\": "
            + "\"string\"}, \"unit\": {\"type\": \"string\", \"enum\": [\"celsius\", \"fahrenheit\"]}, \"days\": "
            + "{\"type\": \"integer\", \"minimum\": 1, \"maximum\": 7}}, \"required\": [\"city\", \"unit\"], "
            + "\"additionalProperties\": false}}}";
    static final String CLOCK = "{\"type\": \"function\", \"function\": {\"name\": \"get_time\", \"parameters\": "
            + "{\"type\": \"object\", \"properties\": {}}}}";
    static final String PERSON = "{\"type\": \"object\", \"properties\": {\"name\": {\"type\": \"string\", "
            + "\"minLength\": 2}, \"age\": {\"type\": \"integer\", \"minimum\": 0, \"maximum\": 120}, \"email\": "
            + "{\"type\": \"string\", \"format\": \"email\"}, \"tags\": {\"type\": \"array\", \"items\": {\"enum\": "
            + "[\"a\", \"b\"]}, \"maxItems\": 2}}, \"required\": [\"name\", \"age\", \"email\", \"tags\"], "
            + "\"additionalProperties\": false}";

    @BeforeEach
    void publishTheWorld() {
        InferenceFixture.publish();
    }

    static JsonNode ask(String extra) {
        return json(as(KEY).body(chat(READY, extra)).post(CHAT).then().log().ifValidationFails().statusCode(200)
                .extract().asString());
    }

    static String content(JsonNode completion, int choice) {
        return completion.path("choices").path(choice).path("message").path("content").asText();
    }

    @Test
    void nGivesNChoicesEachItsOwnTextAndUsageCountsThemAll() {
        JsonNode one = ask(", \"seed\": 17");
        JsonNode three = ask(", \"seed\": 17, \"n\": 3, \"logprobs\": true");
        JsonNode choices = three.path("choices");
        assertThat(choices).hasSize(3);
        Set<String> texts = new HashSet<>();
        int tokens = 0;
        for (int i = 0; i < 3; i++) {
            assertThat(choices.path(i).path("index").asInt()).isEqualTo(i);
            texts.add(content(three, i));
            tokens += choices.path(i).path("logprobs").path("content").size();
        }
        assertThat(texts).hasSize(3);
        assertThat(content(three, 0)).as("choice 0 is the n = 1 reply").isEqualTo(content(one, 0));
        assertThat(three.path("usage").path("prompt_tokens")).isEqualTo(one.path("usage").path("prompt_tokens"));
        assertThat(three.path("usage").path("completion_tokens").asInt()).isEqualTo(tokens);
    }

    @Test
    void aStreamWithSeveralChoicesInterleavesThemByIndex() {
        JsonNode whole = ask(", \"seed\": 23, \"n\": 2, \"max_tokens\": 30");
        List<JsonNode> chunks = events(as(KEY).body(chat(READY, ", \"seed\": 23, \"n\": 2, \"max_tokens\": 30, "
                + "\"stream\": true")).post(CHAT));
        Map<Integer, String> texts = joined(chunks, c -> c.path("delta").path("content").asText(""));
        Map<Integer, String> roles = joined(chunks, c -> c.path("delta").path("role").asText(""));
        Map<Integer, String> finishes = finishes(chunks);
        assertThat(roles).containsEntry(0, "assistant").containsEntry(1, "assistant");
        for (int i = 0; i < 2; i++) {
            assertThat(texts.get(i)).isEqualTo(content(whole, i));
            assertThat(finishes.get(i)).isEqualTo(whole.path("choices").path(i).path("finish_reason").asText());
        }
        assertThat(chunks.get(chunks.size() - 1).path("usage")).isEqualTo(whole.path("usage"));
    }

    @Test
    void theReplyEndsBeforeTheFirstStopSequencePlainAndStreamed() {
        String whole = content(ask(", \"seed\": 31"), 0);
        assertThat(whole).contains(".");
        JsonNode stopped = ask(", \"seed\": 31, \"stop\": \".\"");
        assertThat(content(stopped, 0)).isEqualTo(whole.substring(0, whole.indexOf('.')));
        assertThat(stopped.path("choices").path(0).path("finish_reason").asText()).isEqualTo("stop");

        List<JsonNode> chunks = events(as(KEY).body(chat(READY, ", \"seed\": 31, \"stop\": [\".\"], "
                + "\"stream\": true")).post(CHAT));
        StringBuilder text = new StringBuilder();
        chunks.forEach(c -> text.append(c.path("choices").path(0).path("delta").path("content").asText("")));
        assertThat(text.toString()).isEqualTo(content(stopped, 0));
        assertThat(chunks.get(chunks.size() - 1).path("usage")).isEqualTo(stopped.path("usage"));
    }

    @Test
    void greedySamplingRepeatsItselfWithoutASeedAndSeedsChangeTheText() {
        assertThat(content(ask(", \"temperature\": 0"), 0)).isEqualTo(content(ask(", \"temperature\": 0"), 0));
        assertThat(content(ask(", \"top_k\": 1, \"n\": 2"), 0)).isEqualTo(content(ask(", \"top_k\": 1, \"n\": 2"),
                1));
        assertThat(content(ask(", \"seed\": 1"), 0)).isNotEqualTo(content(ask(", \"seed\": 2"), 0));
        ask(", \"temperature\": 2, \"top_p\": 0.5, \"top_k\": 40, \"frequency_penalty\": -1.5, "
                + "\"presence_penalty\": 2, \"user\": \"end-user-7\"");
    }

    @Test
    void logprobsComeInTheOpenAiChatShapePlainAndStreamed() {
        JsonNode reply = ask(", \"seed\": 41, \"logprobs\": true, \"top_logprobs\": 2");
        JsonNode content = reply.path("choices").path(0).path("logprobs").path("content");
        StringBuilder joined = new StringBuilder();
        for (JsonNode entry : content) {
            String token = entry.path("token").asText();
            joined.append(token);
            assertThat(entry.path("logprob").asDouble()).isBetween(Math.log(0.35), 0.0);
            List<Integer> bytes = new ArrayList<>();
            entry.path("bytes").forEach(b -> bytes.add(b.asInt()));
            List<Integer> utf8 = new ArrayList<>();
            for (byte b : token.getBytes(StandardCharsets.UTF_8)) {
                utf8.add(b & 0xff);
            }
            assertThat(bytes).isEqualTo(utf8);
            assertThat(entry.path("top_logprobs")).hasSize(2);
            assertThat(entry.path("top_logprobs").path(0).path("token").asText()).isEqualTo(token);
            assertThat(entry.path("top_logprobs").path(1).path("logprob").asDouble())
                    .isLessThan(entry.path("logprob").asDouble());
        }
        assertThat(joined.toString()).isEqualTo(content(reply, 0));
        assertThat(content.size()).isEqualTo(reply.path("usage").path("completion_tokens").asInt());
        assertThat(ask(", \"seed\": 41").path("choices").path(0).path("logprobs").isNull()).isTrue();

        List<JsonNode> chunks = events(as(KEY).body(chat(READY, ", \"seed\": 41, \"logprobs\": true, "
                + "\"top_logprobs\": 2, \"stream\": true")).post(CHAT));
        List<JsonNode> streamed = new ArrayList<>();
        for (JsonNode chunk : chunks) {
            JsonNode choice = chunk.path("choices").path(0);
            if (choice.path("delta").has("content") && !choice.path("delta").path("content").asText().isEmpty()) {
                assertThat(choice.path("logprobs").path("content").path(0).path("token").asText())
                        .isEqualTo(choice.path("delta").path("content").asText());
                streamed.add(choice.path("logprobs").path("content").path(0));
            }
        }
        assertThat(streamed).containsExactlyElementsOf(content);
    }

    @Test
    void withToolsTheModelCallsOneWithArgumentsValidAgainstItsParameters() {
        JsonNode parameters = json(WEATHER).path("function").path("parameters");
        for (int seed = 0; seed < 5; seed++) {
            JsonNode reply = ask(", \"seed\": " + seed + ", \"tools\": [" + WEATHER + "]");
            JsonNode choice = reply.path("choices").path(0);
            assertThat(choice.path("finish_reason").asText()).isEqualTo("tool_calls");
            assertThat(choice.path("message").path("role").asText()).isEqualTo("assistant");
            assertThat(choice.path("message").path("content").isNull()).as("content is null").isTrue();
            JsonNode call = choice.path("message").path("tool_calls").path(0);
            assertThat(call.path("id").asText()).startsWith("call_");
            assertThat(call.path("type").asText()).isEqualTo("function");
            assertThat(call.path("function").path("name").asText()).isEqualTo("get_weather");
            assertThat(call.path("function").path("arguments").isTextual()).as("arguments are a JSON string")
                    .isTrue();
            JsonNode arguments = json(call.path("function").path("arguments").asText());
            assertThat(JsonSchemas.violations(parameters, arguments)).as("%s", arguments).isEmpty();
        }
    }

    @Test
    void toolChoiceDecidesWhetherAndWhichFunctionIsCalled() {
        String tools = ", \"tools\": [" + WEATHER + ", " + CLOCK + "]";
        Set<String> called = new HashSet<>();
        for (int seed = 0; seed < 12; seed++) {
            called.add(ask(", \"seed\": " + seed + tools + ", \"tool_choice\": \"required\"").path("choices")
                    .path(0).path("message").path("tool_calls").path(0).path("function").path("name").asText());
        }
        assertThat(called).containsExactlyInAnyOrder("get_weather", "get_time");

        JsonNode forced = ask(tools + ", \"tool_choice\": {\"type\": \"function\", \"function\": {\"name\": "
                + "\"get_time\"}}");
        JsonNode call = forced.path("choices").path(0).path("message").path("tool_calls").path(0);
        assertThat(call.path("function").path("name").asText()).isEqualTo("get_time");
        assertThat(call.path("function").path("arguments").asText()).isEqualTo("{}");
        assertThat(ask(tools + ", \"tool_choice\": {\"type\": \"function\", \"name\": \"get_time\"}")
                .path("choices").path(0).path("message").path("tool_calls").path(0).path("function").path("name")
                .asText()).as("Fireworks' short form").isEqualTo("get_time");

        JsonNode none = ask(tools + ", \"tool_choice\": \"none\"");
        assertThat(none.path("choices").path(0).path("finish_reason").asText()).isIn("stop", "length");
        assertThat(content(none, 0)).isNotBlank();
        assertThat(none.path("choices").path(0).path("message").has("tool_calls")).isFalse();
    }

    /** The follow-up of a call: the assistant's call and the tool's result go back, and auto answers in text. */
    @Test
    void aToolResultIsAnsweredInTextSoAnAgentLoopEnds() {
        JsonNode reply = ask(", \"seed\": 3, \"tools\": [" + WEATHER + "]");
        JsonNode message = reply.path("choices").path(0).path("message");
        String id = message.path("tool_calls").path(0).path("id").asText();
        String body = "{\"model\": \"" + READY + "\", \"tools\": [" + WEATHER + "], \"messages\": ["
                + "{\"role\": \"user\", \"content\": \"Weather in Paris?\"}, " + message + ", "
                + "{\"role\": \"tool\", \"tool_call_id\": \"" + id + "\", \"content\": \"18 degrees, sunny\"}]}";
        JsonNode answer = json(as(KEY).body(body).post(CHAT).then().log().ifValidationFails().statusCode(200)
                .extract().asString());
        assertThat(answer.path("choices").path(0).path("finish_reason").asText()).isIn("stop", "length");
        assertThat(content(answer, 0)).isNotBlank();
        assertThat(answer.path("usage").path("prompt_tokens").asInt())
                .as("the call and the tool definitions are part of the prompt")
                .isGreaterThan(reply.path("usage").path("prompt_tokens").asInt());
    }

    /** What the OpenAI SDK's tool runner sends back: the message it received, with its own parsed fields added. */
    @Test
    void theMessageTheOpenAiSdkSendsBackWithItsParsedFieldsIsAccepted() {
        String body = "{\"model\": \"" + READY + "\", \"tools\": [" + WEATHER + "], \"messages\": ["
                + "{\"role\": \"user\", \"content\": \"Weather in Paris?\"}, "
                + "{\"role\": \"assistant\", \"content\": null, \"refusal\": null, \"parsed\": null, \"tool_calls\": "
                + "[{\"id\": \"call_1\", \"type\": \"function\", \"function\": {\"name\": \"get_weather\", "
                + "\"arguments\": \"{}\", \"parsed_arguments\": null}}]}, "
                + "{\"role\": \"tool\", \"tool_call_id\": \"call_1\", \"content\": \"sunny\"}]}";
        as(KEY).body(body).post(CHAT).then().log().ifValidationFails().statusCode(200);
        assertParam(as(KEY).body(body.replace("\"parsed\": null", "\"parsd\": null")).post(CHAT),
                "messages[1].parsd");
    }

    @Test
    void aStreamedToolCallComesAsOpenAiToolCallDeltas() {
        JsonNode whole = ask(", \"seed\": 8, \"tools\": [" + WEATHER + "]");
        JsonNode call = whole.path("choices").path(0).path("message").path("tool_calls").path(0);
        List<JsonNode> chunks = events(as(KEY).body(chat(READY, ", \"seed\": 8, \"stream\": true, \"tools\": ["
                + WEATHER + "]")).post(CHAT));
        assertThat(chunks.get(0).path("choices").path(0).path("delta").path("role").asText()).isEqualTo("assistant");
        List<JsonNode> deltas = new ArrayList<>();
        for (JsonNode chunk : chunks) {
            JsonNode delta = chunk.path("choices").path(0).path("delta");
            assertThat(delta.has("content")).isFalse();
            if (delta.has("tool_calls")) {
                deltas.add(delta.path("tool_calls").path(0));
            }
        }
        assertThat(deltas.get(0).path("index").asInt()).isZero();
        assertThat(deltas.get(0).path("id").asText()).isEqualTo(call.path("id").asText());
        assertThat(deltas.get(0).path("type").asText()).isEqualTo("function");
        assertThat(deltas.get(0).path("function").path("name").asText()).isEqualTo("get_weather");
        StringBuilder arguments = new StringBuilder();
        for (JsonNode delta : deltas) {
            arguments.append(delta.path("function").path("arguments").asText());
        }
        for (JsonNode delta : deltas.subList(1, deltas.size())) {
            assertThat(delta.has("id")).isFalse();
            assertThat(delta.path("function").has("name")).isFalse();
        }
        assertThat(arguments.toString()).isEqualTo(call.path("function").path("arguments").asText());
        JsonNode last = chunks.get(chunks.size() - 1);
        assertThat(last.path("choices").path(0).path("finish_reason").asText()).isEqualTo("tool_calls");
        assertThat(last.path("usage").path("completion_tokens").asInt()).isEqualTo(deltas.size());
    }

    @Test
    void jsonModeAndJsonSchemaShapeTheContentPlainAndStreamed() {
        JsonNode object = json(content(ask(", \"seed\": 2, \"response_format\": {\"type\": \"json_object\"}"), 0));
        assertThat(object.isObject()).isTrue();
        assertThat(object.size()).isPositive();

        String format = ", \"response_format\": {\"type\": \"json_schema\", \"json_schema\": {\"name\": \"person\", "
                + "\"strict\": true, \"schema\": " + PERSON + "}}";
        for (int seed = 0; seed < 5; seed++) {
            JsonNode reply = ask(", \"seed\": " + seed + format);
            assertThat(reply.path("choices").path(0).path("finish_reason").asText()).isEqualTo("stop");
            assertThat(JsonSchemas.violations(json(PERSON), json(content(reply, 0)))).isEmpty();
        }
        List<JsonNode> chunks = events(as(KEY).body(chat(READY, ", \"seed\": 4, \"stream\": true" + format))
                .post(CHAT));
        StringBuilder text = new StringBuilder();
        chunks.forEach(c -> text.append(c.path("choices").path(0).path("delta").path("content").asText("")));
        assertThat(JsonSchemas.violations(json(PERSON), json(text.toString()))).isEmpty();
        assertThat(text.toString()).isEqualTo(content(ask(", \"seed\": 4" + format), 0));

        JsonNode cut = ask(", \"max_tokens\": 3" + format);
        assertThat(cut.path("choices").path(0).path("finish_reason").asText()).isEqualTo("length");
        assertThat(content(cut, 0)).startsWith("{");
    }

    @Test
    void contextLengthExceededBehaviorAndPromptTruncateLen() {
        ask(", \"max_tokens\": 200000");
        ask(", \"max_tokens\": 200000, \"context_length_exceeded_behavior\": \"truncate\"");
        Response refused = as(KEY).body(chat(READY, ", \"max_completion_tokens\": 200000, "
                + "\"context_length_exceeded_behavior\": \"error\"")).post(CHAT);
        assertError(refused, 400, "invalid_request_error", "context_length_exceeded");
        assertThat(refused.jsonPath().getString("error.param")).isEqualTo("max_completion_tokens");
        ask(", \"max_tokens\": 100, \"context_length_exceeded_behavior\": \"error\"");

        String huge = "word ".repeat(140_000);
        Response tooLong = as(KEY).body("{\"model\": \"" + READY + "\", \"messages\": [{\"role\": \"user\", "
                + "\"content\": \"" + huge + "\"}]}").post(CHAT);
        assertError(tooLong, 400, "invalid_request_error", "context_length_exceeded");
        assertThat(tooLong.jsonPath().getString("error.param")).isEqualTo("messages");

        String history = "{\"model\": \"" + READY + "\", %s\"messages\": [{\"role\": \"system\", \"content\": "
                + "\"Be brief.\"}, {\"role\": \"user\", \"content\": \"" + "old ".repeat(100) + "\"}, {\"role\": "
                + "\"assistant\", \"content\": \"" + "reply ".repeat(100) + "\"}, {\"role\": \"user\", \"content\": "
                + "\"Say hello\"}]}";
        int full = as(KEY).body(history.formatted("")).post(CHAT).then().statusCode(200).extract()
                .path("usage.prompt_tokens");
        int truncated = as(KEY).body(history.formatted("\"prompt_truncate_len\": 50, ")).post(CHAT).then()
                .statusCode(200).extract().path("usage.prompt_tokens");
        // Primer 3, then each message's tokens and 4 of template: "Be brief." 3, 100 words twice, "Say hello" 2.
        assertThat(full).isEqualTo(3 + 7 + 104 + 104 + 6);
        // The two long messages go; the system message and the last one stay.
        assertThat(truncated).isEqualTo(3 + 7 + 6);
    }

    @Test
    void everyBadValueIsRefusedNamingItsParameter() {
        String[][] cases = {
                {", \"n\": 0", "n"},
                {", \"n\": 129", "n"},
                {", \"top_p\": 1.5", "top_p"},
                {", \"top_k\": -1", "top_k"},
                {", \"frequency_penalty\": 2.5", "frequency_penalty"},
                {", \"presence_penalty\": -3", "presence_penalty"},
                {", \"seed\": \"abc\"", "seed"},
                {", \"stop\": \"\"", "stop"},
                {", \"stop\": [\"a\", \"b\", \"c\", \"d\", \"e\"]", "stop"},
                {", \"stop\": 7", "stop"},
                {", \"logprobs\": \"yes\"", "logprobs"},
                {", \"top_logprobs\": 2", "top_logprobs"},
                {", \"logprobs\": true, \"top_logprobs\": 6", "top_logprobs"},
                {", \"max_tokens\": 5, \"max_completion_tokens\": 5", "max_completion_tokens"},
                {", \"response_format\": {\"type\": \"xml\"}", "response_format.type"},
                {", \"response_format\": {\"type\": \"grammar\", \"grammar\": \"root ::= x\"}",
                        "response_format.type"},
                {", \"response_format\": {\"type\": \"json_schema\"}", "response_format.json_schema"},
                {", \"response_format\": {\"type\": \"json_schema\", \"json_schema\": {\"name\": \"x\", \"schema\": "
                        + "{\"type\": \"string\", \"pattern\": \"^a$\"}}}", "response_format.json_schema.schema"},
                {", \"response_format\": {\"type\": \"json_schema\", \"json_schema\": {\"name\": \"x\", \"schema\": "
                        + "{\"type\": \"integer\", \"minimum\": 3, \"maximum\": 1}}}",
                        "response_format.json_schema.schema"},
                {", \"tools\": [{\"type\": \"retrieval\"}]", "tools[0].type"},
                {", \"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"no spaces\"}}]",
                        "tools[0].function.name"},
                {", \"tools\": [" + CLOCK + ", " + CLOCK + "]", "tools[1].function.name"},
                {", \"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"f\", \"parameters\": {\"type\": "
                        + "\"string\"}}}]", "tools[0].function.parameters"},
                {", \"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"f\", \"parameters\": {\"type\": "
                        + "\"object\", \"allOf\": []}}}]", "tools[0].function.parameters"},
                {", \"tools\": [" + CLOCK + "], \"tool_choice\": \"sometimes\"", "tool_choice"},
                {", \"tool_choice\": \"required\"", "tool_choice"},
                {", \"tools\": [" + CLOCK + "], \"tool_choice\": {\"type\": \"function\", \"function\": {\"name\": "
                        + "\"get_weather\"}}", "tool_choice.function.name"},
                {", \"context_length_exceeded_behavior\": \"panic\"", "context_length_exceeded_behavior"},
                {", \"prompt_truncate_len\": 0", "prompt_truncate_len"},
        };
        for (String[] c : cases) {
            assertParam(as(KEY).body(chat(READY, c[0])).post(CHAT), c[1]);
        }
        assertParam(as(KEY).body("{\"model\": \"" + READY + "\", \"messages\": [{\"role\": \"user\", \"content\": "
                + "\"hi\", \"tool_calls\": []}]}").post(CHAT), "messages[0].tool_calls");
    }
}
