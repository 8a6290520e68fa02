/**
 * What every route module of the curation app shares: the app's dependencies, the request
 * environment (the signed-in actor), the context object (store, reviews, clock, auth) and the
 * errors the routes raise. No routes here; `app.ts` composes the route modules.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import type { Review } from '../../core/reviews/schema.js';
import type { FieldError } from '../../core/curation/errors.js';
import type { Actor, CuratedCandidate } from '../../core/curation/workflow.js';
import { CurationStore, type QueuePage, type QueueQuery, type WholeQueue } from '../adapters/curation-store.js';
import type { CandidateStatus } from '../../core/evidence/candidate.js';
import type { SnapshotStore } from '../adapters/snapshot-store.js';
import { ImportJobStore } from '../adapters/import-job-store.js';
import { inProcessImportDispatcher, type ImportDispatch } from '../import-worker/dispatch.js';
import type { ImportWorkerDeps } from '../import-worker/worker.js';
import { AuthError, createVerifier, SESSION_COOKIE, type AuthConfig, type HostedUiConfig } from './auth.js';

export type { AuthConfig } from './auth.js';

export interface CurationDeps {
  doc: DynamoDBDocumentClient;
  table: string;
  reviews: readonly Review[];
  auth: AuthConfig;
  now?: () => Date;
  /**
   * Queue pages are shared by concurrent identical requests and kept for this many ms in this
   * instance (default 1000; 0 disables). Writes through this instance invalidate the review's
   * pages at once; elsewhere a page is at most this old, and the version-conditioned writes keep
   * stale pages harmless (a decision on a moved candidate gets 409).
   */
  queueCacheMs?: number;
  /**
   * The published versions (the local runner's disk store; in AWS the snapshot bucket when
   * SNAPSHOT_BUCKET is set). Routes that need a review's analysis read its latest published
   * version instead of re-pooling every candidate; without it they compute it.
   */
  snapshots?: Pick<SnapshotStore, 'getLatest'>;
  /**
   * How an import job reaches its worker (default: in this process, in the background). AWS: the
   * import queue (handler.ts, IMPORT_QUEUE_URL). Given the worker's dependencies.
   */
  importDispatch?: (worker: ImportWorkerDeps) => ImportDispatch;
}

export type Env = { Variables: { actor: Actor } };

/** A request that does not match its schema: 400 with the fields named. */
export class RequestValidationError extends Error {
  constructor(readonly fields: FieldError[]) {
    super('invalid request');
  }
}

export class NotFoundError extends Error {}

/** Single-flight + short-lived cache of queue pages, per review (see CurationDeps.queueCacheMs). */
export class QueueCache {
  private pages = new Map<string, Map<string, { at: number; page: Promise<QueuePage> }>>();
  private wholeQueues = new Map<string, Map<CandidateStatus, { at: number; queue: Promise<WholeQueue> }>>();
  constructor(
    private readonly store: CurationStore,
    private readonly ttlMs: number,
  ) {}
  get(reviewId: string, q: QueueQuery): Promise<QueuePage> {
    if (this.ttlMs <= 0) return this.store.listQueue(q);
    let forReview = this.pages.get(reviewId);
    if (!forReview) this.pages.set(reviewId, (forReview = new Map()));
    const key = JSON.stringify(q);
    const hit = forReview.get(key);
    const t = Date.now();
    if (hit && t - hit.at < this.ttlMs) return hit.page;
    const page = this.store.listQueue(q);
    forReview.set(key, { at: t, page });
    page.catch(() => forReview!.delete(key));
    if (forReview.size > 500) forReview.delete(forReview.keys().next().value!);
    return page;
  }
  /** The whole queue of one status (search, filters, near-duplicate groups), shared and kept like a page. */
  whole(reviewId: string, status: CandidateStatus): Promise<WholeQueue> {
    if (this.ttlMs <= 0) return this.store.listWholeQueue(reviewId, status);
    let forReview = this.wholeQueues.get(reviewId);
    if (!forReview) this.wholeQueues.set(reviewId, (forReview = new Map()));
    const hit = forReview.get(status);
    const t = Date.now();
    if (hit && t - hit.at < this.ttlMs) return hit.queue;
    const queue = this.store.listWholeQueue(reviewId, status);
    forReview.set(status, { at: t, queue });
    queue.catch(() => forReview!.delete(status));
    return queue;
  }
  invalidate(reviewId: string): void {
    this.pages.delete(reviewId);
    this.wholeQueues.delete(reviewId);
  }
}

export interface AppContext {
  store: CurationStore;
  queueCache: QueueCache;
  reviews: Map<string, Review>;
  /** The reviews in their configured order. */
  reviewList: readonly Review[];
  now: () => Date;
  /** See CurationDeps.snapshots. */
  snapshots?: Pick<SnapshotStore, 'getLatest'>;
  /** Import jobs (reports-ui / imports routes) and how they are handed to the worker. */
  jobs: ImportJobStore;
  importWorker: ImportWorkerDeps;
  dispatchImport: ImportDispatch;
  verify: (token: string) => Promise<Actor>;
  /** Browser sign-in through the Cognito hosted UI, when configured (AWS). */
  hostedUi?: { config: HostedUiConfig; clientId: string };
  review(id: string): Review;
  candidate(reviewId: string, studyId: string): Promise<CuratedCandidate>;
  authenticate(c: Context): Promise<Actor>;
}

function tokenOf(c: Context): { token: string; from: 'header' | 'cookie' } | undefined {
  const h = c.req.header('authorization');
  if (h) {
    const m = h.match(/^Bearer\s+(\S+)$/i);
    if (!m) throw new AuthError(401, 'Authorization header must be "Bearer <token>"');
    return { token: m[1], from: 'header' };
  }
  const cookie = getCookie(c, SESSION_COOKIE);
  return cookie ? { token: cookie, from: 'cookie' } : undefined;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function createContext(deps: CurationDeps): AppContext {
  const store = new CurationStore(deps.doc, deps.table);
  const reviews = new Map(deps.reviews.map((r) => [r.id, r]));
  const verify = createVerifier(deps.auth);
  if (deps.auth.hostedUi && !deps.auth.cognito) throw new Error('auth: the hosted UI (hostedUi) needs the Cognito user pool (cognito)');
  const now = deps.now ?? (() => new Date());
  const jobs = new ImportJobStore(deps.doc, deps.table);
  const queueCache = new QueueCache(store, deps.queueCacheMs ?? 1000);
  const importWorker: ImportWorkerDeps = { store, jobs, now, onWrite: (reviewId) => queueCache.invalidate(reviewId), log: (m) => console.log(m) };
  const hostedUi = deps.auth.hostedUi && deps.auth.cognito ? { config: deps.auth.hostedUi, clientId: deps.auth.cognito.clientId } : undefined;
  return {
    store,
    queueCache,
    reviews,
    reviewList: deps.reviews,
    now,
    jobs,
    importWorker,
    dispatchImport: (deps.importDispatch ?? inProcessImportDispatcher)(importWorker),
    ...(deps.snapshots ? { snapshots: deps.snapshots } : {}),
    verify,
    ...(hostedUi ? { hostedUi } : {}),
    review(id) {
      const r = reviews.get(id);
      if (!r) throw new NotFoundError(`unknown review "${id}"`);
      return r;
    },
    async candidate(reviewId, studyId) {
      this.review(reviewId);
      const c = await store.getCandidate(reviewId, studyId);
      if (!c) throw new NotFoundError(`unknown candidate "${studyId}" in review "${reviewId}"`);
      return c;
    },
    async authenticate(c) {
      const t = tokenOf(c);
      if (!t) throw new AuthError(401, 'sign in required');
      // The session cookie is SameSite=Lax; on top of that, a browser that says a state-changing
      // request comes from another site (Fetch Metadata) is refused when it relies on the cookie.
      if (t.from === 'cookie' && !SAFE_METHODS.has(c.req.method)) {
        const site = c.req.header('sec-fetch-site');
        if (site && site !== 'same-origin' && site !== 'none') throw new AuthError(403, 'cross-site request refused');
      }
      return verify(t.token);
    },
  };
}
