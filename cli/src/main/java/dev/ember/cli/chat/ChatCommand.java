package dev.ember.cli.chat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.ember.cli.ApiClient;
import dev.ember.cli.ApiCommand;
import dev.ember.cli.ApiException;
import dev.ember.cli.Json;
import dev.ember.cli.Names;
import dev.ember.cli.Session;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ember chat MODEL}: a conversation with a deployment through the OpenAI-compatible endpoint, tokens printed as
 * they stream in (server-sent events). Each line of input is a turn; the whole conversation is sent every time, so
 * the model sees what was said. Works the same with piped input, one turn a line.
 */
@Command(name = "chat", description = {"Chats with a model, streaming its answer as it is generated.",
        "MODEL is a deployment ID, or any model the inference API takes (accounts/<a>/deployments/<d>,",
        "a LoRA addon's name, ...). Type a message and Enter; Ctrl-D or /exit ends. Piped input: one turn a line."})
public final class ChatCommand extends ApiCommand {

    @Parameters(paramLabel = "MODEL", description = "Deployment ID or model name.")
    String model;

    @Option(names = "--system", paramLabel = "TEXT", description = "A system message to start the conversation with.")
    String system;

    @Option(names = "--max-tokens", paramLabel = "N", description = "Most tokens per answer.")
    Integer maxTokens;

    @Option(names = "--temperature", paramLabel = "T", description = "Sampling temperature.")
    Double temperature;

    @Override
    protected int run(Session s) throws IOException {
        String modelName = model.contains("/") ? model : Names.of(s.account(), "deployments", model);
        ArrayNode messages = Json.object().arrayNode();
        if (system != null) {
            messages.addObject().put("role", "system").put("content", system);
        }
        PrintWriter out = s.out();
        boolean interactive = s.env().tty();
        if (interactive) {
            out.println("Chatting with " + modelName + ". Ctrl-D or /exit to end.");
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(s.env().stdin(), StandardCharsets.UTF_8));
        while (true) {
            if (interactive) {
                out.print("> ");
                out.flush();
            }
            String line = in.readLine();
            if (line == null || line.strip().equals("/exit")) {
                break;
            }
            if (line.isBlank()) {
                continue;
            }
            messages.addObject().put("role", "user").put("content", line);
            String answer = stream(s, modelName, messages, out);
            messages.addObject().put("role", "assistant").put("content", answer);
        }
        if (interactive) {
            out.println();
            out.flush();
        }
        return 0;
    }

    /** Sends the conversation with {@code stream: true}, prints each delta as it comes, returns the whole answer. */
    private String stream(Session s, String modelName, ArrayNode messages, PrintWriter out) {
        ObjectNode body = Json.object().put("model", modelName).put("stream", true);
        body.set("messages", messages);
        if (maxTokens != null) {
            body.put("max_tokens", maxTokens);
        }
        if (temperature != null) {
            body.put("temperature", temperature);
        }
        String url = s.inferenceBase().replaceAll("/+$", "") + "/chat/completions";
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofMinutes(10))
                .header("Authorization", "Bearer " + s.apiKey())
                .header("Content-Type", "application/json")
                .header("Accept", "text/event-stream")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
        HttpResponse<Stream<String>> response = s.api().exchange(request, HttpResponse.BodyHandlers.ofLines(), url);
        StringBuilder answer = new StringBuilder();
        try (Stream<String> lines = response.body()) {
            if (response.statusCode() != 200) {
                String text = String.join("\n", (Iterable<String>) lines::iterator);
                throw ApiException.from(response.statusCode(), ApiClient.parse(text), text);
            }
            Iterator<String> events = lines.iterator();
            while (events.hasNext()) {
                String event = events.next();
                if (!event.startsWith("data:")) {
                    continue;
                }
                String data = event.substring(5).strip();
                if (data.equals("[DONE]")) {
                    break;
                }
                JsonNode chunk = ApiClient.parse(data);
                if (chunk == null) {
                    continue;
                }
                if (chunk.has("error")) {
                    throw ApiException.from(500, chunk, data);
                }
                String delta = chunk.path("choices").path(0).path("delta").path("content").asText("");
                if (!delta.isEmpty()) {
                    answer.append(delta);
                    out.print(delta);
                    out.flush();
                }
            }
        }
        out.println();
        out.flush();
        return answer.toString();
    }
}
