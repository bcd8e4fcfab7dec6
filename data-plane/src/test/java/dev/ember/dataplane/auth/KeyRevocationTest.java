package dev.ember.dataplane.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;

import dev.ember.common.auth.ApiKeys;
import dev.ember.common.event.ApiKeyCreated;
import dev.ember.common.event.ApiKeyRevoked;
import dev.ember.common.event.EventCodec;
import dev.ember.common.event.EventType;
import dev.ember.common.event.EventTypes;
import dev.ember.common.event.UserDeleted;
import dev.ember.testsupport.EmberInfraResource;

/**
 * Keys the control plane revokes stop working on the data plane as soon as the event arrives: the test publishes
 * the events on the real broker, as the control plane's outbox relay would, and polls the inference API.
 */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
class KeyRevocationTest {

    static final Logger LOG = Logger.getLogger(KeyRevocationTest.class);
    static final String ACCOUNT = "revoking";

    KafkaProducer<String, byte[]> producer;

    @BeforeEach
    void aProducerLikeTheOutboxRelays() {
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true"),
                new StringSerializer(), new ByteArraySerializer());
    }

    @AfterEach
    void closeTheProducer() {
        producer.close();
    }

    @Test
    void aKeyRevokedByItsEventIsRefusedWithinOneSecondOfThePublish() throws Exception {
        String secret = ApiKeys.generate();
        String colleague = ApiKeys.generate();
        ApiKeyCreated created = created("alice", "k-revoked", secret, null);
        publish(EventTypes.API_KEY_CREATED, created.name(), created);
        publish(EventTypes.API_KEY_CREATED, keyName("bob", "k-kept"), created("bob", "k-kept", colleague, null));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> models(secret).then().statusCode(200));
        models(colleague).then().statusCode(200);

        ApiKeyRevoked revoked = new ApiKeyRevoked(created.name(), ACCOUNT, "alice", ApiKeys.hash(secret),
                ApiKeys.prefix(secret), Instant.now(), "revoked by user 'alice' of account 'revoking'");
        long published = System.nanoTime();
        publish(EventTypes.API_KEY_REVOKED, created.name(), revoked);
        AtomicLong refused = new AtomicLong();
        await().atMost(Duration.ofSeconds(5)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(10))
                .untilAsserted(() -> {
                    models(secret).then().statusCode(401);
                    refused.set(System.nanoTime());
                });
        Duration publishToRefusal = Duration.ofNanos(refused.get() - published);
        LOG.infof("A revoked key was refused %d ms after its apikey.revoked was published",
                publishToRefusal.toMillis());
        assertThat(publishToRefusal).as("from publishing apikey.revoked to the first refusal")
                .isLessThan(Duration.ofSeconds(1));

        for (Response refusal : List.of(models(secret), chat(secret))) {
            refusal.then().statusCode(401)
                    .body("error.type", equalTo("authentication_error"))
                    .body("error.code", equalTo("API_KEY_REVOKED"))
                    .body("error.message", containsString("revoked by user 'alice' of account 'revoking'"));
        }
        models(colleague).then().statusCode(200);
    }

    @Test
    void deletingAUserRevokesTheKeysTheEventNamesAndNoOthers() throws Exception {
        String first = ApiKeys.generate();
        String second = ApiKeys.generate();
        String colleague = ApiKeys.generate();
        publish(EventTypes.API_KEY_CREATED, keyName("carol", "c1"), created("carol", "c1", first, null));
        publish(EventTypes.API_KEY_CREATED, keyName("carol", "c2"), created("carol", "c2", second, null));
        publish(EventTypes.API_KEY_CREATED, keyName("dan", "d1"), created("dan", "d1", colleague, null));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            models(first).then().statusCode(200);
            models(second).then().statusCode(200);
        });

        String carol = "accounts/" + ACCOUNT + "/users/carol";
        publish(EventTypes.USER_DELETED, carol, new UserDeleted(carol, ACCOUNT, "carol",
                List.of(keyName("carol", "c1"), keyName("carol", "c2")), Instant.now()));
        // Carol again, under the same ID, with a new key: read after the deletion, it works.
        String again = ApiKeys.generate();
        publish(EventTypes.API_KEY_CREATED, keyName("carol", "c3"), created("carol", "c3", again, null));

        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10)).untilAsserted(() -> {
            models(first).then().statusCode(401).body("error.code", equalTo("API_KEY_REVOKED"))
                    .body("error.message", containsString("user '" + carol + "' was deleted"));
            models(second).then().statusCode(401).body("error.code", equalTo("API_KEY_REVOKED"));
            models(again).then().statusCode(200);
        });
        models(colleague).then().statusCode(200);
    }

    @Test
    void aRedeliveredCreationDoesNotBringARevokedKeyBack() throws Exception {
        String secret = ApiKeys.generate();
        String witness = ApiKeys.generate();
        ApiKeyCreated created = created("erin", "e1", secret, null);
        publish(EventTypes.API_KEY_CREATED, created.name(), created);
        publish(EventTypes.API_KEY_REVOKED, created.name(), new ApiKeyRevoked(created.name(), ACCOUNT, "erin",
                ApiKeys.hash(secret), ApiKeys.prefix(secret), Instant.now(), "revoked"));
        publish(EventTypes.API_KEY_CREATED, created.name(), created); // at-least-once: the same event again
        // Another key, sent with the same record key so it lands on the same partition after the redelivery: once
        // it works, the redelivered creation has been applied.
        publish(EventTypes.API_KEY_CREATED, created.name(), created("erin", "e2", witness, null));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> models(witness).then().statusCode(200));

        models(secret).then().statusCode(401).body("error.code", equalTo("API_KEY_REVOKED"));
    }

    @Test
    void anExpiredKeyIsRefusedAsExpired() throws Exception {
        String secret = ApiKeys.generate();
        Instant expired = Instant.now().minusSeconds(60);
        publish(EventTypes.API_KEY_CREATED, keyName("frank", "f1"), created("frank", "f1", secret, expired));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> models(secret).then().statusCode(401)
                .body("error.type", equalTo("authentication_error"))
                .body("error.code", equalTo("API_KEY_EXPIRED"))
                .body("error.message", containsString("expired at " + expired)));
    }

    static String keyName(String user, String key) {
        return "accounts/" + ACCOUNT + "/users/" + user + "/apiKeys/" + key;
    }

    static ApiKeyCreated created(String user, String key, String secret, Instant expireTime) {
        return new ApiKeyCreated(keyName(user, key), ACCOUNT, user, "user", ApiKeys.hash(secret),
                ApiKeys.prefix(secret), expireTime, Instant.now());
    }

    /** Sends as the outbox relay does (CloudEvents headers, the subject as key) and waits for the broker's ack. */
    <T> void publish(EventType<T> type, String subject, T data) throws Exception {
        producer.send(new ProducerRecord<>(type.topic(), null, subject,
                EventCodec.toJson(data).getBytes(StandardCharsets.UTF_8),
                EventCodec.headers(UUID.randomUUID().toString(), type.type(), "/control-plane", subject,
                        Instant.now())))
                .get();
    }

    static Response models(String key) {
        return given().header("Authorization", "Bearer " + key).get("/inference/v1/models");
    }

    static Response chat(String key) {
        return given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON)
                .body("{\"model\": \"accounts/" + ACCOUNT + "/deployments/any\", \"messages\": [{\"role\": \"user\", "
                        + "\"content\": \"hi\"}]}")
                .post("/inference/v1/chat/completions");
    }
}
