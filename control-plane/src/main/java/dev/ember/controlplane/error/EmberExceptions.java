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

    /** True when {@code e} comes from a unique or primary key violation. */
    public static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.hibernate.exception.ConstraintViolationException) {
                return true;
            }
            String message = t.getMessage();
            if (message != null && message.contains("23505")) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
