// Uses the real OpenAI SDK, unmodified, against Ember's data plane: chat and text completions, plain and streamed,
// several choices, stop sequences, log probabilities, tools (the stream helper and the tool runner) and structured
// output.
// Usage: node openai-sdk.mjs <baseURL> <apiKey> <model>; prints one JSON line with what it saw, exits 1 on failure.
import OpenAI from 'openai';

const [baseURL, apiKey, model] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0 });
const messages = [{ role: 'user', content: 'Say hello' }];

const completion = await client.chat.completions.create({ model, messages, max_tokens: 32, seed: 11 });

const stream = await client.chat.completions.create({ model, messages, max_tokens: 32, seed: 11, stream: true });
let streamedText = '';
let chunks = 0;
let finishReason = null;
let streamUsage = null;
for await (const chunk of stream) {
  chunks++;
  streamedText += chunk.choices[0]?.delta?.content ?? '';
  finishReason = chunk.choices[0]?.finish_reason ?? finishReason;
  streamUsage = chunk.usage ?? streamUsage;
}

let notFound = null;
try {
  await client.chat.completions.create({ model: model + '-missing', messages });
} catch (e) {
  notFound = { status: e.status, code: e.code, type: e.type };
}

let badKey = null;
try {
  await new OpenAI({ baseURL, apiKey: 'em_wrong', maxRetries: 0 }).chat.completions.create({ model, messages });
} catch (e) {
  badKey = { status: e.status, code: e.code };
}

// Legacy text completions, plain (with echo and logprobs) and streamed.
const prompt = 'Once upon a time';
const text = await client.completions.create({ model, prompt, max_tokens: 16, seed: 5, echo: true, logprobs: 2 });
const textStream = await client.completions.create({ model, prompt, max_tokens: 16, seed: 5, echo: true, stream: true });
let streamedCompletion = '';
let completionStreamUsage = null;
for await (const chunk of textStream) {
  streamedCompletion += chunk.choices[0]?.text ?? '';
  completionStreamUsage = chunk.usage ?? completionStreamUsage;
}

// Several choices, a stop sequence, log probabilities.
const several = await client.chat.completions.create({
  model, messages, n: 3, seed: 2, stop: ['.'], logprobs: true, top_logprobs: 2,
});

// Tools: a streamed call assembled by the SDK's stream helper, and the SDK's tool runner (an agent loop).
const parameters = {
  type: 'object',
  properties: {
    city: { type: 'string' },
    unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
    days: { type: 'integer', minimum: 1, maximum: 7 },
  },
  required: ['city', 'unit'],
  additionalProperties: false,
};
const weather = { type: 'function', function: { name: 'get_weather', description: 'The weather in a city', parameters } };
const streamedCall = await client.chat.completions.stream({ model, messages, tools: [weather], seed: 4 })
  .finalChatCompletion();
const toolCalls = [];
const runner = client.chat.completions.runTools({
  model,
  messages: [{ role: 'user', content: 'What is the weather in Paris?' }],
  tools: [{
    type: 'function',
    function: {
      name: 'get_weather',
      parameters,
      parse: JSON.parse,
      function: (args) => {
        toolCalls.push(args);
        return { temperature: 18, sky: 'clear' };
      },
    },
  }],
});
const runnerAnswer = await runner.finalContent();

// Structured output: a JSON Schema response format, read back with the SDK's parse().
const person = {
  type: 'object',
  properties: { name: { type: 'string' }, age: { type: 'integer', minimum: 0, maximum: 120 } },
  required: ['name', 'age'],
  additionalProperties: false,
};
const structured = await client.chat.completions.parse({
  model, messages, response_format: { type: 'json_schema', json_schema: { name: 'person', strict: true, schema: person } },
});

console.log(JSON.stringify({
  object: completion.object,
  model: completion.model,
  content: completion.choices[0].message.content,
  usage: completion.usage,
  streamedText,
  chunks,
  finishReason,
  streamUsage,
  notFound,
  badKey,
  text: {
    object: text.object,
    text: text.choices[0].text,
    tokens: text.choices[0].logprobs.tokens,
    firstTokenLogprob: text.choices[0].logprobs.token_logprobs[0],
    usage: text.usage,
  },
  streamedCompletion,
  completionStreamUsage,
  several: {
    contents: several.choices.map((c) => c.message.content),
    indexes: several.choices.map((c) => c.index),
    finishReasons: several.choices.map((c) => c.finish_reason),
    logprobTokens: several.choices.map((c) => c.logprobs.content.map((t) => t.token).join('')),
    usage: several.usage,
  },
  streamedCall: {
    finishReason: streamedCall.choices[0].finish_reason,
    name: streamedCall.choices[0].message.tool_calls[0].function.name,
    arguments: JSON.parse(streamedCall.choices[0].message.tool_calls[0].function.arguments),
  },
  runner: { toolCalls, answer: runnerAnswer, requests: runner.allChatCompletions().length },
  structured: structured.choices[0].message.parsed,
  schemas: { weather: parameters, person },
}));
