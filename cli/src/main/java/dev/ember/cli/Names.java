package dev.ember.cli;

/**
 * Resource names from what people type: an ID is completed with the account, a full name
 * ({@code accounts/a/deployments/d}) is kept. Base models may be given by their catalog ID.
 */
public final class Names {

    public static final String CATALOG_ACCOUNT = "fireworks";

    private Names() {
    }

    /** {@code accounts/<account>/<collection>/<id>}, or {@code idOrName} when it is a full name already. */
    public static String of(String account, String collection, String idOrName) {
        if (idOrName.startsWith("accounts/")) {
            return idOrName;
        }
        return "accounts/" + account + "/" + collection + "/" + idOrName;
    }

    /** A base model: a bare ID is one of the public catalog ({@code accounts/fireworks/models/<id>}). */
    public static String baseModel(String idOrName) {
        return of(CATALOG_ACCOUNT, "models", idOrName);
    }

    /** The REST path of a resource name. */
    public static String path(String name) {
        return "/v1/" + name;
    }

    /** The last segment: the ID. */
    public static String id(String name) {
        return name == null ? null : name.substring(name.lastIndexOf('/') + 1);
    }

    /** The account of {@code accounts/<account>/...}. */
    public static String account(String name) {
        String[] parts = name.split("/");
        return parts.length > 1 && parts[0].equals("accounts") ? parts[1] : null;
    }
}
