package dev.ember.common.name;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import dev.ember.common.error.InvalidArgumentException;

class ApiKeyNameTest {

    @Test
    void userAndKeyNamesParseIntoTheirIdsAndPrintBack() {
        ApiKeyName key = ApiKeyName.parse("name", "accounts/acme/users/alice/apiKeys/k1");
        assertThat(key.user()).isEqualTo(new UserName("acme", "alice"));
        assertThat(key.key()).isEqualTo("k1");
        assertThat(key.account()).isEqualTo("acme");
        assertThat(key.toString()).isEqualTo("accounts/acme/users/alice/apiKeys/k1");
        assertThat(UserName.parse("name", "accounts/acme/users/alice").toString())
                .isEqualTo("accounts/acme/users/alice");
    }

    @Test
    void aBadUserOrKeyIdNamesItsField() {
        assertThatThrownBy(() -> new UserName("acme", "Alice"))
                .isInstanceOfSatisfying(InvalidArgumentException.class,
                        e -> assertThat(e.violations()).extracting("field").containsExactly("userId"));
        assertThatThrownBy(() -> new ApiKeyName(new UserName("acme", "alice"), "KEY_1"))
                .isInstanceOfSatisfying(InvalidArgumentException.class,
                        e -> assertThat(e.violations()).extracting("field").containsExactly("keyId"));
        assertThatThrownBy(() -> ApiKeyName.parse("name", "accounts/acme/users/alice/keys/k1"))
                .isInstanceOfSatisfying(InvalidArgumentException.class,
                        e -> assertThat(e.getMessage()).contains("accounts/{account}/users/{user}/apiKeys/{apiKey}"));
    }
}
