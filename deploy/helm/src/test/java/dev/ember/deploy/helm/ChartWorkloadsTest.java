package dev.ember.deploy.helm;

import static dev.ember.deploy.helm.RenderedChart.COMPONENTS;
import static dev.ember.deploy.helm.RenderedChart.name;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;

/** The three Deployments, their Services, probes, security, images, scaling and disruption budgets. */
class ChartWorkloadsTest {

    private static final String APP_VERSION = EmberChart.chartYaml().path("appVersion").asText();

    @ParameterizedTest(name = "{0} listens on {1}")
    @CsvSource({"control-plane, 8080", "scheduler, 8082", "data-plane, 8081"})
    void probesAskQuarkusHealthOnTheServicePort(String component, int port) {
        Container container = EmberChart.render().container(component);

        assertThat(container.getPorts()).extracting(ContainerPort::getName, ContainerPort::getContainerPort)
                .containsExactly(tuple("http", port));
        assertProbe(container.getStartupProbe(), "/q/health/started");
        assertProbe(container.getLivenessProbe(), "/q/health/live");
        assertProbe(container.getReadinessProbe(), "/q/health/ready");
    }

    private static void assertProbe(Probe probe, String path) {
        assertThat(probe).as("probe on %s", path).isNotNull();
        assertThat(probe.getHttpGet().getPath()).isEqualTo(path);
        assertThat(probe.getHttpGet().getPort().getStrVal()).as("the named container port").isEqualTo("http");
    }

    @Test
    void servicesSendToTheirOwnComponentsPodsOnly() {
        RenderedChart chart = EmberChart.render();

        for (String component : COMPONENTS) {
            Service service = chart.get(Service.class, name(component));
            assertThat(service.getSpec().getPorts()).singleElement()
                    .satisfies(port -> assertThat(port.getTargetPort().getStrVal()).isEqualTo("http"));
            for (String other : COMPONENTS) {
                Map<String, String> podLabels = chart.deployment(other).getSpec().getTemplate().getMetadata()
                        .getLabels();
                boolean selected = podLabels.entrySet().containsAll(service.getSpec().getSelector().entrySet());
                assertThat(selected).as("Service %s selects the pods of %s", component, other)
                        .isEqualTo(other.equals(component));
            }
        }
        assertThat(chart.get(Service.class, name("control-plane")).getSpec().getPorts().get(0).getPort())
                .isEqualTo(8080);
    }

    @Test
    void podsRunAsNonRootOnAReadOnlyFilesystemWithAWritableTmp() {
        RenderedChart chart = EmberChart.render();

        for (String component : COMPONENTS) {
            PodSpec pod = chart.deployment(component).getSpec().getTemplate().getSpec();
            Container container = chart.container(component);
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).as(component).isTrue();
            assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(185L);
            assertThat(pod.getAutomountServiceAccountToken()).isFalse();
            assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).as(component).isTrue();
            assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
            assertThat(container.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
            assertThat(container.getVolumeMounts()).anySatisfy(mount -> {
                assertThat(mount.getMountPath()).isEqualTo("/tmp");
                Volume volume = pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName()))
                        .findFirst().orElseThrow();
                assertThat(volume.getEmptyDir()).as("/tmp is an emptyDir").isNotNull();
            });
            assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
            assertThat(container.getResources().getLimits()).containsKeys("cpu", "memory");
        }
    }

    @Test
    void theControlPlaneKeepsUploadedModelFilesOnAClaimWhenOneIsGiven() {
        RenderedChart byDefault = EmberChart.render();
        Container container = byDefault.container("control-plane");
        assertThat(container.getEnv()).anySatisfy(env -> {
            assertThat(env.getName()).isEqualTo("EMBER_BLOB_ROOT");
            assertThat(env.getValue()).isEqualTo("/var/lib/ember/blobs");
        });
        assertThat(container.getVolumeMounts()).anySatisfy(mount -> {
            assertThat(mount.getName()).isEqualTo("blobs");
            assertThat(mount.getMountPath()).isEqualTo("/var/lib/ember/blobs");
        });
        assertThat(blobs(byDefault).getEmptyDir().getSizeLimit().toString()).isEqualTo("10Gi");
        assertThat(blobs(byDefault).getPersistentVolumeClaim()).isNull();

        Volume claimed = blobs(EmberChart.render(Map.of("controlPlane.blobs.existingClaim", "ember-blobs")));
        assertThat(claimed.getPersistentVolumeClaim().getClaimName()).isEqualTo("ember-blobs");
        assertThat(claimed.getEmptyDir()).isNull();
        assertThat(byDefault.container("scheduler").getVolumeMounts())
                .noneSatisfy(mount -> assertThat(mount.getName()).isEqualTo("blobs"));
    }

    private static Volume blobs(RenderedChart chart) {
        return chart.deployment("control-plane").getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals("blobs")).findFirst().orElseThrow();
    }

    @Test
    void imagesDefaultToTheAppVersionWithoutARegistry() {
        RenderedChart chart = EmberChart.render();

        for (String component : COMPONENTS) {
            assertThat(chart.container(component).getImage()).isEqualTo("ember/" + component + ":" + APP_VERSION);
        }
    }

    @Test
    void imagesComeFromTheConfiguredRegistryAndTags() {
        RenderedChart chart = EmberChart.render("full");

        assertThat(chart.container("control-plane").getImage())
                .isEqualTo("registry.example.com/platform/ember/control-plane:1.2.3");
        assertThat(chart.container("scheduler").getImage())
                .isEqualTo("registry.example.com/platform/ember/scheduler:1.2.3");
        assertThat(chart.container("data-plane").getImage())
                .as("the data plane's own tag wins").isEqualTo("registry.example.com/platform/ember/data-plane:1.2.4");
        assertThat(chart.deployment("scheduler").getSpec().getTemplate().getSpec().getImagePullSecrets())
                .extracting(secret -> secret.getName()).containsExactly("registry-credentials");
    }

    @Test
    void podsAreAnnotatedForPrometheusToScrapeQuarkusMetrics() {
        RenderedChart chart = EmberChart.render();

        for (String component : COMPONENTS) {
            Map<String, String> annotations = chart.deployment(component).getSpec().getTemplate().getMetadata()
                    .getAnnotations();
            assertThat(annotations).containsEntry("prometheus.io/scrape", "true")
                    .containsEntry("prometheus.io/path", "/q/metrics")
                    .containsEntry("prometheus.io/port",
                            String.valueOf(chart.container(component).getPorts().get(0).getContainerPort()));
        }
        assertThat(EmberChart.render("minimal").deployment("scheduler").getSpec().getTemplate().getMetadata()
                .getAnnotations()).doesNotContainKey("prometheus.io/scrape");
    }

    @Test
    void aChangedSettingRollsThePods() {
        String before = EmberChart.render().deployment("scheduler").getSpec().getTemplate().getMetadata()
                .getAnnotations().get("checksum/config");
        String after = EmberChart.render(Map.of("config.timeScale", "60")).deployment("scheduler").getSpec()
                .getTemplate().getMetadata().getAnnotations().get("checksum/config");

        assertThat(after).isNotBlank().isNotEqualTo(before);
    }

    @Test
    void theDataPlaneScalesWithAnAutoscalerThatOwnsItsReplicaCount() {
        RenderedChart chart = EmberChart.render();

        HorizontalPodAutoscaler hpa = chart.get(HorizontalPodAutoscaler.class, name("data-plane"));
        assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
        assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(name("data-plane"));
        assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(2);
        assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(10);
        assertThat(hpa.getSpec().getMetrics()).singleElement().satisfies(metric -> {
            assertThat(metric.getResource().getName()).isEqualTo("cpu");
            assertThat(metric.getResource().getTarget().getAverageUtilization()).isEqualTo(70);
        });
        assertThat(chart.deployment("data-plane").getSpec().getReplicas())
                .as("left to the autoscaler, so an upgrade does not reset it").isNull();
        assertThat(chart.all(HorizontalPodAutoscaler.class)).as("only the data plane autoscales").hasSize(1);
        assertThat(chart.deployment("control-plane").getSpec().getReplicas()).isEqualTo(2);
        assertThat(chart.deployment("scheduler").getSpec().getReplicas()).isEqualTo(1);
    }

    @Test
    void autoscalingTakesTheMemoryTargetAndBehaviorFromValues() {
        HorizontalPodAutoscaler hpa = EmberChart.render("full").get(HorizontalPodAutoscaler.class, name("data-plane"));

        assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(3);
        assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(20);
        assertThat(hpa.getSpec().getMetrics()).extracting(metric -> metric.getResource().getName())
                .containsExactly("cpu", "memory");
        assertThat(hpa.getSpec().getBehavior().getScaleDown().getStabilizationWindowSeconds()).isEqualTo(600);
    }

    @Test
    void withoutAutoscalingTheDataPlaneRunsItsReplicaCount() {
        RenderedChart chart = EmberChart.render("minimal");

        assertThat(chart.all(HorizontalPodAutoscaler.class)).isEmpty();
        assertThat(chart.deployment("data-plane").getSpec().getReplicas()).isEqualTo(4);
    }

    @Test
    void disruptionBudgetsCoverEachComponentsPods() {
        RenderedChart chart = EmberChart.render("full");

        for (String component : COMPONENTS) {
            PodDisruptionBudget pdb = chart.get(PodDisruptionBudget.class, name(component));
            Deployment deployment = chart.deployment(component);
            assertThat(deployment.getSpec().getTemplate().getMetadata().getLabels())
                    .containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels());
        }
        assertThat(chart.get(PodDisruptionBudget.class, name("control-plane")).getSpec().getMinAvailable()
                .getIntVal()).isEqualTo(2);
        assertThat(chart.get(PodDisruptionBudget.class, name("scheduler")).getSpec().getMaxUnavailable()
                .getIntVal()).isEqualTo(1);
        assertThat(EmberChart.render("minimal").all(PodDisruptionBudget.class)).isEmpty();
    }

    @Test
    void podsRunUnderTheChartsServiceAccountOrTheOneNamed() {
        RenderedChart chart = EmberChart.render();

        ServiceAccount account = chart.get(ServiceAccount.class, EmberChart.RELEASE + "-ember");
        assertThat(account.getAutomountServiceAccountToken()).isFalse();
        assertThat(chart.deployment("control-plane").getSpec().getTemplate().getSpec().getServiceAccountName())
                .isEqualTo(account.getMetadata().getName());

        RenderedChart minimal = EmberChart.render("minimal");
        assertThat(minimal.all(ServiceAccount.class)).isEmpty();
        assertThat(minimal.deployment("control-plane").getSpec().getTemplate().getSpec().getServiceAccountName())
                .isEqualTo("default");
    }

    @Test
    void spreadConstraintsSelectTheComponentsPodsWhenNoSelectorIsGiven() {
        Deployment deployment = EmberChart.render("full").deployment("control-plane");

        assertThat(deployment.getSpec().getTemplate().getSpec().getTopologySpreadConstraints()).singleElement()
                .satisfies(constraint -> {
                    assertThat(constraint.getTopologyKey()).isEqualTo("topology.kubernetes.io/zone");
                    assertThat(constraint.getLabelSelector().getMatchLabels())
                            .isEqualTo(deployment.getSpec().getSelector().getMatchLabels());
                });
    }
}
