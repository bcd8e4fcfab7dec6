package dev.ember.dataplane.openai;

import static dev.ember.dataplane.openai.InferenceFixture.CHAT;
import static dev.ember.dataplane.openai.InferenceFixture.KEY;
import static dev.ember.dataplane.openai.InferenceFixture.LLAMA_8B;
import static dev.ember.dataplane.openai.InferenceFixture.as;
import static dev.ember.dataplane.openai.InferenceFixture.chat;
import static dev.ember.dataplane.openai.InferenceFixture.kafka;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import dev.ember.common.event.DeploymentCreated;
import dev.ember.common.event.DeploymentSpec;
import dev.ember.common.event.EventTypes;
import dev.ember.common.event.ReplicaUpdated;
import dev.ember.dataplane.routing.RoutingTable;
import dev.ember.testsupport.EmberInfraResource;

/**
 * A stream waiting for its next token holds no thread: more streams than the data plane has worker threads are all
 * streaming at once, and clients that leave free their places in the replica's batch and queue at once.
 */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
class ManyStreamsTest {

    /** More than the worker pool's 200 threads, which a stream paced on a blocked thread would each take. */
    static final int STREAMS = 300;
    static final String MANY = "accounts/acme/deployments/many-streams";

    @Inject
    Vertx vertx;

    @Inject
    RoutingTable routing;

    @BeforeEach
    void aDeploymentWithOneReplica() {
        InferenceFixture.publish();
        kafka().publish(EventTypes.DEPLOYMENT_CREATED, MANY, new DeploymentCreated(new DeploymentSpec(MANY,
                "uid-many", 1, "d", LLAMA_8B.name(), LLAMA_8B, "NVIDIA_H100_80GB", 1, "FP8", 0, 1, "GLOBAL",
                Instant.now(), null)));
        kafka().publish(EventTypes.REPLICA_UPDATED, MANY + "/replicas/r-m", new ReplicaUpdated(MANY + "/replicas/r-m",
                MANY, "uid-many", 4, "READY", "US_IOWA_1", "n-m", "NVIDIA_H100_80GB", 1, "", Instant.now()));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> as(KEY).body(chat(MANY, ", \"max_tokens\": 1"))
                .post(CHAT).then().statusCode(200));
    }

    @Test
    void moreStreamsThanWorkerThreadsAllStreamAtOnceAndLeavingFreesTheReplica() {
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(STREAMS + 10)
                .setMaxWaitQueueSize(-1).setKeepAlive(true).setIdleTimeout(0));
        // Long replies (a list of 1,000 strings: thousands of tokens): none can end while the test looks at them.
        Buffer body = Buffer.buffer(chat(MANY, ", \"stream\": true, \"max_tokens\": 8000, \"response_format\": "
                + "{\"type\": \"json_schema\", \"json_schema\": {\"name\": \"many\", \"schema\": {\"type\": "
                + "\"array\", \"minItems\": 1000, \"items\": {\"type\": \"string\"}}}}"));
        AtomicInteger streaming = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger ended = new AtomicInteger();
        for (int i = 0; i < STREAMS; i++) {
            client.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("localhost").setPort(port)
                    .setURI(CHAT).putHeader("Authorization", "Bearer " + KEY)
                    .putHeader("Content-Type", "application/json"))
                    .compose(request -> request.send(body))
                    .onSuccess(response -> {
                        if (response.statusCode() != 200) {
                            refused.incrementAndGet();
                            return;
                        }
                        boolean[] first = {true};
                        response.handler(chunk -> {
                            if (first[0]) {
                                first[0] = false;
                                streaming.incrementAndGet();
                            }
                        });
                        response.endHandler(v -> ended.incrementAndGet());
                    })
                    .onFailure(e -> refused.incrementAndGet());
        }
        RoutingTable.Replica replica = routing.replicas().stream()
                .filter(r -> r.state().name().equals(MANY + "/replicas/r-m")).findFirst().orElseThrow();
        try {
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(streaming.get())
                    .as("streams with their first chunk (refused: %d)", refused.get()).isEqualTo(STREAMS));
            assertThat(ended.get()).as("streams that ended").isZero();
            assertThat(replica.outstanding()).as("requests in flight on the replica").isEqualTo(STREAMS);
            var engine = replica.startedEngine().orElseThrow();
            assertThat(engine.batchSize() + engine.queueLength()).as("sequences in the batch or its queue")
                    .isEqualTo(STREAMS);
        } finally {
            client.close();
        }

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
            assertThat(replica.outstanding()).as("requests in flight on the replica").isZero();
            var engine = replica.startedEngine().orElseThrow();
            assertThat(engine.batchSize() + engine.queueLength()).as("sequences in the batch or its queue").isZero();
        });
    }
}
