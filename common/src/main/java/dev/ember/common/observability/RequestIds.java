package dev.ember.common.observability;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.MDC;

import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.ext.web.RoutingContext;

/**
 * Gives every HTTP request an ID: the caller's {@code X-Request-Id} when it is a sane token, otherwise a new UUID.
 * The ID is echoed in the response and put in the logging MDC as {@code requestId}, so every log line written
 * while the request is handled carries it. Quarkus keeps the MDC on the request's duplicated Vert.x context, so the
 * ID follows the request from the event loop to a worker thread and through reactive continuations.
 */
@ApplicationScoped
public class RequestIds {

    public static final String HEADER = "X-Request-Id";
    public static final String MDC_KEY = "requestId";
    /** Before the application's routes, after nothing that logs. */
    static final int PRIORITY = 1000;
    /** What a caller may send: no spaces or control characters (they would forge log lines), at most 128 chars. */
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:/+=@-]{1,128}");

    void register(@Observes Filters filters) {
        filters.register(RequestIds::handle, PRIORITY);
    }

    static void handle(RoutingContext rc) {
        String id = idFor(rc.request().getHeader(HEADER));
        MDC.put(MDC_KEY, id);
        rc.put(MDC_KEY, id);
        rc.response().putHeader(HEADER, id);
        rc.addEndHandler(done -> MDC.remove(MDC_KEY));
        rc.next();
    }

    /** The caller's ID when it is acceptable, else a fresh one. */
    static String idFor(String offered) {
        return offered != null && SANE.matcher(offered).matches() ? offered : newId();
    }

    /**
     * A random (version 4) UUID from the thread's fast generator: a request ID must be unique, not unguessable, and
     * {@link UUID#randomUUID()}'s shared SecureRandom costs more on every request.
     */
    static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & ~(0xC000000000000000L)) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }
}
