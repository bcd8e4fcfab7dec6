package dev.ember.controlplane.web.list;

import io.quarkus.panache.common.Parameters;

/**
 * The JPQL of one list request: the rows of its account matching its conditions (for the count), and the page in its
 * order after its cursor. A keyset page reads an index range, however deep the page.
 */
public record KeysetQuery(String where, Parameters whereParams, String page, Parameters pageParams) {

    /** The query for {@code request}; {@code extraWhere} (may be null) adds a fixed condition of the resource. */
    public static KeysetQuery of(ListRequest request, String extraWhere) {
        return of(request, extraWhere, new Parameters());
    }

    /** With {@code extraWhere}'s named parameters (such as the user whose keys are listed). */
    public static KeysetQuery of(ListRequest request, String extraWhere, Parameters extraParams) {
        ListSpec spec = request.spec();
        Parameters params = new Parameters();
        extraParams.map().forEach(params::and);
        StringBuilder where = new StringBuilder();
        if (spec.accountAttribute() != null) {
            where.append(spec.accountAttribute()).append(" = :account");
            params.and("account", request.account());
        } else {
            where.append("1 = 1");
        }
        if (spec.softDelete() != null && !request.showDeleted()) {
            where.append(" and ").append(spec.softDelete().attribute()).append(" <> :deleted");
            params.and("deleted", spec.softDelete().value());
        }
        if (extraWhere != null) {
            where.append(" and (").append(extraWhere).append(')');
        }
        int i = 0;
        for (Condition condition : request.conditions()) {
            String param = "value" + i++;
            where.append(" and ").append(condition.field().attribute()).append(" = :").append(param);
            params.and(param, condition.field().stored().apply(request.account(), condition.value()));
        }
        Parameters pageParams = new Parameters();
        params.map().forEach(pageParams::and);
        StringBuilder page = new StringBuilder("from ").append(spec.entity()).append(" where ").append(where);
        String id = spec.idAttribute();
        String key = request.order().key().attribute();
        boolean tieBreak = !key.equals(id);
        String direction = request.order().descending() ? " desc" : "";
        if (request.after() != null) {
            String op = request.order().descending() ? " < " : " > ";
            if (tieBreak) {
                page.append(" and (").append(key).append(", ").append(id).append(")").append(op)
                        .append("(:afterKey, :afterId)");
                pageParams.and("afterKey", request.after().key());
            } else {
                page.append(" and ").append(id).append(op).append(":afterId");
            }
            pageParams.and("afterId", request.after().id());
        }
        page.append(" order by ").append(key).append(direction);
        if (tieBreak) {
            page.append(", ").append(id).append(direction);
        }
        return new KeysetQuery(where.toString(), params, page.toString(), pageParams);
    }
}
