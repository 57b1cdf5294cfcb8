import { h } from '../dom.js';
import { get, put, enc } from '../api.js';
import { pageHeader, loadInto, emptyState, panel, table, badge, configBadge, openDialog, createForm, toast } from '../ui.js';
import { canEdit } from '../session.js';

// Types the guided form offers. `family` picks the fields; presets need only a key (their base URL has a default).
const TYPES = [
  ['databricks', 'Databricks workspace', 'databricks'],
  ['openai', 'OpenAI', 'openai'],
  ['anthropic', 'Anthropic', 'anthropic'],
  ['azure', 'Azure OpenAI', 'azure'],
  ['custom', 'OpenAI-compatible (custom base URL)', 'custom'],
  ['groq', 'Groq', 'preset'],
  ['mistral', 'Mistral', 'preset'],
  ['together', 'Together', 'preset'],
  ['fireworks', 'Fireworks', 'preset'],
  ['deepseek', 'DeepSeek', 'preset'],
  ['xai', 'xAI', 'preset'],
  ['openrouter', 'OpenRouter', 'preset'],
  ['cerebras', 'Cerebras', 'preset'],
  ['perplexity', 'Perplexity', 'preset'],
  ['vllm', 'vLLM (local)', 'preset'],
  ['ollama', 'Ollama (local)', 'preset'],
  ['lmstudio', 'LM Studio (local)', 'preset'],
];
const familyOf = type => TYPES.find(t => t[0] === type)?.[2] ?? 'preset';
const LOCAL = new Set(['vllm', 'ollama', 'lmstudio']);

export async function render(ctx) {
  const content = h('div');
  const add = canEdit()
    ? h('button', { class: 'primary', 'data-testid': 'add-provider', onclick: () => openProviderForm(ctx) }, 'Add provider')
    : null;
  loadInto(content, () => Promise.all([get('/api/providers'), get('/api/routing/health').catch(() => [])]), ([list, health]) => view(list.data ?? [], health, ctx));
  return h('div', { 'data-testid': 'providers-page' },
    pageHeader({ title: 'Providers & keys', subtitle: 'Model providers the gateway routes to, their keys (always masked) and live key health.', actions: [add] }),
    content);
}

function view(providers, health, ctx) {
  if (providers.length === 0) {
    return panel({
      body: emptyState({
        title: 'No providers yet',
        text: 'Add a Databricks workspace, OpenAI, Anthropic, Azure or any OpenAI-compatible server; its models become callable as provider/model.',
        action: canEdit() ? h('button', { class: 'primary', 'data-testid': 'empty-add-provider', onclick: () => openProviderForm(ctx) }, 'Add a provider') : null,
      }),
    });
  }
  return panel({
    flush: true,
    body: table({
      testid: 'providers-table',
      rowTestId: p => `provider-row-${p.name}`,
      onRowClick: p => ctx.navigate(`providers/${enc(p.name)}`),
      rows: providers,
      columns: [
        { label: 'Name', render: p => h('a', { href: `/ui/providers/${enc(p.name)}`, 'data-link': '' }, p.name) },
        { label: 'Type', render: p => badge(p.type, 'accent') },
        { label: 'Base URL', render: p => h('span', { class: 'mono' }, p.base_url || '–') },
        { label: 'Keys', render: p => p.keys.length === 0 ? h('span', { class: 'muted' }, 'none') : p.keys.map(k => h('div', { class: 'small' }, `${k.name} `, h('span', { class: 'mono muted' }, k.value ?? k.client_id ?? ''))) },
        { label: 'Health', render: p => healthSummary(health.filter(k => k.provider === p.name)) },
        { label: 'Source', render: p => p.read_only ? configBadge() : badge('UI / API') },
      ],
    }),
  });
}

export function healthSummary(keys) {
  if (keys.length === 0) {
    return h('span', { class: 'muted' }, '–');
  }
  const open = keys.filter(k => k.circuit !== 'closed').length;
  return open === 0 ? badge(`${keys.length} healthy`, 'ok') : badge(`${open} of ${keys.length} ${keys.length === 1 ? 'key' : 'keys'} tripped`, 'error');
}

/** The add/edit dialog. `existing` is a provider view (secrets masked, so they must be entered again). */
export function openProviderForm(ctx, existing = null) {
  const key = existing?.keys?.[0];
  const existingType = existing ? guessType(existing) : 'databricks';
  const existingFamily = familyOf(existingType);
  const form = createForm([
    { name: 'type', label: 'Provider type', type: 'select', required: true, value: existingType, options: TYPES.map(([v, l]) => [v, l]), testid: 'provider-type',
      params: ['base_provider_type'] },
    { name: 'name', label: 'Name', required: true, value: existing?.name ?? 'databricks', testid: 'provider-name', readonly: !!existing,
      help: 'Clients call name/model. A name other than the type (dbx-prod, dbx-dev) lets two providers of one type sit side by side.',
      params: ['custom_provider_config'] },
    { name: 'workspace_url', label: 'Workspace URL', type: 'url', required: true, placeholder: 'https://adb-1234567890123456.7.azuredatabricks.net',
      value: existingFamily === 'databricks' ? existing?.base_url : '', testid: 'provider-workspace-url', params: ['base_url'],
      visible: v => v.type === 'databricks' },
    { name: 'auth', label: 'Authentication', type: 'select', optionalTag: false, value: key?.auth === 'service_principal' ? 'sp' : 'pat', testid: 'provider-auth',
      options: [['pat', 'Personal access token (PAT)'], ['sp', 'Service principal (OAuth client id + secret)']], visible: v => v.type === 'databricks' },
    { name: 'azure_endpoint', label: 'Azure endpoint', type: 'url', required: true, placeholder: 'https://my-resource.openai.azure.com',
      value: key?.azure_endpoint ?? '', testid: 'provider-azure-endpoint', params: ['endpoint'], visible: v => v.type === 'azure' },
    { name: 'base_url', label: 'Base URL', type: 'url', optionalTag: false, placeholder: 'http://127.0.0.1:8000/v1', testid: 'provider-base-url', params: ['base_url'],
      value: existingFamily !== 'databricks' ? existing?.base_url : '',
      help: 'The base your SDK would use; Tollgate adds /chat/completions, /embeddings, /models. Leave empty for the type\'s default.',
      visible: v => !['databricks', 'azure'].includes(v.type) },
    { name: 'api_key', label: 'API key / token', type: 'password', optionalTag: false, testid: 'provider-api-key', params: ['keys[0].value', 'value'],
      placeholder: existing ? 'enter it again: stored secrets are write-only' : 'dapi… / sk-… or env.NAME',
      help: 'A literal value, or a reference: env.NAME (environment variable) or file./path. Stored encrypted, shown masked.',
      visible: v => !(v.type === 'databricks' && v.auth === 'sp') },
    { name: 'client_id', label: 'Client id', optionalTag: false, value: key?.client_id ?? '', testid: 'provider-client-id', params: ['client_id'],
      visible: v => v.type === 'databricks' && v.auth === 'sp' },
    { name: 'client_secret', label: 'Client secret', optionalTag: false, type: 'password', testid: 'provider-client-secret', params: ['client_secret'],
      placeholder: existing ? 'enter it again: stored secrets are write-only' : '',
      visible: v => v.type === 'databricks' && v.auth === 'sp' },
    { name: 'api_version', label: 'API version', placeholder: '2024-10-21', testid: 'provider-api-version', params: ['api_version'], visible: v => v.type === 'azure' },
    { name: 'deployments', label: 'Deployments', type: 'textarea', rows: 3, placeholder: 'gpt-4o-mini=prod-mini', testid: 'provider-deployments', params: ['deployments'],
      help: 'One model=deployment per line.', visible: v => v.type === 'azure' },
    { name: 'key_name', label: 'Key name', value: key?.name ?? '', placeholder: 'shown in logs and the x-tollgate-key header', testid: 'provider-key-name', params: ['keys[0].name'] },
    { name: 'models', label: 'Models this key serves', type: 'list', value: key?.models ?? ['*'], testid: 'provider-models-globs', params: ['models'],
      help: 'Comma-separated globs; * serves every model the provider has.' },
    { name: 'max_retries', label: 'Retries on failure', type: 'number', min: 0, value: existing?.network?.max_retries ?? '', testid: 'provider-retries', params: ['max_retries'] },
  ]);

  // Requiredness depends on the type, so it is checked here rather than by the field specs.
  const requiredFor = v => {
    const missing = [];
    const fam = familyOf(v.type);
    if (fam === 'custom' && !v.base_url) {
      missing.push(['base_url', 'A custom provider needs its base URL.']);
    }
    if (v.type === 'databricks' && v.auth === 'sp') {
      if (!v.client_id) {
        missing.push(['client_id', 'Client id is required.']);
      }
      if (!v.client_secret) {
        missing.push(['client_secret', 'Client secret is required.']);
      }
    } else if (!v.api_key && fam !== 'custom' && !LOCAL.has(v.type)) {
      missing.push(['api_key', existing ? 'Enter the key again: stored secrets are write-only.' : 'An API key or token is required.']);
    }
    return missing;
  };

  return openDialog({
    title: existing ? `Edit provider ${existing.name}` : 'Add provider',
    testid: 'provider-dialog',
    build: close => {
      let formEl = null;
      const save = h('button', { class: 'primary', type: 'button', 'data-testid': 'submit', onclick: () => formEl.requestSubmit() }, existing ? 'Save' : 'Add provider');
      formEl = h('form', {
        novalidate: true,
        onsubmit: async event => {
          event.preventDefault();
          if (!form.validate()) {
            return;
          }
          const v = form.values();
          const missing = requiredFor(v);
          if (missing.length) {
            missing.forEach(([name, message]) => form.setFieldError(name, message));
            return;
          }
          save.disabled = true;
          try {
            const saved = await put(`/api/providers/${enc(v.name)}`, buildBody(v));
            toast(`Provider ${saved.name} saved.`);
            close(saved);
            ctx.navigate(`providers/${enc(saved.name)}`);
          } catch (err) {
            form.showError(err);
          } finally {
            save.disabled = false;
          }
        },
      }, form.el, h('button', { type: 'submit', class: 'hidden', tabindex: '-1' }));
      // Picking a type suggests its name, until the user types one of their own.
      const typeInput = form.fields.get('type').input;
      const nameInput = form.fields.get('name').input;
      let nameTouched = !!existing;
      nameInput.addEventListener('input', () => { nameTouched = true; });
      typeInput.addEventListener('change', () => {
        if (!nameTouched) {
          nameInput.value = typeInput.value === 'custom' ? '' : typeInput.value;
        }
      });
      return { body: formEl, footer: [h('button', { type: 'button', 'data-testid': 'cancel', onclick: () => close(undefined) }, 'Cancel'), save] };
    },
  });
}

function guessType(p) {
  if (p.type === 'openai' && p.name !== 'openai') {
    return 'custom';
  }
  return TYPES.some(t => t[0] === p.type) ? p.type : 'custom';
}

/** The config file's provider JSON (docs/configuration.md), from the guided form's values. */
function buildBody(v) {
  const fam = familyOf(v.type);
  const baseType = fam === 'custom' ? 'openai' : v.type;
  const body = {};
  if (v.name !== baseType || fam === 'custom') {
    body.custom_provider_config = { base_provider_type: baseType };
  }
  if (v.type === 'databricks') {
    body.base_url = v.workspace_url;
  } else if (v.base_url) {
    body.base_url = v.base_url;
  }
  const key = { name: v.key_name || defaultKeyName(v) };
  if (v.type === 'databricks' && v.auth === 'sp') {
    key.databricks_key_config = { client_id: v.client_id, client_secret: v.client_secret };
  } else if (v.api_key) {
    key.value = v.api_key;
  }
  if (v.type === 'azure') {
    const deployments = {};
    for (const line of (v.deployments ?? '').split('\n')) {
      const [model, deployment] = line.split('=').map(s => s?.trim());
      if (model && deployment) {
        deployments[model] = deployment;
      }
    }
    key.azure_key_config = { endpoint: v.azure_endpoint, deployments };
    if (v.api_version) {
      key.azure_key_config.api_version = v.api_version;
    }
  }
  if (v.models && v.models.length) {
    key.models = v.models;
  }
  const hasCredential = key.value || key.databricks_key_config || key.azure_key_config;
  body.keys = hasCredential ? [key] : [];
  if (v.max_retries !== null && v.max_retries !== undefined) {
    body.network_config = { max_retries: v.max_retries };
  }
  return body;
}

function defaultKeyName(v) {
  if (v.type === 'databricks') {
    return v.auth === 'sp' ? 'service-principal' : 'pat';
  }
  return `${v.name}-key`;
}
