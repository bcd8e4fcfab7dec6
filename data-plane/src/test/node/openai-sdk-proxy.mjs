// The real OpenAI SDK, unmodified, against a deployment the data plane proxies to an OpenAI-compatible server:
// a chat completion, a streamed one, a text completion and an upstream failure as the SDK reports it.
// Usage: node openai-sdk-proxy.mjs <baseURL> <apiKey> <model>; prints one JSON line with what it saw.
import OpenAI from 'openai';

const [baseURL, apiKey, model] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0 });

const completion = await client.chat.completions.create({
  model, messages: [{ role: 'user', content: 'Say hello' }], max_tokens: 16,
});

const stream = await client.chat.completions.create({
  model, messages: [{ role: 'user', content: 'Say hello' }], stream: true,
});
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

const text = await client.completions.create({ model, prompt: 'Once upon a time', max_tokens: 8 });

let failure = null;
try {
  await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'fail' }] });
} catch (e) {
  failure = { status: e.status, code: e.code, message: e.message };
}

console.log(JSON.stringify({
  content: completion.choices[0].message.content,
  usage: completion.usage,
  streamedText,
  chunks,
  finishReason,
  streamUsage,
  text: text.choices[0].text,
  failure,
}));
