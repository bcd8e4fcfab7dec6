package dev.ember.dataplane.grpc;

import java.util.Iterator;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;

import dev.ember.common.error.InvalidArgumentException;
import dev.ember.common.error.JsonErrors;

/**
 * Converts the gRPC messages to the HTTP request records and the HTTP response records to gRPC messages through their
 * JSON form, which is the same by design: proto field names are the OpenAI JSON names (ADR 10). So a gRPC request is
 * validated and served by exactly the code an HTTP body is. Both directions are strict: a field one side has and the
 * other lacks fails loudly instead of being dropped.
 */
final class InferenceProtoJson {

    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().preservingProtoFieldNames()
            .omittingInsignificantWhitespace();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser();

    private InferenceProtoJson() {
    }

    /**
     * A request message as the HTTP record {@code type}, with {@code stream} set as the method says. Numbers inside
     * google.protobuf.Struct and Value fields (JSON Schemas, tool_choice) are doubles in protobuf; whole ones become
     * integers again, as an HTTP client writes them, so a schema's {@code "maxItems": 3} reads the same on both APIs.
     */
    static <T> T toRecord(Message request, boolean stream, ObjectMapper json, Class<T> type) {
        try {
            ObjectNode tree = (ObjectNode) json.readTree(PRINTER.print(request));
            tree.put("stream", stream);
            return json.treeToValue(wholeNumbers(tree), type);
        } catch (InvalidProtocolBufferException e) {
            throw InvalidArgumentException.field("request", e.getMessage());
        } catch (JsonProcessingException e) {
            throw JsonErrors.invalidArgument(e);
        }
    }

    /** A response record as the message {@code builder} builds. */
    @SuppressWarnings("unchecked")
    static <M extends Message> M toMessage(Object record, Message.Builder builder, ObjectMapper json) {
        try {
            PARSER.merge(json.writeValueAsString(record), builder);
            return (M) builder.build();
        } catch (JsonProcessingException | InvalidProtocolBufferException e) {
            throw new IllegalStateException("cannot map " + record.getClass().getSimpleName() + " to "
                    + builder.getDescriptorForType().getFullName(), e);
        }
    }

    private static JsonNode wholeNumbers(JsonNode node) {
        if (node.isDouble() && node.canConvertToExactIntegral() && node.canConvertToLong()) {
            return JsonNodeFactory.instance.numberNode(node.longValue());
        }
        if (node instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = object.fields(); fields.hasNext();) {
                Map.Entry<String, JsonNode> field = fields.next();
                field.setValue(wholeNumbers(field.getValue()));
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                array.set(i, wholeNumbers(array.get(i)));
            }
        }
        return node;
    }
}
