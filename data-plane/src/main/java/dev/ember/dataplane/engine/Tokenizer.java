package dev.ember.dataplane.engine;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counts tokens the way BPE tokenizers roughly do on English: a word is one token per six characters, each
 * punctuation mark is one.
 */
public final class Tokenizer {

    private static final Pattern PIECES = Pattern.compile("\\p{L}+|\\p{N}+|[^\\p{L}\\p{N}\\s]");
    /** Tokens a chat template adds per message (role header and end-of-turn). */
    public static final int PER_MESSAGE = 4;
    /** Tokens that prime the assistant's reply. */
    public static final int REPLY_PRIMER = 3;

    private Tokenizer() {
    }

    public static int count(String text) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        int tokens = 0;
        Matcher m = PIECES.matcher(text);
        while (m.find()) {
            tokens += (m.end() - m.start() + 5) / 6;
        }
        return tokens;
    }
}
