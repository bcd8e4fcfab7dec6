package dev.ember.dataplane.openai;

import java.io.IOException;
import java.util.List;

import dev.ember.dataplane.openai.InferenceService.Choice;

/**
 * A text completion as {@code text_completion} events: one per shown token (the first of a choice led by the echoed
 * prompt), one per choice with its finish reason, the last of them with usage, then {@code data: [DONE]}.
 */
final class CompletionStream extends EventStream {

    /** Characters of each choice's text sent so far: where the next token's {@code text_offset} is. */
    private final int[] offsets;

    CompletionStream(InferenceService.Prepared prepared, InferenceService inference) {
        super(prepared, inference);
        this.offsets = new int[prepared.choices().size()];
    }

    @Override
    public void token(Choice choice, int token) throws IOException {
        Reply reply = choice.reply();
        String echo = token == 0 ? CompletionService.echo(prepared, choice) : "";
        String text = echo + reply.tokens().get(token);
        if (text.isEmpty()) {
            return;
        }
        TextCompletion.LegacyLogprobs logprobs = CompletionService.logprobs(prepared, choice, token, token + 1,
                offsets[choice.index()]);
        offsets[choice.index()] += text.length();
        send(chunk(new TextCompletion.Choice(choice.index(), text, logprobs, null), null));
    }

    @Override
    public void finished(Choice choice, boolean last) throws IOException {
        send(chunk(new TextCompletion.Choice(choice.index(), "", null, choice.reply().finishReason()),
                last ? prepared.usage() : null));
        if (last) {
            done();
        }
    }

    private TextCompletion chunk(TextCompletion.Choice choice, ChatCompletion.Usage usage) {
        return new TextCompletion(prepared.id(), TextCompletion.OBJECT, prepared.created(), prepared.request().model(),
                List.of(choice), usage);
    }
}
