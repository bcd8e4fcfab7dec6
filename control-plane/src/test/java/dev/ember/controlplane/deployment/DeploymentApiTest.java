package dev.ember.controlplane.deployment;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;

import dev.ember.common.event.AutoscalingPolicy;
import dev.ember.common.event.DeploymentCreated;
import dev.ember.common.event.DeploymentStatusReported;
import dev.ember.common.event.EventTypes;
import dev.ember.common.event.ReplicaStats;
import dev.ember.controlplane.Platform;
import dev.ember.testsupport.EmberInfraResource;
import dev.ember.testsupport.KafkaEvents;

@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
public class DeploymentApiTest {

    public static final String KEY = "em_controlplanetestkey000000000000000000000";
    public static final String LLAMA_8B = "accounts/fireworks/models/llama-v3p1-8b-instruct";

    public static RequestSpecification asAdmin() {
        return given().header("Authorization", "Bearer " + KEY).contentType(ContentType.JSON);
    }

    public static KafkaEvents kafka() {
        return new KafkaEvents(ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
    }

    @Test
    void createReturnsTheDeploymentAndPublishesItsEvent() {
        asAdmin().body("{\"baseModel\": \"" + LLAMA_8B + "\", \"displayName\": \"My Llama\"}")
                .post("/v1/accounts/acme/deployments?deploymentId=llama-one")
                .then().statusCode(200)
                .body("name", equalTo("accounts/acme/deployments/llama-one"))
                .body("state", equalTo("CREATING"))
                .body("displayName", equalTo("My Llama"))
                .body("acceleratorType", equalTo("NVIDIA_H100_80GB"))
                .body("acceleratorCount", equalTo(1))
                .body("precision", equalTo("FP8"))
                .body("minReplicaCount", equalTo(0))
                .body("maxReplicaCount", equalTo(1))
                .body("placement.multiRegion", equalTo("GLOBAL"));

        asAdmin().get("/v1/accounts/acme/deployments/llama-one")
                .then().statusCode(200).body("baseModel", equalTo(LLAMA_8B));

        var event = kafka().first(EventTypes.DEPLOYMENT_CREATED,
                e -> e.subject().equals("accounts/acme/deployments/llama-one"), Duration.ofSeconds(20));
        assertThat(event).as("deployment.created on ember.resources").isPresent();
        DeploymentCreated created = event.get().data();
        assertThat(created.deployment().model().parameterCount()).isEqualTo(8_030_000_000L);
        assertThat(created.deployment().acceleratorType()).isEqualTo("NVIDIA_H100_80GB");
        assertThat(event.get().source()).isEqualTo("/control-plane");
    }

    @Test
    void anEmbeddingModelFromTheCatalogDeploysOnOneGpuAndItsEventSaysItEmbeds() {
        asAdmin().body("{\"baseModel\": \"accounts/fireworks/models/nomic-embed-text-v1p5\"}")
                .post("/v1/accounts/acme/deployments?deploymentId=nomic-one")
                .then().statusCode(200)
                .body("acceleratorCount", equalTo(1));
        DeploymentCreated created = kafka().first(EventTypes.DEPLOYMENT_CREATED,
                e -> e.subject().equals("accounts/acme/deployments/nomic-one"), Duration.ofSeconds(20))
                .orElseThrow().data();
        assertThat(created.deployment().model().embeddingDimensions()).isEqualTo(768);
        assertThat(created.deployment().model().contextLength()).isEqualTo(8192);

        // It generates nothing: no speculative decoding on it or by it, and no FAST shape.
        String nomic = "accounts/fireworks/models/nomic-embed-text-v1p5";
        Platform.assertBadField(asAdmin().body("{\"baseModel\": \"" + nomic + "\", \"ngramSpeculationLength\": 3}")
                .post("/v1/accounts/acme/deployments?deploymentId=nomic-ngram"), "ngramSpeculationLength")
                .body("message", containsString("is an embedding model"));
        Platform.assertBadField(asAdmin().body("{\"baseModel\": \"" + nomic + "\", \"draftModel\": \"" + LLAMA_8B
                + "\"}").post("/v1/accounts/acme/deployments?deploymentId=nomic-draft"), "draftModel");
        Platform.assertBadField(asAdmin().body("{\"baseModel\": \"accounts/fireworks/models/llama-v3p1-70b-instruct\", "
                + "\"draftModel\": \"" + nomic + "\"}")
                .post("/v1/accounts/acme/deployments?deploymentId=drafted-by-nomic"), "draftModel")
                .body("message", containsString("is an embedding model"));
        Platform.assertBadField(asAdmin().body("{\"baseModel\": \"" + nomic + "\", \"deploymentShape\": \"fast\"}")
                .post("/v1/accounts/acme/deployments?deploymentId=nomic-fast"), "deploymentShape");
        asAdmin().body("{\"baseModel\": \"" + nomic + "\", \"deploymentShape\": \"throughput\"}")
                .post("/v1/accounts/acme/deployments?deploymentId=nomic-throughput").then().statusCode(200)
                .body("deploymentShape", startsWith(
                        "accounts/fireworks/deploymentShapes/nomic-embed-text-v1p5-throughput"))
                .body("precision", equalTo("FP16"));
    }

    @Test
    void largeModelsGetEnoughGpusByDefault() {
        asAdmin().body("{\"baseModel\": \"accounts/fireworks/models/llama-v3p1-70b-instruct\"}")
                .post("/v1/accounts/acme/deployments?deploymentId=llama-70b")
                .then().statusCode(200)
                .body("acceleratorType", equalTo("NVIDIA_H100_80GB"))
                .body("acceleratorCount", equalTo(2));
        asAdmin().body("{\"baseModel\": \"accounts/fireworks/models/deepseek-v3\"}")
                .post("/v1/accounts/acme/deployments?deploymentId=deepseek")
                .then().statusCode(200)
                .body("acceleratorType", equalTo("NVIDIA_H200_141GB"))
                .body("acceleratorCount", equalTo(8));
    }

    @Test
    void statusReportsFromTheSchedulerMakeTheDeploymentReady() {
        asAdmin().body("{\"baseModel\": \"" + LLAMA_8B + "\"}")
                .post("/v1/accounts/acme/deployments?deploymentId=to-be-ready")
                .then().statusCode(200);
        String uid = kafka().first(EventTypes.DEPLOYMENT_CREATED,
                e -> e.subject().equals("accounts/acme/deployments/to-be-ready"), Duration.ofSeconds(20))
                .orElseThrow().data().deployment().uid();

        String name = "accounts/acme/deployments/to-be-ready";
        kafka().publish(EventTypes.DEPLOYMENT_STATUS_REPORTED, name, new DeploymentStatusReported(name, uid, 1, 1, 1,
                1, new ReplicaStats(0, 1, 0, 0), "US_IOWA_1", "downloading model", 0, 0, false, Instant.now()));
        kafka().publish(EventTypes.DEPLOYMENT_STATUS_REPORTED, name, new DeploymentStatusReported(name, uid, 1, 2, 1,
                1, new ReplicaStats(0, 0, 0, 1), "US_IOWA_1", "", 1, 0, false, Instant.now()));
        // A stale report delivered late changes nothing.
        kafka().publish(EventTypes.DEPLOYMENT_STATUS_REPORTED, name, new DeploymentStatusReported(name, uid, 1, 1, 1,
                1, new ReplicaStats(0, 1, 0, 0), "US_IOWA_1", "downloading model", 0, 0, false, Instant.now()));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asAdmin().get("/v1/" + name)
                .then().statusCode(200)
                .body("state", equalTo("READY"))
                .body("replicaCount", equalTo(1))
                .body("replicaStats.readyReplicaCount", equalTo(1))
                .body("region", equalTo("US_IOWA_1")));
    }

    @Test
    void validateOnlyStoresNothing() {
        asAdmin().body("{\"baseModel\": \"" + LLAMA_8B + "\"}")
                .post("/v1/accounts/acme/deployments?deploymentId=dry-run&validateOnly=true")
                .then().statusCode(200).body("state", equalTo("CREATING"));
        asAdmin().get("/v1/accounts/acme/deployments/dry-run").then().statusCode(404)
                .body("status", equalTo("NOT_FOUND"));
    }

    @Test
    void aServerGeneratedIdIsUsedWhenNoneIsGiven() {
        asAdmin().body("{\"baseModel\": \"" + LLAMA_8B + "\"}")
                .post("/v1/accounts/acme/deployments")
                .then().statusCode(200).body("name", startsWith("accounts/acme/deployments/"));
    }

    @Test
    void aDuplicateIdIsAConflict() {
        String body = "{\"baseModel\": \"" + LLAMA_8B + "\"}";
        asAdmin().body(body).post("/v1/accounts/acme/deployments?deploymentId=twice").then().statusCode(200);
        asAdmin().body(body).post("/v1/accounts/acme/deployments?deploymentId=twice")
                .then().statusCode(409).body("status", equalTo("ALREADY_EXISTS"))
                .body("details[0].reason", equalTo("ALREADY_EXISTS"));
    }

    @Test
    void badInputIsA400NamingTheField() {
        String body = "{\"baseModel\": \"" + LLAMA_8B + "\"}";
        assertBadField(asAdmin().body(body).post("/v1/accounts/acme/deployments?deploymentId=Bad_Id"),
                "deploymentId");
        assertBadField(asAdmin().body(body).post("/v1/accounts/acme/deployments?deploymentId=-dash"),
                "deploymentId");
        assertBadField(asAdmin().body("{}").post("/v1/accounts/acme/deployments"), "baseModel");
        assertBadField(asAdmin().body("{\"baseModel\": \"llama\"}").post("/v1/accounts/acme/deployments"),
                "baseModel");
        assertBadField(asAdmin().body("{\"baseModel\": \"accounts/fireworks/models/no-such-model\"}")
                .post("/v1/accounts/acme/deployments"), "baseModel");
        assertBadField(asAdmin().body("{\"baseModel\": \"" + LLAMA_8B + "\", \"minReplicaCount\": 3, "
                + "\"maxReplicaCount\": 2}").post("/v1/accounts/acme/deployments"), "maxReplicaCount");
        assertBadField(asAdmin().body("{\"baseModel\": \"" + LLAMA_8B + "\", \"acceleratorType\": \"TPU\"}")
                .post("/v1/accounts/acme/deployments"), "acceleratorType");
        assertBadField(asAdmin().body("{\"baseModel\": \"" + LLAMA_8B + "\", \"acceleratorCount\": 3}")
                .post("/v1/accounts/acme/deployments"), "acceleratorCount");
        assertBadField(asAdmin().body("{\"baseModel\": \"accounts/fireworks/models/llama-v3p1-70b-instruct\", "
                + "\"acceleratorType\": \"NVIDIA_H100_80GB\", \"acceleratorCount\": 1, \"precision\": \"BF16\"}")
                .post("/v1/accounts/acme/deployments"), "acceleratorCount");
        assertBadField(asAdmin().body("{\"baseModel\": \"" + LLAMA_8B + "\", \"placement\": {\"region\": \"MARS_1\"}}")
                .post("/v1/accounts/acme/deployments"), "placement.region");
        assertBadField(asAdmin().body("{\"baseModel\": \"" + LLAMA_8B + "\", \"replicas\": 2}")
                .post("/v1/accounts/acme/deployments"), "replicas");
        assertBadField(asAdmin().body("{\"baseModel\": \"" + LLAMA_8B + "\", \"minReplicaCount\": \"two\"}")
                .post("/v1/accounts/acme/deployments"), "minReplicaCount");
        assertBadField(asAdmin().body("{\"baseModel\": ").post("/v1/accounts/acme/deployments"), "body");
        assertBadField(asAdmin().body(body).post("/v1/accounts/acme/deployments?validateOnly=yes"),
                "validateOnly");
        assertBadField(asAdmin().get("/v1/accounts/acme/deployments/NOT_AN_ID"), "deploymentId");
    }

    @Test
    void theDefaultAutoscalingPolicyIsShownWhenNoneIsGiven() {
        asAdmin().body("{\"baseModel\": \"" + LLAMA_8B + "\"}")
                .post("/v1/accounts/acme/deployments?deploymentId=default-policy")
                .then().statusCode(200)
                .body("autoscalingPolicy.scaleUpWindow", equalTo("30s"))
                .body("autoscalingPolicy.scaleDownWindow", equalTo("600s"))
                .body("autoscalingPolicy.scaleToZeroWindow", equalTo("3600s"))
                .body("autoscalingPolicy.loadTargets", equalTo(Map.of("default", 0.8f)))
                .body("autoscalingPolicy", not(hasKey("scalingSchedules")));

        // Parts left out of a policy take the defaults; the response shows the whole policy in force.
        asAdmin().body("{\"baseModel\": \"" + LLAMA_8B + "\", \"autoscalingPolicy\": {\"scaleUpWindow\": \"45s\", "
                + "\"scalingSchedules\": {}}}")
                .post("/v1/accounts/acme/deployments?deploymentId=partial-policy")
                .then().statusCode(200)
                .body("autoscalingPolicy.scaleUpWindow", equalTo("45s"))
                .body("autoscalingPolicy.scaleDownWindow", equalTo("600s"))
                .body("autoscalingPolicy.scaleToZeroWindow", equalTo("3600s"))
                .body("autoscalingPolicy.loadTargets", equalTo(Map.of("default", 0.8f)));
        asAdmin().get("/v1/accounts/acme/deployments/partial-policy")
                .then().statusCode(200).body("autoscalingPolicy.scaleDownWindow", equalTo("600s"));
    }

    @Test
    void aCustomAutoscalingPolicyIsStoredShownAndPublished() {
        asAdmin().body("{\"baseModel\": \"" + LLAMA_8B + "\", \"autoscalingPolicy\": {\"scaleUpWindow\": \"1.5s\", "
                + "\"scaleDownWindow\": \"120s\", \"scaleToZeroWindow\": \"900.250s\", "
                + "\"loadTargets\": {\"default\": 0.5, \"requests_per_second\": 20}}}")
                .post("/v1/accounts/acme/deployments?deploymentId=custom-policy")
                .then().statusCode(200)
                .body("autoscalingPolicy.scaleUpWindow", equalTo("1.500s"));

        asAdmin().get("/v1/accounts/acme/deployments/custom-policy")
                .then().statusCode(200)
                .body("autoscalingPolicy.scaleUpWindow", equalTo("1.500s"))
                .body("autoscalingPolicy.scaleDownWindow", equalTo("120s"))
                .body("autoscalingPolicy.scaleToZeroWindow", equalTo("900.250s"))
                .body("autoscalingPolicy.loadTargets", equalTo(Map.of("default", 0.5f, "requests_per_second", 20f)));

        var event = kafka().first(EventTypes.DEPLOYMENT_CREATED,
                e -> e.subject().equals("accounts/acme/deployments/custom-policy"), Duration.ofSeconds(20));
        assertThat(event).as("deployment.created on ember.resources").isPresent();
        assertThat(event.get().data().deployment().autoscalingPolicy()).isEqualTo(new AutoscalingPolicy(
                Duration.ofMillis(1500), Duration.ofMinutes(2), Duration.ofMillis(900_250),
                Map.of("default", 0.5, "requests_per_second", 20.0), Map.of()));
    }

    @Test
    void aBadAutoscalingPolicyIsA400NamingTheField() {
        assertBadField(createWithPolicy("{\"scaleUpWindow\": \"5m\"}"), "autoscalingPolicy.scaleUpWindow");
        assertBadField(createWithPolicy("{\"scaleDownWindow\": \"10m\"}"), "autoscalingPolicy.scaleDownWindow");
        assertBadField(createWithPolicy("{\"scaleToZeroWindow\": \"60s\"}"), "autoscalingPolicy.scaleToZeroWindow");
        assertBadField(createWithPolicy("{\"scaleToZeroWindow\": \"604801s\"}"),
                "autoscalingPolicy.scaleToZeroWindow");
        assertBadField(createWithPolicy("{\"scaleUpWindow\": \"7200s\"}"), "autoscalingPolicy.scaleUpWindow");
        assertBadField(createWithPolicy("{\"scaleDownWindow\": \"3600.001s\"}"),
                "autoscalingPolicy.scaleDownWindow");
        assertBadField(createWithPolicy("{\"scaleUpWindow\": \"1.0000001s\"}"), "autoscalingPolicy.scaleUpWindow");
        assertBadField(createWithPolicy("{\"loadTargets\": {\"default\": 1.5}}"),
                "autoscalingPolicy.loadTargets.default");
        assertBadField(createWithPolicy("{\"loadTargets\": {\"default\": 0}}"),
                "autoscalingPolicy.loadTargets.default");
        assertBadField(createWithPolicy("{\"loadTargets\": {\"concurrent_requests\": -1}}"),
                "autoscalingPolicy.loadTargets.concurrent_requests");
        assertBadField(createWithPolicy("{\"loadTargets\": {\"gpu_temperature\": 0.5}}"),
                "autoscalingPolicy.loadTargets");
        assertBadField(createWithPolicy(schedule("\"0 8 * * Mon-Fri\"", "\"36000s\"", "\"Mars/Olympus\"", 1)),
                "autoscalingPolicy.scalingSchedules.weekdays.timezone")
                .body("message", containsString("unknown time zone 'Mars/Olympus'"));
        assertBadField(createWithPolicy(schedule("\"0 25 * * *\"", "\"36000s\"", "\"UTC\"", 1)),
                "autoscalingPolicy.scalingSchedules.weekdays.schedule")
                .body("message", containsString("hour 25 is outside 0-23"));
        assertBadField(createWithPolicy(schedule("\"0 8 * * *\"", "\"60s\"", "\"UTC\"", 1)),
                "autoscalingPolicy.scalingSchedules.weekdays.duration");
        assertBadField(createWithPolicy(schedule("\"0 8 * * *\"", "\"604801s\"", "\"UTC\"", 1)),
                "autoscalingPolicy.scalingSchedules.weekdays.duration");
        assertBadField(createWithPolicy(schedule("\"0 8 * * *\"", "\"3600s\"", "\"UTC\"", 2)),
                "autoscalingPolicy.scalingSchedules.weekdays.minReplicaCount")
                .body("message", containsString("maxReplicaCount (1)"));
        assertBadField(createWithPolicy(schedule("null", "null", "null", 1)),
                "autoscalingPolicy.scalingSchedules.weekdays.schedule");
        StringBuilder six = new StringBuilder("{\"scalingSchedules\": {");
        for (int i = 0; i < 6; i++) {
            six.append(i == 0 ? "" : ", ").append("\"s").append(i).append("\": {\"schedule\": \"0 8 * * *\", "
                    + "\"duration\": \"3600s\", \"timezone\": \"UTC\"}");
        }
        assertBadField(createWithPolicy(six.append("}}").toString()), "autoscalingPolicy.scalingSchedules")
                .body("message", containsString("at most 5 schedules"));

        // Every bad field is reported at once.
        createWithPolicy("{\"scaleUpWindow\": \"5m\", \"scaleToZeroWindow\": \"60s\", "
                + "\"loadTargets\": {\"default\": 1.5}, \"scalingSchedules\": {\"s\": {}}}")
                .then().statusCode(400)
                .body("details.fieldViolations.flatten().field", hasItems("autoscalingPolicy.scaleUpWindow",
                        "autoscalingPolicy.scaleToZeroWindow", "autoscalingPolicy.loadTargets.default",
                        "autoscalingPolicy.scalingSchedules.s.schedule"));
        asAdmin().get("/v1/accounts/acme/deployments/bad-policy").then().statusCode(404);
    }

    private static String schedule(String cron, String duration, String timezone, int min) {
        return "{\"scalingSchedules\": {\"weekdays\": {\"minReplicaCount\": " + min + ", \"schedule\": " + cron
                + ", \"duration\": " + duration + ", \"timezone\": " + timezone + "}}}";
    }

    private static Response createWithPolicy(String policy) {
        return asAdmin().body("{\"baseModel\": \"" + LLAMA_8B + "\", \"autoscalingPolicy\": " + policy + "}")
                .post("/v1/accounts/acme/deployments?deploymentId=bad-policy");
    }

    @Test
    void unknownAccountsAndDeploymentsAreNotFound() {
        asAdmin().body("{\"baseModel\": \"" + LLAMA_8B + "\"}").post("/v1/accounts/nobody/deployments")
                .then().statusCode(404).body("status", equalTo("NOT_FOUND"));
        asAdmin().get("/v1/accounts/acme/deployments/never-created").then().statusCode(404)
                .body("code", equalTo(5));
    }

    @Test
    void requestsWithoutAValidKeyAreUnauthenticated() {
        given().contentType(ContentType.JSON).body("{\"baseModel\": \"" + LLAMA_8B + "\"}")
                .post("/v1/accounts/acme/deployments")
                .then().statusCode(401).body("status", equalTo("UNAUTHENTICATED"))
                .body("details[0].reason", equalTo("MISSING_API_KEY"));
        given().header("Authorization", "Bearer em_wrong").get("/v1/accounts/acme")
                .then().statusCode(401).body("details[0].reason", equalTo("INVALID_API_KEY"));
    }

    @Test
    void theBootstrapAccountExists() {
        asAdmin().get("/v1/accounts/acme").then().statusCode(200)
                .body("name", equalTo("accounts/acme"))
                .body("state", equalTo("READY"));
    }

    private static ValidatableResponse assertBadField(Response response, String field) {
        return response.then().statusCode(400)
                .body("status", equalTo("INVALID_ARGUMENT"))
                .body("code", equalTo(3))
                .body("details.fieldViolations.flatten().field", hasItem(field));
    }
}
