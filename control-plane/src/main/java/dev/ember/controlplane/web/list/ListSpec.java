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
 * @param accountAttribute the attribute holding the account ID, or null for a list that spans accounts
 * @param idAttribute the attribute holding the resource ID, unique within an account
 * @param softDelete how a soft-deleted row is told (hidden unless {@code showDeleted}), or null when the resource has
 *        no soft delete
 */
public record ListSpec(String entity, String accountAttribute, String idAttribute, List<Field> fields,
        List<SortKey> sortKeys, SortKey defaultOrder, SoftDelete softDelete) {

    public ListSpec(String entity, String accountAttribute, String idAttribute, List<Field> fields,
            List<SortKey> sortKeys, SortKey defaultOrder) {
        this(entity, accountAttribute, idAttribute, fields, sortKeys, defaultOrder, null);
    }

    /** Rows whose {@code attribute} (a filter field's attribute too) is {@code value} are soft-deleted. */
    public record SoftDelete(String attribute, String value) {
    }

    /**
     * A field a filter may test for equality; {@code values} lists the allowed values, or is null for any.
     * {@code stored} turns the listed account and a value as the API shows it into the attribute's value (e.g. a
     * full resource name into the ID the row keeps).
     */
    public record Field(String apiName, String attribute, Set<String> values,
            BiFunction<String, String, String> stored, List<String> aliases) {

        public Field(String apiName, String attribute, Set<String> values,
                BiFunction<String, String, String> stored) {
            this(apiName, attribute, values, stored, List.of());
        }

        public Field(String apiName, String attribute, Set<String> values) {
            this(apiName, attribute, values, (account, value) -> value);
        }

        /** A boolean field: compared with a bare {@code true} or {@code false}. */
        public static Field bool(String apiName, String attribute) {
            return new Field(apiName, attribute, BOOLEANS);
        }

        /** The same field, also answering to {@code names} (such as {@code snapshot.baseModel}). */
        public Field alias(String... names) {
            return new Field(apiName, attribute, values, stored, List.of(names));
        }

        boolean isBoolean() {
            return BOOLEANS.equals(values);
        }
    }

    static final Set<String> BOOLEANS = Set.of("true", "false");

    /** A field a list may be ordered by; {@code instant} when its values are times. */
    public record SortKey(String apiName, String attribute, boolean instant) {
    }

    Map<String, Field> fieldsByName() {
        Map<String, Field> byName = new HashMap<>();
        for (Field f : fields) {
            byName.put(f.apiName(), f);
            byName.put(snake(f.apiName()), f);
            for (String alias : f.aliases()) {
                byName.put(alias, f);
                byName.put(snake(alias), f);
            }
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
