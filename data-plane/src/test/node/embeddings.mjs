// Asks Ember for embeddings with the real OpenAI SDK, unmodified: once as the SDK does by default (it requests base64
// and decodes it), once as floats, once cut to fewer dimensions, and reports what the SDK returned.
// Usage: node embeddings.mjs <baseURL> <apiKey> <model>; prints one JSON line.
import OpenAI from 'openai';

const [baseURL, apiKey, model] = process.argv.slice(2);
const client = new OpenAI({ baseURL, apiKey, maxRetries: 0 });
const input = ['The cat sat on the mat', 'Quarterly revenue grew strongly'];

const byDefault = await client.embeddings.create({ model, input });
const floats = await client.embeddings.create({ model, input, encoding_format: 'float' });
const cut = await client.embeddings.create({ model, input: input[0], dimensions: 64 });
let refused = null;
try {
  await client.embeddings.create({ model, input: '' });
} catch (e) {
  refused = { name: e.constructor.name, status: e.status, param: e.param };
}
console.log(JSON.stringify({
  object: byDefault.object,
  byDefault: byDefault.data.map((d) => Array.from(d.embedding)),
  floats: floats.data.map((d) => d.embedding),
  cut: cut.data[0].embedding,
  usage: floats.usage,
  refused,
}));
