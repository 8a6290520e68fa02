/**
 * Test harness: the curation app on a real HTTP server (@hono/node-server, free port) against a
 * fresh table in DynamoDB Local. Also: tokens, seeding through candidateItem, and a table dump.
 */
import { serve, type ServerType } from '@hono/node-server';
import { ScanCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AddressInfo } from 'node:net';
import { candidateItem } from '../../core/data-model/items.js';
import type { Candidate, CandidateStatus, OutcomeData } from '../../core/evidence/candidate.js';
import type { Review } from '../../core/reviews/schema.js';
import { ALL_REVIEWS } from '../../reviews/index.js';
import { createDocumentClient, createTestTable, dropTestTable } from '../../functions/adapters/dynamo/testing.js';
import { createCurationApp, type AuthConfig, type CurationDeps } from '../../functions/curation-api/app.js';
import { issueLocalToken } from '../../functions/curation-api/auth.js';
import { inProcessImportDispatcher, type InProcessDispatch } from '../../functions/import-worker/dispatch.js';
import type { Role } from '../../core/curation/workflow.js';

export const SECRET = 'test-secret-that-is-at-least-32-characters-long';

export const DUAL_REVIEW: Review = ALL_REVIEWS.find((r) => r.id === 'selfguided-depression')!;
/** The same review with single screening, under another id. */
export const SINGLE_REVIEW: Review = { ...DUAL_REVIEW, id: 'single-screening', screening: { dual: false } };

export interface Harness {
  base: string;
  table: string;
  doc: DynamoDBDocumentClient;
  token(role: Role, sub?: string): Promise<string>;
  req(method: string, path: string, opts?: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> }): Promise<{ status: number; json: any; text: string; headers: Headers }>;
  seed(c: Partial<Candidate> & { studyId: string; reviewId?: string; status?: CandidateStatus; proposedExtraction?: OutcomeData[] }): Promise<Candidate>;
  dump(): Promise<string>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Authentication of the app, given its base URL (default: local HS256 tokens signed with SECRET). */
  auth?: (base: string) => AuthConfig;
  /** More reviews beside the dual- and single-screening ones (e.g. a dual-extraction variant). */
  extraReviews?: Review[];
  /** The app's clock (default: real time). */
  now?: () => Date;
  /** How import jobs reach the worker (default: in process). */
  importDispatch?: CurationDeps['importDispatch'];
}

export async function startHarness(prefix = 'api', opts: HarnessOptions = {}): Promise<Harness> {
  const table = await createTestTable(prefix);
  const doc = createDocumentClient();
  // The app is built once the port (hence the base URL, e.g. for an OAuth redirect URI) is known.
  let app: ReturnType<typeof createCurationApp> | undefined;
  // The default (in-process) import worker is kept, so close() lets a running job reach a chunk
  // boundary before the server and the table go away (no job left retrying against a dropped table).
  let imports: InProcessDispatch | undefined;
  const server: ServerType = await new Promise((res) => {
    const s = serve({ fetch: (req) => app!.fetch(req), port: 0, hostname: '127.0.0.1' }, () => res(s));
  });
  const port = (server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}`;
  app = createCurationApp({
    doc,
    table,
    reviews: [DUAL_REVIEW, SINGLE_REVIEW, ...(opts.extraReviews ?? [])],
    auth: opts.auth ? opts.auth(base) : { localSecret: SECRET },
    ...(opts.now ? { now: opts.now } : {}),
    importDispatch: opts.importDispatch ?? ((worker) => (imports = inProcessImportDispatcher(worker))),
  });
  return {
    base,
    table,
    doc,
    token: (role, sub = `${role}-1`) => issueLocalToken({ sub, name: `Test ${role} ${sub}`, role }, SECRET),
    async req(method, path, opts = {}) {
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      if (opts.token) headers.authorization = `Bearer ${opts.token}`;
      let body: string | undefined;
      if (opts.rawBody !== undefined) body = opts.rawBody;
      else if (opts.body !== undefined) {
        body = JSON.stringify(opts.body);
        headers['content-type'] ??= 'application/json';
      }
      const r = await fetch(`${base}${path}`, { method, headers, body, redirect: 'manual' });
      const text = await r.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: r.status, json, text, headers: r.headers };
    },
    async seed(c) {
      const at = c.createdAt ?? '2025-01-01T00:00:00.000Z';
      const cand: Candidate = {
        entity: 'Candidate',
        reviewId: c.reviewId ?? DUAL_REVIEW.id,
        status: 'screening',
        version: 1,
        title: `Study ${c.studyId}`,
        sources: ['pubmed'],
        identifiers: [],
        triage: { score: 50, reasons: ['seeded'] },
        createdAt: at,
        updatedAt: at,
        ...c,
      };
      await doc.send(new PutCommand({ TableName: table, Item: candidateItem(cand) }));
      // Written beside the app: without this a queue page read < queueCacheMs before would not show it.
      app!.invalidateQueue(cand.reviewId);
      return cand;
    },
    async dump() {
      const items: Record<string, unknown>[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const r = await doc.send(new ScanCommand({ TableName: table, ExclusiveStartKey: startKey, ConsistentRead: true }));
        items.push(...(r.Items ?? []));
        startKey = r.LastEvaluatedKey;
      } while (startKey);
      items.sort((a, b) => `${a.pk}|${a.sk}`.localeCompare(`${b.pk}|${b.sk}`));
      return JSON.stringify(items);
    },
    async close() {
      imports?.stop();
      await imports?.idle();
      await new Promise<void>((res) => server.close(() => res()));
      await dropTestTable(table);
    },
  };
}

/** The valid extraction form now lives with the other shared builders; kept here for the browser tests that import it from the harness. */
export { validForm } from '../fixtures/builders.js';

/** A form post as a browser sends it (JavaScript off): urlencoded, the session cookie, no redirect followed. */
export async function formPost(h: Harness, path: string, fields: [string, string][], token: string, headers: Record<string, string> = {}) {
  const r = await fetch(`${h.base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `curate_session=${token}`, 'sec-fetch-site': 'same-origin', ...headers },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
  return { status: r.status, location: r.headers.get('location') ?? undefined, text: await r.text() };
}

/** A curator page's HTML as the signed-in browser gets it. */
export const pageText = async (h: Harness, path: string, token: string): Promise<string> =>
  (await fetch(`${h.base}${path}`, { headers: { cookie: `curate_session=${token}` } })).text();
