/**
 * The gateway's Lambda REQUEST authorizer: the same tokens as the app (Bearer or session cookie,
 * verified by the app's verifier), refusals for missing, malformed, expired and foreign tokens,
 * and its cache (on an injected clock): a verified token is not verified again within the TTL,
 * is verified again after it, and is never trusted past its own expiry.
 */
import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { createAuthorizer, requestToken } from '../../functions/authorizer/authorize.js';
import { createVerifier, issueLocalToken } from '../../functions/curation-api/auth.js';
import { SECRET } from './harness.js';

const T0 = Date.UTC(2026, 11, 1, 12);

/** A verifier on the injected clock (signature checks are the app's, tested above): counts calls. */
function counted(now: () => number) {
  const calls: string[] = [];
  const verify = async (t: string) => {
    calls.push(t);
    const { exp, sub } = decodeJwt(t);
    if (!exp || exp * 1000 <= now()) throw new Error('token expired');
    return { id: sub!, role: 'curator' as const };
  };
  return { calls, opts: { auth: { localSecret: SECRET }, now, verify } };
}

describe('authorizer', () => {
  it('accepts the Bearer token or the session cookie, and hands the actor to the integration', async () => {
    const token = await issueLocalToken({ sub: 'ann', role: 'curator' }, SECRET);
    const authorize = createAuthorizer({ auth: { localSecret: SECRET } });
    await expect(authorize({ headers: { authorization: `Bearer ${token}` } })).resolves.toEqual({ isAuthorized: true, context: { sub: 'ann', role: 'curator' } });
    await expect(authorize({ headers: {}, cookies: ['theme=dark', `curate_session=${token}`] })).resolves.toMatchObject({ isAuthorized: true });
    expect(requestToken({ headers: { Authorization: 'Bearer abc' }, cookies: ['curate_session=def'] })).toBe('abc');
  });

  it('refuses no token, a malformed header, a bad signature, an expired token and a user outside the groups', async () => {
    const authorize = createAuthorizer({ auth: { localSecret: SECRET } });
    const expired = await issueLocalToken({ sub: 'a', role: 'lead' }, SECRET, { now: new Date(Date.now() - 3 * 3600_000), expiresIn: 60 });
    const foreign = await issueLocalToken({ sub: 'a', role: 'lead' }, 'another-secret-that-is-at-least-32-chars!');
    for (const req of [
      {},
      { headers: { authorization: 'Basic dXNlcjpwdw==' } },
      { headers: { authorization: `Bearer ${foreign}` } },
      { headers: { authorization: `Bearer ${expired}` } },
      { cookies: [`curate_session=${expired}`] },
      { cookies: ['other=1'] },
      { headers: { authorization: 'Bearer not.a.jwt' } },
    ]) {
      await expect(authorize(req), JSON.stringify(req)).resolves.toEqual({ isAuthorized: false });
    }
  });

  it('caches a verified token for the TTL, verifies again after it, never past the token expiry', async () => {
    let t = T0;
    const { calls, opts } = counted(() => t);
    const authorize = createAuthorizer({ ...opts, ttlMs: 60_000 });
    // Expires 90 s after T0.
    const token = await issueLocalToken({ sub: 'ann', role: 'curator' }, SECRET, { now: new Date(T0), expiresIn: 90 });
    await authorize({ headers: { authorization: `Bearer ${token}` } });
    t += 30_000;
    await authorize({ headers: { authorization: `Bearer ${token}` } });
    expect(calls).toHaveLength(1);
    t += 40_000; // 70 s: past the 60-s TTL, before expiry → verified again
    await expect(authorize({ headers: { authorization: `Bearer ${token}` } })).resolves.toMatchObject({ isAuthorized: true });
    expect(calls).toHaveLength(2);
    t += 25_000; // 95 s: the cached entry was capped at the expiry (90 s) → verified again, refused
    await expect(authorize({ headers: { authorization: `Bearer ${token}` } })).resolves.toEqual({ isAuthorized: false });
    expect(calls).toHaveLength(3);
    // Refusals are not cached.
    await authorize({ headers: { authorization: `Bearer ${token}` } });
    expect(calls).toHaveLength(4);
  });
});
