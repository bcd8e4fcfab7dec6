package dev.ember.common.name;

import java.security.SecureRandom;
import java.util.regex.Pattern;

import dev.ember.common.error.InvalidArgumentException;

/** The one rule for resource IDs: 1-63 characters of a-z, 0-9 and '-', not starting or ending with '-'. */
public final class ResourceIds {

    private static final Pattern ID = Pattern.compile("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$");
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private ResourceIds() {
    }

    public static boolean isValid(String id) {
        return id != null && ID.matcher(id).matches();
    }

    /** Returns the id when valid; otherwise an INVALID_ARGUMENT naming {@code field}. */
    public static String require(String field, String id) {
        if (id == null || id.isEmpty()) {
            throw InvalidArgumentException.field(field, "must not be empty");
        }
        if (!isValid(id)) {
            throw InvalidArgumentException.field(field,
                    "'" + id + "' is not a valid ID: use 1-63 characters of a-z, 0-9 and '-', not starting or ending with '-'");
        }
        return id;
    }

    /** A server-generated ID: a letter followed by {@code length - 1} letters or digits. */
    public static String generate(int length) {
        StringBuilder id = new StringBuilder(length);
        id.append(ALPHABET.charAt(RANDOM.nextInt(26)));
        for (int i = 1; i < length; i++) {
            id.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return id.toString();
    }
}
