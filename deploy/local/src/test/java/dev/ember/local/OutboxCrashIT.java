package dev.ember.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;

import dev.ember.common.event.Event;
import dev.ember.common.event.EventTypes;
import dev.ember.testsupport.KafkaEvents;

/**
 * The transactional outbox's promise, with real processes: a deployment the control plane answered 200 for is
 * committed with its event, and a control plane killed (SIGKILL) after that commit but before the relay published the
 * event loses nothing: the restarted control plane publishes it, and the scheduler starts the deployment.
 */
class OutboxCrashIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final List<String> IDS = List.of("kept-1", "kept-2", "kept-3");

    private final Path repo = Path.of("../..").toAbsolutePath().normalize();
    private final Path home = Path.of("target/outbox-crash-home").toAbsolutePath();
    private LocalPlatform.Running platform;
    private PlatformClient client;

    @RegisterExtension
    final TestWatcher printLogsOnFailure = new TestWatcher() {

        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            for (String module : LocalPlatform.MODULES) {
                Path log = ServiceProcess.logFile(home, module);
                System.out.println("---- last 80 lines of " + log + "\n" + ServiceProcess.tail(log, 80) + "\n----");
            }
        }
    };

    @BeforeEach
    void startPlatform() throws IOException {
        PlatformClient.deleteTree(home);
        platform = LocalPlatform.start(LocalPlatform.Options.isolated(repo, home));
        client = new PlatformClient(platform);
    }

    @AfterEach
    void stopPlatform() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void eventsCommittedButNotYetPublishedSurviveAControlPlaneCrash() throws Exception {
        // A control plane whose relay waits an hour before it publishes and is not woken by commits (no notify
        // channel): every create commits its event and stops there.
        platform.kill(LocalPlatform.CONTROL_PLANE);
        platform.restart(LocalPlatform.CONTROL_PLANE, Map.of("EMBER_OUTBOX_POLL_INTERVAL", "PT1H",
                "EMBER_OUTBOX_NOTIFY_CHANNEL", ""));
        for (String id : IDS) {
            PlatformClient.Response created = client.createDeployment(id, client.json().createObjectNode()
                    .put("baseModel", "accounts/fireworks/models/llama-v3p1-8b-instruct")
                    .put("minReplicaCount", 1).put("maxReplicaCount", 1).toString());
            assertThat(created.status()).as(created.describe()).isEqualTo(200);
        }
        Set<String> names = IDS.stream().map(id -> "accounts/" + platform.accountId() + "/deployments/" + id)
                .collect(Collectors.toSet());
        assertThat(pendingCreates()).as("deployment.created events waiting in the outbox").isEqualTo(IDS.size());
        KafkaEvents kafka = new KafkaEvents(platform.kafkaBootstrapServers());
        assertThat(published(kafka, names)).as("published before the crash").isEmpty();

        // The crash: no shutdown hook runs, nothing is flushed.
        platform.kill(LocalPlatform.CONTROL_PLANE);
        platform.restart(LocalPlatform.CONTROL_PLANE);

        await("the restarted relay publishes every committed event").atMost(WAIT).pollInterval(Duration.ofSeconds(1))
                .untilAsserted(() -> assertThat(published(kafka, names)).containsExactlyInAnyOrderElementsOf(names));
        assertThat(pendingCreates()).as("outbox rows left").isZero();
        for (String id : IDS) {
            await(id + " is served").atMost(WAIT).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                PlatformClient.Response deployment = client.getDeployment(id);
                assertThat(deployment.body().path("state").asText()).as(deployment.describe()).isEqualTo("READY");
                assertThat(deployment.body().path("replicaCount").asInt()).isEqualTo(1);
            });
        }
    }

    private int pendingCreates() throws Exception {
        return Integer.parseInt(client.query("select count(*) from control_plane.outbox_event where type = '"
                + EventTypes.DEPLOYMENT_CREATED.type() + "' and event_key like '%/deployments/kept-%'").get(0));
    }

    private static Set<String> published(KafkaEvents kafka, Set<String> names) {
        return kafka.all(EventTypes.DEPLOYMENT_CREATED, Duration.ofSeconds(2)).stream().map(Event::subject)
                .filter(names::contains).collect(Collectors.toSet());
    }
}
