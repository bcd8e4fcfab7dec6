package dev.ember.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthFileTest {

    @TempDir
    Path dir;

    @Test
    void newFileHoldsTheFourKeysAndOnlyItsOwnerCanReadIt() throws IOException {
        Path file = dir.resolve("nested/auth.ini");

        AuthFile.write(file, "local", "em_key", "http://127.0.0.1:8080", "http://127.0.0.1:8081/inference/v1");

        assertThat(Files.readAllLines(file)).containsExactly(
                "account_id = local",
                "api_key = em_key",
                "api_base = http://127.0.0.1:8080",
                "inference_base = http://127.0.0.1:8081/inference/v1");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void restartReplacesTheKeysAndKeepsWhatTheUserAdded() throws IOException {
        Path file = dir.resolve("auth.ini");
        Files.writeString(file, """
                # my comment
                api_key = em_old
                api_key = em_older
                region = us

                [profile staging]
                api_key = em_staging
                api_base = https://staging.example
                """);

        AuthFile.write(file, "local", "em_new", "http://127.0.0.1:9080", "http://127.0.0.1:9081/inference/v1");

        assertThat(Files.readAllLines(file)).containsExactly(
                "# my comment",
                "api_key = em_new",
                "region = us",
                "account_id = local",
                "api_base = http://127.0.0.1:9080",
                "inference_base = http://127.0.0.1:9081/inference/v1",
                "",
                "[profile staging]",
                "api_key = em_staging",
                "api_base = https://staging.example");
    }
}
