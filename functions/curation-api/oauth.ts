/**
 * Browser sign-in through the Cognito hosted UI: OAuth 2.0 authorization code grant with PKCE
 * (RFC 7636, S256) for the public app client `curation-ui`, plus OIDC `nonce`.
 *
 *  /curate/login     → state, code_verifier and nonce in a short-lived HttpOnly cookie
 *                      (TX_COOKIE, path /curate, 10 min) → 302 to <domain>/oauth2/authorize
 *  /curate/callback  → state checked against the cookie → POST <domain>/oauth2/token
 *                      (form-encoded, with the code_verifier, timeout) → the ID token verified by
 *                      the app's verifier (signature, issuer, audience = client id, groups) and its
 *                      nonce → session cookie `curate_session` (Max-Age = the token's exp)
 *  /curate/logout    → session cookie cleared → 302 to <domain>/logout
 *
 * This module holds the protocol pieces (no routing); the routes are in hosted-ui.tsx.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { HostedUiConfig } from './auth.js';

export const OAUTH_SCOPES = ['openid', 'email', 'profile'] as const;
/** Cookie holding the pending sign-in (state, code_verifier, nonce). */
export const TX_COOKIE = 'curate_oauth';
export const TX_COOKIE_PATH = '/curate';
export const TX_MAX_AGE_S = 600;
export const DEFAULT_TOKEN_TIMEOUT_MS = 5000;

export interface PendingSignIn {
  state: string;
  verifier: string;
  nonce: string;
}

/** 32 random bytes, base64url (43 characters; also a valid PKCE code_verifier). */
export const randomToken = (): string => randomBytes(32).toString('base64url');

/** PKCE S256: BASE64URL(SHA256(ASCII(code_verifier))). */
export const pkceChallenge = (verifier: string): string => createHash('sha256').update(verifier, 'ascii').digest('base64url');

export function newPendingSignIn(): PendingSignIn {
  return { state: randomToken(), verifier: randomToken(), nonce: randomToken() };
}

const B64URL = /^[A-Za-z0-9_-]{43}$/;
export const encodePending = (p: PendingSignIn): string => `${p.state}.${p.verifier}.${p.nonce}`;
export function decodePending(v: string | undefined): PendingSignIn | undefined {
  const parts = v?.split('.');
  if (!parts || parts.length !== 3 || !parts.every((x) => B64URL.test(x))) return undefined;
  return { state: parts[0], verifier: parts[1], nonce: parts[2] };
}

/** Constant-time string comparison. */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function authorizeUrl(cfg: HostedUiConfig, clientId: string, p: PendingSignIn): string {
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: cfg.redirectUri,
    scope: OAUTH_SCOPES.join(' '),
    state: p.state,
    nonce: p.nonce,
    code_challenge: pkceChallenge(p.verifier),
    code_challenge_method: 'S256',
  });
  return `${cfg.domain}/oauth2/authorize?${q}`;
}

export function logoutUrl(cfg: HostedUiConfig, clientId: string): string {
  return `${cfg.domain}/logout?${new URLSearchParams({ client_id: clientId, logout_uri: cfg.logoutUri })}`;
}

/** A failed token exchange; `status` is what the callback answers the browser with. */
export class TokenExchangeError extends Error {
  override readonly name = 'TokenExchangeError';
  constructor(
    readonly status: 400 | 502 | 504,
    message: string,
  ) {
    super(message);
  }
}

const OAUTH_ERROR_CODE = /^[a-z_]{1,64}$/;

/** Exchanges an authorization code for tokens at `<domain>/oauth2/token`; returns the ID token. */
export async function exchangeCode(
  cfg: HostedUiConfig,
  clientId: string,
  code: string,
  verifier: string,
  fetchImpl: typeof fetch = fetch,
): Promise<{ idToken: string }> {
  const timeoutMs = cfg.tokenTimeoutMs ?? DEFAULT_TOKEN_TIMEOUT_MS;
  const body = new URLSearchParams({
    grant_type: 'authorization_code',
    client_id: clientId,
    code,
    redirect_uri: cfg.redirectUri,
    code_verifier: verifier,
  });
  let status: number;
  let text: string;
  try {
    // One signal for the request and the body: a slow body times out too.
    const res = await fetchImpl(`${cfg.domain}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: body.toString(),
      redirect: 'error',
      signal: AbortSignal.timeout(timeoutMs),
    });
    status = res.status;
    text = await res.text();
  } catch (err) {
    const name = (err as { name?: string }).name;
    if (name === 'TimeoutError' || name === 'AbortError') throw new TokenExchangeError(504, `the sign-in service did not answer within ${timeoutMs} ms`);
    throw new TokenExchangeError(502, 'the sign-in service could not be reached');
  }
  let json: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) json = parsed as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  if (status < 200 || status > 299) {
    const code = typeof json?.error === 'string' && OAUTH_ERROR_CODE.test(json.error) ? json.error : undefined;
    // 400/401 from the token endpoint: the code (or the client) was refused — e.g. invalid_grant
    // for an expired, reused or mismatched code. Anything else is the service failing.
    if (status === 400 || status === 401)
      throw new TokenExchangeError(400, `the sign-in service refused the sign-in code${code ? ` (${code})` : ''}; it may have expired or been used already`);
    throw new TokenExchangeError(502, `the sign-in service failed (HTTP ${status}${code ? `, ${code}` : ''})`);
  }
  const idToken = json?.id_token;
  if (typeof idToken !== 'string' || idToken.length === 0) throw new TokenExchangeError(502, 'the sign-in service returned no ID token');
  return { idToken };
}
