package dev.ember.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApiExceptionTest {

    @Test
    void aControlPlaneErrorShowsStatusReasonMessageAndFields() {
        String body = """
                {"code":3,"status":"INVALID_ARGUMENT","message":"deploymentId: 'Bad_Id' is not a valid ID",
                 "details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"INVALID_FIELD"},
                            {"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[
                              {"field":"deploymentId","description":"'Bad_Id' is not a valid ID"},
                              {"field":"minReplicaCount","description":"must be at least 0"}]}]}""";

        ApiException e = ApiException.from(400, ApiClient.parse(body), body);

        assertThat(e.exitCode()).isEqualTo(ExitCodes.ERROR);
        assertThat(e.reason()).isEqualTo("INVALID_FIELD");
        assertThat(e.describe()).isEqualTo("INVALID_ARGUMENT (INVALID_FIELD): deploymentId: 'Bad_Id' is not a valid"
                + " ID\n  minReplicaCount: must be at least 0");
    }

    @Test
    void exitCodesTellNotFoundAndPermissionApart() {
        String notFound = "{\"code\":5,\"status\":\"NOT_FOUND\",\"message\":\"deployment 'x' not found\","
                + "\"details\":[{\"reason\":\"NOT_FOUND\"}]}";
        ApiException e = ApiException.from(404, ApiClient.parse(notFound), notFound);
        assertThat(e.exitCode()).isEqualTo(ExitCodes.NOT_FOUND);
        assertThat(e.describe()).as("a reason that repeats the status is said once")
                .isEqualTo("NOT_FOUND: deployment 'x' not found");
        assertThat(ApiException.from(401, null, "").exitCode()).isEqualTo(ExitCodes.PERMISSION);
        assertThat(ApiException.from(403, null, "").exitCode()).isEqualTo(ExitCodes.PERMISSION);
        assertThat(ApiException.from(409, null, "").exitCode()).isEqualTo(ExitCodes.ERROR);
    }

    @Test
    void anInferenceErrorInTheOpenAiShapeIsReadToo() {
        String body = """
                {"error":{"object":"error","type":"invalid_request_error","code":"DEPLOYMENT_SCALING_UP",
                 "message":"the deployment is scaling up"}}""";

        ApiException e = ApiException.from(503, ApiClient.parse(body), body);

        assertThat(e.describe())
                .isEqualTo("invalid_request_error (DEPLOYMENT_SCALING_UP): the deployment is scaling up");
    }

    @Test
    void aBodyThatIsNotJsonIsShownWithItsStatus() {
        ApiException e = ApiException.from(502, null, "Bad Gateway\n");

        assertThat(e.describe()).isEqualTo("HTTP 502: Bad Gateway");
    }
}
