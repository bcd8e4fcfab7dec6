package dev.ember.controlplane.dataset;

import static dev.ember.controlplane.TestAccounts.ADMIN_KEY;
import static dev.ember.controlplane.TestAccounts.as;
import static dev.ember.controlplane.TestAccounts.asAdmin;
import static dev.ember.controlplane.dataset.DatasetFixtures.CHAT;
import static dev.ember.controlplane.dataset.DatasetFixtures.create;
import static dev.ember.controlplane.dataset.DatasetFixtures.upload;
import static dev.ember.controlplane.dataset.DatasetFixtures.uploadEndpoint;
import static dev.ember.controlplane.dataset.DatasetFixtures.validate;
import static dev.ember.controlplane.model.ModelFixtures.assertBadField;
import static dev.ember.controlplane.model.ModelFixtures.assertFailedPrecondition;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.ember.controlplane.TestAccounts;
import dev.ember.testsupport.EmberInfraResource;

/** Datasets through the REST API: the upload flow, validation of the JSONL, lists, updates, deletes, isolation. */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
class DatasetApiTest {

    static final String DATASETS = "/v1/accounts/acme/datasets";

    @Test
    void aChatDatasetIsUploadedValidatedCountedAndDownloadedBack() {
        String name = "accounts/acme/datasets/chat-data";
        create(ADMIN_KEY, "acme", "chat-data", "{\"displayName\": \"Chat data\", \"userUploaded\": {}}")
                .then().statusCode(200)
                .body("name", equalTo(name))
                .body("displayName", equalTo("Chat data"))
                .body("state", equalTo("UPLOADING"))
                .body("format", equalTo("FORMAT_UNSPECIFIED"))
                .body("exampleCount", equalTo("0"))
                .body("status.message", containsString(":getUploadEndpoint"));

        upload(ADMIN_KEY, name, "train.jsonl", CHAT);
        asAdmin().get("/v1/" + name).then().body("state", equalTo("UPLOADING"))
                .body("status.message", containsString("call :validateUpload"));
        validate(ADMIN_KEY, name).then().statusCode(200).body("$", equalTo(Map.of()));

        asAdmin().get("/v1/" + name).then().statusCode(200)
                .body("state", equalTo("READY"))
                .body("format", equalTo("CHAT"))
                .body("exampleCount", equalTo("3"))
                .body("averageTurnCount", equalTo(4f / 3))
                .body("estimatedTokenCount", not(equalTo("0")));
        // Again: a no-op, so a retried call succeeds; the file is final.
        validate(ADMIN_KEY, name).then().statusCode(200);
        assertFailedPrecondition(uploadEndpoint(ADMIN_KEY, name, "train.jsonl", 10), "DATASET_ALREADY_UPLOADED");

        String url = asAdmin().get("/v1/" + name + ":getDownloadEndpoint").then().statusCode(200)
                .extract().jsonPath().getString("filenameToSignedUrls['train.jsonl']");
        assertThat(url).contains("/v1/downloads/");
        byte[] downloaded = given().get(url).then().statusCode(200).extract().asByteArray();
        assertThat(new String(downloaded, StandardCharsets.UTF_8)).isEqualTo(CHAT);
        // A forged token is refused.
        given().get(url.substring(0, url.length() - 3) + "abc").then().statusCode(403);
    }

    @Test
    void aBadLineIsReportedByItsNumberAndTheDatasetStaysUploading() {
        String name = "accounts/acme/datasets/bad-lines";
        create(ADMIN_KEY, "acme", "bad-lines", "{}").then().statusCode(200);
        upload(ADMIN_KEY, name, "train.jsonl", """
                {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}
                {"messages": [{"role": "user", "content": "Hi"}
                {"messages": [{"role": "robot", "content": "beep"}]}
                {"prompt": "a", "completion": "b"}
                """);
        validate(ADMIN_KEY, name).then().statusCode(400)
                .body("status", equalTo("INVALID_ARGUMENT"))
                .body("details.fieldViolations.flatten().field",
                        equalTo(List.of("train.jsonl:2", "train.jsonl:3", "train.jsonl:4")))
                .body("details.fieldViolations.flatten().description", hasItem(containsString(
                        "line 2 is not valid JSON")))
                .body("details.fieldViolations.flatten().description", hasItem(containsString(
                        "line 3 messages[0].role must be one of system, user, assistant, tool")))
                .body("details.fieldViolations.flatten().description", hasItem(containsString(
                        "line 4 is a COMPLETION example, but the dataset is CHAT")));
        asAdmin().get("/v1/" + name).then().body("state", equalTo("UPLOADING"));

        // A declared format is enforced from the first line.
        String completions = "accounts/acme/datasets/declared-completion";
        create(ADMIN_KEY, "acme", "declared-completion", "{\"format\": \"COMPLETION\"}").then().statusCode(200);
        upload(ADMIN_KEY, completions, "data.jsonl", "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}]}\n");
        assertBadField(validate(ADMIN_KEY, completions), "data.jsonl:1");

        String empty = "accounts/acme/datasets/blank-file";
        create(ADMIN_KEY, "acme", "blank-file", "{}").then().statusCode(200);
        upload(ADMIN_KEY, empty, "data.jsonl", "\n\n");
        assertBadField(validate(ADMIN_KEY, empty), "data.jsonl").body("message", containsString("has no examples"));
    }

    @Test
    void badCreatesAndUploadsNameTheField() {
        assertBadField(create(ADMIN_KEY, "acme", "Bad_Id", "{}"), "datasetId");
        assertBadField(create(ADMIN_KEY, "acme", "rl-data", "{\"format\": \"RL\"}"), "dataset.format")
                .body("message", containsString("RL datasets are not supported"));
        assertBadField(asAdmin().body("{\"datasetId\": \"filtered\", \"dataset\": {}, \"sourceDatasetId\": \"x\"}")
                .post(DATASETS), "sourceDatasetId");
        assertBadField(asAdmin().body("{\"datasetId\": \"no-body\"}").post(DATASETS), "dataset");
        create(ADMIN_KEY, "acme", "dup-data", "{}").then().statusCode(200);
        create(ADMIN_KEY, "acme", "dup-data", "{}").then().statusCode(409).body("status", equalTo("ALREADY_EXISTS"));

        String name = "accounts/acme/datasets/dup-data";
        assertBadField(uploadEndpoint(ADMIN_KEY, name, "train.csv", 10), "filenameToSize[\"train.csv\"]");
        assertBadField(uploadEndpoint(ADMIN_KEY, name, "train.jsonl", 0), "filenameToSize[\"train.jsonl\"]");
        assertBadField(asAdmin().body("{\"filenameToSize\": {\"a.jsonl\": 1, \"b.jsonl\": 1}}")
                .post("/v1/" + name + ":getUploadEndpoint"), "filenameToSize");
        // Nothing declared, or declared and never sent.
        assertBadField(validate(ADMIN_KEY, name), "filenameToSize");
        uploadEndpoint(ADMIN_KEY, name, "train.jsonl", 10).then().statusCode(200);
        assertBadField(validate(ADMIN_KEY, name), "train.jsonl").body("message", containsString("not uploaded"));
        // Not READY yet: no download.
        assertFailedPrecondition(asAdmin().get("/v1/" + name + ":getDownloadEndpoint"), "DATASET_NOT_READY");
    }

    @Test
    void listsPageFilterAndOrderAndUpdatesChangeTheDisplayName() {
        for (String id : List.of("list-a", "list-b", "list-c")) {
            create(ADMIN_KEY, "acme", id, "{\"displayName\": \"listed " + id + "\"}").then().statusCode(200);
        }
        String page = asAdmin().queryParam("pageSize", 2).queryParam("filter", "displayName=\"listed list-b\" OR "
                + "state=\"UPLOADING\"").get(DATASETS).then().statusCode(400).extract().asString();
        assertThat(page).contains("filter");
        List<String> names = asAdmin().queryParam("filter", "state=\"UPLOADING\"").queryParam("orderBy",
                "createTime desc").queryParam("pageSize", 200).get(DATASETS).then().statusCode(200)
                .extract().jsonPath().getList("datasets.name", String.class);
        assertThat(names).containsSubsequence("accounts/acme/datasets/list-c", "accounts/acme/datasets/list-b",
                "accounts/acme/datasets/list-a");
        String token = asAdmin().queryParam("pageSize", 1).queryParam("filter", "displayName=\"listed list-a\"")
                .get(DATASETS).then().statusCode(200).body("totalSize", equalTo(1))
                .body("datasets[0].name", equalTo("accounts/acme/datasets/list-a"))
                .extract().path("nextPageToken");
        assertThat(token).isNull();

        asAdmin().body("{\"displayName\": \"renamed\", \"exampleCount\": \"99\"}")
                .patch(DATASETS + "/list-a").then().statusCode(200)
                .body("displayName", equalTo("renamed")).body("exampleCount", equalTo("0"));
        asAdmin().body("{\"displayName\": \"ignored\"}").patch(DATASETS + "/list-a?updateMask=displayName")
                .then().body("displayName", equalTo("ignored"));
        assertBadField(asAdmin().body("{\"format\": \"CHAT\"}").patch(DATASETS + "/list-a?updateMask=format"),
                "updateMask");

        asAdmin().delete(DATASETS + "/list-a").then().statusCode(200).body("$", equalTo(Map.of()));
        asAdmin().get(DATASETS + "/list-a").then().statusCode(404);
    }

    @Test
    void anotherAccountsDatasetsAreNotFound() {
        String beta = TestAccounts.ordinaryKey("ds-beta", "user");
        String gamma = TestAccounts.ordinaryKey("ds-gamma", "user");
        String name = DatasetFixtures.ready(beta, "ds-beta", "private", CHAT);

        as(gamma).get("/v1/" + name).then().statusCode(404).body("status", equalTo("NOT_FOUND"));
        as(gamma).get("/v1/" + name + ":getDownloadEndpoint").then().statusCode(404);
        as(gamma).body("{\"displayName\": \"mine\"}").patch("/v1/" + name).then().statusCode(404);
        as(gamma).delete("/v1/" + name).then().statusCode(404);
        as(gamma).get("/v1/accounts/ds-beta/datasets").then().statusCode(404);
        as(beta).get("/v1/accounts/ds-beta/datasets").then().statusCode(200)
                .body("datasets.name", equalTo(List.of(name)));
        as(beta).get("/v1/" + name).then().statusCode(200).body("state", equalTo("READY"))
                .body("createdBy", equalTo("user"));
    }
}
