package dev.ember.dataplane.engine;

import java.util.ArrayList;
import java.util.List;
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

    /**
     * The text cut into the tokens {@link #count} counts (a word in pieces of six characters, each punctuation mark
     * alone), each carrying the whitespace before it and the last one the whitespace after it: joined, they give the
     * text back. A text of whitespace only is one token.
     */
    public static List<String> split(String text) {
        List<String> tokens = new ArrayList<>();
        if (text == null || text.isEmpty()) {
            return tokens;
        }
        Matcher m = PIECES.matcher(text);
        int from = 0;
        while (m.find()) {
            for (int end = m.start(); end < m.end();) {
                end = Math.min(m.end(), end + 6);
                if (end < m.end() && Character.isLowSurrogate(text.charAt(end))) {
                    end++;
                }
                tokens.add(text.substring(from, end));
                from = end;
            }
        }
        if (from < text.length()) {
            if (tokens.isEmpty()) {
                tokens.add(text);
            } else {
                tokens.set(tokens.size() - 1, tokens.get(tokens.size() - 1) + text.substring(from));
            }
        }
        return tokens;
    }
}
