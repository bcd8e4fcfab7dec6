package dev.ember.dataplane.engine;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Real, readable text for simulated replies, deterministic for a seed: sentences drawn from a fixed vocabulary, one
 * token per word or punctuation mark, ending naturally or at the token limit.
 */
public final class TextGenerator {

    private static final String[] OPENERS = {"The", "A", "This", "Every", "Our", "That", "Each", "Some", "Most",
            "Your"};
    private static final String[] NOUNS = {"model", "request", "replica", "answer", "system", "token", "cluster",
            "team", "service", "question", "result", "platform", "engine", "batch", "deployment", "region", "idea",
            "user", "prompt", "response", "network", "cache", "node", "schedule", "policy", "report", "value"};
    private static final String[] VERBS = {"serves", "returns", "builds", "handles", "explains", "measures",
            "shows", "needs", "finds", "keeps", "sends", "reads", "starts", "scales", "checks", "writes", "follows",
            "answers", "improves", "balances"};
    private static final String[] ADJECTIVES = {"fast", "simple", "clear", "useful", "small", "large", "careful",
            "steady", "quiet", "bright", "reliable", "new", "ready", "busy", "local", "shared", "patient", "exact"};
    private static final String[] LINKS = {"and", "while", "because", "so", "but", "when", "as", "until"};
    private static final String[] ENDINGS = {"today", "again", "quickly", "for everyone", "in time", "as planned",
            "without delay", "on request", "by design", "at scale"};

    /** Every word and punctuation mark the generator writes, lower case, each once. */
    static final List<String> VOCABULARY = vocabulary();

    /** The generated tokens, in order, and whether the text ended on its own before the limit. */
    public record Generation(List<String> tokens, boolean finished) {

        public String text() {
            return String.join("", tokens);
        }
    }

    private TextGenerator() {
    }

    /**
     * Generates up to {@code maxTokens} tokens; a natural reply runs 2 to 6 sentences. The same seed gives the same
     * text.
     */
    public static Generation generate(long seed, int maxTokens) {
        Random random = new Random(seed);
        List<String> tokens = new ArrayList<>();
        int sentences = 2 + random.nextInt(5);
        for (int s = 0; s < sentences; s++) {
            List<String> sentence = sentence(random);
            for (int i = 0; i < sentence.size(); i++) {
                if (tokens.size() == maxTokens) {
                    return new Generation(tokens, false);
                }
                String word = sentence.get(i);
                boolean punctuation = word.equals(".") || word.equals(",");
                tokens.add(tokens.isEmpty() || punctuation ? word : " " + word);
            }
        }
        return new Generation(tokens, true);
    }

    /** A phrase of {@code words} words drawn from the vocabulary, lower case, separated by single spaces. */
    public static String phrase(Random random, int words) {
        StringBuilder phrase = new StringBuilder();
        for (int i = 0; i < words; i++) {
            if (i > 0) {
                phrase.append(' ');
            }
            phrase.append(pick(random, i % 2 == 0 ? ADJECTIVES : NOUNS));
        }
        return phrase.toString();
    }

    /** A noun of the vocabulary: a plausible name for a JSON property. */
    public static String noun(Random random) {
        return pick(random, NOUNS);
    }

    private static List<String> vocabulary() {
        Set<String> words = new LinkedHashSet<>();
        Stream.of(OPENERS, NOUNS, VERBS, ADJECTIVES, LINKS, ENDINGS).flatMap(Stream::of)
                .flatMap(w -> Stream.of(w.split(" "))).map(String::toLowerCase).forEach(words::add);
        words.add("the");
        words.add(".");
        words.add(",");
        return List.copyOf(words);
    }

    private static List<String> sentence(Random random) {
        List<String> words = new ArrayList<>();
        clause(random, words, true);
        if (random.nextInt(3) == 0) {
            words.add(",");
            words.add(pick(random, LINKS));
            clause(random, words, false);
        }
        for (String w : pick(random, ENDINGS).split(" ")) {
            words.add(w);
        }
        words.add(".");
        return words;
    }

    private static void clause(Random random, List<String> words, boolean first) {
        String opener = pick(random, OPENERS);
        words.add(first ? opener : opener.toLowerCase());
        if (random.nextBoolean()) {
            words.add(pick(random, ADJECTIVES));
        }
        words.add(pick(random, NOUNS));
        words.add(pick(random, VERBS));
        words.add(random.nextBoolean() ? "the" : "a");
        words.add(pick(random, ADJECTIVES));
        words.add(pick(random, NOUNS));
    }

    private static String pick(Random random, String[] words) {
        return words[random.nextInt(words.length)];
    }
}
