package dev.ember.cli;

/**
 * What {@code ember} exits with, so scripts can tell failures apart. Documented in docs/cli.md.
 */
public final class ExitCodes {

    /** The command did what it was asked. */
    public static final int OK = 0;
    /** The server refused the request (other than below), could not be reached, or another error. */
    public static final int ERROR = 1;
    /** A bad command, flag or value, or a missing setting (account, key); picocli prints the usage. */
    public static final int USAGE = 2;
    /** The resource does not exist (HTTP 404). */
    public static final int NOT_FOUND = 3;
    /** The API key is missing, wrong, revoked or expired (401), or its role may not do this (403). */
    public static final int PERMISSION = 4;
    /** {@code --wait} saw the resource fail, or gave up at {@code --wait-timeout}. */
    public static final int WAIT_FAILED = 5;

    private ExitCodes() {
    }

    /** The exit code for an HTTP error status. */
    public static int forHttpStatus(int status) {
        return switch (status) {
            case 404 -> NOT_FOUND;
            case 401, 403 -> PERMISSION;
            default -> ERROR;
        };
    }
}
