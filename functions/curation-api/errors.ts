/** The ONE mapping of every failure onto a JSON error body (status, plain-words message, fields). */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { CurationError, type FieldError } from '../../core/curation/errors.js';
import { ErrorPage } from './layout.js';
import { InvalidCursorError, VersionConflictError } from '../adapters/curation-store.js';
import { AuthError } from './auth.js';
import { NotFoundError, RequestValidationError } from './context.js';

/** A known failure as the API answers it (status, plain-words message, fields); undefined for an unexpected one. */
export function describeError(err: Error): { status: number; error: string; fields?: FieldError[]; currentVersion?: number } | undefined {
  if (err instanceof RequestValidationError) return { status: 400, error: 'invalid request', fields: err.fields };
  if (err instanceof CurationError) {
    const status = { invalid: 400, forbidden: 403, state: 409, 'not-found': 404 }[err.code];
    return { status, error: err.message, ...(err.fields.length ? { fields: err.fields } : {}) };
  }
  if (err instanceof AuthError) return { status: err.status, error: err.message };
  if (err instanceof VersionConflictError) return { status: 409, error: err.message, ...(err.currentVersion !== undefined ? { currentVersion: err.currentVersion } : {}) };
  if (err instanceof NotFoundError) return { status: 404, error: err.message };
  if (err instanceof InvalidCursorError) return { status: 400, error: 'invalid request', fields: [{ path: 'cursor', message: err.message, in: 'query' }] };
  return undefined;
}

export function onError(err: Error, c: Context): Response | Promise<Response> {
  // Curator pages answer with a page; everything else (the API) with JSON.
  const asPage = c.req.path.startsWith('/curate') && c.req.method === 'GET';
  const body = (status: number, error: string, extra: { fields?: FieldError[]; currentVersion?: number } = {}) =>
    asPage ? c.html(String(ErrorPage({ status, error, ...(extra.fields ? { fields: extra.fields } : {}) })), status as 400) : c.json({ status, error, ...extra }, status as 400);
  if (err instanceof AuthError && err.status === 401 && c.req.path.startsWith('/curate') && c.req.method === 'GET') return c.redirect('/curate/signin', 302);
  const known = describeError(err);
  if (known) {
    const { status, error, ...extra } = known;
    return body(status, error, extra);
  }
  if (err instanceof HTTPException) {
    // The rest of an oversized body is never read: tell the client not to reuse the connection.
    if (err.status === 413) c.header('Connection', 'close');
    const msg = err.status === 400 && /json/i.test(err.message) ? 'malformed JSON in request body' : err.message || 'bad request';
    return body(err.status, msg, err.status === 400 && /json/i.test(err.message) ? { fields: [{ path: '(body)', message: 'not valid JSON', in: 'body' }] } : {});
  }
  console.error('curation-api: unexpected error', err);
  return body(500, 'internal error');
}

/** Unknown /api/* paths: the API's JSON 404 (a route, so it holds when the app is mounted elsewhere). */
export function apiNotFound(c: Context): Response {
  return c.json({ status: 404, error: `no route ${c.req.method} ${c.req.path}` }, 404);
}
