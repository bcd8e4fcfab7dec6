package dev.ember.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Picks free ports and refuses taken ones before anything starts, naming the flag that changes them. */
final class Ports {

    private Ports() {
    }

    /** A port nothing listens on now, on {@code host}. */
    static int free(String host) {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(host))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free port on " + host, e);
        }
    }

    /** Fails when {@code port} is in use on {@code host}, naming the {@code flag} that chooses another. */
    static void requireFree(String host, int port, String flag) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (IOException e) {
            throw new StartupException(
                    "Port " + port + " on " + host + " is already in use. Stop what uses it, or pass "
                            + flag + " with another port (0 picks a free one).");
        }
    }
}
