package dev.ember.local;

import java.io.PrintWriter;

/** What a user sees once the platform is up: where it is, the key, and two commands to try. */
final class Banner {

    private Banner() {
    }

    static void print(PrintWriter out, LocalPlatform.Running platform) {
        String deployment = "accounts/" + platform.accountId() + "/deployments/my-first";
        out.println();
        out.println("Ember is running.");
        out.println();
        out.println("  Control plane   " + platform.controlPlaneUrl());
        out.println("  Inference API   " + platform.inferenceBaseUrl());
        out.println("  Scheduler       " + platform.schedulerUrl());
        out.println("  Account         " + platform.accountId());
        out.println("  API key         " + platform.apiKey());
        out.println("  Auth file       " + platform.authFile());
        out.println("  Data and logs   " + platform.home());
        out.println();
        out.println("Try it:");
        out.println("  KEY=" + platform.apiKey());
        out.println("  curl -s -X POST -H \"Authorization: Bearer $KEY\" -H 'Content-Type: application/json' \\");
        out.println("    '" + platform.controlPlaneUrl() + "/v1/accounts/" + platform.accountId()
                + "/deployments?deploymentId=my-first' \\");
        out.println("    -d '{\"baseModel\":\"accounts/fireworks/models/llama-v3p1-8b-instruct\"}'");
        out.println("  # once GET .../deployments/my-first shows \"state\": \"READY\":");
        out.println("  curl -s -H \"Authorization: Bearer $KEY\" -H 'Content-Type: application/json' \\");
        out.println("    " + platform.inferenceBaseUrl() + "/chat/completions \\");
        out.println(
                "    -d '{\"model\":\"" + deployment + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}'");
        out.println();
        out.println("Press Ctrl-C to stop.");
        out.flush();
    }
}
