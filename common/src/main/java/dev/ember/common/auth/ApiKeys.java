package dev.ember.common.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/** API key secrets: how they are made, what is stored of them (a SHA-256 and a short prefix), how they are read. */
public final class ApiKeys {

    public static final String SECRET_PREFIX = "em_";
    private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private ApiKeys() {
    }

    /** A new secret: {@code em_} and 40 base62 characters (about 238 bits). */
    public static String generate() {
        StringBuilder key = new StringBuilder(SECRET_PREFIX);
        for (int i = 0; i < 40; i++) {
            key.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return key.toString();
    }

    public static String hash(String key) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** What may be shown of a key after creation: its first 8 characters. */
    public static String prefix(String key) {
        return key.substring(0, Math.min(8, key.length()));
    }

    /** The key of an {@code Authorization: Bearer <key>} header, if there is one. */
    public static Optional<String> fromAuthorization(String header) {
        if (header == null) {
            return Optional.empty();
        }
        String h = header.trim();
        if (h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String key = h.substring(7).trim();
            return key.isEmpty() ? Optional.empty() : Optional.of(key);
        }
        return Optional.empty();
    }
}
