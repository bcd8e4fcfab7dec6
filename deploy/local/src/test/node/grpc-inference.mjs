// Calls Ember's gRPC inference API from outside Java, with @grpc/grpc-js and the proto file as published:
// chat and text completions, unary and streamed, the serving metadata, and errors with their google.rpc details.
// Usage: node grpc-inference.mjs <host:port> <apiKey> <model> <protoDir>; prints one JSON line, exits 1 on failure.
import grpc from '@grpc/grpc-js';
import protoLoader from '@grpc/proto-loader';
import protobuf from 'protobufjs';

const [address, apiKey, model, protoDir] = process.argv.slice(2);
const definition = protoLoader.loadSync('ember/v1/inference.proto', {
  includeDirs: [protoDir], keepCase: true, longs: String, enums: String, defaults: false, oneofs: true,
});
const { Inference } = grpc.loadPackageDefinition(definition).ember.v1;
const client = new Inference(address, grpc.credentials.createInsecure());
const auth = (key) => {
  const metadata = new grpc.Metadata();
  if (key) metadata.set('authorization', `Bearer ${key}`);
  return metadata;
};
const messages = [{ role: 'user', content: 'Say hello' }];

// The google.rpc.Status in the trailers, decoded with the two detail types the API sends most.
const rpc = protobuf.parse(`syntax = "proto3"; package google.rpc;
  message Any { string type_url = 1; bytes value = 2; }
  message Status { int32 code = 1; string message = 2; repeated Any details = 3; }
  message ErrorInfo { string reason = 1; string domain = 2; map<string, string> metadata = 3; }
  message Duration { int64 seconds = 1; int32 nanos = 2; }
  message RetryInfo { Duration retry_delay = 1; }`, { keepCase: true }).root;
function failure(e) {
  const seen = { code: grpc.status[e.code], message: e.details };
  const bin = e.metadata?.get('grpc-status-details-bin')?.[0];
  if (bin) {
    const status = rpc.lookupType('google.rpc.Status').decode(bin);
    // The message as sent: grpc-js leaves reserved characters of the grpc-message header percent-encoded.
    seen.message = status.message;
    for (const any of status.details) {
      const name = any.type_url.split('/').pop();
      if (name === 'google.rpc.ErrorInfo') {
        const info = rpc.lookupType('google.rpc.ErrorInfo').decode(any.value);
        seen.reason = info.reason;
        seen.type = info.metadata.type;
        seen.param = info.metadata.param ?? null;
      } else if (name === 'google.rpc.RetryInfo') {
        seen.retrySeconds = Number(rpc.lookupType('google.rpc.RetryInfo').decode(any.value).retry_delay.seconds);
      }
    }
  }
  return seen;
}

function unary(method, request, key = apiKey) {
  return new Promise((resolve, reject) => {
    let headers = null;
    const call = client[method](request, auth(key), (err, reply) => (err ? reject(err) : resolve({ reply, headers })));
    call.on('metadata', (m) => { headers = m.getMap(); });
  });
}

function streamed(method, request, key = apiKey) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let headers = null;
    const call = client[method](request, auth(key));
    call.on('metadata', (m) => { headers = m.getMap(); });
    call.on('data', (chunk) => chunks.push(chunk));
    call.on('error', reject);
    call.on('status', (s) => { if (s.code === grpc.status.OK) resolve({ chunks, headers, trailers: s.metadata.getMap() }); });
  });
}

async function refused(call) {
  try {
    await call();
  } catch (e) {
    return failure(e);
  }
  throw new Error('the call did not fail');
}

const chat = await unary('CreateChatCompletion', { model, messages, max_tokens: 32, seed: 11 });
const stream = await streamed('StreamChatCompletion', { model, messages, max_tokens: 32, seed: 11 });
const last = stream.chunks[stream.chunks.length - 1];
const text = await unary('CreateCompletion', { model, prompt: ['Once upon a time'], max_tokens: 16, seed: 5, echo: true });
const textStream = await streamed('StreamCompletion', { model, prompt: ['Once upon a time'], max_tokens: 16, seed: 5, echo: true });
const tool = await unary('CreateChatCompletion', {
  model, messages, seed: 3,
  tools: [{ type: 'function', function: { name: 'get_weather', parameters: { fields: {
    type: { stringValue: 'object' },
    properties: { structValue: { fields: { city: { structValue: { fields: { type: { stringValue: 'string' } } } } } } },
    required: { listValue: { values: [{ stringValue: 'city' }] } },
  } } } }],
  tool_choice: { stringValue: 'required' },
});

console.log(JSON.stringify({
  object: chat.reply.object,
  model: chat.reply.model,
  content: chat.reply.choices[0].message.content,
  usage: chat.reply.usage,
  headers: chat.headers,
  streamedText: stream.chunks.map((c) => c.choices[0]?.delta?.content ?? '').join(''),
  chunks: stream.chunks.length,
  finishReason: last.choices[0].finish_reason,
  streamUsage: last.usage,
  streamTrailers: stream.trailers,
  text: text.reply.choices[0].text,
  streamedCompletion: textStream.chunks.map((c) => c.choices[0]?.text ?? '').join(''),
  toolCall: tool.reply.choices[0].message.tool_calls?.[0]?.function ?? null,
  toolFinish: tool.reply.choices[0].finish_reason,
  notFound: await refused(() => unary('CreateChatCompletion', { model: `${model}-missing`, messages })),
  badParam: await refused(() => unary('CreateChatCompletion', { model, messages, max_tokens: 0 })),
  badKey: await refused(() => streamed('StreamChatCompletion', { model, messages }, 'em_wrong')),
  noKey: await refused(() => unary('CreateCompletion', { model, prompt: ['hi'] }, null)),
}));
client.close();
