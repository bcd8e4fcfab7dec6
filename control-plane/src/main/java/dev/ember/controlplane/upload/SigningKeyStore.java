package dev.ember.controlplane.upload;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.vertx.VertxContextSupport;

import dev.ember.controlplane.blob.BlobConfig;

/**
 * The secret upload URLs are signed with: {@code ember.blob.signing-key} when set, otherwise one generated on the
 * first start and kept in the database (table {@code blob_signing_key}), so every replica and restart agrees.
 */
@ApplicationScoped
public class SigningKeyStore {

    static final String KEY_ID = "upload-urls";
    static final int MIN_CONFIGURED_LENGTH = 32;
    private static final Logger LOG = Logger.getLogger(SigningKeyStore.class);

    @Inject
    BlobConfig config;

    @Inject
    Clock clock;

    private volatile byte[] secret;

    void onStart(@Observes StartupEvent ignored) throws Throwable {
        if (config.signingKey().isPresent()) {
            String configured = config.signingKey().get();
            if (configured.length() < MIN_CONFIGURED_LENGTH) {
                throw new IllegalStateException("ember.blob.signing-key must be at least " + MIN_CONFIGURED_LENGTH
                        + " characters long");
            }
            secret = configured.getBytes(StandardCharsets.UTF_8);
            return;
        }
        byte[] fresh = new byte[32];
        new SecureRandom().nextBytes(fresh);
        String encoded = Base64.getEncoder().encodeToString(fresh);
        String stored = VertxContextSupport.subscribeAndAwait(() -> Panache.withTransaction(() -> Panache.getSession()
                .chain(s -> s.createNativeQuery("insert into {h-schema}blob_signing_key (key_id, secret, create_time) "
                        + "values (:id, :secret, :now) on conflict (key_id) do nothing")
                        .setParameter("id", KEY_ID)
                        .setParameter("secret", encoded)
                        .setParameter("now", clock.instant())
                        .executeUpdate()
                        .chain(inserted -> {
                            if (inserted > 0) {
                                LOG.info("Generated the upload URL signing key (set ember.blob.signing-key to "
                                        + "choose one)");
                            }
                            return s.createNativeQuery(
                                    "select secret from {h-schema}blob_signing_key where key_id = :id",
                                    String.class).setParameter("id", KEY_ID).getSingleResult();
                        }))));
        secret = Base64.getDecoder().decode(stored);
    }

    /** The signing secret; available once the application has started. */
    public byte[] secret() {
        byte[] s = secret;
        if (s == null) {
            throw new IllegalStateException("the upload signing key is not loaded yet");
        }
        return s;
    }
}
