package dev.ember.controlplane.shape;

import static dev.ember.controlplane.deployment.DeploymentApiTest.LLAMA_8B;
import static dev.ember.controlplane.deployment.DeploymentApiTest.asAdmin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
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
import io.restassured.response.ValidatableResponse;

import dev.ember.controlplane.Platform;
import dev.ember.testsupport.EmberInfraResource;

/** The catalog's deployment shapes and their versions, as seeded at start, through the REST API. */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
public class DeploymentShapeApiTest {

    public static final String SHAPES = "/v1/accounts/fireworks/deploymentShapes";
    static final String LLAMA_70B = "accounts/fireworks/models/llama-v3p1-70b-instruct";
    /** The shipped catalog's models: those that generate text have three shapes, embedding models one. */
    static final int CATALOG_MODELS = 6;
    static final int EMBEDDING_MODELS = 1;
    static final int GENERATIVE_MODELS = CATALOG_MODELS - EMBEDDING_MODELS;
    static final int CATALOG_SHAPES = GENERATIVE_MODELS * 3 + EMBEDDING_MODELS;
    static final String NOMIC = "accounts/fireworks/models/nomic-embed-text-v1p5";

    @Test
    void everyGenerativeCatalogModelHasThreeShapesListedInPages() {
        List<String> names = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            Map<String, Object> params = new HashMap<>(Map.of("pageSize", "4", "orderBy", "name"));
            if (token != null) {
                params.put("pageToken", token);
            }
            JsonPath page = asAdmin().queryParams(params).get(SHAPES).then().statusCode(200)
                    .body("totalSize", equalTo(CATALOG_SHAPES)).extract().jsonPath();
            names.addAll(page.getList("deploymentShapes.name"));
            token = page.getString("nextPageToken");
            pages++;
        } while (token != null);
        assertThat(pages).isEqualTo((CATALOG_SHAPES + 3) / 4);
        assertThat(names).hasSize(CATALOG_SHAPES).doesNotHaveDuplicates().isSorted()
                .contains(SHAPES.substring(4) + "/llama-v3p1-8b-instruct-fast",
                        SHAPES.substring(4) + "/deepseek-v3-minimal");

        asAdmin().queryParam("targetModel", LLAMA_8B).get(SHAPES).then().statusCode(200)
                .body("totalSize", equalTo(3))
                // Seeded together, so in name order.
                .body("deploymentShapes.presetType", equalTo(List.of("FAST", "MINIMAL", "THROUGHPUT")))
                .body("deploymentShapes.baseModel", everyItem(equalTo(LLAMA_8B)));
        asAdmin().queryParam("filter", "presetType = \"FAST\"").get(SHAPES).then().statusCode(200)
                .body("totalSize", equalTo(GENERATIVE_MODELS))
                .body("deploymentShapes.presetType", everyItem(equalTo("FAST")));
        asAdmin().queryParam("filter", "base_model = \"" + LLAMA_70B + "\" AND preset_type = \"MINIMAL\"")
                .get(SHAPES).then().statusCode(200)
                .body("deploymentShapes.name", equalTo(List.of("accounts/fireworks/deploymentShapes/"
                        + "llama-v3p1-70b-instruct-minimal")));
    }

    @Test
    void anEmbeddingModelHasOneThroughputShapeWithoutSpeculation() {
        asAdmin().queryParam("targetModel", NOMIC).get(SHAPES).then().statusCode(200)
                .body("totalSize", equalTo(1))
                .body("deploymentShapes[0].name", equalTo("accounts/fireworks/deploymentShapes/"
                        + "nomic-embed-text-v1p5-throughput"))
                .body("deploymentShapes[0].presetType", equalTo("THROUGHPUT"))
                .body("deploymentShapes[0].modelType", equalTo("EMBEDDING_MODEL"))
                .body("deploymentShapes[0].acceleratorType", equalTo("NVIDIA_A100_80GB"))
                .body("deploymentShapes[0].acceleratorCount", equalTo(1))
                .body("deploymentShapes[0].precision", equalTo("FP16"))
                .body("deploymentShapes[0]", not(hasKey("draftModel")))
                .body("deploymentShapes[0]", not(hasKey("ngramSpeculationLength")));
        asAdmin().get(SHAPES + "/nomic-embed-text-v1p5-fast").then().statusCode(404);
    }

    @Test
    void aShapeShowsItsLatestVersionsSettings() {
        asAdmin().get(SHAPES + "/llama-v3p1-70b-instruct-fast").then().statusCode(200)
                .body("name", equalTo("accounts/fireworks/deploymentShapes/llama-v3p1-70b-instruct-fast"))
                .body("displayName", equalTo("Llama 3.1 70B Instruct Fast"))
                .body("description", containsString("Lowest latency"))
                .body("baseModel", equalTo(LLAMA_70B))
                .body("modelType", equalTo("HF_BASE_MODEL"))
                .body("parameterCount", equalTo("70600000000"))
                .body("presetType", equalTo("FAST"))
                .body("acceleratorType", equalTo("NVIDIA_B200_180GB"))
                .body("acceleratorCount", equalTo(2))
                .body("precision", equalTo("FP8"))
                .body("draftModel", equalTo(LLAMA_8B))
                .body("draftTokenCount", equalTo(4))
                .body("$", not(hasKey("ngramSpeculationLength")))
                .body("$", not(hasKey("maxContextLength")));
        asAdmin().get(SHAPES + "/llama-v3p1-8b-instruct-minimal?skipShapeValidation=true").then().statusCode(200)
                .body("acceleratorType", equalTo("NVIDIA_A100_80GB"))
                .body("acceleratorCount", equalTo(1))
                .body("$", not(hasKey("draftModel")))
                .body("$", not(hasKey("draftTokenCount")));
        asAdmin().get(SHAPES + "/llama-v3p1-8b-instruct-fast").then().statusCode(200)
                .body("ngramSpeculationLength", equalTo(3))
                .body("draftTokenCount", equalTo(4));
    }

    @Test
    void versionsAreImmutableSnapshotsWithTheLatestMarked() {
        String shape = SHAPES + "/gpt-oss-120b-throughput";
        JsonPath versions = asAdmin().get(shape + "/versions").then().statusCode(200)
                .body("totalSize", equalTo(1)).extract().jsonPath();
        String name = versions.getString("deploymentShapeVersions[0].name");
        assertThat(name).isEqualTo("accounts/fireworks/deploymentShapes/gpt-oss-120b-throughput/versions/1");
        assertThat(versions.getBoolean("deploymentShapeVersions[0].latestValidated")).isTrue();
        assertThat(versions.getBoolean("deploymentShapeVersions[0].validated")).isTrue();
        assertThat(versions.getBoolean("deploymentShapeVersions[0].public")).isTrue();

        JsonPath version = asAdmin().get("/v1/" + name).then().statusCode(200)
                .body("snapshot.name", equalTo("accounts/fireworks/deploymentShapes/gpt-oss-120b-throughput"))
                .body("snapshot.acceleratorType", equalTo("NVIDIA_H200_141GB"))
                .body("snapshot.acceleratorCount", equalTo(2))
                .extract().jsonPath();
        Map<String, Object> current = asAdmin().get(shape).then().statusCode(200).extract().jsonPath().getMap("$");
        assertThat(version.getMap("snapshot")).isEqualTo(current);
    }

    @Test
    void versionsForOneBaseModelAcrossItsShapes() {
        asAdmin().queryParam("filter", "baseModel=\"" + LLAMA_8B + "\"").get(SHAPES + "/-/versions")
                .then().statusCode(200)
                .body("totalSize", equalTo(3))
                .body("deploymentShapeVersions.snapshot.baseModel", everyItem(equalTo(LLAMA_8B)))
                .body("deploymentShapeVersions.snapshot.presetType", hasItem("MINIMAL"))
                .body("deploymentShapeVersions.latestValidated", everyItem(equalTo(true)));
        // The proto-style names and a boolean condition, as generated clients send them.
        asAdmin().queryParam("filter", "snapshot.base_model = \"" + LLAMA_8B + "\" AND latest_validated = true "
                + "AND snapshot.preset_type = \"FAST\"").get(SHAPES + "/-/versions")
                .then().statusCode(200)
                .body("deploymentShapeVersions.name", equalTo(List.of("accounts/fireworks/deploymentShapes/"
                        + "llama-v3p1-8b-instruct-fast/versions/1")));
        asAdmin().queryParam("filter", "latestValidated = false").get(SHAPES + "/-/versions")
                .then().statusCode(200).body("totalSize", equalTo(0));
        // Every version of the catalog, seven at a time, newest first: each once.
        List<String> names = new ArrayList<>();
        String token = null;
        do {
            Map<String, Object> params = new HashMap<>(Map.of("pageSize", "7", "orderBy", "createTime desc"));
            if (token != null) {
                params.put("pageToken", token);
            }
            JsonPath page = asAdmin().queryParams(params).get(SHAPES + "/-/versions").then().statusCode(200)
                    .extract().jsonPath();
            names.addAll(page.getList("deploymentShapeVersions.name"));
            token = page.getString("nextPageToken");
        } while (token != null);
        assertThat(names).hasSizeGreaterThanOrEqualTo(CATALOG_SHAPES).doesNotHaveDuplicates();
    }

    @Test
    void catalogShapesArePublicOtherAccountsShapesAreNot() {
        Platform.createAccount("shape-reader");
        String key = Platform.userWithKey("shape-reader", "reader", "user");
        Platform.as(key).get(SHAPES + "/llama-v3p1-8b-instruct-fast").then().statusCode(200);
        Platform.as(key).get(SHAPES + "/-/versions").then().statusCode(200);
        // Another account's shapes are invisible, as its other resources are (ADR 11).
        Platform.assertNotFound(Platform.as(key).get("/v1/accounts/acme/deploymentShapes"));
        Platform.as(key).get("/v1/accounts/shape-reader/deploymentShapes").then().statusCode(200)
                .body("totalSize", equalTo(0));
    }

    @Test
    void unknownShapesAndVersionsAre404() {
        asAdmin().get(SHAPES + "/no-such-shape").then().statusCode(404).body("status", equalTo("NOT_FOUND"));
        asAdmin().get(SHAPES + "/no-such-shape/versions").then().statusCode(404);
        asAdmin().get(SHAPES + "/llama-v3p1-8b-instruct-fast/versions/99").then().statusCode(404)
                .body("message", containsString("versions/99"));
        asAdmin().get(SHAPES + "/llama-v3p1-8b-instruct-fast/versions/01").then().statusCode(404);
        asAdmin().get("/v1/accounts/nobody/deploymentShapes").then().statusCode(404);
    }

    @Test
    void badParametersAreA400NamingTheParameter() {
        badField(asAdmin().get(SHAPES + "/Not_An_Id"), "deploymentShapeId");
        badField(asAdmin().get(SHAPES + "/Not_An_Id/versions"), "deploymentShapeId");
        badField(asAdmin().queryParam("filter", "state = \"READY\"").get(SHAPES), "filter")
                .body("message", containsString("unknown field 'state'"));
        badField(asAdmin().queryParam("filter", "presetType != \"FAST\"").get(SHAPES), "filter");
        badField(asAdmin().queryParam("filter", "latestValidated = \"yes\"").get(SHAPES + "/-/versions"), "filter");
        badField(asAdmin().queryParam("filter", "baseModel = unquoted").get(SHAPES + "/-/versions"), "filter");
        badField(asAdmin().queryParam("orderBy", "acceleratorCount").get(SHAPES), "orderBy");
        badField(asAdmin().queryParam("pageSize", "-3").get(SHAPES), "pageSize");
        badField(asAdmin().queryParam("pageToken", "garbage").get(SHAPES), "pageToken");
        badField(asAdmin().queryParam("readMask", "displayName").get(SHAPES + "/llama-v3p1-8b-instruct-fast"),
                "readMask");
        badField(asAdmin().queryParam("targetModel", "llama").get(SHAPES), "targetModel");
        badField(asAdmin().queryParam("skipShapeValidation", "yes").get(SHAPES + "/llama-v3p1-8b-instruct-fast"),
                "skipShapeValidation");
        // A token from one list is refused by another.
        String token = asAdmin().queryParam("pageSize", "1").get(SHAPES).then().statusCode(200).extract()
                .jsonPath().getString("nextPageToken");
        badField(asAdmin().queryParams(Map.of("pageSize", "1", "pageToken", token, "filter",
                "presetType = \"FAST\"")).get(SHAPES), "pageToken");
    }

    static ValidatableResponse badField(Response response, String field) {
        return response.then().statusCode(400)
                .body("status", equalTo("INVALID_ARGUMENT"))
                .body("details.fieldViolations.flatten().field", hasItem(field));
    }
}
