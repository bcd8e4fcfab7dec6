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
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.ember.common.error.FieldViolation;
import dev.ember.common.error.InvalidArgumentException;
import dev.ember.common.name.ResourceIds;
import dev.ember.controlplane.web.QueryParams;

/**
 * A list request after its query parameters are checked against the resource's {@link ListSpec}: every bad parameter
 * is reported at once, each under its own name. Page tokens are keyset cursors (the last row's sort key and ID) bound
 * to the query they were made for: one made for another account, filter, orderBy or showDeleted is refused, since its
 * position means nothing in a different order. pageSize may change from page to page. Every list of the API parses
 * its parameters here: keyset lists in the database ({@link KeysetQuery}), small fixed sets in memory
 * ({@link #page(List, Function, Function, Function)}).
 */
public record ListRequest(ListSpec spec, String account, String scope, List<Condition> conditions, Order order,
        Cursor after, int pageSize, boolean showDeleted) {

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
        return parse(spec, account, pageSize, pageToken, filter, orderBy, null);
    }

    /** With {@code showDeleted} ("true"/"false"), for a resource whose spec has a soft delete. */
    public static ListRequest parse(ListSpec spec, String account, String pageSize, String pageToken, String filter,
            String orderBy, String showDeleted) {
        ResourceIds.require("account", account);
        return parse(spec, "accounts/" + account, account, pageSize, pageToken, filter, orderBy, showDeleted);
    }

    /**
     * The list under {@code scope}, the parent's name (such as {@code accounts/a/users/u} for a user's keys), which a
     * page token is bound to; {@code account} may be null when the spec has no account attribute.
     */
    public static ListRequest parse(ListSpec spec, String scope, String account, String pageSize, String pageToken,
            String filter, String orderBy, String showDeleted) {
        List<FieldViolation> violations = new ArrayList<>();
        int size = QueryParams.pageSize(pageSize, violations);
        List<Condition> conditions = FilterParser.parse(filter, spec, violations);
        Order order = order(spec, orderBy, violations);
        boolean deleted = false;
        try {
            deleted = QueryParams.bool("showDeleted", showDeleted);
        } catch (InvalidArgumentException e) {
            violations.addAll(e.violations());
        }
        ListSpec.SoftDelete softDelete = spec.softDelete();
        if (softDelete != null && !deleted && conditions.stream().anyMatch(c -> c.field().attribute()
                .equals(softDelete.attribute()) && c.value().equals(softDelete.value()))) {
            // Otherwise the answer would always be empty, which looks like "nothing was deleted".
            violations.add(new FieldViolation(FilterParser.PARAM, c(softDelete) + " matches only deleted rows, "
                    + "which are hidden unless showDeleted=true"));
        }
        if (!violations.isEmpty()) {
            throw InvalidArgumentException.fields(violations);
        }
        ListRequest request = new ListRequest(spec, account, scope, conditions, order, null, size, deleted);
        return new ListRequest(spec, account, scope, conditions, order, request.cursor(pageToken), size, deleted);
    }

    private static String c(ListSpec.SoftDelete softDelete) {
        return softDelete.attribute() + " = \"" + softDelete.value() + "\"";
    }

    /** One page of a list held in memory, and what the response says about the rest. */
    public record Page<T>(List<T> items, String nextPageToken, int totalSize) {
    }

    /**
     * Pages a small, fully read list in memory with the same filter, order and tokens as a keyset list:
     * {@code values} gives an item's filter fields by API name, {@code sortKey} its value of the order's key (by API
     * name), {@code id} its unique ID (the tie-break).
     */
    public <T> Page<T> page(List<T> all, Function<T, Map<String, String>> values,
            BiFunction<T, String, Object> sortKey, Function<T, String> id) {
        List<T> matching = all.stream().filter(item -> {
            Map<String, String> v = values.apply(item);
            return conditions.stream().allMatch(c -> c.value().equals(v.get(c.field().apiName())));
        }).toList();
        Comparator<T> byKey = Comparator.comparing(item -> comparable(sortKey.apply(item, order.key().apiName())));
        Comparator<T> ordering = byKey.thenComparing(id);
        if (order.descending()) {
            ordering = ordering.reversed();
        }
        List<T> sorted = matching.stream().sorted(ordering).toList();
        int start = 0;
        if (after != null) {
            // The page starts after every item at or before the cursor's position in the order.
            start = (int) sorted.stream().filter(item -> {
                int byPosition = compare(comparable(sortKey.apply(item, order.key().apiName())), id.apply(item));
                return order.descending() ? byPosition >= 0 : byPosition <= 0;
            }).count();
        }
        List<T> items = sorted.subList(Math.min(start, sorted.size()), Math.min(start + pageSize, sorted.size()));
        String next = null;
        if (start + pageSize < sorted.size()) {
            T last = items.get(items.size() - 1);
            next = nextPageToken(sortKey.apply(last, order.key().apiName()), id.apply(last));
        }
        return new Page<>(items, next, matching.size());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Comparable comparable(Object key) {
        return key instanceof Comparable c ? c : String.valueOf(key);
    }

    /** Where a row at (key, id) is relative to the cursor: negative before it, zero at it, positive after it. */
    @SuppressWarnings("unchecked")
    private int compare(Comparable<Object> key, String id) {
        int byKey = key.compareTo(after.key());
        return byKey != 0 ? byKey : id.compareTo(after.id());
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
        if (token.q() == null || token.k() == null || token.id() == null || token.id().isEmpty()) {
            throw badToken("is not a page token from this API");
        }
        if (!token.q().equals(fingerprint())) {
            throw badToken("was made for a different account, filter, orderBy or showDeleted; send the same ones as "
                    + "the first page, or start again without a pageToken");
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
        String canonical = String.join("\n", spec.entity(), scope, FilterParser.canonical(conditions),
                order.key().apiName(), Boolean.toString(order.descending()), Boolean.toString(showDeleted));
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
