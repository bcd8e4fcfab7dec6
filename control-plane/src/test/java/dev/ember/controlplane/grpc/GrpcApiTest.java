package dev.ember.controlplane.grpc;

import static dev.ember.controlplane.deployment.DeploymentApiTest.KEY;
import static dev.ember.controlplane.deployment.DeploymentApiTest.LLAMA_8B;
import static dev.ember.controlplane.deployment.DeploymentApiTest.asAdmin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.api.Test;

import com.google.protobuf.Duration;
import com.google.protobuf.FieldMask;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.AbstractStub;
import io.grpc.stub.MetadataUtils;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.ember.controlplane.Platform;
import dev.ember.controlplane.model.ModelFixtures;
import dev.ember.controlplane.quota.QuotaApiTest;
import dev.ember.proto.v1.AccountsGrpc;
import dev.ember.proto.v1.ApiKey;
import dev.ember.proto.v1.ApiKeysGrpc;
import dev.ember.proto.v1.AutoscalingPolicy;
import dev.ember.proto.v1.CreateDeployedModelRequest;
import dev.ember.proto.v1.CreateDeploymentRequest;
import dev.ember.proto.v1.CreateUserRequest;
import dev.ember.proto.v1.DeleteDeploymentRequest;
import dev.ember.proto.v1.DeleteModelRequest;
import dev.ember.proto.v1.DeployedModel;
import dev.ember.proto.v1.DeployedModelsGrpc;
import dev.ember.proto.v1.Deployment;
import dev.ember.proto.v1.DeploymentShape;
import dev.ember.proto.v1.DeploymentShapeVersion;
import dev.ember.proto.v1.DeploymentShapesGrpc;
import dev.ember.proto.v1.DeploymentState;
import dev.ember.proto.v1.DeploymentsGrpc;
import dev.ember.proto.v1.GetAccountRequest;
import dev.ember.proto.v1.GetDeploymentRequest;
import dev.ember.proto.v1.GetDeploymentShapeRequest;
import dev.ember.proto.v1.GetDeploymentShapeVersionRequest;
import dev.ember.proto.v1.GetModelRequest;
import dev.ember.proto.v1.GetQuotaRequest;
import dev.ember.proto.v1.GetUserRequest;
import dev.ember.proto.v1.ListDeployedModelsRequest;
import dev.ember.proto.v1.ListDeploymentShapeVersionsRequest;
import dev.ember.proto.v1.ListDeploymentShapeVersionsResponse;
import dev.ember.proto.v1.ListDeploymentShapesRequest;
import dev.ember.proto.v1.ListDeploymentShapesResponse;
import dev.ember.proto.v1.ListDeploymentsRequest;
import dev.ember.proto.v1.ListRegionsRequest;
import dev.ember.proto.v1.ListUsersRequest;
import dev.ember.proto.v1.Model;
import dev.ember.proto.v1.ModelsGrpc;
import dev.ember.proto.v1.Placement;
import dev.ember.proto.v1.Quota;
import dev.ember.proto.v1.QuotasGrpc;
import dev.ember.proto.v1.RegionsGrpc;
import dev.ember.proto.v1.UndeleteDeploymentRequest;
import dev.ember.proto.v1.UpdateDeployedModelRequest;
import dev.ember.proto.v1.UpdateDeploymentRequest;
import dev.ember.proto.v1.UpdateModelRequest;
import dev.ember.proto.v1.UpdateQuotaRequest;
import dev.ember.proto.v1.UpdateUserRequest;
import dev.ember.proto.v1.User;
import dev.ember.proto.v1.UsersGrpc;
import dev.ember.testsupport.EmberInfraResource;

/** The gRPC API as a client sees it, on the control plane's HTTP port, next to the REST API it mirrors. */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
class GrpcApiTest {

    static <S extends AbstractStub<S>> S withKey(S stub, String key) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + key);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    DeploymentsGrpc.DeploymentsBlockingStub deployments() {
        return withKey(DeploymentsGrpc.newBlockingStub(GrpcChannel.channel()), KEY);
    }

    @Test
    void aDeploymentCreatedOverGrpcIsTheSameResourceOverRest() {
        Deployment created = deployments().createDeployment(CreateDeploymentRequest.newBuilder()
                .setParent("accounts/acme")
                .setDeploymentId("over-grpc")
                .setDeployment(Deployment.newBuilder()
                        .setBaseModel(LLAMA_8B)
                        .setDisplayName("Over gRPC")
                        .setMaxReplicaCount(2)
                        .setPlacement(Placement.newBuilder().setRegion("US_IOWA_1"))
                        .setAutoscalingPolicy(AutoscalingPolicy.newBuilder()
                                .setScaleUpWindow(Duration.newBuilder().setSeconds(45))
                                .putLoadTargets("default", 0.5)))
                .build());

        assertThat(created.getName()).isEqualTo("accounts/acme/deployments/over-grpc");
        assertThat(created.getState()).isEqualTo(DeploymentState.CREATING);
        assertThat(created.getAcceleratorType()).isEqualTo("NVIDIA_H100_80GB");
        assertThat(created.getAutoscalingPolicy().getScaleUpWindow().getSeconds()).isEqualTo(45);
        assertThat(created.getAutoscalingPolicy().getScaleToZeroWindow().getSeconds()).isEqualTo(3600);
        asAdmin().get("/v1/accounts/acme/deployments/over-grpc").then().statusCode(200)
                .body("displayName", equalTo("Over gRPC"))
                .body("autoscalingPolicy.scaleUpWindow", equalTo("45s"))
                .body("placement.region", equalTo("US_IOWA_1"));

        assertThat(deployments().getDeployment(GetDeploymentRequest.newBuilder()
                .setName("accounts/acme/deployments/over-grpc").build())).isEqualTo(created);
        assertThat(deployments().listDeployments(ListDeploymentsRequest.newBuilder().setParent("accounts/acme")
                .setFilter("displayName = \"Over gRPC\"").build()).getDeploymentsList())
                .extracting(Deployment::getName).containsExactly("accounts/acme/deployments/over-grpc");

        Deployment updated = deployments().updateDeployment(UpdateDeploymentRequest.newBuilder()
                .setDeployment(Deployment.newBuilder().setName(created.getName()).setDescription("changed")
                        .setDisplayName("ignored, not in the mask"))
                .setUpdateMask(FieldMask.newBuilder().addPaths("description"))
                .setEtag("\"1\"")
                .build());
        assertThat(updated.getDescription()).isEqualTo("changed");
        assertThat(updated.getDisplayName()).isEqualTo("Over gRPC");

        StatusRuntimeException stale = catchStatus(() -> deployments().updateDeployment(UpdateDeploymentRequest
                .newBuilder().setDeployment(Deployment.newBuilder().setName(created.getName()).setDescription("x"))
                .setEtag("\"1\"").build()));
        assertThat(stale.getStatus().getCode()).isEqualTo(Status.Code.ABORTED);
        assertThat(reason(stale)).isEqualTo("ETAG_MISMATCH");

        deployments().deleteDeployment(DeleteDeploymentRequest.newBuilder().setName(created.getName()).build());
        asAdmin().get("/v1/accounts/acme/deployments/over-grpc").then().body("state", equalTo("DELETED"));
        assertThat(deployments().undeleteDeployment(UndeleteDeploymentRequest.newBuilder()
                .setName(created.getName()).build()).getState()).isEqualTo(DeploymentState.CREATING);
    }

    @Test
    void errorsCarryTheSameCodesReasonsAndFieldsAsRest() {
        StatusRuntimeException bad = catchStatus(() -> deployments().createDeployment(CreateDeploymentRequest
                .newBuilder().setParent("accounts/acme").setDeploymentId("Bad_Id")
                .setDeployment(Deployment.newBuilder().setBaseModel(LLAMA_8B).setMinReplicaCount(3)
                        .setMaxReplicaCount(1))
                .build()));
        assertThat(bad.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(fields(bad)).contains("deploymentId");

        StatusRuntimeException minMax = catchStatus(() -> deployments().createDeployment(CreateDeploymentRequest
                .newBuilder().setParent("accounts/acme").setDeploymentId("min-max")
                .setDeployment(Deployment.newBuilder().setBaseModel(LLAMA_8B).setMinReplicaCount(3)
                        .setMaxReplicaCount(1))
                .build()));
        assertThat(fields(minMax)).contains("maxReplicaCount");

        // A duration protobuf cannot print (beyond 10,000 years) is named like any bad field, not an internal error.
        StatusRuntimeException endless = catchStatus(() -> deployments().createDeployment(CreateDeploymentRequest
                .newBuilder().setParent("accounts/acme").setDeploymentId("endless")
                .setDeployment(Deployment.newBuilder().setBaseModel(LLAMA_8B).setAutoscalingPolicy(
                        AutoscalingPolicy.newBuilder().setScaleUpWindow(Duration.newBuilder()
                                .setSeconds(400_000_000_000L))))
                .build()));
        assertThat(endless.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(fields(endless)).containsExactly("autoscalingPolicy.scaleUpWindow");

        StatusRuntimeException missing = catchStatus(() -> deployments().getDeployment(GetDeploymentRequest
                .newBuilder().setName("accounts/acme/deployments/never-was").build()));
        assertThat(missing.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);

        StatusRuntimeException badName = catchStatus(() -> deployments().getDeployment(GetDeploymentRequest
                .newBuilder().setName("deployments/x").build()));
        assertThat(badName.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);

        StatusRuntimeException noKey = catchStatus(() -> DeploymentsGrpc.newBlockingStub(GrpcChannel.channel())
                .getDeployment(GetDeploymentRequest.newBuilder().setName("accounts/acme/deployments/x").build()));
        assertThat(noKey.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(reason(noKey)).isEqualTo("MISSING_API_KEY");

        StatusRuntimeException wrongKey = catchStatus(
                () -> withKey(DeploymentsGrpc.newBlockingStub(GrpcChannel.channel()),
                        "em_wrong").getDeployment(
                                GetDeploymentRequest.newBuilder()
                                        .setName("accounts/acme/deployments/x").build()));
        assertThat(reason(wrongKey)).isEqualTo("INVALID_API_KEY");
    }

    @Test
    void quotasRegionsAndAccountsAreServedToo() {
        QuotaApiTest.publishDefaultPools();
        QuotasGrpc.QuotasBlockingStub quotas = withKey(QuotasGrpc.newBlockingStub(GrpcChannel.channel()), KEY);
        Quota quota = quotas.getQuota(GetQuotaRequest.newBuilder().setName("accounts/acme/quotas/h200-us-iowa-1")
                .build());
        assertThat(quota.getMaxValue()).isEqualTo(128);

        Quota updated = quotas.updateQuota(UpdateQuotaRequest.newBuilder()
                .setQuota(Quota.newBuilder().setName("accounts/acme/quotas/h200-us-iowa-1").setValue(24))
                .setUpdateMask(FieldMask.newBuilder().addPaths("value")).build());
        assertThat(updated.getValue()).isEqualTo(24);
        asAdmin().get("/v1/accounts/acme/quotas/h200-us-iowa-1").then().body("value", equalTo("24"));
        assertThat(fields(catchStatus(() -> quotas.updateQuota(UpdateQuotaRequest.newBuilder()
                .setQuota(Quota.newBuilder().setName("accounts/acme/quotas/h200-us-iowa-1").setValue(500))
                .setUpdateMask(FieldMask.newBuilder().addPaths("value")).build())))).contains("value");

        assertThat(withKey(RegionsGrpc.newBlockingStub(GrpcChannel.channel()), KEY).listRegions(ListRegionsRequest
                .getDefaultInstance()).getRegionsList()).hasSize(6);
        assertThat(withKey(AccountsGrpc.newBlockingStub(GrpcChannel.channel()), KEY)
                .getAccount(GetAccountRequest.newBuilder()
                        .setName("accounts/acme").build())
                .getState()).isEqualTo("READY");
    }

    @Test
    void anotherAccountsDeploymentsAreNotFoundOverGrpcToo() {
        deployments().createDeployment(CreateDeploymentRequest.newBuilder().setParent("accounts/acme")
                .setDeploymentId("acme-only").setDeployment(Deployment.newBuilder().setBaseModel(LLAMA_8B)).build());
        Platform.createAccount("grpc-other");
        String otherKey = Platform.userWithKey("grpc-other", "admin2", "admin");
        DeploymentsGrpc.DeploymentsBlockingStub other = withKey(DeploymentsGrpc.newBlockingStub(GrpcChannel.channel()),
                otherKey);

        StatusRuntimeException get = catchStatus(() -> other.getDeployment(GetDeploymentRequest.newBuilder()
                .setName("accounts/acme/deployments/acme-only").build()));
        assertThat(get.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        StatusRuntimeException list = catchStatus(() -> other.listDeployments(ListDeploymentsRequest.newBuilder()
                .setParent("accounts/acme").build()));
        assertThat(list.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(other.listDeployments(ListDeploymentsRequest.newBuilder().setParent("accounts/grpc-other")
                .build()).getDeploymentsList()).isEmpty();
    }

    @Test
    void usersKeysModelsAndDeployedModelsAreServedToo() {
        Platform.createAccount("grpc-co");
        UsersGrpc.UsersBlockingStub users = withKey(UsersGrpc.newBlockingStub(GrpcChannel.channel()), KEY);
        User ada = users.createUser(CreateUserRequest.newBuilder().setParent("accounts/grpc-co").setUserId("ada")
                .setUser(User.newBuilder().setRole("user").setEmail("ada@grpc-co.example")).build());
        assertThat(ada.getName()).isEqualTo("accounts/grpc-co/users/ada");
        assertThat(users.updateUser(UpdateUserRequest.newBuilder().setUser(User.newBuilder()
                .setName(ada.getName()).setRole("admin")).build()).getRole()).isEqualTo("admin");
        assertThat(users.listUsers(ListUsersRequest.newBuilder().setParent("accounts/grpc-co").build())
                .getUsersList()).extracting(User::getName).contains(ada.getName());

        ApiKeysGrpc.ApiKeysBlockingStub keys = withKey(ApiKeysGrpc.newBlockingStub(GrpcChannel.channel()), KEY);
        ApiKey key = keys.createApiKey(dev.ember.proto.v1.CreateApiKeyRequest.newBuilder()
                .setParent(ada.getName()).setApiKey(ApiKey.newBuilder().setDisplayName("ci")).build());
        assertThat(key.getKey()).startsWith(key.getPrefix());
        // The new key works over gRPC, and revoking it over gRPC stops it.
        AccountsGrpc.AccountsBlockingStub asAda = withKey(AccountsGrpc.newBlockingStub(GrpcChannel.channel()),
                key.getKey());
        assertThat(asAda.getAccount(GetAccountRequest.newBuilder().setName("accounts/grpc-co").build()).getName())
                .isEqualTo("accounts/grpc-co");
        keys.deleteApiKey(dev.ember.proto.v1.DeleteApiKeyRequest.newBuilder().setParent(ada.getName())
                .setKeyId(key.getKeyId()).build());
        assertThat(reason(catchStatus(() -> asAda.getAccount(GetAccountRequest.newBuilder()
                .setName("accounts/grpc-co").build())))).isEqualTo("API_KEY_REVOKED");

        ModelsGrpc.ModelsBlockingStub models = withKey(ModelsGrpc.newBlockingStub(GrpcChannel.channel()), KEY);
        Model lora = models.createModel(dev.ember.proto.v1.CreateModelRequest.newBuilder().setParent("accounts/acme")
                .setModelId("grpc-lora").setModel(Model.newBuilder().setKind("HF_PEFT_ADDON")
                        .setPeftDetails(Model.PeftDetails.newBuilder().setBaseModel(LLAMA_8B).setR(8)))
                .build());
        assertThat(lora.getState()).isEqualTo("UPLOADING");
        assertThat(lora.getPeftDetails().getR()).isEqualTo(8);
        assertThat(models.getModel(GetModelRequest.newBuilder().setName(LLAMA_8B).build()).getSupportsLora())
                .isTrue();
        assertThat(fields(catchStatus(() -> models.createModel(dev.ember.proto.v1.CreateModelRequest.newBuilder()
                .setParent("accounts/acme").setModelId("bad-lora").setModel(Model.newBuilder()
                        .setKind("HF_PEFT_ADDON").setPeftDetails(Model.PeftDetails.newBuilder()
                                .setBaseModel(LLAMA_8B).setR(3)))
                .build())))).isNotEmpty();
        models.deleteModel(DeleteModelRequest.newBuilder().setName(lora.getName()).build());
        assertThat(catchStatus(() -> models.getModel(GetModelRequest.newBuilder().setName(lora.getName()).build()))
                .getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        DeployedModelsGrpc.DeployedModelsBlockingStub deployed = withKey(
                DeployedModelsGrpc.newBlockingStub(GrpcChannel.channel()),
                KEY);
        // Loading an addon that is not READY (still UPLOADING) is refused with the same error as over REST.
        Model pending = models.createModel(dev.ember.proto.v1.CreateModelRequest.newBuilder()
                .setParent("accounts/acme").setModelId("grpc-pending").setModel(Model.newBuilder()
                        .setKind("HF_PEFT_ADDON").setPeftDetails(Model.PeftDetails.newBuilder()
                                .setBaseModel(LLAMA_8B).setR(8)))
                .build());
        StatusRuntimeException notReady = catchStatus(() -> deployed.createDeployedModel(
                CreateDeployedModelRequest.newBuilder().setParent("accounts/acme").setDeployedModel(
                        DeployedModel.newBuilder().setModel(pending.getName())
                                .setDeployment("accounts/acme/deployments/over-grpc"))
                        .build()));
        assertThat(notReady.getStatus().getCode()).isIn(Status.Code.FAILED_PRECONDITION,
                Status.Code.INVALID_ARGUMENT, Status.Code.NOT_FOUND);
        assertThat(deployed.listDeployedModels(ListDeployedModelsRequest.newBuilder().setParent("accounts/acme")
                .setFilter("model = \"" + pending.getName() + "\"").build()).getDeployedModelsList()).isEmpty();
    }

    @Test
    void everyUpdateIsConditionalOnTheEtagItWasReadAt() {
        // Users: the tag a get returns makes the update conditional; the same tag again is stale.
        UsersGrpc.UsersBlockingStub users = withKey(UsersGrpc.newBlockingStub(GrpcChannel.channel()), KEY);
        User created = users.createUser(CreateUserRequest.newBuilder().setParent("accounts/acme")
                .setUserId("grpc-etag").setUser(User.newBuilder().setRole("user")).build());
        User read = users.getUser(GetUserRequest.newBuilder().setName(created.getName()).build());
        assertThat(read.getEtag()).isEqualTo(created.getEtag()).isNotEmpty();
        User renamed = users.updateUser(UpdateUserRequest.newBuilder()
                .setUser(User.newBuilder().setName(read.getName()).setDisplayName("first"))
                .setEtag(read.getEtag()).build());
        assertThat(renamed.getEtag()).isNotEqualTo(read.getEtag());
        assertAborted(() -> users.updateUser(UpdateUserRequest.newBuilder()
                .setUser(User.newBuilder().setName(read.getName()).setDisplayName("stale"))
                .setEtag(read.getEtag()).build()));
        // A get, changed and sent back whole, carries its etag: conditional without naming it again.
        assertAborted(() -> users.updateUser(UpdateUserRequest.newBuilder()
                .setUser(read.toBuilder().setDisplayName("stale too")).build()));
        assertThat(users.getUser(GetUserRequest.newBuilder().setName(read.getName()).build()).getDisplayName())
                .isEqualTo("first");
        assertThat(users.updateUser(UpdateUserRequest.newBuilder()
                .setUser(User.newBuilder().setName(read.getName()).setDisplayName("no tag")).build())
                .getDisplayName()).isEqualTo("no tag");

        // Models.
        ModelsGrpc.ModelsBlockingStub models = withKey(ModelsGrpc.newBlockingStub(GrpcChannel.channel()), KEY);
        Model model = models.createModel(dev.ember.proto.v1.CreateModelRequest.newBuilder()
                .setParent("accounts/acme").setModelId("grpc-etag-lora").setModel(Model.newBuilder()
                        .setKind("HF_PEFT_ADDON").setPeftDetails(Model.PeftDetails.newBuilder()
                                .setBaseModel(LLAMA_8B).setR(8)))
                .build());
        Model described = models.updateModel(UpdateModelRequest.newBuilder()
                .setModel(Model.newBuilder().setName(model.getName()).setDescription("first"))
                .setUpdateMask(FieldMask.newBuilder().addPaths("description")).setEtag(model.getEtag()).build());
        assertThat(described.getEtag()).isNotEqualTo(model.getEtag());
        assertAborted(() -> models.updateModel(UpdateModelRequest.newBuilder()
                .setModel(Model.newBuilder().setName(model.getName()).setDescription("stale"))
                .setUpdateMask(FieldMask.newBuilder().addPaths("description")).setEtag(model.getEtag()).build()));
        assertThat(models.getModel(GetModelRequest.newBuilder().setName(model.getName()).build()))
                .returns("first", Model::getDescription).returns(described.getEtag(), Model::getEtag);

        // Deployed models.
        String lora = ModelFixtures.readyLora(KEY, "acme", "grpc-etag-ready", LLAMA_8B);
        asAdmin().body("{\"baseModel\": \"" + LLAMA_8B + "\", \"enableAddons\": true}")
                .post("/v1/accounts/acme/deployments?deploymentId=grpc-etag-base").then().statusCode(200);
        DeployedModelsGrpc.DeployedModelsBlockingStub deployed = withKey(
                DeployedModelsGrpc.newBlockingStub(GrpcChannel.channel()),
                KEY);
        DeployedModel loaded = deployed.createDeployedModel(CreateDeployedModelRequest.newBuilder()
                .setParent("accounts/acme").setDeployedModelId("grpc-etag-dm").setDeployedModel(DeployedModel
                        .newBuilder().setModel(lora).setDeployment("accounts/acme/deployments/grpc-etag-base"))
                .build());
        DeployedModel changed = deployed.updateDeployedModel(UpdateDeployedModelRequest.newBuilder()
                .setDeployedModel(DeployedModel.newBuilder().setName(loaded.getName()).setDescription("first"))
                .setEtag(loaded.getEtag()).build());
        assertThat(changed.getEtag()).isNotEqualTo(loaded.getEtag());
        assertAborted(() -> deployed.updateDeployedModel(UpdateDeployedModelRequest.newBuilder()
                .setDeployedModel(DeployedModel.newBuilder().setName(loaded.getName()).setDescription("stale"))
                .setEtag(loaded.getEtag()).build()));

        // Quotas: one never set has a tag as well.
        QuotaApiTest.publishDefaultPools();
        Platform.createAccount("grpc-etag-co");
        QuotasGrpc.QuotasBlockingStub quotas = withKey(QuotasGrpc.newBlockingStub(GrpcChannel.channel()), KEY);
        Quota quota = quotas.getQuota(GetQuotaRequest.newBuilder()
                .setName("accounts/grpc-etag-co/quotas/h100-us-texas-1").build());
        Quota raised = quotas.updateQuota(UpdateQuotaRequest.newBuilder()
                .setQuota(Quota.newBuilder().setName(quota.getName()).setValue(10))
                .setUpdateMask(FieldMask.newBuilder().addPaths("value")).setEtag(quota.getEtag()).build());
        assertThat(raised.getEtag()).isNotEqualTo(quota.getEtag());
        assertAborted(() -> quotas.updateQuota(UpdateQuotaRequest.newBuilder()
                .setQuota(Quota.newBuilder().setName(quota.getName()).setValue(11))
                .setUpdateMask(FieldMask.newBuilder().addPaths("value")).setEtag(quota.getEtag()).build()));
        assertThat(quotas.getQuota(GetQuotaRequest.newBuilder().setName(quota.getName()).build()).getValue())
                .isEqualTo(10);
    }

    @Test
    void deploymentShapesAndTheirVersionsAreServedToo() {
        DeploymentShapesGrpc.DeploymentShapesBlockingStub shapes = withKey(DeploymentShapesGrpc.newBlockingStub(
                GrpcChannel.channel()), KEY);
        String fast = "accounts/fireworks/deploymentShapes/llama-v3p1-8b-instruct-fast";
        DeploymentShape shape = shapes.getDeploymentShape(GetDeploymentShapeRequest.newBuilder().setName(fast)
                .build());
        assertThat(shape.getBaseModel()).isEqualTo(LLAMA_8B);
        assertThat(shape.getPresetType()).isEqualTo("FAST");
        asAdmin().get("/v1/" + fast).then().statusCode(200)
                .body("acceleratorType", equalTo(shape.getAcceleratorType()))
                .body("acceleratorCount", equalTo(shape.getAcceleratorCount()))
                .body("precision", equalTo(shape.getPrecision()))
                .body("parameterCount", equalTo(Long.toString(shape.getParameterCount())));

        assertThat(shapes.listDeploymentShapes(ListDeploymentShapesRequest.newBuilder()
                .setParent("accounts/fireworks").setTargetModel(LLAMA_8B).build()).getDeploymentShapesList())
                .extracting(DeploymentShape::getPresetType).containsExactlyInAnyOrder("FAST", "THROUGHPUT", "MINIMAL");
        ListDeploymentShapesResponse first = shapes.listDeploymentShapes(ListDeploymentShapesRequest.newBuilder()
                .setParent("accounts/fireworks").setPageSize(2).setFilter("preset_type = \"FAST\"").build());
        assertThat(first.getDeploymentShapesList()).hasSize(2).allMatch(s -> s.getPresetType().equals("FAST"));
        ListDeploymentShapesResponse second = shapes.listDeploymentShapes(ListDeploymentShapesRequest.newBuilder()
                .setParent("accounts/fireworks").setPageSize(2).setFilter("preset_type = \"FAST\"")
                .setPageToken(first.getNextPageToken()).build());
        assertThat(second.getDeploymentShapesList()).extracting(DeploymentShape::getName)
                .doesNotContainAnyElementsOf(first.getDeploymentShapesList().stream().map(DeploymentShape::getName)
                        .toList());

        DeploymentShapeVersion v1 = shapes.getDeploymentShapeVersion(GetDeploymentShapeVersionRequest.newBuilder()
                .setName(fast + "/versions/1").build());
        assertThat(v1.getSnapshot().getBaseModel()).isEqualTo(LLAMA_8B);
        assertThat(v1.getValidated()).isTrue();
        assertThat(shapes.listDeploymentShapeVersions(ListDeploymentShapeVersionsRequest.newBuilder()
                .setParent(fast).build()).getDeploymentShapeVersionsList())
                .extracting(DeploymentShapeVersion::getName).contains(v1.getName());

        // Every version for one base model, across its shapes.
        ListDeploymentShapeVersionsResponse byBase = shapes.listDeploymentShapeVersions(
                ListDeploymentShapeVersionsRequest.newBuilder().setParent("accounts/fireworks/deploymentShapes/-")
                        .setFilter("base_model = \"" + LLAMA_8B + "\"").setPageSize(200).build());
        assertThat(byBase.getDeploymentShapeVersionsList()).isNotEmpty()
                .allMatch(v -> v.getSnapshot().getBaseModel().equals(LLAMA_8B));
        asAdmin().queryParam("filter", "baseModel = \"" + LLAMA_8B + "\"")
                .get("/v1/accounts/fireworks/deploymentShapes/-/versions").then().statusCode(200)
                .body("totalSize", equalTo(byBase.getTotalSize()));

        assertThat(fields(catchStatus(() -> shapes.listDeploymentShapeVersions(ListDeploymentShapeVersionsRequest
                .newBuilder().setParent("accounts/fireworks/deploymentShapes/-").setFilter("base_model > 1")
                .build())))).containsExactly("filter");
        assertThat(catchStatus(() -> shapes.getDeploymentShape(GetDeploymentShapeRequest.newBuilder()
                .setName("accounts/fireworks/deploymentShapes/no-such-shape").build())).getStatus().getCode())
                .isEqualTo(Status.Code.NOT_FOUND);
        assertThat(fields(catchStatus(() -> shapes.listDeploymentShapeVersions(ListDeploymentShapeVersionsRequest
                .newBuilder().setParent("accounts/fireworks/shapes/x").build())))).containsExactly("parent");
    }

    static void assertAborted(Runnable call) {
        StatusRuntimeException e = catchStatus(call);
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ABORTED);
        assertThat(reason(e)).isEqualTo("ETAG_MISMATCH");
    }

    static StatusRuntimeException catchStatus(Runnable call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            return e;
        }
        throw new AssertionError("the call succeeded where a failure was expected");
    }

    static String reason(StatusRuntimeException e) {
        return StatusProto.fromThrowable(e).getDetailsList().stream().filter(d -> d.is(ErrorInfo.class))
                .map(d -> unpack(d, ErrorInfo.class).getReason()).findFirst().orElse(null);
    }

    static java.util.List<String> fields(StatusRuntimeException e) {
        return StatusProto.fromThrowable(e).getDetailsList().stream().filter(d -> d.is(BadRequest.class))
                .flatMap(d -> unpack(d, BadRequest.class).getFieldViolationsList().stream())
                .map(BadRequest.FieldViolation::getField).toList();
    }

    static <T extends com.google.protobuf.Message> T unpack(com.google.protobuf.Any any, Class<T> type) {
        try {
            return any.unpack(type);
        } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
            throw new AssertionError(ex);
        }
    }
}
