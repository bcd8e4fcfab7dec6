package dev.ember.controlplane.apikey;

import static dev.ember.controlplane.Platform.as;
import static dev.ember.controlplane.Platform.asPlatformAdmin;
import static dev.ember.controlplane.Platform.assertBadField;
import static dev.ember.controlplane.Platform.assertNotFound;
import static dev.ember.controlplane.Platform.createAccount;
import static dev.ember.controlplane.Platform.createUser;
import static dev.ember.controlplane.Platform.kafka;
import static dev.ember.controlplane.Platform.userWithKey;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

import dev.ember.common.auth.ApiKeys;
import dev.ember.common.event.ApiKeyCreated;
import dev.ember.common.event.ApiKeyRevoked;
import dev.ember.common.event.ApiKeyUsed;
import dev.ember.common.event.Event;
import dev.ember.common.event.EventCodec;
import dev.ember.common.event.EventTypes;
import dev.ember.common.event.Topics;
import dev.ember.controlplane.TestClock;
import dev.ember.testsupport.EmberInfraResource;

/** A user's API keys: the secret is shown once, keys expire and are revoked, and a user manages only its own. */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
class ApiKeyApiTest {

    static final Logger LOG = Logger.getLogger(ApiKeyApiTest.class);
    static final String ACCOUNT = "cyberdyne";
    static final String USERS = "/v1/accounts/" + ACCOUNT + "/users";
    static String admin;

    /** Once per class, in @BeforeEach where the test port is known. */
    @BeforeEach
    void anAccountWithAnAdmin() {
        if (admin != null) {
            return;
        }
        createAccount(ACCOUNT);
        admin = userWithKey(ACCOUNT, "miles", "admin");
    }

    @Test
    void theSecretIsShownOnceAndOnlyItsHashTravels() {
        createUser(ACCOUNT, "sarah", "user");
        JsonPath created = as(admin).body("{\"apiKey\": {\"displayName\": \"ci\"}}").post(USERS + "/sarah/apiKeys")
                .then().statusCode(200)
                .body("keyId", notNullValue())
                .body("displayName", equalTo("ci"))
                .body("key", startsWith("em_"))
                .body("secure", equalTo(true))
                .body("email", equalTo("sarah@cyberdyne.example"))
                .body("createTime", notNullValue())
                .body("$", not(hasKey("lastUsed")))
                .body("$", not(hasKey("expireTime")))
                .extract().jsonPath();
        String secret = created.getString("key");
        String keyId = created.getString("keyId");
        assertThat(created.getString("prefix")).isEqualTo(secret.substring(0, 8));

        as(secret).get(USERS + "/sarah").then().statusCode(200);
        as(admin).get(USERS + "/sarah/apiKeys/" + keyId).then().statusCode(200)
                .body("keyId", equalTo(keyId))
                .body("$", not(hasKey("key")));
        as(admin).get(USERS + "/sarah/apiKeys").then().statusCode(200)
                .body("apiKeys.keyId", equalTo(List.of(keyId)))
                .body("apiKeys[0]", not(hasKey("key")))
                .body("totalSize", equalTo(1));

        var event = kafka().first(EventTypes.API_KEY_CREATED,
                e -> e.subject().equals("accounts/cyberdyne/users/sarah/apiKeys/" + keyId), Duration.ofSeconds(20));
        assertThat(event).as("apikey.created on ember.resources").isPresent();
        ApiKeyCreated data = event.get().data();
        assertThat(data.keyHash()).isEqualTo(ApiKeys.hash(secret));
        assertThat(data.role()).isEqualTo("user");
        assertThat(EventCodec.toJson(data)).doesNotContain(secret);
    }

    @Test
    void aRevokedKeyIsRefusedAtOnceAndItsRevocationIsOnTheTopicWithinASecond() {
        createUser(ACCOUNT, "kyle", "user");
        JsonPath created = as(admin).body("{\"apiKey\": {}}").post(USERS + "/kyle/apiKeys")
                .then().statusCode(200).body("displayName", equalTo("default")).extract().jsonPath();
        String secret = created.getString("key");
        String keyId = created.getString("keyId");
        String name = "accounts/cyberdyne/users/kyle/apiKeys/" + keyId;
        as(secret).get("/v1/accounts/" + ACCOUNT).then().statusCode(200);

        try (ResourceEvents events = ResourceEvents.fromNow()) {
            as(secret).body("{\"keyId\": \"" + keyId + "\"}").post(USERS + "/kyle/apiKeys:delete")
                    .then().statusCode(200).body(equalTo("{}"));
            long committed = System.nanoTime();

            as(secret).get("/v1/accounts/" + ACCOUNT).then().statusCode(401)
                    .body("status", equalTo("UNAUTHENTICATED"))
                    .body("details[0].reason", equalTo("API_KEY_REVOKED"))
                    .body("message", containsString("revoked by user 'kyle' of account 'cyberdyne'"));

            Event<ApiKeyRevoked> revoked = events.await(EventTypes.API_KEY_REVOKED, name, Duration.ofSeconds(5))
                    .orElseThrow(() -> new AssertionError("no apikey.revoked for " + name));
            Duration commitToTopic = Duration.ofNanos(System.nanoTime() - committed);
            LOG.infof("apikey.revoked was on the topic %d ms after the revocation committed", commitToTopic.toMillis());
            assertThat(commitToTopic).as("from the revocation's commit to its event on the topic")
                    .isLessThan(Duration.ofSeconds(1));
            assertThat(revoked.data().keyHash()).isEqualTo(ApiKeys.hash(secret));
            assertThat(revoked.data().account()).isEqualTo(ACCOUNT);
            assertThat(revoked.data().user()).isEqualTo("kyle");
        }

        assertNotFound(as(admin).get(USERS + "/kyle/apiKeys/" + keyId));
        assertNotFound(as(admin).body("{\"keyId\": \"" + keyId + "\"}").post(USERS + "/kyle/apiKeys:delete"));
        as(admin).get(USERS + "/kyle/apiKeys").then().statusCode(200).body("totalSize", equalTo(0));
    }

    @Test
    void aKeyWorksUntilItsExpireTimeAndIsThenRefusedAsExpired() {
        createUser(ACCOUNT, "dyson", "user");
        Instant expiry = TestClock.CLOCK.instant().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.SECONDS);
        String secret = as(admin).body("{\"apiKey\": {\"expireTime\": \"" + expiry + "\"}}")
                .post(USERS + "/dyson/apiKeys")
                .then().statusCode(200)
                .body("expireTime", equalTo(expiry.toString()))
                .extract().path("key");
        as(secret).get(USERS + "/dyson").then().statusCode(200);

        TestClock.CLOCK.advance(Duration.ofHours(1));

        as(secret).get(USERS + "/dyson").then().statusCode(401)
                .body("details[0].reason", equalTo("API_KEY_EXPIRED"))
                .body("message", containsString("expired at " + expiry));
        assertBadField(as(admin).body("{\"apiKey\": {\"expireTime\": \"" + TestClock.CLOCK.instant()
                .minusSeconds(1) + "\"}}").post(USERS + "/dyson/apiKeys"), "apiKey.expireTime");
    }

    @Test
    void lastUsedIsWrittenOnUseAtMostOnceAMinute() {
        createUser(ACCOUNT, "ripley", "user");
        JsonPath created = as(admin).body("{\"apiKey\": {}}").post(USERS + "/ripley/apiKeys")
                .then().statusCode(200).extract().jsonPath();
        String secret = created.getString("key");
        String key = USERS + "/ripley/apiKeys/" + created.getString("keyId");
        as(admin).get(key).then().statusCode(200).body("$", not(hasKey("lastUsed")));

        as(secret).get(USERS + "/ripley").then().statusCode(200);
        Instant first = Instant.parse(as(admin).get(key).then().statusCode(200).extract().path("lastUsed"));

        TestClock.CLOCK.advance(Duration.ofSeconds(30));
        as(secret).get(USERS + "/ripley").then().statusCode(200);
        as(admin).get(key).then().body("lastUsed", equalTo(first.toString()));

        TestClock.CLOCK.advance(Duration.ofSeconds(31));
        as(secret).get(USERS + "/ripley").then().statusCode(200);
        Instant later = Instant.parse(as(admin).get(key).then().statusCode(200).extract().path("lastUsed"));
        assertThat(later).isAfterOrEqualTo(first.plus(Duration.ofSeconds(61)));
    }

    @Test
    void usesTheDataPlaneReportsMoveLastUsedForwardNeverBack() {
        createUser(ACCOUNT, "hudson", "inference-user");
        String keyId = as(admin).body("{\"apiKey\": {}}").post(USERS + "/hudson/apiKeys")
                .then().statusCode(200).extract().path("keyId");
        String name = "accounts/cyberdyne/users/hudson/apiKeys/" + keyId;
        String key = USERS + "/hudson/apiKeys/" + keyId;
        Instant used = TestClock.CLOCK.instant().truncatedTo(ChronoUnit.MILLIS);

        kafka().publish(EventTypes.API_KEY_USED, name, new ApiKeyUsed(name, used));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> as(admin).get(key).then().statusCode(200)
                .body("lastUsed", equalTo(used.toString())));

        // An older report, or one from the same minute (another data plane), changes nothing.
        kafka().publish(EventTypes.API_KEY_USED, name, new ApiKeyUsed(name, used.minusSeconds(600)));
        kafka().publish(EventTypes.API_KEY_USED, name, new ApiKeyUsed(name, used.plusSeconds(20)));
        // A report on another key, sent with the same record key so it is read after those two: once it shows,
        // they have been applied.
        String markerId = as(admin).body("{\"apiKey\": {}}").post(USERS + "/hudson/apiKeys")
                .then().statusCode(200).extract().path("keyId");
        String marker = "accounts/cyberdyne/users/hudson/apiKeys/" + markerId;
        kafka().publish(EventTypes.API_KEY_USED, name, new ApiKeyUsed(marker, used));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> as(admin).get(USERS + "/hudson/apiKeys/"
                + markerId).then().statusCode(200).body("lastUsed", equalTo(used.toString())));
        as(admin).get(key).then().statusCode(200).body("lastUsed", equalTo(used.toString()));

        Instant later = used.plusSeconds(90);
        kafka().publish(EventTypes.API_KEY_USED, name, new ApiKeyUsed(name, later));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> as(admin).get(key).then().statusCode(200)
                .body("lastUsed", equalTo(later.toString())));
    }

    @Test
    void aUserManagesOnlyTheirOwnKeys() {
        String bishop = userWithKey(ACCOUNT, "bishop", "user");
        createUser(ACCOUNT, "hicks", "user");
        String hicksKeyId = as(admin).body("{\"apiKey\": {}}").post(USERS + "/hicks/apiKeys")
                .then().statusCode(200).extract().path("keyId");

        String own = as(bishop).body("{\"apiKey\": {\"displayName\": \"second\"}}").post(USERS + "/bishop/apiKeys")
                .then().statusCode(200).extract().path("keyId");
        as(bishop).get(USERS + "/bishop/apiKeys").then().statusCode(200).body("totalSize", equalTo(2));
        as(bishop).get(USERS + "/bishop/apiKeys/" + own).then().statusCode(200);

        as(bishop).body("{\"apiKey\": {}}").post(USERS + "/hicks/apiKeys")
                .then().statusCode(403).body("details[0].reason", equalTo("ROLE_ADMIN_REQUIRED"));
        as(bishop).get(USERS + "/hicks/apiKeys").then().statusCode(403);
        as(bishop).get(USERS + "/hicks/apiKeys/" + hicksKeyId).then().statusCode(403);
        as(bishop).body("{\"keyId\": \"" + hicksKeyId + "\"}").post(USERS + "/hicks/apiKeys:delete")
                .then().statusCode(403);
        as(admin).get(USERS + "/hicks/apiKeys/" + hicksKeyId).then().statusCode(200);

        // An admin manages anyone's keys in the account.
        as(admin).body("{\"keyId\": \"" + own + "\"}").post(USERS + "/bishop/apiKeys:delete").then().statusCode(200);
        as(bishop).get(USERS + "/bishop/apiKeys").then().statusCode(200).body("totalSize", equalTo(1));
    }

    @Test
    void keysAreListedPageByPageOldestFirst() {
        createUser(ACCOUNT, "vasquez", "user");
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(as(admin).body("{\"apiKey\": {\"displayName\": \"k" + i + "\"}}")
                    .post(USERS + "/vasquez/apiKeys").then().statusCode(200).extract().path("keyId"));
        }
        List<String> seen = new ArrayList<>();
        String token = null;
        int pages = 0;
        do {
            var request = as(admin).queryParam("pageSize", 2);
            if (token != null) {
                request.queryParam("pageToken", token);
            }
            JsonPath page = request.get(USERS + "/vasquez/apiKeys").then().statusCode(200)
                    .body("totalSize", equalTo(5)).extract().jsonPath();
            seen.addAll(page.getList("apiKeys.keyId"));
            token = page.getString("nextPageToken");
            pages++;
        } while (token != null);
        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactlyElementsOf(created);

        String firstPageToken = as(admin).queryParam("pageSize", 2).get(USERS + "/vasquez/apiKeys")
                .then().extract().path("nextPageToken");
        assertBadField(as(admin).queryParam("pageToken", firstPageToken).get(USERS + "/miles/apiKeys"), "pageToken");
    }

    @Test
    void badInputIsA400NamingTheField() {
        createUser(ACCOUNT, "newt", "user");
        String keys = USERS + "/newt/apiKeys";
        assertBadField(as(admin).body("{}").post(keys), "apiKey");
        assertBadField(as(admin).body("{\"apiKey\": {\"displayName\": \"" + "n".repeat(64) + "\"}}").post(keys),
                "apiKey.displayName");
        assertBadField(as(admin).body("{\"apiKey\": {\"expireTime\": \"tomorrow\"}}").post(keys),
                "apiKey.expireTime");
        assertBadField(as(admin).body("{\"apiKey\": {\"scopes\": [\"all\"]}}").post(keys), "apiKey.scopes");
        assertBadField(as(admin).body("{\"apiKey\": ").post(keys), "body");
        assertBadField(as(admin).body("{}").post(USERS + "/newt/apiKeys:delete"), "keyId");
        assertBadField(as(admin).body("{\"keyId\": \"NOT_AN_ID\"}").post(USERS + "/newt/apiKeys:delete"), "keyId");
        assertBadField(as(admin).get(keys + "/NOT_AN_ID"), "keyId");
        assertBadField(as(admin).get(keys + "?pageSize=-3"), "pageSize");
        assertBadField(as(admin).get(keys + "?orderBy=displayName"), "orderBy");
        assertBadField(as(admin).get(keys + "?filter=x"), "filter");
        assertBadField(as(admin).get(USERS + "/Newt/apiKeys"), "userId");
        as(admin).get(keys).then().statusCode(200).body("totalSize", equalTo(0));

        assertNotFound(as(admin).body("{\"apiKey\": {}}").post(USERS + "/nobody/apiKeys"));
        assertNotFound(as(admin).get(USERS + "/nobody/apiKeys"));
        assertNotFound(as(admin).get(keys + "/neverexisted"));
        assertNotFound(as(admin).body("{\"keyId\": \"neverexisted\"}").post(USERS + "/newt/apiKeys:delete"));
    }

    @Test
    void unknownKeysAreRefusedWithTheirOwnReason() {
        as(ApiKeys.generate()).get("/v1/accounts/" + ACCOUNT).then().statusCode(401)
                .body("details[0].reason", equalTo("INVALID_API_KEY"));
        asPlatformAdmin().get("/v1/accounts/" + ACCOUNT).then().statusCode(200);
    }

    /** Events on ember.resources from the moment it is opened: what the data plane would see next. */
    static final class ResourceEvents implements AutoCloseable {

        private final KafkaConsumer<String, byte[]> consumer;

        private ResourceEvents(KafkaConsumer<String, byte[]> consumer) {
            this.consumer = consumer;
        }

        static ResourceEvents fromNow() {
            String servers = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
            KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers,
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new StringDeserializer(),
                    new ByteArrayDeserializer());
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.RESOURCES, Duration.ofSeconds(10))
                    .stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position); // resolve the end offsets now, before the change
            return new ResourceEvents(consumer);
        }

        @SuppressWarnings("unchecked")
        <T> Optional<Event<T>> await(dev.ember.common.event.EventType<T> type, String subject, Duration within) {
            long deadline = System.nanoTime() + within.toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(20))) {
                    Optional<Event<?>> event = EventCodec.decode(record.headers(), record.value());
                    if (event.isPresent() && event.get().type().equals(type) && subject.equals(event.get()
                            .subject())) {
                        return Optional.of((Event<T>) event.get());
                    }
                }
            }
            return Optional.empty();
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
