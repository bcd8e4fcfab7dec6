package dev.ember.controlplane.upload;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.ember.common.error.PermissionDeniedException;
import dev.ember.common.error.UnauthenticatedException;

/**
 * Signs and checks upload tokens: {@code v1.<payload>.<signature>}, the payload the JSON of what the URL grants
 * (base64url) and the signature its HMAC-SHA256 under the store's secret (base64url). Anyone holding the URL may
 * upload that one file until it expires, as with a presigned S3 URL; no API key is needed.
 */
@ApplicationScoped
public class UploadTokens {

    static final String VERSION = "v1";
    private static final String HMAC = "HmacSHA256";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    /** The payload's JSON: short names keep URLs short. */
    record Payload(String t, String r, String u, String f, long s, long e) {
    }

    @Inject
    SigningKeyStore keys;

    @Inject
    Clock clock;

    public String sign(UploadToken token) {
        Payload payload = new Payload(token.target(), token.resource(), token.uid(), token.file(), token.size(),
                token.expires().getEpochSecond());
        try {
            String body = VERSION + "." + ENCODER.encodeToString(JSON.writeValueAsBytes(payload));
            return body + "." + ENCODER.encodeToString(mac(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an upload token", e);
        }
    }

    /**
     * The grant of a token: 401 UPLOAD_TOKEN_MALFORMED when it is not a token at all, 403 UPLOAD_SIGNATURE_INVALID
     * when it was not signed here or was changed, 403 UPLOAD_URL_EXPIRED when its time is up.
     */
    public UploadToken verify(String token) {
        String[] parts = token == null ? new String[0] : token.split("\\.", -1);
        if (parts.length != 3 || !parts[0].equals(VERSION)) {
            throw malformed();
        }
        byte[] signature;
        Payload payload;
        try {
            signature = Base64.getUrlDecoder().decode(parts[2]);
            payload = JSON.readValue(Base64.getUrlDecoder().decode(parts[1]), Payload.class);
        } catch (IllegalArgumentException | IOException e) {
            throw malformed();
        }
        if (!MessageDigest.isEqual(signature, mac(parts[0] + "." + parts[1]))) {
            throw new PermissionDeniedException("UPLOAD_SIGNATURE_INVALID",
                    "the upload URL's signature does not match: it was changed or not issued by this control plane;"
                            + " ask for a new one with :getUploadEndpoint");
        }
        if (payload.t() == null || payload.r() == null || payload.u() == null || payload.f() == null) {
            throw malformed();
        }
        Instant expires = Instant.ofEpochSecond(payload.e());
        if (!clock.instant().isBefore(expires)) {
            throw new PermissionDeniedException("UPLOAD_URL_EXPIRED",
                    "the upload URL expired at " + expires + "; ask for a new one with :getUploadEndpoint");
        }
        return new UploadToken(payload.t(), payload.r(), payload.u(), payload.f(), payload.s(), expires);
    }

    private byte[] mac(String body) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(keys.secret(), HMAC));
            return mac.doFinal(body.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    private static UnauthenticatedException malformed() {
        return new UnauthenticatedException("UPLOAD_TOKEN_MALFORMED",
                "this is not a signed upload URL; get one with :getUploadEndpoint");
    }
}
