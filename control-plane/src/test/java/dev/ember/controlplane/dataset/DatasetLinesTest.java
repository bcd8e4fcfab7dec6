package dev.ember.controlplane.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.ember.common.error.FieldViolation;
import dev.ember.controlplane.dataset.service.DatasetLines;

/** The JSONL rules one line at a time. */
class DatasetLinesTest {

    @Test
    void chatPromptAndBatchRequestLinesAreCountedAndUnansweredOnesAreNotTrainable() {
        DatasetLines chat = new DatasetLines("d.jsonl", DatasetLines.UNSPECIFIED);
        chat.line(1, "{\"messages\": [{\"role\": \"user\", \"content\": \"abcd\"}, "
                + "{\"role\": \"assistant\", \"content\": \"efgh\"}]}");
        chat.line(2, "   ");
        chat.line(3, "{\"messages\": [{\"role\": \"assistant\", \"content\": null, \"tool_calls\": []}]}");
        assertThat(chat.violations()).isEmpty();
        assertThat(chat.summary()).isEqualTo(new DatasetLines.Summary("CHAT", 2, 2, 1.0, true));

        DatasetLines batch = new DatasetLines("in.jsonl", DatasetLines.UNSPECIFIED);
        batch.line(1, "{\"custom_id\": \"r1\", \"body\": {\"messages\": [{\"role\": \"user\", \"content\": \"q\"}]}}");
        batch.line(2, "{\"messages\": [{\"role\": \"user\", \"content\": \"q\"}]}");
        assertThat(batch.violations()).isEmpty();
        assertThat(batch.summary().examples()).isEqualTo(2);
        assertThat(batch.summary().trainable()).isFalse();

        DatasetLines prompts = new DatasetLines("p.jsonl", DatasetLines.COMPLETION);
        prompts.line(1, "{\"prompt\": \"Once\", \"completion\": \" upon\"}");
        prompts.line(2, "{\"prompt\": \"Twice\", \"completion\": 7}");
        assertThat(prompts.violations()).extracting(FieldViolation::field).containsExactly("p.jsonl:2");
    }

    @Test
    void afterTenBadLinesTheRestAreCountedNotListed() {
        DatasetLines lines = new DatasetLines("d.jsonl", DatasetLines.UNSPECIFIED);
        for (int i = 1; i <= 15; i++) {
            lines.line(i, "[1, 2]");
        }
        assertThat(lines.violations()).hasSize(11);
        assertThat(lines.violations().get(0).description()).isEqualTo("line 1 must be a JSON object, one example per "
                + "line");
        assertThat(lines.violations().get(10).description()).isEqualTo("5 more bad line(s) not listed");
    }
}
