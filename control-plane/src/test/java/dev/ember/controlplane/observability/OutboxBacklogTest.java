package dev.ember.controlplane.observability;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

import dev.ember.common.outbox.OutboxRelay;
import dev.ember.testsupport.EmberInfraResource;
import dev.ember.testsupport.PrometheusText;
import dev.ember.testsupport.ServiceDatabase;

/** An operator sees events pile up in the outbox when the relay cannot drain it, and the pile go once it can. */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
class OutboxBacklogTest {

    static final String KEY = "em_controlplanetestkey000000000000000000000";

    static PrometheusText scrape() {
        return PrometheusText.parse(given().get("/q/metrics").then().statusCode(200).extract().asString());
    }

    @Test
    void aStalledRelayShowsAsAGrowingBacklog() throws Exception {
        try (Connection db = ServiceDatabase.connect()) {
            try (Statement s = db.createStatement()) {
                // The relay only drains while it holds this lock; holding it stalls every relay of the service.
                s.execute("select pg_advisory_lock(" + OutboxRelay.ADVISORY_LOCK + ")");
            }
            given().header("Authorization", "Bearer " + KEY).contentType(ContentType.JSON)
                    .body("{\"baseModel\": \"accounts/fireworks/models/llama-v3p1-8b-instruct\"}")
                    .post("/v1/accounts/acme/deployments?deploymentId=stuck-in-outbox")
                    .then().statusCode(200);

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                PrometheusText metrics = scrape();
                assertThat(metrics.sum("ember_outbox_events_waiting")).isGreaterThanOrEqualTo(1);
                assertThat(metrics.sum("ember_outbox_oldest_event_age_seconds")).isGreaterThan(0);
            });

            try (Statement s = db.createStatement()) {
                s.execute("select pg_advisory_unlock(" + OutboxRelay.ADVISORY_LOCK + ")");
            }
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            PrometheusText metrics = scrape();
            assertThat(metrics.sum("ember_outbox_events_waiting")).isZero();
            assertThat(metrics.sum("ember_outbox_oldest_event_age_seconds")).isZero();
        });
    }
}
