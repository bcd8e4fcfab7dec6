package dev.ember.cli;

import java.io.PrintWriter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One command's settings, resolved from its flags, then environment variables, then {@code auth.ini}: the account,
 * the API client, where output goes and in which format.
 */
public final class Session {

    static final String DEFAULT_API_BASE = "http://127.0.0.1:8080";
    static final String DEFAULT_INFERENCE_BASE = "http://127.0.0.1:8081/inference/v1";

    private final CliEnvironment env;
    private final PrintWriter out;
    private final PrintWriter err;
    private final Output output;
    private final boolean dryRun;
    private final String account;
    private final String apiKey;
    private final String inferenceBase;
    private final ApiClient api;

    Session(CliEnvironment env, PrintWriter out, PrintWriter err, GlobalOptions options, boolean dryRun) {
        this.env = env;
        this.out = out;
        this.err = err;
        this.dryRun = dryRun;
        this.output = new Output(out, options.output == GlobalOptions.Format.json);
        AuthIni ini = AuthIni.read(env.authFile());
        String profile = first(options.profile, env.get("EMBER_PROFILE"));
        if (profile != null && !ini.hasProfile(profile)) {
            throw new CliException(ExitCodes.USAGE, "no profile [" + profile + "] in " + env.authFile()
                    + (ini.profileNames().isEmpty() ? "" : "; it has " + ini.profileNames()));
        }
        this.account = first(options.accountId, env.get("EMBER_ACCOUNT_ID"), ini.get(profile, "account_id").orElse(
                null));
        this.apiKey = first(options.apiKey, env.get("EMBER_API_KEY"), ini.get(profile, "api_key").orElse(null));
        String apiBase = first(options.apiBase, env.get("EMBER_API_BASE"), ini.get(profile, "api_base").orElse(null),
                DEFAULT_API_BASE);
        this.inferenceBase = first(options.inferenceBase, env.get("EMBER_INFERENCE_BASE"),
                ini.get(profile, "inference_base").orElse(null), DEFAULT_INFERENCE_BASE);
        this.api = new ApiClient(apiBase, apiKey);
    }

    private static String first(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value.strip();
            }
        }
        return null;
    }

    public CliEnvironment env() {
        return env;
    }

    public PrintWriter out() {
        return out;
    }

    public PrintWriter err() {
        return err;
    }

    public Output output() {
        return output;
    }

    public boolean json() {
        return output.json();
    }

    public boolean dryRun() {
        return dryRun;
    }

    public ApiClient api() {
        return api;
    }

    public String inferenceBase() {
        return inferenceBase;
    }

    /** The account to act on; a missing one is a usage error that says how to set it. */
    public String account() {
        if (account == null) {
            throw new CliException(ExitCodes.USAGE, "no account: pass --account-id, set EMBER_ACCOUNT_ID, or run"
                    + " ./ember up, which writes account_id to " + env.authFile());
        }
        return account;
    }

    public String apiKey() {
        if (apiKey == null) {
            throw new CliException(ExitCodes.USAGE, "no API key: pass --api-key, set EMBER_API_KEY, or run"
                    + " ./ember up, which writes api_key to " + env.authFile());
        }
        return apiKey;
    }

    /**
     * Sends the request and returns the answer; under {@code --dry-run} prints the request instead and returns null,
     * so the command stops there.
     */
    public JsonNode send(Request request) {
        if (dryRun) {
            printRequest(request);
            return null;
        }
        return call(request);
    }

    /** Sends the request (a read, or a step after the first of a change) with the API key, which must be set. */
    public JsonNode call(Request request) {
        apiKey();
        return api.send(request);
    }

    private void printRequest(Request request) {
        String url = request.url(api.base());
        if (output.json()) {
            ObjectNode node = ApiClient.JSON.createObjectNode();
            node.put("method", request.method());
            node.put("url", url);
            if (request.body() != null) {
                node.set("body", request.body());
            }
            output.json(node);
            return;
        }
        out.println(request.method() + " " + url);
        if (request.body() != null) {
            out.println(Output.pretty(request.body()));
        }
        out.flush();
    }
}
