package dev.ember.controlplane.observability;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.NavigableMap;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

import dev.ember.common.observability.HttpLatencyBuckets;
import dev.ember.testsupport.EmberInfraResource;

/**
 * An operator reads a route's latency percentiles and the share of creates within 20 ms from the HTTP server's
 * buckets, per templated route: a create counts once in every bucket at or above its latency.
 */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
class RequestLatencyTest {

    static final String[] CREATES = {"uri", "/v1/accounts/{account}/deployments", "method", "POST", "status",
            "200"};

    @Test
    void aCreateCountsInTheLatencyBucketsOfItsRoute() {
        NavigableMap<Double, Double> before = buckets();
        given().header("Authorization", "Bearer " + OutboxBacklogTest.KEY).contentType(ContentType.JSON)
                .body("{\"baseModel\": \"accounts/fireworks/models/llama-v3p1-8b-instruct\"}")
                .post("/v1/accounts/acme/deployments?deploymentId=timed-create")
                .then().statusCode(200);
        NavigableMap<Double, Double> after = buckets();

        assertThat(after.keySet()).as("buckets of the creates' series; the server's series: %s",
                OutboxBacklogTest.scrape().find("http_server_requests_seconds_count"))
                .containsAll(Arrays.stream(HttpLatencyBuckets.BOUNDS_MS)
                        .mapToObj(ms -> ms / 1000.0).toList())
                .contains(Double.POSITIVE_INFINITY);
        // Cumulative: from the first bound the create falls within, it counts once in every larger one and in +Inf.
        boolean within = false;
        for (double le : after.keySet()) {
            double added = after.get(le) - before.getOrDefault(le, 0.0);
            within |= added > 0;
            assertThat(added).as("bucket le=%s", le).isEqualTo(within ? 1 : 0);
        }
        assertThat(within).isTrue();
    }

    private static NavigableMap<Double, Double> buckets() {
        return OutboxBacklogTest.scrape().buckets("http_server_requests_seconds_bucket", CREATES);
    }
}
