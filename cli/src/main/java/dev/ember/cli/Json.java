package dev.ember.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Request bodies. */
public final class Json {

    private Json() {
    }

    public static ObjectNode object() {
        return ApiClient.JSON.createObjectNode();
    }
}
