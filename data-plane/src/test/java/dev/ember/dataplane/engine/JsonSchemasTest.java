package dev.ember.dataplane.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Values written for a schema are valid against it, and the validator that says so catches what is not. */
class JsonSchemasTest {

    static final ObjectMapper JSON = new ObjectMapper();

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text.replace('\'', '"'));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Schemas as tools and response formats give them, one per keyword family the subset supports. */
    @ParameterizedTest
    @ValueSource(strings = {
            "{'type': 'object', 'properties': {'city': {'type': 'string', 'description': 'a city'}, "
                    + "'unit': {'type': 'string', 'enum': ['celsius', 'fahrenheit']}}, 'required': ['city', 'unit'],"
                    + " 'additionalProperties': false}",
            "{'type': 'object', 'properties': {'n': {'type': 'integer', 'minimum': 3, 'maximum': 5}, "
                    + "'x': {'type': 'integer', 'exclusiveMinimum': 1.5, 'exclusiveMaximum': 4}, "
                    + "'q': {'type': 'integer', 'multipleOf': 0.25, 'minimum': 10, 'maximum': 20}, "
                    + "'p': {'type': 'number', 'minimum': -1.5, 'maximum': -1.25}, "
                    + "'e': {'type': 'number', 'exclusiveMinimum': 0, 'exclusiveMaximum': 0.02}, "
                    + "'m': {'type': 'number', 'multipleOf': 0.1, 'minimum': 0.05, 'maximum': 0.35}}, "
                    + "'required': ['n', 'x', 'q', 'p', 'e', 'm']}",
            "{'type': 'object', 'properties': {'tags': {'type': 'array', 'items': {'type': 'string', "
                    + "'minLength': 12, 'maxLength': 14}, 'minItems': 2, 'maxItems': 2}, 'empty': {'type': 'array', "
                    + "'maxItems': 0}}, 'required': ['tags', 'empty']}",
            "{'type': 'object', 'properties': {'when': {'type': 'string', 'format': 'date-time'}, 'day': {'type': "
                    + "'string', 'format': 'date'}, 'at': {'type': 'string', 'format': 'time'}, 'mail': {'type': "
                    + "'string', 'format': 'email'}, 'site': {'type': 'string', 'format': 'uri'}, 'id': {'type': "
                    + "'string', 'format': 'uuid'}, 'ip': {'type': 'string', 'format': 'ipv4'}, 'host': {'type': "
                    + "'string', 'format': 'hostname'}}, 'required': ['when', 'day', 'at', 'mail', 'site', 'id', "
                    + "'ip', 'host']}",
            "{'type': 'object', 'properties': {'maybe': {'type': ['string', 'null']}, 'flag': {'type': 'boolean'}, "
                    + "'nothing': {'type': 'null'}, 'fixed': {'const': 42}, 'any': true}, "
                    + "'required': ['maybe', 'flag', 'nothing', 'fixed', 'any']}",
            "{'type': 'object', 'properties': {'pet': {'oneOf': [{'type': 'object', 'properties': {'kind': "
                    + "{'const': 'cat'}, 'lives': {'type': 'integer', 'minimum': 1, 'maximum': 9}}, 'required': "
                    + "['kind', 'lives']}, {'type': 'object', 'properties': {'kind': {'const': 'dog'}, 'good': "
                    + "{'type': 'boolean'}}, 'required': ['kind', 'good']}]}, 'either': {'anyOf': [{'type': "
                    + "'integer'}, {'type': 'string', 'maxLength': 3}]}}, 'required': ['pet', 'either']}",
            "{'type': 'object', 'properties': {'kind': {'type': 'string'}}, 'anyOf': [{'required': ['a'], "
                    + "'properties': {'a': {'type': 'integer'}}}, {'required': ['b'], 'properties': {'b': "
                    + "{'type': 'boolean'}}}], 'required': ['kind']}",
            "{'$defs': {'node': {'type': 'object', 'properties': {'name': {'type': 'string'}, 'children': "
                    + "{'type': 'array', 'items': {'$ref': '#/$defs/node'}}}, 'required': ['name']}}, "
                    + "'type': 'object', 'properties': {'root': {'$ref': '#/$defs/node'}}, 'required': ['root']}",
            "{'type': 'object', 'additionalProperties': {'type': 'integer', 'minimum': 7, 'maximum': 7}}",
            "{'type': 'object'}",
            "{'type': 'object', 'properties': {}}",
            "{'type': 'array', 'items': {'type': 'string', 'enum': ['a', 'b', 3]}, 'minItems': 1}",
            "{'type': 'object', 'properties': {'deep': {'type': 'object', 'properties': {'deeper': {'type': "
                    + "'object', 'properties': {'v': {'type': 'number'}}, 'required': ['v']}}, 'required': "
                    + "['deeper']}}, 'required': ['deep'], 'title': 'T', '$schema': "
                    + "'https://json-schema.org/draft/2020-12/schema'}"})
    void everyValueWrittenForASchemaIsValidAgainstIt(String text) throws Exception {
        JsonNode schema = json(text);
        assertThat(JsonSchemas.problems(schema)).isEmpty();
        Set<String> distinct = new HashSet<>();
        for (long seed = 0; seed < 200; seed++) {
            JsonNode value = JsonSchemas.generate(schema, new Random(seed));
            assertThat(JsonSchemas.violations(schema, value)).as("%s", value).isEmpty();
            // What a client gets is the JSON text: it must read back as the same valid value.
            JsonNode reread = JSON.readTree(value.toString());
            assertThat(JsonSchemas.violations(schema, reread)).as("%s", reread).isEmpty();
            distinct.add(value.toString());
        }
        if (!text.contains("'properties': {}}") && !text.contains("'minimum': 7, 'maximum': 7}}")) {
            assertThat(distinct).as("values vary with the seed").hasSizeGreaterThan(1);
        }
    }

    @Test
    void theSameSeedWritesTheSameValue() {
        JsonNode schema = json("{'type': 'object', 'properties': {'a': {'type': 'string'}, 'b': {'type': 'number'}}}");
        assertThat(JsonSchemas.generate(schema, new Random(9))).isEqualTo(JsonSchemas.generate(schema, new Random(9)));
    }

    @Test
    void requiredPropertiesAreAlwaysThereAndNothingUndeclaredIsAdded() {
        JsonNode schema = json("{'type': 'object', 'properties': {'a': {'type': 'string'}, 'b': {'type': 'string'}},"
                + " 'required': ['a']}");
        for (long seed = 0; seed < 50; seed++) {
            JsonNode value = JsonSchemas.generate(schema, new Random(seed));
            assertThat(value.has("a")).isTrue();
            assertThat(value.size()).isBetween(1, 2);
        }
    }

    /** The validator is what the generator's guarantee rests on: each rule must reject what breaks it. */
    @Test
    void theValidatorRejectsWhatBreaksEachRule() {
        assertInvalid("{'type': 'integer'}", "1.5", "is a number, not \"integer\"");
        assertInvalid("{'type': 'integer'}", "'1'", "is a string");
        assertValid("{'type': 'integer'}", "2.0");
        assertInvalid("{'type': ['string', 'null']}", "3", "not [\"string\",\"null\"]");
        assertInvalid("{'type': 'object', 'required': ['a']}", "{}", "lacks the required property 'a'");
        assertInvalid("{'type': 'object', 'properties': {'a': {}}, 'additionalProperties': false}",
                "{'a': 1, 'b': 2}", "$.b: no value is allowed here");
        assertInvalid("{'additionalProperties': {'type': 'string'}}", "{'b': 2}", "$.b: is a number");
        assertInvalid("{'properties': {'a': {'type': 'string'}}}", "{'a': true}", "$.a: is a boolean");
        assertInvalid("{'enum': ['x', 1]}", "'y'", "must be one of");
        assertValid("{'enum': ['x', 1]}", "1.0");
        assertInvalid("{'const': {'k': [1, 2]}}", "{'k': [2, 1]}", "must be {");
        assertInvalid("{'minimum': 2}", "1.99", "below the minimum");
        assertInvalid("{'maximum': 2}", "2.01", "above the maximum");
        assertInvalid("{'exclusiveMinimum': 2}", "2", "is not above");
        assertInvalid("{'exclusiveMaximum': 2}", "2", "is not below");
        assertInvalid("{'multipleOf': 0.1}", "0.35", "not a multiple of 0.1");
        assertValid("{'multipleOf': 0.1}", "0.3");
        assertInvalid("{'minLength': 3}", "'ab'", "shorter than 3");
        assertInvalid("{'maxLength': 3}", "'abcd'", "longer than 3");
        assertInvalid("{'items': {'type': 'string'}}", "['a', 2]", "$[1]: is a number");
        assertInvalid("{'minItems': 2}", "[1]", "fewer than 2 items");
        assertInvalid("{'maxItems': 1}", "[1, 2]", "more than 1 items");
        assertInvalid("{'format': 'date-time'}", "'yesterday'", "not a valid date-time");
        assertInvalid("{'format': 'email'}", "'nobody'", "not a valid email");
        assertInvalid("{'format': 'uuid'}", "'1234'", "not a valid uuid");
        assertInvalid("{'format': 'ipv4'}", "'300.1.1.1'", "not a valid ipv4");
        assertInvalid("{'anyOf': [{'type': 'string'}, {'type': 'integer'}]}", "true", "matches none of anyOf");
        assertInvalid("{'oneOf': [{'type': 'number'}, {'type': 'integer'}]}", "1", "matches 2 of oneOf");
        assertInvalid("{'$defs': {'s': {'type': 'string'}}, '$ref': '#/$defs/s'}", "1", "is a number");
        assertInvalid("false", "1", "no value is allowed");
    }

    private static void assertInvalid(String schema, String value, String why) {
        assertThat(JsonSchemas.violations(json(schema), json(value))).as(schema + " vs " + value)
                .anySatisfy(v -> assertThat(v).contains(why));
    }

    private static void assertValid(String schema, String value) {
        assertThat(JsonSchemas.violations(json(schema), json(value))).as(schema + " vs " + value).isEmpty();
    }

    @Test
    void keywordsOutsideTheSubsetAreRefusedWithWhereTheyAre() {
        assertThat(JsonSchemas.problems(json("{'type': 'object', 'properties': {'code': {'type': 'string', "
                + "'pattern': '^[A-Z]+$'}}}")))
                .singleElement().satisfies(p -> assertThat(p).startsWith("/properties/code/pattern: 'pattern' is "
                        + "not supported"));
        assertThat(JsonSchemas.problems(json("{'allOf': [{'type': 'string'}]}"))).isNotEmpty();
        assertThat(JsonSchemas.problems(json("{'type': 'array', 'uniqueItems': true}"))).isNotEmpty();
        assertThat(JsonSchemas.problems(json("{'$ref': 'https://example.com/schema.json'}"))).singleElement()
                .satisfies(p -> assertThat(p).contains("must point into this schema"));
        assertThat(JsonSchemas.problems(json("{'$ref': '#/$defs/missing'}"))).isNotEmpty();
        assertThat(JsonSchemas.problems(json("{'type': 'date'}"))).isNotEmpty();
        assertThat(JsonSchemas.problems(json("{'minLength': -1}"))).isNotEmpty();
        assertThat(JsonSchemas.problems(json("{'multipleOf': 0}"))).isNotEmpty();
        assertThat(JsonSchemas.problems(json("'object'"))).isNotEmpty();
        assertThatThrownBy(() -> JsonSchemas.generate(json("{'pattern': 'a'}"), new Random(1)))
                .isInstanceOf(JsonSchemas.SchemaException.class);
    }

    @Test
    void aSchemaNoValueSatisfiesIsRefusedNotAnsweredWrongly() {
        for (String unsatisfiable : List.of(
                "{'type': 'integer', 'minimum': 5, 'maximum': 4}",
                "{'type': 'integer', 'minimum': 1, 'maximum': 2, 'multipleOf': 5}",
                "{'type': 'string', 'enum': [1, 2]}",
                "{'type': 'object', 'properties': {}, 'required': ['a'], 'additionalProperties': false}",
                "{'type': 'string', 'minLength': 5, 'maxLength': 2}",
                "{'$ref': '#'}",
                "{'$defs': {'loop': {'type': 'object', 'properties': {'next': {'$ref': '#/$defs/loop'}}, "
                        + "'required': ['next']}}, '$ref': '#/$defs/loop'}",
                "false")) {
            assertThatThrownBy(() -> JsonSchemas.generate(json(unsatisfiable), new Random(3))).as(unsatisfiable)
                    .isInstanceOf(JsonSchemas.SchemaException.class);
        }
    }
}
