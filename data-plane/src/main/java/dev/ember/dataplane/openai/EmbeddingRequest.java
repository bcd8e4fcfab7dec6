package dev.ember.dataplane.openai;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/** The body of {@code POST /embeddings}: OpenAI's fields, {@code input} a string or a list of strings. */
public record EmbeddingRequest(
        String model,
        JsonNode input,
        Integer dimensions,
        @JsonProperty("encoding_format") String encodingFormat,
        String user) {
}
