package dev.ember.controlplane.grpc;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.restassured.RestAssured;

/**
 * A plaintext gRPC channel to the control plane under test, on its HTTP port: one for all the tests of an application
 * start, opened again when a new start listens on another port.
 */
final class GrpcChannel {

    private static ManagedChannel channel;
    private static int port;

    private GrpcChannel() {
    }

    static synchronized ManagedChannel channel() {
        if (channel == null || port != RestAssured.port) {
            if (channel != null) {
                channel.shutdownNow();
            }
            port = RestAssured.port;
            channel = ManagedChannelBuilder.forAddress("localhost", port).usePlaintext().build();
        }
        return channel;
    }
}
