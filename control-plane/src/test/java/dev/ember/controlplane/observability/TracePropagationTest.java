package dev.ember.controlplane.observability;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

import dev.ember.common.event.EventTypes;
import dev.ember.common.observability.TraceContext;
import dev.ember.testsupport.EmberInfraResource;
import dev.ember.testsupport.KafkaEvents;

/**
 * With tracing on, a create-deployment request and the event it causes are one trace, although the event leaves
 * through the outbox, from the relay's timer, after the request has returned.
 */
@QuarkusTest
@TestProfile(TracingOn.class)
@QuarkusTestResource(EmberInfraResource.class)
class TracePropagationTest {

    static final String KEY = "em_controlplanetestkey000000000000000000000";

    @Inject
    InMemorySpanExporter spans;

    @Test
    void theCreatedEventCarriesTheTraceOfTheCreateRequest() {
        String name = "accounts/acme/deployments/traced-one";
        given().header("Authorization", "Bearer " + KEY).contentType(ContentType.JSON)
                .body("{\"baseModel\": \"accounts/fireworks/models/llama-v3p1-8b-instruct\"}")
                .post("/v1/accounts/acme/deployments?deploymentId=traced-one")
                .then().statusCode(200);

        ConsumerRecord<String, byte[]> record = new KafkaEvents(ConfigProvider.getConfig()
                .getValue("kafka.bootstrap.servers", String.class))
                .firstRecord(EventTypes.DEPLOYMENT_CREATED, name, Duration.ofSeconds(30)).orElseThrow();
        Header traceparent = record.headers().lastHeader(TraceContext.TRACEPARENT);
        assertThat(traceparent).as("traceparent header").isNotNull();
        String traceId = TraceContext.traceId(new String(traceparent.value(), StandardCharsets.UTF_8));

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<SpanData> trace = spans.getFinishedSpanItems().stream()
                    .filter(s -> s.getTraceId().equals(traceId)).toList();
            assertThat(trace).as("the HTTP request is the root of the trace")
                    .anySatisfy(s -> {
                        assertThat(s.getKind()).isEqualTo(SpanKind.SERVER);
                        assertThat(s.getName()).isEqualTo("POST /v1/accounts/{account}/deployments");
                        assertThat(s.getParentSpanContext().isValid()).isFalse();
                    });
            assertThat(trace).as("the request's database calls, in its trace")
                    .anySatisfy(s -> assertThat(s.getKind()).isEqualTo(SpanKind.CLIENT));
            assertThat(trace).as("the relay's publish, later, in the same trace")
                    .anySatisfy(s -> {
                        assertThat(s.getKind()).isEqualTo(SpanKind.PRODUCER);
                        assertThat(s.getName()).contains("ember.resources");
                        assertThat(s.getSpanId()).isEqualTo(TraceContext.spanId(new String(traceparent.value(),
                                StandardCharsets.UTF_8)));
                    });
        });
    }

    @Test
    void timersDoNotStartTracesOfTheirOwn() {
        // The relay polls the outbox ten times a second; none of its queries may become a trace of its own.
        await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                spans.getFinishedSpanItems()).filteredOn(s -> !s.getParentSpanContext().isValid())
                .allSatisfy(root -> assertThat(root.getKind()).isIn(SpanKind.SERVER, SpanKind.CONSUMER,
                        SpanKind.PRODUCER)));
    }

    @Test
    void aGrpcCallContinuesTheCallersTraceIntoTheCreatedEvent() throws Exception {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        String callerSpan = "00f067aa0ba902b7";
        io.grpc.ManagedChannel channel = io.grpc.ManagedChannelBuilder.forAddress("localhost",
                io.restassured.RestAssured.port).usePlaintext().build();
        try {
            io.grpc.Metadata headers = new io.grpc.Metadata();
            headers.put(io.grpc.Metadata.Key.of("authorization", io.grpc.Metadata.ASCII_STRING_MARSHALLER),
                    "Bearer " + KEY);
            headers.put(io.grpc.Metadata.Key.of("traceparent", io.grpc.Metadata.ASCII_STRING_MARSHALLER),
                    "00-" + traceId + "-" + callerSpan + "-01");
            dev.ember.proto.v1.DeploymentsGrpc.newBlockingStub(channel)
                    .withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers))
                    .createDeployment(dev.ember.proto.v1.CreateDeploymentRequest.newBuilder()
                            .setParent("accounts/acme").setDeploymentId("traced-grpc")
                            .setDeployment(dev.ember.proto.v1.Deployment.newBuilder()
                                    .setBaseModel("accounts/fireworks/models/llama-v3p1-8b-instruct"))
                            .build());
        } finally {
            channel.shutdownNow().awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
        }

        ConsumerRecord<String, byte[]> record = new KafkaEvents(ConfigProvider.getConfig()
                .getValue("kafka.bootstrap.servers", String.class))
                .firstRecord(EventTypes.DEPLOYMENT_CREATED, "accounts/acme/deployments/traced-grpc",
                        Duration.ofSeconds(30))
                .orElseThrow();
        Header traceparent = record.headers().lastHeader(TraceContext.TRACEPARENT);
        assertThat(TraceContext.traceId(new String(traceparent.value(), StandardCharsets.UTF_8)))
                .as("the event continues the gRPC caller's trace").isEqualTo(traceId);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(spans.getFinishedSpanItems())
                .as("the gRPC server span, child of the caller's")
                .anySatisfy(span -> {
                    assertThat(span.getTraceId()).isEqualTo(traceId);
                    assertThat(span.getKind()).isEqualTo(SpanKind.SERVER);
                    assertThat(span.getParentSpanContext().getSpanId()).isEqualTo(callerSpan);
                }));
    }
}
