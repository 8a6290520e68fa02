/**
 * The API Gateway Lambda REQUEST authorizer's decision (HTTP API, simple responses): a request is
 * authorised when it carries a token — `Authorization: Bearer …` or the `curate_session` cookie,
 * exactly the two the app accepts — that the app's own verifier (functions/curation-api/auth.ts:
 * signature against the pool's JWKS, issuer, client id, expiry, groups) accepts.
 *
 * Caching: the gateway cannot cache this authorizer's answers (it reads EITHER a header OR a
 * cookie, and an HTTP API caches only on identity sources that are all present), so the function
 * caches them itself: a verified token (by its SHA-256) is trusted for at most `ttlMs` and never
 * past its own expiry; refusals are not cached. The JWKS is cached by jose for the instance.
 */
import { createHash } from 'node:crypto';
import { decodeJwt } from 'jose';
import type { Actor } from '../../core/curation/workflow.js';
import { createVerifier, SESSION_COOKIE, type AuthConfig } from '../curation-api/auth.js';

export interface AuthorizerRequest {
  headers?: Record<string, string | undefined> | null;
  cookies?: string[] | null;
}

export interface AuthorizerResponse {
  isAuthorized: boolean;
  context?: { sub: string; role: string };
}

export interface AuthorizerOptions {
  auth: AuthConfig;
  /** How long a verified token is trusted without verifying it again (default 5 min). */
  ttlMs?: number;
  /** Most tokens kept (default 1000; the oldest goes first). */
  maxEntries?: number;
  now?: () => number;
  /** Replaces the app's verifier (tests count calls); default createVerifier(auth). */
  verify?: (token: string) => Promise<Actor>;
}

/** The token of a request: the Bearer header wins, else the session cookie. */
export function requestToken(req: AuthorizerRequest): string | undefined {
  const headers = req.headers ?? {};
  const auth = Object.entries(headers).find(([k]) => k.toLowerCase() === 'authorization')?.[1];
  if (auth) return /^Bearer\s+(\S+)$/i.exec(auth)?.[1];
  for (const c of req.cookies ?? []) {
    const eq = c.indexOf('=');
    if (eq > 0 && c.slice(0, eq).trim() === SESSION_COOKIE) return decodeURIComponent(c.slice(eq + 1).trim());
  }
  return undefined;
}

export function createAuthorizer(opts: AuthorizerOptions): (req: AuthorizerRequest) => Promise<AuthorizerResponse> {
  const verify = opts.verify ?? createVerifier(opts.auth);
  const ttl = opts.ttlMs ?? 5 * 60_000;
  const max = opts.maxEntries ?? 1000;
  const now = opts.now ?? Date.now;
  const cache = new Map<string, { actor: Actor; until: number }>();
  return async (req) => {
    const token = requestToken(req);
    if (!token) return { isAuthorized: false };
    const key = createHash('sha256').update(token).digest('base64url');
    const t = now();
    const hit = cache.get(key);
    if (hit && hit.until > t) return allow(hit.actor);
    cache.delete(key);
    let actor: Actor;
    try {
      actor = await verify(token);
    } catch {
      return { isAuthorized: false };
    }
    const exp = decodeJwt(token).exp;
    const until = Math.min(t + ttl, typeof exp === 'number' ? exp * 1000 : t);
    if (until > t) {
      if (cache.size >= max) cache.delete(cache.keys().next().value!);
      cache.set(key, { actor, until });
    }
    return allow(actor);
  };
}

const allow = (actor: Actor): AuthorizerResponse => ({ isAuthorized: true, context: { sub: actor.id, role: actor.role } });
