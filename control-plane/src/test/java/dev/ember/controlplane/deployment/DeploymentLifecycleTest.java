package dev.ember.controlplane.deployment;

import static dev.ember.controlplane.deployment.DeploymentApiTest.LLAMA_8B;
import static dev.ember.controlplane.deployment.DeploymentApiTest.asAdmin;
import static dev.ember.controlplane.deployment.DeploymentApiTest.kafka;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;

import dev.ember.common.event.DeploymentDeleted;
import dev.ember.common.event.DeploymentDeletionRequested;
import dev.ember.common.event.DeploymentStatusReported;
import dev.ember.common.event.DeploymentUndeleted;
import dev.ember.common.event.EventTypes;
import dev.ember.common.event.ReplicaStats;
import dev.ember.testsupport.EmberInfraResource;

/** Listing, deleting and undeleting deployments. Tests share one database, so each works on its own display name. */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
class DeploymentLifecycleTest {

    static final String DEPLOYMENTS = "/v1/accounts/acme/deployments";
    static final String LLAMA_70B = "accounts/fireworks/models/llama-v3p1-70b-instruct";

    @Test
    void pagesVisitEveryDeploymentOnceInCreateTimeOrder() {
        List<String> created = new ArrayList<>();
        for (String id : List.of("page-c", "page-a", "page-e", "page-b", "page-d")) {
            create(id, "paging-test", LLAMA_8B);
            created.add(name(id));
        }
        String filter = "displayName = \"paging-test\"";

        List<JsonPath> pages = listAll(Map.of("filter", filter, "pageSize", "2"));
        assertThat(pages).hasSize(3);
        assertThat(pages).allSatisfy(page -> assertThat(page.getInt("totalSize")).isEqualTo(5));
        assertThat(pages.get(0).getList("deployments")).hasSize(2);
        assertThat(pages.get(2).getList("deployments")).hasSize(1);
        assertThat(pages.get(2).getString("nextPageToken")).as("no token on the last page").isNull();
        assertThat(names(pages)).as("createTime order, each once").containsExactlyElementsOf(created);

        List<JsonPath> byName = listAll(Map.of("filter", filter, "pageSize", "2", "orderBy", "name desc"));
        assertThat(names(byName)).containsExactly(name("page-e"), name("page-d"), name("page-c"), name("page-b"),
                name("page-a"));
    }

    @Test
    void orderByDisplayNameDescendingBreaksTiesByIdAcrossPages() {
        create("ord-b1", "order-test-b", LLAMA_8B);
        create("ord-a", "order-test-a", LLAMA_8B);
        create("ord-b2", "order-test-b", LLAMA_8B);
        create("ord-c", "order-test-c", LLAMA_8B);

        // The whole account, three at a time: every deployment once, and ours in display name order.
        List<JsonPath> pages = listAll(Map.of("orderBy", "displayName desc", "pageSize", "3"));
        List<String> all = names(pages);
        assertThat(all).doesNotHaveDuplicates().hasSize(pages.get(0).getInt("totalSize"));
        assertThat(all.stream().filter(n -> n.contains("/ord-")).toList())
                .containsExactly(name("ord-c"), name("ord-b2"), name("ord-b1"), name("ord-a"));
    }

    @Test
    void filtersSelectByBaseModelAndState() {
        create("filt-8b-1", "filter-test", LLAMA_8B);
        create("filt-8b-2", "filter-test", LLAMA_8B);
        create("filt-70b", "filter-test", LLAMA_70B);
        asAdmin().delete(DEPLOYMENTS + "/filt-8b-2").then().statusCode(200);

        list(Map.of("filter", "displayName=\"filter-test\" AND baseModel=\"" + LLAMA_70B + "\""))
                .then().statusCode(200)
                .body("deployments.name", equalTo(List.of(name("filt-70b"))))
                .body("totalSize", equalTo(1))
                .body("$", not(hasKey("nextPageToken")));
        list(Map.of("filter", "baseModel = \"" + LLAMA_8B + "\" AND displayName = \"filter-test\""))
                .then().statusCode(200).body("deployments.name", equalTo(List.of(name("filt-8b-1"))));
        list(Map.of("filter", "displayName = \"filter-test\" AND state = \"DELETED\"", "showDeleted", "true"))
                .then().statusCode(200)
                .body("deployments.name", equalTo(List.of(name("filt-8b-2"))))
                .body("deployments[0].state", equalTo("DELETED"));
        list(Map.of("filter", "displayName = \"filter-test\" AND state = \"CREATING\"", "showDeleted", "true"))
                .then().statusCode(200).body("totalSize", equalTo(2));
    }

    @Test
    void deletedDeploymentsAreListedOnlyWhenAskedFor() {
        create("shown-live", "show-deleted-test", LLAMA_8B);
        create("shown-deleted", "show-deleted-test", LLAMA_8B);
        asAdmin().delete(DEPLOYMENTS + "/shown-deleted").then().statusCode(200);
        String filter = "displayName = \"show-deleted-test\"";

        list(Map.of("filter", filter)).then().statusCode(200)
                .body("deployments.name", equalTo(List.of(name("shown-live"))))
                .body("totalSize", equalTo(1));
        list(Map.of("filter", filter, "showDeleted", "false")).then().statusCode(200).body("totalSize", equalTo(1));
        list(Map.of("filter", filter, "showDeleted", "true")).then().statusCode(200)
                .body("deployments.name", equalTo(List.of(name("shown-live"), name("shown-deleted"))))
                .body("totalSize", equalTo(2));
    }

    @Test
    void badListParametersAreA400NamingTheParameter() {
        assertBadField(list(Map.of("pageSize", "-1")), "pageSize");
        assertBadField(list(Map.of("pageSize", "ten")), "pageSize");
        assertBadField(list(Map.of("pageToken", "not-a-token")), "pageToken");
        assertBadField(list(Map.of("pageToken", "e30")), "pageToken"); // "{}"
        assertBadField(list(Map.of("filter", "uid = \"x\"")), "filter")
                .body("message", containsString("unknown field 'uid'"));
        assertBadField(list(Map.of("filter", "state != \"READY\"")), "filter")
                .body("message", containsString("only equality"));
        assertBadField(list(Map.of("filter", "state = READY")), "filter")
                .body("message", containsString("double quotes"));
        assertBadField(list(Map.of("filter", "state = \"READY\" OR state = \"FAILED\"")), "filter")
                .body("message", containsString("expected AND"));
        assertBadField(list(Map.of("filter", "state = \"SLEEPING\"")), "filter")
                .body("message", containsString("unknown state"));
        assertBadField(list(Map.of("filter", "displayName = \"open")), "filter");
        assertBadField(list(Map.of("filter", "state = \"READY\" AND")), "filter");
        assertBadField(list(Map.of("filter", "state = \"DELETED\"")), "filter")
                .body("message", containsString("showDeleted"));
        assertBadField(list(Map.of("orderBy", "uid")), "orderBy");
        assertBadField(list(Map.of("orderBy", "createTime asc")), "orderBy");
        assertBadField(list(Map.of("orderBy", "displayName,createTime")), "orderBy");
        assertBadField(list(Map.of("showDeleted", "yes")), "showDeleted");
        assertBadField(list(Map.of("filter", "nope", "orderBy", "nope", "pageSize", "x")), "orderBy")
                .body("details.fieldViolations.flatten().field", hasItem("filter"))
                .body("details.fieldViolations.flatten().field", hasItem("pageSize"));

        // Sizes above the maximum are lowered, not refused.
        list(Map.of("pageSize", "1000")).then().statusCode(200);

        // A token only continues the query it was made for.
        create("token-1", "token-test", LLAMA_8B);
        create("token-2", "token-test", LLAMA_8B);
        String token = list(Map.of("filter", "displayName = \"token-test\"", "pageSize", "1"))
                .then().statusCode(200).extract().path("nextPageToken");
        assertThat(token).isNotNull();
        list(Map.of("filter", "displayName=\"token-test\"", "pageSize", "5", "pageToken", token))
                .then().statusCode(200).body("deployments.name", equalTo(List.of(name("token-2"))));
        assertBadField(list(Map.of("filter", "displayName = \"other\"", "pageToken", token)), "pageToken");
        assertBadField(list(Map.of("filter", "displayName = \"token-test\"", "orderBy", "name", "pageToken", token)),
                "pageToken");
    }

    @Test
    void softDeleteThenUndeleteRestoresTheDeployment() {
        String uid = createAndGetUid("soft-one");
        String name = name("soft-one");

        // Without a content type, as curl -X DELETE sends it.
        String body = given().header("Authorization", "Bearer " + DeploymentApiTest.KEY)
                .delete(DEPLOYMENTS + "/soft-one").then().statusCode(200).extract().asString();
        assertThat(body).isEqualTo("{}");

        JsonPath deleted = asAdmin().get("/v1/" + name).then().statusCode(200)
                .body("state", equalTo("DELETED"))
                .body("status.message", containsString("deleted by user"))
                .body("deleteTime", notNullValue())
                .extract().jsonPath();
        Instant deleteTime = Instant.parse(deleted.getString("deleteTime"));
        assertThat(Instant.parse(deleted.getString("purgeTime"))).isEqualTo(deleteTime.plus(Duration.ofDays(30)));

        DeploymentDeleted event = kafka().first(EventTypes.DEPLOYMENT_DELETED, e -> e.subject().equals(name),
                Duration.ofSeconds(20)).orElseThrow().data();
        assertThat(event.uid()).isEqualTo(uid);
        assertThat(event.deleteTime()).isEqualTo(deleteTime);
        assertThat(event.purgeTime()).isEqualTo(deleteTime.plus(Duration.ofDays(30)));

        asAdmin().delete(DEPLOYMENTS + "/soft-one").then().statusCode(400)
                .body("status", equalTo("FAILED_PRECONDITION"))
                .body("details[0].reason", equalTo("ALREADY_DELETED"));

        // Fireworks clients send an empty object; a bare POST with a literal colon works too.
        given().urlEncodingEnabled(false).header("Authorization", "Bearer " + DeploymentApiTest.KEY)
                .post(DEPLOYMENTS + "/soft-one:undelete")
                .then().statusCode(200)
                .body("name", equalTo(name))
                .body("state", equalTo("CREATING"))
                .body("$", not(hasKey("deleteTime")))
                .body("$", not(hasKey("purgeTime")));
        asAdmin().get("/v1/" + name).then().statusCode(200)
                .body("state", equalTo("CREATING"))
                .body("status.message", equalTo(""))
                .body("$", not(hasKey("deleteTime")));

        DeploymentUndeleted undeleted = kafka().first(EventTypes.DEPLOYMENT_UNDELETED,
                e -> e.subject().equals(name), Duration.ofSeconds(20)).orElseThrow().data();
        assertThat(undeleted.deployment().uid()).isEqualTo(uid);
        assertThat(undeleted.deployment().generation()).isEqualTo(2);
        assertThat(undeleted.deployment().model().name()).isEqualTo(LLAMA_8B);

        undelete("soft-one").then().statusCode(400)
                .body("status", equalTo("FAILED_PRECONDITION"))
                .body("details[0].reason", equalTo("NOT_DELETED"));
    }

    @Test
    void hardDeleteRemovesTheDeployment() {
        String uid = createAndGetUid("hard-one");
        String name = name("hard-one");
        asAdmin().delete(DEPLOYMENTS + "/hard-one?hard=true&ignoreChecks=true").then().statusCode(200)
                .body("$", equalTo(Map.of()));
        asAdmin().get("/v1/" + name).then().statusCode(404).body("message", containsString("does not exist"));
        undelete("hard-one").then().statusCode(404).body("message", containsString("does not exist"));

        DeploymentDeleted event = kafka().first(EventTypes.DEPLOYMENT_DELETED, e -> e.subject().equals(name),
                Duration.ofSeconds(20)).orElseThrow().data();
        assertThat(event.uid()).isEqualTo(uid);
        assertThat(event.purgeTime()).as("hard: purged at once").isEqualTo(event.deleteTime());

        // An already soft-deleted deployment can be purged.
        create("hard-two", "hard-test", LLAMA_8B);
        asAdmin().delete(DEPLOYMENTS + "/hard-two").then().statusCode(200);
        asAdmin().delete(DEPLOYMENTS + "/hard-two?hard=true").then().statusCode(200);
        asAdmin().get(DEPLOYMENTS + "/hard-two").then().statusCode(404);
        list(Map.of("filter", "displayName = \"hard-test\"", "showDeleted", "true"))
                .then().statusCode(200).body("totalSize", equalTo(0));
    }

    @Test
    void deletingOrUndeletingWhatDoesNotExistIsNotFound() {
        asAdmin().delete(DEPLOYMENTS + "/never-there").then().statusCode(404)
                .body("status", equalTo("NOT_FOUND"))
                .body("message", containsString("does not exist"));
        asAdmin().delete(DEPLOYMENTS + "/never-there?hard=true").then().statusCode(404)
                .body("message", containsString("does not exist"));
        undelete("never-there").then().statusCode(404).body("message", containsString("does not exist"));
        assertBadField(asAdmin().delete(DEPLOYMENTS + "/never-there?hard=yes"), "hard");
        assertBadField(asAdmin().delete(DEPLOYMENTS + "/never-there?ignoreChecks=1"), "ignoreChecks");
    }

    @Test
    void theSchedulersDeletionRequestSoftDeletesOnce() {
        String uid = createAndGetUid("idle-one");
        String name = name("idle-one");
        String reason = "no traffic for 7 days with min replicas 0";

        // A request about an earlier deployment of the same name (another uid) changes nothing. Events of one name
        // stay in order, so once the report after it shows, the request has been handled.
        kafka().publish(EventTypes.DEPLOYMENT_DELETION_REQUESTED, name,
                new DeploymentDeletionRequested(name, "another-uid", reason, Instant.now()));
        kafka().publish(EventTypes.DEPLOYMENT_STATUS_REPORTED, name, new DeploymentStatusReported(name, uid, 1, 1, 1,
                1, new ReplicaStats(0, 1, 0, 0), "US_IOWA_1", "downloading model", 0, 0, false, Instant.now()));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asAdmin().get("/v1/" + name)
                .then().statusCode(200).body("replicaStats.downloadingModelReplicaCount", equalTo(1)));
        asAdmin().get("/v1/" + name).then().body("state", equalTo("CREATING"));

        // With a replica still running it is DELETING until the scheduler reports none left.
        kafka().publish(EventTypes.DEPLOYMENT_DELETION_REQUESTED, name,
                new DeploymentDeletionRequested(name, uid, reason, Instant.now()));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asAdmin().get("/v1/" + name)
                .then().statusCode(200)
                .body("state", equalTo("DELETING"))
                .body("status.message", equalTo("deleted by the scheduler: " + reason)));
        String deleteTime = asAdmin().get("/v1/" + name).then().extract().path("deleteTime");

        // Redelivered, then a report that would make a live deployment READY: still DELETING, same reason.
        kafka().publish(EventTypes.DEPLOYMENT_DELETION_REQUESTED, name,
                new DeploymentDeletionRequested(name, uid, reason, Instant.now()));
        kafka().publish(EventTypes.DEPLOYMENT_STATUS_REPORTED, name, new DeploymentStatusReported(name, uid, 1, 2, 1,
                1, new ReplicaStats(0, 0, 0, 1), "US_IOWA_1", "serving", 1, 0, false, Instant.now()));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asAdmin().get("/v1/" + name)
                .then().statusCode(200).body("replicaStats.readyReplicaCount", equalTo(1)));
        asAdmin().get("/v1/" + name).then().statusCode(200)
                .body("state", equalTo("DELETING"))
                .body("status.message", equalTo("deleted by the scheduler: " + reason))
                .body("deleteTime", equalTo(deleteTime));

        // The replica drained: DELETED.
        kafka().publish(EventTypes.DEPLOYMENT_STATUS_REPORTED, name, new DeploymentStatusReported(name, uid, 1, 3, 0,
                0, new ReplicaStats(0, 0, 0, 0), "US_IOWA_1", "", 0, 0, false, Instant.now()));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asAdmin().get("/v1/" + name)
                .then().statusCode(200)
                .body("state", equalTo("DELETED"))
                .body("status.message", equalTo("deleted by the scheduler: " + reason))
                .body("deleteTime", equalTo(deleteTime)));

        DeploymentDeleted event = kafka().first(EventTypes.DEPLOYMENT_DELETED, e -> e.subject().equals(name),
                Duration.ofSeconds(20)).orElseThrow().data();
        assertThat(event.reason()).isEqualTo("deleted by the scheduler: " + reason);
        assertThat(kafka().all(EventTypes.DEPLOYMENT_DELETED, Duration.ofSeconds(3)))
                .filteredOn(e -> e.subject().equals(name)).hasSize(1);
    }

    private static void create(String id, String displayName, String baseModel) {
        asAdmin().body("{\"baseModel\": \"" + baseModel + "\", \"displayName\": \"" + displayName + "\"}")
                .post(DEPLOYMENTS + "?deploymentId=" + id)
                .then().statusCode(200);
    }

    private static String createAndGetUid(String id) {
        create(id, id, LLAMA_8B);
        return kafka().first(EventTypes.DEPLOYMENT_CREATED, e -> e.subject().equals(name(id)), Duration.ofSeconds(20))
                .orElseThrow().data().deployment().uid();
    }

    /** RestAssured sends the colon as %3A, as some clients do: the custom verb must route either way. */
    private static Response undelete(String id) {
        return asAdmin().body("{}").post(DEPLOYMENTS + "/" + id + ":undelete");
    }

    private static Response list(Map<String, String> params) {
        return asAdmin().queryParams(params).get(DEPLOYMENTS);
    }

    /** Every page of a list, following nextPageToken; bounded so a token that never ends fails the test. */
    private static List<JsonPath> listAll(Map<String, String> params) {
        List<JsonPath> pages = new ArrayList<>();
        String token = null;
        do {
            var request = asAdmin().queryParams(params);
            if (token != null) {
                request = request.queryParam("pageToken", token);
            }
            JsonPath page = request.get(DEPLOYMENTS).then().statusCode(200).extract().jsonPath();
            pages.add(page);
            token = page.getString("nextPageToken");
        } while (token != null && pages.size() < 100);
        assertThat(token).as("the last page has no nextPageToken").isNull();
        return pages;
    }

    private static List<String> names(List<JsonPath> pages) {
        return pages.stream().flatMap(p -> p.getList("deployments.name", String.class).stream()).toList();
    }

    private static String name(String id) {
        return "accounts/acme/deployments/" + id;
    }

    private static ValidatableResponse assertBadField(Response response, String field) {
        return response.then().statusCode(400)
                .body("status", equalTo("INVALID_ARGUMENT"))
                .body("details.fieldViolations.flatten().field", hasItem(field));
    }
}
