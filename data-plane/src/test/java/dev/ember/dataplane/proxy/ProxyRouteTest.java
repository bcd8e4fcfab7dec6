package dev.ember.dataplane.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.impl.VertxInternal;

/** The proxy's upstream clients: one per event loop, so a request never passes between threads. */
class ProxyRouteTest {

    private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void eachEventLoopForwardsThroughItsOwnClient() throws Exception {
        ProxyRoute route = new ProxyRoute();
        route.vertx = vertx;
        route.clientOptions = new HttpClientOptions();
        // New event-loop contexts take the loops in turn: two of them are on the two loops.
        Context first = ((VertxInternal) vertx).createEventLoopContext();
        Context second = ((VertxInternal) vertx).createEventLoopContext();

        HttpClient onFirst = clientOn(first, route);
        HttpClient onSecond = clientOn(second, route);

        assertThat(onFirst).isNotSameAs(onSecond);
        assertThat(clientOn(first, route)).isSameAs(onFirst);
        assertThat(clientOn(second, route)).isSameAs(onSecond);
    }

    @Test
    void theConnectionsPerHostAreSharedOutAmongTheEventLoops() {
        assertThat(ProxyRoute.perEventLoop(512, 4)).isEqualTo(128);
        assertThat(ProxyRoute.perEventLoop(10, 4)).isEqualTo(3);
        assertThat(ProxyRoute.perEventLoop(1, 4)).isEqualTo(1);
    }

    private static HttpClient clientOn(Context context, ProxyRoute route) throws Exception {
        CompletableFuture<HttpClient> client = new CompletableFuture<>();
        context.runOnContext(v -> client.complete(route.client()));
        return client.get(10, TimeUnit.SECONDS);
    }
}
