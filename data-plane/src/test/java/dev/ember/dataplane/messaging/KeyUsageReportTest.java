package dev.ember.dataplane.messaging;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.ember.common.auth.ApiKeys;
import dev.ember.common.event.ApiKeyCreated;
import dev.ember.common.event.ApiKeyUsed;
import dev.ember.common.event.Event;
import dev.ember.common.event.EventTypes;
import dev.ember.testsupport.EmberInfraResource;
import dev.ember.testsupport.KafkaEvents;

/** A key in use is reported to the control plane for its lastUsed, once a minute at most, not once a request. */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
class KeyUsageReportTest {

    @Test
    void aKeyUsedManyTimesInAMinuteIsReportedOnce() {
        KafkaEvents kafka = new KafkaEvents(ConfigProvider.getConfig().getValue("kafka.bootstrap.servers",
                String.class));
        String secret = ApiKeys.generate();
        String name = "accounts/reporting/users/ann/apiKeys/a1";
        Instant before = Instant.now();
        kafka.publish(EventTypes.API_KEY_CREATED, name, new ApiKeyCreated(name, "reporting", "ann", "user",
                ApiKeys.hash(secret), ApiKeys.prefix(secret), null, Instant.now()));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().header("Authorization", "Bearer " + secret)
                .get("/inference/v1/models").then().statusCode(200));
        for (int i = 0; i < 20; i++) {
            given().header("Authorization", "Bearer " + secret).get("/inference/v1/models").then().statusCode(200);
        }

        List<Event<ApiKeyUsed>> reports = kafka.all(EventTypes.API_KEY_USED, Duration.ofSeconds(3)).stream()
                .filter(e -> e.subject().equals(name)).toList();
        assertThat(reports).as("apikey.used reports on ember.usage for " + name).hasSize(1);
        assertThat(reports.get(0).data().name()).isEqualTo(name);
        assertThat(reports.get(0).data().usedAt()).isAfterOrEqualTo(before);
    }
}
