package dev.ember.dataplane.engine;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Simulated log probabilities: the sampled token is the most likely one at its position (probability 0.35 to 0.99),
 * and the alternatives are other words of the vocabulary, written the way the sampled token is (leading space,
 * capital), each less likely than the one before, all together at most the probability left. They are drawn from a
 * seed, so the same reply has the same log probabilities.
 */
public final class Logprobs {

    /** The most alternatives a position lists (OpenAI's and Fireworks' limit is 5, and 20 in newer OpenAI models). */
    public static final int MAX_TOP = 20;

    /** A token and its log probability. */
    public record Candidate(String token, double logprob) {
    }

    /** One position: the token sampled there, its log probability, and the most likely tokens, itself first. */
    public record Position(String token, double logprob, List<Candidate> top) {
    }

    private Logprobs() {
    }

    /** The position of {@code token} with its {@code top} most likely tokens (none for 0). */
    public static Position draw(Random random, String token, int top) {
        double p = 0.35 + 0.64 * Math.sqrt(random.nextDouble());
        double logprob = Math.log(p);
        List<Candidate> candidates = new ArrayList<>();
        if (top > 0) {
            candidates.add(new Candidate(token, logprob));
        }
        Set<String> used = new HashSet<>();
        used.add(token);
        double rest = 1 - p;
        double share = rest;
        for (int k = 1; k < Math.min(top, MAX_TOP); k++) {
            // Halves (with jitter) at each step: decreasing, below the sampled token (rest <= 0.65 < 2 x 0.35), and
            // summing to less than what is left.
            share *= 0.5;
            double q = share * (0.6 + 0.4 * random.nextDouble());
            candidates.add(new Candidate(alternative(random, token, used), Math.log(q)));
        }
        return new Position(token, logprob, List.copyOf(candidates));
    }

    /** Another word, shaped like {@code token}: with its leading space, and capitalised when it is. */
    private static String alternative(Random random, String token, Set<String> used) {
        List<String> words = TextGenerator.VOCABULARY;
        boolean space = token.startsWith(" ");
        String bare = space ? token.substring(1) : token;
        boolean capital = !bare.isEmpty() && Character.isUpperCase(bare.charAt(0));
        for (int start = random.nextInt(words.size()), i = 0; i < words.size(); i++) {
            String word = words.get((start + i) % words.size());
            if (capital) {
                word = Character.toUpperCase(word.charAt(0)) + word.substring(1);
            }
            String candidate = space ? " " + word : word;
            if (used.add(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("the vocabulary has fewer than " + MAX_TOP + " words");
    }
}
