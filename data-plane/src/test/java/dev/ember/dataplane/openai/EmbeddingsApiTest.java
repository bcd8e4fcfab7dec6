package dev.ember.dataplane.openai;

import static dev.ember.dataplane.openai.InferenceFixture.CHAT;
import static dev.ember.dataplane.openai.InferenceFixture.COMPLETIONS;
import static dev.ember.dataplane.openai.InferenceFixture.KEY;
import static dev.ember.dataplane.openai.InferenceFixture.READY;
import static dev.ember.dataplane.openai.InferenceFixture.as;
import static dev.ember.dataplane.openai.InferenceFixture.assertError;
import static dev.ember.dataplane.openai.InferenceFixture.assertParam;
import static dev.ember.dataplane.openai.InferenceFixture.chat;
import static dev.ember.dataplane.openai.InferenceFixture.completion;
import static dev.ember.dataplane.openai.InferenceFixture.json;
import static dev.ember.dataplane.openai.InferenceFixture.kafka;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dev.ember.common.event.DeploymentCreated;
import dev.ember.common.event.DeploymentSpec;
import dev.ember.common.event.EventTypes;
import dev.ember.common.event.ModelProfile;
import dev.ember.common.event.ReplicaUpdated;
import dev.ember.dataplane.engine.Tokenizer;
import dev.ember.testsupport.EmberInfraResource;

/** {@code POST /inference/v1/embeddings}: vectors of an embedding model's deployment, in OpenAI's shape. */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
class EmbeddingsApiTest {

    static final ModelProfile NOMIC = new ModelProfile("accounts/fireworks/models/nomic-embed-text-v1p5",
            137_000_000L, 137_000_000L, 12, 768, 12, 64, 8192, "FP16", 768);
    static final String EMBED = "accounts/acme/deployments/embed-one";
    /** An embedding deployment whose only replica is still downloading the model. */
    static final String EMBED_STARTING = "accounts/acme/deployments/embed-starting";
    static final String EMBEDDINGS = "/inference/v1/embeddings";
    private static boolean published;

    @BeforeEach
    void publishTheWorld() {
        InferenceFixture.publish();
        synchronized (EmbeddingsApiTest.class) {
            if (published) {
                return;
            }
            published = true;
            var kafka = kafka();
            for (String name : new String[]{EMBED, EMBED_STARTING}) {
                kafka.publish(EventTypes.DEPLOYMENT_CREATED, name, new DeploymentCreated(new DeploymentSpec(name,
                        "uid-" + name.hashCode(), 1, "d", NOMIC.name(), NOMIC, "NVIDIA_H100_80GB", 1, "FP16", 0, 1,
                        "GLOBAL", Instant.now(), null)));
            }
            kafka.publish(EventTypes.REPLICA_UPDATED, EMBED + "/replicas/r-9", new ReplicaUpdated(
                    EMBED + "/replicas/r-9", EMBED, "uid-" + EMBED.hashCode(), 4, "READY", "US_IOWA_1",
                    "us-iowa-1-nvidia-h100-80gb-9", "NVIDIA_H100_80GB", 1, "", Instant.now()));
            kafka.publish(EventTypes.REPLICA_UPDATED, EMBED_STARTING + "/replicas/r-8", new ReplicaUpdated(
                    EMBED_STARTING + "/replicas/r-8", EMBED_STARTING, "uid-" + EMBED_STARTING.hashCode(), 2,
                    "DOWNLOADING_MODEL", "US_IOWA_1", "us-iowa-1-nvidia-h100-80gb-8", "NVIDIA_H100_80GB", 1, "",
                    Instant.now()));
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> embed("\"input\": \"hi\"").then()
                    .statusCode(200));
        }
    }

    static Response embed(String fields) {
        return embed(EMBED, fields);
    }

    static Response embed(String model, String fields) {
        return as(KEY).body("{\"model\": \"" + model + "\", " + fields + "}").post(EMBEDDINGS);
    }

    static JsonNode ok(String fields) {
        return json(embed(fields).then().log().ifValidationFails().statusCode(200).extract().asString());
    }

    @Test
    void aListOfTextsGetsOneUnitVectorEachInTheOpenAiShapeWithTheServingHeaders() {
        Response r = embed("\"input\": [\"The cat sat on the mat\", \"A cat sat on a mat\", "
                + "\"Quarterly revenue grew strongly\"], \"user\": \"u-1\"");
        r.then().log().ifValidationFails().statusCode(200)
                .body("object", equalTo("list"))
                .body("model", equalTo(EMBED))
                .body("data.size()", equalTo(3))
                .body("data[2].object", equalTo("embedding"))
                .body("data[2].index", equalTo(2))
                .header("x-ember-deployment", EMBED)
                .header("x-ember-replica", EMBED + "/replicas/r-9");
        JsonNode body = json(r.asString());
        float[] cat = vector(body.path("data").path(0).path("embedding"));
        float[] similar = vector(body.path("data").path(1).path("embedding"));
        float[] unrelated = vector(body.path("data").path(2).path("embedding"));
        assertThat(cat).hasSize(768);
        assertThat(dot(cat, cat)).isCloseTo(1.0, within(1e-4));
        assertThat(dot(cat, similar)).isGreaterThan(dot(cat, unrelated));
        // Each text is BOS and its tokens; nothing is generated.
        int tokens = 3 + Tokenizer.count("The cat sat on the mat") + Tokenizer.count("A cat sat on a mat")
                + Tokenizer.count("Quarterly revenue grew strongly");
        assertThat(body.path("usage").path("prompt_tokens").asInt()).isEqualTo(tokens);
        assertThat(body.path("usage").path("total_tokens").asInt()).isEqualTo(tokens);
        assertThat(r.header("fireworks-prompt-tokens")).isEqualTo(String.valueOf(tokens));
        assertThat(r.header("fireworks-server-time-to-first-token")).isNotNull();
    }

    @Test
    void theSameTextGetsTheSameVectorEveryTime() {
        assertThat(vector(ok("\"input\": \"same text\"").path("data").path(0).path("embedding")))
                .containsExactly(vector(ok("\"input\": [\"same text\"]").path("data").path(0).path("embedding")));
    }

    @Test
    void dimensionsCutsTheVectorToAUnitLengthPrefix() {
        float[] cut = vector(ok("\"input\": \"nested dolls\", \"dimensions\": 256").path("data").path(0)
                .path("embedding"));
        assertThat(cut).hasSize(256);
        assertThat(dot(cut, cut)).isCloseTo(1.0, within(1e-4));
    }

    @Test
    void base64IsTheLittleEndianFloatsOfTheFloatVector() {
        float[] floats = vector(ok("\"input\": \"encode me\"").path("data").path(0).path("embedding"));
        String encoded = ok("\"input\": \"encode me\", \"encoding_format\": \"base64\"").path("data").path(0)
                .path("embedding").asText();
        ByteBuffer bytes = ByteBuffer.wrap(Base64.getDecoder().decode(encoded)).order(ByteOrder.LITTLE_ENDIAN);
        float[] decoded = new float[bytes.remaining() / Float.BYTES];
        for (int i = 0; i < decoded.length; i++) {
            decoded[i] = bytes.getFloat();
        }
        assertThat(decoded).containsExactly(floats);
    }

    @Test
    void badFieldsAreRefusedNamingTheParameter() {
        assertParam(embed("\"input\": \"\""), "input");
        assertParam(embed("\"input\": []"), "input");
        assertParam(embed("\"input\": 12"), "input");
        assertParam(embed("\"input\": [\"ok\", \"\"]"), "input[1]");
        assertParam(embed("\"input\": [\"ok\", [1, 2]]"), "input[1]");
        assertParam(embed("\"input\": [" + "\"a\",".repeat(2048) + "\"b\"]"), "input");
        assertParam(embed("\"input\": \"x\", \"dimensions\": 0"), "dimensions");
        assertParam(embed("\"input\": \"x\", \"dimensions\": 769"), "dimensions");
        assertParam(embed("\"input\": \"x\", \"encoding_format\": \"int8\""), "encoding_format");
        assertParam(embed("\"input\": \"" + "word ".repeat(8192) + "\""), "input");
    }

    @Test
    void embeddingsAndCompletionsEachRefuseTheOtherKindOfModel() {
        assertParam(embed(READY, "\"input\": \"x\""), "model");
        assertParam(as(KEY).body(chat(EMBED, "")).post(CHAT), "model");
        assertParam(as(KEY).body(completion(EMBED, "")).post(COMPLETIONS), "model");
    }

    @Test
    void unknownModelsAndDeploymentsWithoutAReadyReplicaAnswerLikeCompletions() {
        assertError(embed("accounts/acme/deployments/nope", "\"input\": \"x\""), 404, "invalid_request_error",
                "model_not_found");
        embed(EMBED_STARTING, "\"input\": \"x\"").then().statusCode(503)
                .header("Retry-After", "10").body("error.code", equalTo("DEPLOYMENT_SCALING_UP"));
    }

    @Test
    void theOpenAiSdkGetsTheSameVectorsAsBase64ByDefaultAsItDoesAsFloats() throws Exception {
        String baseUrl = "http://localhost:" + ConfigProvider.getConfig().getValue("quarkus.http.test-port",
                Integer.class) + "/inference/v1";
        Process node = new ProcessBuilder("node", Path.of("src/test/node/embeddings.mjs").toAbsolutePath().toString(),
                baseUrl, KEY, EMBED).redirectErrorStream(true).start();
        String output = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(node.waitFor()).as(output).isZero();

        JsonNode seen = json(output.lines().reduce((a, b) -> b).orElse("{}"));
        assertThat(seen.path("object").asText()).isEqualTo("list");
        for (int i = 0; i < 2; i++) {
            float[] floats = vector(seen.path("floats").path(i));
            assertThat(floats).as(output).hasSize(768);
            assertThat(vector(seen.path("byDefault").path(i))).containsExactly(floats);
        }
        assertThat(seen.path("cut").size()).isEqualTo(64);
        assertThat(seen.path("usage").path("prompt_tokens").asInt()).isPositive();
        assertThat(seen.path("refused").path("name").asText()).isEqualTo("BadRequestError");
        assertThat(seen.path("refused").path("param").asText()).isEqualTo("input");
    }

    private static float[] vector(JsonNode array) {
        float[] v = new float[array.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) array.get(i).asDouble();
        }
        return v;
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
