package dev.ember.controlplane.error;

import io.vertx.pgclient.PgException;

import dev.ember.common.error.EmberException;
import dev.ember.common.error.ResourceExhaustedException;

/** Finds the client error inside wrappers (CompletionException, Hibernate, Mutiny) that reactive code adds. */
public final class EmberExceptions {

    /**
     * The SQL state the GPU holdings trigger raises when a create or update, checked against its region's quota before
     * it wrote, finds at commit that writes committed meanwhile took the room (migration V18, ADR 30).
     */
    static final String QUOTA_EXCEEDED_AT_COMMIT = "EQ001";

    private EmberExceptions() {
    }

    public static EmberException unwrap(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof EmberException ember) {
                return ember;
            }
            if (t instanceof PgException pg && QUOTA_EXCEEDED_AT_COMMIT.equals(pg.getSqlState())) {
                return new ResourceExhaustedException("QUOTA_EXCEEDED", pg.getErrorMessage());
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    /** True when {@code e} comes from a unique or primary key violation (SQL state 23505). */
    public static boolean isUniqueViolation(Throwable e) {
        return hasSqlState(e, "23505");
    }

    /** True when {@code e} comes from a foreign key violation (SQL state 23503): a row it refers to is missing. */
    public static boolean isForeignKeyViolation(Throwable e) {
        return hasSqlState(e, "23503");
    }

    private static boolean hasSqlState(Throwable e, String state) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.hibernate.JDBCException jdbc && state.equals(jdbc.getSQLState())) {
                return true;
            }
            String message = t.getMessage();
            if (message != null && message.contains(state)) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
