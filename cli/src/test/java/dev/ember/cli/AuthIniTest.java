package dev.ember.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class AuthIniTest {

    private final AuthIni ini = AuthIni.parse(List.of(
            "# written by ember up",
            "account_id = local",
            "api_key = em_local",
            "api_base = http://127.0.0.1:8080",
            "",
            "[staging]",
            "; a user-added profile",
            "account_id = acme",
            "api_key=em_acme",
            "[empty]"));

    @Test
    void topLevelKeysAreTheDefaultProfile() {
        assertThat(ini.get(null, "account_id")).contains("local");
        assertThat(ini.get(null, "api_key")).contains("em_local");
    }

    @Test
    void aProfileOverridesItsKeysAndInheritsTheRest() {
        assertThat(ini.get("staging", "account_id")).contains("acme");
        assertThat(ini.get("staging", "api_key")).contains("em_acme");
        assertThat(ini.get("staging", "api_base")).contains("http://127.0.0.1:8080");
        assertThat(ini.get("empty", "account_id")).contains("local");
        assertThat(ini.profileNames()).containsExactly("staging", "empty");
        assertThat(ini.get(null, "inference_base")).isEmpty();
    }
}
