package dev.ember.dataplane.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.ember.dataplane.engine.JsonSchemas;
import dev.ember.dataplane.engine.Logprobs;
import dev.ember.dataplane.engine.TextGenerator;

/** How one choice's reply is drawn: stop sequences, JSON output, tool calls and log probabilities. */
class ReplyTest {

    static Sampling sampling(List<String> stops, int topLogprobs) {
        return new Sampling(null, "max_tokens", true, 1, stops, topLogprobs, null, null, false);
    }

    @Test
    void theTextEndsBeforeTheFirstStopSequenceWhichItDoesNotContain() {
        String full = TextGenerator.generate(5, 100).text();
        int period = full.indexOf('.');
        Reply reply = Reply.content(sampling(List.of("."), -1), 5, 100);
        assertThat(reply.text()).isEqualTo(full.substring(0, period)).doesNotContain(".");
        assertThat(reply.finishReason()).isEqualTo("stop");
        // Generated up to and including the token that completed the stop sequence: the period.
        assertThat(reply.tokens()).hasSize(TextGenerator.generate(5, 100).tokens().indexOf(".") + 1);
        assertThat(reply.tokens().get(reply.tokens().size() - 1)).isEmpty();
    }

    @Test
    void theStopSequenceCompletedFirstWinsAndCanEndInsideAToken() {
        String full = TextGenerator.generate(8, 100).text();
        // The second word's first two letters: the stop ends inside a token, and the text ends where it starts.
        int second = full.indexOf(' ') + 1;
        String stop = full.substring(second, second + 2);
        Reply reply = Reply.content(sampling(List.of("never-there", full.substring(second), stop), -1), 8, 100);
        assertThat(reply.text()).isEqualTo(full.substring(0, full.indexOf(stop)));
        assertThat(reply.finishReason()).isEqualTo("stop");
    }

    @Test
    void aStopSequenceThatNeverComesChangesNothing() {
        Reply plain = Reply.content(sampling(List.of(), -1), 11, 7);
        Reply stopped = Reply.content(sampling(List.of("zebra"), -1), 11, 7);
        assertThat(stopped).isEqualTo(plain);
        assertThat(plain.finishReason()).isEqualTo("length");
        assertThat(plain.tokens()).hasSize(7);
    }

    @Test
    void logprobsFollowTheShownTokensAndTheSampledTokenIsTheMostLikely() {
        Reply reply = Reply.content(sampling(List.of(), 3), 21, 40);
        assertThat(reply.logprobs()).hasSameSizeAs(reply.tokens());
        for (int i = 0; i < reply.tokens().size(); i++) {
            Logprobs.Position position = reply.logprobs().get(i);
            assertThat(position.token()).isEqualTo(reply.tokens().get(i));
            assertThat(position.logprob()).isBetween(Math.log(0.35), 0.0);
            assertThat(position.top()).hasSize(3);
            assertThat(position.top().get(0).token()).isEqualTo(position.token());
            assertThat(position.top()).extracting(Logprobs.Candidate::token).doesNotHaveDuplicates();
            assertThat(position.top()).extracting(Logprobs.Candidate::logprob).isSortedAccordingTo((a, b) -> Double
                    .compare(b, a));
            assertThat(position.top().stream().mapToDouble(c -> Math.exp(c.logprob())).sum()).isLessThanOrEqualTo(1);
        }
        assertThat(Reply.content(sampling(List.of(), 3), 21, 40)).as("the same seed").isEqualTo(reply);
        assertThat(Reply.content(sampling(List.of(), -1), 21, 40).text()).as("logprobs change nothing else")
                .isEqualTo(reply.text());
    }

    @Test
    void aJsonFormatWritesAValueValidAgainstItsSchemaOrCutsItAtMaxTokens() throws Exception {
        var schema = new ObjectMapper().readTree("{\"type\": \"object\", \"properties\": {\"name\": {\"type\": "
                + "\"string\"}, \"age\": {\"type\": \"integer\", \"minimum\": 0}}, \"required\": [\"name\", \"age\"]}");
        Sampling json = new Sampling(null, "max_tokens", true, 1, List.of(), -1, schema, "response_format", false);
        Reply whole = Reply.content(json, 4, 500);
        assertThat(whole.finishReason()).isEqualTo("stop");
        assertThat(JsonSchemas.violations(schema, new ObjectMapper().readTree(whole.text()))).isEmpty();

        Reply cut = Reply.content(json, 4, 3);
        assertThat(cut.finishReason()).isEqualTo("length");
        assertThat(cut.tokens()).hasSize(3);
        assertThat(whole.text()).startsWith(cut.text());
    }

    @Test
    void aToolCallsArgumentsAreValidAgainstTheFunctionsParameters() throws Exception {
        var parameters = new ObjectMapper().readTree("{\"type\": \"object\", \"properties\": {\"city\": {\"type\": "
                + "\"string\"}}, \"required\": [\"city\"], \"additionalProperties\": false}");
        Reply call = Reply.toolCall("get_weather", parameters, "tools[0].function.parameters", 6, 500);
        assertThat(call.finishReason()).isEqualTo("tool_calls");
        assertThat(call.toolCall().name()).isEqualTo("get_weather");
        assertThat(call.toolCall().id()).matches("call_[0-9a-f]{24}");
        assertThat(JsonSchemas.violations(parameters, new ObjectMapper().readTree(call.text()))).isEmpty();
        assertThat(Reply.toolCall("ping", null, "p", 6, 500).text()).isEqualTo("{}");
    }
}
