package dev.ember.controlplane.model;

import static dev.ember.controlplane.TestAccounts.ADMIN_KEY;
import static dev.ember.controlplane.TestAccounts.as;
import static dev.ember.controlplane.TestAccounts.asAdmin;
import static dev.ember.controlplane.model.ModelFixtures.EVENT_WAIT;
import static dev.ember.controlplane.model.ModelFixtures.LLAMA_8B;
import static dev.ember.controlplane.model.ModelFixtures.assertBadField;
import static dev.ember.controlplane.model.ModelFixtures.assertFailedPrecondition;
import static dev.ember.controlplane.model.ModelFixtures.baseFiles;
import static dev.ember.controlplane.model.ModelFixtures.bytes;
import static dev.ember.controlplane.model.ModelFixtures.createBase;
import static dev.ember.controlplane.model.ModelFixtures.createLora;
import static dev.ember.controlplane.model.ModelFixtures.kafka;
import static dev.ember.controlplane.model.ModelFixtures.loraFiles;
import static dev.ember.controlplane.model.ModelFixtures.put;
import static dev.ember.controlplane.model.ModelFixtures.upload;
import static dev.ember.controlplane.model.ModelFixtures.uploadEndpoint;
import static dev.ember.controlplane.model.ModelFixtures.validate;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dev.ember.common.event.DeploymentCreated;
import dev.ember.common.event.EventTypes;
import dev.ember.common.event.ModelSpec;
import dev.ember.controlplane.TestClock;
import dev.ember.controlplane.upload.UploadToken;
import dev.ember.controlplane.upload.UploadTokens;
import dev.ember.testsupport.EmberInfraResource;

/**
 * The upload flow: :getUploadEndpoint, PUT each file to its signed URL, :validateUpload. The files land in the blob
 * store under target/ember-blobs (ember.blob.root in the test profile); files may be at most 16 MB here.
 */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
class ModelUploadTest {

    static final Path BLOB_ROOT = Path.of("target/ember-blobs");

    @Inject
    UploadTokens tokens;

    @Test
    void aLoraIsUploadedValidatedAndReady() throws Exception {
        String model = "accounts/acme/models/upload-lora";
        createLora(ADMIN_KEY, "acme", "upload-lora", LLAMA_8B, 16).then().statusCode(200);
        Map<String, byte[]> files = loraFiles(16);

        Map<String, String> urls = uploadEndpoint(ADMIN_KEY, model, files).then().statusCode(200)
                .body("$", not(hasKey("filenameToUnsignedUris")))
                .extract().jsonPath().getMap("filenameToSignedUrls", String.class, String.class);
        assertThat(urls).containsOnlyKeys(files.keySet());
        assertThat(urls.values()).allSatisfy(url -> assertThat(url).startsWith("http://").contains("/v1/uploads/"));

        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            // No API key: the signed URL is the grant.
            put(urls.get(file.getKey()), file.getValue()).then().statusCode(200)
                    .body("name", equalTo(model))
                    .body("filename", equalTo(file.getKey()))
                    .body("sizeBytes", equalTo(Integer.toString(file.getValue().length)))
                    .body("sha256", equalTo(sha256(file.getValue())));
        }
        asAdmin().get("/v1/" + model).then().statusCode(200).body("state", equalTo("UPLOADING"));

        validate(ADMIN_KEY, model).then().statusCode(200).body("warnings", empty());
        asAdmin().get("/v1/" + model).then().statusCode(200)
                .body("state", equalTo("READY"))
                .body("status.message", equalTo(""));

        ModelSpec ready = kafka().first(EventTypes.MODEL_UPDATED,
                e -> e.subject().equals(model) && e.data().model().state().equals("READY"), EVENT_WAIT)
                .orElseThrow().data().model();
        assertThat(ready.loraRank()).isEqualTo(16);
        assertThat(ready.targetModules()).containsExactly("q_proj", "v_proj");
        // The bytes are in the blob store, under the model's uid.
        Path stored = BLOB_ROOT.resolve(model).resolve(ready.uid()).resolve("adapter_model.safetensors");
        assertThat(Files.readAllBytes(stored)).isEqualTo(files.get("adapter_model.safetensors"));

        // Validating again changes nothing; a READY model's files are final.
        validate(ADMIN_KEY, model).then().statusCode(200).body("warnings[0]", containsString("already READY"));
        assertFailedPrecondition(uploadEndpoint(ADMIN_KEY, model, files), "MODEL_ALREADY_UPLOADED");
        assertFailedPrecondition(put(urls.get("adapter_config.json"), files.get("adapter_config.json")),
                "MODEL_ALREADY_UPLOADED");
    }

    @Test
    void aBaseModelTakesItsShapeFromConfigJsonAndCanBeDeployed() {
        String model = "accounts/acme/models/upload-base";
        createBase(ADMIN_KEY, "acme", "upload-base", 1_000_000_000L).then().statusCode(200);
        upload(ADMIN_KEY, model, baseFiles());
        // GET, as Fireworks' reference has it.
        as(ADMIN_KEY).get("/v1/" + model + ":validateUpload?skipHfConfigValidation=false&trustRemoteCode=false")
                .then().statusCode(200).body("warnings", empty());

        asAdmin().get("/v1/" + model).then().statusCode(200)
                .body("state", equalTo("READY"))
                .body("contextLength", equalTo(8192))
                .body("baseModelDetails.modelType", equalTo("llama"))
                .body("baseModelDetails.huggingfaceFiles",
                        equalTo(List.of("config.json", "model.safetensors", "tokenizer.json")));
        ModelSpec ready = kafka().first(EventTypes.MODEL_UPDATED,
                e -> e.subject().equals(model) && e.data().model().state().equals("READY"), EVENT_WAIT)
                .orElseThrow().data().model();
        assertThat(ready.profile().layers()).isEqualTo(16);
        assertThat(ready.profile().kvHeads()).isEqualTo(8);
        assertThat(ready.profile().headDim()).isEqualTo(64);
        assertThat(ready.profile().defaultPrecision()).isEqualTo("BF16");

        asAdmin().body("{\"baseModel\": \"" + model + "\"}")
                .post("/v1/accounts/acme/deployments?deploymentId=custom-base")
                .then().statusCode(200)
                .body("baseModel", equalTo(model))
                .body("precision", equalTo("BF16"))
                .body("acceleratorCount", equalTo(1));
        DeploymentCreated created = kafka().first(EventTypes.DEPLOYMENT_CREATED,
                e -> e.subject().equals("accounts/acme/deployments/custom-base"), EVENT_WAIT).orElseThrow().data();
        assertThat(created.deployment().model()).isEqualTo(ready.profile());
    }

    @Test
    void onlyReadyBaseModelsCanBeDeployed() {
        createBase(ADMIN_KEY, "acme", "not-yet", 1_000_000_000L).then().statusCode(200);
        assertBadField(asAdmin().body("{\"baseModel\": \"accounts/acme/models/not-yet\"}")
                .post("/v1/accounts/acme/deployments"), "baseModel").body("message", containsString("UPLOADING"));
        String lora = ModelFixtures.readyLora(ADMIN_KEY, "acme", "deploy-me-not", LLAMA_8B);
        assertBadField(asAdmin().body("{\"baseModel\": \"" + lora + "\"}").post("/v1/accounts/acme/deployments"),
                "baseModel").body("message", containsString("LoRA addon"));
    }

    @Test
    void aBodyOfTheWrongSizeIsRefusedAndTheFileStaysMissing() {
        String model = "accounts/acme/models/wrong-size";
        createLora(ADMIN_KEY, "acme", "wrong-size", LLAMA_8B, 16).then().statusCode(200);
        Map<String, byte[]> files = loraFiles(16);
        Map<String, String> urls = uploadEndpoint(ADMIN_KEY, model, files).then().statusCode(200).extract()
                .jsonPath().getMap("filenameToSignedUrls", String.class, String.class);
        String url = urls.get("adapter_model.safetensors");
        int declared = files.get("adapter_model.safetensors").length;

        put(url, bytes(declared - 10, 1)).then().statusCode(400)
                .body("details[0].reason", equalTo("UPLOAD_SIZE_MISMATCH"))
                .body("details[1].fieldViolations[0].field", equalTo("body"));
        put(url, bytes(declared + 10, 1)).then().statusCode(413)
                .body("details[0].reason", equalTo("UPLOAD_TOO_LARGE"));
        // Streamed without a Content-Length: counted as it arrives, cut off once past the declared size.
        given().contentType("application/octet-stream")
                .body(new ByteArrayInputStream(bytes(declared * 3, 2))).put(url)
                .then().statusCode(413).body("details[0].reason", equalTo("UPLOAD_TOO_LARGE"));
        given().contentType("application/octet-stream")
                .body(new ByteArrayInputStream(bytes(declared - 1, 2))).put(url)
                .then().statusCode(400).body("details[0].reason", equalTo("UPLOAD_SIZE_MISMATCH"));

        put(urls.get("adapter_config.json"), files.get("adapter_config.json")).then().statusCode(200);
        assertBadField(validate(ADMIN_KEY, model), "adapter_model.safetensors")
                .body("message", containsString("not uploaded"));
        asAdmin().get("/v1/" + model).then().statusCode(200).body("state", equalTo("UPLOADING"));

        // The right bytes fix it.
        put(url, files.get("adapter_model.safetensors")).then().statusCode(200);
        validate(ADMIN_KEY, model).then().statusCode(200);
    }

    @Test
    void aFileLargerThanTheJsonBodyLimitStreamsThrough() throws Exception {
        // Quarkus refuses request bodies over 10 MB (quarkus.http.limits.max-body-size); upload URLs have their own
        // limit, the declared size, and never hold the file in memory.
        String model = "accounts/acme/models/big-weights";
        createLora(ADMIN_KEY, "acme", "big-weights", LLAMA_8B, 16).then().statusCode(200);
        Map<String, byte[]> files = loraFiles(16);
        byte[] weights = bytes(12 * 1024 * 1024, 12);
        files.put("adapter_model.safetensors", weights);
        upload(ADMIN_KEY, model, files);
        validate(ADMIN_KEY, model).then().statusCode(200);
        String uid = kafka().first(EventTypes.MODEL_CREATED, e -> e.subject().equals(model), EVENT_WAIT)
                .orElseThrow().data().model().uid();
        Path stored = BLOB_ROOT.resolve(model).resolve(uid).resolve("adapter_model.safetensors");
        assertThat(Files.size(stored)).isEqualTo(weights.length);
        assertThat(sha256(Files.readAllBytes(stored))).isEqualTo(sha256(weights));
    }

    @Test
    void aTamperedMalformedOrExpiredUrlIsRefused() {
        String model = "accounts/acme/models/tamper";
        createLora(ADMIN_KEY, "acme", "tamper", LLAMA_8B, 16).then().statusCode(200);
        Map<String, byte[]> files = loraFiles(16);
        String url = uploadEndpoint(ADMIN_KEY, model, files).then().statusCode(200).extract().jsonPath()
                .getString("filenameToSignedUrls['adapter_config.json']");
        byte[] config = files.get("adapter_config.json");
        String token = url.substring(url.lastIndexOf('/') + 1);
        String[] parts = token.split("\\.");
        String base = url.substring(0, url.lastIndexOf('/') + 1);

        // Another file's name in the payload, signature kept: the signature no longer matches.
        String otherPayload = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(java.util.Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                        .replace("adapter_config.json", "adapter_config.jsom").getBytes(StandardCharsets.UTF_8));
        put(base + parts[0] + "." + otherPayload + "." + parts[2], config).then().statusCode(403)
                .body("status", equalTo("PERMISSION_DENIED"))
                .body("details[0].reason", equalTo("UPLOAD_SIGNATURE_INVALID"));
        String flipped = (parts[2].charAt(0) == 'A' ? "B" : "A") + parts[2].substring(1);
        put(base + parts[0] + "." + parts[1] + "." + flipped, config).then().statusCode(403)
                .body("details[0].reason", equalTo("UPLOAD_SIGNATURE_INVALID"));
        for (String bad : List.of("garbage", "v1.only-two", "v2." + parts[1] + "." + parts[2], "v1.!!!.abc")) {
            given().urlEncodingEnabled(false).contentType("application/octet-stream").body(config)
                    .put(base + bad).then().statusCode(401)
                    .body("status", equalTo("UNAUTHENTICATED"))
                    .body("details[0].reason", equalTo("UPLOAD_TOKEN_MALFORMED"));
        }

        String uid = kafka().first(EventTypes.MODEL_CREATED, e -> e.subject().equals(model), EVENT_WAIT)
                .orElseThrow().data().model().uid();
        String expired = tokens.sign(new UploadToken("model", model, uid, "adapter_config.json", config.length,
                TestClock.CLOCK.instant().minusSeconds(1)));
        put(base + expired, config).then().statusCode(403)
                .body("details[0].reason", equalTo("UPLOAD_URL_EXPIRED"))
                .body("message", containsString("expired"));
        // Signed here, for a model that was deleted and created again: the old incarnation's URL is dead.
        String stale = tokens.sign(new UploadToken("model", model, "another-uid", "adapter_config.json",
                config.length, TestClock.CLOCK.instant().plusSeconds(60)));
        put(base + stale, config).then().statusCode(404).body("details[0].reason", equalTo("UPLOAD_TARGET_GONE"));

        // The genuine URL still works.
        put(url, config).then().statusCode(200);
    }

    @Test
    void declaredFilesAreChecked() {
        String model = "accounts/acme/models/declare";
        createLora(ADMIN_KEY, "acme", "declare", LLAMA_8B, 16).then().statusCode(200);
        String endpoint = "/v1/" + model + ":getUploadEndpoint";
        assertBadField(asAdmin().body("{\"filenameToSize\": {}}").post(endpoint), "filenameToSize");
        assertBadField(asAdmin().body("{}").post(endpoint), "filenameToSize");
        assertBadField(asAdmin().body("{\"filenameToSize\": {\"../etc/passwd\": \"10\"}}").post(endpoint),
                "filenameToSize[\"../etc/passwd\"]");
        assertBadField(asAdmin().body("{\"filenameToSize\": {\"/abs\": \"10\", \"a//b\": \"1\", \".hidden\": \"1\"}}")
                .post(endpoint), "filenameToSize[\"/abs\"]")
                .body("details.fieldViolations.flatten().field", hasItem("filenameToSize[\"a//b\"]"))
                .body("details.fieldViolations.flatten().field", hasItem("filenameToSize[\".hidden\"]"));
        assertBadField(asAdmin().body("{\"filenameToSize\": {\"a.bin\": \"-1\"}}").post(endpoint),
                "filenameToSize[\"a.bin\"]");
        assertBadField(asAdmin().body("{\"filenameToSize\": {\"a.bin\": \"17000000\"}}").post(endpoint),
                "filenameToSize[\"a.bin\"]").body("message", containsString("ember.blob.max-file-size"));
        assertBadField(asAdmin().body("{\"filenameToSize\": {\"a.bin\": \"ten\"}}").post(endpoint),
                "filenameToSize.a.bin");
        assertBadField(asAdmin().body("{\"filenameToSize\": {\"a.bin\": \"10\"}, \"enableResumableUpload\": true}")
                .post(endpoint), "enableResumableUpload");
        assertBadField(validate(ADMIN_KEY, model), "filenameToSize").body("message", containsString("no files"));
        assertBadField(as(ADMIN_KEY).post("/v1/" + model + ":validateUpload?skipHfConfigValidation=yes"),
                "skipHfConfigValidation");

        // Declaring again replaces the set; a file with a new size must be uploaded again.
        Map<String, byte[]> files = loraFiles(16);
        upload(ADMIN_KEY, model, files);
        Map<String, byte[]> bigger = new LinkedHashMap<>(files);
        bigger.put("adapter_model.safetensors", bytes(6000, 3));
        uploadEndpoint(ADMIN_KEY, model, bigger).then().statusCode(200);
        assertBadField(validate(ADMIN_KEY, model), "adapter_model.safetensors");
    }

    @Test
    void validationChecksTheConfigsAgainstTheModel() {
        String lora = "accounts/acme/models/rank-mismatch";
        createLora(ADMIN_KEY, "acme", "rank-mismatch", LLAMA_8B, 16).then().statusCode(200);
        upload(ADMIN_KEY, lora, loraFiles(8));
        assertBadField(validate(ADMIN_KEY, lora), "adapter_config.json.r")
                .body("message", containsString("peftDetails.r = 16"));
        // Skipping the config checks accepts it, with a warning.
        as(ADMIN_KEY).post("/v1/" + lora + ":validateUpload?skipHfConfigValidation=true").then().statusCode(200)
                .body("warnings[0]", containsString("not checked"));

        String notJson = "accounts/acme/models/not-json";
        createLora(ADMIN_KEY, "acme", "not-json", LLAMA_8B, 16).then().statusCode(200);
        Map<String, byte[]> files = loraFiles(16);
        files.put("adapter_config.json", "{r: 16".getBytes(StandardCharsets.UTF_8));
        upload(ADMIN_KEY, notJson, files);
        assertBadField(validate(ADMIN_KEY, notJson), "adapter_config.json").body("message", containsString("JSON"));

        String noWeights = "accounts/acme/models/no-weights";
        createLora(ADMIN_KEY, "acme", "no-weights", LLAMA_8B, 16).then().statusCode(200);
        upload(ADMIN_KEY, noWeights, Map.of("adapter_config.json", loraFiles(16).get("adapter_config.json")));
        assertBadField(validate(ADMIN_KEY, noWeights), "adapter_model.safetensors");

        String base = "accounts/acme/models/shapeless";
        createBase(ADMIN_KEY, "acme", "shapeless", 1_000_000_000L).then().statusCode(200);
        Map<String, byte[]> baseFiles = baseFiles();
        baseFiles.put("config.json", "{\"hidden_size\": 2048, \"num_attention_heads\": 0}"
                .getBytes(StandardCharsets.UTF_8));
        upload(ADMIN_KEY, base, baseFiles);
        Response refused = validate(ADMIN_KEY, base);
        assertBadField(refused, "config.json.num_hidden_layers")
                .body("details.fieldViolations.flatten().field", hasItem("config.json.num_attention_heads"));
        asAdmin().get("/v1/" + base).then().statusCode(200).body("state", equalTo("UPLOADING"));
    }

    @Test
    void uploadsNeedTheWritersKeyButPutsNeedNone() {
        String model = "accounts/acme/models/keyless";
        createLora(ADMIN_KEY, "acme", "keyless", LLAMA_8B, 16).then().statusCode(200);
        given().contentType("application/json").body("{\"filenameToSize\": {\"a.bin\": \"1\"}}")
                .post("/v1/" + model + ":getUploadEndpoint").then().statusCode(401);
        String url = uploadEndpoint(ADMIN_KEY, model, Map.of("a.bin", new byte[]{1})).then().statusCode(200)
                .extract().jsonPath().getString("filenameToSignedUrls['a.bin']");
        assertThat(url).startsWith("http://");
        given().header("Authorization", "Bearer not-a-key").contentType("application/octet-stream")
                .body(new byte[]{1}).put(url).then().statusCode(200).body("sha256", startsWith("4bf5122f"));
    }

    private static String sha256(byte[] content) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    }
}
