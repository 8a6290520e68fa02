/**
 * Signing in and out of the curator UI.
 *  - Locally (`npm start`): /curate/signin?token=… takes the signed link printed by the runner.
 *  - In AWS (hostedUi configured): /curate/login → Cognito hosted UI → /curate/callback →
 *    session cookie → /curate; /curate/logout → hosted UI /logout. Protocol details: oauth.ts.
 * Every failure of the callback is a page saying what went wrong, with status 400 (refused,
 * denied, state mismatch, expired), 401/403 (token not valid / not a curator), 502/504 (the
 * sign-in service failed / timed out); no session cookie is set in any of those cases.
 */
import type { Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { decodeJwt } from 'jose';
import type { AppContext, Env } from './context.js';
import { AuthError, SESSION_COOKIE } from './auth.js';
import { Layout } from './layout.js';
import {
  authorizeUrl,
  decodePending,
  encodePending,
  exchangeCode,
  logoutUrl,
  newPendingSignIn,
  sameSecret,
  TokenExchangeError,
  TX_COOKIE,
  TX_COOKIE_PATH,
  TX_MAX_AGE_S,
} from './oauth.js';

/** The longest session a cookie may carry, whatever the token says (Cognito ID tokens: ≤ 1 day). */
const MAX_SESSION_S = 24 * 3600;

type Status = 400 | 401 | 403 | 502 | 504;

export function mountHostedUi(app: Hono<Env>, ctx: AppContext): void {
  const hosted = ctx.hostedUi;
  /** Cookies are Secure whenever the public URL is https (always in AWS). */
  const secureFor = (c: Context) => (hosted ? new URL(hosted.config.redirectUri).protocol === 'https:' : new URL(c.req.url).protocol === 'https:');

  const failure = (c: Context, status: Status, message: string) => {
    c.status(status);
    c.header('Cache-Control', 'no-store');
    return c.html(
      <Layout title="Sign-in failed">
        <h1>Sign-in failed</h1>
        <p role="alert">{message}</p>
        <p>
          <a href={hosted ? '/curate/login' : '/curate/signin'}>Try again</a>
        </p>
      </Layout>,
    );
  };

  app.get('/curate/signin', async (c) => {
    const token = c.req.query('token');
    if (token) {
      try {
        await ctx.verify(token);
        setCookie(c, SESSION_COOKIE, token, { httpOnly: true, sameSite: 'Strict', path: '/', secure: secureFor(c), maxAge: 12 * 3600 });
        return c.redirect('/curate', 302);
      } catch (err) {
        if (!(err instanceof AuthError)) throw err;
        c.status(err.status);
        return c.html(
          <Layout title="Sign in">
            <h1>Sign in</h1>
            <p role="alert">That sign-in link is not valid: {err.message}.</p>
          </Layout>,
        );
      }
    }
    if (hosted) {
      return c.html(
        <Layout title="Sign in">
          <h1>Sign in</h1>
          <p>Curators and review leads sign in with their e-mail address, password and authenticator app.</p>
          <p>
            <a href="/curate/login" class="button" id="sign-in">
              Sign in
            </a>
          </p>
          <p class="muted">No account? Ask a review lead or the administrator to create one (self sign-up is off).</p>
        </Layout>,
      );
    }
    return c.html(
      <Layout title="Sign in">
        <h1>Sign in</h1>
        <p>
          Open the sign-in link printed by <code>npm start</code>, or paste a token:
        </p>
        <form method="get" action="/curate/signin">
          <label for="token">Token</label> <input id="token" name="token" type="password" autocomplete="off" /> <button type="submit">Sign in</button>
        </form>
      </Layout>,
    );
  });

  app.get('/curate/login', (c) => {
    if (!hosted) return c.redirect('/curate/signin', 302);
    const pending = newPendingSignIn();
    setCookie(c, TX_COOKIE, encodePending(pending), { httpOnly: true, secure: secureFor(c), sameSite: 'Lax', path: TX_COOKIE_PATH, maxAge: TX_MAX_AGE_S });
    c.header('Cache-Control', 'no-store');
    return c.redirect(authorizeUrl(hosted.config, hosted.clientId, pending), 302);
  });

  app.get('/curate/callback', async (c) => {
    if (!hosted) return c.redirect('/curate/signin', 302);
    const pending = decodePending(getCookie(c, TX_COOKIE));
    // The pending sign-in is single-use, whatever happens next.
    deleteCookie(c, TX_COOKIE, { path: TX_COOKIE_PATH, secure: secureFor(c) });
    const q = c.req.query();
    if (q.error) {
      const desc = (q.error_description ?? '').slice(0, 300);
      const msg = q.error === 'access_denied' ? 'Sign-in was cancelled or denied' : `The sign-in service reported an error (${q.error.slice(0, 64)})`;
      return failure(c, 400, `${msg}${desc ? `: ${desc}` : ''}.`);
    }
    if (!pending) return failure(c, 400, 'This sign-in was not started here or took longer than 10 minutes (no pending sign-in). Start again.');
    if (!q.state || !sameSecret(q.state, pending.state)) return failure(c, 400, 'The sign-in response does not belong to this sign-in (state mismatch). Start again.');
    if (!q.code) return failure(c, 400, 'The sign-in response has no authorization code.');

    let idToken: string;
    try {
      ({ idToken } = await exchangeCode(hosted.config, hosted.clientId, q.code, pending.verifier));
    } catch (err) {
      if (err instanceof TokenExchangeError) return failure(c, err.status, `Could not complete the sign-in: ${err.message}.`);
      throw err;
    }
    try {
      await ctx.verify(idToken);
    } catch (err) {
      if (!(err instanceof AuthError)) throw err;
      if (err.status === 403) return failure(c, 403, `You are signed in, but ${err.message}. Ask a review lead to add you to the curators group.`);
      return failure(c, 401, `The sign-in service returned a token that is not valid here: ${err.message}.`);
    }
    const claims = decodeJwt(idToken);
    if (claims.token_use !== 'id') return failure(c, 401, 'The sign-in service returned a token that is not an ID token.');
    if (typeof claims.nonce !== 'string' || !sameSecret(claims.nonce, pending.nonce)) return failure(c, 400, 'The ID token does not belong to this sign-in (nonce mismatch). Start again.');
    const nowS = Math.floor(ctx.now().getTime() / 1000);
    const maxAge = Math.min(MAX_SESSION_S, (claims.exp ?? 0) - nowS);
    if (maxAge <= 0) return failure(c, 401, 'The sign-in service returned an expired token.');
    setCookie(c, SESSION_COOKIE, idToken, { httpOnly: true, secure: secureFor(c), sameSite: 'Lax', path: '/', maxAge });
    c.header('Cache-Control', 'no-store');
    return c.redirect('/curate', 302);
  });

  const signOut = (c: Context) => {
    deleteCookie(c, SESSION_COOKIE, { path: '/', secure: secureFor(c) });
    c.header('Cache-Control', 'no-store');
    return c.redirect(hosted ? logoutUrl(hosted.config, hosted.clientId) : '/curate/signin', 302);
  };
  app.get('/curate/logout', signOut);
  app.get('/curate/signout', signOut);
}
