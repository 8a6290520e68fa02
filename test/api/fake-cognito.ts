/**
 * A fake Cognito user pool + hosted UI on a real local HTTP server, for the browser sign-in tests.
 * It follows the documented endpoints of a user-pool domain:
 *  - GET  /oauth2/authorize   checks the request (response_type=code, client id, registered
 *                             redirect_uri, openid scope, S256 code challenge), then "signs in"
 *                             the user chosen by the test and redirects to redirect_uri with
 *                             ?code&state (or ?error=access_denied&state)
 *  - POST /oauth2/token       form-encoded authorization_code grant: checks client id, code
 *                             (single use, 5 min), redirect_uri and the PKCE verifier, answers
 *                             { id_token, access_token, refresh_token, expires_in, token_type }
 *  - GET  /logout             redirects to a registered logout_uri
 *  - GET  <issuer path>/.well-known/jwks.json   the public key
 * Tokens are RS256, signed with a key generated here with jose. The test can make the token
 * endpoint fail (status + body), hang, or sign with a foreign key / wrong nonce.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';

export interface FakeUser {
  sub: string;
  email: string;
  groups: string[];
}

export type TokenBehaviour =
  | { kind: 'ok' }
  | { kind: 'fail'; status: number; body: string; contentType?: string }
  | { kind: 'hang'; ms: number }
  | { kind: 'foreign-key' }
  | { kind: 'wrong-nonce' }
  | { kind: 'wrong-audience' };

export interface FakeCognito {
  /** The user-pool domain (COGNITO_DOMAIN). */
  domain: string;
  /** The pool's issuer (COGNITO_ISSUER). */
  issuer: string;
  clientId: string;
  /** Who signs in at the next /oauth2/authorize ('deny': the user cancels). */
  signInAs(user: FakeUser | 'deny'): void;
  /** How the token endpoint answers from now on. */
  setTokenBehaviour(b: TokenBehaviour): void;
  /** Every form the token endpoint received. */
  tokenRequests: { contentType: string | undefined; form: URLSearchParams }[];
  /** An ID token for `user`, signed like the real ones (for direct API calls). */
  idToken(user: FakeUser, extra?: Record<string, unknown>): Promise<string>;
  /** Registers a callback / sign-out URL (the app's, known once it listens). */
  register(urls: { callback: string; logout: string }): void;
  close(): Promise<void>;
}

const POOL = 'eu-west-1_Fake1234';

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((res, rej) => {
    let s = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (s += d));
    req.on('end', () => res(s));
    req.on('error', rej);
  });
}

export async function startFakeCognito(clientId = 'fake-client-id'): Promise<FakeCognito> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const foreign = (await generateKeyPair('RS256')).privateKey;
  const jwk = { ...(await exportJWK(publicKey)), kid: 'fake-kid-1', alg: 'RS256', use: 'sig' };
  const callbacks = new Set<string>();
  const logouts = new Set<string>();
  const codes = new Map<string, { user: FakeUser; challenge: string; nonce?: string; redirectUri: string; at: number; used: boolean }>();
  let current: FakeUser | 'deny' = 'deny';
  let behaviour: TokenBehaviour = { kind: 'ok' };
  const tokenRequests: FakeCognito['tokenRequests'] = [];
  const pending = new Set<NodeJS.Timeout>();
  let issuer = '';

  const sign = (claims: Record<string, unknown>, sub: string, key: CryptoKey | Uint8Array = privateKey) => {
    const iat = Math.floor(Date.now() / 1000);
    return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'fake-kid-1' }).setSubject(sub).setIssuer(issuer).setIssuedAt(iat).setExpirationTime(iat + 3600).sign(key);
  };
  const idClaims = (u: FakeUser, extra: Record<string, unknown> = {}) => ({
    token_use: 'id',
    aud: clientId,
    email: u.email,
    email_verified: true,
    'cognito:username': u.sub,
    auth_time: Math.floor(Date.now() / 1000),
    ...(u.groups.length ? { 'cognito:groups': u.groups } : {}),
    ...extra,
  });

  const send = (res: ServerResponse, status: number, body: string, type = 'application/json') => {
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' }).end(body);
  };
  const redirect = (res: ServerResponse, to: string) => res.writeHead(302, { location: to }).end();

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    try {
      if (req.method === 'GET' && url.pathname === `/${POOL}/.well-known/jwks.json`) return send(res, 200, JSON.stringify({ keys: [jwk] }));

      if (req.method === 'GET' && url.pathname === '/oauth2/authorize') {
        const q = url.searchParams;
        const redirectUri = q.get('redirect_uri') ?? '';
        const problems = [
          q.get('response_type') !== 'code' && 'response_type',
          q.get('client_id') !== clientId && 'client_id',
          !callbacks.has(redirectUri) && 'redirect_uri',
          !(q.get('scope') ?? '').split(' ').includes('openid') && 'scope',
          q.get('code_challenge_method') !== 'S256' && 'code_challenge_method',
          !/^[A-Za-z0-9_-]{43}$/.test(q.get('code_challenge') ?? '') && 'code_challenge',
        ].filter(Boolean);
        if (problems.length) return send(res, 400, `invalid authorize request: ${problems.join(', ')}`, 'text/plain');
        const back = new URL(redirectUri);
        if (current === 'deny') {
          back.searchParams.set('error', 'access_denied');
          back.searchParams.set('error_description', 'The user cancelled the sign-in');
        } else {
          const code = randomBytes(16).toString('hex');
          codes.set(code, { user: current, challenge: q.get('code_challenge')!, nonce: q.get('nonce') ?? undefined, redirectUri, at: Date.now(), used: false });
          back.searchParams.set('code', code);
        }
        if (q.get('state')) back.searchParams.set('state', q.get('state')!);
        return redirect(res, back.toString());
      }

      if (req.method === 'POST' && url.pathname === '/oauth2/token') {
        const contentType = req.headers['content-type'];
        const form = new URLSearchParams(await readBody(req));
        tokenRequests.push({ contentType, form });
        const b = behaviour;
        if (b.kind === 'fail') return send(res, b.status, b.body, b.contentType ?? 'application/json');
        if (b.kind === 'hang') {
          const t = setTimeout(() => {
            pending.delete(t);
            if (!res.writableEnded) send(res, 500, JSON.stringify({ error: 'too_late' }));
          }, b.ms);
          pending.add(t);
          return;
        }
        if (!contentType?.startsWith('application/x-www-form-urlencoded')) return send(res, 400, JSON.stringify({ error: 'invalid_request' }));
        if (form.get('grant_type') !== 'authorization_code') return send(res, 400, JSON.stringify({ error: 'unsupported_grant_type' }));
        if (form.get('client_id') !== clientId) return send(res, 400, JSON.stringify({ error: 'invalid_client' }));
        const entry = codes.get(form.get('code') ?? '');
        const verifier = form.get('code_verifier') ?? '';
        const s256 = createHash('sha256').update(verifier).digest('base64url');
        if (!entry || entry.used || Date.now() - entry.at > 300_000 || entry.redirectUri !== form.get('redirect_uri') || s256 !== entry.challenge)
          return send(res, 400, JSON.stringify({ error: 'invalid_grant' }));
        entry.used = true;
        const u = entry.user;
        const nonce = b.kind === 'wrong-nonce' ? 'not-the-nonce-that-was-sent' : entry.nonce;
        const claims = idClaims(u, { ...(nonce ? { nonce } : {}), ...(b.kind === 'wrong-audience' ? { aud: 'another-client' } : {}) });
        const id_token = await sign(claims, u.sub, b.kind === 'foreign-key' ? foreign : privateKey);
        const access_token = await sign({ token_use: 'access', client_id: clientId, scope: 'openid email profile', ...(u.groups.length ? { 'cognito:groups': u.groups } : {}) }, u.sub);
        return send(res, 200, JSON.stringify({ id_token, access_token, refresh_token: randomBytes(32).toString('hex'), expires_in: 3600, token_type: 'Bearer' }));
      }

      if (req.method === 'GET' && url.pathname === '/logout') {
        const to = url.searchParams.get('logout_uri') ?? '';
        if (url.searchParams.get('client_id') !== clientId || !logouts.has(to)) return send(res, 400, 'invalid logout request', 'text/plain');
        return redirect(res, to);
      }
      send(res, 404, 'not found', 'text/plain');
    } catch (err) {
      send(res, 500, String(err), 'text/plain');
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const domain = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  issuer = `${domain}/${POOL}`;

  return {
    domain,
    issuer,
    clientId,
    signInAs: (u) => void (current = u),
    setTokenBehaviour: (b) => void (behaviour = b),
    tokenRequests,
    idToken: (u, extra) => sign(idClaims(u, extra), u.sub),
    register({ callback, logout }) {
      callbacks.add(callback);
      logouts.add(logout);
    },
    close: () =>
      new Promise<void>((r) => {
        for (const t of pending) clearTimeout(t);
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
