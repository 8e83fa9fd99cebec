// A real OpenID Connect provider (the npm package oidc-provider) for the LRS's sign-in tests.
// Started by tests/oidc/support.py from a cache folder where the package is installed; configured
// by the environment: OIDC_PORT, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URI and
// OIDC_PEOPLE (JSON: login -> claims, e.g. {"ada": {"name": "Ada", "groups": ["leaders"]}}).
// The development login form takes any password; the login names the person.
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT);
const people = JSON.parse(process.env.OIDC_PEOPLE || '{}');
const configuration = {
  clients: [{
    client_id: process.env.OIDC_CLIENT_ID,
    client_secret: process.env.OIDC_CLIENT_SECRET,
    redirect_uris: [process.env.OIDC_REDIRECT_URI],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
  }],
  pkce: { required: () => true },
  scopes: ['openid', 'profile', 'groups'],
  claims: { openid: ['sub'], profile: ['name'], groups: ['groups'] },
  conformIdTokenClaims: false,
  findAccount: async (ctx, id) => (people[id] ? {
    accountId: id,
    claims: async () => ({ sub: id, ...people[id] }),
  } : undefined),
  cookies: { keys: ['lrs-test-cookie-key'] },
  features: { devInteractions: { enabled: true } },
};
const provider = new Provider(`http://127.0.0.1:${port}`, configuration);
provider.listen(port, '127.0.0.1', () => { console.log(`oidc-provider listening on ${port}`); });
