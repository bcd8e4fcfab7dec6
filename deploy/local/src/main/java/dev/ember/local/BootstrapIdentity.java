package dev.ember.local;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

import dev.ember.common.auth.ApiKeys;

/**
 * The account and platform-admin key the control plane makes sure exist. Made on the first start of a home and kept
 * in its {@code bootstrap.properties}, so the key a user saved keeps working after a restart.
 */
public record BootstrapIdentity(String accountId, String apiKey) {

    static final String FILE_NAME = "bootstrap.properties";
    static final String DEFAULT_ACCOUNT_ID = "local";
    private static final String ACCOUNT_ID = "account_id";
    private static final String API_KEY = "api_key";

    static BootstrapIdentity loadOrCreate(Path home) {
        Path file = home.resolve(FILE_NAME);
        try {
            if (Files.exists(file)) {
                return load(file);
            }
            BootstrapIdentity identity = new BootstrapIdentity(DEFAULT_ACCOUNT_ID, ApiKeys.generate());
            identity.save(file);
            return identity;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + file, e);
        }
    }

    private static BootstrapIdentity load(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        String accountId = properties.getProperty(ACCOUNT_ID, "").trim();
        String apiKey = properties.getProperty(API_KEY, "").trim();
        if (accountId.isEmpty() || apiKey.isEmpty()) {
            throw new StartupException(file + " lacks " + ACCOUNT_ID + " or " + API_KEY
                    + ". Restore it, or delete it to have a new key made.");
        }
        return new BootstrapIdentity(accountId, apiKey);
    }

    private void save(Path file) throws IOException {
        Properties properties = new Properties();
        properties.setProperty(ACCOUNT_ID, accountId);
        properties.setProperty(API_KEY, apiKey);
        StringWriter text = new StringWriter();
        properties.store(text, "Ember local platform: the bootstrap account and its platform-admin API key");
        PrivateFiles.write(file, text.toString());
    }
}
