package dev.ember.cli;

import picocli.CommandLine.Option;

/** The flags every API command takes. Each falls back to an environment variable, then to {@code auth.ini}. */
public final class GlobalOptions {

    public enum Format {
        text, json
    }

    @Option(names = "--account-id", paramLabel = "ID", description = "Account to act on (default: $EMBER_ACCOUNT_ID, else account_id of the profile).")
    String accountId;

    @Option(names = "--api-key", paramLabel = "KEY", description = "API key (default: $EMBER_API_KEY, else api_key of the profile).")
    String apiKey;

    @Option(names = {"-p",
            "--profile"}, paramLabel = "NAME", description = "Section of auth.ini to use (default: $EMBER_PROFILE, else the top-level settings).")
    String profile;

    @Option(names = "--api-base", paramLabel = "URL", description = "Control plane URL (default: $EMBER_API_BASE, else api_base of the profile, else http://127.0.0.1:8080).")
    String apiBase;

    @Option(names = "--inference-base", paramLabel = "URL", description = "OpenAI-compatible base URL for chat (default: $EMBER_INFERENCE_BASE, else inference_base of the profile, else http://127.0.0.1:8081/inference/v1).")
    String inferenceBase;

    @Option(names = {"-o",
            "--output"}, paramLabel = "FORMAT", defaultValue = "text", description = "text (tables, fields) or json (the API's own JSON). Default: ${DEFAULT-VALUE}.")
    Format output;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;
}
