package dev.ember.controlplane.deployment;

import static dev.ember.controlplane.deployment.DeploymentApiTest.KEY;
import static dev.ember.controlplane.deployment.DeploymentApiTest.LLAMA_8B;
import static dev.ember.controlplane.deployment.DeploymentApiTest.asAdmin;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

import dev.ember.controlplane.Database;
import dev.ember.controlplane.model.ModelFixtures;
import dev.ember.controlplane.quota.QuotaApiTest;
import dev.ember.testsupport.EmberInfraResource;
import dev.ember.testsupport.ServiceDatabase;

/**
 * A create reads the catalog from memory, but what can change (custom models, quotas) it reads as it is now: a
 * deleted model is no longer deployable, a raised quota makes room at once, and creates racing for the last GPUs of
 * a quota never get more than it leaves, even those that checked it before the others committed.
 */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
class DeploymentCreateReadsTest {

    static Response create(String id, String body) {
        return asAdmin().body(body).post("/v1/accounts/acme/deployments?deploymentId=" + id);
    }

    @Test
    void aCustomModelDeletedAfterItWasDeployableCannotBeDeployed() {
        String model = ModelFixtures.readyBase(KEY, "acme", "short-lived");
        String body = "{\"baseModel\": \"" + model + "\"}";
        asAdmin().body(body).post("/v1/accounts/acme/deployments?deploymentId=short-lived-dry&validateOnly=true")
                .then().statusCode(200);

        asAdmin().delete("/v1/" + model).then().statusCode(200);

        ModelFixtures.assertBadField(create("short-lived-one", body), "baseModel")
                .body("message", containsString("does not exist"));
    }

    @Test
    void theCatalogModelsStayDeployableCreateAfterCreate() {
        for (int i = 0; i < 3; i++) {
            create("catalog-" + i, "{\"baseModel\": \"" + LLAMA_8B + "\"}").then().statusCode(200)
                    .body("baseModel", equalTo(LLAMA_8B));
        }
    }

    @Test
    void aQuotaRaisedAfterARefusalMakesRoomForTheNextCreate() {
        QuotaApiTest.publishDefaultPools();
        String body = "{\"baseModel\": \"" + LLAMA_8B + "\", \"acceleratorType\": \"NVIDIA_A100_80GB\", "
                + "\"acceleratorCount\": 4, \"minReplicaCount\": 1, \"placement\": {\"region\": \"AP_TOKYO_1\"}}";
        asAdmin().body("{\"value\": \"2\"}").patch("/v1/accounts/acme/quotas/a100-ap-tokyo-1").then().statusCode(200);
        create("tokyo-a100", body).then().statusCode(429).body("details[0].reason", equalTo("QUOTA_EXCEEDED"));

        asAdmin().body("{\"value\": \"4\"}").patch("/v1/accounts/acme/quotas/a100-ap-tokyo-1").then().statusCode(200);
        create("tokyo-a100", body).then().statusCode(200);

        asAdmin().body("{\"value\": \"0\"}").patch("/v1/accounts/acme/quotas/a100-ap-tokyo-1").then().statusCode(200);
        create("tokyo-a100-two", body).then().statusCode(429)
                .body("message", containsString("a100-ap-tokyo-1 (4 of 0 GPUs in use)"));
    }

    @Test
    void createsRacingForTheLastGpusOfARegionNeverTakeMoreThanTheQuota() throws Exception {
        QuotaApiTest.publishDefaultPools();
        asAdmin().body("{\"value\": \"8\"}").patch("/v1/accounts/acme/quotas/a100-eu-frankfurt-1").then()
                .statusCode(200);
        String body = "{\"baseModel\": \"" + LLAMA_8B + "\", \"acceleratorType\": \"NVIDIA_A100_80GB\", "
                + "\"acceleratorCount\": 4, \"minReplicaCount\": 1, \"placement\": {\"region\": \"EU_FRANKFURT_1\"}}";
        int racers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> statuses = new ArrayList<>();
        for (int i = 0; i < racers; i++) {
            String id = "racer-" + i;
            statuses.add(pool.submit(() -> {
                start.await();
                return create(id, body).statusCode();
            }));
        }
        start.countDown();
        List<Integer> codes = new ArrayList<>();
        for (Future<Integer> status : statuses) {
            codes.add(status.get(60, TimeUnit.SECONDS));
        }
        pool.shutdown();

        // 8 GPUs make room for two deployments of 4: the others are refused, however the creates interleave.
        assertEquals(2, codes.stream().filter(code -> code == 200).count(), "created: " + codes);
        assertEquals(racers - 2, codes.stream().filter(code -> code == 429).count(), "refused: " + codes);
        asAdmin().get("/v1/accounts/acme/quotas/a100-eu-frankfurt-1").then().statusCode(200)
                .body("usage", equalTo(8.0f));
    }

    @Test
    void aCreateWhoseRoomWasTakenWhileItWaitedIsRefusedWhenItCommits() throws Exception {
        QuotaApiTest.publishDefaultPools();
        asAdmin().body("{\"value\": \"4\"}").patch("/v1/accounts/acme/quotas/h100-eu-iceland-1").then()
                .statusCode(200);
        String body = "{\"baseModel\": \"" + LLAMA_8B + "\", \"acceleratorType\": \"NVIDIA_H100_80GB\", "
                + "\"acceleratorCount\": 4, \"minReplicaCount\": 1, \"placement\": {\"region\": \"EU_ICELAND_1\"}}";
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<Response>> creates = new ArrayList<>();
        try (Connection db = ServiceDatabase.connect()) {
            // Both creates read the quota's room (4 GPUs free) and check it, then wait at their insert.
            Database.lockAccount(db, "acme");
            creates.add(pool.submit(() -> create("waiter-one", body)));
            creates.add(pool.submit(() -> create("waiter-two", body)));
            try (Connection watcher = ServiceDatabase.connect()) {
                await().atMost(Duration.ofSeconds(30)).until(() -> Database.waitingInserts(watcher) == 2);
            }
            db.rollback();
        }
        List<Response> responses = new ArrayList<>();
        for (Future<Response> create : creates) {
            responses.add(create.get(60, TimeUnit.SECONDS));
        }
        pool.shutdown();

        // The first to commit takes the 4 GPUs; the other one's commit finds them taken and rolls back.
        List<Integer> codes = responses.stream().map(Response::statusCode).sorted().toList();
        assertEquals(List.of(200, 429), codes);
        Response refused = responses.stream().filter(r -> r.statusCode() == 429).findFirst().orElseThrow();
        refused.then().body("details[0].reason", equalTo("QUOTA_EXCEEDED"))
                .body("message", containsString("needs 4 NVIDIA_H100_80GB GPUs in EU_ICELAND_1"))
                .body("message", containsString("quota there is 4"));
        String loser = responses.get(0).statusCode() == 429 ? "waiter-one" : "waiter-two";
        asAdmin().get("/v1/accounts/acme/deployments/" + loser).then().statusCode(404);
        asAdmin().get("/v1/accounts/acme/quotas/h100-eu-iceland-1").then().statusCode(200)
                .body("usage", equalTo(4.0f));
    }
}
