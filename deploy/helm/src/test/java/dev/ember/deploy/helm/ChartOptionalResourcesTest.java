package dev.ember.deploy.helm;

import static dev.ember.deploy.helm.RenderedChart.name;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;

import dev.ember.common.event.Topics;

/** Ingress, Strimzi Kafka and topics, CloudNativePG: off by default, and right when on. */
class ChartOptionalResourcesTest {

    private static final String STRIMZI = "kafka.strimzi.io/v1beta2";
    private static final String CNPG = "postgresql.cnpg.io/v1";

    @Test
    void byDefaultNothingOptionalIsRendered() {
        RenderedChart chart = EmberChart.render();

        assertThat(chart.all(Ingress.class)).isEmpty();
        assertThat(chart.all(GenericKubernetesResource.class)).as("no Strimzi or CloudNativePG resources").isEmpty();
    }

    @Test
    void ingressesRouteTheApiAndInferenceHostsToTheirServices() {
        RenderedChart chart = EmberChart.render("full");

        assertRoutes(chart, "prod-ember-api", "api.ember.test", "/v1", "control-plane", "api-tls");
        assertRoutes(chart, "prod-ember-inference", "inference.ember.test", "/inference", "data-plane",
                "inference-tls");
        assertThat(chart.all(Ingress.class)).allSatisfy(ingress -> {
            assertThat(ingress.getSpec().getIngressClassName()).isEqualTo("nginx");
            assertThat(ingress.getMetadata().getAnnotations())
                    .containsEntry("nginx.ingress.kubernetes.io/proxy-read-timeout", "3600");
        });
    }

    private static void assertRoutes(RenderedChart chart, String ingressName, String host, String path,
            String component, String tlsSecret) {
        Ingress ingress = chart.get(Ingress.class, ingressName);
        Service service = chart.get(Service.class, name(component));
        IngressRule rule = ingress.getSpec().getRules().get(0);

        assertThat(rule.getHost()).isEqualTo(host);
        assertThat(rule.getHttp().getPaths()).singleElement().satisfies(route -> {
            assertThat(route.getPath()).isEqualTo(path);
            assertThat(route.getPathType()).isEqualTo("Prefix");
            assertThat(route.getBackend().getService().getName()).isEqualTo(service.getMetadata().getName());
            String port = route.getBackend().getService().getPort().getName();
            assertThat(service.getSpec().getPorts()).anySatisfy(p -> assertThat(p.getName()).isEqualTo(port));
        });
        assertThat(ingress.getSpec().getTls()).singleElement().satisfies(tls -> {
            assertThat(tls.getHosts()).containsExactly(host);
            assertThat(tls.getSecretName()).isEqualTo(tlsSecret);
        });
    }

    @Test
    void strimziRunsAKraftClusterWhoseBootstrapTheServicesUse() {
        RenderedChart chart = EmberChart.render("full");

        GenericKubernetesResource kafka = single(chart.custom(STRIMZI, "Kafka"));
        String cluster = kafka.getMetadata().getName();
        assertThat(kafka.getMetadata().getAnnotations()).containsEntry("strimzi.io/kraft", "enabled")
                .containsEntry("strimzi.io/node-pools", "enabled");
        List<Map<String, Object>> listeners = kafka.get("spec", "kafka", "listeners");
        assertThat(listeners).anySatisfy(listener -> {
            assertThat(listener).containsEntry("port", 9092).containsEntry("tls", false);
        });
        assertThat((Object) kafka.get("spec", "kafka", "config", "log.retention.hours")).as("user config")
                .isEqualTo(72);
        assertThat((Object) kafka.get("spec", "kafka", "config", "min.insync.replicas")).isEqualTo(2);

        GenericKubernetesResource pool = single(chart.custom(STRIMZI, "KafkaNodePool"));
        assertThat(pool.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", cluster);
        assertThat((List<Object>) pool.get("spec", "roles")).containsExactlyInAnyOrder("controller", "broker");
        assertThat((Object) pool.get("spec", "replicas")).isEqualTo(3);

        assertThat(chart.get(ConfigMap.class, "prod-ember-config").getData())
                .containsEntry("EMBER_KAFKA_BOOTSTRAP_SERVERS", cluster + "-kafka-bootstrap:9092");
    }

    @Test
    void strimziTopicsAreTheOnesTheServicesUseWithCompactionOnResourceState() {
        RenderedChart chart = EmberChart.render("full");
        String cluster = single(chart.custom(STRIMZI, "Kafka")).getMetadata().getName();

        List<GenericKubernetesResource> topics = chart.custom(STRIMZI, "KafkaTopic");
        assertThat(topics).extracting(topic -> new Topics.Topic(topic.get("spec", "topicName"),
                "compact".equals(topic.get("spec", "config", "cleanup.policy"))))
                .containsExactlyInAnyOrderElementsOf(Topics.ALL);
        assertThat(topics).allSatisfy(topic -> {
            assertThat(topic.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", cluster);
            assertThat((Object) topic.get("spec", "partitions")).isEqualTo(3);
            assertThat((Object) topic.get("spec", "replicas")).isEqualTo(3);
        });
    }

    @Test
    void topicsCanGoToAnExistingStrimziCluster() {
        RenderedChart chart = EmberChart.render(Map.of("strimzi.enabled", true, "strimzi.kafka.create", false,
                "strimzi.clusterName", "shared"));

        assertThat(chart.custom(STRIMZI, "Kafka")).isEmpty();
        assertThat(chart.custom(STRIMZI, "KafkaNodePool")).isEmpty();
        assertThat(chart.custom(STRIMZI, "KafkaTopic")).hasSize(Topics.ALL.size()).allSatisfy(
                topic -> assertThat(topic.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", "shared"));
        assertThat(chart.environment("data-plane"))
                .containsEntry("EMBER_KAFKA_BOOTSTRAP_SERVERS", "shared-kafka-bootstrap:9092");
    }

    @Test
    void cloudNativePgCreatesTheDatabaseAndOwnerTheServicesConnectAs() {
        RenderedChart chart = EmberChart.render("full");

        GenericKubernetesResource cluster = single(chart.custom(CNPG, "Cluster"));
        Map<String, String> config = chart.get(ConfigMap.class, "prod-ember-config").getData();
        assertThat((Object) cluster.get("spec", "bootstrap", "initdb", "database"))
                .isEqualTo(config.get("EMBER_DB_NAME"));
        assertThat((Object) cluster.get("spec", "bootstrap", "initdb", "owner")).isEqualTo(config.get("EMBER_DB_USER"));
        assertThat((Object) cluster.get("spec", "instances")).isEqualTo(2);
        assertThat((Object) cluster.get("spec", "storage", "size")).isEqualTo("20Gi");
        assertThat((Object) cluster.get("spec", "storage", "storageClass")).isEqualTo("fast-ssd");
        assertThat(config.get("EMBER_DB_HOST")).isEqualTo(cluster.getMetadata().getName() + "-rw");
    }

    @Test
    void eachOptionalPartCanBeTurnedOnAlone() {
        RenderedChart cnpgOnly = EmberChart.render(Map.of("cnpg.enabled", true));
        assertThat(cnpgOnly.custom(CNPG, "Cluster")).hasSize(1);
        assertThat(cnpgOnly.custom(STRIMZI, "KafkaTopic")).isEmpty();
        assertThat(cnpgOnly.all(Ingress.class)).isEmpty();

        RenderedChart ingressOnly = EmberChart.render(Map.of("ingress.enabled", true));
        assertThat(ingressOnly.all(Ingress.class)).hasSize(2)
                .allSatisfy(ingress -> assertThat(ingress.getSpec().getTls()).isNullOrEmpty());
        assertThat(ingressOnly.all(GenericKubernetesResource.class)).isEmpty();
    }

    private static GenericKubernetesResource single(List<GenericKubernetesResource> resources) {
        assertThat(resources).hasSize(1);
        return resources.get(0);
    }
}
