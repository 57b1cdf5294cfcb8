import { h, replace, fmtTime, fmtMs, fmtUsd, fmtInt, pretty } from '../dom.js';
import { get, enc } from '../api.js';
import { pageHeader, loadInto, panel, badge, banner, copyButton } from '../ui.js';
import { statusBadge } from './logs.js';

export async function render(ctx) {
  const id = ctx.params.id;
  const content = h('div');
  loadInto(content, () => get(`/api/logs/${enc(id)}`), entry => view(entry));
  return h('div', { 'data-testid': 'log-detail' },
    pageHeader({ title: 'Request', subtitle: h('span', null, h('code', { 'data-testid': 'log-detail-id' }, id), ' ', copyButton(id, 'copy-request-id')),
      crumbs: h('a', { href: '/ui/logs', 'data-link': '' }, '← Logs') }),
    content);
}

function view(e) {
  const kv = (label, value, testid = null) => [h('dt', null, label), h('dd', { 'data-testid': testid }, value ?? h('span', { class: 'muted' }, '–'))];
  const failed = e.status >= 400;
  return h('div', null,
    failed ? banner('error', `${e.error_type ?? 'error'}${e.error_code ? ` (${e.error_code})` : ''}: ${e.error_message ?? 'no message'}`, { testid: 'log-error' }) : null,
    h('div', { class: 'grid-2' },
      panel({
        title: 'Request',
        body: h('dl', { class: 'kv' },
          kv('Time', fmtTime(e.time)),
          kv('Status', statusBadge(e)),
          kv('Endpoint', h('span', { class: 'mono' }, `${e.endpoint ?? ''} ${e.path ?? ''}`)),
          kv('Stream', e.stream ? 'yes' : 'no'),
          kv('Requested model', e.requested_model ? h('code', null, e.requested_model) : null),
          kv('Served by', e.provider ? h('code', { 'data-testid': 'log-detail-model' }, `${e.provider}/${e.model ?? ''}`) : null),
          kv('Provider key', e.key_name),
          kv('Virtual key', e.virtual_key_name ? `${e.virtual_key_name} (${e.virtual_key_id})` : null, 'log-detail-vk'),
          kv('Team', e.team_id),
          kv('Customer', e.customer_id)),
      }),
      panel({
        title: 'Performance and cost',
        body: h('dl', { class: 'kv' },
          kv('Latency', fmtMs(e.latency_ms), 'log-detail-latency'),
          kv('Time to first token', e.ttft_ms !== null && e.ttft_ms !== undefined ? fmtMs(e.ttft_ms) : null),
          kv('Upstream', e.upstream_ms !== null && e.upstream_ms !== undefined ? fmtMs(e.upstream_ms) : null),
          kv('Gateway overhead', e.overhead_ms !== null && e.overhead_ms !== undefined ? fmtMs(e.overhead_ms) : null),
          kv('Prompt tokens', fmtInt(e.prompt_tokens)),
          kv('Completion tokens', fmtInt(e.completion_tokens)),
          kv('Cached tokens', fmtInt(e.cached_tokens)),
          kv('Cost', h('span', null, fmtUsd(e.cost_usd), e.estimated ? h('span', null, ' ', badge('estimated', 'warn')) : null), 'log-detail-cost'),
          kv('Attempts', e.attempts !== undefined ? String(e.attempts) : null),
          kv('Fallbacks', fallbacks(e.fallbacks))),
      })),
    h('div', { class: 'section' }, body('Request body', e.request_body, 'log-request-body')),
    h('div', { class: 'section' }, responseBody(e.response_body)));
}

function fallbacks(value) {
  if (value === null || value === undefined) {
    return null;
  }
  if (Array.isArray(value)) {
    return value.length ? value.map(v => h('div', null, h('code', null, typeof v === 'string' ? v : JSON.stringify(v)))) : '0';
  }
  return String(value);
}

function body(title, text, testid) {
  return panel({
    title,
    testid,
    actions: text ? [copyButton(text, `${testid}-copy`)] : [],
    body: text === null || text === undefined
      ? h('p', { class: 'muted' }, 'Not logged. Bodies are kept only when content logging is on (client.log_content in the config file, or per virtual key).')
      : h('pre', { class: 'code', 'data-testid': `${testid}-text` }, pretty(text)),
  });
}

/** An SSE body is shown as the text it assembles to, with the raw events one tab away. */
function responseBody(text) {
  if (!text || !/^\s*(data|event):/m.test(text) || text.trim().startsWith('{')) {
    return body('Response body', text, 'log-response-body');
  }
  const events = text.split(/\n\n+/).map(s => s.trim()).filter(Boolean);
  let assembled = '';
  for (const event of events) {
    for (const line of event.split('\n')) {
      if (!line.startsWith('data:')) {
        continue;
      }
      const data = line.slice(5).trim();
      if (data === '[DONE]') {
        continue;
      }
      try {
        const json = JSON.parse(data);
        assembled += json.choices?.[0]?.delta?.content ?? json.choices?.[0]?.text ?? json.delta?.text ?? '';
      } catch {
        // a non-JSON event (keep-alive comment): only the raw view shows it
      }
    }
  }
  const host = h('div');
  const tabs = [
    ['Assembled text', () => h('pre', { class: 'code', 'data-testid': 'log-response-assembled' }, assembled || '(no text content)')],
    [`Raw events (${events.length})`, () => h('pre', { class: 'code', 'data-testid': 'log-response-raw' }, events.join('\n\n'))],
  ];
  const bar = h('div', { class: 'tabs', role: 'tablist' });
  const show = i => {
    [...bar.children].forEach((b, j) => b.classList.toggle('active', i === j));
    replace(host, tabs[i][1]());
  };
  tabs.forEach(([label], i) => bar.appendChild(h('button', { type: 'button', role: 'tab', 'data-testid': `response-tab-${i}`, onclick: () => show(i) }, label)));
  show(0);
  return panel({ title: 'Response (stream)', testid: 'log-response-body', actions: [copyButton(text, 'log-response-body-copy')], body: h('div', null, bar, host) });
}
