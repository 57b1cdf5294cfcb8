import { h, replace, fmtTime, fmtMs, fmtUsd, fmtInt } from '../dom.js';
import { get, query, enc } from '../api.js';
import { pageHeader, emptyState, panel, table, badge, banner, loading } from '../ui.js';
import { RANGES } from './dashboard.js';

const FILTERS = ['range', 'provider', 'model', 'virtual_key_id', 'status', 'q'];
const REFRESH_MS = 5000;

export function statusBadge(entry) {
  const ok = entry.status >= 200 && entry.status < 400;
  return badge(String(entry.status), ok ? 'ok' : 'error', 'log-status');
}

export async function render(ctx) {
  const state = Object.fromEntries(FILTERS.map(f => [f, ctx.query.get(f) ?? '']));
  if (!state.range) {
    state.range = '24h';
  }
  let cursor = null;
  let rows = [];
  let timer = null;
  const listHost = h('div');
  const moreHost = h('div', { class: 'row', style: null });

  const [providers, keys] = await Promise.all([
    get('/api/providers').then(r => r.data ?? []).catch(() => []),
    get('/api/virtual-keys').catch(() => []),
  ]);

  const filterParams = () => {
    const range = RANGES[state.range];
    return {
      from: range ? new Date(Date.now() - range.seconds * 1000).toISOString() : '',
      provider: state.provider, model: state.model, virtual_key_id: state.virtual_key_id, status: state.status, q: state.q,
    };
  };

  const syncUrl = () => ctx.setQuery(new URLSearchParams(Object.entries(state).filter(([k, v]) => v && !(k === 'range' && v === '24h'))));

  const load = async (append, quiet = false) => {
    if (!append && !quiet) {
      replace(listHost, loading());
    }
    try {
      const page = await get(`/api/logs${query({ limit: 50, cursor: append ? cursor : '', ...filterParams() })}`);
      rows = append ? rows.concat(page.data) : page.data;
      cursor = page.next_cursor;
      replace(listHost, list());
      replace(moreHost, cursor ? h('button', { 'data-testid': 'load-more', onclick: () => load(true) }, 'Load more') : rows.length ? h('span', { class: 'muted small' }, `${rows.length} shown · end of results`) : null);
    } catch (err) {
      if (!quiet) {
        replace(listHost, banner('error', `Could not load logs: ${err.message}`, { retry: () => load(append), testid: 'load-error' }));
      }
    }
  };

  const list = () => {
    if (rows.length === 0) {
      const filtered = state.provider || state.model || state.virtual_key_id || state.status || state.q;
      return emptyState({
        title: filtered ? 'No requests match these filters' : 'No requests logged in this time range',
        text: filtered ? 'Widen the time range or clear a filter.' : 'Requests through /v1/... and the playground appear here as they happen.',
        action: filtered
          ? h('button', { 'data-testid': 'clear-filters', onclick: () => { FILTERS.forEach(f => { state[f] = f === 'range' ? '24h' : ''; }); syncUrl(); ctx.navigate(`logs`, { replace: true }); } }, 'Clear filters')
          : h('button', { class: 'primary', 'data-testid': 'empty-playground', onclick: () => ctx.navigate('playground') }, 'Open the playground'),
        testid: 'logs-empty',
      });
    }
    return table({
      testid: 'logs-table',
      rowTestId: r => `log-row-${r.id}`,
      onRowClick: r => ctx.navigate(`logs/${enc(r.id)}`),
      rows,
      columns: [
        { label: 'Time', className: 'nowrap', render: r => h('span', { class: 'small' }, fmtTime(r.time)) },
        { label: 'Status', className: 'nowrap', render: r => h('span', null, statusBadge(r), r.error_type ? h('span', { class: 'small muted' }, ` ${r.error_code ?? r.error_type}`) : null) },
        { label: 'Endpoint', className: 'nowrap', render: r => h('span', { class: 'small mono' }, r.endpoint ?? r.path, r.stream ? h('span', null, ' ', badge('stream')) : null) },
        { label: 'Model', render: r => h('span', { class: 'mono small' }, r.model ?? r.requested_model ?? '–') },
        { label: 'Provider', className: 'nowrap', render: r => r.provider ?? h('span', { class: 'muted' }, '–') },
        { label: 'Virtual key', className: 'nowrap', render: r => r.virtual_key_name ?? h('span', { class: 'muted' }, '–') },
        { label: 'Latency', num: true, render: r => fmtMs(r.latency_ms) },
        { label: 'TTFT', num: true, render: r => fmtMs(r.ttft_ms) },
        { label: 'Tokens', num: true, render: r => h('span', { title: `${fmtInt(r.prompt_tokens)} in · ${fmtInt(r.completion_tokens)} out` },
          `${fmtInt((r.prompt_tokens ?? 0) + (r.completion_tokens ?? 0))}${r.estimated ? '*' : ''}`) },
        { label: 'Cost', num: true, render: r => fmtUsd(r.cost_usd) },
      ],
    });
  };

  // ---- filter bar ----
  const input = (name, placeholder, testid) => {
    const el = h('input', { value: state[name], placeholder, 'data-testid': testid });
    el.addEventListener('change', () => { state[name] = el.value.trim(); syncUrl(); load(false); });
    return el;
  };
  const select = (name, options, testid) => {
    const el = h('select', { 'data-testid': testid }, options.map(([v, l]) => h('option', { value: v, selected: state[name] === v }, l)));
    el.addEventListener('change', () => { state[name] = el.value; syncUrl(); load(false); });
    return el;
  };
  const exportLink = format => h('a', {
    class: 'button', 'data-testid': `export-${format}`, download: `tollgate-logs.${format}`,
    onclick: event => { event.currentTarget.href = `/api/logs/export${query({ format, ...filterParams() })}`; },
    href: `/api/logs/export?format=${format}`,
  }, `Export ${format.toUpperCase()}`);

  const auto = h('input', { type: 'checkbox', 'data-testid': 'auto-refresh' });
  auto.addEventListener('change', () => {
    clearInterval(timer);
    timer = auto.checked ? setInterval(() => load(false, true), REFRESH_MS) : null;
  });
  ctx.onCleanup(() => clearInterval(timer));

  const bar = h('div', { class: 'panel-body' },
    h('div', { class: 'row' },
      h('label', { class: 'small muted' }, 'Range'),
      select('range', [...Object.entries(RANGES).map(([k, r]) => [k, `Last ${r.label}`]), ['all', 'All time']], 'filter-range'),
      select('provider', [['', 'All providers'], ...providers.map(p => [p.name, p.name])], 'filter-provider'),
      input('model', 'Model', 'filter-model'),
      select('virtual_key_id', [['', 'All virtual keys'], ...keys.map(k => [k.id, k.name])], 'filter-vk'),
      select('status', [['', 'Any status'], ['ok', 'OK'], ['error', 'Errors'], ['400', '400'], ['401', '401'], ['402', '402'], ['403', '403'], ['429', '429'], ['500', '500'], ['502', '502'], ['504', '504']], 'filter-status'),
      input('q', 'Search request id', 'filter-q')),
  );
  for (const el of bar.querySelectorAll('input, select')) {
    el.style.width = 'auto';
    el.style.minWidth = '130px';
  }

  load(false);
  return h('div', { 'data-testid': 'logs-page' },
    pageHeader({
      title: 'Logs',
      subtitle: 'Every request through the gateway: who sent it, where it went, how long it took and what it cost.',
      actions: [
        h('label', { class: 'row small' }, auto, 'Auto-refresh'),
        h('button', { 'data-testid': 'refresh', onclick: () => load(false) }, 'Refresh'),
        exportLink('jsonl'), exportLink('csv'),
      ],
    }),
    panel({ body: bar, flush: true }),
    h('div', { class: 'section' }, panel({ body: listHost, flush: true, testid: 'logs-list' })),
    h('div', { class: 'section' }, moreHost));
}
