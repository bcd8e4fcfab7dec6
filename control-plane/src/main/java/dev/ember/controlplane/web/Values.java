package dev.ember.controlplane.web;

import java.util.List;
import java.util.regex.Pattern;

import dev.ember.common.error.FieldViolation;

/** Checks of the plain values the account, user and key resources share; each bad one is added to a list. */
public final class Values {

    /** Fireworks: display names "must be fewer than 64 characters long". */
    public static final int MAX_DISPLAY_NAME = 63;
    public static final int MAX_EMAIL = 255;

    /** A practical address check: something, an @, a domain with a dot; no spaces. Not RFC 5322 in full. */
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$");

    private Values() {
    }

    public static void displayName(String field, String value, List<FieldViolation> violations) {
        if (value == null) {
            return;
        }
        if (value.isBlank()) {
            violations.add(new FieldViolation(field, "must not be blank when given"));
        } else if (value.length() > MAX_DISPLAY_NAME) {
            violations.add(new FieldViolation(field, "must be fewer than 64 characters long, got " + value.length()));
        }
    }

    public static void email(String field, String value, boolean required, List<FieldViolation> violations) {
        if (value == null || value.isEmpty()) {
            if (required) {
                violations.add(new FieldViolation(field, "is required"));
            }
            return;
        }
        if (value.length() > MAX_EMAIL || !EMAIL.matcher(value).matches()) {
            violations.add(new FieldViolation(field, "'" + value + "' is not an email address"));
        }
    }
}
