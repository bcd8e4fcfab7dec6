package dev.ember.common.persistence;

import java.util.List;

import org.hibernate.reactive.mutiny.Mutiny;

/**
 * Native selects that keep no query plan (ADR 29). Hibernate ORM 7.1 files the plan of a native select under a key of
 * its SQL and a result mapping it builds for each call, and that key never equals the one it filed: every call adds a
 * plan to the single hash bucket of its SQL, in the bounded plan cache HQL queries share (2,048 plans, evicting
 * theirs), and every lookup compares the whole bucket. Hibernate keeps no plan for a query with a parameter bound to a
 * list, which it expands into the SQL; so each select here binds one of its values as a one-element list, written
 * {@code (:name)} in the SQL (e.g. {@code pg_try_advisory_xact_lock(:lock)} or {@code id in (:id)}).
 */
public final class NativeSelects {

    private NativeSelects() {
    }

    /** {@code sql} reading {@code type}, with parameter {@code name} bound to {@code value} as a one-value list. */
    public static <R> Mutiny.SelectionQuery<R> create(Mutiny.Session session, String sql, Class<R> type, String name,
            Object value) {
        return session.createNativeQuery(sql, type).setParameter(name, List.of(value));
    }
}
