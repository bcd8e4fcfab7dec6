package dev.ember.cli.deployedmodel;

import com.fasterxml.jackson.databind.JsonNode;

import dev.ember.cli.Wait;

/** When a wait for a deployed model is over, and how it reads meanwhile. */
final class DeployedModelView {

    private DeployedModelView() {
    }

    static String status(JsonNode d) {
        if (d == null) {
            return "unloaded";
        }
        String message = d.path("status").path("message").asText("");
        return d.path("state").asText() + (message.isEmpty() ? "" : ": " + message);
    }

    /** Done when DEPLOYED; failed when FAILED or on its way out. */
    static Wait.Target deployed() {
        return new Wait.Target() {

            @Override
            public Wait.Outcome judge(JsonNode d) {
                return switch (d.path("state").asText()) {
                    case "DEPLOYED" -> Wait.Outcome.DONE;
                    case "FAILED", "UNDEPLOYING" -> Wait.Outcome.FAILED;
                    default -> Wait.Outcome.PENDING;
                };
            }

            @Override
            public String describe(JsonNode d) {
                return status(d);
            }
        };
    }

    /** Done when gone (the poll answers null for 404). */
    static Wait.Target gone() {
        return new Wait.Target() {

            @Override
            public Wait.Outcome judge(JsonNode d) {
                return d == null ? Wait.Outcome.DONE : Wait.Outcome.PENDING;
            }

            @Override
            public String describe(JsonNode d) {
                return status(d);
            }
        };
    }
}
