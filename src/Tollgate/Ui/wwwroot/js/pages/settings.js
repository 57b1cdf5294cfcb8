import { h, fmtTime } from '../dom.js';
import { get, post, put, del, enc, setCsrfToken } from '../api.js';
import { pageHeader, loadInto, panel, table, badge, formDialog, confirmDialog, toast, emptyState } from '../ui.js';
import { session, isAdmin } from '../session.js';
import { vaultsPanel } from '../vaults.js';

const ROLES = [['viewer', 'viewer: looks only'], ['editor', 'editor: changes configuration'], ['admin', 'admin: also manages users']];

export async function render(ctx) {
  const summary = h('div');
  loadInto(summary, () => get('/api/settings'), s => panel({
    title: 'Gateway',
    testid: 'settings-summary',
    body: h('dl', { class: 'kv' },
      h('dt', null, 'Version'), h('dd', { 'data-testid': 'settings-version' }, s.version ?? '–'),
      h('dt', null, 'Store'), h('dd', null, s.store ?? '–'),
      h('dt', null, 'Data directory'), h('dd', { class: 'mono' }, s.data_directory ?? '–'),
      h('dt', null, 'Config file'), h('dd', { class: 'mono' }, s.config_file ?? h('span', { class: 'muted' }, 'none (everything is managed here)')),
      h('dt', null, 'Admin API token'), h('dd', null, s.admin_token_configured ? badge('configured', 'ok') : badge('not set')),
      ...Object.entries(s.client ?? {}).flatMap(([k, v]) => [h('dt', null, k.replaceAll('_', ' ')), h('dd', { class: 'mono' }, typeof v === 'object' ? JSON.stringify(v) : String(v))])),
  }));

  const account = panel({
    title: 'Your account',
    testid: 'settings-account',
    body: h('div', null,
      h('dl', { class: 'kv' },
        h('dt', null, 'Signed in as'), h('dd', { 'data-testid': 'settings-username' }, session.user.username),
        h('dt', null, 'Role'), h('dd', null, badge(session.user.role, 'accent', 'settings-role'))),
      h('div', { class: 'row', style: null },
        h('button', { 'data-testid': 'change-password', onclick: changePassword }, 'Change password'),
        h('button', {
          'data-testid': 'settings-sign-out',
          onclick: async () => {
            try {
              await post('/api/auth/logout');
            } catch {
              // already signed out
            }
            session.user = null;
            setCsrfToken(null);
            ctx.navigate('login', { replace: true });
          },
        }, 'Sign out'))),
  });
  account.querySelector('.row').style.marginTop = '12px';

  const cluster = h('div');
  loadInto(cluster, () => get('/api/cluster'), c => clusterPanel(c));

  const users = h('div');
  if (isAdmin()) {
    const reload = loadInto(users, () => get('/api/users'), list => usersPanel(list, () => reload(false)));
  }

  return h('div', { 'data-testid': 'settings-page' },
    pageHeader({ title: 'Settings', subtitle: 'How this gateway runs, your account and (for admins) who may sign in.' }),
    h('div', { class: 'grid-2' }, summary, account),
    h('div', { class: 'section' }, cluster),
    h('div', { class: 'section' }, vaultsPanel()),
    isAdmin() ? h('div', { class: 'section' }, users) : null);
}

// The live instances of the cluster (GET /api/cluster); a single instance shows itself alone.
function clusterPanel(c) {
  const counters = { redis: ['shared (Redis)', 'ok'], memory: ['this instance', ''], local: ['per instance: Redis down', 'warn'], unavailable: ['unavailable: Redis down', 'error'] }[c.counters] ?? [c.counters, ''];
  return panel({
    title: 'Cluster',
    testid: 'settings-cluster',
    flush: true,
    actions: [badge(c.mode, 'accent', 'cluster-mode'), badge('counters: ' + counters[0], counters[1], 'cluster-counters')],
    body: table({
      testid: 'cluster-table',
      rowTestId: m => `cluster-row-${m.id}`,
      rows: c.instances,
      columns: [
        { label: 'Instance', render: m => h('span', { class: 'mono' }, m.id, m.self ? h('span', { class: 'muted' }, ' (this one)') : null) },
        { label: 'Address', render: m => h('span', { class: 'mono' }, m.address) },
        { label: 'Version', render: m => m.version },
        { label: 'Config', render: m => h('span', { class: 'mono' }, m.config_hash || '–') },
        { label: 'Last heartbeat', render: m => m.last_heartbeat && !m.last_heartbeat.startsWith('0001') ? fmtTime(m.last_heartbeat) : '–' },
        { label: 'Role', render: m => m.leader ? badge('leader', 'accent', 'cluster-leader') : '' },
      ],
    }),
  });
}

function usersPanel(list, reload) {
  const add = h('button', { class: 'primary small', 'data-testid': 'add-user', onclick: () => addUser(reload) }, 'Add user');
  return panel({
    title: 'Users',
    testid: 'users',
    actions: [add],
    flush: true,
    body: list.length === 0
      ? emptyState({ title: 'No users', text: 'Add a user for each person; give viewers read-only access.' })
      : table({
        testid: 'users-table',
        rowTestId: u => `user-row-${u.username}`,
        rows: list,
        columns: [
          { label: 'Username', render: u => h('b', null, u.username, u.username === session.user.username ? h('span', { class: 'muted' }, ' (you)') : null) },
          { label: 'Role', render: u => badge(u.role, u.role === 'admin' ? 'accent' : '') },
          { label: 'Created', render: u => fmtTime(u.created_at) },
          { label: 'Updated', render: u => fmtTime(u.updated_at) },
          { label: '', className: 'actions', render: u => h('div', { class: 'row' },
            h('button', { class: 'small', 'data-testid': 'user-role', onclick: () => changeRole(u, reload) }, 'Change role'),
            h('button', { class: 'small', 'data-testid': 'user-reset', onclick: () => resetPassword(u) }, 'Reset password'),
            u.username === session.user.username ? null
              : h('button', { class: 'small danger', 'data-testid': 'user-delete', onclick: () => removeUser(u, reload) }, 'Delete')) },
        ],
      }),
  });
}

function addUser(reload) {
  return formDialog({
    title: 'Add user',
    testid: 'user-dialog',
    submitLabel: 'Add user',
    fields: [
      { name: 'username', label: 'Username', required: true, testid: 'user-username' },
      { name: 'password', label: 'Password', type: 'password', required: true, testid: 'user-password', help: 'Share it with them privately; they can change it in Settings.' },
      { name: 'role', label: 'Role', type: 'select', required: true, value: 'viewer', options: ROLES, testid: 'user-role-select' },
    ],
    submit: async v => {
      const user = await post('/api/users', v);
      toast(`User ${v.username} added.`);
      reload();
      return user ?? true;
    },
  });
}

function changeRole(u, reload) {
  return formDialog({
    title: `Change role of ${u.username}`,
    testid: 'user-role-dialog',
    fields: [{ name: 'role', label: 'Role', type: 'select', required: true, value: u.role, options: ROLES }],
    submit: async v => {
      await put(`/api/users/${enc(u.username)}`, { role: v.role });
      toast(`${u.username} is now ${v.role}.`);
      reload();
      return true;
    },
  });
}

function resetPassword(u) {
  return formDialog({
    title: `Reset password of ${u.username}`,
    testid: 'user-password-dialog',
    fields: [{ name: 'password', label: 'New password', type: 'password', required: true }],
    submit: async v => {
      await put(`/api/users/${enc(u.username)}`, { password: v.password });
      toast(`Password of ${u.username} reset.`);
      return true;
    },
  });
}

async function removeUser(u, reload) {
  const done = await confirmDialog({
    title: `Delete user ${u.username}?`,
    message: 'They are signed out and can no longer sign in.',
    action: () => del(`/api/users/${enc(u.username)}`),
  });
  if (done) {
    toast(`User ${u.username} deleted.`);
    reload();
  }
}

function changePassword() {
  return formDialog({
    title: 'Change your password',
    testid: 'password-dialog',
    fields: [
      { name: 'current_password', label: 'Current password', type: 'password', required: true, autocomplete: 'current-password' },
      { name: 'new_password', label: 'New password', type: 'password', required: true },
    ],
    submit: async v => {
      await post('/api/auth/password', v);
      toast('Password changed.');
      return true;
    },
  });
}
