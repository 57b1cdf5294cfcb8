#!/usr/bin/env node
// Drives a running Tollgate gateway's Anthropic Messages endpoint with the official `@anthropic-ai/sdk` npm
// package, unmodified, so the .NET functional tests can prove real Anthropic clients work against any upstream.
//
//   node tests/sdk-node/anthropic.mjs <scenario>
//
// Environment:
//   TOLLGATE_ANTHROPIC_BASE_URL  gateway base for the Anthropic dialect, without /v1, e.g. http://127.0.0.1:5123/anthropic
//                                (the SDK appends /v1/messages) (required)
//   TOLLGATE_API_KEY             key sent by the SDK as x-api-key (any string; default "tollgate-test")
//   TOLLGATE_MODEL               model to call, e.g. anthropic/claude-sonnet-4-5 or openai/gpt-4o-mini
//
// Each scenario asserts with node:assert/strict. The last stdout line is always one JSON object,
// {"scenario","ok","observed",("error")}, so a failing .NET test can show what the SDK saw.
// Exit codes: 0 pass, 1 assertion or SDK failure, 2 usage error.
//
// The upstream emulator answers with `Hello from <provider>! You said: <last user text>`, calls the first tool
// with {"location":"Paris"} when tools are offered to a user turn, and answers `Tool said: <result>` after a
// tool result, which is why the scenarios look for their own prompt text and "sunny" in the replies.

import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';

const PROMPT = 'ping from anthropic sdk';
const MAX_TOKENS = 64;

const WEATHER_TOOL = {
  name: 'get_weather',
  description: 'Get the current weather for a city.',
  input_schema: {
    type: 'object',
    properties: { location: { type: 'string', description: 'City name' } },
    required: ['location'],
  },
};

const WEATHER_QUESTION = { role: 'user', content: 'What is the weather in Paris?' };

function textRequest(model) {
  return {
    model,
    max_tokens: MAX_TOKENS,
    system: 'be brief',
    messages: [{ role: 'user', content: PROMPT }],
  };
}

function toolRequest(model) {
  return { model, max_tokens: MAX_TOKENS, tools: [WEATHER_TOOL], messages: [WEATHER_QUESTION] };
}

const textOf = (message) =>
  (message?.content ?? []).filter((b) => b.type === 'text').map((b) => b.text).join('');

// A plain-data copy of content blocks for the summary: streamed tool_use inputs are lazy getters.
const blocksOf = (message) => (message?.content ?? []).map((b) => ({ ...b }));

// ---------------------------------------------------------------------------------------------
// Scenarios. Each receives a context and records what it saw in ctx.observed as it goes, so the
// summary of a failure shows everything up to the failing assertion.
// ---------------------------------------------------------------------------------------------

async function create({ client, model, observed }) {
  const res = await client.messages.create(textRequest(model));
  observed.id = res.id;
  observed.type = res.type;
  observed.role = res.role;
  observed.model = res.model;
  observed.content = blocksOf(res);
  observed.stop_reason = res.stop_reason;
  observed.usage = res.usage;

  assert.equal(res.type, 'message');
  assert.equal(res.role, 'assistant');
  assert.ok(typeof res.id === 'string' && res.id.startsWith('msg_'), `id should start with "msg_", got ${res.id}`);
  assert.ok(Array.isArray(res.content) && res.content.length >= 1, 'expected at least one content block');
  assert.equal(res.content[0].type, 'text');
  assert.equal(typeof res.content[0].text, 'string', 'content[0].text must be a string');
  assert.ok(res.content[0].text.includes(PROMPT), `reply should echo "${PROMPT}"`);
  assert.equal(res.stop_reason, 'end_turn');
  assert.ok(res.usage?.input_tokens > 0, 'usage.input_tokens > 0');
  assert.ok(res.usage?.output_tokens > 0, 'usage.output_tokens > 0');
}

async function stream({ client, model, observed }) {
  const texts = [];
  const events = [];
  observed.events = events;
  const s = client.messages.stream(textRequest(model));
  s.on('text', (delta) => texts.push(delta));
  s.on('streamEvent', (event) => events.push(event.type));

  const final = await s.finalMessage();
  const joined = texts.join('');
  observed.text_deltas = texts.length;
  observed.text = joined;
  observed.final_id = final.id;
  observed.final_content = blocksOf(final);
  observed.stop_reason = final.stop_reason;
  observed.usage = final.usage;

  assert.ok(texts.length >= 1, 'expected at least one text event');
  assert.ok(joined.includes(PROMPT), `joined text deltas should echo "${PROMPT}"`);
  assert.equal(textOf(final), joined, "finalMessage()'s text should equal the joined text deltas");
  assert.equal(final.stop_reason, 'end_turn');
  assert.ok(final.usage?.output_tokens > 0, 'usage.output_tokens > 0');
  assertEventOrder(events);
}

// The Messages stream grammar: message_start, then blocks (start, deltas, stop), then message_delta, message_stop.
function assertEventOrder(events) {
  assert.equal(events[0], 'message_start', 'the first event should be message_start');
  assert.equal(events.at(-1), 'message_stop', 'the last event should be message_stop');
  for (const type of ['content_block_start', 'content_block_delta', 'content_block_stop', 'message_delta']) {
    assert.ok(events.includes(type), `expected a ${type} event`);
  }
  assert.equal(events.filter((t) => t === 'message_start').length, 1, 'exactly one message_start');
  assert.equal(events.filter((t) => t === 'message_stop').length, 1, 'exactly one message_stop');
  assert.ok(
    events.indexOf('message_delta') > events.lastIndexOf('content_block_stop'),
    'message_delta should come after the last content_block_stop',
  );
}

async function tools({ client, model, observed }) {
  const first = await client.messages.create(toolRequest(model));
  observed.stop_reason = first.stop_reason;
  observed.content = blocksOf(first);
  observed.usage = first.usage;

  assert.equal(first.stop_reason, 'tool_use');
  const call = first.content.find((b) => b.type === 'tool_use');
  assert.ok(call, 'expected a tool_use block');
  assert.ok(typeof call.id === 'string' && call.id.length > 0, 'tool_use block should have an id');
  assert.equal(call.name, 'get_weather');
  assert.equal(call.input?.location, 'Paris');

  const second = await client.messages.create({
    model,
    max_tokens: MAX_TOKENS,
    tools: [WEATHER_TOOL],
    messages: [
      WEATHER_QUESTION,
      { role: 'assistant', content: first.content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: 'sunny' }] },
    ],
  });
  observed.reply = textOf(second);
  observed.reply_content = blocksOf(second);
  observed.reply_stop_reason = second.stop_reason;

  assert.ok(second.content.some((b) => b.type === 'text'), 'follow-up reply should have a text block');
  assert.ok(observed.reply.includes('sunny'), 'follow-up reply should mention the tool result "sunny"');
  assert.equal(second.stop_reason, 'end_turn');
}

async function streamTools({ client, model, observed }) {
  const events = [];
  const jsonFragments = [];
  observed.events = events;
  const s = client.messages.stream(toolRequest(model));
  s.on('streamEvent', (event) => {
    events.push(event.type);
    if (event.type === 'content_block_delta' && event.delta?.type === 'input_json_delta') {
      jsonFragments.push(event.delta.partial_json);
    }
  });

  const final = await s.finalMessage();
  observed.input_json_deltas = jsonFragments;
  observed.final_content = blocksOf(final);
  observed.stop_reason = final.stop_reason;
  observed.usage = final.usage;

  const call = final.content.find((b) => b.type === 'tool_use');
  assert.ok(call, 'finalMessage() should hold a tool_use block');
  assert.ok(typeof call.id === 'string' && call.id.length > 0, 'tool_use block should have an id');
  assert.equal(call.name, 'get_weather');
  // The arguments must arrive as input_json_delta fragments that the SDK accumulates, as Anthropic streams them.
  assert.ok(jsonFragments.length >= 1, 'expected at least one input_json_delta event');
  assert.equal(call.input?.location, 'Paris');
  assert.equal(final.stop_reason, 'tool_use');
  assertEventOrder(events);
}

async function error({ client, observed }) {
  let caught;
  try {
    await client.messages.create({ ...textRequest('nosuchprovider/x') });
  } catch (e) {
    caught = e;
  }
  observed.threw = caught !== undefined;
  observed.class = caught?.constructor?.name;
  observed.status = caught?.status;
  observed.message = caught?.message;
  observed.body = caught?.error;

  assert.ok(caught, 'request for an unknown provider should fail');
  assert.ok(caught instanceof Anthropic.APIError, `expected Anthropic.APIError, got ${observed.class}: ${caught.message}`);
  assert.ok([400, 404].includes(caught.status), `expected status 400 or 404, got ${caught.status}`);
  assert.ok(caught.error && typeof caught.error === 'object', 'err.error should be the parsed error body');
  // Anthropic's envelope: {"type":"error","error":{"type":"...","message":"..."}}.
  assert.equal(caught.error.type, 'error', 'err.error.type should be "error"');
  assert.ok(caught.error.error && typeof caught.error.error === 'object', 'err.error.error should be an object');
  assert.ok(typeof caught.error.error.type === 'string' && caught.error.error.type.length > 0, 'err.error.error.type');
  assert.ok(
    typeof caught.error.error.message === 'string' && caught.error.error.message.length > 0,
    'err.error.error.message',
  );
}

const SCENARIOS = {
  create,
  stream,
  tools,
  'stream-tools': streamTools,
  error,
};

// Scenarios that never send TOLLGATE_MODEL.
const NO_MODEL = new Set(['error']);

// ---------------------------------------------------------------------------------------------

function usage(message) {
  console.log(JSON.stringify({ scenario: process.argv[2] ?? null, ok: false, observed: {}, error: { kind: 'usage', message } }));
  console.error(
    `${message}\nusage: TOLLGATE_ANTHROPIC_BASE_URL=... TOLLGATE_MODEL=... node anthropic.mjs <${Object.keys(SCENARIOS).join('|')}>`,
  );
  process.exit(2);
}

function describe(err) {
  if (err instanceof assert.AssertionError) {
    return { kind: 'assertion', message: err.message, actual: err.actual, expected: err.expected };
  }
  if (err instanceof Anthropic.APIError) {
    return {
      kind: err.constructor.name,
      status: err.status,
      message: err.message,
      body: err.error,
      request_id: err.requestID,
      cause: err.cause?.message,
    };
  }
  return { kind: err?.constructor?.name ?? typeof err, message: String(err?.message ?? err), cause: err?.cause?.message };
}

async function main() {
  const name = process.argv[2];
  const scenario = Object.hasOwn(SCENARIOS, name ?? '') ? SCENARIOS[name] : undefined;
  if (!scenario) usage(name ? `unknown scenario "${name}"` : 'missing scenario');

  const baseURL = process.env.TOLLGATE_ANTHROPIC_BASE_URL;
  const model = process.env.TOLLGATE_MODEL;
  if (!baseURL) usage('TOLLGATE_ANTHROPIC_BASE_URL is not set');
  if (!model && !NO_MODEL.has(name)) usage('TOLLGATE_MODEL is not set');

  const client = new Anthropic({
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
