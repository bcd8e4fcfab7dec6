package dev.ember.cli.deployment;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.ember.cli.Names;
import dev.ember.cli.Table;
import dev.ember.cli.Wait;
import dev.ember.common.display.DeploymentLabel;

/** How a deployment looks to people: its label, replica summary, table row, and when a wait for it is over. */
public final class DeploymentView {

    private DeploymentView() {
    }

    /** The label lists show: the state, or "Scaled to 0" / "Inactive" ({@link DeploymentLabel}). */
    public static String label(JsonNode d) {
        return DeploymentLabel.of(d.path("state").asText(), d.path("minReplicaCount").asInt(),
                d.path("maxReplicaCount").asInt(), d.path("desiredReplicaCount").asInt(), readyReplicas(d));
    }

    static int readyReplicas(JsonNode d) {
        return d.path("replicaStats").path("readyReplicaCount").asInt();
    }

    /** Replicas by state, such as {@code 1 downloading model, 1 ready}; empty when there are none. */
    public static String replicas(JsonNode d) {
        JsonNode stats = d.path("replicaStats");
        List<String> parts = new ArrayList<>();
        add(parts, stats.path("pendingSchedulingReplicaCount").asInt(), "pending scheduling");
        add(parts, stats.path("downloadingModelReplicaCount").asInt(), "downloading model");
        add(parts, stats.path("initializingReplicaCount").asInt(), "initializing");
        add(parts, stats.path("readyReplicaCount").asInt(), "ready");
        return String.join(", ", parts);
    }

    private static void add(List<String> parts, int count, String what) {
        if (count > 0) {
            parts.add(count + " " + what);
        }
    }

    /** {@code CREATING (1 downloading model)}, with the status message of a failure. */
    public static String status(JsonNode d) {
        String replicas = replicas(d);
        String text = label(d) + (replicas.isEmpty() ? "" : " (" + replicas + ")");
        String message = d.path("status").path("message").asText("");
        if ("FAILED".equals(d.path("state").asText()) && !message.isEmpty()) {
            text += ": " + message;
        }
        return text;
    }

    public static Table table() {
        return Table.of("ID", "BASE MODEL", "STATE", "REPLICAS", "ACCELERATORS", "REGION", "CREATED");
    }

    public static void addRow(Table table, JsonNode d) {
        String accelerators = d.hasNonNull("acceleratorType")
                ? d.path("acceleratorCount").asInt(1) + " x " + d.path("acceleratorType").asText()
                : "";
        table.row(Names.id(d.path("name").asText()), d.path("baseModel").asText(), label(d),
                readyReplicas(d) + "/" + d.path("desiredReplicaCount").asInt(), accelerators,
                d.path("region").asText(d.path("placement").path("region").asText("")),
                Table.time(d.path("createTime").asText("")));
    }

    /** Done when READY with every desired replica ready (or exactly {@code replicas} when given). */
    public static Wait.Target ready(Integer replicas) {
        return new Wait.Target() {

            @Override
            public Wait.Outcome judge(JsonNode d) {
                String state = d.path("state").asText();
                if (state.equals("FAILED") || state.equals("DELETING") || state.equals("DELETED")) {
                    return Wait.Outcome.FAILED;
                }
                int wanted = replicas != null ? replicas : d.path("desiredReplicaCount").asInt();
                boolean replicasReady = replicas != null ? readyReplicas(d) == wanted : readyReplicas(d) >= wanted;
                return state.equals("READY") && replicasReady ? Wait.Outcome.DONE : Wait.Outcome.PENDING;
            }

            @Override
            public String describe(JsonNode d) {
                return status(d);
            }
        };
    }
}
