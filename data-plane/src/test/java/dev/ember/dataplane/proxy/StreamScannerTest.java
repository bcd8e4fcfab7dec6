package dev.ember.dataplane.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.vertx.core.buffer.Buffer;

/** The scanner reads an upstream's events wherever the network splits them. */
class StreamScannerTest {

    static final String STREAM = "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"},"
            + "\"finish_reason\":null}]}\n\n"
            + "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"héllo\"},\"finish_reason\":null}]}\n\n"
            + "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"length\"}]}\n\n"
            + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":1,\"total_tokens\":8}}\n\n"
            + "data: [DONE]\n\n";

    @Test
    void eventsSplitAnywhereAreCountedOnceWithTheirUsageAndFinishReason() {
        byte[] bytes = STREAM.getBytes(StandardCharsets.UTF_8);
        for (int size = 1; size <= bytes.length; size++) {
            StreamScanner scanner = new StreamScanner(new ObjectMapper());
            int completed = 0;
            for (int at = 0; at < bytes.length; at += size) {
                completed += scanner.feed(Buffer.buffer(java.util.Arrays.copyOfRange(bytes, at,
                        Math.min(bytes.length, at + size))));
            }
            assertThat(completed).as("pieces of %d bytes", size).isEqualTo(4);
            assertThat(scanner.chunks()).isEqualTo(4);
            assertThat(scanner.promptTokens()).isEqualTo(7);
            assertThat(scanner.completionTokens()).isEqualTo(1);
            assertThat(scanner.finishReason()).isEqualTo("length");
            assertThat(scanner.done()).isTrue();
        }
    }

    @Test
    void crlfLineEndingsAndAStreamWithoutUsageAreRead() {
        StreamScanner scanner = new StreamScanner(new ObjectMapper());
        scanner.feed(Buffer.buffer("data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\r\n\r\n"
                + "data: {\"choices\":[{\"delta\":{\"content\":\"b\"}}]}\r\n\r\ndata: [DO"));
        assertThat(scanner.chunks()).isEqualTo(2);
        assertThat(scanner.done()).isFalse();
        scanner.feed(Buffer.buffer("NE]\r\n\r\n"));
        assertThat(scanner.done()).isTrue();
        assertThat(scanner.promptTokens()).isEqualTo(-1);
        assertThat(scanner.completionTokens()).isEqualTo(-1);
    }
}
