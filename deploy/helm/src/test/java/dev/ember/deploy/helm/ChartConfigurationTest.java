package dev.ember.deploy.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Secret;

/**
 * What each service finds in its environment: Kafka and PostgreSQL from the ConfigMap, the database password and
 * the bootstrap API key from a Secret (the chart's, the user's, or CloudNativePG's).
 */
class ChartConfigurationTest {

    private static final String CHART_SECRET = "secret:prod-ember-secret/";

    @Test
    void servicesGetKafkaAndPostgresqlFromTheConfigMapAndThePasswordFromTheSecret() {
        RenderedChart chart = EmberChart.render();

        for (String component : new String[]{"control-plane", "scheduler"}) {
            assertThat(chart.environment(component)).as(component)
                    .containsEntry("QUARKUS_HTTP_HOST", "0.0.0.0")
                    .containsEntry("EMBER_KAFKA_BOOTSTRAP_SERVERS", "kafka:9092")
                    .containsEntry("EMBER_DB_HOST", "postgresql")
                    .containsEntry("EMBER_DB_PORT", "5432")
                    .containsEntry("EMBER_DB_NAME", "ember")
                    .containsEntry("EMBER_DB_USER", "ember")
                    .containsEntry("EMBER_DB_PASSWORD", CHART_SECRET + "db-password")
                    .containsEntry("EMBER_TIME_SCALE", "1");
        }
        assertThat(chart.secretValue("prod-ember-secret", "db-password")).isEmpty();
    }

    @Test
    void theDataPlaneHasNoDatabase() {
        Map<String, String> environment = EmberChart.render().environment("data-plane");

        assertThat(environment).containsEntry("EMBER_KAFKA_BOOTSTRAP_SERVERS", "kafka:9092");
        assertThat(environment.keySet()).noneMatch(name -> name.startsWith("EMBER_DB_"));
    }

    @Test
    void eachDataPlanePodEnforcesItsShareOfTheServerlessRateLimits() {
        assertThat(EmberChart.render().environment("data-plane")).as("the autoscaler's minimum by default")
                .containsEntry("EMBER_DATA_PLANE_INSTANCES", "2")
                .containsEntry("EMBER_SERVERLESS_ACCOUNT", "fireworks");
        assertThat(EmberChart.render(Map.of("dataPlane.autoscaling.enabled", false, "dataPlane.replicaCount", 3))
                .environment("data-plane")).as("the pods without autoscaling")
                .containsEntry("EMBER_DATA_PLANE_INSTANCES", "3");
        assertThat(EmberChart.render(Map.of("dataPlane.serverless.rateLimitInstances", 10,
                "dataPlane.serverless.account", "shared")).environment("data-plane"))
                .containsEntry("EMBER_DATA_PLANE_INSTANCES", "10")
                .containsEntry("EMBER_SERVERLESS_ACCOUNT", "shared");
        assertThat(EmberChart.render().environment("control-plane")).doesNotContainKey("EMBER_DATA_PLANE_INSTANCES");
    }

    @Test
    void onlyTheControlPlaneGetsTheBootstrapAccountAndKey() {
        RenderedChart chart = EmberChart.render("full");

        assertThat(chart.environment("control-plane"))
                .containsEntry("EMBER_BOOTSTRAP_ACCOUNT_ID", "acme")
                .containsEntry("EMBER_BOOTSTRAP_API_KEY", CHART_SECRET + "bootstrap-api-key");
        assertThat(chart.secretValue("prod-ember-secret", "bootstrap-api-key"))
                .isEqualTo("em_fulltestkey0000000000000000000000000000");
        assertThat(chart.environment("scheduler")).doesNotContainKeys("EMBER_BOOTSTRAP_ACCOUNT_ID",
                "EMBER_BOOTSTRAP_API_KEY");
        assertThat(chart.environment("data-plane")).doesNotContainKeys("EMBER_BOOTSTRAP_ACCOUNT_ID",
                "EMBER_BOOTSTRAP_API_KEY");
        assertThat(EmberChart.render().environment("control-plane"))
                .as("no bootstrap account unless asked for")
                .doesNotContainKeys("EMBER_BOOTSTRAP_ACCOUNT_ID", "EMBER_BOOTSTRAP_API_KEY");
    }

    @Test
    void thePasswordGivenInValuesIsStoredInTheChartsSecret() {
        RenderedChart chart = EmberChart.render("minimal");

        assertThat(chart.secretValue("prod-ember-secret", "db-password")).isEqualTo("s3cret");
        assertThat(chart.environment("scheduler")).containsEntry("EMBER_DB_PASSWORD", CHART_SECRET + "db-password");
    }

    @Test
    void anExistingSecretReplacesTheChartsSecret() {
        RenderedChart chart = EmberChart.render("existing-secret");

        assertThat(chart.all(Secret.class)).as("the chart renders no Secret of its own").isEmpty();
        assertThat(chart.environment("control-plane"))
                .containsEntry("EMBER_DB_PASSWORD", "secret:ember-credentials/postgres-password")
                .containsEntry("EMBER_BOOTSTRAP_API_KEY", "secret:ember-credentials/admin-api-key")
                .containsEntry("EMBER_BOOTSTRAP_ACCOUNT_ID", "ops");
        assertThat(chart.environment("scheduler"))
                .containsEntry("EMBER_DB_PASSWORD", "secret:ember-credentials/postgres-password")
                .containsEntry("EMBER_KAFKA_BOOTSTRAP_SERVERS",
                        "kafka-0.kafka.data.svc:9093,kafka-1.kafka.data.svc:9093")
                .containsEntry("EMBER_DB_HOST", "pg.data.svc")
                .containsEntry("EMBER_DB_PORT", "6432")
                .containsEntry("EMBER_DB_NAME", "ember_prod")
                .containsEntry("EMBER_DB_USER", "ember_app");
    }

    @Test
    void theBootstrapKeyIsOptionalInAnExistingSecret() {
        RenderedChart chart = EmberChart.render("existing-secret");

        assertThat(chart.container("control-plane").getEnv()).filteredOn(v -> v.getName().equals(
                "EMBER_BOOTSTRAP_API_KEY")).singleElement()
                .satisfies(v -> assertThat(v.getValueFrom().getSecretKeyRef().getOptional()).isTrue());
    }

    @Test
    void strimziAndCloudNativePgReplaceTheExternalAddresses() {
        RenderedChart chart = EmberChart.render("full");

        assertThat(chart.environment("scheduler"))
                .containsEntry("EMBER_KAFKA_BOOTSTRAP_SERVERS", "prod-ember-kafka-kafka-bootstrap:9092")
                .containsEntry("EMBER_DB_HOST", "prod-ember-pg-rw")
                .as("the password CloudNativePG generates for the database owner")
                .containsEntry("EMBER_DB_PASSWORD", "secret:prod-ember-pg-app/password");
        assertThat(chart.secretValue("prod-ember-secret", "bootstrap-api-key")).startsWith("em_");
        assertThat(chart.get(Secret.class, "prod-ember-secret").getData()).doesNotContainKey("db-password");
    }

    @Test
    void platformSettingsReachEveryService() {
        RenderedChart chart = EmberChart.render("full");

        for (String component : RenderedChart.COMPONENTS) {
            assertThat(chart.environment(component)).as(component)
                    .containsEntry("EMBER_TIME_SCALE", "60")
                    .containsEntry("EMBER_TIME_ORIGIN", "2026-01-01T00:00:00Z")
                    .containsEntry("QUARKUS_LOG_LEVEL", "DEBUG");
        }
        assertThat(chart.environment("control-plane")).containsEntry("EMBER_CATALOG_ACCOUNT_ID", "fireworks");
        assertThat(chart.environment("scheduler")).doesNotContainKey("EMBER_CATALOG_ACCOUNT_ID");
    }
}
