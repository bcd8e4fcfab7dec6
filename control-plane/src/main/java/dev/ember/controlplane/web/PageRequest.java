package dev.ember.controlplane.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.ember.common.error.FieldViolation;
import dev.ember.common.error.InvalidArgumentException;

/**
 * The list parameters of the resources that have one fixed order (accounts, users, API keys): {@code pageSize}
 * (default 50, larger values lowered to 200, as Fireworks does) and an opaque {@code pageToken}, a keyset cursor
 * holding the last row's position in that order. A token is bound to its list (its {@code scope}, such as the
 * account whose users are listed): one from another list is refused, since its position means nothing there.
 * {@code filter} and an {@code orderBy} other than the fixed order are refused by name rather than ignored.
 */
public record PageRequest(int pageSize, List<String> after) {

    public static final int DEFAULT_PAGE_SIZE = 50;
    public static final int MAX_PAGE_SIZE = 200;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    /** What a token holds: the list's fingerprint and the last row's sort key, one string per column. */
    private record Token(String q, List<String> p) {
    }

    public PageRequest {
        after = after == null ? null : List.copyOf(after);
    }

    /**
     * Checks every parameter, reporting all bad ones at once. {@code orderings} are the orderBy values accepted as
     * the fixed order (an empty orderBy always is); {@code positionSize} is how many columns a cursor holds.
     */
    public static PageRequest parse(String scope, String pageSize, String pageToken, String filter, String orderBy,
            Set<String> orderings, int positionSize) {
        List<FieldViolation> violations = new ArrayList<>();
        int size = pageSize(pageSize, violations);
        if (filter != null && !filter.isBlank()) {
            violations.add(new FieldViolation("filter", "filtering this list is not supported, got '" + filter
                    + "'"));
        }
        if (orderBy != null && !orderBy.isBlank() && !orderings.contains(orderBy.trim())) {
            violations.add(new FieldViolation("orderBy", "this list is ordered by " + String.join(" or ",
                    orderings.stream().sorted().toList()) + " only, got '" + orderBy + "'"));
        }
        List<String> after = position(scope, pageToken, positionSize, violations);
        if (!violations.isEmpty()) {
            throw InvalidArgumentException.fields(violations);
        }
        return new PageRequest(size, after);
    }

    /** The token that continues the list after the row at {@code position}, the last of this page. */
    public static String nextPageToken(String scope, String... position) {
        try {
            return ENCODER.encodeToString(JSON.writeValueAsBytes(new Token(fingerprint(scope), List.of(position))));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a page token", e);
        }
    }

    private static int pageSize(String value, List<FieldViolation> violations) {
        if (value == null || value.isEmpty()) {
            return DEFAULT_PAGE_SIZE;
        }
        int size;
        try {
            size = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            violations.add(new FieldViolation("pageSize", "must be an integer, got '" + value + "'"));
            return DEFAULT_PAGE_SIZE;
        }
        if (size < 0) {
            violations.add(new FieldViolation("pageSize", "must not be negative, got " + size));
            return DEFAULT_PAGE_SIZE;
        }
        // AIP-158: 0 means "not set".
        return size == 0 ? DEFAULT_PAGE_SIZE : Math.min(size, MAX_PAGE_SIZE);
    }

    private static List<String> position(String scope, String pageToken, int size, List<FieldViolation> violations) {
        if (pageToken == null || pageToken.isEmpty()) {
            return null;
        }
        Token token;
        try {
            token = JSON.readValue(Base64.getUrlDecoder().decode(pageToken), Token.class);
        } catch (IllegalArgumentException | IOException e) {
            token = null;
        }
        if (token == null || token.q() == null || token.p() == null || token.p().size() != size
                || token.p().stream().anyMatch(p -> p == null)) {
            violations.add(new FieldViolation("pageToken", "is not a page token from this API"));
            return null;
        }
        if (!token.q().equals(fingerprint(scope))) {
            violations.add(new FieldViolation("pageToken", "was made for a different list; send the parameters of "
                    + "the first page, or start again without a pageToken"));
            return null;
        }
        return token.p();
    }

    private static String fingerprint(String scope) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(scope.getBytes(StandardCharsets.UTF_8));
            return ENCODER.encodeToString(Arrays.copyOf(hash, 12));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
