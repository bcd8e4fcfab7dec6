package dev.ember.controlplane.grpc;

import static dev.ember.controlplane.deployment.DeploymentApiTest.KEY;
import static dev.ember.controlplane.deployment.DeploymentApiTest.LLAMA_8B;
import static dev.ember.controlplane.deployment.DeploymentApiTest.kafka;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import com.google.rpc.BadRequest;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.MetadataUtils;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.ember.common.event.DeploymentScaleRequested;
import dev.ember.common.event.EventTypes;
import dev.ember.proto.v1.CreateDeploymentRequest;
import dev.ember.proto.v1.Deployment;
import dev.ember.proto.v1.DeploymentsGrpc;
import dev.ember.proto.v1.ScaleDeploymentRequest;
import dev.ember.testsupport.EmberInfraResource;

/** The serving options, shapes and :scale over gRPC, as over REST. */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
class DeploymentServingGrpcTest {

    static final String LLAMA_70B = "accounts/fireworks/models/llama-v3p1-70b-instruct";

    DeploymentsGrpc.DeploymentsBlockingStub deployments() {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + KEY);
        return DeploymentsGrpc.newBlockingStub(GrpcChannel.channel())
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    @Test
    void aShapeAndServingOptionsOverGrpc() {
        Deployment made = deployments().createDeployment(CreateDeploymentRequest.newBuilder()
                .setParent("accounts/acme").setDeploymentId("grpc-fast")
                .setDeployment(Deployment.newBuilder().setBaseModel(LLAMA_70B).setDeploymentShape("fast")
                        .setMaxContextLength(8192))
                .build());
        assertThat(made.getDeploymentShape())
                .startsWith("accounts/fireworks/deploymentShapes/llama-v3p1-70b-instruct-fast/versions/");
        assertThat(made.getAcceleratorType()).isEqualTo("NVIDIA_B200_180GB");
        assertThat(made.getDraftModel()).isEqualTo(LLAMA_8B);
        assertThat(made.getDraftTokenCount()).isEqualTo(4);
        assertThat(made.getMaxContextLength()).isEqualTo(8192);
        assertThat(made.hasEnableAddons()).isFalse();

        Deployment plain = deployments().createDeployment(CreateDeploymentRequest.newBuilder()
                .setParent("accounts/acme").setDeploymentId("grpc-plain").setDisableSpeculativeDecoding(true)
                .setDeployment(Deployment.newBuilder().setBaseModel(LLAMA_70B).setDeploymentShape("fast"))
                .build());
        assertThat(plain.getDraftModel()).isEmpty();
        assertThat(plain.hasDraftTokenCount()).isFalse();
    }

    @Test
    void scaleOverGrpc() {
        deployments().createDeployment(CreateDeploymentRequest.newBuilder().setParent("accounts/acme")
                .setDeploymentId("grpc-scaled").setDeployment(Deployment.newBuilder().setBaseModel(LLAMA_8B)
                        .setMaxReplicaCount(3))
                .build());
        deployments().scaleDeployment(ScaleDeploymentRequest.newBuilder()
                .setName("accounts/acme/deployments/grpc-scaled").setReplicaCount(3).build());
        DeploymentScaleRequested event = kafka().first(EventTypes.DEPLOYMENT_SCALE_REQUESTED,
                e -> e.subject().equals("accounts/acme/deployments/grpc-scaled"), Duration.ofSeconds(20))
                .orElseThrow().data();
        assertThat(event.replicaCount()).isEqualTo(3);

        assertThatThrownBy(() -> deployments().scaleDeployment(ScaleDeploymentRequest.newBuilder()
                .setName("accounts/acme/deployments/grpc-scaled").setReplicaCount(4).build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(violations(e)).contains("replicaCount");
                });
        assertThatThrownBy(() -> deployments().scaleDeployment(ScaleDeploymentRequest.newBuilder()
                .setName("accounts/acme/deployments/grpc-scaled").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(violations(e)).contains("replicaCount"));
    }

    private static java.util.List<String> violations(StatusRuntimeException e) {
        return StatusProto.fromThrowable(e).getDetailsList().stream()
                .filter(d -> d.is(BadRequest.class))
                .flatMap(d -> {
                    try {
                        return d.unpack(BadRequest.class).getFieldViolationsList().stream();
                    } catch (com.google.protobuf.InvalidProtocolBufferException x) {
                        throw new IllegalStateException(x);
                    }
                })
                .map(BadRequest.FieldViolation::getField).toList();
    }
}
