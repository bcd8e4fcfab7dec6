package dev.ember.controlplane.model;

import static dev.ember.controlplane.TestAccounts.ADMIN_KEY;
import static dev.ember.controlplane.TestAccounts.as;
import static dev.ember.controlplane.TestAccounts.asAdmin;
import static dev.ember.controlplane.model.ModelFixtures.EVENT_WAIT;
import static dev.ember.controlplane.model.ModelFixtures.LLAMA_8B;
import static dev.ember.controlplane.model.ModelFixtures.assertBadField;
import static dev.ember.controlplane.model.ModelFixtures.createBase;
import static dev.ember.controlplane.model.ModelFixtures.createLora;
import static dev.ember.controlplane.model.ModelFixtures.kafka;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

import dev.ember.common.event.EventTypes;
import dev.ember.common.event.ModelSpec;
import dev.ember.controlplane.TestAccounts;
import dev.ember.testsupport.EmberInfraResource;

/** Creating, reading, listing, changing and deleting models; the catalog; isolation between accounts. */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
class ModelApiTest {

    static final String MODELS = "/v1/accounts/acme/models";

    @Test
    void aLoraAddonIsCreatedUploadingAndItsEventPublished() {
        createLora(ADMIN_KEY, "acme", "sql-lora", LLAMA_8B, 16).then().statusCode(200)
                .body("name", equalTo("accounts/acme/models/sql-lora"))
                .body("kind", equalTo("HF_PEFT_ADDON"))
                .body("state", equalTo("UPLOADING"))
                .body("status.message", containsString(":getUploadEndpoint"))
                .body("peftDetails.baseModel", equalTo(LLAMA_8B))
                .body("peftDetails.r", equalTo(16))
                .body("peftDetails.targetModules", equalTo(List.of("q_proj", "v_proj")))
                .body("contextLength", equalTo(131072))
                .body("public", equalTo(false))
                .body("$", not(hasKey("baseModelDetails")));

        asAdmin().get(MODELS + "/sql-lora").then().statusCode(200)
                .body("displayName", equalTo("sql-lora"))
                .body("state", equalTo("UPLOADING"));

        ModelSpec created = kafka().first(EventTypes.MODEL_CREATED,
                e -> e.subject().equals("accounts/acme/models/sql-lora"), EVENT_WAIT).orElseThrow().data().model();
        assertThat(created.kind()).isEqualTo("HF_PEFT_ADDON");
        assertThat(created.state()).isEqualTo("UPLOADING");
        assertThat(created.baseModel()).isEqualTo(LLAMA_8B);
        assertThat(created.loraRank()).isEqualTo(16);
        assertThat(created.profile()).as("an addon has no shape of its own").isNull();
    }

    @Test
    void aCustomBaseModelIsCreatedWithItsDetails() {
        asAdmin().body("{\"modelId\": \"my-base\", \"model\": {\"kind\": \"HF_BASE_MODEL\", \"displayName\": "
                + "\"My base\", \"description\": \"fine-tuned in full\", \"contextLength\": 32768, "
                + "\"huggingFaceUrl\": \"https://huggingface.co/acme/my-base\", "
                + "\"baseModelDetails\": {\"parameterCount\": 7000000000, \"worldSize\": 1, \"moe\": false, "
                + "\"modelType\": \"llama\", \"checkpointFormat\": \"HUGGINGFACE\"}}}")
                .post(MODELS).then().statusCode(200)
                .body("kind", equalTo("HF_BASE_MODEL"))
                .body("state", equalTo("UPLOADING"))
                .body("displayName", equalTo("My base"))
                .body("description", equalTo("fine-tuned in full"))
                .body("contextLength", equalTo(32768))
                .body("huggingFaceUrl", equalTo("https://huggingface.co/acme/my-base"))
                .body("supportsLora", equalTo(true))
                .body("baseModelDetails.parameterCount", equalTo("7000000000"))
                .body("baseModelDetails.modelType", equalTo("llama"))
                .body("$", not(hasKey("peftDetails")));
    }

    @Test
    void kindDefaultsToALoraAddonAsInFireworks() {
        asAdmin().body("{\"modelId\": \"no-kind\", \"model\": {\"peftDetails\": {\"baseModel\": \"" + LLAMA_8B
                + "\", \"r\": 8}}}").post(MODELS).then().statusCode(200).body("kind", equalTo("HF_PEFT_ADDON"));
    }

    @Test
    void aDuplicateIdIsAConflict() {
        createLora(ADMIN_KEY, "acme", "twice-lora", LLAMA_8B, 8).then().statusCode(200);
        createLora(ADMIN_KEY, "acme", "twice-lora", LLAMA_8B, 8).then().statusCode(409)
                .body("status", equalTo("ALREADY_EXISTS"));
    }

    @Test
    void badInputIsA400NamingTheField() {
        assertBadField(create("{\"model\": {\"peftDetails\": {\"baseModel\": \"" + LLAMA_8B + "\", \"r\": 8}}}"),
                "modelId");
        assertBadField(create(lora("Bad_Id", LLAMA_8B, 8)), "modelId");
        assertBadField(create("{\"modelId\": \"x\"}"), "model");
        assertBadField(create("{\"modelId\": \"x\", \"model\": {\"kind\": \"HF_PEFT_ADDON\"}}"), "model.peftDetails");
        assertBadField(create("{\"modelId\": \"x\", \"model\": {\"kind\": \"SPACESHIP\"}}"), "model.kind");
        assertBadField(create("{\"modelId\": \"x\", \"model\": {\"kind\": \"FLUMINA_BASE_MODEL\"}}"), "model.kind")
                .body("message", containsString("not supported"));
        assertBadField(create(lora("x", LLAMA_8B, 2)), "model.peftDetails.r");
        assertBadField(create(lora("x", LLAMA_8B, 65)), "model.peftDetails.r");
        assertBadField(create("{\"modelId\": \"x\", \"model\": {\"peftDetails\": {\"baseModel\": \"" + LLAMA_8B
                + "\"}}}"), "model.peftDetails.r");
        assertBadField(create(lora("x", "llama", 8)), "model.peftDetails.baseModel");
        assertBadField(create("{\"modelId\": \"x\", \"model\": {\"peftDetails\": {\"baseModel\": \"" + LLAMA_8B
                + "\", \"r\": 8, \"targetModules\": [\"q_proj\", \"q proj\", \"q_proj\"]}}}"),
                "model.peftDetails.targetModules[1]")
                .body("details.fieldViolations.flatten().field", hasItem("model.peftDetails.targetModules[2]"));
        assertBadField(create("{\"modelId\": \"x\", \"model\": {\"kind\": \"HF_BASE_MODEL\"}}"),
                "model.baseModelDetails");
        assertBadField(create("{\"modelId\": \"x\", \"model\": {\"kind\": \"HF_BASE_MODEL\", \"baseModelDetails\": "
                + "{\"parameterCount\": \"lots\"}}}"), "model.baseModelDetails.parameterCount");
        assertBadField(create("{\"modelId\": \"x\", \"model\": {\"kind\": \"HF_BASE_MODEL\", \"baseModelDetails\": "
                + "{\"parameterCount\": \"-5\"}}}"), "model.baseModelDetails.parameterCount");
        assertBadField(create("{\"modelId\": \"x\", \"model\": {\"kind\": \"HF_BASE_MODEL\", \"baseModelDetails\": "
                + "{\"parameterCount\": \"5\", \"worldSize\": 9, \"checkpointFormat\": \"NATIVE\"}, "
                + "\"peftDetails\": {}}}"), "model.baseModelDetails.worldSize")
                .body("details.fieldViolations.flatten().field", hasItem("model.baseModelDetails.checkpointFormat"))
                .body("details.fieldViolations.flatten().field", hasItem("model.peftDetails"));
        assertBadField(create("{\"modelId\": \"x\", \"model\": {\"peftDetails\": {\"baseModel\": \"" + LLAMA_8B
                + "\", \"r\": 8}, \"baseModelDetails\": {\"parameterCount\": \"5\"}, \"supportsLora\": true}}"),
                "model.baseModelDetails")
                .body("details.fieldViolations.flatten().field", hasItem("model.supportsLora"));
        assertBadField(create("{\"modelId\": \"x\", \"model\": {\"peftDetails\": {\"baseModel\": \"" + LLAMA_8B
                + "\", \"r\": 8}, \"displayName\": \"" + "d".repeat(64) + "\", \"public\": true, "
                + "\"githubUrl\": \"ftp://example.com/x\", \"contextLength\": 0}}"), "model.displayName")
                .body("details.fieldViolations.flatten().field", hasItem("model.public"))
                .body("details.fieldViolations.flatten().field", hasItem("model.githubUrl"))
                .body("details.fieldViolations.flatten().field", hasItem("model.contextLength"));
        assertBadField(create("{\"modelId\": \"x\", \"cluster\": \"accounts/acme/clusters/c\", \"model\": "
                + "{\"peftDetails\": {\"baseModel\": \"" + LLAMA_8B + "\", \"r\": 8}}}"), "cluster");
        assertBadField(create("{\"modelId\": \"x\", \"model\": {\"peftDetails\": {\"baseModel\": \"" + LLAMA_8B
                + "\", \"r\": \"eight\"}}}"), "model.peftDetails.r");
        assertBadField(create("{\"modelId\": \"x\", \"model\": {\"warpDrive\": true}}"), "model.warpDrive");
        assertBadField(create("{\"modelId\": "), "body");
        assertBadField(asAdmin().get(MODELS + "/NOT_AN_ID"), "modelId");
        // What is stored would fail the same way: nothing was created.
        asAdmin().get(MODELS + "/x").then().statusCode(404);
    }

    @Test
    void aLoraNeedsABaseModelThatExistsAndTakesLora() {
        assertBadField(createLora(ADMIN_KEY, "acme", "x", "accounts/fireworks/models/no-such-model", 8),
                "model.peftDetails.baseModel").body("message", containsString("does not exist"));
        assertBadField(createLora(ADMIN_KEY, "acme", "x", "accounts/fireworks/models/gpt-oss-120b", 8),
                "model.peftDetails.baseModel").body("message", containsString("does not support LoRA"));
        assertBadField(createLora(ADMIN_KEY, "acme", "x", "accounts/fireworks/models/nomic-embed-text-v1p5", 8),
                "model.peftDetails.baseModel").body("message", containsString("is an embedding model"));
        createLora(ADMIN_KEY, "acme", "base-lora", LLAMA_8B, 8).then().statusCode(200);
        assertBadField(createLora(ADMIN_KEY, "acme", "x", "accounts/acme/models/base-lora", 8),
                "model.peftDetails.baseModel").body("message", containsString("itself a LoRA addon"));
        createBase(ADMIN_KEY, "acme", "unready-base", 1_000_000_000L).then().statusCode(200);
        assertBadField(createLora(ADMIN_KEY, "acme", "x", "accounts/acme/models/unready-base", 8),
                "model.peftDetails.baseModel").body("message", containsString("UPLOADING"));
        assertBadField(as(ADMIN_KEY).body("{\"modelId\": \"x\", \"model\": {\"contextLength\": 200000, "
                + "\"peftDetails\": {\"baseModel\": \"" + LLAMA_8B + "\", \"r\": 8}}}").post(MODELS),
                "model.contextLength");
    }

    @Test
    void theCatalogIsReadableByEveryAccountAndWritableByNone() {
        String beta = TestAccounts.ordinaryKey("beta", "admin");
        as(beta).get("/v1/accounts/fireworks/models/llama-v3p1-8b-instruct").then().statusCode(200)
                .body("kind", equalTo("HF_BASE_MODEL"))
                .body("state", equalTo("READY"))
                .body("public", equalTo(true))
                .body("supportsLora", equalTo(true))
                .body("baseModelDetails.parameterCount", equalTo("8030000000"));
        as(beta).get("/v1/accounts/fireworks/models/deepseek-v3").then().statusCode(200)
                .body("baseModelDetails.moe", equalTo(true));
        as(beta).get("/v1/accounts/fireworks/models/nomic-embed-text-v1p5").then().statusCode(200)
                .body("kind", equalTo("EMBEDDING_MODEL"))
                .body("supportsLora", equalTo(false));
        as(beta).queryParam("filter", "kind = \"EMBEDDING_MODEL\"").get("/v1/accounts/fireworks/models").then()
                .statusCode(200)
                .body("models.name", equalTo(List.of("accounts/fireworks/models/nomic-embed-text-v1p5")));
        as(beta).get("/v1/accounts/fireworks/models").then().statusCode(200)
                .body("models.name", hasItem(LLAMA_8B));

        for (String key : List.of(beta, ADMIN_KEY)) {
            as(key).body(lora("mine", LLAMA_8B, 8)).post("/v1/accounts/fireworks/models").then().statusCode(403)
                    .body("details[0].reason", equalTo("CATALOG_READ_ONLY"));
            as(key).body("{\"displayName\": \"Mine now\"}").patch("/v1/" + LLAMA_8B).then().statusCode(403)
                    .body("details[0].reason", equalTo("CATALOG_READ_ONLY"));
            as(key).delete("/v1/" + LLAMA_8B).then().statusCode(403)
                    .body("details[0].reason", equalTo("CATALOG_READ_ONLY"));
        }
        as(beta).get("/v1/" + LLAMA_8B).then().statusCode(200).body("displayName", equalTo("Llama 3.1 8B Instruct"));
    }

    @Test
    void anotherAccountsModelIsNotFound() {
        String beta = TestAccounts.ordinaryKey("beta", "admin");
        String gamma = TestAccounts.ordinaryKey("gamma", "admin");
        createLora(beta, "beta", "beta-secret", LLAMA_8B, 8).then().statusCode(200);
        String betaBase = "accounts/beta/models/beta-base";
        createBase(beta, "beta", "beta-base", 1_000_000_000L).then().statusCode(200);

        as(beta).get("/v1/accounts/beta/models/beta-secret").then().statusCode(200);
        for (Response r : List.of(as(gamma).get("/v1/accounts/beta/models/beta-secret"),
                as(gamma).body("{\"displayName\": \"x\"}").patch("/v1/accounts/beta/models/beta-secret"),
                as(gamma).delete("/v1/accounts/beta/models/beta-secret"),
                as(gamma).body("{\"filenameToSize\": {\"a\": \"1\"}}")
                        .post("/v1/accounts/beta/models/beta-secret:getUploadEndpoint"),
                as(gamma).post("/v1/accounts/beta/models/beta-secret:validateUpload"),
                as(gamma).get("/v1/accounts/beta/models/never-there"))) {
            r.then().statusCode(404).body("status", equalTo("NOT_FOUND"))
                    .body("message", containsString("does not exist"));
        }
        as(gamma).get("/v1/accounts/beta/models").then().statusCode(404);
        as(gamma).body(lora("stolen", LLAMA_8B, 8)).post("/v1/accounts/beta/models").then().statusCode(404);
        // Nor can another account build on it: to gamma it does not exist.
        assertBadField(createLora(gamma, "gamma", "on-beta", betaBase, 8), "model.peftDetails.baseModel")
                .body("message", containsString("does not exist"));
        assertBadField(as(gamma).body("{\"baseModel\": \"" + betaBase + "\"}").post("/v1/accounts/gamma/deployments"),
                "baseModel").body("message", containsString("does not exist"));
        as(gamma).get("/v1/accounts/gamma/models").then().statusCode(200)
                .body("models.name", not(hasItem("accounts/beta/models/beta-secret")));
        // The platform admin sees every account.
        asAdmin().get("/v1/accounts/beta/models/beta-secret").then().statusCode(200);
    }

    @Test
    void inferenceOnlyUsersMayReadButNotWrite() {
        String reader = TestAccounts.ordinaryKey("beta", "inference-user");
        String writer = TestAccounts.ordinaryKey("beta", "admin");
        createLora(writer, "beta", "read-me", LLAMA_8B, 8).then().statusCode(200);
        as(reader).get("/v1/accounts/beta/models/read-me").then().statusCode(200);
        createLora(reader, "beta", "not-me", LLAMA_8B, 8).then().statusCode(403)
                .body("details[0].reason", equalTo("ROLE_INFERENCE_ONLY"));
        as(reader).delete("/v1/accounts/beta/models/read-me").then().statusCode(403);
    }

    @Test
    void listsPageFilterAndOrder() {
        for (String id : List.of("list-c", "list-a", "list-e", "list-b", "list-d")) {
            as(ADMIN_KEY).body("{\"modelId\": \"" + id + "\", \"model\": {\"displayName\": \"list-test\", "
                    + "\"peftDetails\": {\"baseModel\": \"" + LLAMA_8B + "\", \"r\": 8}}}").post(MODELS)
                    .then().statusCode(200);
        }
        createBase(ADMIN_KEY, "acme", "list-base", 1_000_000L).then().statusCode(200);
        asAdmin().body("{\"displayName\": \"list-test\"}").patch(MODELS + "/list-base").then().statusCode(200);
        String filter = "displayName = \"list-test\"";

        // By name by default, as Fireworks lists models.
        List<JsonPath> pages = listAll(Map.of("filter", filter, "pageSize", "2"));
        assertThat(pages).hasSize(3);
        assertThat(pages).allSatisfy(p -> assertThat(p.getInt("totalSize")).isEqualTo(6));
        assertThat(pages.get(2).getString("nextPageToken")).isNull();
        assertThat(names(pages)).containsExactly(name("list-a"), name("list-b"), name("list-base"), name("list-c"),
                name("list-d"), name("list-e"));

        List<JsonPath> byTime = listAll(Map.of("filter", filter, "pageSize", "4", "orderBy", "createTime desc"));
        assertThat(names(byTime)).containsExactly(name("list-base"), name("list-d"), name("list-b"), name("list-e"),
                name("list-a"), name("list-c"));

        list(Map.of("filter", filter + " AND kind = \"HF_BASE_MODEL\"")).then().statusCode(200)
                .body("models.name", equalTo(List.of(name("list-base"))));
        list(Map.of("filter", "kind=\"HF_PEFT_ADDON\" AND state=\"UPLOADING\" AND display_name=\"list-test\""))
                .then().statusCode(200).body("totalSize", equalTo(5));
        list(Map.of("filter", filter + " AND state = \"READY\"")).then().statusCode(200)
                .body("totalSize", equalTo(0)).body("$", not(hasKey("nextPageToken")));

        assertBadField(list(Map.of("filter", "uid = \"x\"")), "filter").body("message", containsString("unknown"));
        assertBadField(list(Map.of("filter", "state = \"SLEEPING\"")), "filter");
        assertBadField(list(Map.of("filter", "state != \"READY\"")), "filter");
        assertBadField(list(Map.of("orderBy", "parameterCount")), "orderBy");
        assertBadField(list(Map.of("pageSize", "-1")), "pageSize");
        assertBadField(list(Map.of("pageToken", "garbage")), "pageToken");
        String token = pages.get(0).getString("nextPageToken");
        assertBadField(list(Map.of("filter", "displayName = \"other\"", "pageToken", token)), "pageToken");
    }

    @Test
    void updateChangesTheDescriptiveFieldsOnly() {
        createLora(ADMIN_KEY, "acme", "patch-me", LLAMA_8B, 8).then().statusCode(200);
        String model = MODELS + "/patch-me";
        asAdmin().body("{\"displayName\": \"Patched\", \"description\": \"now described\", "
                + "\"githubUrl\": \"https://github.com/acme/patch-me\"}")
                .patch(model).then().statusCode(200)
                .body("displayName", equalTo("Patched"))
                .body("description", equalTo("now described"))
                .body("githubUrl", equalTo("https://github.com/acme/patch-me"))
                .body("peftDetails.r", equalTo(8));
        asAdmin().get(model).then().statusCode(200).body("displayName", equalTo("Patched"));
        ModelSpec updated = kafka().first(EventTypes.MODEL_UPDATED,
                e -> e.subject().equals(name("patch-me")) && e.data().model().displayName().equals("Patched"),
                EVENT_WAIT).orElseThrow().data().model();
        assertThat(updated.state()).isEqualTo("UPLOADING");

        // Sending back what was read is fine; changing what the model is is not.
        String read = asAdmin().get(model).then().statusCode(200).extract().asString();
        asAdmin().body(read).patch(model).then().statusCode(200).body("displayName", equalTo("Patched"));
        assertBadField(asAdmin().body("{\"kind\": \"HF_BASE_MODEL\"}").patch(model), "kind");
        assertBadField(asAdmin().body("{\"peftDetails\": {\"r\": 16}}").patch(model), "peftDetails.r");
        assertBadField(asAdmin().body("{\"displayName\": \"" + "d".repeat(70) + "\"}").patch(model), "displayName");
        assertBadField(asAdmin().body("{}").patch(model + "?updateMask=kind"), "updateMask");
        // With a mask, exactly the named fields change: description is cleared, displayName stays.
        asAdmin().body("{\"displayName\": \"ignored\"}").patch(model + "?updateMask=description")
                .then().statusCode(200)
                .body("description", equalTo(""))
                .body("displayName", equalTo("Patched"));
        asAdmin().body("{\"displayName\": \"x\"}").patch(MODELS + "/never-there").then().statusCode(404);
    }

    @Test
    void deleteRemovesTheModel() {
        createLora(ADMIN_KEY, "acme", "delete-me", LLAMA_8B, 8).then().statusCode(200);
        String uid = kafka().first(EventTypes.MODEL_CREATED, e -> e.subject().equals(name("delete-me")), EVENT_WAIT)
                .orElseThrow().data().model().uid();
        asAdmin().delete(MODELS + "/delete-me").then().statusCode(200).body("$", equalTo(Map.of()));
        asAdmin().get(MODELS + "/delete-me").then().statusCode(404);
        asAdmin().delete(MODELS + "/delete-me").then().statusCode(404);
        assertThat(kafka().first(EventTypes.MODEL_DELETED, e -> e.subject().equals(name("delete-me")), EVENT_WAIT)
                .orElseThrow().data().uid()).isEqualTo(uid);
        // The name is free again.
        createLora(ADMIN_KEY, "acme", "delete-me", LLAMA_8B, 8).then().statusCode(200);
    }

    private static String lora(String id, String base, int r) {
        return "{\"modelId\": \"" + id + "\", \"model\": {\"peftDetails\": {\"baseModel\": \"" + base + "\", \"r\": "
                + r + "}}}";
    }

    private static Response create(String body) {
        return asAdmin().body(body).post(MODELS);
    }

    private static String name(String id) {
        return "accounts/acme/models/" + id;
    }

    private static Response list(Map<String, String> params) {
        return asAdmin().queryParams(params).get(MODELS);
    }

    private static List<JsonPath> listAll(Map<String, String> params) {
        List<JsonPath> pages = new ArrayList<>();
        String token = null;
        do {
            Map<String, String> p = new HashMap<>(params);
            if (token != null) {
                p.put("pageToken", token);
            }
            JsonPath page = list(p).then().statusCode(200).extract().jsonPath();
            pages.add(page);
            token = page.getString("nextPageToken");
        } while (token != null && pages.size() < 20);
        return pages;
    }

    private static List<String> names(List<JsonPath> pages) {
        List<String> names = new ArrayList<>();
        pages.forEach(p -> names.addAll(p.getList("models.name", String.class)));
        return names;
    }
}
