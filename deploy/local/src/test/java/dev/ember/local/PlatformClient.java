package dev.ember.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;

import dev.ember.testsupport.EmbeddedPostgresServer;

/** What the end-to-end tests do to a running platform: REST calls with its API key, and reads of its database. */
final class PlatformClient {

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final LocalPlatform.Running platform;

    PlatformClient(LocalPlatform.Running platform) {
        this.platform = platform;
    }

    record Response(int status, String text, JsonNode body) {

        String describe() {
            return "HTTP " + status + ": " + text;
        }
    }

    Response get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + platform.apiKey())
                .GET());
    }

    Response post(String url, String body) {
        return send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + platform.apiKey())
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** A deployment of the platform's account through the control plane. */
    Response createDeployment(String id, String body) {
        return post(platform.controlPlaneUrl() + "/v1/accounts/" + platform.accountId() + "/deployments?deploymentId="
                + id, body);
    }

    Response getDeployment(String id) {
        return get(platform.controlPlaneUrl() + "/v1/accounts/" + platform.accountId() + "/deployments/" + id);
    }

    ObjectMapper json() {
        return json;
    }

    /** The first column of every row. */
    List<String> query(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(platform.databaseUrl(), EmbeddedPostgresServer.USER, "");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            List<String> values = new ArrayList<>();
            while (rs.next()) {
                values.add(rs.getString(1));
            }
            return values;
        }
    }

    private Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body(), parse(response.body()));
        } catch (IOException e) {
            throw new IllegalStateException("request failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private JsonNode parse(String body) {
        try {
            return body.isBlank() ? MissingNode.getInstance() : json.readTree(body);
        } catch (IOException e) {
            return MissingNode.getInstance();
        }
    }

    /** Prints the end of every service's log when a test fails, to see why. */
    static TestWatcher printLogsOnFailure(Path home, int lines) {
        return new TestWatcher() {

            @Override
            public void testFailed(ExtensionContext context, Throwable cause) {
                for (String module : LocalPlatform.MODULES) {
                    Path log = ServiceProcess.logFile(home, module);
                    System.out
                            .println("---- last " + lines + " lines of " + log + "\n" + ServiceProcess.tail(log, lines)
                                    + "\n----");
                }
            }
        };
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
