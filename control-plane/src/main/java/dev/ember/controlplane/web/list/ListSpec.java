package dev.ember.controlplane.web.list;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * What the list method of one resource accepts: the fields a filter may test, the fields it may be ordered by, and
 * the entity attribute of the row's ID, which breaks ties and makes every position in the order unique. Field names
 * are the API's (lowerCamelCase); each also answers to its proto (snake_case) spelling, which clients generated from
 * Fireworks' protos send.
 *
 * @param entity the JPQL entity name, e.g. {@code ModelEntity}
 * @param accountAttribute the attribute holding the account ID
 * @param idAttribute the attribute holding the resource ID, unique within an account
 */
public record ListSpec(String entity, String accountAttribute, String idAttribute, List<Field> fields,
        List<SortKey> sortKeys, SortKey defaultOrder) {

    /**
     * A field a filter may test for equality; {@code values} lists the allowed values, or is null for any.
     * {@code stored} turns the listed account and a value as the API shows it into the attribute's value (e.g. a
     * full resource name into the ID the row keeps).
     */
    public record Field(String apiName, String attribute, Set<String> values,
            BiFunction<String, String, String> stored) {

        public Field(String apiName, String attribute, Set<String> values) {
            this(apiName, attribute, values, (account, value) -> value);
        }
    }

    /** A field a list may be ordered by; {@code instant} when its values are times. */
    public record SortKey(String apiName, String attribute, boolean instant) {
    }

    Map<String, Field> fieldsByName() {
        Map<String, Field> byName = new HashMap<>();
        for (Field f : fields) {
            byName.put(f.apiName(), f);
            byName.put(snake(f.apiName()), f);
        }
        return byName;
    }

    Map<String, SortKey> sortKeysByName() {
        Map<String, SortKey> byName = new HashMap<>();
        for (SortKey k : sortKeys) {
            byName.put(k.apiName(), k);
            byName.put(snake(k.apiName()), k);
        }
        return byName;
    }

    static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase();
    }
}
