package dev.ember.controlplane.web.list;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.ember.common.error.FieldViolation;

/**
 * The subset of AIP-160 filters lists support: equality conditions {@code field = "value"} joined by {@code AND}.
 * Anything else (OR, NOT, comparisons, functions, bare values) is refused with the position it starts at, rather than
 * half understood.
 */
final class FilterParser {

    static final String PARAM = "filter";

    private final String text;
    private final Map<String, ListSpec.Field> fields;
    private final String supported;
    private int pos;

    private FilterParser(String text, ListSpec spec) {
        this.text = text;
        this.fields = spec.fieldsByName();
        this.supported = " (supported: field = \"value\" conditions joined by AND, on "
                + String.join(", ", spec.fields().stream().map(ListSpec.Field::apiName).toList()) + ")";
    }

    /** The conditions of {@code filter} (none when blank); a filter that cannot be parsed is one violation. */
    static List<Condition> parse(String filter, ListSpec spec, List<FieldViolation> violations) {
        if (filter == null || filter.isBlank()) {
            return List.of();
        }
        try {
            return new FilterParser(filter, spec).conditions();
        } catch (BadFilter e) {
            violations.add(new FieldViolation(PARAM, e.getMessage()));
            return List.of();
        }
    }

    /** Conditions in a fixed order, so equal filters written differently make equal page tokens. */
    static String canonical(List<Condition> conditions) {
        return conditions.stream()
                .map(c -> c.field().apiName() + "=" + quote(c.value()))
                .sorted()
                .reduce((a, b) -> a + " AND " + b)
                .orElse("");
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
                throw bad("expected AND at position " + (pos + 1) + ", found '" + rest() + "'");
            }
            pos += 3;
            if (!skipSpaces() || atEnd()) {
                throw bad("expected a condition after AND at position " + (pos + 1));
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
            throw bad("expected a field name at position " + (start + 1) + ", found '" + rest() + "'");
        }
        ListSpec.Field field = fields.get(name);
        if (field == null) {
            throw bad(name.equals("NOT") || name.equals("OR") || name.equals("AND")
                    ? name + " at position " + (start + 1) + " is not supported"
                    : "unknown field '" + name + "' at position " + (start + 1));
        }
        skipSpaces();
        if (atEnd() || text.charAt(pos) != '=') {
            throw bad("only equality is supported: expected '=' after '" + name + "' at position " + (pos + 1)
                    + ", e.g. " + name + " = \"...\"");
        }
        pos++;
        skipSpaces();
        String value = field.isBoolean() ? bool(name) : quoted(name);
        if (field.values() != null && !field.values().contains(value)) {
            throw bad("unknown " + field.apiName() + " \"" + value + "\"; one of "
                    + field.values().stream().sorted().toList());
        }
        return new Condition(field, value);
    }

    /** A bare {@code true} or {@code false}. */
    private String bool(String name) {
        for (String b : List.of("true", "false")) {
            if (text.startsWith(b, pos)) {
                pos += b.length();
                return b;
            }
        }
        throw bad("'" + name + "' is compared with true or false, at position " + (pos + 1));
    }

    /** A double-quoted string; a backslash makes the next character literal, so values may contain quotes. */
    private String quoted(String name) {
        if (atEnd() || text.charAt(pos) != '"') {
            throw bad("the value of '" + name + "' at position " + (pos + 1) + " must be in double quotes, e.g. "
                    + name + " = \"...\"");
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
        throw bad("the string starting at position " + (start + 1) + " is not closed");
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

    private static String quote(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private BadFilter bad(String problem) {
        return new BadFilter(problem + supported);
    }

    /** Carries the first problem out of the parser to {@link #parse}; never leaves this class. */
    private static final class BadFilter extends RuntimeException {

        BadFilter(String message) {
            super(message, null, false, false);
        }
    }
}
