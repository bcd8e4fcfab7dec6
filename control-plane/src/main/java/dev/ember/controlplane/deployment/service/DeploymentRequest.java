package dev.ember.controlplane.deployment.service;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import dev.ember.common.error.FieldViolation;
import dev.ember.common.error.InvalidArgumentException;
import dev.ember.common.event.AutoscalingPolicy;
import dev.ember.common.event.ScalingSchedule;
import dev.ember.common.hardware.AcceleratorType;
import dev.ember.common.hardware.Precision;
import dev.ember.common.hardware.Region;
import dev.ember.common.name.DeploymentShapeName;
import dev.ember.common.name.DeploymentShapeVersionName;
import dev.ember.common.name.ModelName;
import dev.ember.common.name.ResourceIds;
import dev.ember.common.schedule.Cron;
import dev.ember.controlplane.deployment.api.Deployment;
import dev.ember.controlplane.web.ProtoDurations;

/**
 * A create request after checks that need no database: every bad field is reported at once. Nulls mean "use the
 * default", resolved by {@link HardwareSizing} once the model is known.
 */
record DeploymentRequest(
        ModelName baseModel,
        String displayName,
        String description,
        int minReplicaCount,
        int maxReplicaCount,
        AcceleratorType acceleratorType,
        Integer acceleratorCount,
        Precision precision,
        String placement,
        AutoscalingPolicy autoscalingPolicy,
        String deploymentShape,
        ModelName draftModel,
        Integer draftTokenCount,
        Integer ngramSpeculationLength,
        Boolean enableAddons,
        Integer maxContextLength) {

    static final int MAX_REPLICAS = 100;
    /** Speculative decoding proposes at most this many tokens a step, and n-gram speculation matches at most this many. */
    static final int MAX_SPECULATION = 16;
    /** Tokens proposed a step when a draft model or n-gram speculation is set without a count. */
    static final int DEFAULT_DRAFT_TOKENS = 4;
    static final Duration MAX_SCALE_WINDOW = Duration.ofHours(1);
    static final Duration MIN_SCALE_TO_ZERO_WINDOW = Duration.ofMinutes(5);
    static final Duration MAX_SCALE_TO_ZERO_WINDOW = Duration.ofDays(7);
    /** The load metrics the scheduler knows; "default" applies to every metric without a target of its own. */
    static final Set<String> LOAD_TARGETS = Set.of(AutoscalingPolicy.DEFAULT_TARGET, "requests_per_second",
            "concurrent_requests", "prompt_tokens_per_second", "generated_tokens_per_second");

    static DeploymentRequest validate(Deployment body) {
        if (body == null) {
            throw InvalidArgumentException.field("body", "a deployment is required");
        }
        List<FieldViolation> violations = new ArrayList<>();
        ModelName model = null;
        if (body.baseModel() == null || body.baseModel().isBlank()) {
            violations.add(new FieldViolation("baseModel",
                    "is required, e.g. accounts/fireworks/models/llama-v3p1-8b-instruct"));
        } else {
            try {
                model = ModelName.parse("baseModel", body.baseModel());
            } catch (InvalidArgumentException e) {
                violations.addAll(e.violations());
            }
        }
        if (body.displayName() != null && body.displayName().length() >= 64) {
            violations.add(new FieldViolation("displayName", "must be fewer than 64 characters"));
        }
        if (body.description() != null && body.description().length() > 1000) {
            violations.add(new FieldViolation("description", "must be at most 1000 characters"));
        }
        int min = body.minReplicaCount() == null ? 0 : body.minReplicaCount();
        if (min < 0 || min > MAX_REPLICAS) {
            violations.add(new FieldViolation("minReplicaCount", "must be between 0 and " + MAX_REPLICAS));
        }
        int max = body.maxReplicaCount() == null ? Math.max(min, 1) : body.maxReplicaCount();
        if (max < 0 || max > MAX_REPLICAS) {
            violations.add(new FieldViolation("maxReplicaCount", "must be between 0 and " + MAX_REPLICAS));
        } else if (max < min) {
            violations.add(new FieldViolation("maxReplicaCount",
                    "must be at least minReplicaCount (" + min + "), got " + max));
        }
        AcceleratorType type = null;
        if (body.acceleratorType() != null) {
            type = AcceleratorType.find(body.acceleratorType()).orElse(null);
            if (type == null) {
                violations.add(new FieldViolation("acceleratorType",
                        "unknown accelerator type '" + body.acceleratorType() + "'; one of "
                                + AcceleratorType.names()));
            }
        }
        Integer count = body.acceleratorCount();
        if (count != null && !HardwareSizing.COUNTS.contains(count)) {
            violations.add(new FieldViolation("acceleratorCount", "must be 1, 2, 4 or 8, got " + count));
        }
        Precision precision = null;
        if (body.precision() != null) {
            precision = Precision.find(body.precision()).orElse(null);
            if (precision == null) {
                violations.add(new FieldViolation("precision",
                        "unknown precision '" + body.precision() + "'; one of " + Precision.names()));
            }
        }
        String placement = placement(body.placement(), violations);
        AutoscalingPolicy policy = autoscalingPolicy(body.autoscalingPolicy(), max, violations);
        String shape = deploymentShape(body.deploymentShape(), violations);
        ModelName draft = null;
        if (body.draftModel() != null && !body.draftModel().isEmpty()) {
            try {
                draft = ModelName.parse("draftModel", body.draftModel());
            } catch (InvalidArgumentException e) {
                violations.addAll(e.violations());
            }
        }
        Integer draftTokens = speculation("draftTokenCount", body.draftTokenCount(), violations);
        Integer ngram = speculation("ngramSpeculationLength", body.ngramSpeculationLength(), violations);
        if (draft != null && ngram != null) {
            violations.add(new FieldViolation("ngramSpeculationLength",
                    "set either a draftModel or n-gram speculation, not both"));
        }
        Integer context = body.maxContextLength();
        if (context != null && context < 0) {
            violations.add(new FieldViolation("maxContextLength",
                    "must be positive (or 0 for the model's context length), got " + context));
        }
        if (!violations.isEmpty()) {
            throw InvalidArgumentException.fields(violations);
        }
        return new DeploymentRequest(model, body.displayName(), body.description(), min, max, type, count,
                precision, placement, policy, shape, draft, draftTokens, ngram,
                body.enableAddons(),
                context == null || context == 0 ? null : context);
    }

    /** 0 or null: not set; otherwise 1 to {@value #MAX_SPECULATION}. */
    private static Integer speculation(String field, Integer value, List<FieldViolation> violations) {
        if (value == null || value == 0) {
            return null;
        }
        if (value < 0 || value > MAX_SPECULATION) {
            violations.add(new FieldViolation(field, "must be between 1 and " + MAX_SPECULATION + " (or 0 for none), "
                    + "got " + value));
            return null;
        }
        return value;
    }

    /** A preset (fast, throughput, minimal), a shape or a shape version name; empty means none. */
    private static String deploymentShape(String value, List<FieldViolation> violations) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String trimmed = value.trim();
        if (List.of("fast", "throughput", "minimal").contains(trimmed.toLowerCase(Locale.ROOT))) {
            return trimmed;
        }
        try {
            if (trimmed.contains("/versions/")) {
                DeploymentShapeVersionName.parse("deploymentShape", trimmed);
            } else {
                DeploymentShapeName.parse("deploymentShape", trimmed);
            }
        } catch (InvalidArgumentException e) {
            violations.add(new FieldViolation("deploymentShape", "'" + value + "' is neither a preset (fast, "
                    + "throughput, minimal) nor a shape name such as accounts/fireworks/deploymentShapes/"
                    + "llama-v3p1-8b-instruct-fast (optionally with /versions/{version})"));
        }
        return trimmed;
    }

    /** This request with the serving settings of its shape and its speculation defaults applied. */
    DeploymentRequest with(AcceleratorType type, Integer count, Precision precision, String shape, ModelName draft,
            Integer draftTokens, Integer ngram, Boolean addons, Integer context) {
        return new DeploymentRequest(baseModel, displayName, description, minReplicaCount, maxReplicaCount, type,
                count, precision, placement, autoscalingPolicy, shape, draft, draftTokens, ngram, addons, context);
    }

    /** The policy with every part left out taken from the defaults, or null after adding violations. */
    static AutoscalingPolicy autoscalingPolicy(Deployment.AutoscalingPolicy body, int maxReplicas,
            List<FieldViolation> violations) {
        if (body == null) {
            return AutoscalingPolicy.defaults();
        }
        int before = violations.size();
        Map<String, ScalingSchedule> schedules = scalingSchedules(body.scalingSchedules(), maxReplicas, violations);
        Duration up = window("autoscalingPolicy.scaleUpWindow", body.scaleUpWindow(),
                AutoscalingPolicy.DEFAULT_SCALE_UP_WINDOW, Duration.ZERO, MAX_SCALE_WINDOW, violations);
        Duration down = window("autoscalingPolicy.scaleDownWindow", body.scaleDownWindow(),
                AutoscalingPolicy.DEFAULT_SCALE_DOWN_WINDOW, Duration.ZERO, MAX_SCALE_WINDOW, violations);
        Duration toZero = window("autoscalingPolicy.scaleToZeroWindow", body.scaleToZeroWindow(),
                AutoscalingPolicy.DEFAULT_SCALE_TO_ZERO_WINDOW, MIN_SCALE_TO_ZERO_WINDOW, MAX_SCALE_TO_ZERO_WINDOW,
                violations);
        Map<String, Double> targets = loadTargets(body.loadTargets(), violations);
        return violations.size() > before
                ? null
                : new AutoscalingPolicy(up, down, toZero, targets, schedules).withDefaults();
    }

    private static Duration window(String field, String value, Duration fallback, Duration min, Duration max,
            List<FieldViolation> violations) {
        if (value == null) {
            return fallback;
        }
        Duration d;
        try {
            d = ProtoDurations.parse(field, value);
        } catch (InvalidArgumentException e) {
            violations.addAll(e.violations());
            return null;
        }
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            violations.add(new FieldViolation(field, "must be between " + ProtoDurations.format(min) + " and "
                    + ProtoDurations.format(max) + ", got '" + value + "'"));
            return null;
        }
        // Stored in milliseconds: a finer value would come back changed, so it is refused rather than rounded.
        if (d.getNano() % 1_000_000 != 0) {
            violations.add(new FieldViolation(field, "must be a whole number of milliseconds, got '" + value + "'"));
            return null;
        }
        return d;
    }

    private static Map<String, ScalingSchedule> scalingSchedules(
            Map<String, Deployment.ScalingSchedule> schedules, int maxReplicas, List<FieldViolation> violations) {
        if (schedules == null || schedules.isEmpty()) {
            return Map.of();
        }
        if (schedules.size() > ScalingSchedule.MAX_PER_DEPLOYMENT) {
            violations.add(new FieldViolation("autoscalingPolicy.scalingSchedules",
                    "at most " + ScalingSchedule.MAX_PER_DEPLOYMENT + " schedules per deployment, got "
                            + schedules.size()));
            return null;
        }
        Map<String, ScalingSchedule> valid = new TreeMap<>();
        for (Map.Entry<String, Deployment.ScalingSchedule> entry : schedules.entrySet()) {
            String field = "autoscalingPolicy.scalingSchedules." + entry.getKey();
            Deployment.ScalingSchedule s = entry.getValue();
            int before = violations.size();
            if (entry.getKey().isBlank() || entry.getKey().length() > 63) {
                violations.add(new FieldViolation("autoscalingPolicy.scalingSchedules",
                        "schedule names are 1 to 63 characters, got '" + entry.getKey() + "'"));
            }
            if (s == null) {
                violations.add(new FieldViolation(field, "a schedule is required"));
                continue;
            }
            if (s.schedule() == null) {
                violations.add(new FieldViolation(field + ".schedule",
                        "is required: a five-field cron expression, e.g. \"0 8 * * Mon-Fri\""));
            } else {
                try {
                    Cron.parse(s.schedule());
                } catch (IllegalArgumentException e) {
                    violations.add(new FieldViolation(field + ".schedule", e.getMessage()));
                }
            }
            if (s.timezone() == null || s.timezone().isBlank()) {
                violations.add(new FieldViolation(field + ".timezone",
                        "is required: an IANA time zone such as \"America/New_York\" or \"UTC\""));
            } else {
                try {
                    ZoneId.of(s.timezone());
                } catch (DateTimeException e) {
                    violations.add(new FieldViolation(field + ".timezone",
                            "unknown time zone '" + s.timezone() + "'; use an IANA name such as \"Europe/London\""));
                }
            }
            Duration duration = null;
            if (s.duration() == null) {
                violations.add(new FieldViolation(field + ".duration", "is required, e.g. \"36000s\""));
            } else {
                duration = window(field + ".duration", s.duration(), null, ScalingSchedule.MIN_DURATION,
                        ScalingSchedule.MAX_DURATION, violations);
                if (duration != null && duration.getNano() != 0) {
                    violations.add(new FieldViolation(field + ".duration",
                            "must be a whole number of seconds, got '" + s.duration() + "'"));
                }
            }
            int min = s.minReplicaCount() == null ? 0 : s.minReplicaCount();
            if (min < 0 || min > maxReplicas) {
                violations.add(new FieldViolation(field + ".minReplicaCount",
                        "must be between 0 and maxReplicaCount (" + maxReplicas + "), got " + min));
            }
            if (violations.size() == before) {
                valid.put(entry.getKey(), new ScalingSchedule(s.schedule().trim(), s.timezone(), duration, min,
                        s.description() == null ? "" : s.description(), Boolean.TRUE.equals(s.disabled())));
            }
        }
        return valid;
    }

    private static Map<String, Double> loadTargets(Map<String, Double> targets, List<FieldViolation> violations) {
        if (targets == null || targets.isEmpty()) {
            return null;
        }
        Map<String, Double> valid = new LinkedHashMap<>();
        for (Map.Entry<String, Double> target : targets.entrySet()) {
            String key = target.getKey();
            Double value = target.getValue();
            String field = "autoscalingPolicy.loadTargets." + key;
            if (!LOAD_TARGETS.contains(key)) {
                violations.add(new FieldViolation("autoscalingPolicy.loadTargets",
                        "unknown load target '" + key + "'; one of " + LOAD_TARGETS.stream().sorted().toList()));
            } else if (value == null || !Double.isFinite(value)) {
                violations.add(new FieldViolation(field, "must be a number, got " + value));
            } else if (key.equals(AutoscalingPolicy.DEFAULT_TARGET) && (value <= 0 || value > 1)) {
                violations.add(new FieldViolation(field,
                        "is a utilisation fraction and must be greater than 0 and at most 1, got " + value));
            } else if (value <= 0) {
                violations.add(new FieldViolation(field, "must be greater than 0, got " + value));
            } else {
                valid.put(key, value);
            }
        }
        return Map.copyOf(valid);
    }

    private static String placement(Deployment.Placement placement, List<FieldViolation> violations) {
        if (placement == null || (placement.region() == null && placement.multiRegion() == null)) {
            return Region.MegaRegion.GLOBAL.name();
        }
        if (placement.region() != null && placement.multiRegion() != null) {
            violations.add(new FieldViolation("placement", "set either region or multiRegion, not both"));
            return null;
        }
        if (placement.region() != null) {
            if (Region.find(placement.region()).isEmpty()) {
                violations.add(new FieldViolation("placement.region",
                        "unknown region '" + placement.region() + "'; one of " + Region.names()));
            }
            return placement.region();
        }
        if (Region.MegaRegion.find(placement.multiRegion()).isEmpty()) {
            violations.add(new FieldViolation("placement.multiRegion",
                    "unknown multi-region '" + placement.multiRegion() + "'; one of GLOBAL, US, EUROPE, APAC"));
        }
        return placement.multiRegion();
    }

    /** The ID asked for, or a generated one. */
    static String deploymentId(String requested) {
        return requested == null || requested.isEmpty()
                ? ResourceIds.generate(12)
                : ResourceIds.require("deploymentId", requested);
    }
}
