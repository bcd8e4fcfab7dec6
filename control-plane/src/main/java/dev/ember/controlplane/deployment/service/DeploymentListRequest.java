package dev.ember.controlplane.deployment.service;

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
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.ember.common.error.FieldViolation;
import dev.ember.common.error.InvalidArgumentException;
import dev.ember.common.name.ResourceIds;
import dev.ember.controlplane.deployment.persistence.DeploymentEntity;
import dev.ember.controlplane.deployment.persistence.DeploymentQuery;
import dev.ember.controlplane.deployment.persistence.DeploymentQuery.SortKey;
import dev.ember.controlplane.web.QueryParams;

/**
 * A list request after its query parameters are checked: every bad parameter is reported at once, each under its own
 * name. Page tokens are keyset cursors (the last row's sort key and deployment ID) bound to the query they were made
 * for: one made for another account, filter, orderBy or showDeleted is refused, since its position means nothing in a
 * different order. pageSize may change from page to page.
 */
public record DeploymentListRequest(DeploymentQuery query, DeploymentQuery.Cursor after, int pageSize) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final String ORDER_BY = "orderBy";
    private static final String PAGE_TOKEN = "pageToken";
    /** API names, and the proto (snake_case) names Fireworks documents ("create_time"). */
    private static final Map<String, SortKey> SORT_KEYS = Map.of("createTime", SortKey.CREATE_TIME, "create_time",
            SortKey.CREATE_TIME, "displayName", SortKey.DISPLAY_NAME, "display_name", SortKey.DISPLAY_NAME, "name",
            SortKey.NAME);

    /** What a page token holds: the query's fingerprint, the last row's sort key and its deployment ID. */
    private record Token(String q, String k, String id) {
    }

    public static DeploymentListRequest parse(String account, String pageSize, String pageToken, String filter,
            String orderBy, String showDeleted) {
        ResourceIds.require("account", account);
        List<FieldViolation> violations = new ArrayList<>();
        int size = QueryParams.pageSize(pageSize, violations);
        List<DeploymentQuery.Condition> conditions = DeploymentFilter.parse(filter, violations);
        DeploymentQuery.Order order = order(orderBy, violations);
        boolean deleted = false;
        try {
            deleted = QueryParams.bool("showDeleted", showDeleted);
        } catch (InvalidArgumentException e) {
            violations.addAll(e.violations());
        }
        if (!deleted && conditions.stream().anyMatch(c -> c.field() == DeploymentQuery.Field.STATE
                && c.value().equals(DeploymentEntity.DELETED))) {
            // Otherwise the answer would always be empty, which looks like "nothing was deleted".
            violations.add(new FieldViolation(DeploymentFilter.PARAM,
                    "state = \"DELETED\" matches only deleted deployments, which are hidden unless showDeleted=true"));
        }
        if (!violations.isEmpty()) {
            throw InvalidArgumentException.fields(violations);
        }
        DeploymentQuery query = new DeploymentQuery(account, conditions, order, deleted);
        return new DeploymentListRequest(query, cursor(query, pageToken), size);
    }

    /** The token that continues the list after {@code last}, the final row of this page. */
    String nextPageToken(DeploymentEntity last) {
        SortKey key = query.order().key();
        Object value = key.keyOf(last);
        Token token = new Token(fingerprint(query), value.toString(), last.deploymentId);
        try {
            return ENCODER.encodeToString(JSON.writeValueAsBytes(token));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a page token", e);
        }
    }

    private static DeploymentQuery.Order order(String orderBy, List<FieldViolation> violations) {
        if (orderBy == null || orderBy.isBlank()) {
            return new DeploymentQuery.Order(SortKey.CREATE_TIME, false);
        }
        String hint = "; order by one of createTime, displayName, name, optionally followed by ' desc'";
        if (orderBy.contains(",")) {
            violations.add(new FieldViolation(ORDER_BY,
                    "ordering by more than one field is not supported, got '" + orderBy + "'" + hint));
            return null;
        }
        String[] words = orderBy.trim().split("\\s+");
        SortKey key = SORT_KEYS.get(words[0]);
        if (key == null) {
            violations.add(new FieldViolation(ORDER_BY, "cannot order by '" + words[0] + "'" + hint));
            return null;
        }
        if (words.length > 2 || (words.length == 2 && !words[1].equals("desc"))) {
            violations.add(new FieldViolation(ORDER_BY, "only ' desc' may follow the field (ascending is the "
                    + "default), got '" + orderBy + "'"));
            return null;
        }
        return new DeploymentQuery.Order(key, words.length == 2);
    }

    private static DeploymentQuery.Cursor cursor(DeploymentQuery query, String pageToken) {
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
        if (!token.q().equals(fingerprint(query))) {
            throw badToken(
                    "was made for a different account, filter, orderBy or showDeleted; send the same ones as the first "
                            + "page, or start again without a pageToken");
        }
        Object key = token.k();
        if (query.order().key().keyType() == Instant.class) {
            try {
                key = Instant.parse(token.k());
            } catch (DateTimeParseException e) {
                throw badToken("is not a page token from this API");
            }
        }
        return new DeploymentQuery.Cursor(key, token.id());
    }

    /** Binds a token to its query: a short hash of everything that decides which rows come in which order. */
    private static String fingerprint(DeploymentQuery query) {
        String canonical = String.join("\n", query.accountId(), DeploymentFilter.canonical(query.conditions()),
                query.order().key().apiName(), Boolean.toString(query.order().descending()),
                Boolean.toString(query.showDeleted()));
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
