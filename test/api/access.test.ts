/**
 * Deny by default, through the real Hono app over HTTP (DynamoDB Local behind it): every path and
 * method of /api/openapi.json and every /curate page, without a token, with an expired one, and
 * with a curator token on the lead-only actions. Only the routes on the one public list answer
 * without a verified actor; a route added without its own `auth` middleware is still closed.
 */
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyCommand, type Actor } from '../../core/curation/workflow.js';
import { createCurationApp } from '../../functions/curation-api/app.js';
import { issueLocalToken } from '../../functions/curation-api/auth.js';
import { isPublic, LEAD_ONLY_ACTIONS, PUBLIC_ROUTES, routePattern } from '../../functions/curation-api/access.js';
import { DUAL_REVIEW, SECRET, startHarness, type Harness } from './harness.js';
import { curatedCandidate } from '../fixtures/builders.js';

let h: Harness;
let expired: string;
let curator: string;
let lead: string;
let operations: { method: string; path: string; secured: boolean }[];
let uiPages: string[];

/** A concrete path for an OpenAPI / Hono route template. */
const concrete = (template: string) =>
  template
    .replace(/\{reviewId\}|:reviewId/g, DUAL_REVIEW.id)
    .replace(/\{studyId\}|:studyId/g, 'study-access-1')
    .replace(/\{[^}]+\}|:[A-Za-z]+/g, 'x');

beforeAll(async () => {
  h = await startHarness('access');
  expired = await issueLocalToken({ sub: 'late', role: 'lead' }, SECRET, { now: new Date(Date.now() - 3 * 3600_000), expiresIn: 60 });
  curator = await h.token('curator');
  lead = await h.token('lead');
  await h.seed({ studyId: 'study-access-1', status: 'conflict' });
  const doc = (await h.req('GET', '/api/openapi.json')).json as { paths: Record<string, Record<string, { security?: unknown[] }>> };
  operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ method: method.toUpperCase(), path, secured: Array.isArray(op.security) && op.security.length > 0 })),
  );
  // The /curate pages as the app registers them (GET routes with a page path).
  const app = createCurationApp({ doc: h.doc, table: h.table, reviews: [DUAL_REVIEW], auth: { localSecret: SECRET } });
  uiPages = [...new Set(app.routes.filter((r) => r.method === 'GET' && (r.path === '/curate' || r.path.startsWith('/curate/'))).map((r) => r.path))];
});
afterAll(() => h?.close());

/** A refusal: 401/403 for the API; for a GET page, the redirect to the sign-in page is the UI's 401. */
function refused(path: string, r: { status: number; headers: Headers }): boolean {
  if (r.status === 401 || r.status === 403) return true;
  return path.startsWith('/curate') && r.status === 302 && r.headers.get('location') === '/curate/signin';
}

describe('the public list', () => {
  it('is exactly the operations the OpenAPI document marks without security, plus the sign-in flow and assets', () => {
    expect(operations.length).toBeGreaterThan(15);
    // The document itself is not one of its operations.
    const unsecured = [...operations.filter((o) => !o.secured).map((o) => `${o.method} ${o.path}`), 'GET /api/openapi.json'].sort();
    const publicApi = PUBLIC_ROUTES.filter((r) => r.path.startsWith('/api/')).map((r) => `${r.method} ${r.path}`).sort();
    expect(unsecured).toEqual(publicApi);
    for (const r of PUBLIC_ROUTES.filter((x) => x.path.startsWith('/curate'))) expect(r.path).toMatch(/^\/curate\/(signin|login|callback|logout|signout|assets\/\{proxy\+\})$/);
  });

  it('route templates match one segment per parameter, proxy+ one or more', () => {
    expect(routePattern('/api/reviews/{reviewId}').test('/api/reviews/abc')).toBe(true);
    expect(routePattern('/api/reviews/{reviewId}').test('/api/reviews/abc/queue')).toBe(false);
    expect(routePattern('/curate/assets/{proxy+}').test('/curate/assets/a/b.css')).toBe(true);
    expect(isPublic('POST', '/api/reviews')).toBe(false);
    expect(isPublic('HEAD', '/api/health')).toBe(true);
  });

  it('the lead-only list is the workflow commands core refuses to a curator', () => {
    const cand = curatedCandidate(DUAL_REVIEW.id, { studyId: 's', status: 'conflict', title: 't', sources: [] });
    const curatorActor: Actor = { id: 'c', role: 'curator' };
    for (const type of ['resolve', 'withdraw', 'reopen', 'reinstate', 'adjudicate', 'screen', 'accept', 'save-draft', 'exclude'] as const) {
      let leadOnly = false;
      try {
        applyCommand(cand as never, { type, decision: 'include', reason: 'x', form: {} } as never, curatorActor, DUAL_REVIEW, new Date());
      } catch (err) {
        leadOnly = /only a lead/.test((err as Error).message);
      }
      expect(leadOnly, type).toBe(LEAD_ONLY_ACTIONS.includes(type));
    }
  });
});

describe('every non-public API operation', () => {
  it('without a token → 401, with an expired token → 401; public ones answer without one', async () => {
    const problems: string[] = [];
    for (const op of operations) {
      const path = concrete(op.path);
      const body = op.method === 'GET' ? undefined : { version: 1 };
      const anon = await h.req(op.method, path, { body });
      const late = await h.req(op.method, path, { body, token: expired });
      if (isPublic(op.method, path)) {
        if (refused(path, anon)) problems.push(`${op.method} ${path}: public but refused (${anon.status})`);
        continue;
      }
      if (anon.status !== 401) problems.push(`${op.method} ${path} without a token: ${anon.status}`);
      if (late.status !== 401) problems.push(`${op.method} ${path} with an expired token: ${late.status}`);
      if (!/expired/.test(late.text)) problems.push(`${op.method} ${path}: the expired token is not named (${late.text.slice(0, 80)})`);
    }
    expect(problems).toEqual([]);
  });

  it('a curator token on each lead-only action → 403 (a lead gets past the gate)', async () => {
    const leadOnly = operations.filter((o) => o.method === 'POST' && LEAD_ONLY_ACTIONS.some((a) => o.path.endsWith(`/${a}`)));
    expect(leadOnly.map((o) => o.path.slice(o.path.lastIndexOf('/') + 1)).sort()).toEqual([...LEAD_ONLY_ACTIONS].sort());
    for (const op of leadOnly) {
      const path = concrete(op.path);
      const r = await h.req('POST', path, { token: curator, body: { version: 1, decision: 'include', reason: 'x' } });
      expect(r.status, `${path}: ${r.text}`).toBe(403);
      expect(r.json.error).toMatch(/only a lead/);
      const byLead = await h.req('POST', path, { token: lead, body: { version: 1, decision: 'include', reason: 'x' } });
      expect(byLead.status, `${path} by a lead: ${byLead.text}`).not.toBe(401);
      expect(byLead.json?.error ?? '').not.toMatch(/only a lead/);
    }
  });

  it('an unknown /api path is 401 without a token (nothing is revealed), 404 with one', async () => {
    expect((await h.req('GET', '/api/no-such-thing')).status).toBe(401);
    expect((await h.req('GET', '/api/no-such-thing', { token: curator })).status).toBe(404);
    // Encoded separators do not turn a private path into a public one.
    expect((await h.req('POST', `/api/reviews/${DUAL_REVIEW.id}%2Fcandidates%2Fstudy-access-1%2Fresolve`, { body: { version: 1 } })).status).not.toBe(200);
  });
});

describe('every /curate page', () => {
  it('without a session or with an expired one is refused (redirect to sign-in); the sign-in flow is open', async () => {
    expect(uiPages.length).toBeGreaterThanOrEqual(8);
    const problems: string[] = [];
    for (const template of uiPages) {
      const path = concrete(template);
      const anon = await h.req('GET', path);
      const late = await h.req('GET', path, { headers: { cookie: `curate_session=${expired}` } });
      if (isPublic('GET', path)) {
        if (anon.status === 401 || anon.status === 403) problems.push(`${path}: public but ${anon.status}`);
        continue;
      }
      if (!refused(path, anon)) problems.push(`${path} without a session: ${anon.status}`);
      if (!refused(path, late)) problems.push(`${path} with an expired session: ${late.status}`);
    }
    expect(problems).toEqual([]);
    // Signed in, a page renders.
    const page = await h.req('GET', '/curate', { token: curator });
    expect(page.status).toBe(200);
  });
});

describe('a route that forgets its own auth middleware', () => {
  it('is still closed: the gate runs before every route, including ones added later', async () => {
    const app = createCurationApp({ doc: h.doc, table: h.table, reviews: [DUAL_REVIEW], auth: { localSecret: SECRET } });
    app.get('/api/reviews/:reviewId/secret-report', (c) => c.json({ leaked: true }));
    app.get('/curate/secret-page', (c) => c.html('<p>leaked</p>'));
    const server: ServerType = await new Promise((res) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => res(s));
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const api = await fetch(`${base}/api/reviews/${DUAL_REVIEW.id}/secret-report`);
      expect(api.status).toBe(401);
      expect(await api.text()).not.toContain('leaked');
      const page = await fetch(`${base}/curate/secret-page`, { redirect: 'manual' });
      expect(page.status).toBe(302);
      const ok = await fetch(`${base}/api/reviews/${DUAL_REVIEW.id}/secret-report`, { headers: { authorization: `Bearer ${curator}` } });
      // Signed in, the request passes the gate (the app may still answer 404 if its catch-all comes first).
      expect(ok.status).not.toBe(401);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
