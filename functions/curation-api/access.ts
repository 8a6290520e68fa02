/**
 * Deny by default: every request under `/api` and `/curate` needs a verified actor unless its route
 * is on the ONE public list below; the lead-only actions need a lead. Mounted with one line in
 * app.ts (`app.use('*', denyByDefault(...))`) before any route, so a route that forgets its own
 * `auth` middleware is still closed.
 *
 * The same list drives API Gateway (infra/stacks/curation-stack.ts): a route on it is the only
 * kind that has no Lambda authorizer. Paths use API Gateway's syntax (`{param}` = one segment,
 * `{proxy+}` = one or more), which is also OpenAPI's for single parameters.
 *
 * Pure apart from the Hono types: no I/O here; the verification is the app's (`authenticate`).
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { Actor } from '../../core/curation/workflow.js';
import { AuthError } from './auth.js';

export interface RouteRef {
  method: 'GET' | 'POST' | 'ANY';
  path: string;
}

/**
 * Routes anyone may call. API: health, the OpenAPI document, the published review list and one
 * review. UI: the sign-in flow (it must work before sign-in) and the static assets of the pages.
 */
export const PUBLIC_ROUTES: readonly RouteRef[] = Object.freeze([
  { method: 'GET', path: '/api/health' },
  { method: 'GET', path: '/api/openapi.json' },
  { method: 'GET', path: '/api/reviews' },
  { method: 'GET', path: '/api/reviews/{reviewId}' },
  { method: 'GET', path: '/curate/signin' },
  { method: 'GET', path: '/curate/login' },
  { method: 'GET', path: '/curate/callback' },
  { method: 'GET', path: '/curate/logout' },
  { method: 'GET', path: '/curate/signout' },
  { method: 'GET', path: '/curate/assets/{proxy+}' },
]);

/** The path trees this middleware guards; everything else (e.g. a 404) passes through. */
export const GUARDED_ROOTS = ['/api', '/curate'] as const;

/**
 * Candidate commands only a lead may run (POST /api/reviews/{reviewId}/candidates/{studyId}/<action>).
 * core/curation/workflow.ts refuses them to curators too; checking here as well answers 403 before
 * anything is looked up (test/api/access.test.ts checks the two lists agree). Not `resolve`: a
 * curator who did not vote resolves a conflict (core's resolveRule decides, knowing the votes).
 * `mappings` is the 'map-values' command.
 */
export const LEAD_ONLY_ACTIONS: readonly string[] = Object.freeze(['withdraw', 'reopen', 'reinstate', 'adjudicate', 'mappings']);

const LEAD_ONLY = new RegExp(`^/api/reviews/[^/]+/candidates/[^/]+/(${LEAD_ONLY_ACTIONS.join('|')})$`);

/** `{name}` → one path segment, `{name+}` → one or more. */
export function routePattern(path: string): RegExp {
  const body = path
    .split('/')
    .map((seg) => (/^\{[^}]+\+\}$/.test(seg) ? '.+' : /^\{[^}]+\}$/.test(seg) ? '[^/]+' : seg.replace(/[.*+?^$()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${body}/?$`);
}

const PUBLIC = PUBLIC_ROUTES.map((r) => ({ method: r.method, re: routePattern(r.path) }));

export function isPublic(method: string, path: string): boolean {
  const m = method === 'HEAD' ? 'GET' : method;
  return PUBLIC.some((r) => (r.method === 'ANY' || r.method === m) && r.re.test(path));
}

export function isGuarded(path: string): boolean {
  return GUARDED_ROOTS.some((root) => path === root || path.startsWith(`${root}/`));
}

export function isLeadOnly(method: string, path: string): boolean {
  return method === 'POST' && LEAD_ONLY.test(path);
}

/**
 * The middleware: public → on; guarded → `authenticate` (throws AuthError 401/403, which the app's
 * error handler answers: JSON for /api, a redirect to the sign-in page for GET /curate pages),
 * the actor is set for the route, and lead-only actions need a lead.
 */
export function denyByDefault<E extends { Variables: { actor: Actor } }>(authenticate: (c: Context<E>) => Promise<Actor>): MiddlewareHandler<E> {
  return async (c, next) => {
    const { method, path } = c.req;
    if (!isGuarded(path) || isPublic(method, path)) return next();
    const actor = await authenticate(c);
    if (isLeadOnly(method, path) && actor.role !== 'lead') throw new AuthError(403, `only a lead can ${path.slice(path.lastIndexOf('/') + 1)}`);
    c.set('actor', actor);
    await next();
  };
}
