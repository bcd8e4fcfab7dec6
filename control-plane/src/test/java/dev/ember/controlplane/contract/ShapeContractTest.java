package dev.ember.controlplane.contract;

import static dev.ember.controlplane.Platform.asPlatformAdmin;
import static dev.ember.controlplane.contract.ContractTest.assertConforms;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.ember.testsupport.EmberInfraResource;

/** Deployment shapes, their versions and deployments made from them against the Fireworks reference's fields. */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
class ShapeContractTest {

    static final String SHAPES = "/v1/accounts/fireworks/deploymentShapes";

    @Test
    void shapesAndVersions() {
        assertConforms(asPlatformAdmin().get(SHAPES), "gatewayListDeploymentShapesResponse");
        assertConforms(asPlatformAdmin().get(SHAPES + "/llama-v3p1-70b-instruct-fast"), "gatewayDeploymentShape");
        assertConforms(asPlatformAdmin().get(SHAPES + "/llama-v3p1-8b-instruct-fast/versions"),
                "gatewayListDeploymentShapeVersionsResponse");
        assertConforms(asPlatformAdmin().get(SHAPES + "/llama-v3p1-8b-instruct-fast/versions/1"),
                "gatewayDeploymentShapeVersion");
    }

    @Test
    void aDeploymentWithAShapeAndServingOptions() {
        assertConforms(asPlatformAdmin().body("{\"baseModel\": \"accounts/fireworks/models/llama-v3p1-70b-instruct\", "
                + "\"deploymentShape\": \"fast\", \"enableAddons\": true, \"maxContextLength\": 8192}")
                .post("/v1/accounts/acme/deployments?deploymentId=contract-shape"), "gatewayDeployment");
        assertConforms(asPlatformAdmin().body("{\"baseModel\": \"accounts/fireworks/models/llama-v3p1-8b-instruct\", "
                + "\"ngramSpeculationLength\": 2}")
                .post("/v1/accounts/acme/deployments?deploymentId=contract-ngram"), "gatewayDeployment");
    }
}
