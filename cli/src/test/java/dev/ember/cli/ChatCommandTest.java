package dev.ember.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;

/**
 * {@code ember chat} alone, against a stand-in for the inference endpoint that streams server-sent events and keeps
 * the requests it got (the real data plane is in CliIT): the conversation goes back with every turn.
 */
class ChatCommandTest {

    @TempDir
    Path home;

    private HttpServer server;
    private final List<JsonNode> requests = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/inference/v1/chat/completions", exchange -> {
            JsonNode request = ApiClient.parse(new String(exchange.getRequestBody().readAllBytes(),
                    StandardCharsets.UTF_8));
            requests.add(request);
            String model = request.path("model").asText();
            if (model.endsWith("/missing")) {
                byte[] body = "{\"error\":{\"object\":\"error\",\"type\":\"invalid_request_error\",\"code\":\"NOT_FOUND\",\"message\":\"Model not found\"}}"
                        .getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(404, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
                return;
            }
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                int turn = requests.size();
                for (String token : List.of("Answer", " number", " " + turn)) {
                    out.write(("data: {\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":"
                            + "{\"content\":\"" + token + "\"}}]}\n\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
                out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
            }
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private CliEnvironment environment(String input) {
        String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/inference/v1";
        return Cli.withInput(Cli.environment(home, Map.of("EMBER_ACCOUNT_ID", "acme", "EMBER_API_KEY", "em_test",
                "EMBER_INFERENCE_BASE", base)), input);
    }

    @Test
    void eachLineIsATurnAndTheWholeConversationIsSentEachTime() {
        Cli.Result result = Cli.run(environment("Hello\n\nAnd then?\n"), "chat", "web", "--system", "Be brief",
                "--max-tokens", "8");

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).isEqualTo("Answer number 1\nAnswer number 2\n");
        assertThat(requests).hasSize(2);
        JsonNode second = requests.get(1);
        assertThat(second.path("model").asText()).isEqualTo("accounts/acme/deployments/web");
        assertThat(second.path("stream").asBoolean()).isTrue();
        assertThat(second.path("max_tokens").asInt()).isEqualTo(8);
        assertThat(second.path("messages")).isEqualTo(ApiClient.parse("""
                [{"role": "system", "content": "Be brief"},
                 {"role": "user", "content": "Hello"},
                 {"role": "assistant", "content": "Answer number 1"},
                 {"role": "user", "content": "And then?"}]"""));
    }

    @Test
    void onATerminalItPromptsAndExitEnds() {
        Cli.Result result = Cli.run(environment("Hi\n/exit\nnever sent\n").withTty(true), "chat",
                "accounts/acme/models/my-lora");

        assertThat(result.out()).isEqualTo("Chatting with accounts/acme/models/my-lora. Ctrl-D or /exit to end.\n"
                + "> Answer number 1\n> \n");
        assertThat(requests).hasSize(1);
    }

    @Test
    void anErrorOfTheInferenceApiIsShownWithItsExitCode() {
        Cli.Result result = Cli.run(environment("Hi\n"), "chat", "missing");

        assertThat(result.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(result.err()).isEqualTo("ember: invalid_request_error (NOT_FOUND): Model not found\n");
    }
}
