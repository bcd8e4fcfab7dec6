package dev.ember.controlplane.shape.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.ember.common.error.FieldViolation;
import dev.ember.common.error.InvalidArgumentException;
import dev.ember.controlplane.web.QueryParams;

/**
 * A list of shapes or shape versions after its parameters are checked, every bad one reported at once. Shapes are
 * few (three per catalog model) and never change in place, so a list reads every match and pages in memory; a page
 * token holds the last item's name and the fingerprint of the query it belongs to.
 */
record ShapeListRequest(String scope, List<ShapeFilter.Condition> conditions, boolean byName, boolean descending,
        int pageSize, String after) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private record Token(String q, String n) {
    }

    /** One page and the total the filter matched. */
    record Page<T>(List<T> items, String nextPageToken, int totalSize) {
    }

    /**
     * {@code scope}: what is listed (the account, or the shape whose versions are listed), so a token from another
     * list is refused. {@code filterFields} and {@code booleans} as in {@link ShapeFilter#parse}.
     */
    static ShapeListRequest parse(String scope, String pageSize, String pageToken, String filter, String orderBy,
            String readMask, Map<String, String> filterFields, Set<String> booleans) {
        List<FieldViolation> violations = new ArrayList<>();
        int size = QueryParams.pageSize(pageSize, violations);
        List<ShapeFilter.Condition> conditions = ShapeFilter.parse(filter, filterFields, booleans, violations);
        boolean byName = false;
        boolean descending = false;
        if (orderBy != null && !orderBy.isBlank()) {
            String[] words = orderBy.trim().split("\\s+");
            boolean known = List.of("createTime", "create_time", "name").contains(words[0]);
            if (!known || words.length > 2 || (words.length == 2 && !words[1].equals("desc"))) {
                violations.add(new FieldViolation("orderBy", "order by createTime or name, optionally followed by "
                        + "' desc', got '" + orderBy + "'"));
            } else {
                byName = words[0].equals("name");
                descending = words.length == 2;
            }
        }
        readMask(readMask, violations);
        if (!violations.isEmpty()) {
            throw InvalidArgumentException.fields(violations);
        }
        ShapeListRequest request = new ShapeListRequest(scope, conditions, byName, descending, size, null);
        return new ShapeListRequest(scope, conditions, byName, descending, size, request.position(pageToken));
    }

    /** Only whole resources are returned: an empty mask or {@code *}. */
    static void readMask(String readMask, List<FieldViolation> violations) {
        if (readMask != null && !readMask.isBlank() && !readMask.trim().equals("*")) {
            violations.add(new FieldViolation("readMask", "only whole resources are returned: leave readMask out or "
                    + "send '*', got '" + readMask + "'"));
        }
    }

    /**
     * The page of {@code all} this request asks for: the items whose {@code fields} match every condition, in the
     * requested order ({@code createTime} then name by default, or {@code byName}), after the token's item.
     */
    <T> Page<T> page(List<T> all, Function<T, Map<String, String>> fields, Function<T, Instant> createTime,
            Function<T, String> name, Comparator<T> nameOrder) {
        Comparator<T> order = byName ? nameOrder : Comparator.comparing(createTime).thenComparing(nameOrder);
        if (descending) {
            order = order.reversed();
        }
        List<T> matching = all.stream().filter(item -> matches(fields.apply(item))).sorted(order).toList();
        int start = 0;
        if (after != null) {
            int at = -1;
            for (int i = 0; i < matching.size(); i++) {
                if (name.apply(matching.get(i)).equals(after)) {
                    at = i;
                    break;
                }
            }
            if (at < 0) {
                throw InvalidArgumentException.field("pageToken", "its position is no longer in this list; start "
                        + "again without a pageToken");
            }
            start = at + 1;
        }
        int end = Math.min(matching.size(), start + pageSize);
        List<T> items = matching.subList(start, end);
        String next = end < matching.size() ? token(name.apply(items.get(items.size() - 1))) : null;
        return new Page<>(items, next, matching.size());
    }

    private boolean matches(Map<String, String> values) {
        return conditions.stream().allMatch(c -> c.value().equals(values.get(c.field())));
    }

    private String token(String lastName) {
        try {
            return ENCODER.encodeToString(JSON.writeValueAsBytes(new Token(fingerprint(), lastName)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a page token", e);
        }
    }

    private String position(String pageToken) {
        if (pageToken == null || pageToken.isEmpty()) {
            return null;
        }
        Token token;
        try {
            token = JSON.readValue(Base64.getUrlDecoder().decode(pageToken), Token.class);
        } catch (IllegalArgumentException | IOException e) {
            throw InvalidArgumentException.field("pageToken", "is not a page token from this API");
        }
        if (token.q() == null || token.n() == null) {
            throw InvalidArgumentException.field("pageToken", "is not a page token from this API");
        }
        if (!token.q().equals(fingerprint())) {
            throw InvalidArgumentException.field("pageToken", "was made for a different list, filter or orderBy; "
                    + "send the same ones as the first page, or start again without a pageToken");
        }
        return token.n();
    }

    /** What decides which items come in which order, hashed: a token is only good for the same query. */
    private String fingerprint() {
        String canonical = String.join("\n", scope, conditions.stream()
                .map(c -> c.field() + "=" + c.value()).sorted().toList().toString(), Boolean.toString(byName),
                Boolean.toString(descending));
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return ENCODER.encodeToString(Arrays.copyOf(hash, 12));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
