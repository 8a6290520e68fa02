/**
 * The curation API + UI as one Hono app: `/api/*` (JSON, zod-validated, OpenAPI at
 * /api/openapi.json) and `/curate/*` (server-rendered pages). Handlers are thin: parse → core
 * (state machine, extraction rules) → store. ONE onError maps every failure to a JSON error.
 */
import { OpenAPIHono, createRoute, z } from '@hono/zod-openapi';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getCookie } from 'hono/cookie';
import { HTTPException } from 'hono/http-exception';
import type { EventItem } from '../../core/data-model/items.js';
import { CANDIDATE_STATUSES, type Candidate } from '../../core/evidence/candidate.js';
import type { Review } from '../../core/reviews/schema.js';
import { CurationError, type FieldError, formatPath } from '../../core/curation/errors.js';
import { applyCommand, type Actor, type Command, type CuratedCandidate } from '../../core/curation/workflow.js';
import { buildExtraction, compareDrafts, formFromExtraction, formFromOutcomeData } from '../../core/curation/extraction.js';
import { prismaCounts } from '../../core/curation/prisma.js';
import { screeningKappa } from '../../core/curation/kappa.js';
import { formatRis, parseRis } from '../../core/curation/ris.js';
import { toCsv } from '../../core/curation/csv.js';
import { planImport, validateRisRecords } from '../../core/curation/import-plan.js';
import { titleYearKey } from '../../core/curation/dedup.js';
import { CurationStore, InvalidCursorError, VersionConflictError, type QueuePage, type QueueQuery } from '../adapters/curation-store.js';
import { AuthError, createVerifier, SESSION_COOKIE, type AuthConfig, type HostedUiConfig } from './auth.js';
import {
  AnyObject,
  CandidateParams,
  ErrorSchema,
  ExportQuery,
  FormBody,
  ImportBody,
  PreviewBody,
  QueueQuerySchema,
  ReasonBody,
  ReviewIdParam,
  ScreenBody,
} from './schemas.js';
import { mountUi } from './ui.js';
import { denyByDefault } from './access.js';

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
}

export type Env = { Variables: { actor: Actor } };

class RequestValidationError extends Error {
  constructor(readonly fields: FieldError[]) {
    super('invalid request');
  }
}

export class NotFoundError extends Error {}

/** Single-flight + short-lived cache of queue pages, per review (see CurationDeps.queueCacheMs). */
export class QueueCache {
  private pages = new Map<string, Map<string, { at: number; page: Promise<QueuePage> }>>();
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
  invalidate(reviewId: string): void {
    this.pages.delete(reviewId);
  }
}

const MAX_DRAFT_CHARS = 100_000;

export interface AppContext {
  store: CurationStore;
  queueCache: QueueCache;
  reviews: Map<string, Review>;
  now: () => Date;
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

const json = (schema: z.ZodType = AnyObject) => ({ content: { 'application/json': { schema } } });
const errors = {
  400: { description: 'Invalid input (field errors)', ...json(ErrorSchema) },
  401: { description: 'Not signed in / invalid token', ...json(ErrorSchema) },
  403: { description: 'Not allowed for your role', ...json(ErrorSchema) },
  404: { description: 'Unknown review or candidate', ...json(ErrorSchema) },
};
const security = [{ bearer: [] as string[] }];

export function createCurationApp(deps: CurationDeps): OpenAPIHono<Env> {
  const store = new CurationStore(deps.doc, deps.table);
  const reviews = new Map(deps.reviews.map((r) => [r.id, r]));
  const now = deps.now ?? (() => new Date());
  const verify = createVerifier(deps.auth);
  if (deps.auth.hostedUi && !deps.auth.cognito) throw new Error('auth: the hosted UI (hostedUi) needs the Cognito user pool (cognito)');
  const hostedUi = deps.auth.hostedUi && deps.auth.cognito ? { config: deps.auth.hostedUi, clientId: deps.auth.cognito.clientId } : undefined;
  const queueCache = new QueueCache(store, deps.queueCacheMs ?? 1000);
  const serialisedPages = new WeakMap<QueuePage, string>();
  const ctx: AppContext = {
    store,
    queueCache,
    reviews,
    now,
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

  const app = new OpenAPIHono<Env>({
    defaultHook: (result) => {
      if (!result.success) {
        const where = (result as { target?: string }).target;
        throw new RequestValidationError(
          result.error.issues.map((i) => ({ path: formatPath(i.path) || '(body)', message: i.message, ...(where ? { in: where === 'json' ? 'body' : where } : {}) })),
        );
      }
    },
  });

  const auth: MiddlewareHandler<Env> = async (c, next) => {
    c.set('actor', await ctx.authenticate(c));
    await next();
  };

  app.use('/api/*', async (c, next) => {
    c.header('Cache-Control', 'no-store');
    c.header('X-Content-Type-Options', 'nosniff');
    await next();
  });
  app.use('*', denyByDefault<Env>((c) => ctx.authenticate(c)));
  const tooLarge = () => {
    throw new HTTPException(413, { message: 'request body too large' });
  };
  app.use('/api/reviews/:reviewId/import', bodyLimit({ maxSize: 4 * 1024 * 1024, onError: tooLarge }));
  app.use('/api/*', async (c, next) => {
    if (c.req.path.endsWith('/import')) return next();
    return bodyLimit({ maxSize: 2 * 1024 * 1024, onError: tooLarge })(c, next);
  });

  // ---------------------------------------------------------------- public, read-only
  app.openapi(createRoute({ method: 'get', path: '/api/health', responses: { 200: { description: 'ok', ...json() } } }), (c) =>
    c.json({ ok: true, time: now().toISOString() }, 200),
  );
  app.openapi(createRoute({ method: 'get', path: '/api/reviews', responses: { 200: { description: 'The living reviews', ...json() } } }), (c) =>
    c.json(
      {
        reviews: deps.reviews.map((r) => ({ id: r.id, title: r.title, shortTitle: r.shortTitle, kind: r.kind, outcomes: r.outcomes.map((o) => ({ id: o.id, label: o.label })) })),
      },
      200,
    ),
  );
  app.openapi(
    createRoute({ method: 'get', path: '/api/reviews/{reviewId}', request: { params: ReviewIdParam }, responses: { 200: { description: 'A review', ...json() }, ...errors } }),
    (c) => c.json(ctx.review(c.req.valid('param').reviewId) as unknown as Record<string, unknown>, 200),
  );

  // ---------------------------------------------------------------- signed-in
  app.openapi(
    createRoute({ method: 'get', path: '/api/me', security, middleware: [auth] as const, responses: { 200: { description: 'The signed-in user', ...json() }, ...errors } }),
    (c) => c.json({ ...c.get('actor') }, 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/reviews/{reviewId}/queue',
      security,
      middleware: [auth] as const,
      request: { params: ReviewIdParam, query: QueueQuerySchema },
      responses: { 200: { description: 'One page of the queue (GSI1), best triage score first', ...json() }, ...errors },
    }),
    async (c) => {
      const { reviewId } = c.req.valid('param');
      const q = c.req.valid('query');
      ctx.review(reviewId);
      if (q.minScore !== undefined && q.maxScore !== undefined && q.minScore > q.maxScore)
        throw new RequestValidationError([{ path: 'minScore', message: 'must not exceed maxScore', in: 'query' }]);
      const page = await queueCache.get(reviewId, { reviewId, ...q, summary: true });
      // Serialise a shared page once (concurrent identical requests share the page object).
      let body = serialisedPages.get(page);
      if (body === undefined) {
        body = JSON.stringify({ items: page.items.map(publicCandidate), cursor: page.cursor ?? null });
        serialisedPages.set(page, body);
      }
      // The body is the documented JSON, pre-serialised (hence the cast for the typed handler).
      return c.body(body, 200, { 'Content-Type': 'application/json' }) as never;
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/reviews/{reviewId}/summary',
      security,
      middleware: [auth] as const,
      request: { params: ReviewIdParam },
      responses: { 200: { description: 'Counts per status, PRISMA flow and screening agreement (Cohen kappa)', ...json() }, ...errors },
    }),
    async (c) => {
      const { reviewId } = c.req.valid('param');
      const review = ctx.review(reviewId);
      const all = await store.allCandidates(reviewId);
      const counts = Object.fromEntries(CANDIDATE_STATUSES.map((s) => [s, 0]));
      for (const x of all) counts[x.status]++;
      return c.json(
        {
          counts,
          prisma: prismaCounts(review, all),
          kappa: { titleAbstract: screeningKappa(all, 'title-abstract'), fulltext: screeningKappa(all, 'fulltext') },
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/reviews/{reviewId}/candidates/{studyId}',
      security,
      middleware: [auth] as const,
      request: { params: CandidateParams },
      responses: { 200: { description: 'A candidate, its history and its extraction form', ...json() }, ...errors },
    }),
    async (c) => {
      const { reviewId, studyId } = c.req.valid('param');
      const cand = await ctx.candidate(reviewId, studyId);
      const events = await store.listEvents(reviewId, studyId);
      return c.json({ candidate: publicCandidate(cand), events: events.map(publicEvent), form: initialForm(cand, c.get('actor')) }, 200);
    },
  );

  // Commands -------------------------------------------------------------
  const run = async (c: Context<Env>, reviewId: string, studyId: string, version: number, cmd: Command) => {
    const review = ctx.review(reviewId);
    const cand = await ctx.candidate(reviewId, studyId);
    if (cand.version !== version) throw new VersionConflictError(cand.version);
    const t = applyCommand(cand, cmd, c.get('actor'), review, now());
    try {
      await store.commit(t.candidate, version, t.event);
    } finally {
      queueCache.invalidate(reviewId);
    }
    return { candidate: publicCandidate(t.candidate), event: t.event };
  };
  const command = async (c: Context<Env>, reviewId: string, studyId: string, version: number, cmd: Command) =>
    c.json(await run(c, reviewId, studyId, version, cmd), 200);
  const commandRoute = (path: string, body: z.ZodType, description: string) =>
    createRoute({
      method: 'post',
      path: `/api/reviews/{reviewId}/candidates/{studyId}/${path}`,
      security,
      middleware: [auth] as const,
      request: { params: CandidateParams, body: { required: true, content: { 'application/json': { schema: body } } } },
      responses: { 200: { description, ...json() }, ...errors, 409: { description: 'Version conflict or not allowed in the current status', ...json(ErrorSchema) } },
    });

  app.openapi(commandRoute('screen', ScreenBody, 'Screening decision recorded'), async (c) => {
    const { reviewId, studyId } = c.req.valid('param');
    const b = c.req.valid('json') as z.infer<typeof ScreenBody>;
    return command(c, reviewId, studyId, b.version, { type: 'screen', decision: b.decision, ...(b.reason ? { reason: b.reason } : {}), ...(b.note ? { note: b.note } : {}) });
  });
  app.openapi(commandRoute('resolve', ScreenBody, 'Conflict resolved by a lead'), async (c) => {
    const { reviewId, studyId } = c.req.valid('param');
    const b = c.req.valid('json') as z.infer<typeof ScreenBody>;
    return command(c, reviewId, studyId, b.version, { type: 'resolve', decision: b.decision, ...(b.reason ? { reason: b.reason } : {}), ...(b.note ? { note: b.note } : {}) });
  });
  app.openapi(commandRoute('draft', FormBody, 'Extraction draft saved (validation errors are returned, not enforced)'), async (c) => {
    const { reviewId, studyId } = c.req.valid('param');
    const b = c.req.valid('json') as z.infer<typeof FormBody>;
    const review = ctx.review(reviewId);
    // A draft may be incomplete, but it must be a form (an object) of bounded size.
    if (b.form === null || typeof b.form !== 'object' || Array.isArray(b.form)) throw new RequestValidationError([{ path: 'form', message: 'must be an object', in: 'body' }]);
    // Drafts live on the candidate item (DynamoDB items are at most 400 KB).
    if (JSON.stringify(b.form).length > MAX_DRAFT_CHARS)
      throw new RequestValidationError([{ path: 'form', message: `a draft may hold at most ${MAX_DRAFT_CHARS} characters of JSON`, in: 'body' }]);
    const res = buildExtraction(b.form, review);
    const out = await run(c, reviewId, studyId, b.version, { type: 'save-draft', form: b.form });
    return c.json({ ...out, validation: { errors: res.errors, outcomes: res.outcomes } }, 200);
  });
  app.openapi(commandRoute('accept', FormBody, 'Accepted with the validated extraction'), async (c) => {
    const { reviewId, studyId } = c.req.valid('param');
    const b = c.req.valid('json') as z.infer<typeof FormBody>;
    const res = buildExtraction(b.form, ctx.review(reviewId));
    if (!res.extraction) throw new CurationError('invalid', 'the extraction is not valid', res.errors.map((e) => ({ ...e, path: `form.${e.path}` })));
    return command(c, reviewId, studyId, b.version, { type: 'accept', extraction: res.extraction });
  });
  for (const [path, type, description] of [
    ['withdraw', 'withdraw', 'Withdrawn by a lead'],
    ['reopen', 'reopen', 'Excluded candidate reopened by a lead'],
    ['reinstate', 'reinstate', 'Withdrawn study reinstated to extraction by a lead'],
  ] as const) {
    app.openapi(commandRoute(path, ReasonBody, description), async (c) => {
      const { reviewId, studyId } = c.req.valid('param');
      const b = c.req.valid('json') as z.infer<typeof ReasonBody>;
      return command(c, reviewId, studyId, b.version, { type, reason: b.reason });
    });
  }

  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/reviews/{reviewId}/candidates/{studyId}/preview',
      security,
      middleware: [auth] as const,
      request: { params: CandidateParams, body: { required: true, content: { 'application/json': { schema: PreviewBody } } } },
      responses: { 200: { description: 'Live validation: field errors, converted data and effect sizes (nothing stored)', ...json() }, ...errors },
    }),
    async (c) => {
      const { reviewId, studyId } = c.req.valid('param');
      await ctx.candidate(reviewId, studyId);
      const res = buildExtraction(c.req.valid('json').form, ctx.review(reviewId));
      return c.json({ valid: res.errors.length === 0, errors: res.errors, outcomes: res.outcomes }, 200);
    },
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/reviews/{reviewId}/candidates/{studyId}/compare',
      security,
      middleware: [auth] as const,
      request: { params: CandidateParams },
      responses: { 200: { description: 'Differences between the extractors\' drafts', ...json() }, ...errors },
    }),
    async (c) => {
      const { reviewId, studyId } = c.req.valid('param');
      const cand = await ctx.candidate(reviewId, studyId);
      const forms = Object.fromEntries(Object.entries(cand.drafts ?? {}).map(([k, d]) => [k, d.form]));
      return c.json({ extractors: Object.keys(forms), differences: compareDrafts(forms) }, 200);
    },
  );

  // Export / import --------------------------------------------------------
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/reviews/{reviewId}/export.csv',
      security,
      middleware: [auth] as const,
      request: { params: ReviewIdParam, query: ExportQuery },
      responses: { 200: { description: 'The review\'s records as CSV', content: { 'text/csv': { schema: z.string() } } }, ...errors },
    }),
    async (c) => {
      const { reviewId } = c.req.valid('param');
      ctx.review(reviewId);
      const { status } = c.req.valid('query');
      const all = (await store.allCandidates(reviewId)).filter((x) => !status || x.status === status);
      const csv = toCsv(CSV_HEADER, all.map(csvRow));
      c.header('Content-Disposition', `attachment; filename="${reviewId}.csv"`);
      return c.body(csv, 200, { 'Content-Type': 'text/csv; charset=utf-8' });
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/reviews/{reviewId}/export.ris',
      security,
      middleware: [auth] as const,
      request: { params: ReviewIdParam, query: ExportQuery },
      responses: { 200: { description: 'The review\'s records as RIS', content: { 'application/x-research-info-systems': { schema: z.string() } } }, ...errors },
    }),
    async (c) => {
      const { reviewId } = c.req.valid('param');
      ctx.review(reviewId);
      const { status } = c.req.valid('query');
      const all = (await store.allCandidates(reviewId)).filter((x) => !status || x.status === status);
      const ris = formatRis(
        all.map((x) => ({
          title: x.title,
          ...(x.abstract ? { abstract: x.abstract } : {}),
          ...(x.firstAuthor ? { firstAuthor: x.firstAuthor } : {}),
          ...(x.year !== undefined ? { year: x.year } : {}),
          ...(x.journal ? { journal: x.journal } : {}),
          identifiers: x.identifiers,
          notes: [`status: ${x.status}`, `study: ${x.studyId}`],
        })),
      );
      c.header('Content-Disposition', `attachment; filename="${reviewId}.ris"`);
      return c.body(ris, 200, { 'Content-Type': 'application/x-research-info-systems; charset=utf-8' });
    },
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/reviews/{reviewId}/import',
      security,
      middleware: [auth] as const,
      request: { params: ReviewIdParam, body: { required: true, content: { 'application/json': { schema: ImportBody } } } },
      responses: { 200: { description: 'Records imported as new candidates; duplicates reported', ...json() }, ...errors },
    }),
    async (c) => {
      const { reviewId } = c.req.valid('param');
      ctx.review(reviewId);
      const actor = c.get('actor');
      const { records, errors: parseErrors } = parseRis(c.req.valid('json').ris);
      const problems = [...parseErrors.map((e) => ({ path: `ris (line ${e.line})`, message: e.message })), ...validateRisRecords(records)];
      if (problems.length) throw new CurationError('invalid', 'the RIS file is not valid; nothing was imported', problems.slice(0, 50));
      const existing = await store.allCandidates(reviewId);
      const owners = await store.lookupIdentifiers(records.flatMap((r) => r.identifiers));
      const plan = planImport(records, {
        identifierOwners: owners,
        reviewStudies: new Set(existing.map((x) => x.studyId)),
        reviewTitles: new Map(existing.map((x) => [titleYearKey(x.title, x.year), x.studyId])),
      });
      const at = now().toISOString();
      const created: string[] = [];
      const duplicates: { line: number; title?: string; studyId: string; matchedBy: string }[] = [];
      for (const a of plan) {
        if (a.kind === 'duplicate') {
          duplicates.push({ line: a.record.line, ...(a.record.title ? { title: a.record.title } : {}), studyId: a.studyId, matchedBy: a.matchedBy });
          continue;
        }
        const r = a.record;
        const cand: Candidate = {
          entity: 'Candidate',
          reviewId,
          studyId: a.studyId,
          status: 'screening',
          version: 1,
          title: r.title!,
          ...(r.abstract ? { abstract: r.abstract } : {}),
          ...(r.year !== undefined ? { year: r.year } : {}),
          ...(r.authors[0] ? { firstAuthor: r.authors[0] } : {}),
          ...(r.journal ? { journal: r.journal } : {}),
          sources: ['ris'],
          identifiers: r.identifiers,
          triage: { score: 50, reasons: ['hand-searched record (RIS import): not scored'] },
          createdAt: at,
          updatedAt: at,
        };
        const ok = await store.createCandidate(
          cand,
          { type: 'imported', actor: actor.id, role: actor.role, at, before: {}, after: { status: 'screening', version: 1, source: 'ris', line: r.line } },
          a.claim,
        );
        queueCache.invalidate(reviewId);
        if (ok) created.push(a.studyId);
        else duplicates.push({ line: r.line, title: r.title, studyId: a.studyId, matchedBy: 'concurrent-import' });
      }
      return c.json({ records: records.length, created, duplicates }, 200);
    },
  );

  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: { title: 'Living evidence — curation API', version: '1.0.0' },
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });

  mountUi(app, ctx);

  app.notFound((c) => {
    if (c.req.path.startsWith('/api/')) return c.json({ status: 404, error: `no route ${c.req.method} ${c.req.path}` }, 404);
    return c.text('Not found', 404);
  });

  app.onError((err, c) => {
    const body = (status: number, error: string, extra: Record<string, unknown> = {}) => c.json({ status, error, ...extra }, status as 400);
    if (err instanceof RequestValidationError) return body(400, 'invalid request', { fields: err.fields });
    if (err instanceof CurationError) {
      const status = { invalid: 400, forbidden: 403, state: 409, 'not-found': 404 }[err.code];
      return body(status, err.message, err.fields.length ? { fields: err.fields } : {});
    }
    if (err instanceof AuthError) {
      if (err.status === 401 && c.req.path.startsWith('/curate') && c.req.method === 'GET') return c.redirect('/curate/signin', 302);
      return body(err.status, err.message);
    }
    if (err instanceof VersionConflictError) {
      return body(409, err.message, err.currentVersion !== undefined ? { currentVersion: err.currentVersion } : {});
    }
    if (err instanceof NotFoundError) return body(404, err.message);
    if (err instanceof InvalidCursorError) return body(400, 'invalid request', { fields: [{ path: 'cursor', message: err.message, in: 'query' }] });
    if (err instanceof HTTPException) {
      // The rest of an oversized body is never read: tell the client not to reuse the connection.
      if (err.status === 413) c.header('Connection', 'close');
      const msg = err.status === 400 && /json/i.test(err.message) ? 'malformed JSON in request body' : err.message || 'bad request';
      return body(err.status, msg, err.status === 400 && /json/i.test(err.message) ? { fields: [{ path: '(body)', message: 'not valid JSON', in: 'body' }] } : {});
    }
    console.error('curation-api: unexpected error', err);
    return body(500, 'internal error');
  });

  return app;
}

/** A candidate as returned by the API. */
export function publicCandidate(c: CuratedCandidate): Record<string, unknown> {
  return { ...c };
}

function publicEvent(e: EventItem): Record<string, unknown> {
  const { pk: _pk, sk: _sk, ...rest } = e;
  return rest;
}

/** The form an extractor starts from: their draft, else the accepted extraction, else the proposal. */
export function initialForm(c: CuratedCandidate, actor: Actor): unknown {
  const mine = c.drafts?.[actor.id]?.form;
  if (mine !== undefined) return mine;
  if (c.extraction) return formFromExtraction(c.extraction);
  const proposed = (c as { proposedExtraction?: unknown }).proposedExtraction;
  return formFromOutcomeData(Array.isArray(proposed) ? (proposed as never) : undefined);
}

const CSV_HEADER = [
  'studyId',
  'status',
  'title',
  'year',
  'firstAuthor',
  'journal',
  'sources',
  'doi',
  'pmid',
  'nct',
  'triageScore',
  'exclusionStage',
  'exclusionReason',
  'acceptedAt',
  'outcomes',
  'createdAt',
  'updatedAt',
];
function csvRow(x: CuratedCandidate) {
  const id = (t: string) =>
    x.identifiers
      .filter((i) => i.type === t)
      .map((i) => i.value)
      .join(' ');
  return [
    x.studyId,
    x.status,
    x.title,
    x.year,
    x.firstAuthor,
    x.journal,
    x.sources.join(' '),
    id('doi'),
    id('pmid'),
    id('nct'),
    x.triage?.score,
    x.exclusion?.stage,
    x.exclusion?.reason,
    x.acceptedAt,
    x.extraction?.outcomes.length ?? '',
    x.createdAt,
    x.updatedAt,
  ];
}
