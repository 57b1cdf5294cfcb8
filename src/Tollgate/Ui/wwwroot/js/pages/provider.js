import { h, fmtMs, fmtPct, fmtRelative } from '../dom.js';
import { get, del, enc } from '../api.js';
import { pageHeader, loadInto, emptyState, panel, table, badge, configBadge, confirmDialog, toast, banner } from '../ui.js';
import { canEdit } from '../session.js';
import { openProviderForm } from './providers.js';

export async function render(ctx) {
  const name = ctx.params.name;
  const header = h('div', null, pageHeader({ title: name, crumbs: h('a', { href: '/ui/providers', 'data-link': '' }, '← Providers & keys') }));
  const content = h('div');
  const models = h('div');

  loadInto(content, () => Promise.all([get(`/api/providers/${enc(name)}`), get('/api/routing/health').catch(() => [])]), ([provider, health]) => {
    header.replaceChildren(pageHeader({
      title: provider.name,
      subtitle: null,
      crumbs: h('a', { href: '/ui/providers', 'data-link': '' }, '← Providers & keys'),
      actions: [
        badge(provider.type, 'accent'),
        provider.read_only ? configBadge() : null,
        canEdit() && !provider.read_only ? h('button', { 'data-testid': 'edit-provider', onclick: () => openProviderForm(ctx, provider) }, 'Edit') : null,
        canEdit() && !provider.read_only ? h('button', {
          class: 'danger', 'data-testid': 'delete-provider',
          onclick: async () => {
            const done = await confirmDialog({
              title: `Delete provider ${provider.name}?`,
              message: `Requests for ${provider.name}/… will fail, and virtual keys limited to it lose access. This cannot be undone.`,
              action: () => del(`/api/providers/${enc(provider.name)}`),
            });
            if (done) {
              toast(`Provider ${provider.name} deleted.`);
              ctx.navigate('providers');
            }
          },
        }, 'Delete') : null,
      ],
    }));
    return details(provider, health.filter(k => k.provider === provider.name));
  });

  loadInto(models, () => get(`/api/providers/${enc(name)}/models`), list => panel({
    title: `Models (${list.length})`,
    testid: 'provider-models',
    flush: true,
    body: list.length === 0
      ? emptyState({ title: 'No models found', text: 'Discovery found nothing yet: check the URL and key, or list the models on the key (models: ["name"]). Discovery is cached for five minutes.', testid: 'models-empty' })
      : table({
        testid: 'provider-models-table',
        rows: list,
        rowTestId: m => `model-row-${m.model}`,
        columns: [
          { label: 'Call it as', render: m => h('code', null, m.id) },
          { label: 'Task', render: m => m.task ? badge(m.task) : h('span', { class: 'muted' }, '–') },
          { label: 'Found by', render: m => badge(m.source === 'discovered' ? 'discovered' : 'configured', m.source === 'discovered' ? 'ok' : '') },
          { label: '', render: m => h('a', { href: `/ui/playground?model=${enc(m.id)}`, 'data-link': '' }, 'Try it') },
        ],
      }),
  }));

  return h('div', { 'data-testid': 'provider-page' }, header, content, h('div', { class: 'section' }, models));
}

function details(provider, health) {
  const n = provider.network ?? {};
  return h('div', null,
    provider.read_only ? banner('info', 'This provider is declared in the config file. Edit the file to change it; the gateway reloads it without a restart.') : null,
    h('div', { class: 'grid-2' },
      panel({
        title: 'Connection',
        body: h('dl', { class: 'kv' },
          h('dt', null, 'Base URL'), h('dd', { class: 'mono', 'data-testid': 'provider-base-url-value' }, provider.base_url || '–'),
          h('dt', null, 'Type'), h('dd', null, provider.type),
          h('dt', null, 'Request timeout'), h('dd', null, `${n.default_request_timeout_in_seconds ?? '–'} s`),
          h('dt', null, 'Stream idle timeout'), h('dd', null, `${n.stream_idle_timeout_in_seconds ?? '–'} s`),
          h('dt', null, 'Retries'), h('dd', null, `${n.max_retries ?? 0} (backoff ${n.retry_backoff_initial ?? '–'}–${n.retry_backoff_max ?? '–'} ms)`)),
      }),
      panel({
        title: 'Keys',
        flush: true,
        testid: 'provider-keys',
        body: provider.keys.length === 0
          ? emptyState({ title: 'No keys', text: 'This provider needs none (a local server), or add one with Edit.' })
          : table({
            testid: 'provider-keys-table',
            rows: provider.keys,
            columns: [
              { label: 'Name', render: k => k.name },
              { label: 'Credential', render: k => k.auth === 'service_principal'
                ? h('span', null, badge('service principal'), ' ', h('span', { class: 'mono' }, k.client_id ?? ''))
                : h('span', { class: 'mono', 'data-testid': 'key-masked-value' }, k.value ?? '–') },
              { label: 'Models', render: k => k.models.join(', ') },
              { label: 'Weight', num: true, render: k => String(k.weight) },
            ],
          }),
      })),
    h('div', { class: 'section' }, panel({
      title: 'Routing health',
      flush: true,
      testid: 'provider-health',
      body: health.length === 0
        ? emptyState({ title: 'No health data yet', text: 'Health is measured from live traffic; send a request to see it.' })
        : table({
          testid: 'provider-health-table',
          rows: health,
          columns: [
            { label: 'Key', render: k => k.key },
            { label: 'Circuit', render: k => badge(k.circuit, k.circuit === 'closed' ? 'ok' : k.circuit === 'open' ? 'error' : 'warn') },
            { label: 'Weight (configured → effective)', num: true, render: k => `${k.configured_weight} → ${k.effective_weight}` },
            { label: 'Error rate', num: true, render: k => fmtPct(k.error_rate) },
            { label: 'Latency', num: true, render: k => fmtMs(k.latency_ms) },
            { label: 'TTFT', num: true, render: k => fmtMs(k.time_to_first_token_ms) },
            { label: 'In flight', num: true, render: k => String(k.in_flight) },
            { label: 'Open until', render: k => k.open_until ? fmtRelative(k.open_until) : '–' },
          ],
        }),
    })));
}
