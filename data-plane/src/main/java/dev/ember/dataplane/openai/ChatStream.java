package dev.ember.dataplane.openai;

import java.io.IOException;
import java.util.List;

import dev.ember.dataplane.openai.ChatCompletionChunk.Delta;
import dev.ember.dataplane.openai.ChatCompletionChunk.FunctionDelta;
import dev.ember.dataplane.openai.ChatCompletionChunk.ToolCallDelta;
import dev.ember.dataplane.openai.InferenceService.Choice;

/**
 * A chat completion as {@code chat.completion.chunk} events: a first chunk per choice with the role (sent when the
 * engine has the request, before its first token), one chunk per shown token (content, or a piece of a tool call's
 * arguments, the first piece with the call's id and function name), a chunk per choice with its finish reason, the
 * last of them with usage, then {@code data: [DONE]}.
 */
final class ChatStream extends EventStream {

    ChatStream(InferenceService.Prepared prepared, InferenceService inference) {
        super(prepared, inference);
    }

    @Override
    public void started() throws IOException {
        for (Choice choice : prepared.choices()) {
            String content = choice.reply().toolCall() == null ? "" : null;
            send(chunk(choice, new Delta("assistant", content, null), null, null, null));
        }
    }

    @Override
    public void token(Choice choice, int token) throws IOException {
        Reply reply = choice.reply();
        String piece = reply.tokens().get(token);
        if (reply.toolCall() != null) {
            ToolCallDelta call = token == 0
                    ? new ToolCallDelta(0, reply.toolCall().id(), "function",
                            new FunctionDelta(reply.toolCall().name(), piece))
                    : new ToolCallDelta(0, null, null, new FunctionDelta(null, piece));
            send(chunk(choice, new Delta(null, null, List.of(call)), null, null, null));
        } else if (!piece.isEmpty()) {
            ChatCompletion.Logprobs logprobs = reply.logprobs() == null
                    ? null
                    : ChatCompletion.Logprobs.of(List.of(reply.logprobs().get(token)));
            send(chunk(choice, new Delta(null, piece, null), logprobs, null, null));
        }
    }

    @Override
    public void finished(Choice choice, boolean last) throws IOException {
        send(chunk(choice, new Delta(null, null, null), null, choice.reply().finishReason(),
                last ? prepared.usage() : null));
        if (last) {
            done();
        }
    }

    private ChatCompletionChunk chunk(Choice choice, Delta delta, ChatCompletion.Logprobs logprobs,
            String finishReason, ChatCompletion.Usage usage) {
        return new ChatCompletionChunk(prepared.id(), ChatCompletionChunk.OBJECT, prepared.created(),
                prepared.request().model(), List.of(new ChatCompletionChunk.Choice(choice.index(), delta, logprobs,
                        finishReason)),
                usage);
    }
}
