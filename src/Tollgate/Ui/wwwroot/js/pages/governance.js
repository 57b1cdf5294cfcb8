// Teams, customers, budgets, rate limits and model limits: one table + form page driven by a spec per kind.
import { h, fmtUsd, fmtTime, fmtRelative, fmtInt } from '../dom.js';
import { get, post, put, del, enc } from '../api.js';
import { pageHeader, loadInto, emptyState, panel, table, configBadge, formDialog, confirmDialog, toast } from '../ui.js';
import { canEdit } from '../session.js';

const none = () => h('span', { class: 'muted' }, '–');
const opt = v => (v === null || v === undefined || v === '' ? none() : String(v));
const refOptions = list => [['', '— none —'], ...list.map(x => [x.id, x.name ? `${x.name} (${x.id})` : x.id])];

const SPECS = {
  teams: {
    title: 'Teams', singular: 'team', path: '/api/teams',
    subtitle: 'Group virtual keys; a team may belong to a customer and carry its own budget and rate limit.',
    empty: 'Create a team per group of applications, then give its virtual keys that team.',
    refs: ['customers', 'budgets', 'rate-limits'],
    columns: [
      { label: 'Name', render: x => h('b', null, x.name) },
      { label: 'Id', render: x => h('code', null, x.id) },
      { label: 'Customer', render: x => opt(x.customer_id) },
      { label: 'Budget', render: x => opt(x.budget_id) },
      { label: 'Rate limit', render: x => opt(x.rate_limit_id) },
    ],
    fields: (x, refs) => [
      { name: 'name', label: 'Name', required: true, value: x?.name },
      idField(x),
      { name: 'customer_id', label: 'Customer', type: 'select', value: x?.customer_id ?? '', options: refOptions(refs.customers) },
      { name: 'budget_id', label: 'Budget', type: 'select', value: x?.budget_id ?? '', options: refOptions(refs.budgets) },
      { name: 'rate_limit_id', label: 'Rate limit', type: 'select', value: x?.rate_limit_id ?? '', options: refOptions(refs['rate-limits']) },
    ],
  },
  customers: {
    title: 'Customers', singular: 'customer', path: '/api/customers',
    subtitle: 'The top of the hierarchy (customer → team → virtual key); every call must pass each level\'s limits.',
    empty: 'Create a customer to give several teams one shared budget.',
    refs: ['budgets', 'rate-limits'],
    columns: [
      { label: 'Name', render: x => h('b', null, x.name) },
      { label: 'Id', render: x => h('code', null, x.id) },
      { label: 'Budget', render: x => opt(x.budget_id) },
      { label: 'Rate limit', render: x => opt(x.rate_limit_id) },
    ],
    fields: (x, refs) => [
      { name: 'name', label: 'Name', required: true, value: x?.name },
      idField(x),
      { name: 'budget_id', label: 'Budget', type: 'select', value: x?.budget_id ?? '', options: refOptions(refs.budgets) },
      { name: 'rate_limit_id', label: 'Rate limit', type: 'select', value: x?.rate_limit_id ?? '', options: refOptions(refs['rate-limits']) },
    ],
  },
  budgets: {
    title: 'Budgets', singular: 'budget', path: '/api/budgets',
    subtitle: 'Spending caps in USD per period, shared by every customer, team or key that names them. Calls reserve their worst-case cost, so concurrent calls cannot overspend.',
    empty: 'Create a budget, then attach it to a virtual key, team or customer.',
    refs: [],
    columns: [
      { label: 'Id', render: x => h('b', null, x.id) },
      { label: 'Limit', num: true, render: x => `${fmtUsd(x.max_limit_usd)} / ${x.reset_duration}` },
      { label: 'Spent', num: true, render: x => fmtUsd(x.spent_usd) },
      { label: 'Reserved', num: true, render: x => fmtUsd(x.reserved_usd) },
      { label: 'Remaining', num: true, render: x => h('span', { 'data-testid': 'budget-remaining' }, fmtUsd(x.remaining_usd)) },
      { label: 'Used', render: x => usageBar(x) },
      { label: 'Resets', render: x => h('span', { title: fmtTime(x.window_end) }, fmtRelative(x.window_end)) },
    ],
    fields: x => [
      idField(x, true),
      { name: 'max_limit', label: 'Limit (USD)', type: 'number', step: 'any', min: 0, required: true, value: x?.max_limit_usd ?? '' },
      { name: 'reset_duration', label: 'Resets every', required: true, value: x?.reset_duration ?? '1M', help: 'Nm, Nh, Nd, Nw, NM or NY: 1d is daily, 1M monthly (case matters).' },
      { name: 'calendar_aligned', label: 'Align windows to calendar boundaries (UTC midnight, Monday, the 1st)', type: 'checkbox', value: x?.calendar_aligned ?? false },
      { name: 'soft_limit_ratio', label: 'Alert threshold (0–1)', type: 'number', step: 'any', min: 0, value: x?.soft_limit_ratio ?? '', help: 'Marks when to alert; never blocks.' },
    ],
  },
  'rate-limits': {
    title: 'Rate limits', singular: 'rate limit', path: '/api/rate-limits',
    subtitle: 'Requests and tokens per window (token buckets). Each customer, team or key naming a rate limit gets that rate for itself.',
    empty: 'Create a rate limit, then attach it to a virtual key, team or customer.',
    refs: [],
    columns: [
      { label: 'Id', render: x => h('b', null, x.id) },
      { label: 'Requests', num: true, render: x => x.request_max_limit ? `${fmtInt(x.request_max_limit)} / ${x.request_reset_duration}` : none() },
      { label: 'Tokens', num: true, render: x => x.token_max_limit ? `${fmtInt(x.token_max_limit)} / ${x.token_reset_duration}` : none() },
    ],
    fields: x => [
      idField(x, true),
      { name: 'request_max_limit', label: 'Requests per window', type: 'number', min: 1, value: x?.request_max_limit ?? '' },
      { name: 'request_reset_duration', label: 'Request window', value: x?.request_reset_duration ?? '', placeholder: '1m', help: 'Ns, Nm, Nh or Nd.' },
      { name: 'token_max_limit', label: 'Tokens per window', type: 'number', min: 1, value: x?.token_max_limit ?? '' },
      { name: 'token_reset_duration', label: 'Token window', value: x?.token_reset_duration ?? '', placeholder: '1m' },
    ],
  },
  'model-limits': {
    title: 'Model limits', singular: 'model limit', path: '/api/model-limits',
    subtitle: 'Databricks-style endpoint limits on a provider\'s models, whoever calls them. Each matching model counts separately.',
    empty: 'Create a model limit to cap queries or tokens per minute on a provider\'s models.',
    refs: [],
    columns: [
      { label: 'Id', render: x => h('b', null, x.id) },
      { label: 'Provider / model', render: x => h('code', null, `${x.provider}/${x.model}`) },
      { label: 'Key', render: x => opt(x.key) },
      { label: 'QPS', num: true, render: x => opt(x.queries_per_second) },
      { label: 'QPH', num: true, render: x => opt(x.queries_per_hour) },
      { label: 'Input TPM', num: true, render: x => opt(x.input_tokens_per_minute) },
      { label: 'Output TPM', num: true, render: x => opt(x.output_tokens_per_minute) },
      { label: 'Embedding inputs/s', num: true, render: x => opt(x.embedding_inputs_per_second) },
    ],
    fields: x => [
      idField(x, true),
      { name: 'provider', label: 'Provider', required: true, value: x?.provider },
      { name: 'model', label: 'Model glob', value: x?.model ?? '*', help: '* for every model of the provider.' },
      { name: 'key', label: 'Provider key name', value: x?.key, help: 'Limit one key only; a call finding it at its limit moves to another key.' },
      { name: 'queries_per_second', label: 'Queries per second', type: 'number', min: 1, value: x?.queries_per_second ?? '' },
      { name: 'queries_per_hour', label: 'Queries per hour', type: 'number', min: 1, value: x?.queries_per_hour ?? '' },
      { name: 'input_tokens_per_minute', label: 'Input tokens per minute', type: 'number', min: 1, value: x?.input_tokens_per_minute ?? '' },
      { name: 'output_tokens_per_minute', label: 'Output tokens per minute', type: 'number', min: 1, value: x?.output_tokens_per_minute ?? '' },
      { name: 'embedding_inputs_per_second', label: 'Embedding inputs per second', type: 'number', min: 1, value: x?.embedding_inputs_per_second ?? '' },
    ],
  },
};

function idField(x, required = false) {
  return x
    ? { name: 'id', label: 'Id', value: x.id, readonly: true }
    : { name: 'id', label: 'Id', required, help: required ? 'Referenced by teams, customers and keys; letters, digits, - and _.' : 'Left empty, one is made from the name.' };
}

function usageBar(b) {
  const ratio = b.max_limit_usd > 0 ? Math.min(1, (Number(b.spent_usd) + Number(b.reserved_usd)) / Number(b.max_limit_usd)) : 0;
  const fill = h('span');
  fill.style.width = `${(ratio * 100).toFixed(1)}%`;
  return h('div', { class: `bar ${ratio >= 1 ? 'error' : ratio >= (b.soft_limit_ratio ?? 0.8) ? 'warn' : ''}`, title: `${(ratio * 100).toFixed(1)}% used` }, fill);
}

export async function render(ctx) {
  const kind = ctx.route.kind;
  const spec = SPECS[kind];
  const content = h('div');
  let refs = {};
  // The form's pickers need the referenced lists: the button waits for them.
  const create = canEdit() ? h('button', { class: 'primary', 'data-testid': 'create', disabled: true, onclick: () => openForm(null) }, `Create ${spec.singular}`) : null;
  const reload = loadInto(content, async () => {
    const [items, ...refLists] = await Promise.all([get(spec.path), ...spec.refs.map(r => get(`/api/${r}`))]);
    refs = Object.fromEntries(spec.refs.map((r, i) => [r, refLists[i]]));
    if (create) {
      create.disabled = false;
    }
    return items;
  }, items => view(items));

  const openForm = existing => formDialog({
    title: existing ? `Edit ${spec.singular} ${existing.id}` : `Create ${spec.singular}`,
    fields: spec.fields(existing, refs),
    testid: `${kind}-dialog`,
    submitLabel: existing ? 'Save' : 'Create',
    submit: async v => {
      const body = Object.fromEntries(Object.entries(v).filter(([, value]) => value !== null && value !== ''));
      const saved = existing ? await put(`${spec.path}/${enc(existing.id)}`, body) : await post(spec.path, body);
      toast(`${capitalize(spec.singular)} ${saved.id} saved.`);
      reload(false);
      return saved;
    },
  });

  const remove = async item => {
    const done = await confirmDialog({
      title: `Delete ${spec.singular} ${item.id}?`,
      message: 'This cannot be undone. A budget or rate limit still attached to something cannot be deleted; detach it first.',
      action: () => del(`${spec.path}/${enc(item.id)}`),
    });
    if (done) {
      toast(`${capitalize(spec.singular)} ${item.id} deleted.`);
      reload(false);
    }
  };

  function view(items) {
    if (items.length === 0) {
      return panel({
        body: emptyState({
          title: `No ${spec.title.toLowerCase()} yet`,
          text: spec.empty,
          action: canEdit() ? h('button', { class: 'primary', 'data-testid': 'empty-create', onclick: () => openForm(null) }, `Create ${spec.singular}`) : null,
        }),
      });
    }
    return panel({
      flush: true,
      body: table({
        testid: `${kind}-table`,
        rowTestId: x => `row-${x.id}`,
        rows: items,
        columns: [...spec.columns, {
          label: '', className: 'actions',
          render: x => x.from_config_file ? configBadge() : canEdit() ? h('div', { class: 'row' },
            h('button', { class: 'small', 'data-testid': 'edit', onclick: () => openForm(x) }, 'Edit'),
            h('button', { class: 'small danger', 'data-testid': 'delete', onclick: () => remove(x) }, 'Delete')) : null,
        }],
      }),
    });
  }

  return h('div', { 'data-testid': `${kind}-page` }, pageHeader({ title: spec.title, subtitle: spec.subtitle, actions: [create] }), content);
}

function capitalize(s) {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
