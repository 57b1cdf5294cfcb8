// Shared pieces every page uses, so pages look and behave alike: header, tables, states, dialogs, forms.
import { h, replace, clear } from './dom.js';
import { ApiError } from './api.js';

export function pageHeader({ title, subtitle, actions = [], crumbs = null }) {
  return h('header', { class: 'page-header' },
    h('div', { class: 'titles' },
      crumbs ? h('div', { class: 'crumbs' }, crumbs) : null,
      h('h1', { 'data-testid': 'page-title' }, title),
      subtitle ? h('p', null, subtitle) : null),
    h('div', { class: 'actions' }, actions));
}

export function badge(text, kind = '', testid = null) {
  return h('span', { class: `badge ${kind}`, 'data-testid': testid }, text);
}

export function configBadge() {
  return h('span', { class: 'badge warn', title: 'Declared in the config file: edit the file to change it.', 'data-testid': 'from-config-badge' }, 'from config file');
}

export function banner(kind, message, { retry = null, testid = null } = {}) {
  return h('div', { class: `banner ${kind}`, role: kind === 'error' ? 'alert' : 'status', 'data-testid': testid ?? `banner-${kind}` },
    h('span', { class: 'msg' }, message),
    retry ? h('button', { class: 'small', 'data-testid': 'retry', onclick: retry }, 'Retry') : null);
}

export function loading(text = 'Loading…') {
  return h('div', { class: 'loading', 'data-testid': 'loading' }, h('span', { class: 'spinner' }), text);
}

export function emptyState({ title, text, action = null, testid = 'empty-state' }) {
  return h('div', { class: 'empty', 'data-testid': testid },
    h('h2', null, title),
    text ? h('p', null, text) : null,
    action);
}

/**
 * Loads data into a container with a loading state, and on failure an inline banner with Retry.
 * Returns a function that reloads. `render(data)` returns the content.
 */
export function loadInto(container, loader, render, { quiet = false } = {}) {
  let generation = 0;
  const run = async (showSpinner = !quiet) => {
    const mine = ++generation;
    if (showSpinner || !container.firstChild) {
      replace(container, loading());
    }
    try {
      const data = await loader();
      if (mine === generation) {
        replace(container, render(data));
      }
    } catch (err) {
      if (mine === generation && err.name !== 'AbortError') {
        replace(container, banner('error', `Could not load: ${err.message}`, { retry: () => run(true), testid: 'load-error' }));
      }
    }
  };
  run(true);
  return run;
}

/**
 * columns: [{ label, render(row) → node|string, num?: bool, className? }]
 */
export function table({ columns, rows, onRowClick = null, testid = null, rowTestId = null }) {
  return h('div', { class: 'table-wrap' },
    h('table', { 'data-testid': testid },
      h('thead', null, h('tr', null, columns.map(c => h('th', { class: c.num ? 'num' : c.className }, c.label)))),
      h('tbody', null, rows.map(row => {
        const tr = h('tr', { class: onRowClick ? 'clickable' : null, 'data-testid': rowTestId ? rowTestId(row) : null },
          columns.map(c => h('td', { class: c.num ? 'num' : c.className }, c.render(row))));
        if (onRowClick) {
          tr.addEventListener('click', event => {
            if (!event.target.closest('button, a, input')) {
              onRowClick(row);
            }
          });
        }
        return tr;
      }))));
}

export function panel({ title = null, actions = [], body, testid = null, flush = false }) {
  return h('section', { class: 'panel', 'data-testid': testid },
    title ? h('div', { class: 'panel-head' }, h('h2', null, title), actions) : null,
    flush ? body : h('div', { class: 'panel-body' }, body));
}

// ---- toasts ----------------------------------------------------------------------------------------

export function toast(message, kind = 'ok') {
  let host = document.querySelector('.toasts');
  if (!host) {
    host = h('div', { class: 'toasts', 'aria-live': 'polite' });
    document.body.appendChild(host);
  }
  const el = h('div', { class: `toast ${kind}`, 'data-testid': 'toast' }, message);
  host.appendChild(el);
  setTimeout(() => el.remove(), 4000);
}

export function copyButton(text, testid = 'copy') {
  const button = h('button', {
    class: 'small', type: 'button', 'data-testid': testid,
    onclick: async () => {
      try {
        await navigator.clipboard.writeText(text);
        button.textContent = 'Copied';
      } catch {
        button.textContent = 'Select and copy';
      }
      setTimeout(() => { button.textContent = 'Copy'; }, 2000);
    },
  }, 'Copy');
  return button;
}

// ---- dialogs ---------------------------------------------------------------------------------------

/** Opens a modal <dialog>; resolves when it closes. `build(close)` returns { body, footer }. */
export function openDialog({ title, testid = 'dialog', wide = false, build }) {
  return new Promise(resolve => {
    let result;
    const dialog = h('dialog', { 'data-testid': testid });
    if (wide) {
      dialog.style.width = 'min(860px, 96vw)';
    }
    const close = value => {
      result = value;
      dialog.close();
    };
    const { body, footer } = build(close);
    dialog.append(
      h('div', { class: 'dialog-head' }, h('h2', null, title),
        h('button', { class: 'link', type: 'button', 'aria-label': 'Close', 'data-testid': 'dialog-close', onclick: () => close(undefined) }, '✕')),
      h('div', { class: 'dialog-body' }, body),
      footer ? h('div', { class: 'dialog-foot' }, footer) : null);
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(result);
    });
    document.body.appendChild(dialog);
    dialog.showModal();
  });
}

export function confirmDialog({ title, message, confirmLabel = 'Delete', danger = true, action }) {
  return openDialog({
    title,
    testid: 'confirm-dialog',
    build: close => {
      const errorHost = h('div');
      const confirm = h('button', {
        class: danger ? 'danger solid' : 'primary', type: 'button', 'data-testid': 'confirm',
        onclick: async () => {
          confirm.disabled = true;
          try {
            await action();
            close(true);
          } catch (err) {
            replace(errorHost, banner('error', err.message, { testid: 'form-error' }));
            confirm.disabled = false;
          }
        },
      }, confirmLabel);
      return {
        body: [errorHost, h('p', null, message)],
        footer: [h('button', { type: 'button', onclick: () => close(false) }, 'Cancel'), confirm],
      };
    },
  });
}

// ---- forms -----------------------------------------------------------------------------------------

/**
 * A form from field specs: { name, label, type, required, help, placeholder, value, options: [[value, label]],
 * params: API param names that belong to this field, testid, visible(values) }.
 * Types: text, password, number, url, select, checkbox, textarea, list (comma/line separated → array), datetime.
 */
export function createForm(specs) {
  const fields = new Map();
  const formError = h('div');
  const root = h('div', { class: 'form' }, formError);
  const onChange = () => updateVisibility();

  for (const spec of specs) {
    if (spec.section) {
      root.appendChild(h('h3', { class: 'form-section' }, spec.section));
      continue;
    }
    const id = `f-${spec.name.replace(/[^a-z0-9]/gi, '-')}-${Math.random().toString(36).slice(2, 7)}`;
    const testid = spec.testid ?? `field-${spec.name}`;
    let input;
    if (spec.type === 'select') {
      input = h('select', { id, name: spec.name, 'data-testid': testid, onchange: onChange },
        (spec.options ?? []).map(([value, label]) => h('option', { value, selected: String(spec.value ?? '') === String(value) }, label)));
    } else if (spec.type === 'checkbox') {
      input = h('input', { id, type: 'checkbox', name: spec.name, checked: !!spec.value, 'data-testid': testid, onchange: onChange });
    } else if (spec.type === 'textarea' || spec.type === 'list') {
      const value = Array.isArray(spec.value) ? spec.value.join(', ') : spec.value ?? '';
      input = spec.type === 'textarea'
        ? h('textarea', { id, name: spec.name, rows: spec.rows ?? 4, placeholder: spec.placeholder, 'data-testid': testid }, value)
        : h('input', { id, type: 'text', name: spec.name, value, placeholder: spec.placeholder, 'data-testid': testid });
    } else {
      const type = spec.type === 'datetime' ? 'datetime-local' : spec.type ?? 'text';
      input = h('input', {
        id, type, name: spec.name, value: spec.value ?? '', placeholder: spec.placeholder, 'data-testid': testid,
        step: spec.step, min: spec.min, autocomplete: spec.type === 'password' ? 'new-password' : spec.autocomplete ?? 'off',
        readonly: spec.readonly, oninput: onChange,
      });
    }
    const error = h('div', { class: 'error hidden', 'data-testid': `${testid}-error` });
    const wrapper = spec.type === 'checkbox'
      ? h('div', { class: 'field check' }, h('label', { for: id }, input, spec.label), spec.help ? h('div', { class: 'help' }, spec.help) : null, error)
      : h('div', { class: 'field' },
        h('label', { for: id }, spec.label, spec.required || spec.optionalTag === false ? null : h('span', { class: 'muted small' }, ' (optional)')),
        input,
        spec.help ? h('div', { class: 'help' }, spec.help) : null,
        error);
    fields.set(spec.name, { spec, input, error, wrapper });
    root.appendChild(wrapper);
  }

  function readValue({ spec, input }) {
    switch (spec.type) {
      case 'checkbox':
        return input.checked;
      case 'number': {
        const text = input.value.trim();
        return text === '' ? null : Number(text);
      }
      case 'list':
        return input.value.split(/[,\n]/).map(s => s.trim()).filter(Boolean);
      case 'datetime':
        return input.value ? new Date(input.value).toISOString() : null;
      default: {
        const text = input.value.trim();
        return text === '' ? null : text;
      }
    }
  }

  function values() {
    const out = {};
    for (const [name, field] of fields) {
      if (!field.wrapper.classList.contains('hidden')) {
        out[name] = readValue(field);
      }
    }
    return out;
  }

  function updateVisibility() {
    const all = {};
    for (const [name, field] of fields) {
      all[name] = readValue(field);
    }
    for (const field of fields.values()) {
      if (field.spec.visible) {
        field.wrapper.classList.toggle('hidden', !field.spec.visible(all));
      }
    }
  }

  function clearErrors() {
    clear(formError);
    for (const { error, wrapper } of fields.values()) {
      error.classList.add('hidden');
      error.textContent = '';
      wrapper.classList.remove('invalid');
    }
  }

  function matches(param, name) {
    return param === name || param.endsWith(`.${name}`) || param.startsWith(`${name}.`) || param.startsWith(`${name}[`) || param.includes(`.${name}[`);
  }

  /** Shows an API error next to the field its `param` names, or above the form when it names none we show. */
  function showError(err) {
    clearErrors();
    const param = err instanceof ApiError && err.param ? err.param.replace(/^\$\./, '') : null;
    if (param) {
      for (const field of fields.values()) {
        const names = field.spec.params ?? [field.spec.name];
        if (!field.wrapper.classList.contains('hidden') && names.some(n => matches(param, n))) {
          field.error.textContent = err.message.replace(/^\$?[\w.[\]-]*:\s+/, '');
          field.error.classList.remove('hidden');
          field.wrapper.classList.add('invalid');
          field.input.focus();
          return;
        }
      }
    }
    replace(formError, banner('error', err.message, { testid: 'form-error' }));
  }

  function setFieldError(name, message) {
    const field = fields.get(name);
    field.error.textContent = message;
    field.error.classList.remove('hidden');
    field.wrapper.classList.add('invalid');
  }

  /** Client-side required check, so an empty required field is named before a round trip. */
  function validate() {
    clearErrors();
    let ok = true;
    for (const [name, field] of fields) {
      if (field.spec.required && !field.wrapper.classList.contains('hidden')) {
        const v = readValue(field);
        if (v === null || v === '' || (Array.isArray(v) && v.length === 0)) {
          setFieldError(name, `${field.spec.label} is required.`);
          ok = false;
        }
      }
    }
    return ok;
  }

  updateVisibility();
  return { el: root, values, showError, clearErrors, validate, setFieldError, fields, updateVisibility };
}

/**
 * A dialog with a form: validates, calls submit(values), shows API errors by field, closes with submit's result.
 * `extra` is shown under the fields (for editors that are not simple fields).
 */
export function formDialog({ title, fields, submitLabel = 'Save', submit, testid = 'form-dialog', wide = false, extra = null, intro = null }) {
  const form = createForm(fields);
  return openDialog({
    title,
    testid,
    wide,
    build: close => {
      let formEl = null;
      const save = h('button', { class: 'primary', type: 'button', 'data-testid': 'submit', onclick: () => formEl.requestSubmit() }, submitLabel);
      formEl = h('form', {
        novalidate: true,
        onsubmit: async event => {
          event.preventDefault();
          if (!form.validate()) {
            return;
          }
          save.disabled = true;
          try {
            close(await submit(form.values(), form));
          } catch (err) {
            form.showError(err);
          } finally {
            save.disabled = false;
          }
        },
      }, intro, form.el, extra,
      // A hidden submit button makes Enter in a field submit the form.
      h('button', { type: 'submit', class: 'hidden', tabindex: '-1' }));
      return {
        body: formEl,
        footer: [h('button', { type: 'button', 'data-testid': 'cancel', onclick: () => close(undefined) }, 'Cancel'), save],
      };
    },
  });
}
