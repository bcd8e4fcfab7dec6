package dev.ember.dataplane.openai;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;

import dev.ember.common.error.FieldViolation;
import dev.ember.common.error.InvalidArgumentException;
import dev.ember.dataplane.engine.Logprobs;
import dev.ember.dataplane.engine.Tokenizer;
import dev.ember.dataplane.routing.KeyCache;

/**
 * Text completions ({@code /completions}, OpenAI's legacy endpoint): the prompt is continued as it is, with no chat
 * template; a list of prompts gets {@code n} choices each, and {@code echo} repeats each prompt before its reply.
 */
@ApplicationScoped
public class CompletionService {

    /** The beginning-of-sequence token a tokenizer puts before a raw prompt. */
    static final int BOS = 1;
    /** Keeps the log probabilities of an echoed prompt apart from those of the reply drawn from the same seed. */
    private static final long ECHO_STREAM = 0x2545F4914F6CDD1DL;

    @Inject
    InferenceService inference;

    /** Validates, then prepares the request on a replica with every choice's reply drawn. */
    public InferenceService.Prepared prepare(KeyCache.Key caller, CompletionRequest request) {
        return prepare(caller, request, InferenceService.Routing.NONE);
    }

    /** As {@link #prepare(KeyCache.Key, CompletionRequest)}, routed as the request's headers ask. */
    public InferenceService.Prepared prepare(KeyCache.Key caller, CompletionRequest request,
            InferenceService.Routing routing) {
        List<FieldViolation> violations = new ArrayList<>();
        List<String> texts = prompts(request.prompt(), violations);
        Sampling sampling = Sampling.of(request, violations);
        if (texts.size() * sampling.n() > Sampling.MAX_N && violations.isEmpty()) {
            violations.add(new FieldViolation("n", "the prompts times n make " + texts.size() * sampling.n()
                    + " choices, more than " + Sampling.MAX_N));
        }
        if (!violations.isEmpty()) {
            throw InvalidArgumentException.fields(violations);
        }
        List<InferenceService.Prompt> prompts = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            String param = request.prompt().isArray() ? "prompt[" + i + "]" : "prompt";
            prompts.add(new InferenceService.Prompt(texts.get(i), BOS + Tokenizer.count(texts.get(i)), param));
        }
        // The reply continues the prompt: after a space, unless the prompt ends with one (or is empty).
        return inference.prepare(caller, request, sampling, prompts, "cmpl-", (prompt, seed, maxTokens) -> {
            String text = texts.get(prompt);
            boolean spaced = text.isEmpty() || Character.isWhitespace(text.charAt(text.length() - 1));
            return Reply.content(sampling, seed, maxTokens, spaced ? "" : " ");
        }, routing);
    }

    /** The whole {@code text_completion}, returned when the engine has generated all of it. */
    public InferenceService.Generation<InferenceService.Completed> complete(InferenceService.Prepared p) {
        return inference.run(p, InferenceService.TokenSink.NONE).map(ttft -> {
            List<TextCompletion.Choice> choices = p.choices().stream()
                    .map(c -> new TextCompletion.Choice(c.index(), echo(p, c) + c.reply().text(),
                            logprobs(p, c, 0, c.reply().tokens().size(), 0), c.reply().finishReason()))
                    .toList();
            return new InferenceService.Completed(new TextCompletion(p.id(), TextCompletion.OBJECT, p.created(),
                    p.request().model(), choices, p.usage()), ttft);
        });
    }

    /** The reply as chunks to {@code sink} at the engine's pace; completes with how long the first token took. */
    public InferenceService.Generation<Duration> stream(InferenceService.Prepared p, ChunkSink sink) {
        return new CompletionStream(p, inference).deliver(sink);
    }

    /** The prompt the choice answers when {@code echo} asks for it, else "". */
    static String echo(InferenceService.Prepared p, InferenceService.Choice choice) {
        return Boolean.TRUE.equals(((CompletionRequest) p.request()).echo())
                ? p.prompts().get(choice.prompt()).text()
                : "";
    }

    /**
     * The legacy log probabilities of the choice's reply tokens {@code from} to {@code to} (led by the echoed prompt's
     * when {@code from} is 0), the first at character {@code offset}; null when they were not asked for.
     */
    static TextCompletion.LegacyLogprobs logprobs(InferenceService.Prepared p, InferenceService.Choice choice,
            int from, int to, int offset) {
        if (choice.reply().logprobs() == null) {
            return null;
        }
        List<Logprobs.Position> positions = new ArrayList<>();
        String echo = from == 0 ? echo(p, choice) : "";
        if (!echo.isEmpty()) {
            positions.addAll(Reply.logprobs(Tokenizer.split(echo), p.sampling().topLogprobs(),
                    choice.seed() ^ ECHO_STREAM));
        }
        positions.addAll(choice.reply().logprobs().subList(from, to));
        return TextCompletion.LegacyLogprobs.of(positions, offset, !echo.isEmpty());
    }

    /** The prompts of the request: a string, or a non-empty list of strings. Token-ID prompts are refused. */
    private static List<String> prompts(JsonNode prompt, List<FieldViolation> violations) {
        List<String> texts = new ArrayList<>();
        if (prompt != null && prompt.isTextual()) {
            texts.add(prompt.asText());
        } else if (prompt != null && prompt.isArray() && !prompt.isEmpty()) {
            for (int i = 0; i < prompt.size(); i++) {
                JsonNode item = prompt.get(i);
                if (item.isTextual()) {
                    texts.add(item.asText());
                } else {
                    violations.add(new FieldViolation("prompt[" + i + "]", item.isNumber() || item.isArray()
                            ? "token-ID prompts are not supported by the simulated engine, which has no vocabulary "
                                    + "of IDs: send the text"
                            : "must be a string"));
                    return texts;
                }
            }
            if (texts.size() > Sampling.MAX_N) {
                violations.add(new FieldViolation("prompt", "at most " + Sampling.MAX_N + " prompts per request"));
            }
        } else {
            violations.add(new FieldViolation("prompt", "must be a string or a non-empty list of strings"));
        }
        return texts;
    }
}
