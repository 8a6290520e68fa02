/**
 * Browser sign-in through the (fake) Cognito hosted UI, over real HTTP end to end: the app on
 * @hono/node-server, a fake user-pool domain on another local server (test/api/fake-cognito.ts),
 * DynamoDB Local. Authorization code + PKCE + state + nonce; the session cookie; sign-out.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Browser, type Hop } from './browser.js';
import { startFakeCognito, type FakeCognito, type FakeUser } from './fake-cognito.js';
import { DUAL_REVIEW, startHarness, type Harness } from './harness.js';
import { authConfig, configFromEnv } from '../../functions/curation-api/config.js';

const CURATOR: FakeUser = { sub: '0c1d2e3f-curator', email: 'ann.curator@example.org', groups: ['curators'] };
const LEAD: FakeUser = { sub: '9a8b7c6d-lead', email: 'lena.lead@example.org', groups: ['curators', 'leads'] };
const NOBODY: FakeUser = { sub: '5e5e5e5e-nogroup', email: 'nobody@example.org', groups: [] };
// The token-exchange timeout: long enough that a busy machine never hits it on a normal answer.
const TIMEOUT_MS = 8000;

let cognito: FakeCognito;
let h: Harness;

beforeAll(async () => {
  cognito = await startFakeCognito();
  h = await startHarness('hosted', {
    auth: (base) => {
      cognito.register({ callback: `${base}/curate/callback`, logout: `${base}/curate/signin` });
      // Exactly what the Lambda gets from its environment in AWS.
      return authConfig(
        configFromEnv({
          TABLE_NAME: 'unused-here',
          COGNITO_ISSUER: cognito.issuer,
          COGNITO_CLIENT_ID: cognito.clientId,
          COGNITO_DOMAIN: cognito.domain,
          OAUTH_REDIRECT_URI: `${base}/curate/callback`,
          OAUTH_LOGOUT_URI: `${base}/curate/signin`,
          OAUTH_TOKEN_TIMEOUT_MS: String(TIMEOUT_MS),
        }),
      );
    },
  });
});
afterAll(async () => {
  await h?.close();
  await cognito?.close();
});
beforeEach(() => {
  cognito.setTokenBehaviour({ kind: 'ok' });
  cognito.signInAs('deny');
});

const last = (hops: Hop[]) => hops[hops.length - 1];
const sessionSetBy = (hops: Hop[]) => hops.flatMap((x) => x.setCookies).filter((c) => c.name === 'curate_session' && c.value !== '');

/** Signs `user` in through the whole redirect chain; returns the browser and the hops. */
async function signIn(user: FakeUser | 'deny') {
  const b = new Browser();
  cognito.signInAs(user);
  const hops = await b.navigate(`${h.base}/curate/login`);
  return { b, hops };
}

describe('GET /curate/login', () => {
  it('redirects to the hosted UI authorize endpoint with state, nonce and an S256 code challenge of the verifier kept in an HttpOnly cookie', async () => {
    const b = new Browser();
    const r = await b.request(`${h.base}/curate/login`);
    expect(r.status).toBe(302);
    const loc = new URL(r.location!);
    expect(`${loc.origin}${loc.pathname}`).toBe(`${cognito.domain}/oauth2/authorize`);
    const q = loc.searchParams;
    expect(q.get('response_type')).toBe('code');
    expect(q.get('client_id')).toBe(cognito.clientId);
    expect(q.get('redirect_uri')).toBe(`${h.base}/curate/callback`);
    expect(q.get('scope')!.split(' ').sort()).toEqual(['email', 'openid', 'profile']);
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const tx = r.setCookies.find((c) => c.name === 'curate_oauth')!;
    expect(tx.attrs).toMatchObject({ httponly: true, samesite: 'Lax', path: '/curate', 'max-age': '600' });
    expect(tx.attrs.secure).toBeUndefined(); // http://127.0.0.1 here; see the https test below
    const [state, verifier, nonce] = tx.value.split('.');
    expect(state).toBe(q.get('state'));
    expect(nonce).toBe(q.get('nonce'));
    // RFC 7636 S256, computed independently here.
    expect(q.get('code_challenge')).toBe(createHash('sha256').update(verifier).digest('base64url'));
    expect(verifier).not.toBe(state);

    const again = await new Browser().request(`${h.base}/curate/login`);
    expect(new URL(again.location!).searchParams.get('state')).not.toBe(q.get('state'));
  });
});

describe('a successful sign-in', () => {
  it('exchanges the code (form-encoded, with the verifier), sets the session cookie and lands on /curate signed in', async () => {
    const before = cognito.tokenRequests.length;
    const { b, hops } = await signIn(CURATOR);
    expect(hops.map((x) => new URL(x.url).pathname)).toEqual(['/curate/login', '/oauth2/authorize', '/curate/callback', '/curate']);
    expect(last(hops).status).toBe(200);
    expect(last(hops).text).toContain('Signed in as ann.curator@example.org (curator)');

    const [req] = cognito.tokenRequests.slice(before);
    expect(req.contentType).toMatch(/^application\/x-www-form-urlencoded/);
    expect(req.form.get('grant_type')).toBe('authorization_code');
    expect(req.form.get('redirect_uri')).toBe(`${h.base}/curate/callback`);
    expect(req.form.get('code_verifier')).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const callback = hops[2];
    const [session] = sessionSetBy([callback]);
    expect(session.attrs).toMatchObject({ httponly: true, samesite: 'Lax', path: '/' });
    const maxAge = Number(session.attrs['max-age']);
    expect(maxAge).toBeGreaterThan(3500); // the fake's ID tokens live 1 h
    expect(maxAge).toBeLessThanOrEqual(3600);
    // The pending sign-in is cleared.
    expect(b.cookie(h.base, 'curate_oauth')).toBeUndefined();
    expect(callback.setCookies.find((c) => c.name === 'curate_oauth')?.attrs['max-age']).toBe('0');
  });

  it('the cookie works for the JSON API (GET and same-origin POST); a cross-site POST relying on it is refused', async () => {
    const { b } = await signIn(CURATOR);
    const me = await b.request(`${h.base}/api/me`);
    expect(me.status).toBe(200);
    expect(JSON.parse(me.text)).toEqual({ id: CURATOR.sub, role: 'curator', name: CURATOR.email });

    await h.seed({ studyId: 'oauth-1' });
    const url = `${h.base}/api/reviews/${DUAL_REVIEW.id}/candidates/oauth-1/screen`;
    const body = JSON.stringify({ version: 1, decision: 'include' });
    const before = await h.dump();
    const cross = await b.request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' }, body });
    expect(cross.status).toBe(403);
    expect(JSON.parse(cross.text).error).toMatch(/cross-site/);
    expect(await h.dump()).toBe(before);

    const ok = await b.request(url, { method: 'POST', headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' }, body });
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.text).event).toMatchObject({ actor: CURATOR.sub, role: 'curator' });
  });

  it('a lead is a lead; a Cognito ID token also works as a Bearer token', async () => {
    const { hops } = await signIn(LEAD);
    expect(last(hops).text).toContain('(lead)');
    const r = await h.req('GET', '/api/me', { token: await cognito.idToken(LEAD) });
    expect(r.status).toBe(200);
    expect(r.json.role).toBe('lead');
  });
});

describe('a failed sign-in sets no session cookie', () => {
  it('callback with the wrong state → 400, and the code is never exchanged', async () => {
    const b = new Browser();
    cognito.signInAs(CURATOR);
    const login = await b.request(`${h.base}/curate/login`);
    const atCognito = await b.request(login.location!);
    const cb = new URL(atCognito.location!);
    expect(cb.searchParams.get('code')).toBeTruthy();
    cb.searchParams.set('state', 'x'.repeat(43));
    const before = cognito.tokenRequests.length;
    const r = await b.request(cb.toString());
    expect(r.status).toBe(400);
    expect(r.text).toContain('state mismatch');
    expect(sessionSetBy([r])).toEqual([]);
    expect(b.cookie(h.base, 'curate_session')).toBeUndefined();
    expect(cognito.tokenRequests.length).toBe(before);
    // The pending sign-in was single-use: replaying with the right state now fails too.
    cb.searchParams.set('state', new URL(login.location!).searchParams.get('state')!);
    const replay = await b.request(cb.toString());
    expect(replay.status).toBe(400);
    expect(replay.text).toContain('no pending sign-in');
    expect(sessionSetBy([replay])).toEqual([]);
  });

  it('callback without a pending sign-in (another browser) → 400', async () => {
    cognito.signInAs(CURATOR);
    const login = await new Browser().request(`${h.base}/curate/login`);
    const atCognito = await new Browser().request(login.location!);
    const other = new Browser();
    const r = await other.request(atCognito.location!);
    expect(r.status).toBe(400);
    expect(sessionSetBy([r])).toEqual([]);
  });

  it('the user cancels at the hosted UI → 400 with the reason', async () => {
    const { b, hops } = await signIn('deny');
    expect(new URL(last(hops).url).pathname).toBe('/curate/callback');
    expect(last(hops).status).toBe(400);
    expect(last(hops).text).toContain('Sign-in was cancelled or denied: The user cancelled the sign-in');
    expect(sessionSetBy(hops)).toEqual([]);
    expect(b.cookie(h.base, 'curate_session')).toBeUndefined();
  });

  it.each([
    [{ kind: 'fail', status: 400, body: '{"error":"invalid_grant"}' } as const, 400, /refused the sign-in code \(invalid_grant\)/],
    [{ kind: 'fail', status: 500, body: '{"error":"internal_error"}' } as const, 502, /failed \(HTTP 500, internal_error\)/],
    [{ kind: 'fail', status: 200, body: '<html>not json</html>', contentType: 'text/html' } as const, 502, /returned no ID token/],
    [{ kind: 'hang', ms: 600_000 } as const, 504, new RegExp(`did not answer within ${TIMEOUT_MS} ms`)],
  ])('token endpoint %j → %i with a clear message', async (behaviour, status, message) => {
    cognito.setTokenBehaviour(behaviour);
    // No wall-clock check: a hang that was not cut off would answer 500 after 10 min (→ 502, not 504).
    const { b, hops } = await signIn(CURATOR);
    const r = last(hops);
    expect(new URL(r.url).pathname).toBe('/curate/callback');
    expect(r.status).toBe(status);
    expect(r.text).toMatch(message);
    expect(r.text).toContain('href="/curate/login"');
    expect(sessionSetBy(hops)).toEqual([]);
    expect(b.cookie(h.base, 'curate_session')).toBeUndefined();
  });

  it.each([
    ['foreign-key', 401, /signature is invalid/],
    ['wrong-audience', 401, /another client|claim "aud"/],
    ['wrong-nonce', 400, /nonce mismatch/],
  ] as const)('an ID token with %s → %i', async (kind, status, message) => {
    cognito.setTokenBehaviour({ kind });
    const { hops } = await signIn(CURATOR);
    expect(last(hops).status).toBe(status);
    expect(last(hops).text).toMatch(message);
    expect(sessionSetBy(hops)).toEqual([]);
  });
});

describe('a user in neither group', () => {
  it('gets a 403 page at the callback (no cookie), and 403 from curator routes with their token', async () => {
    const { b, hops } = await signIn(NOBODY);
    expect(last(hops).status).toBe(403);
    expect(last(hops).text).toContain('not in the curators or leads group');
    expect(b.cookie(h.base, 'curate_session')).toBeUndefined();

    const token = await cognito.idToken(NOBODY);
    const withCookie = new Browser();
    withCookie.setCookie(h.base, 'curate_session', token);
    expect((await withCookie.request(`${h.base}/api/me`)).status).toBe(403);
    expect((await withCookie.request(`${h.base}/api/reviews/${DUAL_REVIEW.id}/queue`)).status).toBe(403);
    expect((await withCookie.request(`${h.base}/curate`)).status).toBe(403);
    expect((await h.req('GET', `/api/reviews/${DUAL_REVIEW.id}/queue`, { token })).status).toBe(403);
  });
});

describe('signing out', () => {
  it('clears the session cookie and redirects to the hosted UI logout, which returns to the signed-out page', async () => {
    const { b } = await signIn(CURATOR);
    expect(b.cookie(h.base, 'curate_session')).toBeDefined();
    const out = await b.request(`${h.base}/curate/logout`);
    expect(out.status).toBe(302);
    const loc = new URL(out.location!);
    expect(`${loc.origin}${loc.pathname}`).toBe(`${cognito.domain}/logout`);
    expect(loc.searchParams.get('client_id')).toBe(cognito.clientId);
    expect(loc.searchParams.get('logout_uri')).toBe(`${h.base}/curate/signin`);
    const cleared = out.setCookies.find((c) => c.name === 'curate_session')!;
    expect(cleared.attrs['max-age']).toBe('0');
    expect(b.cookie(h.base, 'curate_session')).toBeUndefined();

    const back = await b.navigate(out.location!);
    expect(last(back).url).toBe(`${h.base}/curate/signin`);
    expect(last(back).text).toContain('href="/curate/login"');
    const page = await b.request(`${h.base}/curate`);
    expect(page.status).toBe(302);
    expect(page.location).toBe(`${h.base}/curate/signin`);
    expect((await b.request(`${h.base}/api/me`)).status).toBe(401);
  });
});

describe('the signed-out page', () => {
  it('offers "Sign in" → /curate/login when the hosted UI is configured, and the printed link locally', async () => {
    const r = await new Browser().request(`${h.base}/curate/signin`);
    expect(r.status).toBe(200);
    expect(r.text).toMatch(/<a href="\/curate\/login"[^>]*>\s*Sign in\s*<\/a>/);
    expect(r.text).not.toContain('npm start');

    const local = await startHarness('hosted-local');
    try {
      const l = await new Browser().request(`${local.base}/curate/signin`);
      expect(l.text).toContain('npm start');
      expect(l.text).not.toContain('/curate/login');
      // Without the hosted UI, /curate/login has nowhere to go but the signed-out page.
      expect((await new Browser().request(`${local.base}/curate/login`)).location).toBe(`${local.base}/curate/signin`);
    } finally {
      await local.close();
    }
  });
});

describe('behind https (as in AWS)', () => {
  it('marks the pending-sign-in and session cookies Secure', async () => {
    const PUBLIC = 'https://curate.example.org';
    let local!: Harness;
    const app = await startHarness('hosted-https', {
      auth: () => {
        cognito.register({ callback: `${PUBLIC}/curate/callback`, logout: `${PUBLIC}/curate/signin` });
        return {
          cognito: { issuer: cognito.issuer, clientId: cognito.clientId },
          hostedUi: { domain: cognito.domain, redirectUri: `${PUBLIC}/curate/callback`, logoutUri: `${PUBLIC}/curate/signin` },
        };
      },
    });
    local = app;
    try {
      const b = new Browser({ [PUBLIC]: local.base });
      cognito.signInAs(LEAD);
      const hops = await b.navigate(`${PUBLIC}/curate/login`);
      expect(hops.map((x) => x.url.replace(/\?.*$/, ''))).toEqual([`${PUBLIC}/curate/login`, `${cognito.domain}/oauth2/authorize`, `${PUBLIC}/curate/callback`, `${PUBLIC}/curate`]);
      expect(hops[0].setCookies.find((c) => c.name === 'curate_oauth')!.attrs.secure).toBe(true);
      const [session] = sessionSetBy(hops);
      expect(session.attrs).toMatchObject({ secure: true, httponly: true, samesite: 'Lax' });
      expect(last(hops).text).toContain('Signed in as lena.lead@example.org (lead)');
    } finally {
      await local.close();
    }
  });
});

describe('configuration of the hosted UI (fail-fast, naming the variable)', () => {
  const base = { TABLE_NAME: 't', COGNITO_ISSUER: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_x', COGNITO_CLIENT_ID: 'c' };
  const hosted = {
    COGNITO_DOMAIN: 'https://le.auth.eu-west-1.amazoncognito.com',
    OAUTH_REDIRECT_URI: 'https://abc.execute-api.eu-west-1.amazonaws.com/curate/callback',
    OAUTH_LOGOUT_URI: 'https://abc.execute-api.eu-west-1.amazonaws.com/curate/signin',
  };
  it('accepts the three together and builds the hosted UI config', () => {
    expect(authConfig(configFromEnv({ ...base, ...hosted, OAUTH_TOKEN_TIMEOUT_MS: '4000' }))).toEqual({
      cognito: { issuer: base.COGNITO_ISSUER, clientId: 'c' },
      hostedUi: { domain: hosted.COGNITO_DOMAIN, redirectUri: hosted.OAUTH_REDIRECT_URI, logoutUri: hosted.OAUTH_LOGOUT_URI, tokenTimeoutMs: 4000 },
    });
    expect(authConfig(configFromEnv(base)).hostedUi).toBeUndefined();
  });
  it('refuses partial, insecure or malformed settings', () => {
    expect(() => configFromEnv({ ...base, COGNITO_DOMAIN: hosted.COGNITO_DOMAIN })).toThrow(/OAUTH_REDIRECT_URI: OAUTH_REDIRECT_URI is required/);
    expect(() => configFromEnv({ ...base, COGNITO_DOMAIN: hosted.COGNITO_DOMAIN })).toThrow(/OAUTH_LOGOUT_URI/);
    expect(() => configFromEnv({ ...base, ...hosted, COGNITO_DOMAIN: 'http://le.auth.eu-west-1.amazoncognito.com' })).toThrow(/COGNITO_DOMAIN must be an https:\/\/ URL/);
    expect(() => configFromEnv({ ...base, ...hosted, COGNITO_DOMAIN: 'not a url' })).toThrow(/COGNITO_DOMAIN must be the user pool domain URL/);
    expect(() => configFromEnv({ ...base, ...hosted, COGNITO_DOMAIN: 'https://le.auth.eu-west-1.amazoncognito.com/oauth2' })).toThrow(/COGNITO_DOMAIN must be an origin/);
    expect(() => configFromEnv({ ...base, ...hosted, OAUTH_REDIRECT_URI: 'https://abc.example.org/callback' })).toThrow(/OAUTH_REDIRECT_URI must end in \/curate\/callback/);
    expect(() => configFromEnv({ ...base, ...hosted, OAUTH_TOKEN_TIMEOUT_MS: 'soon' })).toThrow(/OAUTH_TOKEN_TIMEOUT_MS/);
    expect(() => configFromEnv({ TABLE_NAME: 't', LOCAL_JWT_SECRET: 'x'.repeat(40), ...hosted })).toThrow(/COGNITO_ISSUER: COGNITO_DOMAIN \(hosted UI\) needs/);
  });
});
