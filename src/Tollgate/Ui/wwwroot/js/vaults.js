// Secret vaults panel: each store of the config's `vaults` section and how its last refresh went. Names and errors only;
// the API never returns a value.
import { h, fmtTime, fmtRelative } from './dom.js';
import { get } from './api.js';
import { loadInto, panel, table, badge, banner } from './ui.js';

export function vaultsPanel() {
  const container = h('div');
  loadInto(container, () => get('/api/vaults'), ({ vaults }) => {
    if (vaults.length === 0) {
      return h('div');
    }
    const failing = vaults.filter(v => v.status !== 'ok');
    return panel({
      title: 'Secret vaults',
      testid: 'vaults',
      flush: true,
      body: h('div', null,
        failing.length > 0
          ? banner('error', `${failing.map(v => v.name).join(', ')}: the last refresh failed; the gateway keeps using the last good values.`, { testid: 'vaults-failing' })
          : null,
        table({
          testid: 'vaults-table',
          rowTestId: v => `vault-row-${v.name}`,
          rows: vaults,
          columns: [
            { label: 'Vault', render: v => h('b', null, v.name) },
            { label: 'Type', render: v => h('span', { class: 'mono' }, v.type) },
            { label: 'Status', render: v => badge(v.status, v.status === 'ok' ? 'ok' : 'error', `vault-status-${v.name}`) },
            { label: 'Secrets', render: v => v.failing_secrets > 0 ? `${v.secrets} (${v.failing_secrets} failing)` : String(v.secrets) },
            { label: 'Refresh', render: v => `every ${v.refresh_seconds} s` },
            { label: 'Last success', render: v => h('span', { title: fmtTime(v.last_success) }, fmtRelative(v.last_success)) },
            { label: 'Last error', render: v => v.last_error ? h('span', { class: 'mono', 'data-testid': `vault-error-${v.name}` }, v.last_error) : h('span', { class: 'muted' }, '–') },
          ],
        })),
    });
  });
  return container;
}
