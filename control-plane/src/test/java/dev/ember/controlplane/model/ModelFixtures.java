package dev.ember.controlplane.model;

import static dev.ember.controlplane.TestAccounts.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import org.eclipse.microprofile.config.ConfigProvider;

import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;

import dev.ember.testsupport.KafkaEvents;

/** What a user does with models, as requests: create, upload files to the signed URLs, validate. */
public final class ModelFixtures {

    public static final String LLAMA_8B = "accounts/fireworks/models/llama-v3p1-8b-instruct";
    public static final String LLAMA_70B = "accounts/fireworks/models/llama-v3p1-70b-instruct";
    public static final Duration EVENT_WAIT = Duration.ofSeconds(20);

    private ModelFixtures() {
    }

    public static KafkaEvents kafka() {
        return new KafkaEvents(ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
    }

    public static Response createLora(String key, String account, String modelId, String baseModel, int r) {
        return as(key).body("{\"modelId\": \"" + modelId + "\", \"model\": {\"kind\": \"HF_PEFT_ADDON\", "
                + "\"displayName\": \"" + modelId + "\", \"peftDetails\": {\"baseModel\": \"" + baseModel
                + "\", \"r\": " + r + ", \"targetModules\": [\"q_proj\", \"v_proj\"]}}}")
                .post("/v1/accounts/" + account + "/models");
    }

    public static Response createBase(String key, String account, String modelId, long parameters) {
        return as(key).body("{\"modelId\": \"" + modelId + "\", \"model\": {\"kind\": \"HF_BASE_MODEL\", "
                + "\"baseModelDetails\": {\"parameterCount\": \"" + parameters + "\"}}}")
                .post("/v1/accounts/" + account + "/models");
    }

    /** A LoRA addon's files: its config with rank {@code r} and some weights. */
    public static Map<String, byte[]> loraFiles(int r) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("adapter_config.json", ("{\"peft_type\": \"LORA\", \"r\": " + r + ", \"lora_alpha\": 32, "
                + "\"target_modules\": [\"q_proj\", \"v_proj\"], \"base_model_name_or_path\": "
                + "\"meta-llama/Llama-3.1-8B-Instruct\"}").getBytes(StandardCharsets.UTF_8));
        files.put("adapter_model.safetensors", bytes(5000, r));
        return files;
    }

    /** A small base model's files: a Llama-shaped config.json and a weights file. */
    public static Map<String, byte[]> baseFiles() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("config.json", ("{\"architectures\": [\"LlamaForCausalLM\"], \"model_type\": \"llama\", "
                + "\"num_hidden_layers\": 16, \"hidden_size\": 2048, \"num_attention_heads\": 32, "
                + "\"num_key_value_heads\": 8, \"max_position_embeddings\": 8192, \"torch_dtype\": \"bfloat16\"}")
                .getBytes(StandardCharsets.UTF_8));
        files.put("model.safetensors", bytes(20000, 7));
        files.put("tokenizer.json", "{}".getBytes(StandardCharsets.UTF_8));
        return files;
    }

    public static byte[] bytes(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** {@code :getUploadEndpoint} for these files (sizes sent as int64 strings, as proto JSON does). */
    public static Response uploadEndpoint(String key, String model, Map<String, byte[]> files) {
        StringBuilder sizes = new StringBuilder();
        files.forEach((name, content) -> sizes.append(sizes.isEmpty() ? "" : ", ").append('"').append(name)
                .append("\": \"").append(content.length).append('"'));
        return as(key).body("{\"filenameToSize\": {" + sizes + "}}").post("/v1/" + model + ":getUploadEndpoint");
    }

    /** Uploads every file to its signed URL, as a client would (no API key: the URL is the grant). */
    public static Map<String, String> upload(String key, String model, Map<String, byte[]> files) {
        Map<String, String> urls = uploadEndpoint(key, model, files).then().statusCode(200).extract().jsonPath()
                .getMap("filenameToSignedUrls", String.class, String.class);
        files.forEach((name, content) -> put(urls.get(name), content).then().statusCode(200)
                .body("filename", equalTo(name)));
        return urls;
    }

    public static Response put(String url, byte[] content) {
        return given().contentType("application/octet-stream").body(content).put(url);
    }

    public static Response validate(String key, String model) {
        return as(key).post("/v1/" + model + ":validateUpload");
    }

    /** A LoRA addon, uploaded and validated: READY. */
    public static String readyLora(String key, String account, String modelId, String baseModel) {
        String name = "accounts/" + account + "/models/" + modelId;
        createLora(key, account, modelId, baseModel, 16).then().statusCode(200);
        upload(key, name, loraFiles(16));
        validate(key, name).then().statusCode(200);
        return name;
    }

    /** A custom base model, uploaded and validated: READY. */
    public static String readyBase(String key, String account, String modelId) {
        String name = "accounts/" + account + "/models/" + modelId;
        createBase(key, account, modelId, 1_000_000_000L).then().statusCode(200);
        upload(key, name, baseFiles());
        validate(key, name).then().statusCode(200);
        return name;
    }

    public static ValidatableResponse assertBadField(Response response, String field) {
        return response.then().statusCode(400)
                .body("status", equalTo("INVALID_ARGUMENT"))
                .body("code", equalTo(3))
                .body("details.fieldViolations.flatten().field", hasItem(field));
    }

    public static ValidatableResponse assertFailedPrecondition(Response response, String reason) {
        return response.then().statusCode(400)
                .body("status", equalTo("FAILED_PRECONDITION"))
                .body("details[0].reason", equalTo(reason));
    }
}
