import { h, replace } from '../dom.js';
import { get, post, setCsrfToken } from '../api.js';
import { banner } from '../ui.js';
import { session } from '../session.js';

export function render({ navigate, query }) {
  const errorHost = h('div', { 'data-testid': 'login-error-host' });
  const username = h('input', { id: 'login-username', name: 'username', autocomplete: 'username', required: true, 'data-testid': 'login-username' });
  const password = h('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true, 'data-testid': 'login-password' });
  const submit = h('button', { class: 'primary', type: 'submit', 'data-testid': 'login-submit' }, 'Sign in');

  const form = h('form', {
    onsubmit: async event => {
      event.preventDefault();
      replace(errorHost);
      if (!username.value.trim() || !password.value) {
        replace(errorHost, banner('error', 'Enter your username and password.', { testid: 'login-error' }));
        return;
      }
      submit.disabled = true;
      submit.textContent = 'Signing in…';
      try {
        const me = await post('/api/auth/login', { username: username.value.trim(), password: password.value }, { allowUnauthorized: true });
        session.user = { username: me.username, role: me.role };
        setCsrfToken(me.csrf_token);
        const next = query.get('next');
        // Only a path inside the UI: a crafted ?next= must not send the user elsewhere.
        navigate(next && !next.startsWith('/') && !next.includes('//') && !next.startsWith('login') ? next : '', { replace: true });
      } catch (err) {
        replace(errorHost, banner('error', err.status === 401 ? (err.message || 'Wrong username or password.') : err.message, { testid: 'login-error' }));
        password.select();
      } finally {
        submit.disabled = false;
        submit.textContent = 'Sign in';
      }
    },
  },
  h('div', { class: 'field' }, h('label', { for: 'login-username' }, 'Username'), username),
  h('div', { class: 'field' }, h('label', { for: 'login-password' }, 'Password'), password),
  h('div', { class: 'row' }, submit));

  const ssoError = query.get('sso_error');
  if (ssoError) {
    replace(errorHost, banner('error', ssoError, { testid: 'login-error' }));
  }

  // Single sign-on: a "Sign in with …" button, and no password form when sso.local_sign_in is false. Until the
  // answer comes the form shows, as it did before SSO existed.
  const ssoHost = h('div', { 'data-testid': 'sso-host' });
  const intro = h('p', { class: 'muted' }, 'Use the admin account (TOLLGATE_ADMIN_PASSWORD, or the password printed at first start) or an account an admin made for you.');
  get('/api/auth/sso', { allowUnauthorized: true }).then(info => {
    if (info?.oidc) {
      replace(ssoHost, h('div', { class: 'row' },
        h('a', {
          class: 'button primary', href: info.oidc.login_url, 'data-testid': 'sso-sign-in',
          onclick: () => sessionStorage.setItem('tollgate_sso_logout', info.oidc.logout_url),
        }, `Sign in with ${info.oidc.name}`)));
    }
    if (info && !info.local_sign_in) {
      form.remove();
      intro.textContent = 'Password sign-in is turned off: sign in with your organisation\'s account.';
    }
  }).catch(() => {});

  setTimeout(() => username.focus(), 0);
  return h('div', { class: 'login-page', 'data-testid': 'login-page' },
    h('div', { class: 'login-card' },
      h('div', { class: 'brand' }, h('span', { class: 'brand-mark' }, 'T'), 'Tollgate'),
      h('section', { class: 'panel' },
        h('div', { class: 'panel-body' },
          h('h1', { 'data-testid': 'page-title' }, 'Sign in'),
          intro,
          errorHost,
          ssoHost,
          form))));
}
