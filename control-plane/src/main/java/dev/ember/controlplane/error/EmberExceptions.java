package dev.ember.controlplane.error;

import dev.ember.common.error.EmberException;

/** Finds the client error inside wrappers (CompletionException, Hibernate, Mutiny) that reactive code adds. */
public final class EmberExceptions {

    private EmberExceptions() {
    }

    public static EmberException unwrap(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof EmberException ember) {
                return ember;
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
