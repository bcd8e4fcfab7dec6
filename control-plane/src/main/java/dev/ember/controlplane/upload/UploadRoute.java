package dev.ember.controlplane.upload;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import dev.ember.common.error.ApiError;
import dev.ember.common.error.EmberException;
import dev.ember.common.error.ErrorCode;
import dev.ember.common.error.FieldViolation;
import dev.ember.common.error.InvalidArgumentException;
import dev.ember.common.error.UnauthenticatedException;
import dev.ember.controlplane.blob.BlobConfig;
import dev.ember.controlplane.blob.BlobStore;
import dev.ember.controlplane.blob.BlobUpload;
import dev.ember.controlplane.error.EmberExceptions;

/**
 * {@code PUT /v1/uploads/{token}}: the signed upload URLs {@code :getUploadEndpoint} hands out. The body is the file,
 * streamed to the blob store as it arrives (never held in memory) with back-pressure, and hashed on the way. No API
 * key: the token is the grant, as with a presigned S3 URL.
 *
 * <p>
 * A plain Vert.x route, ordered before Quarkus' request-size limit ({@code quarkus.http.limits.max-body-size}, 10 MB,
 * which keeps applying to every JSON endpoint): this route enforces its own limit, the file's declared size. A
 * {@code Content-Length} above it is refused with 413 before a byte is read, below it with 400; a body that runs past
 * it is cut off with 413, one that ends short is 400. Errors have the API's google.rpc.Status body.
 */
@ApplicationScoped
public class UploadRoute {

    public static final String PATH = "/v1/uploads/";
    /** What is still read (and dropped) of a refused body before the connection is closed instead. */
    static final long DRAIN_LIMIT = 1 << 20;
    private static final Logger LOG = Logger.getLogger(UploadRoute.class);

    @Inject
    UploadTokens tokens;

    @Inject
    Instance<UploadTarget> targets;

    @Inject
    BlobStore blobs;

    @Inject
    BlobConfig config;

    @Inject
    Vertx vertx;

    @Inject
    ObjectMapper json;

    void register(@Observes Router router) {
        router.put(PATH + ":token").order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1).handler(this::handle);
    }

    void handle(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        // Hold the body until the upload is known to be allowed; Vert.x buffers what arrives meanwhile.
        request.pause();
        UploadToken token;
        UploadTarget target;
        try {
            token = tokens.verify(ctx.pathParam("token"));
            target = target(token);
            checkDeclaredLength(request, token);
        } catch (RuntimeException e) {
            reject(ctx, e);
            return;
        }
        onSafeContext(() -> target.check(token).chain(() -> blobs.create(target.blobKey(token))))
                .subscribe().with(staged -> receive(ctx, token, target, staged), failure -> reject(ctx, failure));
    }

    private void receive(RoutingContext ctx, UploadToken token, UploadTarget target, BlobUpload staged) {
        HttpServerRequest request = ctx.request();
        MessageDigest sha256 = sha256();
        long[] received = {0};
        boolean[] finished = {false};
        request.handler(chunk -> {
            if (finished[0]) {
                return;
            }
            received[0] += chunk.length();
            if (received[0] > token.size()) {
                finished[0] = true;
                abort(staged);
                reject(ctx, tooLarge(token, "the body is longer than the " + token.size() + " bytes declared for '"
                        + token.file() + "'"));
                return;
            }
            sha256.update(chunk.getBytes());
            request.pause();
            staged.write(chunk).subscribe().with(v -> request.resume(), failure -> {
                finished[0] = true;
                abort(staged);
                reject(ctx, failure);
            });
        });
        request.exceptionHandler(failure -> {
            if (!finished[0]) {
                finished[0] = true;
                LOG.debugf("Upload of %s for %s broke off: %s", token.file(), token.resource(), failure);
                abort(staged);
            }
        });
        request.endHandler(v -> {
            if (finished[0]) {
                return;
            }
            finished[0] = true;
            if (received[0] != token.size()) {
                abort(staged);
                reject(ctx, sizeMismatch(token, received[0]));
                return;
            }
            String digest = HexFormat.of().formatHex(sha256.digest());
            onSafeContext(() -> target.complete(token, staged, digest)).subscribe().with(
                    done -> succeed(ctx, token, digest),
                    failure -> {
                        abort(staged);
                        reject(ctx, failure);
                    });
        });
        if (request.headers().contains(HttpHeaderNames.EXPECT, HttpHeaderValues.CONTINUE, true)) {
            ctx.response().writeContinue();
        }
        request.resume();
    }

    private UploadTarget target(UploadToken token) {
        for (UploadTarget t : targets) {
            if (t.type().equals(token.target())) {
                return t;
            }
        }
        throw new UnauthenticatedException("UPLOAD_TOKEN_MALFORMED",
                "this is not a signed upload URL; get one with :getUploadEndpoint");
    }

    private void checkDeclaredLength(HttpServerRequest request, UploadToken token) {
        if (token.size() > config.maxFileSize().asLongValue()) {
            throw tooLarge(token, "files may be at most " + config.maxFileSize().asLongValue() + " bytes");
        }
        String header = request.getHeader(HttpHeaderNames.CONTENT_LENGTH);
        if (header == null) {
            return; // chunked: counted as it arrives
        }
        long length;
        try {
            length = Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            throw new InvalidArgumentException("INVALID_CONTENT_LENGTH", "Content-Length '" + header
                    + "' is not a number", List.of(new FieldViolation("Content-Length", "is not a number")));
        }
        if (length > token.size()) {
            throw tooLarge(token, "Content-Length " + length + " is more than the " + token.size()
                    + " bytes declared for '" + token.file() + "'");
        }
        if (length < token.size()) {
            throw sizeMismatch(token, length);
        }
    }

    private static EmberException tooLarge(UploadToken token, String why) {
        return new EmberException(ErrorCode.PAYLOAD_TOO_LARGE, "UPLOAD_TOO_LARGE", why
                + "; to upload a different file, declare its size with :getUploadEndpoint");
    }

    private static InvalidArgumentException sizeMismatch(UploadToken token, long got) {
        String description = "is " + got + " bytes, but '" + token.file() + "' was declared with " + token.size()
                + " bytes";
        return new InvalidArgumentException("UPLOAD_SIZE_MISMATCH", "body: " + description + "; upload the whole "
                + "file, or declare its real size with :getUploadEndpoint",
                List.of(new FieldViolation("body",
                        description)));
    }

    private void succeed(RoutingContext ctx, UploadToken token, String digest) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", token.resource());
        body.put("filename", token.file());
        body.put("sizeBytes", Long.toString(token.size()));
        body.put("sha256", digest);
        respond(ctx, 200, body, false);
    }

    /**
     * Answers with the error. When the body was not read to its end, the rest is read and dropped (up to
     * {@value #DRAIN_LIMIT} bytes, so the client gets to read the answer) and the connection is closed.
     */
    private void reject(RoutingContext ctx, Throwable failure) {
        EmberException error = EmberExceptions.unwrap(failure);
        if (error == null) {
            LOG.error("Upload failed", failure);
            error = new EmberException(ErrorCode.INTERNAL, "INTERNAL", "internal error");
        }
        HttpServerRequest request = ctx.request();
        boolean unread = !request.isEnded();
        respond(ctx, error.code().httpStatus(), ApiError.of(error), unread);
        if (unread) {
            long[] drained = {0};
            request.handler(chunk -> {
                drained[0] += chunk.length();
                if (drained[0] > DRAIN_LIMIT) {
                    request.connection().close();
                }
            });
            request.exceptionHandler(e -> {
            });
            request.endHandler(v -> request.connection().close());
            request.resume();
        }
    }

    private void respond(RoutingContext ctx, int status, Object body, boolean close) {
        HttpServerResponse response = ctx.response();
        if (response.ended() || response.headWritten()) {
            return;
        }
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a response", e);
        }
        response.setStatusCode(status).putHeader(HttpHeaderNames.CONTENT_TYPE, "application/json");
        if (close) {
            response.putHeader(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        response.end(Buffer.buffer(bytes));
    }

    private static void abort(BlobUpload staged) {
        staged.abort().subscribe().with(v -> {
        }, failure -> LOG.warn("Could not discard a refused upload", failure));
    }

    /** Runs {@code work} on a fresh duplicated context marked safe, which reactive Hibernate sessions need. */
    private <T> Uni<T> onSafeContext(Supplier<Uni<T>> work) {
        Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(context, true);
        return Uni.createFrom().emitter(emitter -> context.runOnContext(v -> Uni.createFrom().<T>deferred(work::get)
                .subscribe().with(emitter::complete, emitter::fail)));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
