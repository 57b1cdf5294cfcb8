// Small SVG time-series charts. Hand-drawn instead of a vendored library: the dashboard needs four line charts
// with a shared time axis and hover values, which is ~150 lines here, themed by the same CSS variables as the page.
import { h, clear } from './dom.js';

const HEIGHT = 180;
const PAD = { top: 12, right: 12, bottom: 22, left: 52 };

/**
 * series: [{ name, values: number[] (null = gap), className: 'series-1' }]; times: Date[] (bucket starts);
 * format(value) for the axis and hover; kind 'line' or 'bar'.
 */
export function timeChart({ times, series, format = v => String(v), kind = 'line', testid = null, integer = false }) {
  const host = h('div', { class: 'chart-host', 'data-testid': testid });
  const legend = h('div', { class: 'legend' },
    series.map(s => h('span', null, h('span', { class: `swatch ${s.className}` }), s.name)));
  const readout = h('div', { class: 'small muted', 'data-testid': testid ? `${testid}-readout` : null }, '\u00a0');
  const svgHost = h('div');
  host.append(legend, svgHost, readout);

  const draw = width => {
    clear(svgHost);
    svgHost.appendChild(render({ width: Math.max(width, 200), times, series, format, kind, readout, integer }));
  };
  // Draw at the real width (text must not stretch), again when the layout changes.
  const observer = new ResizeObserver(entries => {
    const width = Math.floor(entries[0].contentRect.width);
    if (width > 0 && width !== host.dataset.width) {
      host.dataset.width = width;
      draw(width);
    }
  });
  observer.observe(svgHost);
  return host;
}

function render({ width, times, series, format, kind, readout, integer }) {
  const svg = h('svg:svg', { class: 'chart', viewBox: `0 0 ${width} ${HEIGHT}`, width, height: HEIGHT, role: 'img' });
  const plotW = width - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const n = times.length;
  const all = series.flatMap(s => s.values.filter(v => v !== null && v !== undefined));
  // Counts step by whole numbers: a grid line at 1.5 requests reads as a rounding bug.
  const raw = niceStep(all.length ? Math.max(...all) / 4 : 0);
  const step = integer ? Math.max(1, Math.ceil(raw)) : raw;
  const max = step * 4;
  const x = i => PAD.left + (n <= 1 ? plotW / 2 : (i * plotW) / (n - 1));
  const y = v => PAD.top + plotH - (max === 0 ? 0 : (v / max) * plotH);

  for (let t = 0; t <= 4; t++) {
    const value = (max * t) / 4;
    const yy = y(value);
    svg.appendChild(h('svg:line', { class: 'gridline', x1: PAD.left, x2: width - PAD.right, y1: yy, y2: yy }));
    svg.appendChild(h('svg:text', { x: PAD.left - 6, y: yy + 3, 'text-anchor': 'end' }, format(value)));
  }

  const labelEvery = Math.max(1, Math.ceil(n / Math.max(2, Math.floor(plotW / 90))));
  const span = n > 1 ? times[n - 1] - times[0] : 0;
  for (let i = 0; i < n; i += labelEvery) {
    svg.appendChild(h('svg:text', { x: x(i), y: HEIGHT - 6, 'text-anchor': 'middle' }, timeLabel(times[i], span)));
  }

  if (kind === 'bar') {
    const barW = Math.max(1, (plotW / Math.max(n, 1)) * 0.7 / series.length);
    series.forEach((s, si) => {
      s.values.forEach((v, i) => {
        if (v) {
          const left = x(i) - (barW * series.length) / 2 + si * barW;
          svg.appendChild(h('svg:rect', { class: s.className, x: left, y: y(v), width: barW, height: PAD.top + plotH - y(v) }));
        }
      });
    });
  } else {
    for (const s of series) {
      let d = '';
      let area = '';
      let open = false;
      let start = 0;
      s.values.forEach((v, i) => {
        if (v === null || v === undefined) {
          if (open) {
            area += `L${x(i - 1)},${y(0)}L${x(start)},${y(0)}Z`;
          }
          open = false;
          return;
        }
        d += `${open ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
        area += open ? `L${x(i).toFixed(1)},${y(v).toFixed(1)}` : `M${x(i).toFixed(1)},${y(v).toFixed(1)}`;
        if (!open) {
          start = i;
        }
        open = true;
      });
      if (open) {
        area += `L${x(n - 1)},${y(0)}L${x(start)},${y(0)}Z`;
      }
      if (d) {
        svg.appendChild(h('svg:path', { class: `area ${s.className}`, d: area }));
        svg.appendChild(h('svg:path', { class: `line ${s.className}`, d }));
      }
      // A value with no neighbour draws no line: mark it with a dot so a lone busy minute is still visible.
      s.values.forEach((v, i) => {
        const alone = v !== null && v !== undefined && (s.values[i - 1] ?? null) === null && (s.values[i + 1] ?? null) === null;
        if (alone) {
          svg.appendChild(h('svg:circle', { class: `dot ${s.className}`, cx: x(i), cy: y(v), r: 3 }));
        }
      });
    }
  }

  // One invisible column per bucket: hovering shows that bucket's values under the chart.
  const colW = plotW / Math.max(n, 1);
  for (let i = 0; i < n; i++) {
    const rect = h('svg:rect', { class: 'hover-target', x: x(i) - colW / 2, y: PAD.top, width: colW, height: plotH });
    rect.addEventListener('mouseenter', () => {
      readout.textContent = `${new Date(times[i]).toLocaleString()} · ` +
        series.map(s => `${s.name}: ${s.values[i] === null || s.values[i] === undefined ? '–' : format(s.values[i])}`).join(' · ');
    });
    svg.appendChild(rect);
  }
  return svg;
}

/** A round grid step (1, 2, 2.5 or 5 × 10ⁿ) at least `value`, so four steps cover the data with readable labels. */
function niceStep(value) {
  if (value <= 0) {
    return 1;
  }
  const exp = Math.pow(10, Math.floor(Math.log10(value)));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (value <= step * exp) {
      return step * exp;
    }
  }
  return 10 * exp;
}

function timeLabel(time, span) {
  const d = new Date(time);
  if (span > 2 * 86400000) {
    return d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
  }
  return d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}
