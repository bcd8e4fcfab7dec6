// The two small programs bench/data-plane.sh runs besides Ember, as single-file Java on Vert.x (from the data
// plane's own libraries, so nothing more is installed):
//
//   server PORT [STREAM_INTERVAL_MS STREAM_SECONDS]
//       A cheap OpenAI-compatible server: POST .../chat/completions answers one fixed chat.completion (usage
//       included) at once; with "stream":true in the body it streams instead, a chunk every STREAM_INTERVAL_MS for
//       STREAM_SECONDS, then the finish chunk, the usage chunk and [DONE] (a slow generation, to hold streams open).
//   rate URL KEY MODEL RATE SECONDS [HEADER:VALUE...]
//       Open-loop load: RATE chat completions a second (on up to 64 keep-alive connections), first for 10 s of
//       warm-up (client and server JIT), then for SECONDS measured: each request timed from when it was issued at
//       its due time (a busy server's queue counts: the client does not wait for it), in microseconds.
//   pairs RATE SEGMENT_SECONDS PAIRS URL_A KEY_A MODEL_A URL_B KEY_B MODEL_B
//       The same open loop, one schedule of RATE requests a second sent to two targets in turn, in segments of
//       SEGMENT_SECONDS: first 10 s of each (warm-up, in 5 s segments), then PAIRS pairs of one segment of each, A
//       then B in odd pairs and B then A in even ones, so both see the same machine. A request goes to the target of
//       the segment it is due in. Prints each pair's p50/p99 of A and B and what B adds at p99, then the p50/p99 of
//       all of A's and all of B's measured requests, and what B adds.
//   hold-streams URL KEY MODEL STREAMS SECONDS [MAX_TOKENS]
//       Opens STREAMS concurrent streamed chat completions (max_tokens MAX_TOKENS, default 1000) against URL, holds
//       them SECONDS (a stream whose reply ends is followed by a new one), and prints how many are open, how many got
//       their first chunk, how many completed and how many chunks arrived in all, once a second.
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;

public class OpenAiBench {

    static final String COMPLETION = "{\"id\":\"chatcmpl-mock\",\"object\":\"chat.completion\",\"created\":1700000000,"
            + "\"model\":\"mock-model\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
            + "\"Hello! How can I help you today?\"},\"logprobs\":null,\"finish_reason\":\"stop\"}],"
            + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":9,\"total_tokens\":21}}";
    static final Buffer COMPLETION_BYTES = Buffer.buffer(COMPLETION);
    static final Buffer FIRST = sse("{\"id\":\"chatcmpl-mock\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
            + "\"model\":\"mock-model\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
            + "\"finish_reason\":null}]}");
    static final Buffer TOKEN = sse("{\"id\":\"chatcmpl-mock\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
            + "\"model\":\"mock-model\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" token\"},"
            + "\"finish_reason\":null}]}");
    static final Buffer LAST = sse("{\"id\":\"chatcmpl-mock\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
            + "\"model\":\"mock-model\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}")
            .appendBuffer(sse("{\"id\":\"chatcmpl-mock\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
                    + "\"model\":\"mock-model\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,"
                    + "\"completion_tokens\":100,\"total_tokens\":112}}"))
            .appendString("data: [DONE]\n\n");

    public static void main(String[] args) throws Exception {
        if (args.length >= 2 && args[0].equals("server")) {
            server(Integer.parseInt(args[1]), args.length > 2 ? Long.parseLong(args[2]) : 5000,
                    args.length > 3 ? Long.parseLong(args[3]) : 60);
        } else if (args.length >= 6 && args[0].equals("rate")) {
            rate(args[1], args[2], args[3], Integer.parseInt(args[4]), Integer.parseInt(args[5]),
                    java.util.Arrays.copyOfRange(args, 6, args.length));
        } else if (args.length == 10 && args[0].equals("pairs")) {
            pairs(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                    java.util.Arrays.copyOfRange(args, 4, 10));
        } else if ((args.length == 6 || args.length == 7) && args[0].equals("hold-streams")) {
            holdStreams(args[1], args[2], args[3], Integer.parseInt(args[4]), Integer.parseInt(args[5]),
                    args.length == 7 ? Integer.parseInt(args[6]) : 1000);
        } else {
            System.err.println("usage: OpenAiBench server PORT [STREAM_INTERVAL_MS STREAM_SECONDS] | "
                    + "rate URL KEY MODEL RATE SECONDS [HEADER:VALUE...] | pairs RATE SEGMENT_SECONDS PAIRS URL_A KEY_A "
                    + "MODEL_A URL_B KEY_B MODEL_B | hold-streams URL KEY MODEL STREAMS SECONDS "
                    + "[MAX_TOKENS]");
            System.exit(2);
        }
    }

    static Buffer sse(String json) {
        return Buffer.buffer("data: " + json + "\n\n");
    }

    static void server(int port, long intervalMillis, long seconds) {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        vertx.createHttpServer(new HttpServerOptions().setTcpNoDelay(true).setIdleTimeout(0).setAcceptBacklog(16384))
                .requestHandler(request -> request.body().onSuccess(body -> {
                    if (indexOf(body, "\"stream\":true") >= 0 || indexOf(body, "\"stream\": true") >= 0) {
                        stream(vertx, request, intervalMillis, seconds);
                    } else {
                        request.response().putHeader("content-type", "application/json").end(COMPLETION_BYTES);
                    }
                }))
                .listen(port, "127.0.0.1")
                .onSuccess(s -> System.out.println("mock OpenAI server on http://127.0.0.1:" + port + "/v1"))
                .onFailure(e -> {
                    e.printStackTrace();
                    System.exit(1);
                });
    }

    static void stream(Vertx vertx, HttpServerRequest request, long intervalMillis, long seconds) {
        HttpServerResponse response = request.response().setChunked(true).putHeader("content-type",
                "text/event-stream");
        response.write(FIRST);
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long timer = vertx.setPeriodic(intervalMillis, id -> {
            if (System.nanoTime() >= end) {
                vertx.cancelTimer(id);
                response.end(LAST);
            } else {
                response.write(TOKEN);
            }
        });
        response.closeHandler(v -> vertx.cancelTimer(timer));
    }

    static int indexOf(Buffer body, String what) {
        return body.toString(StandardCharsets.UTF_8).indexOf(what);
    }

    static void rate(String url, String key, String model, int rate, int seconds, String[] headers)
            throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        Target target = Target.of(vertx, url, key, model);
        for (String header : headers) {
            int colon = header.indexOf(':');
            target.options().putHeader(header.substring(0, colon), header.substring(colon + 1));
        }
        List<int[]> segments = List.of(new int[] {0, 10, -1}, new int[] {0, seconds, 0});
        long start = System.nanoTime() + 100_000_000L; // when the schedule starts
        OpenLoop run = OpenLoop.run(vertx, new Target[] {target}, segments, rate);
        double elapsed = (System.nanoTime() - start) / 1e9 - 10;
        long[] sorted = run.latencies(0, 0);
        System.out.printf("rate=%d sent=%d done=%d errors=%d achieved=%.0f/s p50_us=%d p90_us=%d p99_us=%d "
                + "p999_us=%d max_us=%d%n", rate, rate * seconds, run.measured(), run.errors(),
                run.measured() / elapsed, at(sorted, 0.50), at(sorted, 0.90), at(sorted, 0.99), at(sorted, 0.999),
                sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1000);
        vertx.close();
        System.exit(0);
    }

    /** One target of the open loop: its client and the request it is sent. */
    record Target(HttpClient client, RequestOptions options, Buffer body) {

        static Target of(Vertx vertx, String url, String key, String model) {
            java.net.URI uri = java.net.URI.create(url);
            HttpClient client = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(64).setKeepAlive(true)
                    .setTcpNoDelay(true).setMaxWaitQueueSize(-1));
            RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(uri.getHost())
                    .setPort(uri.getPort()).setURI(uri.getRawPath()).putHeader("Content-Type", "application/json")
                    .putHeader("Authorization", "Bearer " + key);
            return new Target(client, options, Buffer.buffer("{\"model\":\"" + model + "\",\"max_tokens\":16,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"Say hello\"}]}"));
        }
    }

    /**
     * RATE requests a second on one schedule, each sent to the target of the segment it is due in and timed from when
     * it was issued at its due time. A segment is {target, seconds, pair}: pair -1 is warm-up, not measured.
     */
    record OpenLoop(List<int[]> segments, int[] segmentOf, long[] latencies, int measured, int errors) {

        static OpenLoop run(Vertx vertx, Target[] targets, List<int[]> segments, int rate) throws Exception {
            int total = segments.stream().mapToInt(s -> s[1] * rate).sum();
            int[] segmentOf = new int[total];
            for (int i = 0, s = 0; s < segments.size(); s++) {
                for (int k = 0; k < segments.get(s)[1] * rate; k++) {
                    segmentOf[i++] = s;
                }
            }
            long[] latencies = new long[total];
            AtomicInteger done = new AtomicInteger();
            AtomicInteger measured = new AtomicInteger();
            AtomicInteger errors = new AtomicInteger();
            java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);
            long start = System.nanoTime() + 100_000_000L;
            int[] next = {0};
            vertx.setPeriodic(1, id -> {
                long now = System.nanoTime();
                while (next[0] < total && start + next[0] * 1_000_000_000L / rate <= now) {
                    int i = next[0]++;
                    int[] segment = segments.get(segmentOf[i]);
                    Target target = targets[segment[0]];
                    long issued = System.nanoTime();
                    target.client().request(target.options()).compose(r -> r.send(target.body()))
                            .compose(response -> response.body().map(b -> response.statusCode()))
                            .onComplete(result -> {
                                latencies[i] = System.nanoTime() - issued;
                                if (segment[2] >= 0) {
                                    measured.incrementAndGet();
                                    if (result.failed() || result.result() != 200) {
                                        errors.incrementAndGet();
                                    }
                                }
                                if (done.incrementAndGet() == total) {
                                    finished.countDown();
                                }
                            });
                }
                if (next[0] == total) {
                    vertx.cancelTimer(id);
                }
            });
            long seconds = segments.stream().mapToLong(s -> s[1]).sum();
            finished.await(seconds + 60L, java.util.concurrent.TimeUnit.SECONDS);
            return new OpenLoop(segments, segmentOf, latencies, measured.get(), errors.get());
        }

        /** The sorted latencies of {@code target}'s measured requests in {@code pair} (-2: in every pair). */
        long[] latencies(int target, int pair) {
            java.util.List<Long> these = new java.util.ArrayList<>();
            for (int i = 0; i < latencies.length; i++) {
                int[] segment = segments.get(segmentOf[i]);
                if (segment[0] == target && segment[2] >= 0 && (pair == -2 || segment[2] == pair)) {
                    these.add(latencies[i]);
                }
            }
            return these.stream().mapToLong(Long::longValue).sorted().toArray();
        }
    }

    static void pairs(int rate, int segmentSeconds, int pairs, String[] targets) throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        Target[] both = {Target.of(vertx, targets[0], targets[1], targets[2]),
            Target.of(vertx, targets[3], targets[4], targets[5])};
        // 5 s of A, 5 s of B, twice (warm-up), then the pairs, alternating which goes first.
        List<int[]> segments = new java.util.ArrayList<>();
        for (int w = 0; w < 2; w++) {
            segments.add(new int[] {0, 5, -1});
            segments.add(new int[] {1, 5, -1});
        }
        for (int p = 0; p < pairs; p++) {
            int first = p % 2;
            segments.add(new int[] {first, segmentSeconds, p});
            segments.add(new int[] {1 - first, segmentSeconds, p});
        }
        OpenLoop run = OpenLoop.run(vertx, both, segments, rate);
        for (int p = 0; p < pairs; p++) {
            long[] a = run.latencies(0, p);
            long[] b = run.latencies(1, p);
            System.out.printf("pair=%d order=%s a_p50_us=%d a_p99_us=%d b_p50_us=%d b_p99_us=%d added_p99_us=%d%n",
                    p + 1, p % 2 == 0 ? "AB" : "BA", at(a, 0.50), at(a, 0.99), at(b, 0.50), at(b, 0.99),
                    at(b, 0.99) - at(a, 0.99));
        }
        long[] a = run.latencies(0, -2);
        long[] b = run.latencies(1, -2);
        System.out.printf("all rate=%d pairs=%d segment_s=%d sent=%d done=%d errors=%d a_p50_us=%d a_p99_us=%d "
                + "a_p999_us=%d b_p50_us=%d b_p99_us=%d b_p999_us=%d added_p50_us=%d added_p99_us=%d%n", rate, pairs,
                segmentSeconds, 2 * pairs * segmentSeconds * rate, run.measured(), run.errors(), at(a, 0.50),
                at(a, 0.99), at(a, 0.999), at(b, 0.50), at(b, 0.99), at(b, 0.999), at(b, 0.50) - at(a, 0.50),
                at(b, 0.99) - at(a, 0.99));
        vertx.close();
        System.exit(0);
    }

    static long at(long[] sorted, double q) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1000;
    }

    static void holdStreams(String url, String key, String model, int streams, int seconds, int maxTokens)
            throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        java.net.URI uri = java.net.URI.create(url);
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setMaxPoolSize(streams + 10)
                .setMaxWaitQueueSize(-1).setKeepAlive(true).setIdleTimeout(0).setConnectTimeout(60_000));
        Buffer body = Buffer.buffer("{\"model\":\"" + model + "\",\"stream\":true,\"max_tokens\":" + maxTokens + ","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Tell me a long story\"}]}");
        AtomicInteger open = new AtomicInteger();
        AtomicInteger started = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger completed = new AtomicInteger();
        AtomicLong chunks = new AtomicLong();
        long start = System.nanoTime();
        long deadline = start + seconds * 1_000_000_000L;
        Runnable[] stream = new Runnable[1];
        stream[0] = () -> client.request(new RequestOptions().setMethod(HttpMethod.POST)
                .setHost(uri.getHost()).setPort(uri.getPort()).setURI(uri.getRawPath())
                .putHeader("Authorization", "Bearer " + key).putHeader("Content-Type", "application/json"))
                .compose(r -> r.send(body))
                .onSuccess(response -> {
                    if (response.statusCode() != 200) {
                        failed.incrementAndGet();
                        return;
                    }
                    open.incrementAndGet();
                    boolean[] first = {true};
                    response.handler(piece -> {
                        chunks.incrementAndGet();
                        if (first[0]) {
                            first[0] = false;
                            started.incrementAndGet();
                        }
                    });
                    // A reply that ends is followed by the client's next request, so STREAMS stay open.
                    response.endHandler(v -> {
                        open.decrementAndGet();
                        completed.incrementAndGet();
                        if (System.nanoTime() < deadline) {
                            stream[0].run();
                        }
                    });
                    response.exceptionHandler(e -> open.decrementAndGet());
                })
                .onFailure(e -> failed.incrementAndGet());
        // Opened at up to 2,000 a second, as clients would arrive, not all in one instant.
        for (int i = 0; i < streams; i++) {
            vertx.setTimer(1 + i / 2, t -> stream[0].run());
        }
        for (int s = 1; s <= seconds; s++) {
            Thread.sleep(1000);
            System.out.printf("t=%ds open=%d first-chunk=%d completed=%d failed=%d chunks=%d%n", s, open.get(),
                    started.get(), completed.get(), failed.get(), chunks.get());
        }
        System.out.printf("held: open=%d completed=%d failed=%d after %.0f s%n", open.get(), completed.get(),
                failed.get(), (System.nanoTime() - start) / 1e9);
        vertx.close();
        System.exit(0);
    }
}
