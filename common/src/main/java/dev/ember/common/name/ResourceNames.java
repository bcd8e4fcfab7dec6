package dev.ember.common.name;

import dev.ember.common.error.InvalidArgumentException;

/** Parses names shaped {@code accounts/{a}/<collection>/{id}}, validating every ID on the way. */
final class ResourceNames {

    private ResourceNames() {
    }

    /**
     * Splits {@code name} into the IDs that follow each expected collection segment, e.g. for collections
     * {@code ["accounts", "deployments"]} the name {@code accounts/a/deployments/d} gives {@code ["a", "d"]}.
     */
    static String[] parse(String field, String name, String... collections) {
        if (name == null || name.isBlank()) {
            throw InvalidArgumentException.field(field, "must not be empty");
        }
        String[] parts = name.split("/", -1);
        if (parts.length != collections.length * 2) {
            throw malformed(field, name, collections);
        }
        String[] ids = new String[collections.length];
        for (int i = 0; i < collections.length; i++) {
            if (!parts[2 * i].equals(collections[i])) {
                throw malformed(field, name, collections);
            }
            String id = parts[2 * i + 1];
            if (!ResourceIds.isValid(id)) {
                throw InvalidArgumentException.field(field,
                        "'" + name + "' has an invalid ID '" + id
                                + "': use 1-63 characters of a-z, 0-9 and '-', not starting or ending with '-'");
            }
            ids[i] = id;
        }
        return ids;
    }

    private static InvalidArgumentException malformed(String field, String name, String... collections) {
        StringBuilder pattern = new StringBuilder();
        for (String c : collections) {
            if (!pattern.isEmpty()) {
                pattern.append('/');
            }
            pattern.append(c).append("/{").append(singular(c)).append('}');
        }
        return InvalidArgumentException.field(field, "'" + name + "' is not a resource name of the form " + pattern);
    }

    private static String singular(String collection) {
        return collection.endsWith("s") ? collection.substring(0, collection.length() - 1) : collection;
    }
}
