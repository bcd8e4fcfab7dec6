package dev.ember.cli.deployment;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.ember.cli.Durations;
import dev.ember.cli.Names;

import picocli.CommandLine.Option;

/** The flags that set a deployment's fields, shared by {@code create} and {@code update}. Unset flags send nothing. */
public final class DeploymentSpecOptions {

    private static final Set<String> MULTI_REGIONS = Set.of("GLOBAL", "US", "EUROPE", "APAC");

    @Option(names = "--display-name", paramLabel = "TEXT", description = "Human-readable name.")
    String displayName;

    @Option(names = "--description", paramLabel = "TEXT", description = "Description.")
    String description;

    @Option(names = "--deployment-shape", paramLabel = "SHAPE", description = "A shape or shape version name, or a preset: fast, throughput, minimal.")
    String deploymentShape;

    @Option(names = "--accelerator-type", paramLabel = "TYPE", description = "e.g. NVIDIA_H100_80GB, NVIDIA_A100_80GB, NVIDIA_B200_180GB.")
    String acceleratorType;

    @Option(names = "--accelerator-count", paramLabel = "N", description = "GPUs per replica.")
    Integer acceleratorCount;

    @Option(names = "--region", paramLabel = "REGION", description = "A region (e.g. US_IOWA_1; see region list) or a multi-region: GLOBAL, US, EUROPE, APAC.")
    String region;

    @Option(names = "--min-replica-count", paramLabel = "N", description = "Fewest replicas (0 lets it scale to zero).")
    Integer minReplicaCount;

    @Option(names = "--max-replica-count", paramLabel = "N", description = "Most replicas.")
    Integer maxReplicaCount;

    @Option(names = "--scale-up-window", paramLabel = "DURATION", converter = Durations.class, description = "Load must stay above target this long before scaling up, e.g. 30s.")
    Duration scaleUpWindow;

    @Option(names = "--scale-down-window", paramLabel = "DURATION", converter = Durations.class, description = "Load must stay below target this long before scaling down, e.g. 10m.")
    Duration scaleDownWindow;

    @Option(names = "--scale-to-zero-window", paramLabel = "DURATION", converter = Durations.class, description = "Idle this long scales to zero (min 0), e.g. 1h.")
    Duration scaleToZeroWindow;

    @Option(names = "--load-targets", paramLabel = "KEY=VALUE", split = ",", description = "Autoscaling targets, e.g. default=0.8 or concurrent_requests=10.")
    Map<String, Double> loadTargets;

    @Option(names = "--precision", paramLabel = "PRECISION", description = "e.g. FP16, FP8, FP4.")
    String precision;

    @Option(names = "--draft-model", paramLabel = "MODEL", description = "Draft model for speculative decoding (catalog ID or name).")
    String draftModel;

    @Option(names = "--draft-token-count", paramLabel = "N", description = "Tokens the draft model proposes per step.")
    Integer draftTokenCount;

    @Option(names = "--ngram-speculation-length", paramLabel = "N", description = "N-gram speculation length.")
    Integer ngramSpeculationLength;

    @Option(names = "--max-context-length", paramLabel = "N", description = "Longest context served.")
    Integer maxContextLength;

    @Option(names = "--enable-addons", negatable = true, description = "Allow LoRA addons to be loaded onto it.")
    Boolean enableAddons;

    /** Puts every flag given into {@code body}, with the API's field names. */
    void apply(ObjectNode body) {
        putIfSet(body, "displayName", displayName);
        putIfSet(body, "description", description);
        putIfSet(body, "deploymentShape", deploymentShape);
        putIfSet(body, "acceleratorType", acceleratorType);
        if (acceleratorCount != null) {
            body.put("acceleratorCount", acceleratorCount);
        }
        if (region != null) {
            String upper = region.toUpperCase(Locale.ROOT);
            if (MULTI_REGIONS.contains(upper)) {
                body.putObject("placement").put("multiRegion", upper);
            } else {
                body.putObject("placement").put("region", region);
            }
        }
        if (minReplicaCount != null) {
            body.put("minReplicaCount", minReplicaCount);
        }
        if (maxReplicaCount != null) {
            body.put("maxReplicaCount", maxReplicaCount);
        }
        if (scaleUpWindow != null || scaleDownWindow != null || scaleToZeroWindow != null || loadTargets != null) {
            ObjectNode policy = body.putObject("autoscalingPolicy");
            putIfSet(policy, "scaleUpWindow", scaleUpWindow == null ? null : Durations.api(scaleUpWindow));
            putIfSet(policy, "scaleDownWindow", scaleDownWindow == null ? null : Durations.api(scaleDownWindow));
            putIfSet(policy, "scaleToZeroWindow",
                    scaleToZeroWindow == null ? null : Durations.api(scaleToZeroWindow));
            if (loadTargets != null) {
                ObjectNode targets = policy.putObject("loadTargets");
                loadTargets.forEach(targets::put);
            }
        }
        putIfSet(body, "precision", precision);
        putIfSet(body, "draftModel", draftModel == null ? null : Names.baseModel(draftModel));
        if (draftTokenCount != null) {
            body.put("draftTokenCount", draftTokenCount);
        }
        if (ngramSpeculationLength != null) {
            body.put("ngramSpeculationLength", ngramSpeculationLength);
        }
        if (maxContextLength != null) {
            body.put("maxContextLength", maxContextLength);
        }
        if (enableAddons != null) {
            body.put("enableAddons", enableAddons);
        }
    }

    /**
     * The {@code updateMask} naming exactly the fields of {@code body}: nested ones by their path
     * ({@code autoscalingPolicy.scaleToZeroWindow}), so an update of one window keeps the rest of the policy (a whole
     * {@code autoscalingPolicy} in a body without a mask would replace it).
     */
    static String updateMask(ObjectNode body) {
        java.util.List<String> paths = new java.util.ArrayList<>();
        body.fields().forEachRemaining(field -> {
            if (field.getValue().isObject() && !field.getKey().equals("loadTargets")) {
                field.getValue().fieldNames().forEachRemaining(sub -> paths.add(field.getKey() + "." + sub));
            } else {
                paths.add(field.getKey());
            }
        });
        return String.join(",", paths);
    }

    private static void putIfSet(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }
}
