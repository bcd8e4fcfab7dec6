package dev.ember.controlplane.blob;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where uploaded files are kept and how the signed upload URLs that receive them are made. */
@ConfigMapping(prefix = "ember.blob")
public interface BlobConfig {

    /**
     * The folder of the local blob store. Every control-plane replica must see the same folder (on Kubernetes, a
     * ReadWriteMany volume).
     */
    Path root();

    /**
     * The secret that signs upload URLs. When unset, one is generated on the first start and kept in the database,
     * so every replica and every restart signs alike.
     */
    Optional<String> signingKey();

    /** How long a signed upload URL may be used to start an upload. */
    @WithDefault("PT6H")
    Duration uploadUrlTtl();

    /** The largest file one upload URL accepts; larger declared files are refused, larger bodies get 413. */
    @WithDefault("200G")
    MemorySize maxFileSize();

    /**
     * The base URL clients reach the control plane at, for the signed URLs (e.g. https://ember.example.com). When
     * unset, the base URL of the request that asked for the upload URLs is used.
     */
    Optional<String> publicUrl();
}
