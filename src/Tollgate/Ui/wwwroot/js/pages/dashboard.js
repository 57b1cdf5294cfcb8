import { h } from '../dom.js';
import { fmtInt, fmtCompact, fmtMs, fmtUsd, fmtPct } from '../dom.js';
import { get, query } from '../api.js';
import { pageHeader, loadInto, emptyState, panel, table } from '../ui.js';
import { timeChart } from '../chart.js';

// Bucket sizes give 48–96 points per range: enough shape, few enough to read.
export const RANGES = {
  '1h': { label: '1 h', seconds: 3600, interval: 60 },
  '24h': { label: '24 h', seconds: 86400, interval: 1800 },
  '7d': { label: '7 d', seconds: 7 * 86400, interval: 3 * 3600 },
  '30d': { label: '30 d', seconds: 30 * 86400, interval: 86400 / 2 },
};

export function rangePicker(current, onPick, testid = 'range') {
  return h('div', { class: 'segmented', role: 'group', 'aria-label': 'Time range', 'data-testid': testid },
    Object.entries(RANGES).map(([key, r]) => h('button', {
      type: 'button', class: key === current ? 'active' : null, 'data-testid': `${testid}-${key}`, 'aria-pressed': String(key === current),
      onclick: () => onPick(key),
    }, r.label)));
}

export function render(ctx) {
  let range = RANGES[ctx.query.get('range')] ? ctx.query.get('range') : '24h';
  const content = h('div');
  const header = h('div');

  const drawHeader = () => {
    header.replaceChildren(pageHeader({
      title: 'Dashboard',
      subtitle: 'Traffic, errors, latency and spend across every provider.',
      actions: [
        rangePicker(range, key => {
          range = key;
          ctx.setQuery(new URLSearchParams({ range }));
          drawHeader();
          reload(true);
        }),
        h('button', { 'data-testid': 'refresh', onclick: () => reload(false) }, 'Refresh'),
      ],
    }));
  };

  const load = () => {
    const r = RANGES[range];
    const to = new Date();
    const from = new Date(to.getTime() - r.seconds * 1000);
    return get(`/api/logs/stats${query({ from: from.toISOString(), to: to.toISOString(), interval_seconds: r.interval })}`)
      .then(stats => ({ stats, from, to, interval: stats.interval_seconds || r.interval }));
  };

  drawHeader();
  const reload = loadInto(content, load, data => view(data, ctx));
  return h('div', { 'data-testid': 'dashboard' }, header, content);
}

function view({ stats, from, to, interval }, ctx) {
  const t = stats.totals ?? {};
  const requests = t.requests ?? 0;
  if (requests === 0) {
    return panel({
      body: emptyState({
        title: 'No requests in this time range',
        text: 'Send a request through the gateway (OpenAI-compatible, at /v1/chat/completions) or try a model in the playground; it shows up here within seconds.',
        action: h('div', { class: 'row' },
          h('button', { class: 'primary', 'data-testid': 'empty-playground', onclick: () => ctx.navigate('playground') }, 'Open the playground'),
          h('button', { 'data-testid': 'empty-providers', onclick: () => ctx.navigate('providers') }, 'Add a provider')),
        testid: 'dashboard-empty',
      }),
    });
  }

  const buckets = fillBuckets(stats.buckets ?? [], from, to, interval);
  const times = buckets.map(b => b.time);
  const tokens = (t.prompt_tokens ?? 0) + (t.completion_tokens ?? 0);

  const card = (label, value, sub, testid) => h('div', { class: 'card', 'data-testid': testid },
    h('div', { class: 'label' }, label), h('div', { class: 'value', 'data-testid': `${testid}-value` }, value), sub ? h('div', { class: 'sub' }, sub) : null);

  return h('div', null,
    h('div', { class: 'cards' },
      card('Requests', fmtInt(requests), null, 'card-requests'),
      card('Error rate', fmtPct(requests ? (t.errors ?? 0) / requests : 0), `${fmtInt(t.errors ?? 0)} errors`, 'card-errors'),
      card('Latency p50', fmtMs(t.p50_latency_ms), `avg ${fmtMs(t.avg_latency_ms)}`, 'card-p50'),
      card('Latency p95', fmtMs(t.p95_latency_ms), null, 'card-p95'),
      card('Tokens', fmtCompact(tokens), `${fmtCompact(t.prompt_tokens ?? 0)} in · ${fmtCompact(t.completion_tokens ?? 0)} out`, 'card-tokens'),
      card('Cost', fmtUsd(t.cost_usd ?? 0), null, 'card-cost')),
    h('div', { class: 'grid-2' },
      panel({ title: 'Requests and errors', body: timeChart({ times, testid: 'chart-requests', format: fmtCompact, integer: true, series: [
        { name: 'requests', values: buckets.map(b => b.requests), className: 'series-1' },
        { name: 'errors', values: buckets.map(b => b.errors), className: 'series-2' }] }) }),
      panel({ title: 'Latency', body: timeChart({ times, testid: 'chart-latency', format: v => fmtMs(v), series: [
        { name: 'average', values: buckets.map(b => b.avg_latency_ms), className: 'series-1' },
        { name: 'max', values: buckets.map(b => b.max_latency_ms), className: 'series-4' },
        { name: 'time to first token', values: buckets.map(b => b.avg_ttft_ms), className: 'series-3' }] }) }),
      panel({ title: 'Tokens', body: timeChart({ times, testid: 'chart-tokens', kind: 'bar', format: fmtCompact, integer: true, series: [
        { name: 'prompt', values: buckets.map(b => b.prompt_tokens), className: 'series-1' },
        { name: 'completion', values: buckets.map(b => b.completion_tokens), className: 'series-3' }] }) }),
      panel({ title: 'Cost (USD)', body: timeChart({ times, testid: 'chart-cost', format: fmtUsd, series: [
        { name: 'cost', values: buckets.map(b => b.cost_usd), className: 'series-4' }] }) })),
    h('div', { class: 'section' }, panel({
      title: 'Top models',
      flush: true,
      testid: 'top-models',
      body: (stats.top_models ?? []).length === 0
        ? emptyState({ title: 'No model traffic yet', text: '' })
        : table({
          testid: 'top-models-table',
          rowTestId: m => `top-model-${m.provider}/${m.model}`,
          columns: [
            { label: 'Model', render: m => h('a', { href: `/ui/logs?provider=${encodeURIComponent(m.provider ?? '')}&model=${encodeURIComponent(m.model ?? '')}`, 'data-link': '' }, `${m.provider ?? '?'}/${m.model ?? '?'}`) },
            { label: 'Requests', num: true, render: m => fmtInt(m.requests) },
            { label: 'Error rate', num: true, render: m => fmtPct(m.requests ? m.errors / m.requests : 0) },
            { label: 'Prompt tokens', num: true, render: m => fmtCompact(m.prompt_tokens) },
            { label: 'Completion tokens', num: true, render: m => fmtCompact(m.completion_tokens) },
            { label: 'Cost', num: true, render: m => fmtUsd(m.cost_usd) },
          ],
          rows: stats.top_models,
        }),
    })));
}

/** The API may leave out empty buckets; the charts need every step of the range so gaps read as zero, not as a line. */
function fillBuckets(buckets, from, to, interval) {
  const step = interval * 1000;
  const byKey = new Map(buckets.map(b => [Math.floor(new Date(b.time).getTime() / step), b]));
  const out = [];
  const first = Math.floor(from.getTime() / step);
  const last = Math.floor(to.getTime() / step);
  for (let k = first; k <= last; k++) {
    const b = byKey.get(k);
    // An interval without requests has no latency (the API reports 0): a gap, not a dip to zero.
    const quiet = b && !b.requests ? { avg_latency_ms: null, max_latency_ms: null, avg_ttft_ms: null } : {};
    out.push(b ? { ...b, ...quiet, time: k * step } : {
      time: k * step, requests: 0, errors: 0, prompt_tokens: 0, completion_tokens: 0, cost_usd: 0,
      avg_latency_ms: null, max_latency_ms: null, avg_ttft_ms: null,
    });
  }
  // Buckets the arithmetic above did not place (a server that aligns differently) are still shown.
  if (byKey.size && !out.some(o => o.requests)) {
    return buckets.map(b => ({ ...b, time: new Date(b.time).getTime() }));
  }
  return out;
}
