package dev.ember.dataplane.openai;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import dev.ember.common.error.FieldViolation;
import dev.ember.dataplane.engine.JsonSchemas;

/**
 * The generation parameters both endpoints share, checked: every bad value is a violation naming its parameter.
 *
 * @param maxTokens the requested most tokens per choice, or null for the default
 * @param maxTokensParam the parameter that asked for it ({@code max_tokens} or {@code max_completion_tokens})
 * @param truncate lower max_tokens to fit the context ({@code context_length_exceeded_behavior: truncate}, the
 *        default) rather than refuse the request
 * @param n choices per prompt
 * @param stops the stop sequences
 * @param topLogprobs alternatives listed per position when log probabilities are asked for, -1 when they are not
 * @param schema what a JSON response format asks for ({@code {"type": "object"}} for JSON mode), null for prose
 * @param schemaParam the parameter that gave the schema
 * @param greedy sampling without randomness (temperature 0, top_p 0 or top_k 1): the same prompt, the same reply
 */
record Sampling(Integer maxTokens, String maxTokensParam, boolean truncate, int n, List<String> stops,
        int topLogprobs, JsonNode schema, String schemaParam, boolean greedy) {

    static final int MAX_N = 128;
    static final int MAX_STOPS = 4;
    static final int MAX_TOP_LOGPROBS = 5;
    static final JsonNode ANY_OBJECT = JsonNodeFactory.instance.objectNode().put("type", "object");

    static Sampling of(GenerationRequest r, List<FieldViolation> violations) {
        String maxTokensParam = r.maxCompletionTokens() != null ? "max_completion_tokens" : "max_tokens";
        Integer maxTokens = r.maxCompletionTokens() != null ? r.maxCompletionTokens() : r.maxTokens();
        if (r.maxTokens() != null && r.maxCompletionTokens() != null) {
            violations.add(new FieldViolation("max_completion_tokens",
                    "is an alias of max_tokens: give one of them, not both"));
        }
        if (maxTokens != null && maxTokens < 1) {
            violations.add(new FieldViolation(maxTokensParam, "must be at least 1"));
        }
        range(violations, "temperature", r.temperature(), 0, 2);
        range(violations, "top_p", r.topP(), 0, 1);
        range(violations, "top_k", r.topK() == null ? null : r.topK().doubleValue(), 0, 100);
        range(violations, "frequency_penalty", r.frequencyPenalty(), -2, 2);
        range(violations, "presence_penalty", r.presencePenalty(), -2, 2);
        range(violations, "n", r.n() == null ? null : r.n().doubleValue(), 1, MAX_N);
        range(violations, "top_logprobs", r.topLogprobs() == null ? null : r.topLogprobs().doubleValue(), 0,
                MAX_TOP_LOGPROBS);

        String behavior = r.contextLengthExceededBehavior();
        if (behavior != null && !behavior.equals("truncate") && !behavior.equals("error")) {
            violations.add(new FieldViolation("context_length_exceeded_behavior",
                    "must be \"truncate\" (lower max_tokens to fit the context) or \"error\""));
        }
        Format format = format(r.responseFormat(), violations);
        boolean greedy = (r.temperature() != null && r.temperature() == 0) || (r.topP() != null && r.topP() == 0)
                || (r.topK() != null && r.topK() == 1);
        return new Sampling(maxTokens, maxTokensParam, !"error".equals(behavior), r.n() == null ? 1 : r.n(),
                stops(r.stop(), violations), topLogprobs(r, violations), format.schema(), format.param(), greedy);
    }

    private static void range(List<FieldViolation> violations, String param, Double value, double min, double max) {
        if (value != null && (value < min || value > max)) {
            violations.add(new FieldViolation(param, "must be between " + number(min) + " and " + number(max)));
        }
    }

    private static String number(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    private static List<String> stops(JsonNode stop, List<FieldViolation> violations) {
        List<String> stops = new ArrayList<>();
        if (stop == null || stop.isNull()) {
            return stops;
        }
        if (stop.isTextual()) {
            stops.add(stop.asText());
        } else if (stop.isArray() && stop.size() <= MAX_STOPS) {
            stop.forEach(s -> stops.add(s.isTextual() ? s.asText() : ""));
        } else {
            stops.add("");
        }
        if (stops.contains("")) {
            violations.add(new FieldViolation("stop",
                    "must be a non-empty string or a list of up to " + MAX_STOPS + " non-empty strings"));
        }
        return stops;
    }

    private static int topLogprobs(GenerationRequest r, List<FieldViolation> violations) {
        JsonNode logprobs = r.logprobs();
        Integer top = r.topLogprobs();
        if (logprobs == null || logprobs.isNull() || (logprobs.isBoolean() && !logprobs.asBoolean())) {
            if (top != null) {
                violations.add(new FieldViolation("top_logprobs", "needs logprobs"));
            }
            return -1;
        }
        if (logprobs.isBoolean()) {
            return top != null ? top : 0;
        }
        if (logprobs.canConvertToExactIntegral() && logprobs.asInt() >= 0 && logprobs.asInt() <= MAX_TOP_LOGPROBS) {
            return top != null ? top : logprobs.asInt();
        }
        violations.add(new FieldViolation("logprobs",
                "must be true, false or the number of alternatives per token, from 0 to " + MAX_TOP_LOGPROBS));
        return -1;
    }

    /** The schema a JSON response format asks for (null for prose), and the parameter that gave it. */
    private record Format(JsonNode schema, String param) {

        static final Format PROSE = new Format(null, null);
    }

    private static Format format(GenerationRequest.ResponseFormat format, List<FieldViolation> violations) {
        if (format == null || "text".equals(format.type())) {
            return Format.PROSE;
        }
        boolean ownSchema = format.schema() != null && !format.schema().isNull();
        Format asked;
        if ("json_object".equals(format.type())) {
            asked = new Format(ownSchema ? format.schema() : ANY_OBJECT, "response_format.schema");
        } else if ("json_schema".equals(format.type())) {
            JsonNode wrapper = format.jsonSchema();
            if (wrapper != null && wrapper.isObject() && wrapper.has("schema")) {
                asked = new Format(wrapper.get("schema"), "response_format.json_schema.schema");
            } else if (ownSchema) {
                asked = new Format(format.schema(), "response_format.schema");
            } else {
                violations.add(new FieldViolation("response_format.json_schema",
                        "must be {\"name\": ..., \"schema\": {<JSON Schema>}}"));
                return Format.PROSE;
            }
        } else {
            violations.add(new FieldViolation("response_format.type", "grammar".equals(format.type())
                    ? "\"grammar\" is not supported by the simulated engine: use json_object or json_schema"
                    : "must be one of text, json_object, json_schema"));
            return Format.PROSE;
        }
        List<String> problems = JsonSchemas.problems(asked.schema());
        if (!problems.isEmpty()) {
            violations.add(new FieldViolation(asked.param(), problems.get(0)));
            return Format.PROSE;
        }
        return asked;
    }
}
