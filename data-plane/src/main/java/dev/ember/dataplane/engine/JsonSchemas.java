package dev.ember.dataplane.engine;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * The subset of JSON Schema (2020-12) that the simulated model writes structured output for (tool arguments,
 * {@code response_format}): {@link #problems} says where a schema leaves the subset, {@link #generate} writes a value
 * valid against it, and {@link #violations} checks a value against it. Generation builds the value from the schema
 * and then validates it, trying again with the next random draws when a combination of keywords (an {@code anyOf}
 * branch, {@code oneOf}, an enum value) did not hold; a schema no value was found for is refused.
 *
 * <p>
 * Keywords: {@code type} (one or a list), {@code enum}, {@code const}, {@code properties}, {@code required},
 * {@code additionalProperties}, {@code items}, {@code minItems}, {@code maxItems}, {@code minLength},
 * {@code maxLength}, {@code minimum}, {@code maximum}, {@code exclusiveMinimum}, {@code exclusiveMaximum},
 * {@code multipleOf}, {@code anyOf}, {@code oneOf}, {@code format} (values are written and checked for
 * {@code date-time}, {@code date}, {@code time}, {@code email}, {@code uri}, {@code uuid}, {@code ipv4},
 * {@code hostname}; other formats are annotations), {@code $ref} to {@code #}, {@code #/$defs/...} or
 * {@code #/definitions/...}, and boolean schemas. Annotations are ignored. Anything else ({@code pattern},
 * {@code allOf}, {@code not}, {@code uniqueItems}, ...) is refused rather than silently broken.
 */
public final class JsonSchemas {

    /** How deep a generated value may nest, and how many {@code $ref}s validation may follow in a row. */
    static final int MAX_DEPTH = 24;
    private static final int ATTEMPTS = 25;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private static final Set<String> TYPES = Set.of("string", "number", "integer", "boolean", "null", "object",
            "array");
    private static final Set<String> ANNOTATIONS = Set.of("title", "description", "default", "examples", "$schema",
            "$id", "$comment", "deprecated", "readOnly", "writeOnly", "nullable", "contentMediaType",
            "contentEncoding");
    private static final List<String> KEYWORDS = List.of("type", "enum", "const", "properties", "required",
            "additionalProperties", "items", "minItems", "maxItems", "minLength", "maxLength", "minimum", "maximum",
            "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "anyOf", "oneOf", "format", "$ref", "$defs",
            "definitions");
    private static final Set<String> COUNTS = Set.of("minItems", "maxItems", "minLength", "maxLength");
    private static final Set<String> NUMBERS = Set.of("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
            "multipleOf");

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss'Z'");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
    private static final Pattern URI = Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]*:[^\\s]*");
    private static final Pattern UUID_FORMAT = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern IPV4 = Pattern.compile(
            "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern HOSTNAME = Pattern.compile(
            "(?=.{1,253}$)[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*");

    /** A schema outside the subset, or one no value was found for. */
    public static final class SchemaException extends IllegalArgumentException {

        public SchemaException(String message) {
            super(message);
        }
    }

    private JsonSchemas() {
    }

    // ---------------------------------------------------------------------------------------------------- checking

    /** Where the schema leaves the subset, as {@code "<JSON pointer>: <what>"}; empty when it does not. */
    public static List<String> problems(JsonNode schema) {
        List<String> problems = new ArrayList<>();
        check(schema, schema, "", problems);
        return problems;
    }

    private static void check(JsonNode node, JsonNode root, String path, List<String> problems) {
        if (node.isBoolean()) {
            return;
        }
        if (!node.isObject()) {
            problems.add(at(path) + ": a schema must be an object or a boolean");
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            String key = field.getKey();
            JsonNode value = field.getValue();
            String here = path + "/" + key;
            if (ANNOTATIONS.contains(key)) {
                continue;
            }
            if (!KEYWORDS.contains(key)) {
                problems.add(at(here) + ": '" + key + "' is not supported; the simulated model writes values for "
                        + String.join(", ", KEYWORDS));
                continue;
            }
            switch (key) {
                case "type" -> {
                    boolean ok = value.isTextual()
                            ? TYPES.contains(value.asText())
                            : value.isArray()
                                    && !value.isEmpty()
                                    && allMatch(value, t -> t.isTextual() && TYPES.contains(t.asText()));
                    if (!ok) {
                        problems.add(at(here) + ": must be one of " + TYPES + " or a list of them");
                    }
                }
                case "enum" -> {
                    if (!value.isArray() || value.isEmpty()) {
                        problems.add(at(here) + ": must be a non-empty array");
                    }
                }
                case "required" -> {
                    if (!value.isArray() || !allMatch(value, JsonNode::isTextual)) {
                        problems.add(at(here) + ": must be an array of property names");
                    }
                }
                case "properties", "$defs", "definitions" -> {
                    if (!value.isObject()) {
                        problems.add(at(here) + ": must be an object of schemas");
                    } else {
                        value.fields().forEachRemaining(p -> check(p.getValue(), root, here + "/" + p.getKey(),
                                problems));
                    }
                }
                case "additionalProperties", "items" -> check(value, root, here, problems);
                case "anyOf", "oneOf" -> {
                    if (!value.isArray() || value.isEmpty()) {
                        problems.add(at(here) + ": must be a non-empty array of schemas");
                    } else {
                        for (int i = 0; i < value.size(); i++) {
                            check(value.get(i), root, here + "/" + i, problems);
                        }
                    }
                }
                case "format" -> {
                    if (!value.isTextual()) {
                        problems.add(at(here) + ": must be a string");
                    }
                }
                case "$ref" -> {
                    if (!value.isTextual() || resolve(root, value.asText()) == null) {
                        problems.add(at(here) + ": must point into this schema: '#', '#/$defs/<name>' or "
                                + "'#/definitions/<name>'");
                    }
                }
                default -> {
                    if (COUNTS.contains(key) && !(value.canConvertToExactIntegral() && value.asLong() >= 0)) {
                        problems.add(at(here) + ": must be a non-negative integer");
                    } else if (NUMBERS.contains(key) && !value.isNumber()) {
                        problems.add(at(here) + ": must be a number");
                    } else if (key.equals("multipleOf") && value.isNumber() && value.decimalValue().signum() <= 0) {
                        problems.add(at(here) + ": must be greater than 0");
                    }
                }
            }
        }
    }

    private static JsonNode resolve(JsonNode root, String ref) {
        if (ref.equals("#")) {
            return root;
        }
        if (!ref.startsWith("#/$defs/") && !ref.startsWith("#/definitions/")) {
            return null;
        }
        JsonNode target = root.at(ref.substring(1));
        return target.isMissingNode() ? null : target;
    }

    // -------------------------------------------------------------------------------------------------- generating

    /**
     * A value valid against the schema, drawn from {@code random}.
     *
     * @throws SchemaException when the schema leaves the subset or no valid value was found
     */
    public static JsonNode generate(JsonNode schema, Random random) {
        List<String> problems = problems(schema);
        if (!problems.isEmpty()) {
            throw new SchemaException(problems.get(0));
        }
        String last = "";
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            try {
                JsonNode value = value(schema, schema, random, 0);
                List<String> violations = violations(schema, value);
                if (violations.isEmpty()) {
                    return value;
                }
                last = violations.get(0);
            } catch (SchemaException e) {
                last = e.getMessage();
            }
        }
        throw new SchemaException("the simulated model found no value valid against this schema (" + last + ")");
    }

    private static JsonNode value(JsonNode node, JsonNode root, Random random, int depth) {
        if (depth > MAX_DEPTH) {
            throw new SchemaException("values nest deeper than " + MAX_DEPTH + " levels");
        }
        if (node.isBoolean()) {
            if (!node.asBoolean()) {
                throw new SchemaException("the schema 'false' allows no value");
            }
            return TextNode.valueOf(TextGenerator.phrase(random, 2));
        }
        if (node.has("$ref")) {
            return value(resolve(root, node.get("$ref").asText()), root, random, depth + 1);
        }
        if (node.has("const")) {
            return node.get("const").deepCopy();
        }
        if (node.has("enum")) {
            List<JsonNode> allowed = new ArrayList<>();
            node.get("enum").forEach(v -> {
                if (violations(node, v, root, "$", 0).isEmpty()) {
                    allowed.add(v);
                }
            });
            if (allowed.isEmpty()) {
                throw new SchemaException("no value of its enum is valid against the rest of the schema");
            }
            return allowed.get(random.nextInt(allowed.size())).deepCopy();
        }
        for (String combinator : List.of("anyOf", "oneOf")) {
            if (node.has(combinator)) {
                JsonNode branches = node.get(combinator);
                JsonNode branch = branches.get(random.nextInt(branches.size()));
                return value(merge(node, combinator, branch, root), root, random, depth + 1);
            }
        }
        return switch (type(node, random)) {
            case "object" -> object(node, root, random, depth);
            case "array" -> array(node, root, random, depth);
            case "integer" -> integer(node, random);
            case "number" -> number(node, random);
            case "boolean" -> BooleanNode.valueOf(random.nextBoolean());
            case "null" -> NullNode.getInstance();
            default -> string(node, random);
        };
    }

    /** The schema with {@code combinator} replaced by one branch: the branch's keywords added to (or over) its own. */
    private static JsonNode merge(JsonNode node, String combinator, JsonNode branch, JsonNode root) {
        while (branch.isObject() && branch.has("$ref") && branch.size() == 1) {
            branch = resolve(root, branch.get("$ref").asText());
        }
        ObjectNode merged = ((ObjectNode) node).deepCopy();
        merged.remove(combinator);
        if (branch.isBoolean()) {
            return branch.asBoolean() ? merged : branch;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = branch.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            JsonNode mine = merged.get(field.getKey());
            if (field.getKey().equals("properties") && mine != null && mine.isObject()) {
                ((ObjectNode) mine).setAll((ObjectNode) field.getValue().deepCopy());
            } else if (field.getKey().equals("required") && mine != null && mine.isArray()) {
                Set<String> names = new LinkedHashSet<>();
                mine.forEach(n -> names.add(n.asText()));
                field.getValue().forEach(n -> names.add(n.asText()));
                ArrayNode union = merged.putArray("required");
                names.forEach(union::add);
            } else {
                merged.set(field.getKey(), field.getValue().deepCopy());
            }
        }
        return merged;
    }

    private static String type(JsonNode node, Random random) {
        JsonNode type = node.get("type");
        if (type != null && type.isTextual()) {
            return type.asText();
        }
        if (type != null && type.isArray()) {
            List<String> types = new ArrayList<>();
            type.forEach(t -> types.add(t.asText()));
            List<String> notNull = types.stream().filter(t -> !t.equals("null")).toList();
            // Mostly a real value: null only now and then when something else is allowed.
            if (notNull.isEmpty() || (types.contains("null") && random.nextInt(6) == 0)) {
                return "null";
            }
            return notNull.get(random.nextInt(notNull.size()));
        }
        if (node.has("properties") || node.has("required") || node.has("additionalProperties")) {
            return "object";
        }
        if (node.has("items") || node.has("minItems") || node.has("maxItems")) {
            return "array";
        }
        if (node.has("minimum") || node.has("maximum") || node.has("exclusiveMinimum")
                || node.has("exclusiveMaximum") || node.has("multipleOf")) {
            return "number";
        }
        return "string";
    }

    private static JsonNode object(JsonNode node, JsonNode root, Random random, int depth) {
        ObjectNode object = NODES.objectNode();
        Set<String> required = new LinkedHashSet<>();
        node.path("required").forEach(r -> required.add(r.asText()));
        JsonNode properties = node.get("properties");
        JsonNode additional = node.path("additionalProperties");
        if (properties != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> p = it.next();
                // Optional properties about half the time, and less the deeper the value (recursive schemas end).
                if (required.contains(p.getKey()) || random.nextInt(depth + 2) == 0) {
                    object.set(p.getKey(), value(p.getValue(), root, random, depth + 1));
                }
            }
        }
        for (String name : required) {
            if (!object.has(name)) {
                object.set(name, additional.isObject()
                        ? value(additional, root, random, depth + 1)
                        : scalar(random));
            }
        }
        if (properties == null && !(additional.isBoolean() && !additional.asBoolean()) && depth < 3) {
            // A free-form object ({"type": "object"}, JSON mode): a few properties of its own.
            for (int i = 1 + random.nextInt(3); i > 0; i--) {
                String name = TextGenerator.noun(random);
                if (!object.has(name)) {
                    object.set(name, additional.isObject()
                            ? value(additional, root, random, depth + 1)
                            : scalar(random));
                }
            }
        }
        return object;
    }

    private static JsonNode scalar(Random random) {
        return switch (random.nextInt(3)) {
            case 0 -> TextNode.valueOf(TextGenerator.phrase(random, 1 + random.nextInt(4)));
            case 1 -> LongNode.valueOf(random.nextInt(1000));
            default -> BooleanNode.valueOf(random.nextBoolean());
        };
    }

    private static JsonNode array(JsonNode node, JsonNode root, Random random, int depth) {
        int min = node.path("minItems").asInt(0);
        int max = node.has("maxItems") ? node.get("maxItems").asInt() : Math.max(min, 3);
        int count = depth > 4 ? min : Math.max(min, Math.min(max, 1 + random.nextInt(3)));
        JsonNode items = node.has("items") ? node.get("items") : BooleanNode.TRUE;
        ArrayNode array = NODES.arrayNode();
        for (int i = 0; i < count; i++) {
            array.add(items.isBoolean() && items.asBoolean() ? scalar(random) : value(items, root, random, depth + 1));
        }
        return array;
    }

    private static JsonNode string(JsonNode node, Random random) {
        String format = node.path("format").asText("");
        String text = switch (format) {
            case "date-time" -> instant(random).toString();
            case "date" -> instant(random).atOffset(ZoneOffset.UTC).toLocalDate().toString();
            case "time" -> TIME.format(instant(random).atOffset(ZoneOffset.UTC));
            case "email" -> TextGenerator.noun(random) + "." + TextGenerator.noun(random) + "@example.com";
            case "uri", "url" -> "https://example.com/" + TextGenerator.noun(random) + "/" + random.nextInt(1000);
            case "uuid" -> new UUID(random.nextLong(), random.nextLong()).toString();
            case "ipv4" -> "10." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256);
            case "hostname" -> TextGenerator.noun(random) + "-" + random.nextInt(100) + ".example.com";
            default -> TextGenerator.phrase(random, 1 + random.nextInt(5));
        };
        int min = node.path("minLength").asInt(0);
        int max = node.has("maxLength") ? node.get("maxLength").asInt() : Integer.MAX_VALUE;
        StringBuilder padded = new StringBuilder(text);
        while (padded.length() < min) {
            padded.append(' ').append(TextGenerator.noun(random));
        }
        return TextNode.valueOf(padded.length() > max ? padded.substring(0, max) : padded.toString());
    }

    private static Instant instant(Random random) {
        // Some second of 2024 to 2026.
        return Instant.ofEpochSecond(1_704_067_200L + (long) (random.nextDouble() * 3 * 365 * 86_400));
    }

    private static JsonNode integer(JsonNode node, Random random) {
        BigDecimal[] range = range(node, true);
        BigDecimal step = node.has("multipleOf") ? node.get("multipleOf").decimalValue() : BigDecimal.ONE;
        step = step.stripTrailingZeros();
        if (step.scale() > 0) {
            // A fractional step p/q in lowest terms (1.5 = 3/2): the integers among its multiples are those of p.
            BigInteger numerator = step.unscaledValue();
            step = new BigDecimal(numerator.divide(numerator.gcd(BigInteger.TEN.pow(step.scale()))));
        }
        return LongNode.valueOf(multiple(range, step, random).longValueExact());
    }

    private static JsonNode number(JsonNode node, Random random) {
        BigDecimal[] range = range(node, false);
        if (node.has("multipleOf")) {
            return DecimalNode.valueOf(plain(multiple(range, node.get("multipleOf").decimalValue(), random)));
        }
        BigDecimal span = range[1].subtract(range[0]);
        BigDecimal value = range[0].add(span.multiply(BigDecimal.valueOf(random.nextDouble())))
                .setScale(2, RoundingMode.HALF_UP);
        if (value.compareTo(range[0]) < 0 || value.compareTo(range[1]) > 0) {
            value = range[0];
        }
        return DecimalNode.valueOf(plain(value));
    }

    /**
     * The closed range a value may take: inclusive bounds as they are, exclusive ones moved in (to the next integer,
     * or by 0.01), and 0 to 100 (or 100 beyond the one bound given) where the schema leaves it open.
     */
    private static BigDecimal[] range(JsonNode node, boolean integer) {
        BigDecimal low = bound(node, "minimum", "exclusiveMinimum", integer, true);
        BigDecimal high = bound(node, "maximum", "exclusiveMaximum", integer, false);
        BigDecimal hundred = BigDecimal.valueOf(100);
        if (low == null) {
            low = high == null || high.signum() > 0 ? BigDecimal.ZERO : high.subtract(hundred);
        }
        if (high == null) {
            high = low.add(hundred);
        }
        if (low.compareTo(high) > 0) {
            throw new SchemaException("no value lies between its minimum and its maximum");
        }
        return new BigDecimal[]{low, high};
    }

    private static BigDecimal bound(JsonNode node, String inclusive, String exclusive, boolean integer,
            boolean lower) {
        BigDecimal bound = null;
        if (node.has(inclusive)) {
            BigDecimal b = node.get(inclusive).decimalValue();
            bound = !integer ? b : b.setScale(0, lower ? RoundingMode.CEILING : RoundingMode.FLOOR);
        }
        if (node.has(exclusive)) {
            BigDecimal b = node.get(exclusive).decimalValue();
            BigDecimal moved = integer
                    ? (lower
                            ? b.setScale(0, RoundingMode.FLOOR).add(BigDecimal.ONE)
                            : b.setScale(0, RoundingMode.CEILING).subtract(BigDecimal.ONE))
                    : (lower ? b.add(new BigDecimal("0.01")) : b.subtract(new BigDecimal("0.01")));
            bound = bound == null ? moved : lower ? bound.max(moved) : bound.min(moved);
        }
        return bound;
    }

    private static BigDecimal multiple(BigDecimal[] range, BigDecimal step, Random random) {
        BigDecimal first = range[0].divide(step, 0, RoundingMode.CEILING);
        BigDecimal last = range[1].divide(step, 0, RoundingMode.FLOOR);
        if (first.compareTo(last) > 0) {
            throw new SchemaException("no multiple of " + step.toPlainString() + " lies between its bounds");
        }
        long count = last.subtract(first).min(BigDecimal.valueOf(1_000_000)).longValueExact() + 1;
        return first.add(BigDecimal.valueOf((long) (random.nextDouble() * count))).multiply(step);
    }

    private static BigDecimal plain(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
    }

    // -------------------------------------------------------------------------------------------------- validating

    /** Why the value is not valid against the schema, as {@code "<path>: <what>"}; empty when it is valid. */
    public static List<String> violations(JsonNode schema, JsonNode value) {
        return violations(schema, value, schema, "$", 0);
    }

    private static List<String> violations(JsonNode node, JsonNode value, JsonNode root, String path, int refs) {
        List<String> out = new ArrayList<>();
        validate(node, value, root, path, out, refs);
        return out;
    }

    private static void validate(JsonNode node, JsonNode value, JsonNode root, String path, List<String> out,
            int refs) {
        if (node.isBoolean()) {
            if (!node.asBoolean()) {
                out.add(path + ": no value is allowed here");
            }
            return;
        }
        if (node.has("$ref")) {
            if (refs > MAX_DEPTH) {
                out.add(path + ": the schema refers to itself without end");
                return;
            }
            JsonNode target = resolve(root, node.get("$ref").asText());
            if (target == null) {
                out.add(path + ": unresolvable $ref " + node.get("$ref"));
            } else {
                validate(target, value, root, path, out, refs + 1);
            }
        }
        if (node.has("type") && !hasType(node.get("type"), value)) {
            out.add(path + ": is " + kind(value) + ", not " + node.get("type"));
            return;
        }
        if (node.has("const") && !same(node.get("const"), value)) {
            out.add(path + ": must be " + node.get("const"));
        }
        if (node.has("enum") && !contains(node.get("enum"), value)) {
            out.add(path + ": must be one of " + node.get("enum"));
        }
        if (value.isObject()) {
            validateObject(node, value, root, path, out);
        } else if (value.isArray()) {
            if (node.has("items")) {
                for (int i = 0; i < value.size(); i++) {
                    validate(node.get("items"), value.get(i), root, path + "[" + i + "]", out, 0);
                }
            }
            if (node.has("minItems") && value.size() < node.get("minItems").asInt()) {
                out.add(path + ": has fewer than " + node.get("minItems") + " items");
            }
            if (node.has("maxItems") && value.size() > node.get("maxItems").asInt()) {
                out.add(path + ": has more than " + node.get("maxItems") + " items");
            }
        } else if (value.isTextual()) {
            int length = value.asText().codePointCount(0, value.asText().length());
            if (node.has("minLength") && length < node.get("minLength").asInt()) {
                out.add(path + ": is shorter than " + node.get("minLength") + " characters");
            }
            if (node.has("maxLength") && length > node.get("maxLength").asInt()) {
                out.add(path + ": is longer than " + node.get("maxLength") + " characters");
            }
            if (node.has("format") && !hasFormat(node.get("format").asText(), value.asText())) {
                out.add(path + ": is not a valid " + node.get("format").asText());
            }
        } else if (value.isNumber()) {
            validateNumber(node, value.decimalValue(), path, out);
        }
        if (node.has("anyOf")) {
            long matching = matching(node.get("anyOf"), value, root, path);
            if (matching == 0) {
                out.add(path + ": matches none of anyOf");
            }
        }
        if (node.has("oneOf")) {
            long matching = matching(node.get("oneOf"), value, root, path);
            if (matching != 1) {
                out.add(path + ": matches " + matching + " of oneOf, not exactly one");
            }
        }
    }

    private static void validateObject(JsonNode node, JsonNode value, JsonNode root, String path, List<String> out) {
        JsonNode properties = node.path("properties");
        for (JsonNode required : node.path("required")) {
            if (!value.has(required.asText())) {
                out.add(path + ": lacks the required property '" + required.asText() + "'");
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            String here = path + "." + field.getKey();
            if (properties.has(field.getKey())) {
                validate(properties.get(field.getKey()), field.getValue(), root, here, out, 0);
            } else if (node.has("additionalProperties")) {
                validate(node.get("additionalProperties"), field.getValue(), root, here, out, 0);
            }
        }
    }

    private static void validateNumber(JsonNode node, BigDecimal number, String path, List<String> out) {
        if (node.has("minimum") && number.compareTo(node.get("minimum").decimalValue()) < 0) {
            out.add(path + ": is below the minimum " + node.get("minimum"));
        }
        if (node.has("maximum") && number.compareTo(node.get("maximum").decimalValue()) > 0) {
            out.add(path + ": is above the maximum " + node.get("maximum"));
        }
        if (node.has("exclusiveMinimum") && number.compareTo(node.get("exclusiveMinimum").decimalValue()) <= 0) {
            out.add(path + ": is not above " + node.get("exclusiveMinimum"));
        }
        if (node.has("exclusiveMaximum") && number.compareTo(node.get("exclusiveMaximum").decimalValue()) >= 0) {
            out.add(path + ": is not below " + node.get("exclusiveMaximum"));
        }
        if (node.has("multipleOf")
                && number.remainder(node.get("multipleOf").decimalValue()).compareTo(BigDecimal.ZERO) != 0) {
            out.add(path + ": is not a multiple of " + node.get("multipleOf"));
        }
    }

    private static long matching(JsonNode branches, JsonNode value, JsonNode root, String path) {
        long matching = 0;
        for (JsonNode branch : branches) {
            if (violations(branch, value, root, path, 0).isEmpty()) {
                matching++;
            }
        }
        return matching;
    }

    private static boolean hasType(JsonNode type, JsonNode value) {
        if (type.isArray()) {
            for (JsonNode t : type) {
                if (hasType(t, value)) {
                    return true;
                }
            }
            return false;
        }
        return switch (type.asText()) {
            case "string" -> value.isTextual();
            case "number" -> value.isNumber();
            case "integer" -> value.isIntegralNumber()
                    || (value.isNumber() && value.decimalValue().stripTrailingZeros().scale() <= 0);
            case "boolean" -> value.isBoolean();
            case "null" -> value.isNull();
            case "object" -> value.isObject();
            case "array" -> value.isArray();
            default -> false;
        };
    }

    private static String kind(JsonNode value) {
        return value.isTextual()
                ? "a string"
                : value.isNumber()
                        ? "a number"
                        : value.isBoolean()
                                ? "a boolean"
                                : value.isNull() ? "null" : value.isObject() ? "an object" : "an array";
    }

    private static boolean contains(JsonNode values, JsonNode value) {
        for (JsonNode v : values) {
            if (same(v, value)) {
                return true;
            }
        }
        return false;
    }

    /** JSON equality, numbers by value (1 and 1.0 are the same number). */
    static boolean same(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        if (a.isArray() && b.isArray()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (!same(a.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a.isObject() && b.isObject()) {
            if (a.size() != b.size()) {
                return false;
            }
            Set<String> names = new HashSet<>();
            a.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                if (!b.has(name) || !same(a.get(name), b.get(name))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    private static boolean hasFormat(String format, String text) {
        try {
            return switch (format) {
                case "date-time" -> OffsetDateTime.parse(text) != null;
                case "date" -> LocalDate.parse(text) != null;
                case "time" -> OffsetTime.parse(text) != null;
                case "email" -> EMAIL.matcher(text).matches();
                case "uri", "url" -> URI.matcher(text).matches();
                case "uuid" -> UUID_FORMAT.matcher(text).matches();
                case "ipv4" -> IPV4.matcher(text).matches();
                case "hostname" -> HOSTNAME.matcher(text).matches();
                default -> true;
            };
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static boolean allMatch(JsonNode array, java.util.function.Predicate<JsonNode> test) {
        for (JsonNode item : array) {
            if (!test.test(item)) {
                return false;
            }
        }
        return true;
    }

    private static String at(String pointer) {
        return pointer.isEmpty() ? "(root)" : pointer;
    }
}
