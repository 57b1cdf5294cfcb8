import { h, replace, fmtMs, fmtUsd, fmtInt } from '../dom.js';
import { get, headersFor, errorFrom, enc } from '../api.js';
import { pageHeader, panel, emptyState, banner, badge, loadInto } from '../ui.js';
import { canEdit } from '../session.js';

const ENDPOINT = '/api/playground/chat/completions';

export async function render(ctx) {
  const content = h('div');
  // A chat playground: embedding models cannot answer, so they are not offered.
  loadInto(content, () => get('/api/models'), list => view(ctx, (list.data ?? []).map(m => m.id).filter(id => !/embed|gte-|bge-|whisper|tts|dall-e/i.test(id)).sort()));
  return h('div', { 'data-testid': 'playground-page' },
    pageHeader({ title: 'Playground', subtitle: 'Try a model through the gateway, or compare two side by side with the same prompt. Runs are logged and billed like any request.' }),
    content);
}

function view(ctx, models) {
  if (models.length === 0) {
    return panel({
      body: emptyState({
        title: 'No models to try yet',
        text: 'Add a provider first; its discovered models appear here.',
        action: h('button', { class: 'primary', 'data-testid': 'empty-add-provider', onclick: () => ctx.navigate('providers') }, 'Add a provider'),
      }),
    });
  }
  let compare = ctx.query.get('compare') === '1';
  const initial = ctx.query.get('model');
  const modelSelect = (testid, preferred) => h('select', { 'data-testid': testid },
    models.map(id => h('option', { value: id, selected: id === preferred }, id)));
  const chatLike = models.filter(id => !/instruct$|davinci|babbage/i.test(id));
  const first = initial && models.includes(initial) ? initial : chatLike[0] ?? models[0];
  const modelA = modelSelect('pg-model-a', first);
  const modelB = modelSelect('pg-model-b', chatLike.find(id => id !== first) ?? models.find(id => id !== first) ?? first);
  const system = h('textarea', { rows: 3, placeholder: 'You are a helpful assistant.', 'data-testid': 'pg-system' });
  const user = h('textarea', { rows: 5, placeholder: 'Ask something…', 'data-testid': 'pg-user' });
  const temperature = h('input', { type: 'number', min: 0, max: 2, step: 0.1, value: '0.7', 'data-testid': 'pg-temperature' });
  const maxTokens = h('input', { type: 'number', min: 1, step: 1, value: '256', 'data-testid': 'pg-max-tokens' });
  const stream = h('input', { type: 'checkbox', checked: true, 'data-testid': 'pg-stream' });
  const vk = h('input', { type: 'password', placeholder: 'sk-tg-… (optional)', autocomplete: 'off', 'data-testid': 'pg-vk' });
  const formError = h('div');
  const run = h('button', { class: 'primary', 'data-testid': 'pg-run', disabled: !canEdit() }, 'Run');
  const stop = h('button', { class: 'hidden', 'data-testid': 'pg-stop' }, 'Stop');
  const modelALabel = h('label', null, 'Model');
  const modelBField = h('div', { class: 'field' }, h('label', null, 'Model B'), modelB);
  const panels = h('div', { class: 'pg-panels' });
  let controllers = [];

  const modeButtons = h('div', { class: 'segmented', 'data-testid': 'pg-mode' },
    h('button', { type: 'button', 'data-testid': 'pg-mode-single', onclick: () => setMode(false) }, 'Single'),
    h('button', { type: 'button', 'data-testid': 'pg-mode-compare', onclick: () => setMode(true) }, 'Compare'));

  const slots = [];
  const setMode = value => {
    compare = value;
    modeButtons.children[0].classList.toggle('active', !compare);
    modeButtons.children[1].classList.toggle('active', compare);
    modelBField.classList.toggle('hidden', !compare);
    modelALabel.textContent = compare ? 'Model A' : 'Model';
    panels.classList.toggle('compare', compare);
    slots.length = 0;
    replace(panels);
    for (let i = 0; i < (compare ? 2 : 1); i++) {
      const slot = outputSlot(i);
      slots.push(slot);
      panels.appendChild(slot.el);
    }
  };

  run.addEventListener('click', async () => {
    replace(formError);
    if (!user.value.trim()) {
      replace(formError, banner('error', 'Write a user message first.', { testid: 'pg-form-error' }));
      user.focus();
      return;
    }
    const messages = [];
    if (system.value.trim()) {
      messages.push({ role: 'system', content: system.value });
    }
    messages.push({ role: 'user', content: user.value });
    const base = { messages, stream: stream.checked };
    if (temperature.value !== '') {
      base.temperature = Number(temperature.value);
    }
    if (maxTokens.value !== '') {
      base.max_tokens = Number(maxTokens.value);
    }
    if (stream.checked) {
      base.stream_options = { include_usage: true };
    }
    const chosen = compare ? [modelA.value, modelB.value] : [modelA.value];
    controllers = chosen.map(() => new AbortController());
    run.disabled = true;
    stop.classList.remove('hidden');
    // In parallel: each panel streams and measures on its own.
    await Promise.all(chosen.map((model, i) => runOne(slots[i], { ...base, model }, vk.value.trim(), controllers[i].signal)));
    run.disabled = false;
    stop.classList.add('hidden');
  });
  stop.addEventListener('click', () => controllers.forEach(c => c.abort()));
  ctx.onCleanup(() => controllers.forEach(c => c.abort()));
  user.addEventListener('keydown', event => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      run.click();
    }
  });

  const field = (label, el, help = null) => h('div', { class: 'field' }, h('label', null, label), el, help ? h('div', { class: 'help' }, help) : null);
  const settings = panel({
    testid: 'pg-settings',
    body: h('div', null,
      h('div', { class: 'field' }, modeButtons),
      h('div', { class: 'field' }, modelALabel, modelA),
      modelBField,
      field('System prompt', system),
      field('User message', user, 'Ctrl+Enter runs.'),
      h('div', { class: 'fields-2' }, field('Temperature', temperature), field('Max tokens', maxTokens)),
      h('div', { class: 'field check' }, h('label', null, stream, 'Stream the answer')),
      field('Run as virtual key', vk, 'Optional: the run is then limited, attributed and billed to that key.'),
      canEdit() ? null : banner('warn', 'Your role cannot run the playground (editor or admin needed).'),
      formError,
      h('div', { class: 'row' }, run, stop)),
  });

  setMode(compare);
  return h('div', { class: 'pg-layout' }, settings, panels);
}

function outputSlot(index) {
  const title = h('h2', { 'data-testid': 'pg-panel-model' }, index === 0 ? 'Output' : 'Output B');
  const status = h('span');
  const output = h('div', { class: 'pg-output', 'data-testid': 'pg-output' }, h('span', { class: 'muted' }, 'Run a prompt to see the answer here.'));
  const metrics = h('div', { class: 'metrics', 'data-testid': 'pg-metrics' });
  const el = h('section', { class: 'panel', 'data-testid': `pg-panel-${index}` },
    h('div', { class: 'panel-head' }, title, status), output, metrics);
  return { el, title, status, output, metrics };
}

function setMetrics(slot, m) {
  const item = (label, value, testid) => h('span', null, `${label} `, h('b', { 'data-testid': testid }, value));
  replace(slot.metrics,
    item('latency', fmtMs(m.latency), 'pg-latency'),
    item('TTFT', m.ttft === null ? '–' : fmtMs(m.ttft), 'pg-ttft'),
    item('tokens', m.usage ? `${fmtInt(m.usage.prompt_tokens)} in · ${fmtInt(m.usage.completion_tokens)} out` : '–', 'pg-tokens'),
    item('cost', m.cost === undefined ? '…' : m.cost === null ? 'no price' : `${fmtUsd(m.cost)}${m.costEstimated ? ' (est.)' : ''}`, 'pg-cost'),
    m.overhead ? item('gateway overhead', fmtMs(Number(m.overhead)), 'pg-overhead') : null,
    m.requestId ? h('a', { href: `/ui/logs/${enc(m.requestId)}`, 'data-link': '', 'data-testid': 'pg-log-link' }, 'View log') : null);
}

async function runOne(slot, body, virtualKey, signal) {
  slot.title.textContent = body.model;
  replace(slot.status, badge('running…', 'accent', 'pg-status'));
  replace(slot.output);
  const headers = headersFor('POST', { 'content-type': 'application/json' });
  if (virtualKey) {
    headers['x-tollgate-vk'] = virtualKey;
  }
  const started = performance.now();
  const m = { latency: 0, ttft: null, usage: null, cost: undefined, requestId: null, overhead: null, costEstimated: false };
  try {
    const response = await fetch(ENDPOINT, { method: 'POST', headers, body: JSON.stringify(body), credentials: 'same-origin', signal });
    m.requestId = response.headers.get('x-request-id');
    m.overhead = response.headers.get('x-tollgate-overhead-ms');
    const served = [response.headers.get('x-tollgate-provider'), response.headers.get('x-tollgate-model')].filter(Boolean).join('/');
    if (served) {
      slot.title.textContent = served;
    }
    if (!response.ok) {
      throw await errorFrom(response);
    }
    const text = h('span', { 'data-testid': 'pg-answer' });
    slot.output.appendChild(text);
    if (body.stream) {
      await readStream(response, (delta, usage) => {
        if (delta) {
          if (m.ttft === null) {
            m.ttft = performance.now() - started;
          }
          text.textContent += delta;
        }
        if (usage) {
          m.usage = usage;
        }
      });
    } else {
      const json = await response.json();
      m.ttft = null;
      text.textContent = json.choices?.[0]?.message?.content ?? '';
      m.usage = json.usage ?? null;
      const header = response.headers.get('x-tollgate-cost-usd');
      if (header !== null) {
        m.cost = Number(header);
      }
    }
    m.latency = performance.now() - started;
    replace(slot.status, badge('done', 'ok', 'pg-status'));
    setMetrics(slot, m);
    if (m.cost === undefined) {
      // Not awaited: the run is over when the answer is; the cost fills in when the log has it.
      costOf(m.requestId, body.model, served, m.usage, signal).then(cost => {
        setMetrics(slot, { ...m, cost: cost?.value ?? null, costEstimated: cost?.estimated ?? false });
      });
    }
  } catch (err) {
    m.latency = performance.now() - started;
    if (err.name === 'AbortError') {
      replace(slot.status, badge('stopped', 'warn', 'pg-status'));
    } else {
      replace(slot.status, badge('failed', 'error', 'pg-status'));
      slot.output.appendChild(banner('error', err.message, { testid: 'pg-error' }));
    }
    setMetrics(slot, { ...m, cost: null });
  }
}

/** Reads OpenAI SSE: calls onEvent(contentDelta, usage) per event, as each arrives. */
async function readStream(response, onEvent) {
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) {
      break;
    }
    buffer += decoder.decode(value, { stream: true });
    let split;
    while ((split = buffer.search(/\r?\n\r?\n/)) >= 0) {
      const event = buffer.slice(0, split);
      buffer = buffer.slice(split).replace(/^\r?\n\r?\n/, '');
      for (const line of event.split(/\r?\n/)) {
        if (!line.startsWith('data:')) {
          continue;
        }
        const data = line.slice(5).trim();
        if (data === '[DONE]') {
          continue;
        }
        const json = JSON.parse(data);
        if (json.error) {
          throw Object.assign(new Error(json.error.message ?? 'The stream failed.'), { name: 'StreamError' });
        }
        onEvent(json.choices?.[0]?.delta?.content ?? '', json.usage ?? null);
      }
    }
  }
}

/**
 * The logged cost (exact, after the log writer's batch lands) or, failing that, tokens × the effective price list.
 * Polls a few times because the log is written off the request path.
 */
async function costOf(requestId, requested, served, usage, signal) {
  if (requestId) {
    for (let attempt = 0; attempt < 6 && !signal.aborted; attempt++) {
      await new Promise(resolve => setTimeout(resolve, 400 + attempt * 300));
      try {
        const entry = await get(`/api/logs/${enc(requestId)}`, { signal, allowUnauthorized: true });
        if (entry) {
          // Logged without cost_usd: the model has no price (the log says so; guessing would not help).
          return { value: entry.cost_usd ?? null, estimated: !!entry.estimated };
        }
      } catch (err) {
        if (err.status !== 404) {
          break;
        }
      }
    }
  }
  if (!usage) {
    return null;
  }
  try {
    const prices = await get('/api/pricing', { signal });
    const names = [served, requested, served.split('/').slice(1).join('/'), requested.split('/').slice(1).join('/')].filter(Boolean);
    const price = names.map(n => prices.find(p => p.model === n)).find(Boolean);
    if (!price) {
      return null;
    }
    const value = (usage.prompt_tokens * price.input_per_mtok + usage.completion_tokens * price.output_per_mtok) / 1e6;
    return { value, estimated: true };
  } catch {
    return null;
  }
}
