// Uses the real OpenAI SDK, unmodified, against Ember's data plane.
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
}));
