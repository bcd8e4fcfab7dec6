package dev.ember.dataplane.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The tokens a text is cut into are the ones the prompt is billed for, and give the text back. */
class TokenizerTest {

    @ParameterizedTest
    @ValueSource(strings = {"Say hello", "  leading and trailing  ", "{\"city\":\"Paris\",\"n\":12}",
            "internationalization is a long word.", "x", "a\nb\tc", "naïve café, 2024!", "emoji 🎉 here"})
    void splitGivesTheTextBackInAsManyTokensAsCountSays(String text) {
        assertThat(String.join("", Tokenizer.split(text))).isEqualTo(text);
        assertThat(Tokenizer.split(text)).hasSize(Tokenizer.count(text));
        assertThat(Tokenizer.split(text)).noneMatch(String::isEmpty);
    }

    @ParameterizedTest
    @ValueSource(strings = {"   ", "\n"})
    void whitespaceAloneIsOneToken(String text) {
        assertThat(Tokenizer.split(text)).containsExactly(text);
    }
}
