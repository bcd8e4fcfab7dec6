package dev.ember.common.name;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import dev.ember.common.error.InvalidArgumentException;

class ResourceNamesTest {

    @Test
    void idsFollowTheOneRule() {
        assertThat(ResourceIds.isValid("a")).isTrue();
        assertThat(ResourceIds.isValid("my-deployment-1")).isTrue();
        assertThat(ResourceIds.isValid("a".repeat(63))).isTrue();
        assertThat(ResourceIds.isValid("a".repeat(64))).isFalse();
        assertThat(ResourceIds.isValid("-a")).isFalse();
        assertThat(ResourceIds.isValid("a-")).isFalse();
        assertThat(ResourceIds.isValid("A")).isFalse();
        assertThat(ResourceIds.isValid("a_b")).isFalse();
        assertThat(ResourceIds.isValid("")).isFalse();
        assertThat(ResourceIds.isValid(null)).isFalse();
    }

    @Test
    void generatedIdsAreValid() {
        for (int i = 0; i < 1000; i++) {
            assertThat(ResourceIds.isValid(ResourceIds.generate(12))).isTrue();
        }
    }

    @Test
    void aBadIdNamesItsField() {
        assertThatThrownBy(() -> ResourceIds.require("deploymentId", "Bad"))
                .isInstanceOfSatisfying(InvalidArgumentException.class,
                        e -> assertThat(e.violations()).extracting("field").containsExactly("deploymentId"));
    }

    @Test
    void shapeAndVersionNamesParseAndPrint() {
        DeploymentShapeVersionName version = DeploymentShapeVersionName.parse("deploymentShape",
                "accounts/fireworks/deploymentShapes/llama-v3p1-8b-instruct-fast/versions/2");
        assertThat(version.shapeName()).isEqualTo(new DeploymentShapeName("fireworks", "llama-v3p1-8b-instruct-fast"));
        assertThat(version.version()).isEqualTo("2");
        assertThat(version.shapeName().version("2")).isEqualTo(version);
        assertThat(version.toString())
                .isEqualTo("accounts/fireworks/deploymentShapes/llama-v3p1-8b-instruct-fast/versions/2");
        assertThatThrownBy(() -> DeploymentShapeName.parse("deploymentShape", "accounts/a/shapes/s"))
                .isInstanceOfSatisfying(InvalidArgumentException.class,
                        e -> assertThat(e.violations()).extracting("field").containsExactly("deploymentShape"));
    }

    @Test
    void namesParseIntoTheirIds() {
        assertThat(DeploymentName.parse("name", "accounts/acme/deployments/d1"))
                .isEqualTo(new DeploymentName("acme", "d1"));
        assertThat(ModelName.parse("baseModel", "accounts/fireworks/models/llama-v3p1-8b-instruct").model())
                .isEqualTo("llama-v3p1-8b-instruct");
        ReplicaName replica = ReplicaName.parse("name", "accounts/acme/deployments/d1/replicas/r-1");
        assertThat(replica.deployment()).isEqualTo(new DeploymentName("acme", "d1"));
        assertThat(replica.toString()).isEqualTo("accounts/acme/deployments/d1/replicas/r-1");
        assertThat(DeployedModelName.parse("model", "accounts/acme/deployedModels/my-lora-1"))
                .isEqualTo(new DeployedModelName("acme", "my-lora-1"));
        assertThatThrownBy(() -> DeployedModelName.parse("name", "accounts/acme/deployed_models/x"))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("accounts/{account}/deployedModels/{deployedModel}");
    }

    @Test
    void malformedNamesAreRejectedWithTheExpectedShape() {
        assertThatThrownBy(() -> ModelName.parse("baseModel", "llama"))
                .isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("accounts/{account}/models/{model}");
        assertThatThrownBy(() -> DeploymentName.parse("name", "accounts/acme/models/d1"))
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> DeploymentName.parse("name", "accounts/ACME/deployments/d1"))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("invalid ID 'ACME'");
    }
}
