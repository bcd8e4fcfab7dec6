package dev.ember.controlplane.web.list;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.ember.common.error.FieldViolation;
import dev.ember.common.error.InvalidArgumentException;
import dev.ember.common.name.ResourceIds;

/**
 * A list request after its query parameters are checked against the resource's {@link ListSpec}: every bad parameter
 * is reported at once, each under its own name. Page tokens are keyset cursors (the last row's sort key and ID) bound
 * to the query they were made for: one made for another account, filter or orderBy is refused, since its position
 * means nothing in a different order. pageSize may change from page to page.
 */
public record ListRequest(ListSpec spec, String account, List<Condition> conditions, Order order, Cursor after,
        int pageSize) {

    public static final int DEFAULT_PAGE_SIZE = 50;
    /** Larger page sizes are lowered to this, as Fireworks does, rather than refused. */
    public static final int MAX_PAGE_SIZE = 200;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final String ORDER_BY = "orderBy";
    private static final String PAGE_TOKEN = "pageToken";

    public record Order(ListSpec.SortKey key, boolean descending) {
    }

    /** A position in the order: the sort key and ID of the last row of the previous page; the next starts after it. */
    public record Cursor(Object key, String id) {
    }

    /** What a page token holds: the query's fingerprint, the last row's sort key and its ID. */
    private record Token(String q, String k, String id) {
    }

    public ListRequest {
        conditions = List.copyOf(conditions);
    }

    public static ListRequest parse(ListSpec spec, String account, String pageSize, String pageToken, String filter,
            String orderBy) {
        ResourceIds.require("account", account);
        List<FieldViolation> violations = new ArrayList<>();
        int size = pageSize(pageSize, violations);
        List<Condition> conditions = FilterParser.parse(filter, spec, violations);
        Order order = order(spec, orderBy, violations);
        if (!violations.isEmpty()) {
            throw InvalidArgumentException.fields(violations);
        }
        ListRequest request = new ListRequest(spec, account, conditions, order, null, size);
        return new ListRequest(spec, account, conditions, order, request.cursor(pageToken), size);
    }

    /** The token that continues the list after the row with this sort key and ID, the final row of this page. */
    public String nextPageToken(Object sortKey, String id) {
        Token token = new Token(fingerprint(), sortKey.toString(), id);
        try {
            return ENCODER.encodeToString(JSON.writeValueAsBytes(token));
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

    private static Order order(ListSpec spec, String orderBy, List<FieldViolation> violations) {
        if (orderBy == null || orderBy.isBlank()) {
            return new Order(spec.defaultOrder(), false);
        }
        String hint = "; order by one of " + String.join(", ", spec.sortKeys().stream()
                .map(ListSpec.SortKey::apiName).toList()) + ", optionally followed by ' desc'";
        if (orderBy.contains(",")) {
            violations.add(new FieldViolation(ORDER_BY,
                    "ordering by more than one field is not supported, got '" + orderBy + "'" + hint));
            return null;
        }
        String[] words = orderBy.trim().split("\\s+");
        ListSpec.SortKey key = spec.sortKeysByName().get(words[0]);
        if (key == null) {
            violations.add(new FieldViolation(ORDER_BY, "cannot order by '" + words[0] + "'" + hint));
            return null;
        }
        if (words.length > 2 || (words.length == 2 && !words[1].equals("desc"))) {
            violations.add(new FieldViolation(ORDER_BY, "only ' desc' may follow the field (ascending is the "
                    + "default), got '" + orderBy + "'"));
            return null;
        }
        return new Order(key, words.length == 2);
    }

    private Cursor cursor(String pageToken) {
        if (pageToken == null || pageToken.isEmpty()) {
            return null;
        }
        Token token;
        try {
            token = JSON.readValue(Base64.getUrlDecoder().decode(pageToken), Token.class);
        } catch (IllegalArgumentException | IOException e) {
            throw badToken("is not a page token from this API");
        }
        if (token.q() == null || token.k() == null || !ResourceIds.isValid(token.id())) {
            throw badToken("is not a page token from this API");
        }
        if (!token.q().equals(fingerprint())) {
            throw badToken("was made for a different account, filter or orderBy; send the same ones as the first "
                    + "page, or start again without a pageToken");
        }
        Object key = token.k();
        if (order.key().instant()) {
            try {
                key = Instant.parse(token.k());
            } catch (DateTimeParseException e) {
                throw badToken("is not a page token from this API");
            }
        }
        return new Cursor(key, token.id());
    }

    /** Binds a token to its query: a short hash of everything that decides which rows come in which order. */
    private String fingerprint() {
        String canonical = String.join("\n", spec.entity(), account, FilterParser.canonical(conditions),
                order.key().apiName(), Boolean.toString(order.descending()));
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return ENCODER.encodeToString(Arrays.copyOf(hash, 12));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static InvalidArgumentException badToken(String problem) {
        return InvalidArgumentException.field(PAGE_TOKEN, problem);
    }
}
