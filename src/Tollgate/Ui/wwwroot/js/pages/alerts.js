// Alerts: the config file's channels and rules (read-only here), what is firing now, the delivery history, and a
// test send per channel.
import { h, fmtTime } from '../dom.js';
import { get, post, enc } from '../api.js';
import { pageHeader, loadInto, panel, table, badge, toast, emptyState } from '../ui.js';

export async function render() {
  const overview = h('div');
  const history = h('div', { class: 'section' });
  const reloadHistory = loadInto(history, () => get('/api/alerts/history?limit=50'), data => historyPanel(data.events));
  loadInto(overview, () => get('/api/alerts'), data => h('div', null,
    activePanel(data.active),
    h('div', { class: 'section' }, channelsPanel(data.channels, () => reloadHistory(false))),
    h('div', { class: 'section' }, rulesPanel(data.rules, data.evaluation_interval_seconds))));

  return h('div', { 'data-testid': 'alerts-page' },
    pageHeader({
      title: 'Alerts',
      subtitle: 'Channels and rules come from the config file (alerts); the leader evaluates them and notifies each channel once per condition.',
    }),
    overview,
    history);
}

function activePanel(active) {
  return panel({
    title: 'Firing now',
    testid: 'alerts-active',
    flush: active.length > 0,
    body: active.length === 0
      ? emptyState({ title: 'Nothing is firing', text: 'Every rule is within its threshold.', testid: 'alerts-none-firing' })
      : table({
        testid: 'alerts-active-table',
        rowTestId: a => `active-${a.rule_id}`,
        columns: [
          { label: 'Rule', render: a => h('span', { class: 'mono' }, a.rule_id) },
          { label: 'Instance', render: a => a.instance || '–' },
          { label: 'Since', render: a => fmtTime(a.since) },
          { label: 'Summary', render: a => a.summary },
          { label: 'Told', render: a => a.notified_channels.join(', ') || '–' },
        ],
        rows: active,
      }),
  });
}

function channelsPanel(channels, afterTest) {
  return panel({
    title: 'Channels',
    testid: 'alerts-channels',
    flush: channels.length > 0,
    body: channels.length === 0
      ? emptyState({ title: 'No channels', text: 'Add alerts.channels to the config file: slack, teams, pagerduty, email or webhook.', testid: 'alerts-no-channels' })
      : table({
        testid: 'alerts-channels-table',
        rowTestId: c => `channel-${c.id}`,
        columns: [
          { label: 'Id', render: c => h('span', { class: 'mono' }, c.id) },
          { label: 'Type', render: c => badge(c.type, 'accent') },
          { label: 'Target', render: c => h('span', { class: 'mono' }, c.target) },
          { label: 'Signed', render: c => c.signed ? badge('HMAC', 'ok') : '–' },
          {
            label: '',
            render: c => h('button', {
              class: 'small',
              'data-testid': `test-channel-${c.id}`,
              onclick: async event => {
                const button = event.currentTarget;
                button.disabled = true;
                try {
                  const result = await post(`/api/alerts/channels/${enc(c.id)}/test`);
                  toast(`Test notice sent to ${c.id} (${result.detail})`);
                } catch (error) {
                  toast(error.message, 'error');
                } finally {
                  button.disabled = false;
                  afterTest();
                }
              },
            }, 'Send test'),
          },
        ],
        rows: channels,
      }),
  });
}

function condition(rule) {
  switch (rule.type) {
    case 'budget_usage':
      return `budget ${rule.budget_id} at ${rule.thresholds.map(t => `${t}%`).join(' / ')}`;
    case 'error_rate':
      return `error rate > ${(rule.threshold * 100).toFixed(1)}% over ${rule.window_seconds} s (≥ ${rule.min_requests} requests)`;
    case 'latency_p95':
      return `p95 > ${rule.threshold} ms over ${rule.window_seconds} s (≥ ${rule.min_requests} requests)`;
    case 'rate_limit_rejections':
    case 'budget_rejections':
    case 'log_drops':
      return `≥ ${rule.threshold} in ${rule.window_seconds} s`;
    default:
      return rule.type.replaceAll('_', ' ');
  }
}

function rulesPanel(rules, interval) {
  const scope = r => [r.provider && `provider=${r.provider}`, r.model && `model=${r.model}`, r.virtual_key_id && `vk=${r.virtual_key_id}`, r.key_name && `key=${r.key_name}`]
    .filter(Boolean).join(' ') || 'all traffic';
  return panel({
    title: `Rules (evaluated every ${interval} s)`,
    testid: 'alerts-rules',
    flush: rules.length > 0,
    body: rules.length === 0
      ? emptyState({ title: 'No rules', text: 'Add alerts.rules to the config file.', testid: 'alerts-no-rules' })
      : table({
        testid: 'alerts-rules-table',
        rowTestId: r => `rule-${r.id}`,
        columns: [
          { label: 'Id', render: r => h('span', { class: 'mono' }, r.id) },
          { label: 'Type', render: r => r.type.replaceAll('_', ' ') },
          { label: 'Fires when', render: r => condition(r) },
          { label: 'Scope', render: r => scope(r) },
          { label: 'Severity', render: r => badge(r.severity, r.severity === 'critical' || r.severity === 'error' ? 'error' : '') },
          { label: 'Channels', render: r => r.channels.join(', ') },
          { label: 'Cooldown', num: true, render: r => `${r.cooldown_seconds} s` },
        ],
        rows: rules,
      }),
  });
}

function historyPanel(events) {
  return panel({
    title: 'History',
    testid: 'alerts-history',
    flush: events.length > 0,
    body: events.length === 0
      ? emptyState({ title: 'No notices yet', text: 'Triggered, resolved and test notices appear here with how their delivery went.', testid: 'alerts-no-history' })
      : table({
        testid: 'alerts-history-table',
        rowTestId: (e) => `history-${e.channel_id}-${e.kind}`,
        columns: [
          { label: 'Time', render: e => fmtTime(e.time) },
          { label: 'Rule', render: e => h('span', { class: 'mono' }, e.rule_id) },
          { label: 'Event', render: e => badge(e.kind, e.kind === 'triggered' ? 'error' : e.kind === 'resolved' ? 'ok' : '') },
          { label: 'Channel', render: e => e.channel_id },
          { label: 'Delivery', render: e => badge(e.ok ? 'sent' : 'failed', e.ok ? 'ok' : 'error', `delivery-${e.channel_id}`) },
          { label: 'Detail', render: e => e.detail },
          { label: 'Summary', render: e => e.summary },
        ],
        rows: events,
      }),
  });
}
