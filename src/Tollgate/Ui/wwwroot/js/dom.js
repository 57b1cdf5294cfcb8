// DOM building without innerHTML: every value from the API becomes a text node, so nothing it says can run as markup.

/**
 * h('div', { class: 'x', 'data-testid': 'y', onclick: fn }, child, [children], null)
 * Attributes: `class`, `on<event>` handlers, `value`/`checked`/`disabled`/`selected` as properties, the rest as attributes.
 */
export function h(tag, attrs, ...children) {
  const el = tag.startsWith('svg:')
    ? document.createElementNS('http://www.w3.org/2000/svg', tag.slice(4))
    : document.createElement(tag);
  if (attrs) {
    for (const [key, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) {
        continue;
      }
      if (key.startsWith('on') && typeof value === 'function') {
        el.addEventListener(key.slice(2), value);
      } else if (key === 'value' || key === 'checked' || key === 'selected' || key === 'disabled' || key === 'open') {
        el[key] = value;
      } else {
        el.setAttribute(key, value === true ? '' : String(value));
      }
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) {
      continue;
    }
    if (Array.isArray(child)) {
      append(el, child);
    } else if (child instanceof Node) {
      el.appendChild(child);
    } else {
      el.appendChild(document.createTextNode(String(child)));
    }
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) {
    el.removeChild(el.firstChild);
  }
  return el;
}

export function replace(el, ...children) {
  clear(el);
  return append(el, children);
}

// ---- formatting ------------------------------------------------------------------------------------

const numberFormat = new Intl.NumberFormat('en-US');
const compactFormat = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

export function fmtInt(n) {
  return n === null || n === undefined ? '–' : numberFormat.format(Math.round(n));
}

export function fmtCompact(n) {
  return n === null || n === undefined ? '–' : Math.abs(n) < 10000 ? fmtInt(n) : compactFormat.format(n);
}

export function fmtMs(ms) {
  if (ms === null || ms === undefined) {
    return '–';
  }
  return ms >= 10000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`;
}

/** USD with enough digits for per-request costs (fractions of a cent) and readable totals. */
export function fmtUsd(value) {
  if (value === null || value === undefined) {
    return '–';
  }
  const v = Number(value);
  if (v === 0) {
    return '$0';
  }
  if (Math.abs(v) >= 1) {
    return `$${v.toFixed(2)}`;
  }
  if (Math.abs(v) >= 0.01) {
    return `$${v.toFixed(4)}`;
  }
  if (Math.abs(v) < 0.000001) {
    return '<$0.000001';
  }
  // Three significant digits without trailing zeros: $0.00002, $0.000153.
  return `$${Number(v.toPrecision(3)).toFixed(8).replace(/0+$/, '')}`;
}

export function fmtPct(ratio) {
  if (ratio === null || ratio === undefined || Number.isNaN(ratio)) {
    return '–';
  }
  return `${(ratio * 100).toFixed(ratio < 0.1 && ratio > 0 ? 2 : 1)}%`;
}

export function fmtTime(value) {
  if (!value) {
    return '–';
  }
  const d = new Date(value);
  return d.toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

export function fmtRelative(value) {
  if (!value) {
    return '–';
  }
  const seconds = (new Date(value).getTime() - Date.now()) / 1000;
  const abs = Math.abs(seconds);
  const units = [[86400, 'day'], [3600, 'hour'], [60, 'minute'], [1, 'second']];
  for (const [size, unit] of units) {
    if (abs >= size || unit === 'second') {
      const n = Math.round(abs / size);
      const label = `${n} ${unit}${n === 1 ? '' : 's'}`;
      return seconds >= 0 ? `in ${label}` : `${label} ago`;
    }
  }
  return '';
}

export function pretty(text) {
  if (text === null || text === undefined) {
    return '';
  }
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return String(text);
  }
}
