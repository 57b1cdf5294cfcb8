// Entry point: session, History API router under /ui/, and the shell (left nav, page area).
import { h, replace } from './dom.js';
import { get, post, setCsrfToken, onUnauthorized } from './api.js';
import { banner, loading } from './ui.js';
import { session } from './session.js';

const BASE = '/ui/';

// Routes: pattern → module path and export. Modules load on first visit, so the first page paints fast.
const routes = [
  { path: '', page: 'dashboard', nav: 'dashboard' },
  { path: 'login', page: 'login', public: true },
  { path: 'logs', page: 'logs', nav: 'logs' },
  { path: 'logs/:id', page: 'logdetail', nav: 'logs' },
  { path: 'playground', page: 'playground', nav: 'playground' },
  { path: 'alerts', page: 'alerts', nav: 'alerts' },
  { path: 'exports', page: 'exports', nav: 'exports' },
  { path: 'providers', page: 'providers', nav: 'providers' },
  { path: 'providers/:name', page: 'provider', nav: 'providers' },
  { path: 'virtual-keys', page: 'virtualkeys', nav: 'virtual-keys' },
  { path: 'teams', page: 'governance', kind: 'teams', nav: 'teams' },
  { path: 'customers', page: 'governance', kind: 'customers', nav: 'customers' },
  { path: 'budgets', page: 'governance', kind: 'budgets', nav: 'budgets' },
  { path: 'rate-limits', page: 'governance', kind: 'rate-limits', nav: 'rate-limits' },
  { path: 'model-limits', page: 'governance', kind: 'model-limits', nav: 'model-limits' },
  { path: 'settings', page: 'settings', nav: 'settings' },
  { path: 'audit', page: 'audit', nav: 'audit' },
];

const navItems = [
  { section: 'Observe' },
  { id: 'dashboard', label: 'Dashboard', href: '' },
  { id: 'logs', label: 'Logs', href: 'logs' },
  { id: 'playground', label: 'Playground', href: 'playground' },
  { id: 'alerts', label: 'Alerts', href: 'alerts' },
  { id: 'exports', label: 'Exports', href: 'exports' },
  { section: 'Configure' },
  { id: 'providers', label: 'Providers & keys', href: 'providers' },
  { id: 'virtual-keys', label: 'Virtual keys', href: 'virtual-keys' },
  { section: 'Governance' },
  { id: 'teams', label: 'Teams', href: 'teams' },
  { id: 'customers', label: 'Customers', href: 'customers' },
  { id: 'budgets', label: 'Budgets', href: 'budgets' },
  { id: 'rate-limits', label: 'Rate limits', href: 'rate-limits' },
  { id: 'model-limits', label: 'Model limits', href: 'model-limits' },
  { section: 'Admin' },
  { id: 'settings', label: 'Settings', href: 'settings' },
  { id: 'audit', label: 'Audit log', href: 'audit', adminOnly: true },
];

const app = document.getElementById('app');
let cleanups = [];
let navEl = null;
let mainEl = null;

export function navigate(path, { replace: replaceState = false } = {}) {
  const url = path.startsWith('/') ? path : BASE + path;
  if (replaceState) {
    history.replaceState(null, '', url);
  } else {
    history.pushState(null, '', url);
  }
  render();
}

function match(relative) {
  const parts = relative.split('/').filter(Boolean);
  for (const route of routes) {
    const pattern = route.path.split('/').filter(Boolean);
    if (pattern.length !== parts.length) {
      continue;
    }
    const params = {};
    let ok = true;
    pattern.forEach((segment, i) => {
      if (segment.startsWith(':')) {
        params[segment.slice(1)] = decodeURIComponent(parts[i]);
      } else if (segment !== parts[i]) {
        ok = false;
      }
    });
    if (ok) {
      return { route, params };
    }
  }
  return null;
}

function shell() {
  navEl = h('nav', { class: 'nav', 'data-testid': 'nav' });
  mainEl = h('main', { class: 'main', 'data-testid': 'main' });
  replace(app, h('div', { class: 'shell' }, navEl, mainEl));
}

function renderNav(active) {
  const user = session.user;
  replace(navEl,
    h('div', { class: 'brand' }, h('span', { class: 'brand-mark' }, 'T'), 'Tollgate'),
    navItems.filter(item => !item.adminOnly || user.role === 'admin').map(item => item.section
      ? h('div', { class: 'nav-section' }, item.section)
      : h('a', { href: BASE + item.href, class: item.id === active ? 'active' : null, 'data-testid': `nav-${item.id}`, 'data-link': '' }, item.label)),
    h('div', { class: 'nav-spacer' }),
    h('div', { class: 'nav-user', 'data-testid': 'nav-user' },
      h('div', null, user.username),
      h('div', { class: 'role', 'data-testid': 'nav-role' }, user.role),
      h('button', { class: 'small', 'data-testid': 'sign-out', onclick: signOut }, 'Sign out')));
}

export async function signOut() {
  try {
    await post('/api/auth/logout');
  } catch {
    // the session may already be gone; signing out locally is what matters
  }
  session.user = null;
  setCsrfToken(null);
  // Signed in through SSO: end the IdP's session too, or the next "Sign in with …" would come straight back in.
  const ssoLogout = sessionStorage.getItem('tollgate_sso_logout');
  if (ssoLogout) {
    sessionStorage.removeItem('tollgate_sso_logout');
    location.assign(ssoLogout);
    return;
  }
  navigate('login', { replace: true });
}

async function render() {
  for (const fn of cleanups) {
    fn();
  }
  cleanups = [];
  const relative = decodeURI(location.pathname).startsWith(BASE) ? location.pathname.slice(BASE.length).replace(/\/$/, '') : '';
  const found = match(relative);

  if (!found?.route.public && !session.user) {
    const next = relative ? `?next=${encodeURIComponent(relative + location.search)}` : '';
    history.replaceState(null, '', `${BASE}login${next}`);
    return render();
  }
  if (found?.route.public && session.user) {
    // Signed in already: the login page has nothing to offer.
    history.replaceState(null, '', BASE);
    return render();
  }
  if (found?.route.public) {
    navEl = null;
    const module = await import(`./pages/${found.route.page}.js`);
    replace(app, module.render({ navigate, params: found.params, query: new URLSearchParams(location.search) }));
    return undefined;
  }

  if (!navEl || !navEl.isConnected) {
    shell();
  }
  renderNav(found?.route.nav);
  if (!found) {
    replace(mainEl, banner('warn', `There is no page at ${location.pathname}.`), h('a', { href: BASE, 'data-link': '' }, 'Go to the dashboard'));
    return undefined;
  }
  replace(mainEl, loading());
  try {
    const module = await import(`./pages/${found.route.page}.js`);
    const ctx = {
      navigate,
      params: found.params,
      query: new URLSearchParams(location.search),
      route: found.route,
      user: session.user,
      onCleanup: fn => cleanups.push(fn),
      setQuery: params => history.replaceState(null, '', `${location.pathname}${params.toString() ? `?${params}` : ''}`),
    };
    const content = await module.render(ctx);
    replace(mainEl, content);
    document.title = `${found.route.title ?? content.querySelector?.('h1')?.textContent ?? 'Tollgate'} · Tollgate`;
  } catch (err) {
    replace(mainEl, banner('error', `This page failed to load: ${err.message}`, { retry: render, testid: 'load-error' }));
  }
  return undefined;
}

// Links marked data-link navigate inside the app; modifier clicks still open a new tab.
document.addEventListener('click', event => {
  const link = event.target.closest('a[data-link]');
  if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) {
    return;
  }
  event.preventDefault();
  navigate(link.getAttribute('href'));
});
window.addEventListener('popstate', render);

onUnauthorized(() => {
  if (session.user) {
    session.user = null;
    setCsrfToken(null);
    navigate(`login?next=${encodeURIComponent(location.pathname.slice(BASE.length) + location.search)}`, { replace: true });
  }
});

async function start() {
  replace(app, loading('Starting…'));
  try {
    const me = await get('/api/auth/me', { allowUnauthorized: true });
    session.user = { username: me.username, role: me.role };
    setCsrfToken(me.csrf_token);
  } catch {
    session.user = null;
  }
  render();
}

start();
