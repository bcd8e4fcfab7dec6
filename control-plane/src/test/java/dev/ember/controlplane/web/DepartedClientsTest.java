package dev.ember.controlplane.web;

import static dev.ember.controlplane.deployment.DeploymentApiTest.KEY;
import static dev.ember.controlplane.deployment.DeploymentApiTest.LLAMA_8B;
import static dev.ember.controlplane.deployment.DeploymentApiTest.asAdmin;
import static org.awaitility.Awaitility.await;

import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

import dev.ember.controlplane.Database;
import dev.ember.testsupport.EmberInfraResource;
import dev.ember.testsupport.ServiceDatabase;

/**
 * Clients that give up on their requests (close the connection) while the control plane is in the middle of their
 * transactions: the work runs to its end, and the connections it used go back to the pool, so the control plane
 * keeps serving everyone else.
 */
@QuarkusTest
@QuarkusTestResource(EmberInfraResource.class)
class DepartedClientsTest {

    private static final String BODY = "{\"baseModel\": \"" + LLAMA_8B + "\"}";

    /** More than the connection pool holds (20). */
    private static final int DEPARTING = 25;

    @TestHTTPResource
    URL base;

    @Test
    void clientsThatLeaveMidTransactionLeakNoConnectionAndTheirCreatesStillFinish() throws Exception {
        asAdmin().body(BODY).post("/v1/accounts/acme/deployments?deploymentId=before-the-crowd").then()
                .statusCode(200);
        List<Socket> crowd = new ArrayList<>();
        try (Connection db = ServiceDatabase.connect()) {
            // Hold the account's row: every create now waits inside its transaction, at its insert.
            Database.lockAccount(db, "acme");
            for (int i = 0; i < DEPARTING; i++) {
                crowd.add(send("departed-" + i));
            }
            try (Connection watcher = ServiceDatabase.connect()) {
                await().atMost(Duration.ofSeconds(30)).until(() -> Database.waitingInserts(watcher) >= 19);
            }
            for (Socket client : crowd) {
                client.close();
            }
            // The control plane notices the closed connections on its event loops; give it that moment.
            Thread.sleep(1_000);
            db.rollback();
        }

        // Every connection came back: a create right after is served at once, not after a pool timeout.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> asAdmin().body(BODY)
                .post("/v1/accounts/acme/deployments?deploymentId=after-the-crowd").then().statusCode(200));
        // And the departed clients' creates ran to their end: committed, as a retry would find them.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            for (int i = 0; i < DEPARTING; i++) {
                asAdmin().get("/v1/accounts/acme/deployments/departed-" + i).then().statusCode(200);
            }
        });
    }

    private Socket send(String deploymentId) throws Exception {
        Socket socket = new Socket(base.getHost(), base.getPort());
        byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
        String request = "POST /v1/accounts/acme/deployments?deploymentId=" + deploymentId + " HTTP/1.1\r\n"
                + "Host: " + base.getHost() + ":" + base.getPort() + "\r\n"
                + "Authorization: Bearer " + KEY + "\r\n"
                + "Content-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n" + BODY;
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.UTF_8));
        out.flush();
        return socket;
    }
}
