package dev.ember.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootstrapIdentityTest {

    @TempDir
    Path home;

    @Test
    void firstStartMakesTheLocalAccountAndAKeyThatLaterStartsReuse() throws IOException {
        BootstrapIdentity first = BootstrapIdentity.loadOrCreate(home);
        BootstrapIdentity second = BootstrapIdentity.loadOrCreate(home);

        assertThat(first.accountId()).isEqualTo("local");
        assertThat(first.apiKey()).startsWith("em_").hasSize(43);
        assertThat(second).isEqualTo(first);
        Path file = home.resolve("bootstrap.properties");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }

    @Test
    void aFileWithoutTheKeyIsReportedRatherThanReplaced() throws IOException {
        Files.writeString(home.resolve("bootstrap.properties"), "account_id=local\n");

        assertThatThrownBy(() -> BootstrapIdentity.loadOrCreate(home))
                .isInstanceOf(StartupException.class)
                .hasMessageContaining("api_key");
    }
}
