package dev.ember.cli;

import java.io.PrintWriter;
import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;

/** Prints answers: the API's JSON as it came under {@code -o json}; tables and indented fields for people. */
public final class Output {

    private final PrintWriter out;
    private final boolean json;

    public Output(PrintWriter out, boolean json) {
        this.out = out;
        this.json = json;
    }

    public boolean json() {
        return json;
    }

    static String pretty(JsonNode node) {
        try {
            return ApiClient.JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public void json(JsonNode node) {
        out.println(pretty(node));
        out.flush();
    }

    /** One resource: its JSON, or its fields one a line, nested ones indented. */
    public void resource(JsonNode node) {
        if (json) {
            json(node);
        } else {
            out.print(fields(node));
            out.flush();
        }
    }

    /** A list: the answer's JSON, or the table. */
    public void list(JsonNode answer, Table table) {
        if (json) {
            json(answer);
        } else {
            out.print(table.render());
            out.flush();
        }
    }

    /** The end of a change that answers no resource: the answer's JSON, or {@code text} for people. */
    public void done(JsonNode answer, String text) {
        if (json) {
            json(answer);
        } else {
            line(text);
        }
    }

    public void line(String text) {
        if (!json) {
            out.println(text);
            out.flush();
        }
    }

    /** {@code key: value} lines; objects and lists of objects as indented blocks, lists of scalars inline. */
    public static String fields(JsonNode node) {
        StringBuilder text = new StringBuilder();
        appendFields(text, node, "");
        return text.toString();
    }

    private static void appendFields(StringBuilder text, JsonNode node, String indent) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode value = field.getValue();
            text.append(indent).append(field.getKey()).append(':');
            if (value.isObject() && !value.isEmpty()) {
                text.append('\n');
                appendFields(text, value, indent + "  ");
            } else if (value.isArray() && value.size() > 0 && value.get(0).isObject()) {
                text.append('\n');
                for (JsonNode element : value) {
                    text.append(indent).append("  -\n");
                    appendFields(text, element, indent + "    ");
                }
            } else {
                text.append(' ').append(scalar(value)).append('\n');
            }
        }
    }

    private static String scalar(JsonNode value) {
        if (value.isArray()) {
            StringBuilder list = new StringBuilder();
            for (JsonNode element : value) {
                list.append(list.length() == 0 ? "" : ", ").append(scalar(element));
            }
            return list.toString();
        }
        if (value.isObject()) {
            return "{}";
        }
        return value.asText();
    }
}
