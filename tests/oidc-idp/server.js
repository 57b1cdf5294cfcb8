// A real OpenID provider (npm oidc-provider, an OpenID-certified implementation) for Tollgate's SSO tests.
// Usage: PORT=… CLIENT_ID=… CLIENT_SECRET=… REDIRECT_URI=… POST_LOGOUT_REDIRECT_URI=… node server.js
// It listens on 127.0.0.1 only. Its development sign-in form takes any login: the login is the email; a login
// starting with "admin" is in the group tollgate-admins, one starting with "alpha" in alpha-admins, any other in
// tollgate-viewers. Consent is granted silently. Each start signs with a new RSA key (a new kid), so restarting it on
// the same port is a signing-key rotation as the relying party sees it.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import Provider from 'oidc-provider';

const signingKey = { ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }),
  kid: randomUUID(), use: 'sig', alg: 'RS256' };

const port = Number(process.env.PORT);
const issuer = `http://127.0.0.1:${port}`;

const configuration = {
  clients: [{
    client_id: process.env.CLIENT_ID,
    client_secret: process.env.CLIENT_SECRET,
    redirect_uris: [process.env.REDIRECT_URI],
    post_logout_redirect_uris: [process.env.POST_LOGOUT_REDIRECT_URI],
    response_types: ['code'],
    grant_types: ['authorization_code'],
  }],
  pkce: { required: () => true },
  scopes: ['openid', 'email', 'profile', 'groups'],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'], groups: ['groups'] },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  cookies: { keys: ['tollgate-test-cookie-key'] },
  jwks: { keys: [signingKey] },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return { sub: id, email: id, email_verified: true, name: id, groups: [groupOf(id)] };
      },
    };
  },
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) {
      return ctx.oidc.provider.Grant.find(grantId);
    }
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile groups');
    await grant.save();
    return grant;
  },
};

function groupOf(login) {
  if (login.startsWith('admin')) {
    return 'tollgate-admins';
  }
  return login.startsWith('alpha') ? 'alpha-admins' : 'tollgate-viewers';
}

const provider = new Provider(issuer, configuration);
provider.listen(port, '127.0.0.1', () => console.log(`oidc-provider listening on ${issuer}`));
