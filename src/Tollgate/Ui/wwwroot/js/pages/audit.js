// Audit log: who changed what, when and from where; before/after with secrets masked; chain verification and exports.
import { h, replace, fmtTime } from '../dom.js';
import { get, query } from '../api.js';
import { pageHeader, emptyState, panel, table, badge, banner, loading } from '../ui.js';

const FILTERS = ['actor', 'action', 'target', 'outcome'];

export async function render(ctx) {
  const state = Object.fromEntries(FILTERS.map(f => [f, ctx.query.get(f) ?? '']));
  let cursor = null;
  let rows = [];
  let open = null;
  const listHost = h('div');
  const moreHost = h('div', { class: 'row' });
  const verifyHost = h('div');

  const params = () => Object.fromEntries(FILTERS.filter(f => state[f]).map(f => [f, state[f]]));
  const exportLink = format => h('a', {
    class: 'button small', 'data-testid': `audit-export-${format}`, download: `tollgate-audit.${format}`,
    href: `/api/audit/export${query({ format, ...params() })}`,
  }, format.toUpperCase());

  const load = async append => {
    if (!append) {
      replace(listHost, loading());
    }
    try {
      const page = await get(`/api/audit${query({ limit: 50, before: append ? cursor : '', ...params() })}`);
      rows = append ? rows.concat(page.entries) : page.entries;
      cursor = page.next_cursor ?? null;
      replace(listHost, list());
      replace(moreHost, cursor ? h('button', { 'data-testid': 'audit-more', onclick: () => load(true) }, 'Load more')
        : rows.length ? h('span', { class: 'muted small' }, `${rows.length} shown · end of the log`) : null);
    } catch (err) {
      replace(listHost, banner('error', `Could not load the audit log: ${err.message}`, { retry: () => load(append), testid: 'audit-error' }));
    }
  };

  const detail = entry => h('div', { class: 'grid-2', 'data-testid': `audit-detail-${entry.id}` },
    h('div', null, h('h3', null, 'Before'), h('pre', { class: 'code', 'data-testid': 'audit-before' }, entry.before ? JSON.stringify(entry.before, null, 2) : '–')),
    h('div', null, h('h3', null, 'After'), h('pre', { class: 'code', 'data-testid': 'audit-after' }, entry.after ? JSON.stringify(entry.after, null, 2) : '–')));

  const list = () => {
    if (rows.length === 0) {
      return emptyState({ title: 'No audit entries match', text: 'Admin changes and sign-ins appear here as they happen.', testid: 'audit-empty' });
    }
    const body = table({
      testid: 'audit-table',
      rowTestId: r => `audit-row-${r.id}`,
      onRowClick: r => {
        open = open === r.id ? null : r.id;
        replace(detailHost, open === null ? null : detail(r));
      },
      rows,
      columns: [
        { label: '#', render: r => h('span', { class: 'mono small' }, String(r.id)) },
        { label: 'Time', className: 'nowrap', render: r => h('span', { class: 'small' }, fmtTime(r.time)) },
        { label: 'Actor', render: r => h('span', null, h('span', { class: 'muted small' }, `${r.actor_kind} `), h('b', { 'data-testid': 'audit-actor' }, r.actor)) },
        { label: 'Source', className: 'nowrap', render: r => h('span', { class: 'mono small' }, r.source || '–') },
        { label: 'Action', render: r => h('span', { class: 'mono small', 'data-testid': 'audit-action' }, r.action) },
        { label: 'Target', render: r => h('span', { class: 'mono small' }, r.target) },
        { label: 'Result', className: 'nowrap', render: r => badge(`${r.status} ${r.outcome}`, r.outcome === 'success' ? 'ok' : 'error', 'audit-outcome') },
      ],
    });
    const detailHost = h('div', { class: 'section' });
    return h('div', null, body, detailHost);
  };

  const verify = async () => {
    replace(verifyHost, loading('Verifying the chain…'));
    try {
      const v = await get('/api/audit/verify');
      replace(verifyHost, v.ok
        ? banner('ok', `The chain holds: ${v.checked} entries${v.first_id ? ` (#${v.first_id} to #${v.last_id})` : ''} match their hashes.`, { testid: 'audit-verify-ok' })
        : banner('error', `The chain is broken at entry #${v.first_bad_id}: ${v.reason}.`, { testid: 'audit-verify-failed' }));
    } catch (err) {
      replace(verifyHost, banner('error', `Could not verify: ${err.message}`, { testid: 'audit-verify-error' }));
    }
  };

  const input = (name, placeholder) => h('input', {
    type: 'search', placeholder, value: state[name], 'data-testid': `audit-filter-${name}`,
    onchange: e => { state[name] = e.target.value.trim(); sync(); },
  });
  const outcome = h('select', { 'data-testid': 'audit-filter-outcome', onchange: e => { state.outcome = e.target.value; sync(); } },
    ['', 'success', 'failure'].map(v => h('option', { value: v, selected: state.outcome === v ? '' : null }, v || 'any result')));
  const sync = () => {
    ctx.setQuery(new URLSearchParams(Object.entries(state).filter(([, v]) => v)));
    load(false);
  };

  const bar = h('div', { class: 'panel-body' },
    h('div', { class: 'row' }, input('actor', 'Actor (exact)'), input('action', 'Action contains'), input('target', 'Target starts with'), outcome));
  for (const el of bar.querySelectorAll('input, select')) {
    el.style.width = 'auto';
    el.style.minWidth = '170px';
  }

  const page = h('div', { 'data-testid': 'audit-page' },
    pageHeader({
      title: 'Audit log',
      subtitle: 'Every admin change and sign-in, chained with an HMAC so an edited or removed entry is found.',
      actions: [h('button', { 'data-testid': 'audit-verify', onclick: verify }, 'Verify chain'), exportLink('jsonl'), exportLink('csv')],
    }),
    verifyHost,
    panel({ body: bar, flush: true }),
    h('div', { class: 'section' }, panel({ testid: 'audit', flush: true, body: listHost })),
    moreHost);
  load(false);
  return page;
}
