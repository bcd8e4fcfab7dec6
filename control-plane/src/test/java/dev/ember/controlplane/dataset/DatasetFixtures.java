package dev.ember.controlplane.dataset;

import static dev.ember.controlplane.TestAccounts.as;
import static io.restassured.RestAssured.given;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.restassured.response.Response;

/** What a user does with datasets: create one, upload a JSONL file to its signed URL, validate it. */
public final class DatasetFixtures {

    /** Three chat examples, each with an answer to learn from. */
    public static final String CHAT = """
            {"messages": [{"role": "system", "content": "You are terse."}, {"role": "user", "content": "Hi"}, \
            {"role": "assistant", "content": "Hello."}]}
            {"messages": [{"role": "user", "content": "2+2?"}, {"role": "assistant", "content": "4"}]}
            {"messages": [{"role": "user", "content": "Capital of France?"}, {"role": "assistant", \
            "content": "Paris."}, {"role": "user", "content": "And Spain?"}, {"role": "assistant", \
            "content": "Madrid."}]}
            """;

    private DatasetFixtures() {
    }

    public static Response create(String key, String account, String datasetId, String body) {
        return as(key).body("{\"datasetId\": \"" + datasetId + "\", \"dataset\": " + body + "}")
                .post("/v1/accounts/" + account + "/datasets");
    }

    public static Response uploadEndpoint(String key, String dataset, String file, long size) {
        return as(key).body("{\"filenameToSize\": {\"" + file + "\": \"" + size + "\"}}")
                .post("/v1/" + dataset + ":getUploadEndpoint");
    }

    /** Declares the file, PUTs it to its signed URL (no API key: the URL is the grant). */
    public static void upload(String key, String dataset, String file, String content) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        Map<String, String> urls = uploadEndpoint(key, dataset, file, bytes.length).then().statusCode(200)
                .extract().jsonPath().getMap("filenameToSignedUrls", String.class, String.class);
        given().contentType("application/octet-stream").body(bytes).put(urls.get(file)).then().statusCode(200);
    }

    public static Response validate(String key, String dataset) {
        return as(key).body("{}").post("/v1/" + dataset + ":validateUpload");
    }

    /** A dataset with the content, uploaded and validated: READY. Returns its name. */
    public static String ready(String key, String account, String datasetId, String content) {
        String name = "accounts/" + account + "/datasets/" + datasetId;
        create(key, account, datasetId, "{}").then().statusCode(200);
        upload(key, name, "data.jsonl", content);
        validate(key, name).then().statusCode(200);
        return name;
    }
}
