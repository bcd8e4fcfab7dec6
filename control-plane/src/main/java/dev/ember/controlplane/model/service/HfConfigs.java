package dev.ember.controlplane.model.service;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.ember.common.error.FieldViolation;

/**
 * Reads the Hugging Face configs an upload carries: a base model's {@code config.json} (its shape, which serving and
 * hardware sizing need) and a LoRA addon's {@code adapter_config.json} (its rank and target modules). Problems are
 * field violations named after the file and key, e.g. {@code adapter_config.json.r}.
 */
final class HfConfigs {

    static final String CONFIG = "config.json";
    static final String ADAPTER_CONFIG = "adapter_config.json";
    /** Configs are small; a larger "config" is not one. */
    static final long MAX_CONFIG_BYTES = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private HfConfigs() {
    }

    /** What a base model's config.json says about its shape. */
    record Shape(int layers, int hiddenSize, int attentionHeads, int kvHeads, int headDim, int maxPositions,
            String modelType, String precision) {
    }

    /** What an adapter_config.json says; {@code rank} is null when it has no {@code r}. */
    record Adapter(Integer rank, List<String> targetModules, String peftType) {
    }

    static JsonNode parse(String file, byte[] bytes, List<FieldViolation> violations) {
        try {
            JsonNode node = JSON.readTree(bytes);
            if (node == null || !node.isObject()) {
                violations.add(new FieldViolation(file, "must be a JSON object"));
                return null;
            }
            return node;
        } catch (JsonProcessingException e) {
            violations.add(new FieldViolation(file, "is not valid JSON: " + e.getOriginalMessage()));
            return null;
        } catch (IOException e) {
            violations.add(new FieldViolation(file, "cannot be read: " + e.getMessage()));
            return null;
        }
    }

    /** The shape, or null with violations when a required key is missing or not a positive integer. */
    static Shape shape(JsonNode config, List<FieldViolation> violations) {
        int before = violations.size();
        int layers = positive(config, "num_hidden_layers", true, violations);
        int hidden = positive(config, "hidden_size", true, violations);
        int heads = positive(config, "num_attention_heads", true, violations);
        int kvHeads = positive(config, "num_key_value_heads", false, violations);
        int headDim = positive(config, "head_dim", false, violations);
        int positions = positive(config, "max_position_embeddings", false, violations);
        if (violations.size() > before) {
            return null;
        }
        if (kvHeads == 0) {
            kvHeads = heads;
        }
        if (headDim == 0) {
            if (hidden % heads != 0) {
                violations.add(new FieldViolation(CONFIG + ".head_dim", "is missing and hidden_size (" + hidden
                        + ") is not a multiple of num_attention_heads (" + heads + ")"));
                return null;
            }
            headDim = hidden / heads;
        }
        String type = config.path("model_type").isTextual() ? config.get("model_type").asText() : null;
        return new Shape(layers, hidden, heads, kvHeads, headDim, positions, type,
                precision(config.path("torch_dtype").asText("")));
    }

    static Adapter adapter(JsonNode config, List<FieldViolation> violations) {
        Integer rank = null;
        JsonNode r = config.get("r");
        if (r != null && !r.isNull()) {
            if (!r.canConvertToInt() || !r.isIntegralNumber()) {
                violations.add(new FieldViolation(ADAPTER_CONFIG + ".r", "must be an integer, got " + r));
            } else {
                rank = r.asInt();
            }
        }
        List<String> modules = new ArrayList<>();
        JsonNode targets = config.get("target_modules");
        if (targets != null && targets.isArray()) {
            targets.forEach(t -> modules.add(t.asText()));
        } else if (targets != null && targets.isTextual()) {
            modules.add(targets.asText()); // PEFT allows a single regular expression here
        }
        String peftType = config.path("peft_type").isTextual() ? config.get("peft_type").asText() : null;
        return new Adapter(rank, modules, peftType);
    }

    private static int positive(JsonNode config, String key, boolean required, List<FieldViolation> violations) {
        JsonNode value = config.get(key);
        if (value == null || value.isNull()) {
            if (required) {
                violations.add(new FieldViolation(CONFIG + "." + key, "is required (the model's shape sizes its "
                        + "GPUs and KV cache)"));
            }
            return 0;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.asInt() < 1) {
            violations.add(new FieldViolation(CONFIG + "." + key, "must be a positive integer, got " + value));
            return 0;
        }
        return value.asInt();
    }

    /** Hugging Face's torch_dtype as a serving precision; bfloat16 when absent or unknown. */
    private static String precision(String torchDtype) {
        return switch (torchDtype) {
            case "float16", "fp16", "half" -> "FP16";
            default -> ModelService.CUSTOM_PRECISION;
        };
    }
}
