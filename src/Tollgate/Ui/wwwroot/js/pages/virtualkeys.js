import { h, fmtTime, fmtRelative } from '../dom.js';
import { get, post, put, del, enc } from '../api.js';
import { pageHeader, loadInto, emptyState, panel, table, badge, configBadge, openDialog, formDialog, confirmDialog, toast, copyButton, banner } from '../ui.js';
import { canEdit } from '../session.js';

export async function render(ctx) {
  const content = h('div');
  let refs = null;
  // The form's team, budget and rate-limit pickers need the lists: the button waits for them.
  const create = canEdit()
    ? h('button', { class: 'primary', 'data-testid': 'create-vk', disabled: true, onclick: () => openKeyForm(refs, null, () => reload(false)) }, 'Create virtual key')
    : null;
  const reload = loadInto(content, async () => {
    const [keys, teams, customers, budgets, rateLimits] = await Promise.all([
      get('/api/virtual-keys'), get('/api/teams'), get('/api/customers'), get('/api/budgets'), get('/api/rate-limits')]);
    refs = { teams, customers, budgets, rateLimits };
    if (create) {
      create.disabled = false;
    }
    return keys;
  }, keys => view(keys, refs, ctx, () => reload(false)));
  return h('div', { 'data-testid': 'virtual-keys-page' },
    pageHeader({ title: 'Virtual keys', subtitle: 'What applications send instead of provider keys (Authorization: Bearer sk-tg-…). Each key carries its own access, budget and limits.', actions: [create] }),
    content);
}

function status(k) {
  if (!k.is_active) {
    return badge('revoked', 'error', 'vk-status');
  }
  if (k.expires_at && new Date(k.expires_at) < new Date()) {
    return badge('expired', 'warn', 'vk-status');
  }
  return badge('active', 'ok', 'vk-status');
}

function access(k) {
  if (!k.provider_configs || k.provider_configs.length === 0) {
    return h('span', { class: 'muted' }, 'every provider and model');
  }
  return k.provider_configs.map(p => h('div', { class: 'small' }, h('b', null, p.provider), ': ', p.allowed_models.join(', ')));
}

function view(keys, refs, ctx, reload) {
  if (keys.length === 0) {
    return panel({
      body: emptyState({
        title: 'No virtual keys yet',
        text: 'Create a key for each application or team; its value is shown once. Requests made with it are attributed, limited and billed to it.',
        action: canEdit() ? h('button', { class: 'primary', 'data-testid': 'empty-create-vk', onclick: () => openKeyForm(refs, null, reload) }, 'Create a virtual key') : null,
      }),
    });
  }
  const nameOf = (list, id) => list.find(x => x.id === id)?.name ?? id;
  return panel({
    flush: true,
    body: table({
      testid: 'vk-table',
      rowTestId: k => `vk-row-${k.name}`,
      rows: keys,
      columns: [
        { label: 'Name', className: 'nowrap', render: k => h('div', null, h('b', null, k.name), k.description ? h('div', { class: 'small muted' }, k.description) : null) },
        { label: 'Key', className: 'nowrap', render: k => h('code', { 'data-testid': 'vk-hint' }, k.key_hint) },
        { label: 'Owner', render: k => k.team_id ? `team ${nameOf(refs.teams, k.team_id)}` : k.customer_id ? `customer ${nameOf(refs.customers, k.customer_id)}` : h('span', { class: 'muted' }, '–') },
        { label: 'Budget', render: k => k.budget_id ?? h('span', { class: 'muted' }, '–') },
        { label: 'Rate limit', render: k => k.rate_limit_id ?? h('span', { class: 'muted' }, '–') },
        { label: 'Access', render: access },
        { label: 'Status', render: k => h('div', null, status(k),
          k.previous_key_valid_until ? h('div', { class: 'small muted' }, `old value works until ${fmtTime(k.previous_key_valid_until)}`) : null,
          k.expires_at ? h('div', { class: 'small muted' }, `expires ${fmtRelative(k.expires_at)}`) : null) },
        { label: 'Created', className: 'nowrap', render: k => h('span', { class: 'small' }, fmtTime(k.created_at)) },
        { label: '', className: 'actions', render: k => k.from_config_file ? configBadge() : canEdit() ? h('div', { class: 'row' },
          h('button', { class: 'small', 'data-testid': 'vk-edit', onclick: () => openKeyForm(refs, k, reload) }, 'Edit'),
          h('button', { class: 'small', 'data-testid': 'vk-rotate', onclick: () => rotate(k, reload) }, 'Rotate'),
          k.is_active ? h('button', { class: 'small danger', 'data-testid': 'vk-revoke', onclick: () => revoke(k, reload) }, 'Revoke') : null,
          h('button', { class: 'small danger', 'data-testid': 'vk-delete', onclick: () => remove(k, reload) }, 'Delete')) : null },
      ],
    }),
  });
}

/** Shown once after create or rotate: the only time the gateway returns the value. */
export function showSecret(title, key) {
  return openDialog({
    title,
    testid: 'vk-secret-dialog',
    build: close => ({
      body: [
        banner('warn', 'Copy this key now. It is shown only once: Tollgate keeps only its hash and cannot show it again.'),
        h('div', { class: 'secret-box' }, h('code', { 'data-testid': 'vk-secret-value' }, key.value), copyButton(key.value, 'vk-secret-copy')),
        h('p', { class: 'small muted' }, 'Use it as Authorization: Bearer <key> (or the x-api-key header) with any OpenAI-compatible client pointed at this gateway\'s /v1.'),
      ],
      footer: [h('button', { class: 'primary', 'data-testid': 'vk-secret-done', onclick: () => close(true) }, 'I have copied it')],
    }),
  });
}

function parseAccess(text, existing) {
  const configs = [];
  for (const raw of (text ?? '').split('\n')) {
    const line = raw.trim();
    if (!line) {
      continue;
    }
    const [provider, models] = line.includes(':') ? [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1)] : [line, '*'];
    const allowed = models.split(',').map(s => s.trim()).filter(Boolean);
    const name = provider.trim();
    const before = existing?.find(p => p.provider === name);
    configs.push({ provider: name, allowed_models: allowed.length ? allowed : ['*'], weight: before?.weight ?? 1 });
  }
  return configs;
}

function toLocalInput(iso) {
  if (!iso) {
    return '';
  }
  const d = new Date(iso);
  const pad = n => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function openKeyForm(refs, existing, reload) {
  const options = (list, label = x => x.name ?? x.id) => [['', '— none —'], ...list.filter(x => x).map(x => [x.id, `${label(x)}${x.id !== label(x) ? ` (${x.id})` : ''}`])];
  const fields = [
    { name: 'name', label: 'Name', required: true, value: existing?.name, testid: 'vk-name', help: 'Unique; shown in logs and usage.' },
    existing ? null : { name: 'id', label: 'Id', testid: 'vk-id', help: 'Left empty, one is made from the name.' },
    { name: 'description', label: 'Description', value: existing?.description, testid: 'vk-description' },
    { name: 'team_id', label: 'Team', type: 'select', value: existing?.team_id ?? '', options: options(refs.teams), testid: 'vk-team' },
    { name: 'customer_id', label: 'Customer', type: 'select', value: existing?.customer_id ?? '', options: options(refs.customers), testid: 'vk-customer',
      help: 'A key belongs to a team or a customer, not both (the team names its customer).' },
    { name: 'budget_id', label: 'Budget', type: 'select', value: existing?.budget_id ?? '', options: options(refs.budgets, b => `${b.id}: $${b.max_limit_usd} / ${b.reset_duration}`), testid: 'vk-budget' },
    { name: 'rate_limit_id', label: 'Rate limit', type: 'select', value: existing?.rate_limit_id ?? '', options: options(refs.rateLimits, r => r.id), testid: 'vk-rate-limit' },
    { name: 'access', label: 'Allowed providers and models', type: 'textarea', rows: 3, testid: 'vk-access', params: ['provider_configs'],
      value: (existing?.provider_configs ?? []).map(p => `${p.provider}: ${p.allowed_models.join(', ')}`).join('\n'),
      placeholder: 'databricks: *\nopenai: gpt-4o*, gpt-4.1*',
      help: 'One provider per line, optionally with model globs after a colon. Empty allows every provider and model.' },
    { name: 'fallbacks', label: 'Fallback models', type: 'list', value: existing?.fallbacks ?? [], placeholder: 'openai/gpt-4o-mini, anthropic/claude-3-5-haiku-latest', testid: 'vk-fallbacks' },
    { name: 'expires_at', label: 'Expires at', type: 'datetime', value: toLocalInput(existing?.expires_at), testid: 'vk-expires' },
    { name: 'log_content', label: 'Log prompts and answers', type: 'select', value: existing?.log_content ?? '', testid: 'vk-log-content', optionalTag: false,
      options: [['', 'Gateway default (client.log_content)'], ['off', 'Off'], ['truncated', 'First few KB of each body'], ['full', 'Full bodies']],
      help: 'Bodies often carry personal data: log them only where you need to debug.' },
    { name: 'max_concurrent_requests', label: 'Max concurrent requests', type: 'number', min: 1, value: existing?.max_concurrent_requests ?? '', testid: 'vk-max-concurrent' },
    existing ? { name: 'is_active', label: 'Active', type: 'checkbox', value: existing.is_active, testid: 'vk-active' } : null,
  ].filter(Boolean);

  return formDialog({
    title: existing ? `Edit virtual key ${existing.name}` : 'Create virtual key',
    fields,
    testid: 'vk-dialog',
    submitLabel: existing ? 'Save' : 'Create key',
    submit: async v => {
      const body = {
        name: v.name,
        description: v.description,
        team_id: v.team_id,
        customer_id: v.customer_id,
        budget_id: v.budget_id,
        rate_limit_id: v.rate_limit_id,
        provider_configs: parseAccess(v.access, existing?.provider_configs),
        fallbacks: v.fallbacks.length ? v.fallbacks : null,
        expires_at: v.expires_at,
        max_concurrent_requests: v.max_concurrent_requests,
        log_content: v.log_content,
      };
      if (v.id) {
        body.id = v.id;
      }
      if (existing) {
        body.is_active = v.is_active;
      }
      for (const k of Object.keys(body)) {
        if (body[k] === null || body[k] === undefined) {
          delete body[k];
        }
      }
      if (existing) {
        const saved = await put(`/api/virtual-keys/${enc(existing.id)}`, body);
        toast(`Virtual key ${saved.name} saved.`);
        reload();
        return saved;
      }
      const created = await post('/api/virtual-keys', body);
      reload();
      // After the form closes: the secret dialog must not stack under it.
      setTimeout(() => showSecret(`Virtual key ${created.name} created`, created), 0);
      return created;
    },
  });
}

function rotate(k, reload) {
  return formDialog({
    title: `Rotate ${k.name}?`,
    testid: 'vk-rotate-dialog',
    submitLabel: 'Rotate',
    intro: h('p', null, 'A new value is generated and shown once. Applications using the old value need the new one.'),
    fields: [{ name: 'grace_period_seconds', label: 'Keep the old value working for (seconds)', type: 'number', min: 0, value: 0, testid: 'vk-grace',
      help: '0 stops the old value at once; 3600 gives clients an hour to switch (at most 30 days).' }],
    submit: async v => {
      const rotated = await post(`/api/virtual-keys/${enc(k.id)}/rotate`, { grace_period_seconds: v.grace_period_seconds ?? 0 });
      reload();
      setTimeout(() => showSecret(`New value for ${rotated.name}`, rotated), 0);
      return rotated;
    },
  });
}

async function revoke(k, reload) {
  const done = await confirmDialog({
    title: `Revoke ${k.name}?`,
    message: 'Requests with this key (and any grace-period value) get 401 at once. The key stays listed; you can re-activate it with Edit.',
    confirmLabel: 'Revoke',
    action: () => post(`/api/virtual-keys/${enc(k.id)}/revoke`),
  });
  if (done) {
    toast(`Virtual key ${k.name} revoked.`);
    reload();
  }
}

async function remove(k, reload) {
  const done = await confirmDialog({
    title: `Delete ${k.name}?`,
    message: 'The key stops working and disappears from this list. Its past requests stay in the logs.',
    action: () => del(`/api/virtual-keys/${enc(k.id)}`),
  });
  if (done) {
    toast(`Virtual key ${k.name} deleted.`);
    reload();
  }
}
