package dev.ember.controlplane.shape.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.ember.common.error.FieldViolation;

/**
 * The AIP-160 subset shape lists support: equality conditions joined by {@code AND}, {@code field = "value"} (or
 * {@code field = true} for a boolean field). Anything else is refused with where it starts, rather than half
 * understood.
 */
final class ShapeFilter {

    static final String PARAM = "filter";

    /** {@code field} is the canonical (API) name. */
    record Condition(String field, String value) {
    }

    private final String text;
    private final Map<String, String> fields;
    private final Set<String> booleans;
    private int pos;

    private ShapeFilter(String text, Map<String, String> fields, Set<String> booleans) {
        this.text = text;
        this.fields = fields;
        this.booleans = booleans;
    }

    /**
     * The conditions of {@code filter} (none when blank). {@code fields} maps every accepted name (API and proto
     * spellings) to its canonical one; {@code booleans} are the canonical names compared with bare true or false.
     */
    static List<Condition> parse(String filter, Map<String, String> fields, Set<String> booleans,
            List<FieldViolation> violations) {
        if (filter == null || filter.isBlank()) {
            return List.of();
        }
        try {
            return new ShapeFilter(filter, fields, booleans).conditions();
        } catch (BadFilter e) {
            violations.add(new FieldViolation(PARAM, e.getMessage() + " (supported: field = \"value\" conditions "
                    + "joined by AND, on " + String.join(", ", fields.keySet().stream().sorted().toList()) + ")"));
            return List.of();
        }
    }

    private List<Condition> conditions() {
        List<Condition> conditions = new ArrayList<>();
        skipSpaces();
        while (true) {
            conditions.add(condition());
            boolean spaced = skipSpaces();
            if (atEnd()) {
                return conditions;
            }
            if (!spaced || !text.startsWith("AND", pos)) {
                throw new BadFilter("expected AND at position " + (pos + 1) + ", found '" + rest() + "'");
            }
            pos += 3;
            if (!skipSpaces() || atEnd()) {
                throw new BadFilter("expected a condition after AND at position " + (pos + 1));
            }
        }
    }

    private Condition condition() {
        int start = pos;
        while (!atEnd() && (Character.isLetterOrDigit(text.charAt(pos)) || text.charAt(pos) == '_'
                || text.charAt(pos) == '.')) {
            pos++;
        }
        String name = text.substring(start, pos);
        if (name.isEmpty()) {
            throw new BadFilter("expected a field name at position " + (start + 1) + ", found '" + rest() + "'");
        }
        String field = fields.get(name);
        if (field == null) {
            throw new BadFilter("unknown field '" + name + "' at position " + (start + 1));
        }
        skipSpaces();
        if (atEnd() || text.charAt(pos) != '=') {
            throw new BadFilter("only equality is supported: expected '=' after '" + name + "' at position "
                    + (pos + 1));
        }
        pos++;
        skipSpaces();
        if (booleans.contains(field)) {
            for (String b : List.of("true", "false")) {
                if (text.startsWith(b, pos)) {
                    pos += b.length();
                    return new Condition(field, b);
                }
            }
            throw new BadFilter("'" + name + "' is compared with true or false, at position " + (pos + 1));
        }
        return new Condition(field, quoted(name));
    }

    private String quoted(String name) {
        if (atEnd() || text.charAt(pos) != '"') {
            throw new BadFilter("the value of '" + name + "' at position " + (pos + 1) + " must be in double quotes");
        }
        int start = pos++;
        StringBuilder value = new StringBuilder();
        while (!atEnd()) {
            char c = text.charAt(pos++);
            if (c == '"') {
                return value.toString();
            }
            if (c == '\\' && !atEnd()) {
                c = text.charAt(pos++);
            }
            value.append(c);
        }
        throw new BadFilter("the string starting at position " + (start + 1) + " is not closed");
    }

    private boolean skipSpaces() {
        int start = pos;
        while (!atEnd() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
        return pos > start;
    }

    private boolean atEnd() {
        return pos >= text.length();
    }

    private String rest() {
        String rest = text.substring(pos);
        return rest.length() > 20 ? rest.substring(0, 20) + "..." : rest;
    }

    private static final class BadFilter extends RuntimeException {

        BadFilter(String message) {
            super(message, null, false, false);
        }
    }
}
