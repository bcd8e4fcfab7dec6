package dev.ember.deploy.helm;

import static dev.ember.deploy.helm.RenderedChart.COMPONENTS;
import static dev.ember.deploy.helm.RenderedChart.name;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;

/** Each service takes and sends only the traffic the platform needs. */
class ChartNetworkPolicyTest {

    private static final Map<String, String> RELEASE_PODS = Map.of(
            "app.kubernetes.io/name", "ember",
            "app.kubernetes.io/instance", EmberChart.RELEASE);

    @Test
    void eachPolicySelectsExactlyItsComponentsPods() {
        RenderedChart chart = EmberChart.render();

        for (String component : COMPONENTS) {
            NetworkPolicy policy = chart.get(NetworkPolicy.class, name(component));
            assertThat(policy.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
            Map<String, String> selector = policy.getSpec().getPodSelector().getMatchLabels();
            for (String other : COMPONENTS) {
                Map<String, String> podLabels = chart.deployment(other).getSpec().getTemplate().getMetadata()
                        .getLabels();
                assertThat(podLabels.entrySet().containsAll(selector.entrySet()))
                        .as("policy %s selects the pods of %s", component, other).isEqualTo(other.equals(component));
            }
        }
    }

    @Test
    void theApisAreOpenByDefaultButTheSchedulerOnlyToTheRelease() {
        RenderedChart chart = EmberChart.render();

        for (String api : List.of("control-plane", "data-plane")) {
            assertThat(chart.get(NetworkPolicy.class, name(api)).getSpec().getIngress()).as(api).singleElement()
                    .satisfies(rule -> {
                        assertThat(rule.getFrom()).as("no peers: from anywhere").isNullOrEmpty();
                        assertThat(rule.getPorts()).singleElement()
                                .satisfies(port -> assertThat(port.getPort().getStrVal()).isEqualTo("http"));
                    });
        }
        NetworkPolicyIngressRule scheduler = chart.get(NetworkPolicy.class, name("scheduler")).getSpec().getIngress()
                .get(0);
        assertThat(chart.get(NetworkPolicy.class, name("scheduler")).getSpec().getIngress()).hasSize(1);
        assertThat(scheduler.getFrom()).singleElement().satisfies(peer -> {
            assertThat(peer.getPodSelector().getMatchLabels()).isEqualTo(RELEASE_PODS);
            assertThat(peer.getNamespaceSelector()).as("this namespace only").isNull();
            assertThat(peer.getIpBlock()).isNull();
        });
    }

    @Test
    void restrictedApisAdmitTheGivenPeersTheIngressControllerAndPrometheus() {
        RenderedChart chart = EmberChart.render("full");

        List<NetworkPolicyPeer> controlPlane = chart.get(NetworkPolicy.class, name("control-plane")).getSpec()
                .getIngress().get(0).getFrom();
        assertThat(controlPlane).extracting(peer -> peer.getIpBlock() == null ? null : peer.getIpBlock().getCidr())
                .contains("10.0.0.0/8");
        assertThat(controlPlane).extracting(ChartNetworkPolicyTest::namespace)
                .contains(Optional.of("ingress-nginx"), Optional.of("monitoring"));
        assertThat(controlPlane).extracting(peer -> peer.getPodSelector() == null
                ? null
                : peer.getPodSelector().getMatchLabels()).contains(RELEASE_PODS);

        List<NetworkPolicyPeer> dataPlane = chart.get(NetworkPolicy.class, name("data-plane")).getSpec()
                .getIngress().get(0).getFrom();
        assertThat(dataPlane).anyMatch(peer -> peer.getNamespaceSelector() != null
                && "true".equals(peer.getNamespaceSelector().getMatchLabels().get("ember.dev/clients")));
        assertThat(dataPlane).as("the control plane's address block is not the data plane's")
                .noneMatch(peer -> peer.getIpBlock() != null);

        List<NetworkPolicyPeer> scheduler = chart.get(NetworkPolicy.class, name("scheduler")).getSpec()
                .getIngress().get(0).getFrom();
        assertThat(scheduler).extracting(ChartNetworkPolicyTest::namespace)
                .as("Prometheus scrapes the scheduler, the ingress controller never reaches it")
                .contains(Optional.of("monitoring")).doesNotContain(Optional.of("ingress-nginx"));
    }

    @Test
    void egressIsDnsKafkaAndPostgresqlForTheServicesWithADatabase() {
        RenderedChart chart = EmberChart.render();

        for (String component : COMPONENTS) {
            List<NetworkPolicyEgressRule> egress = chart.get(NetworkPolicy.class, name(component)).getSpec()
                    .getEgress();
            assertThat(rule(egress, 53)).as("%s: DNS", component).hasValueSatisfying(dns -> {
                assertThat(dns.getPorts()).extracting(port -> port.getProtocol()).containsExactlyInAnyOrder("UDP",
                        "TCP");
                assertThat(dns.getTo()).singleElement().satisfies(peer -> {
                    assertThat(namespace(peer)).contains("kube-system");
                    assertThat(peer.getPodSelector().getMatchLabels()).containsEntry("k8s-app", "kube-dns");
                });
            });
            assertThat(rule(egress, 9092)).as("%s: Kafka", component).isPresent();
            if (component.equals("data-plane")) {
                assertThat(rule(egress, 5432)).as("the data plane has no database").isEmpty();
            } else {
                assertThat(rule(egress, 5432)).as("%s: PostgreSQL", component).isPresent();
            }
        }
    }

    @Test
    void egressGoesToTheStrimziAndCloudNativePgPodsWhenTheChartRunsThem() {
        List<NetworkPolicyEgressRule> egress = EmberChart.render("full").get(NetworkPolicy.class,
                name("scheduler")).getSpec().getEgress();

        assertThat(rule(egress, 9092)).hasValueSatisfying(kafka -> assertThat(kafka.getTo()).singleElement()
                .satisfies(peer -> assertThat(peer.getPodSelector().getMatchLabels())
                        .containsExactlyEntriesOf(Map.of("strimzi.io/cluster", "prod-ember-kafka"))));
        assertThat(rule(egress, 5432)).hasValueSatisfying(postgres -> assertThat(postgres.getTo()).singleElement()
                .satisfies(peer -> assertThat(peer.getPodSelector().getMatchLabels())
                        .containsExactlyEntriesOf(Map.of("cnpg.io/cluster", "prod-ember-pg"))));
    }

    @Test
    void egressToExternalKafkaAndPostgresqlFollowsTheirPortsAndAddresses() {
        List<NetworkPolicyEgressRule> egress = EmberChart.render("existing-secret").get(NetworkPolicy.class,
                name("control-plane")).getSpec().getEgress();

        assertThat(rule(egress, 9092)).isEmpty();
        assertThat(rule(egress, 9093)).hasValueSatisfying(kafka -> assertThat(kafka.getTo()).singleElement()
                .satisfies(peer -> {
                    assertThat(namespace(peer)).contains("data");
                    assertThat(peer.getPodSelector().getMatchLabels()).containsEntry("app", "kafka");
                }));
        assertThat(rule(egress, 5432)).isEmpty();
        assertThat(rule(egress, 6432)).hasValueSatisfying(postgres -> assertThat(postgres.getTo()).singleElement()
                .satisfies(peer -> assertThat(peer.getIpBlock().getCidr()).isEqualTo("10.20.0.0/16")));
    }

    @Test
    void disablingNetworkPoliciesRemovesThem() {
        assertThat(EmberChart.render("minimal").all(NetworkPolicy.class)).isEmpty();
    }

    private static Optional<NetworkPolicyEgressRule> rule(List<NetworkPolicyEgressRule> egress, int port) {
        return egress.stream().filter(rule -> rule.getPorts() != null && rule.getPorts().stream()
                .anyMatch(p -> p.getPort() != null && Integer.valueOf(port).equals(p.getPort().getIntVal())))
                .findFirst();
    }

    private static Optional<String> namespace(NetworkPolicyPeer peer) {
        return Optional.ofNullable(peer.getNamespaceSelector())
                .map(selector -> selector.getMatchLabels().get("kubernetes.io/metadata.name"));
    }
}
