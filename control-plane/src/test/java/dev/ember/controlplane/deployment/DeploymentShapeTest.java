package dev.ember.controlplane.deployment;

import static dev.ember.controlplane.deployment.DeploymentApiTest.LLAMA_8B;
import static dev.ember.controlplane.deployment.DeploymentApiTest.asAdmin;
import static dev.ember.controlplane.deployment.DeploymentApiTest.kafka;
import static dev.ember.controlplane.deployment.DeploymentUpdateTest.report;
import static dev.ember.controlplane.deployment.DeploymentUpdateTest.updatedOrCreatedUid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;

import dev.ember.common.event.CapacityReported;
import dev.ember.common.event.DeploymentSpec;
import dev.ember.common.event.EventTypes;
import dev.ember.testsupport.EmberInfraResource;

/** Deployments made from shapes, and the serving options shapes set: speculation, addons, context length. */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
class DeploymentShapeTest {

    static final String DEPLOYMENTS = "/v1/accounts/acme/deployments";
    static final String LLAMA_70B = "accounts/fireworks/models/llama-v3p1-70b-instruct";
    static final String GPT_OSS = "accounts/fireworks/models/gpt-oss-120b";
    static final String SHAPES = "accounts/fireworks/deploymentShapes/";

    private static boolean published;

    /** The default inventory's pools (B200s only in the US), so hardware a placement lacks is refused. */
    @BeforeEach
    void pools() {
        if (published) {
            return;
        }
        published = true;
        Map<String, Map<String, Integer>> inventory = Map.of(
                "US_IOWA_1", Map.of("NVIDIA_H100_80GB", 8, "NVIDIA_A100_80GB", 4, "NVIDIA_H200_141GB", 2),
                "US_VIRGINIA_1", Map.of("NVIDIA_H100_80GB", 8, "NVIDIA_H200_141GB", 4, "NVIDIA_B200_180GB", 2),
                "US_TEXAS_1", Map.of("NVIDIA_H100_80GB", 4, "NVIDIA_B200_180GB", 4),
                "EU_FRANKFURT_1", Map.of("NVIDIA_H100_80GB", 4, "NVIDIA_A100_80GB", 4),
                "EU_ICELAND_1", Map.of("NVIDIA_H100_80GB", 2, "NVIDIA_H200_141GB", 2),
                "AP_TOKYO_1", Map.of("NVIDIA_H100_80GB", 2, "NVIDIA_A100_80GB", 2));
        List<CapacityReported.Pool> pools = new ArrayList<>();
        inventory.forEach((region, types) -> types.forEach((type, nodes) -> pools.add(
                new CapacityReported.Pool(region, type, nodes * 8, 0, nodes * 8))));
        kafka().publish(EventTypes.CAPACITY_REPORTED, CapacityReported.KEY, new CapacityReported(pools,
                Instant.now()));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asAdmin().get("/v1/regions/US_TEXAS_1").then()
                .statusCode(200).body("acceleratorTypes.acceleratorType", hasItem("NVIDIA_B200_180GB")));
    }

    /** The name of a shape's latest version. */
    static String latestVersion(String shapeId) {
        return asAdmin().queryParam("filter", "latestValidated = true")
                .get("/v1/" + SHAPES + shapeId + "/versions").then().statusCode(200)
                .extract().jsonPath().getString("deploymentShapeVersions[0].name");
    }

    @Test
    void aShapeFillsHardwareAndSpeculationAndTheDeploymentShowsItsVersion() {
        String version = latestVersion("llama-v3p1-70b-instruct-fast");
        create("from-fast", "{\"baseModel\": \"" + LLAMA_70B + "\", \"deploymentShape\": \"" + SHAPES
                + "llama-v3p1-70b-instruct-fast\"}")
                .statusCode(200)
                .body("deploymentShape", equalTo(version))
                .body("acceleratorType", equalTo("NVIDIA_B200_180GB"))
                .body("acceleratorCount", equalTo(2))
                .body("precision", equalTo("FP8"))
                .body("draftModel", equalTo(LLAMA_8B))
                .body("draftTokenCount", equalTo(4))
                .body("$", not(hasKey("ngramSpeculationLength")));
        asAdmin().get(DEPLOYMENTS + "/from-fast").then().statusCode(200).body("deploymentShape", equalTo(version));

        DeploymentSpec spec = kafka().first(EventTypes.DEPLOYMENT_CREATED,
                e -> e.subject().equals("accounts/acme/deployments/from-fast"), Duration.ofSeconds(20))
                .orElseThrow().data().deployment();
        assertThat(spec.draftModel().name()).isEqualTo(LLAMA_8B);
        assertThat(spec.draftModel().parameterCount()).isEqualTo(8_030_000_000L);
        assertThat(spec.draftTokenCount()).isEqualTo(4);
        assertThat(spec.acceleratorType()).isEqualTo("NVIDIA_B200_180GB");
        assertThat(spec.servingOptions()).contains("draftModel=" + LLAMA_8B);
    }

    @Test
    void aPresetOrAVersionNameWorksAsWell() {
        create("from-preset", "{\"baseModel\": \"" + LLAMA_8B + "\", \"deploymentShape\": \"throughput\"}")
                .statusCode(200)
                .body("deploymentShape", equalTo(latestVersion("llama-v3p1-8b-instruct-throughput")))
                .body("acceleratorType", equalTo("NVIDIA_H100_80GB"))
                .body("acceleratorCount", equalTo(1))
                .body("$", not(hasKey("draftTokenCount")));
        String version = SHAPES + "llama-v3p1-8b-instruct-minimal/versions/1";
        create("from-version", "{\"baseModel\": \"" + LLAMA_8B + "\", \"deploymentShape\": \"" + version + "\"}")
                .statusCode(200)
                .body("deploymentShape", equalTo(version))
                .body("acceleratorType", equalTo("NVIDIA_A100_80GB"));
        // n-gram speculation from the 8B's FAST shape; repeating the shape's own values is no conflict.
        create("from-fast-8b", "{\"baseModel\": \"" + LLAMA_8B + "\", \"deploymentShape\": \"FAST\", "
                + "\"acceleratorType\": \"NVIDIA_B200_180GB\", \"precision\": \"FP8\"}")
                .statusCode(200)
                .body("ngramSpeculationLength", equalTo(3))
                .body("draftTokenCount", equalTo(4))
                .body("$", not(hasKey("draftModel")));
    }

    @Test
    void disableSpeculativeDecodingDropsTheShapesSpeculation() {
        asAdmin().body("{\"baseModel\": \"" + LLAMA_70B + "\", \"deploymentShape\": \"fast\"}")
                .post(DEPLOYMENTS + "?deploymentId=fast-plain&disableSpeculativeDecoding=true")
                .then().statusCode(200)
                .body("acceleratorType", equalTo("NVIDIA_B200_180GB"))
                .body("$", not(hasKey("draftModel")))
                .body("$", not(hasKey("draftTokenCount")));
        badField(asAdmin().body("{\"baseModel\": \"" + LLAMA_70B + "\", \"draftModel\": \"" + LLAMA_8B + "\"}")
                .post(DEPLOYMENTS + "?disableSpeculativeDecoding=true"), "draftModel");
        badField(asAdmin().body("{\"baseModel\": \"" + LLAMA_70B + "\"}")
                .post(DEPLOYMENTS + "?disableSpeculativeDecoding=maybe"), "disableSpeculativeDecoding");
    }

    @Test
    void fieldsThatConflictWithTheShapeAreA400NamingThem() {
        String fast = "\"baseModel\": \"" + LLAMA_70B + "\", \"deploymentShape\": \"" + SHAPES
                + "llama-v3p1-70b-instruct-fast\"";
        badField(create("conflict", "{" + fast + ", \"acceleratorType\": \"NVIDIA_H100_80GB\"}"), "acceleratorType")
                .body("message", containsString("NVIDIA_B200_180GB"));
        badField(create("conflict", "{" + fast + ", \"acceleratorCount\": 4}"), "acceleratorCount");
        badField(create("conflict", "{" + fast + ", \"precision\": \"FP16\"}"), "precision");
        badField(create("conflict", "{" + fast + ", \"draftTokenCount\": 6}"), "draftTokenCount");
        // The shape speculates with a draft model; n-gram speculation besides it is one method too many.
        badField(create("conflict", "{" + fast + ", \"ngramSpeculationLength\": 2}"), "ngramSpeculationLength");
        asAdmin().get(DEPLOYMENTS + "/conflict").then().statusCode(404);
    }

    @Test
    void badShapesAreA400NamingDeploymentShape() {
        badField(create("bad-shape", "{\"baseModel\": \"" + LLAMA_8B + "\", \"deploymentShape\": \"" + SHAPES
                + "llama-v3p1-70b-instruct-fast\"}"), "deploymentShape")
                .body("message", containsString("is a shape for " + LLAMA_70B));
        badField(create("bad-shape", "{\"baseModel\": \"" + LLAMA_8B + "\", \"deploymentShape\": \"" + SHAPES
                + "no-such-shape\"}"), "deploymentShape").body("message", containsString("does not exist"));
        badField(create("bad-shape", "{\"baseModel\": \"" + LLAMA_8B + "\", \"deploymentShape\": \"" + SHAPES
                + "llama-v3p1-8b-instruct-fast/versions/99\"}"), "deploymentShape");
        badField(create("bad-shape", "{\"baseModel\": \"" + LLAMA_8B + "\", \"deploymentShape\": \"speedy\"}"),
                "deploymentShape");
        badField(create("bad-shape", "{\"baseModel\": \"" + LLAMA_8B + "\", \"deploymentShape\": "
                + "\"accounts/fireworks/shapes/x\"}"), "deploymentShape");
        badField(asAdmin().body("{\"baseModel\": \"" + LLAMA_8B + "\"}")
                .post(DEPLOYMENTS + "?skipShapeValidation=1"), "skipShapeValidation");
        // FAST runs on B200s, which no European region offers.
        badField(create("bad-shape", "{\"baseModel\": \"" + LLAMA_8B + "\", \"deploymentShape\": \"fast\", "
                + "\"placement\": {\"multiRegion\": \"EUROPE\"}}"), "acceleratorType")
                .body("message", containsString("not offered in EUROPE"));
        asAdmin().get(DEPLOYMENTS + "/bad-shape").then().statusCode(404);
    }

    @Test
    void servingOptionsAreStoredShownAndPublished() {
        create("serving", "{\"baseModel\": \"" + LLAMA_70B + "\", \"draftModel\": \"" + LLAMA_8B + "\", "
                + "\"enableAddons\": true, \"maxContextLength\": 32768}")
                .statusCode(200)
                .body("draftModel", equalTo(LLAMA_8B))
                .body("draftTokenCount", equalTo(4))
                .body("enableAddons", equalTo(true))
                .body("maxContextLength", equalTo(32768))
                .body("$", not(hasKey("deploymentShape")))
                // The draft's 8 GB join the 70.6 GB of weights: still two H100s.
                .body("acceleratorCount", equalTo(2));
        DeploymentSpec spec = kafka().first(EventTypes.DEPLOYMENT_CREATED,
                e -> e.subject().equals("accounts/acme/deployments/serving"), Duration.ofSeconds(20))
                .orElseThrow().data().deployment();
        assertThat(spec.enableAddons()).isTrue();
        assertThat(spec.maxContextLength()).isEqualTo(32768);
        assertThat(spec.contextLength()).isEqualTo(32768);
        assertThat(spec.draftModel().name()).isEqualTo(LLAMA_8B);

        create("ngram", "{\"baseModel\": \"" + LLAMA_8B + "\", \"ngramSpeculationLength\": 5, "
                + "\"draftTokenCount\": 7, \"maxContextLength\": 0}")
                .statusCode(200)
                .body("ngramSpeculationLength", equalTo(5))
                .body("draftTokenCount", equalTo(7))
                .body("$", not(hasKey("maxContextLength")))
                .body("$", not(hasKey("enableAddons")));
    }

    @Test
    void badServingOptionsAreA400NamingTheField() {
        badField(create("bad-serving", "{\"baseModel\": \"" + LLAMA_70B + "\", \"draftModel\": "
                + "\"accounts/fireworks/models/no-such-draft\"}"), "draftModel")
                .body("message", containsString("does not exist"));
        badField(create("bad-serving", "{\"baseModel\": \"" + LLAMA_8B + "\", \"draftModel\": \"" + LLAMA_70B
                + "\"}"), "draftModel").body("message", containsString("smaller"));
        badField(create("bad-serving", "{\"baseModel\": \"" + LLAMA_8B + "\", \"draftModel\": \"" + LLAMA_8B
                + "\"}"), "draftModel");
        badField(create("bad-serving", "{\"baseModel\": \"" + LLAMA_8B + "\", \"draftModel\": \"llama\"}"),
                "draftModel");
        badField(create("bad-serving", "{\"baseModel\": \"" + LLAMA_70B + "\", \"draftModel\": \"" + LLAMA_8B
                + "\", \"draftTokenCount\": 17}"), "draftTokenCount");
        badField(create("bad-serving", "{\"baseModel\": \"" + LLAMA_8B + "\", \"draftTokenCount\": 4}"),
                "draftTokenCount").body("message", containsString("speculative decoding"));
        badField(create("bad-serving", "{\"baseModel\": \"" + LLAMA_8B + "\", \"ngramSpeculationLength\": -1}"),
                "ngramSpeculationLength");
        badField(create("bad-serving", "{\"baseModel\": \"" + LLAMA_70B + "\", \"draftModel\": \"" + LLAMA_8B
                + "\", \"ngramSpeculationLength\": 3}"), "ngramSpeculationLength");
        badField(create("bad-serving", "{\"baseModel\": \"" + LLAMA_8B + "\", \"maxContextLength\": 131073}"),
                "maxContextLength").body("message", containsString("131072"));
        badField(create("bad-serving", "{\"baseModel\": \"" + LLAMA_8B + "\", \"maxContextLength\": -5}"),
                "maxContextLength");
        badField(create("bad-serving", "{\"baseModel\": \"" + GPT_OSS + "\", \"enableAddons\": true}"),
                "enableAddons").body("message", containsString("LoRA"));
        badField(create("bad-serving", "{\"baseModel\": \"" + LLAMA_8B + "\", \"enableAddons\": \"yes\"}"),
                "enableAddons");
        badField(create("bad-serving", "{\"baseModel\": \"" + LLAMA_8B + "\", \"draftTokenCount\": 2.5}"),
                "draftTokenCount");
        asAdmin().get(DEPLOYMENTS + "/bad-serving").then().statusCode(404);
    }

    @Test
    void anUpdateKeepsTheShapeUntilOneOfItsFieldsChanges() {
        String version = latestVersion("llama-v3p1-8b-instruct-fast");
        create("patch-shape", "{\"baseModel\": \"" + LLAMA_8B + "\", \"deploymentShape\": \"fast\"}")
                .statusCode(200).body("deploymentShape", equalTo(version));
        String path = DEPLOYMENTS + "/patch-shape";

        patch(path, "", "{\"displayName\": \"renamed\", \"enableAddons\": true}").statusCode(200)
                .body("deploymentShape", equalTo(version))
                .body("enableAddons", equalTo(true));
        patch(path, "updateMask=draftTokenCount", "{\"draftTokenCount\": 2}").statusCode(200)
                .body("$", not(hasKey("deploymentShape")))
                .body("draftTokenCount", equalTo(2))
                .body("ngramSpeculationLength", equalTo(3))
                .body("acceleratorType", equalTo("NVIDIA_B200_180GB"));

        // A new shape replaces hardware and speculation; fields the update names must agree with it.
        patch(path, "", "{\"deploymentShape\": \"minimal\"}").statusCode(200)
                .body("deploymentShape", equalTo(latestVersion("llama-v3p1-8b-instruct-minimal")))
                .body("acceleratorType", equalTo("NVIDIA_A100_80GB"))
                .body("$", not(hasKey("ngramSpeculationLength")))
                .body("$", not(hasKey("draftTokenCount")))
                .body("enableAddons", equalTo(true));
        badField(asAdmin().body("{\"deploymentShape\": \"fast\", \"acceleratorCount\": 8}").patch(path),
                "acceleratorCount");
        badField(asAdmin().body("{\"deploymentShape\": \"accounts/fireworks/deploymentShapes/gpt-oss-120b-fast\"}")
                .patch(path), "deploymentShape");
        badField(asAdmin().body("{\"maxContextLength\": 200000}").patch(path), "maxContextLength");
        badField(asAdmin().body("{\"draftModel\": \"" + LLAMA_70B + "\"}").patch(path), "draftModel");
        // Leaving the shape keeps its hardware.
        patch(path, "updateMask=deploymentShape", "{}").statusCode(200)
                .body("$", not(hasKey("deploymentShape")))
                .body("acceleratorType", equalTo("NVIDIA_A100_80GB"));
    }

    @Test
    void newServingOptionsRollOutLikeNewHardware() {
        create("patch-serving", "{\"baseModel\": \"" + LLAMA_8B + "\"}").statusCode(200);
        String path = DEPLOYMENTS + "/patch-serving";
        String name = "accounts/acme/deployments/patch-serving";
        String uid = updatedOrCreatedUid(name);
        report(name, uid, 1, 1, 1, 1, 0, false);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asAdmin().get(path).then()
                .body("state", equalTo("READY")));

        patch(path, "", "{\"maxContextLength\": 16384}").statusCode(200)
                .body("state", equalTo("UPDATING"))
                .body("maxContextLength", equalTo(16384))
                .body("status.message", containsString("maxContextLength=16384"));
        DeploymentSpec updated = kafka().first(EventTypes.DEPLOYMENT_UPDATED, e -> e.subject().equals(name)
                && e.data().deployment().generation() == 2, Duration.ofSeconds(20)).orElseThrow().data()
                .deployment();
        assertThat(updated.maxContextLength()).isEqualTo(16384);
    }

    private static ValidatableResponse create(String id, String body) {
        return asAdmin().body(body).post(DEPLOYMENTS + "?deploymentId=" + id).then();
    }

    private static ValidatableResponse patch(String path, String query, String body) {
        return asAdmin().body(body).patch(path + (query.isEmpty() ? "" : "?" + query)).then();
    }

    static ValidatableResponse badField(ValidatableResponse response, String field) {
        return response.statusCode(400)
                .body("status", equalTo("INVALID_ARGUMENT"))
                .body("details.fieldViolations.flatten().field", hasItem(field));
    }

    static ValidatableResponse badField(Response response, String field) {
        return badField(response.then(), field);
    }
}
