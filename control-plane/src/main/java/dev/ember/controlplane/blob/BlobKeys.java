package dev.ember.controlplane.blob;

import java.util.regex.Pattern;

/** The one rule for blob keys and uploaded file names: relative paths that cannot leave their folder. */
public final class BlobKeys {

    /** One path segment: starts with a letter, digit or '_', then letters, digits, '.', '_' and '-'. */
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}");
    public static final int MAX_LENGTH = 255;

    private BlobKeys() {
    }

    /** Why {@code path} is not a valid relative file path, or null when it is. */
    public static String problem(String path) {
        if (path == null || path.isEmpty()) {
            return "must not be empty";
        }
        if (path.length() > MAX_LENGTH) {
            return "must be at most " + MAX_LENGTH + " characters";
        }
        for (String segment : path.split("/", -1)) {
            if (!SEGMENT.matcher(segment).matches()) {
                return "'" + path + "' is not a valid file path: use '/'-separated names of letters, digits, '.', '_'"
                        + " and '-', each starting with a letter, digit or '_'";
            }
        }
        return null;
    }

    public static boolean isValid(String path) {
        return problem(path) == null;
    }
}
