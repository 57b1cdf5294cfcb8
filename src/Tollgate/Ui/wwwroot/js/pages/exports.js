// Exports: the config file's destinations and schedules (read-only here), each schedule's last window and a
// "Run now" that exports whatever windows are due, and the run history with each window's status.
import { h, fmtTime, fmtInt } from '../dom.js';
import { get, post, enc } from '../api.js';
import { pageHeader, loadInto, panel, table, badge, toast, emptyState } from '../ui.js';

const statusKind = status => (status === 'done' ? 'ok' : status === 'failed' ? 'error' : 'warn');

export async function render() {
  const overview = h('div');
  const runs = h('div', { class: 'section' });
  const reloadRuns = loadInto(runs, () => get('/api/exports/runs?limit=100'), data => runsPanel(data.runs));
  const reloadOverview = loadInto(overview, () => get('/api/exports'), data => h('div', null,
    schedulesPanel(data.schedules, () => {
      reloadOverview(false);
      reloadRuns(false);
    }),
    h('div', { class: 'section' }, destinationsPanel(data.destinations))));

  return h('div', { 'data-testid': 'exports-page' },
    pageHeader({
      title: 'Exports',
      subtitle: 'Schedules from the config file (exports) write each closed window of the request log once, with a manifest, to their destination.',
    }),
    overview,
    runs);
}

function schedulesPanel(schedules, afterRun) {
  return panel({
    title: 'Schedules',
    testid: 'exports-schedules',
    flush: schedules.length > 0,
    body: schedules.length === 0
      ? emptyState({ title: 'No schedules', text: 'Add exports.destinations and exports.schedules to the config file.', testid: 'exports-no-schedules' })
      : table({
        testid: 'exports-schedules-table',
        rowTestId: s => `schedule-${s.id}`,
        columns: [
          { label: 'Id', render: s => h('span', { class: 'mono' }, s.id) },
          { label: 'Destination', render: s => s.destination },
          { label: 'Format', render: s => badge(s.format + (s.gzip ? ' + gzip' : ''), 'accent') },
          { label: 'Cron (UTC)', render: s => h('span', { class: 'mono' }, s.cron) },
          { label: 'Content', render: s => (s.include_content ? 'included' : '–') },
          { label: 'Last window', render: s => (s.last_run ? `${fmtTime(s.last_run.window_start)} → ${fmtTime(s.last_run.window_end)}` : 'none yet') },
          { label: 'Status', render: s => (s.last_run ? badge(s.last_run.status, statusKind(s.last_run.status), `schedule-status-${s.id}`) : '–') },
          {
            label: '',
            render: s => h('button', {
              class: 'small',
              'data-testid': `run-${s.id}`,
              onclick: async event => {
                const button = event.currentTarget;
                button.disabled = true;
                try {
                  const result = await post(`/api/exports/${enc(s.id)}/run`);
                  const done = result.runs.filter(r => r.status === 'done').length;
                  const failed = result.runs.length - done;
                  toast(result.runs.length === 0
                    ? `${s.id}: no window is due yet`
                    : `${s.id}: ${done} window(s) exported${failed ? `, ${failed} failed` : ''}`, failed ? 'error' : 'ok');
                } catch (error) {
                  toast(error.message, 'error');
                } finally {
                  button.disabled = false;
                  afterRun();
                }
              },
            }, 'Run now'),
          },
        ],
        rows: schedules,
      }),
  });
}

function destinationsPanel(destinations) {
  return panel({
    title: 'Destinations',
    testid: 'exports-destinations',
    flush: destinations.length > 0,
    body: destinations.length === 0
      ? emptyState({ title: 'No destinations', text: 'A directory or an S3-compatible bucket.', testid: 'exports-no-destinations' })
      : table({
        testid: 'exports-destinations-table',
        rowTestId: d => `destination-${d.id}`,
        columns: [
          { label: 'Id', render: d => h('span', { class: 'mono' }, d.id) },
          { label: 'Type', render: d => badge(d.type, 'accent') },
          { label: 'Location', render: d => h('span', { class: 'mono' }, d.location) },
        ],
        rows: destinations,
      }),
  });
}

function runsPanel(runs) {
  return panel({
    title: 'Runs',
    testid: 'exports-runs',
    flush: runs.length > 0,
    body: runs.length === 0
      ? emptyState({ title: 'No runs yet', text: 'Each exported window appears here with its rows and files.', testid: 'exports-no-runs' })
      : table({
        testid: 'exports-runs-table',
        rowTestId: r => `run-${r.schedule_id}-${r.window_start}`,
        columns: [
          { label: 'Schedule', render: r => h('span', { class: 'mono' }, r.schedule_id) },
          { label: 'Window', render: r => `${fmtTime(r.window_start)} → ${fmtTime(r.window_end)}` },
          { label: 'Status', render: r => badge(r.status, statusKind(r.status)) },
          { label: 'Rows', num: true, render: r => fmtInt(r.rows) },
          { label: 'File', render: r => h('span', { class: 'mono' }, r.files || r.detail || '–') },
          { label: 'Finished', render: r => fmtTime(r.finished) },
        ],
        rows: runs,
      }),
  });
}
