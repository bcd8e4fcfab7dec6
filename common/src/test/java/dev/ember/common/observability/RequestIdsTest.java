package dev.ember.common.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class RequestIdsTest {

    @Test
    void aSaneOfferedIdIsKeptAndAnythingElseGetsAFreshRandomUuid() {
        assertThat(RequestIds.idFor("trace-42/a:b")).isEqualTo("trace-42/a:b");

        String fresh = RequestIds.idFor("two words\nforged log line");
        UUID parsed = UUID.fromString(fresh);
        assertThat(parsed.version()).isEqualTo(4);
        assertThat(parsed.variant()).isEqualTo(2);
        assertThat(parsed.toString()).isEqualTo(fresh);
    }

    @Test
    void freshIdsDoNotRepeat() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            ids.add(RequestIds.idFor(null));
        }
        assertThat(ids).hasSize(10_000);
    }
}
