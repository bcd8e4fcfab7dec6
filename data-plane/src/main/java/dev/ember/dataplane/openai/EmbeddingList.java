package dev.ember.dataplane.openai;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The response of {@code POST /embeddings}, in OpenAI's shape. */
public record EmbeddingList(String object, List<Embedding> data, String model, Usage usage) {

    public static final String OBJECT = "list";

    /** One input's vector: a list of floats, or with {@code encoding_format: "base64"} their little-endian bytes. */
    public record Embedding(String object, int index, Object embedding) {

        public static final String OBJECT = "embedding";
    }

    public record Usage(@JsonProperty("prompt_tokens") int promptTokens,
            @JsonProperty("total_tokens") int totalTokens) {
    }
}
