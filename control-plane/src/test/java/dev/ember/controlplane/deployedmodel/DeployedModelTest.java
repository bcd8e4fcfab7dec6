package dev.ember.controlplane.deployedmodel;

import static dev.ember.controlplane.TestAccounts.ADMIN_KEY;
import static dev.ember.controlplane.TestAccounts.as;
import static dev.ember.controlplane.TestAccounts.asAdmin;
import static dev.ember.controlplane.model.ModelFixtures.EVENT_WAIT;
import static dev.ember.controlplane.model.ModelFixtures.LLAMA_70B;
import static dev.ember.controlplane.model.ModelFixtures.LLAMA_8B;
import static dev.ember.controlplane.model.ModelFixtures.assertBadField;
import static dev.ember.controlplane.model.ModelFixtures.assertFailedPrecondition;
import static dev.ember.controlplane.model.ModelFixtures.createLora;
import static dev.ember.controlplane.model.ModelFixtures.kafka;
import static dev.ember.controlplane.model.ModelFixtures.readyBase;
import static dev.ember.controlplane.model.ModelFixtures.readyLora;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dev.ember.common.event.DeployedModelDeleted;
import dev.ember.common.event.DeployedModelSpec;
import dev.ember.common.event.DeploymentStatusReported;
import dev.ember.common.event.Event;
import dev.ember.common.event.EventTypes;
import dev.ember.common.event.ReplicaStats;
import dev.ember.controlplane.TestAccounts;
import dev.ember.testsupport.EmberInfraResource;

/** Loading LoRA addons onto deployments (deployed models): states, events, checks, and what they block. */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
class DeployedModelTest {

    static final String DEPLOYED_MODELS = "/v1/accounts/acme/deployedModels";
    static final Duration STATE_WAIT = Duration.ofSeconds(30);

    @Test
    void aLoraIsDeployingUntilItsDeploymentIsReadyThenDeployedThenUnloaded() {
        String lora = readyLora(ADMIN_KEY, "acme", "life-lora", LLAMA_8B);
        String deployment = deployment("life-deploy", LLAMA_8B);

        load("life-dm", lora, deployment).then().statusCode(200)
                .body("name", equalTo("accounts/acme/deployedModels/life-dm"))
                .body("model", equalTo(lora))
                .body("deployment", equalTo(deployment))
                .body("state", equalTo("DEPLOYING"))
                .body("default", equalTo(true))
                .body("serverless", equalTo(false))
                .body("status.message", containsString("waiting for deployment"));

        makeReady(deployment);
        await().atMost(STATE_WAIT).untilAsserted(() -> asAdmin().get(DEPLOYED_MODELS + "/life-dm")
                .then().statusCode(200).body("state", equalTo("DEPLOYED")).body("status.message", equalTo("")));
        asAdmin().get("/v1/" + lora).then().statusCode(200)
                .body("deployedModelRefs[0].name", equalTo("accounts/acme/deployedModels/life-dm"))
                .body("deployedModelRefs[0].deployment", equalTo(deployment))
                .body("deployedModelRefs[0].state", equalTo("DEPLOYED"))
                .body("deployedModelRefs[0].default", equalTo(true));

        asAdmin().delete(DEPLOYED_MODELS + "/life-dm").then().statusCode(200).body("$", equalTo(Map.of()));
        await().atMost(STATE_WAIT).untilAsserted(() -> asAdmin().get(DEPLOYED_MODELS + "/life-dm")
                .then().statusCode(404));

        String name = "accounts/acme/deployedModels/life-dm";
        List<String> states = kafka().all(EventTypes.DEPLOYED_MODEL_UPDATED, Duration.ofSeconds(5)).stream()
                .filter(e -> e.subject().equals(name)).map(e -> e.data().deployedModel().state()).toList();
        assertThat(states).containsExactly("DEPLOYING", "DEPLOYED", "UNDEPLOYING");
        DeployedModelSpec deployed = kafka().first(EventTypes.DEPLOYED_MODEL_UPDATED,
                e -> e.subject().equals(name) && e.data().deployedModel().state().equals("DEPLOYED"), EVENT_WAIT)
                .orElseThrow().data().deployedModel();
        assertThat(deployed.model()).isEqualTo(lora);
        assertThat(deployed.baseModel()).isEqualTo(LLAMA_8B);
        assertThat(deployed.deployment()).isEqualTo(deployment);
        assertThat(deployed.loraRank()).isEqualTo(16);
        assertThat(deployed.generation()).isEqualTo(2);
        DeployedModelDeleted deleted = kafka().first(EventTypes.DEPLOYED_MODEL_DELETED,
                e -> e.subject().equals(name), EVENT_WAIT).orElseThrow().data();
        assertThat(deleted.uid()).isEqualTo(deployed.uid());
        assertThat(deleted.reason()).contains("unloaded by user");

        // Unloaded, the addon is free to go.
        asAdmin().delete("/v1/" + lora).then().statusCode(200);
    }

    @Test
    void onAReadyDeploymentALoraIsDeployedAtOnce() {
        String lora = readyLora(ADMIN_KEY, "acme", "quick-lora", LLAMA_8B);
        String deployment = deployment("quick-deploy", LLAMA_8B);
        makeReady(deployment);
        await().atMost(STATE_WAIT).untilAsserted(() -> asAdmin().get("/v1/" + deployment)
                .then().body("state", equalTo("READY")));

        // No ID given: one is made from the model's.
        asAdmin().body("{\"model\": \"" + lora + "\", \"deployment\": \"" + deployment + "\"}").post(DEPLOYED_MODELS)
                .then().statusCode(200)
                .body("name", startsWith("accounts/acme/deployedModels/quick-lora-"))
                .body("state", equalTo("DEPLOYED"));
    }

    @Test
    void theFirstCopyIsTheDefaultAndTheDefaultMoves() {
        String lora = readyLora(ADMIN_KEY, "acme", "twin-lora", LLAMA_8B);
        String first = deployment("twin-a", LLAMA_8B);
        String second = deployment("twin-b", LLAMA_8B);
        load("twin-a-dm", lora, first).then().statusCode(200).body("default", equalTo(true));
        load("twin-b-dm", lora, second).then().statusCode(200).body("default", equalTo(false));
        // The same addon twice on one deployment is refused.
        load("twin-a-again", lora, first).then().statusCode(409).body("status", equalTo("ALREADY_EXISTS"))
                .body("message", containsString("twin-a-dm"));

        asAdmin().body("{\"default\": true, \"displayName\": \"B\"}").patch(DEPLOYED_MODELS + "/twin-b-dm")
                .then().statusCode(200).body("default", equalTo(true)).body("displayName", equalTo("B"));
        asAdmin().get(DEPLOYED_MODELS + "/twin-a-dm").then().body("default", equalTo(false));
        assertBadField(asAdmin().body("{\"default\": false}").patch(DEPLOYED_MODELS + "/twin-b-dm"), "default");
        assertBadField(asAdmin().body("{\"deployment\": \"" + first + "\"}").patch(DEPLOYED_MODELS + "/twin-b-dm"),
                "deployment");

        // Unloading the default makes the other copy the default.
        asAdmin().delete(DEPLOYED_MODELS + "/twin-b-dm").then().statusCode(200);
        asAdmin().get(DEPLOYED_MODELS + "/twin-a-dm").then().body("default", equalTo(true));
    }

    @Test
    void aLoraOnlyGoesOntoALiveDeploymentOfItsBaseModel() {
        String lora = readyLora(ADMIN_KEY, "acme", "picky-lora", LLAMA_8B);
        String big = deployment("picky-70b", LLAMA_70B);
        assertBadField(load("x", lora, big), "deployment")
                .body("message", containsString("trained on '" + LLAMA_8B + "'"));
        String right = deployment("picky-8b", LLAMA_8B);
        assertBadField(load("x", LLAMA_8B, right), "model").body("message", containsString("of account 'acme'"));
        String base = readyBase(ADMIN_KEY, "acme", "picky-base");
        assertBadField(load("x", base, right), "model").body("message", containsString("not a LoRA addon"));
        assertBadField(load("x", "accounts/acme/models/no-such-lora", right), "model")
                .body("message", containsString("does not exist"));
        createLora(ADMIN_KEY, "acme", "picky-unready", LLAMA_8B, 8).then().statusCode(200);
        assertBadField(load("x", "accounts/acme/models/picky-unready", right), "model")
                .body("message", containsString("UPLOADING"));
        assertBadField(load("x", lora, "accounts/acme/deployments/no-such-deployment"), "deployment");
        asAdmin().delete("/v1/" + right).then().statusCode(200);
        assertBadField(load("x", lora, right), "deployment").body("message", containsString("deleted"));

        String live = deployment("picky-live", LLAMA_8B);
        assertBadField(load("Bad_Id", lora, live), "deployedModelId");
        assertBadField(asAdmin().body("{\"deployment\": \"" + live + "\"}").post(DEPLOYED_MODELS), "model");
        assertBadField(asAdmin().body("{\"model\": \"" + lora + "\"}").post(DEPLOYED_MODELS), "deployment");
        assertBadField(asAdmin().body("{\"model\": \"" + lora + "\", \"deployment\": \"" + live + "\", "
                + "\"serverless\": true, \"public\": true}").post(DEPLOYED_MODELS), "serverless")
                .body("details.fieldViolations.flatten().field", hasItem("public"));
        assertBadField(asAdmin().body("{\"model\": \"" + lora + "\", \"deployment\": \"" + live + "\"}")
                .post(DEPLOYED_MODELS + "?replaceMergedAddon=true"), "replaceMergedAddon");
        assertBadField(asAdmin().body("{\"model\": \"" + lora + "\", \"deployment\": \"" + live + "\", \"state\": "
                + "\"DEPLOYED\", \"replicas\": 3}").post(DEPLOYED_MODELS), "replicas");
        assertBadField(asAdmin().get(DEPLOYED_MODELS + "/NOT_AN_ID"), "deployedModelId");
        asAdmin().get(DEPLOYED_MODELS + "/never-there").then().statusCode(404);
        asAdmin().delete(DEPLOYED_MODELS + "/never-there").then().statusCode(404);
        list(Map.of("filter", "deployment = \"" + live + "\"")).then().statusCode(200).body("totalSize", equalTo(0));
    }

    @Test
    void onlyADeploymentWithEnableAddonsTakesAnAddon() {
        String lora = readyLora(ADMIN_KEY, "acme", "addons-lora", LLAMA_8B);
        asAdmin().body("{\"baseModel\": \"" + LLAMA_8B + "\"}")
                .post("/v1/accounts/acme/deployments?deploymentId=no-addons").then().statusCode(200)
                .body("enableAddons", equalTo(null));
        String plain = "accounts/acme/deployments/no-addons";

        assertBadField(load("addons-dm", lora, plain), "deployment")
                .body("details.fieldViolations.flatten().description", hasItem(containsString("enableAddons")));
        asAdmin().get(DEPLOYED_MODELS + "/addons-dm").then().statusCode(404);

        // Turned on by an update, the same deployment takes it.
        asAdmin().body("{\"enableAddons\": true}").patch("/v1/" + plain).then().statusCode(200)
                .body("enableAddons", equalTo(true));
        load("addons-dm", lora, plain).then().statusCode(200).body("deployment", equalTo(plain));

        // And cannot be turned off while the addon is loaded.
        assertFailedPrecondition(asAdmin().body("{\"enableAddons\": false}").patch("/v1/" + plain),
                "ADDONS_LOADED");
        asAdmin().get("/v1/" + plain).then().body("enableAddons", equalTo(true));
    }

    @Test
    void aModelInUseCannotBeDeleted() {
        String lora = readyLora(ADMIN_KEY, "acme", "busy-lora", LLAMA_8B);
        String deployment = deployment("busy-deploy", LLAMA_8B);
        load("busy-dm", lora, deployment).then().statusCode(200);
        assertFailedPrecondition(asAdmin().delete("/v1/" + lora), "MODEL_IN_USE")
                .body("message", containsString("accounts/acme/deployedModels/busy-dm"));

        String base = readyBase(ADMIN_KEY, "acme", "busy-base");
        asAdmin().body("{\"baseModel\": \"" + base + "\"}").post("/v1/accounts/acme/deployments?deploymentId="
                + "busy-base-deploy").then().statusCode(200);
        assertFailedPrecondition(asAdmin().delete("/v1/" + base), "MODEL_IN_USE")
                .body("message", containsString("accounts/acme/deployments/busy-base-deploy"));
        asAdmin().delete("/v1/accounts/acme/deployments/busy-base-deploy").then().statusCode(200);
        String addon = readyLora(ADMIN_KEY, "acme", "on-busy-base", base);
        assertFailedPrecondition(asAdmin().delete("/v1/" + base), "MODEL_IN_USE")
                .body("message", containsString(addon));
        asAdmin().delete("/v1/" + addon).then().statusCode(200);
        asAdmin().delete("/v1/" + base).then().statusCode(200);
        asAdmin().get("/v1/" + lora).then().statusCode(200);
    }

    @Test
    void deletingTheDeploymentUnloadsItsAddons() {
        String lora = readyLora(ADMIN_KEY, "acme", "orphan-lora", LLAMA_8B);
        String deployment = deployment("orphan-deploy", LLAMA_8B);
        makeReady(deployment);
        await().atMost(STATE_WAIT).untilAsserted(() -> asAdmin().get("/v1/" + deployment)
                .then().body("state", equalTo("READY")));
        load("orphan-dm", lora, deployment).then().statusCode(200).body("state", equalTo("DEPLOYED"));

        asAdmin().delete("/v1/" + deployment + "?hard=true").then().statusCode(200);
        String name = "accounts/acme/deployedModels/orphan-dm";
        await().atMost(STATE_WAIT).untilAsserted(() -> asAdmin().get("/v1/" + name).then().statusCode(404));
        DeployedModelSpec undeploying = kafka().first(EventTypes.DEPLOYED_MODEL_UPDATED,
                e -> e.subject().equals(name) && e.data().deployedModel().state().equals("UNDEPLOYING"), EVENT_WAIT)
                .orElseThrow().data().deployedModel();
        assertThat(undeploying.defaultTarget()).isFalse();
        assertThat(kafka().first(EventTypes.DEPLOYED_MODEL_DELETED, e -> e.subject().equals(name), EVENT_WAIT)
                .orElseThrow().data().reason()).contains("was deleted");
    }

    @Test
    void listsFilterByModelDeploymentAndState() {
        String lora = readyLora(ADMIN_KEY, "acme", "listed-lora", LLAMA_8B);
        String a = deployment("listed-a", LLAMA_8B);
        String b = deployment("listed-b", LLAMA_8B);
        load("listed-a-dm", lora, a).then().statusCode(200);
        load("listed-b-dm", lora, b).then().statusCode(200);

        list(Map.of("filter", "model = \"" + lora + "\"", "pageSize", "1")).then().statusCode(200)
                .body("deployedModels.name", equalTo(List.of("accounts/acme/deployedModels/listed-a-dm")))
                .body("totalSize", equalTo(2));
        String token = list(Map.of("filter", "model = \"" + lora + "\"", "pageSize", "1")).then().extract()
                .path("nextPageToken");
        list(Map.of("filter", "model = \"" + lora + "\"", "pageSize", "1", "pageToken", token)).then()
                .statusCode(200)
                .body("deployedModels.name", equalTo(List.of("accounts/acme/deployedModels/listed-b-dm")))
                .body("nextPageToken", equalTo(null));
        list(Map.of("filter", "deployment = \"" + b + "\" AND state = \"DEPLOYING\"")).then().statusCode(200)
                .body("deployedModels.name", equalTo(List.of("accounts/acme/deployedModels/listed-b-dm")));
        list(Map.of("filter", "deployment = \"accounts/beta/deployments/listed-b\"")).then().statusCode(200)
                .body("totalSize", equalTo(0));
        list(Map.of("filter", "model = \"" + lora + "\"", "orderBy", "createTime desc")).then().statusCode(200)
                .body("deployedModels[0].name", equalTo("accounts/acme/deployedModels/listed-b-dm"));
        assertBadField(list(Map.of("filter", "state = \"SLEEPING\"")), "filter");
        assertBadField(list(Map.of("orderBy", "model")), "orderBy");
    }

    @Test
    void anotherAccountsDeployedModelsAreNotFound() {
        String beta = TestAccounts.ordinaryKey("beta", "admin");
        String gamma = TestAccounts.ordinaryKey("gamma", "admin");
        String lora = readyLora(beta, "beta", "beta-lora", LLAMA_8B);
        as(beta).body("{\"baseModel\": \"" + LLAMA_8B + "\", \"enableAddons\": true}")
                .post("/v1/accounts/beta/deployments?deploymentId=beta-deploy").then().statusCode(200);
        as(beta).body("{\"model\": \"" + lora + "\", \"deployment\": \"accounts/beta/deployments/beta-deploy\"}")
                .post("/v1/accounts/beta/deployedModels?deployedModelId=beta-dm").then().statusCode(200);
        as(beta).get("/v1/accounts/beta/deployedModels/beta-dm").then().statusCode(200);

        as(gamma).get("/v1/accounts/beta/deployedModels/beta-dm").then().statusCode(404);
        as(gamma).delete("/v1/accounts/beta/deployedModels/beta-dm").then().statusCode(404);
        as(gamma).body("{\"displayName\": \"mine\"}").patch("/v1/accounts/beta/deployedModels/beta-dm").then()
                .statusCode(404);
        as(gamma).get("/v1/accounts/beta/deployedModels").then().statusCode(404);
        // gamma can name neither beta's addon nor beta's deployment in its own account.
        String gammaLora = readyLora(gamma, "gamma", "gamma-lora", LLAMA_8B);
        assertBadField(as(gamma).body("{\"model\": \"" + gammaLora + "\", \"deployment\": "
                + "\"accounts/beta/deployments/beta-deploy\"}").post("/v1/accounts/gamma/deployedModels"),
                "deployment");
        assertBadField(as(gamma).body("{\"model\": \"" + lora + "\", \"deployment\": "
                + "\"accounts/gamma/deployments/x\"}").post("/v1/accounts/gamma/deployedModels"), "model");
        as(gamma).get("/v1/accounts/gamma/deployedModels").then().statusCode(200)
                .body("deployedModels.name", not(hasItem("accounts/beta/deployedModels/beta-dm")));
        as(beta).get("/v1/accounts/beta/deployedModels/beta-dm").then().statusCode(200)
                .body("displayName", equalTo("beta-dm"));
    }

    private static Response load(String id, String model, String deployment) {
        return asAdmin().body("{\"model\": \"" + model + "\", \"deployment\": \"" + deployment + "\"}")
                .post(DEPLOYED_MODELS + "?deployedModelId=" + id);
    }

    private static Response list(Map<String, String> params) {
        return asAdmin().queryParams(params).get(DEPLOYED_MODELS);
    }

    /**
     * A new deployment of acme serving {@code baseModel} and taking addons, CREATING (no scheduler runs in these
     * tests).
     */
    static String deployment(String id, String baseModel) {
        asAdmin().body("{\"baseModel\": \"" + baseModel + "\", \"enableAddons\": true}")
                .post("/v1/accounts/acme/deployments?deploymentId=" + id).then().statusCode(200);
        return "accounts/acme/deployments/" + id;
    }

    /** Reports one ready replica for the deployment, as the scheduler would: the control plane makes it READY. */
    private static void makeReady(String deployment) {
        Event<dev.ember.common.event.DeploymentCreated> created = kafka().first(EventTypes.DEPLOYMENT_CREATED,
                e -> e.subject().equals(deployment), EVENT_WAIT).orElseThrow();
        String uid = created.data().deployment().uid();
        kafka().publish(EventTypes.DEPLOYMENT_STATUS_REPORTED, deployment, new DeploymentStatusReported(deployment,
                uid, 1, 1, 1, 1, new ReplicaStats(0, 0, 0, 1), "US_IOWA_1", "", 1, 0, false, Instant.now()));
    }
}
