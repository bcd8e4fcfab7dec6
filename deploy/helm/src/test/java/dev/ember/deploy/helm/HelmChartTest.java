package dev.ember.deploy.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;

/** The chart lints cleanly, and each values file in ci/ renders objects that Kubernetes would accept as written. */
class HelmChartTest {

    /** The custom resources the chart may render: Strimzi's and CloudNativePG's. */
    private static final Set<String> CUSTOM_KINDS = Set.of(
            "kafka.strimzi.io/v1beta2 Kafka",
            "kafka.strimzi.io/v1beta2 KafkaNodePool",
            "kafka.strimzi.io/v1beta2 KafkaTopic",
            "postgresql.cnpg.io/v1 Cluster");

    static Stream<Path> valuesFiles() {
        return Stream.concat(Stream.of((Path) null), EmberChart.ciValuesFiles().stream());
    }

    @Test
    void lintsWithoutWarnings() {
        LintResult lint = new Helm(EmberChart.DIR).lint().strict().call();

        assertThat(lint.isFailed()).as("helm lint --strict: %s", lint.getMessages()).isFalse();
        assertThat(lint.getMessages()).noneMatch(message -> message.contains("[WARNING]")
                || message.contains("[ERROR]"));
    }

    @Test
    void ciHasTheValuesFilesTheTestsUse() {
        assertThat(EmberChart.ciValuesFiles()).extracting(file -> file.getFileName().toString())
                .contains("full-values.yaml", "existing-secret-values.yaml", "minimal-values.yaml");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valuesFiles")
    void rendersOnlyKindsAndFieldsKubernetesKnows(Path valuesFile) {
        RenderedChart chart = EmberChart.renderFiles(Map.of(), valuesFile == null ? List.of() : List.of(valuesFile));

        assertThat(chart.unknownFields()).as("fields the Kubernetes model does not know").isEmpty();
        for (HasMetadata object : chart.objects()) {
            if (object instanceof GenericKubernetesResource custom) {
                assertThat(CUSTOM_KINDS).as("a kind the model does not know: %s/%s",
                        custom.getApiVersion(), custom.getKind())
                        .contains(custom.getApiVersion() + " " + custom.getKind());
            }
            assertThat(object.getMetadata().getName()).as("name of %s", object.getKind())
                    .matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
            assertThat(object.getMetadata().getLabels())
                    .containsEntry("app.kubernetes.io/instance", EmberChart.RELEASE)
                    .containsEntry("app.kubernetes.io/part-of", "ember");
        }
        assertThat(chart.all(Deployment.class)).extracting(deployment -> deployment.getMetadata().getName())
                .containsExactlyInAnyOrderElementsOf(RenderedChart.COMPONENTS.stream().map(RenderedChart::name)
                        .toList());
        assertThat(chart.all(Service.class)).hasSize(3);
        assertThat(chart.all(ConfigMap.class)).hasSize(1);
        for (String component : RenderedChart.COMPONENTS) {
            // Every env var resolves: a reference to a ConfigMap key that is not rendered fails here.
            assertThat(chart.environment(component)).containsEntry("QUARKUS_HTTP_HOST", "0.0.0.0");
        }
    }

    @Test
    void appVersionIsTheVersionTheImagesAreBuiltWith() {
        String projectVersion = System.getProperty("ember.project.version");

        assertThat(projectVersion).as("the build passes the Maven project version").isNotBlank();
        assertThat(EmberChart.chartYaml().path("appVersion").asText()).isEqualTo(projectVersion);
    }
}
