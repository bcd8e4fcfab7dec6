// Sends serverless requests with the real OpenAI SDK, unmodified, until Ember refuses one over the account's rate
// limit, and reports how the SDK saw it: the error class, status, code and the rate-limit headers.
// Usage: node rate-limit.mjs <baseURL> <apiKey> <model>; prints one JSON line.
import OpenAI from 'openai';

const [baseURL, apiKey, model] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0 });
const messages = [{ role: 'user', content: 'Say hello' }];

let served = 0;
let refused = null;
for (let i = 0; i < 10 && refused === null; i++) {
  try {
    const { data, response } = await client.chat.completions
      .create({ model, messages, max_tokens: 8 })
      .withResponse();
    if (data.object === 'chat.completion' && response.headers.get('x-ratelimit-limit-requests')) {
      served++;
    }
  } catch (e) {
    refused = {
      rateLimitError: e instanceof OpenAI.RateLimitError,
      name: e.constructor.name,
      status: e.status,
      type: e.type,
      code: e.code,
      message: e.message,
      retryAfter: e.headers?.get('retry-after'),
      remainingRequests: e.headers?.get('x-ratelimit-remaining-requests'),
      limitRequests: e.headers?.get('x-ratelimit-limit-requests'),
    };
  }
}
console.log(JSON.stringify({ served, refused }));
