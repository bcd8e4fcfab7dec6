package dev.ember.controlplane.deployment.persistence;

import java.util.Map;
import java.util.TreeMap;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Load targets as a JSON object in a TEXT column, keys sorted so equal maps are stored as equal text. */
@Converter
public class LoadTargetsConverter implements AttributeConverter<Map<String, Double>, String> {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<TreeMap<String, Double>> TYPE = new TypeReference<>() {
    };

    @Override
    public String convertToDatabaseColumn(Map<String, Double> targets) {
        try {
            return JSON.writeValueAsString(new TreeMap<>(targets == null ? Map.of() : targets));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write load targets " + targets, e);
        }
    }

    @Override
    public Map<String, Double> convertToEntityAttribute(String json) {
        try {
            return json == null ? Map.of() : JSON.readValue(json, TYPE);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot read load targets " + json, e);
        }
    }
}
