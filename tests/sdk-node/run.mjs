#!/usr/bin/env node
// Drives a running Tollgate gateway with the official `openai` npm SDK, unmodified, so the .NET
// functional tests can prove real clients work end to end (not just our reading of the spec).
//
//   node tests/sdk-node/run.mjs <scenario>
//
// Environment:
//   TOLLGATE_BASE_URL      gateway base including /v1, e.g. http://127.0.0.1:5123/v1 (required)
//   TOLLGATE_API_KEY       bearer key sent by the SDK (any string; default "tollgate-test")
//   TOLLGATE_MODEL         provider/model to call, e.g. databricks/databricks-meta-llama-3-3-70b-instruct
//   TOLLGATE_EXPECT_MODEL  optional, for `models`: an id that must be listed
//
// Each scenario asserts with node:assert/strict. The last stdout line is always one JSON object,
// {"scenario","ok","observed",("error")}, so a failing .NET test can show what the SDK saw.
// Exit codes: 0 pass, 1 assertion or SDK failure, 2 usage error.
//
// The upstream emulator answers chat with `Hello from <provider>! You said: <last user text>`,
// which is why the scenarios look for their own prompt text in the replies.

import assert from 'node:assert/strict';
import OpenAI from 'openai';

const PROMPT = 'ping from node';

const WEATHER_TOOL = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Get the current weather for a city.',
    parameters: {
      type: 'object',
      properties: { location: { type: 'string', description: 'City name' } },
      required: ['location'],
    },
  },
};

const WEATHER_QUESTION = { role: 'user', content: 'What is the weather in Paris?' };

// ---------------------------------------------------------------------------------------------
// Scenarios. Each receives a context and records what it saw in ctx.observed as it goes, so the
// summary of a failure shows everything up to the failing assertion.
// ---------------------------------------------------------------------------------------------

async function chat({ client, model, observed }) {
  const res = await client.chat.completions.create({
    model,
    messages: [{ role: 'user', content: PROMPT }],
  });
  observed.object = res.object;
  observed.content = res.choices?.[0]?.message?.content;
  observed.finish_reason = res.choices?.[0]?.finish_reason;
  observed.usage = res.usage;

  assert.equal(res.object, 'chat.completion');
  assert.ok(res.choices.length >= 1, 'expected at least one choice');
  assert.equal(typeof observed.content, 'string', 'choices[0].message.content must be a string');
  assert.ok(observed.content.includes(PROMPT), `reply should echo "${PROMPT}"`);
  assert.ok(res.usage?.prompt_tokens > 0, 'usage.prompt_tokens > 0');
  assert.ok(res.usage?.completion_tokens > 0, 'usage.completion_tokens > 0');
}

async function chatStream({ client, model, observed }) {
  const stream = await client.chat.completions.create({
    model,
    messages: [{ role: 'user', content: PROMPT }],
    stream: true,
    stream_options: { include_usage: true },
  });

  const chunks = [];
  let content = '';
  const finishReasons = [];
  observed.iterator_ended = false;
  for await (const chunk of stream) {
    chunks.push(chunk);
    for (const choice of chunk.choices ?? []) {
      content += choice.delta?.content ?? '';
      if (choice.finish_reason) finishReasons.push(choice.finish_reason);
    }
  }
  // Reached only if the SDK's iterator finished on its own ([DONE] or end of body) without throwing.
  observed.iterator_ended = true;

  const usageIdx = chunks.flatMap((c, i) => (c.usage != null ? [i] : []));
  const last = chunks.at(-1);
  observed.chunks = chunks.length;
  observed.content = content;
  observed.finish_reasons = finishReasons;
  observed.usage_chunk_indexes = usageIdx;
  observed.usage = last?.usage ?? null;
  observed.objects = [...new Set(chunks.map((c) => c.object))];

  assert.ok(chunks.length >= 3, `expected at least 3 chunks, got ${chunks.length}`);
  assert.deepEqual(observed.objects, ['chat.completion.chunk']);
  assert.ok(content.includes(PROMPT), `joined deltas should echo "${PROMPT}"`);
  assert.ok(finishReasons.includes('stop'), "a finish_reason 'stop' should be seen");
  assert.equal(usageIdx.length, 1, 'exactly one chunk should carry usage');
  assert.equal(usageIdx[0], chunks.length - 1, 'the usage chunk should be the last chunk');
  assert.equal(last.choices.length, 0, 'the usage chunk should have choices: []');
  assert.ok(last.usage.prompt_tokens > 0, 'usage.prompt_tokens > 0');
  assert.ok(last.usage.completion_tokens > 0, 'usage.completion_tokens > 0');
}

async function chatTools({ client, model, observed }) {
  const first = await client.chat.completions.create({
    model,
    messages: [WEATHER_QUESTION],
    tools: [WEATHER_TOOL],
  });
  const message = first.choices?.[0]?.message;
  observed.finish_reason = first.choices?.[0]?.finish_reason;
  observed.tool_calls = message?.tool_calls;

  assert.equal(observed.finish_reason, 'tool_calls');
  assert.ok(Array.isArray(message.tool_calls) && message.tool_calls.length >= 1, 'expected tool_calls');
  const call = message.tool_calls[0];
  assert.equal(call.type, 'function');
  assert.ok(typeof call.id === 'string' && call.id.length > 0, 'tool call should have an id');
  assert.equal(call.function.name, 'get_weather');
  assert.equal(JSON.parse(call.function.arguments).location, 'Paris');

  const second = await client.chat.completions.create({
    model,
    tools: [WEATHER_TOOL],
    messages: [
      WEATHER_QUESTION,
      { role: 'assistant', content: null, tool_calls: [call] },
      { role: 'tool', tool_call_id: call.id, content: 'sunny' },
    ],
  });
  observed.reply = second.choices?.[0]?.message?.content;
  observed.reply_finish_reason = second.choices?.[0]?.finish_reason;

  assert.equal(typeof observed.reply, 'string', 'follow-up reply should have text content');
  assert.ok(observed.reply.includes('sunny'), 'follow-up reply should mention the tool result "sunny"');
}

async function chatStreamTools({ client, model, observed }) {
  const stream = await client.chat.completions.create({
    model,
    messages: [WEATHER_QUESTION],
    tools: [WEATHER_TOOL],
    stream: true,
  });

  // Assemble tool calls the way the SDK's own ChatCompletionStream does: keyed by index,
  // id/name assigned when present, arguments concatenated.
  const calls = [];
  const finishReasons = [];
  let chunks = 0;
  observed.iterator_ended = false;
  for await (const chunk of stream) {
    chunks++;
    for (const choice of chunk.choices ?? []) {
      if (choice.finish_reason) finishReasons.push(choice.finish_reason);
      for (const delta of choice.delta?.tool_calls ?? []) {
        assert.equal(typeof delta.index, 'number', 'every tool_calls delta needs an index');
        const acc = (calls[delta.index] ??= { id: '', name: '', arguments: '', fragments: 0 });
        if (delta.id) acc.id = delta.id;
        if (delta.function?.name) acc.name = delta.function.name;
        if (delta.function?.arguments) {
          acc.arguments += delta.function.arguments;
          acc.fragments++;
        }
      }
    }
  }
  observed.iterator_ended = true;
  observed.chunks = chunks;
  observed.finish_reasons = finishReasons;
  observed.tool_calls = calls;

  assert.ok(calls.length >= 1 && calls[0], 'expected a tool call at index 0');
  assert.ok(calls[0].id.length > 0, 'tool call should have an id');
  assert.equal(calls[0].name, 'get_weather');
  assert.equal(JSON.parse(calls[0].arguments).location, 'Paris');
  assert.ok(finishReasons.includes('tool_calls'), "a finish_reason 'tool_calls' should be seen");
}

async function completions({ client, model, observed }) {
  const res = await client.completions.create({ model, prompt: `say ${PROMPT}`, max_tokens: 16 });
  observed.object = res.object;
  observed.text = res.choices?.[0]?.text;
  observed.finish_reason = res.choices?.[0]?.finish_reason;
  observed.usage = res.usage;

  assert.equal(typeof observed.text, 'string', 'choices[0].text must be a string');
  assert.ok(observed.text.length > 0, 'choices[0].text must not be empty');
}

async function embeddings({ client, model, observed }) {
  const input = ['alpha', 'beta'];

  // No encoding_format: SDK 6 asks for base64 and decodes it into float32 numbers itself.
  const dflt = await client.embeddings.create({ model, input });
  const vectors = (dflt.data ?? []).map((d) => Array.from(d.embedding ?? []));
  observed.count = vectors.length;
  observed.dims = vectors.map((v) => v.length);
  observed.default_vectors = vectors;
  observed.usage = dflt.usage;

  assert.equal(vectors.length, 2, 'expected 2 embeddings');
  for (const [i, v] of vectors.entries()) {
    assert.equal(v.length, 8, `embedding ${i} should have 8 dimensions`);
    assert.ok(v.every((x) => typeof x === 'number' && Number.isFinite(x)), `embedding ${i} has non-finite values`);
    assert.ok(v.some((x) => x !== 0), `embedding ${i} is all zeros`);
  }
  assert.deepEqual(dflt.data.map((d) => d.index), [0, 1]);

  const float = await client.embeddings.create({ model, input, encoding_format: 'float' });
  const floatVectors = (float.data ?? []).map((d) => d.embedding);
  observed.float_vectors = floatVectors;

  assert.equal(floatVectors.length, 2, 'expected 2 float embeddings');
  for (const [i, v] of floatVectors.entries()) {
    assert.ok(Array.isArray(v), `float embedding ${i} should be a JSON array`);
    assert.equal(v.length, vectors[i].length, `float embedding ${i} length differs from base64 one`);
    for (const [j, x] of v.entries()) {
      // base64 carries float32, the JSON array float64: compare within float32 precision.
      assert.ok(Math.abs(x - vectors[i][j]) <= 1e-6, `embedding ${i}[${j}]: float ${x} != base64 ${vectors[i][j]}`);
    }
  }
}

async function models({ client, observed }) {
  const ids = [];
  for await (const m of client.models.list()) {
    ids.push(m.id);
  }
  observed.ids = ids;

  assert.ok(ids.length >= 1, 'expected at least one model');
  assert.ok(ids.every((id) => typeof id === 'string' && id.length > 0), 'every model needs an id');
  const expected = process.env.TOLLGATE_EXPECT_MODEL;
  if (expected) {
    assert.ok(ids.includes(expected), `expected model "${expected}" to be listed`);
  }
}

async function error({ client, observed }) {
  let caught;
  try {
    await client.chat.completions.create({
      model: 'nosuchprovider/x',
      messages: [{ role: 'user', content: PROMPT }],
    });
  } catch (e) {
    caught = e;
  }
  observed.threw = caught !== undefined;
  observed.class = caught?.constructor?.name;
  observed.status = caught?.status;
  observed.message = caught?.message;
  observed.body = caught?.error;

  assert.ok(caught, 'request for an unknown provider should fail');
  assert.ok(caught instanceof OpenAI.APIError, `expected OpenAI.APIError, got ${observed.class}: ${caught.message}`);
  assert.ok([400, 404].includes(caught.status), `expected status 400 or 404, got ${caught.status}`);
  assert.ok(typeof caught.message === 'string' && caught.message.length > 0, 'error message should not be empty');
  assert.ok(caught.error && typeof caught.error === 'object', 'err.error should be the parsed error body');
  assert.ok(typeof caught.error.message === 'string' && caught.error.message.length > 0, 'err.error.message');
  assert.ok(typeof caught.error.type === 'string' && caught.error.type.length > 0, 'err.error.type');
}

// The Responses API (translated to chat for chat-only upstreams such as Databricks).
async function responses({ client, model, observed }) {
  const res = await client.responses.create({ model, instructions: 'be brief', input: PROMPT });
  observed.id = res.id;
  observed.status = res.status;
  observed.output_text = res.output_text;
  observed.usage = res.usage;

  assert.equal(res.object, 'response');
  assert.equal(res.status, 'completed');
  assert.ok(res.id.startsWith('resp_'), 'id starts with resp_');
  assert.ok(res.output_text.includes(PROMPT), `output_text should echo "${PROMPT}"`);
  assert.ok(res.usage?.output_tokens > 0, 'usage.output_tokens > 0');

  // A follow-up that continues the stored conversation.
  const next = await client.responses.create({ model, previous_response_id: res.id, input: 'and again' });
  observed.follow_up = next.output_text;
  assert.ok(next.output_text.includes('and again'), 'the follow-up answers its own input');
}

async function responsesStream({ client, model, observed }) {
  const stream = client.responses.stream({ model, input: PROMPT });
  let text = '';
  const types = [];
  stream.on('response.output_text.delta', (event) => { text += event.delta; });
  stream.on('event', (event) => { types.push(event.type); });
  const final = await stream.finalResponse();
  observed.types = [...new Set(types)];
  observed.text = text;
  observed.final_status = final.status;

  assert.equal(types[0], 'response.created');
  assert.equal(types.at(-1), 'response.completed');
  assert.ok(text.includes(PROMPT), `streamed text should echo "${PROMPT}"`);
  assert.equal(final.output_text, text, 'finalResponse().output_text equals the streamed deltas');
  assert.ok(final.usage?.output_tokens > 0, 'final usage.output_tokens > 0');
}

const SCENARIOS = {
  chat,
  responses,
  'responses-stream': responsesStream,
  'chat-stream': chatStream,
  'chat-tools': chatTools,
  'chat-stream-tools': chatStreamTools,
  completions,
  embeddings,
  models,
  error,
};

// Scenarios that never send TOLLGATE_MODEL.
const NO_MODEL = new Set(['models', 'error']);

// ---------------------------------------------------------------------------------------------

function usage(message) {
  console.log(JSON.stringify({ scenario: process.argv[2] ?? null, ok: false, observed: {}, error: { kind: 'usage', message } }));
  console.error(`${message}\nusage: TOLLGATE_BASE_URL=... TOLLGATE_MODEL=... node run.mjs <${Object.keys(SCENARIOS).join('|')}>`);
  process.exit(2);
}

function describe(err) {
  if (err instanceof assert.AssertionError) {
    return { kind: 'assertion', message: err.message, actual: err.actual, expected: err.expected };
  }
  if (err instanceof OpenAI.APIError) {
    return { kind: err.constructor.name, status: err.status, message: err.message, body: err.error, cause: err.cause?.message };
  }
  return { kind: err?.constructor?.name ?? typeof err, message: String(err?.message ?? err), cause: err?.cause?.message };
}

async function main() {
  const name = process.argv[2];
  const scenario = SCENARIOS[name];
  if (!scenario) usage(name ? `unknown scenario "${name}"` : 'missing scenario');

  const baseURL = process.env.TOLLGATE_BASE_URL;
  const model = process.env.TOLLGATE_MODEL;
  if (!baseURL) usage('TOLLGATE_BASE_URL is not set');
  if (!model && !NO_MODEL.has(name)) usage('TOLLGATE_MODEL is not set');

  const client = new OpenAI({
    baseURL,
    apiKey: process.env.TOLLGATE_API_KEY ?? 'tollgate-test',
    maxRetries: 0,
    timeout: 20000,
  });

  const observed = {};
  try {
    await scenario({ client, model, observed });
    console.log(JSON.stringify({ scenario: name, ok: true, observed }));
    process.exitCode = 0;
  } catch (err) {
    const failure = describe(err);
    console.error(`scenario ${name} failed: ${String(failure.message).trim()}`);
    console.log(JSON.stringify({ scenario: name, ok: false, observed, error: failure }));
    process.exitCode = 1;
  }
}

await main();
