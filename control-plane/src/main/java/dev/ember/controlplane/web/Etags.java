package dev.ember.controlplane.web;

import dev.ember.common.error.AbortedException;

/**
 * Entity tags of mutable resources (AIP-154, RFC 9110): a quoted revision number that every write to the resource
 * raises. REST sends it in {@code ETag} and takes it back in {@code If-Match}; gRPC has it in the resource's and the
 * update request's {@code etag} field. Without one (or with {@code *}) an update is unconditional.
 */
public final class Etags {

    /** Every resource starts at revision (or generation) 1, so a create's answer has this tag. */
    public static final String CREATED = of(1);

    private Etags() {
    }

    /** The entity tag of a resource at {@code revision}. */
    public static String of(long revision) {
        return "\"" + revision + "\"";
    }

    /**
     * Refuses the write (409 / ABORTED, reason {@code ETAG_MISMATCH}) when the caller read {@code what} at another
     * revision than the stored one. Must run on the row read for update, so no other write slips in between.
     */
    public static void require(String ifMatch, long revision, String what) {
        if (ifMatch == null || ifMatch.isBlank() || ifMatch.trim().equals("*")) {
            return;
        }
        String current = of(revision);
        if (!matches(ifMatch.trim(), current)) {
            throw new AbortedException("ETAG_MISMATCH", what + " changed since etag " + ifMatch.trim()
                    + " was read (now " + current + "); get it again and retry");
        }
    }

    /** One tag or a comma-separated list of them; a weak tag ({@code W/"3"}) is compared by its value. */
    private static boolean matches(String ifMatch, String current) {
        for (String tag : ifMatch.split(",")) {
            String t = tag.trim();
            if (t.startsWith("W/")) {
                t = t.substring(2);
            }
            if (t.equals(current) || t.equals(current.substring(1, current.length() - 1))) {
                return true;
            }
        }
        return false;
    }
}
