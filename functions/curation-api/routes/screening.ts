/** Screening: the queue, screening decisions, conflict resolution, and a lead's status changes. */
import type { z } from '@hono/zod-openapi';
import type { QueuePage } from '../../adapters/curation-store.js';
import { RequestValidationError, type AppContext } from '../context.js';
import { publicCandidate } from '../present.js';
import { BatchScreenBody, QueueQuerySchema, QueueSearchQuerySchema, ReasonBody, ResolveBody, ReviewIdParam, ScreenBody, VersionBody } from '../schemas.js';
import { checkBatchItems, planBatch } from '../../../core/curation/batch.js';
import { blindCandidate } from '../../../core/curation/blinding.js';
import { searchQueue, type QueueSearchResult } from '../../../core/curation/queue-view.js';
import { labelsInUse } from '../../../core/curation/labels.js';
import type { Actor } from '../../../core/curation/workflow.js';
import type { CandidateStatus } from '../../../core/evidence/candidate.js';
import type { Review } from '../../../core/reviews/schema.js';
import { commandRoute, json, jsonBody, router, runCommand, signedInRoute } from './shared.js';

export type QueueSearchQuery = z.infer<typeof QueueSearchQuerySchema>;

/**
 * Search / filter / group the WHOLE queue of one status as `actor` sees it (blinded first, so a
 * filter never reveals a hidden vote or label), one page of cards: the queue API and the queue
 * page alike. Reads the status partition of the queue index (QueueCache.whole).
 */
export async function searchWholeQueue(ctx: AppContext, actor: Actor, review: Review, q: QueueSearchQuery): Promise<QueueSearchResult & { status: CandidateStatus; truncated: boolean; labels: string[] }> {
  const status = q.status ?? 'screening';
  const whole = await ctx.queueCache.whole(review.id, status);
  const items = whole.items.map((x) => blindCandidate(x, actor, review));
  const filter = { view: q.view ?? 'todo', ...(q.q ? { q: q.q } : {}), ...(q.label ? { label: q.label } : {}), ...(q.source ? { source: q.source } : {}), ...(q.year !== undefined ? { year: q.year } : {}) };
  // Near-duplicates are grouped where records are screened (a status with a screening stage).
  const group = status === 'screening' || status === 'fulltext';
  const r = searchQueue(items, filter, actor.id, { limit: q.limit ?? 25, ...(q.after ? { after: q.after } : {}), group });
  return { ...r, status, truncated: whole.truncated, labels: labelsInUse(items) };
}

/** A screen body (single or batch) → the core command. */
export function screenCommand(b: Pick<z.infer<typeof ScreenBody>, 'decision' | 'reason' | 'note' | 'labels'>) {
  return { type: 'screen' as const, decision: b.decision, ...(b.reason ? { reason: b.reason } : {}), ...(b.note ? { note: b.note } : {}), ...(b.labels?.length ? { labels: b.labels } : {}) };
}

/** A batch of screening decisions (all or none, one audit event each): the API's and the no-JavaScript form's. */
export async function runBatch(ctx: AppContext, actor: Actor, reviewId: string, b: z.infer<typeof BatchScreenBody>) {
  const review = ctx.review(reviewId);
  checkBatchItems(b.items);
  const found = await Promise.all(b.items.map((it) => ctx.store.getCandidate(reviewId, it.studyId)));
  const transitions = planBatch(b.items, found, screenCommand(b), actor, review, ctx.now());
  try {
    await ctx.store.commitMany(transitions.map((t, i) => ({ next: t.candidate, expectedVersion: b.items[i].version, event: t.event })));
  } finally {
    ctx.queueCache.invalidate(reviewId);
  }
  return { results: transitions.map((t) => ({ candidate: publicCandidate(t.candidate, actor, review), event: t.event })) };
}

export function screeningRoutes(ctx: AppContext) {
  const app = router();
  // A shared page is serialised once per reader (blinding makes the JSON depend on who asks).
  const serialisedPages = new WeakMap<QueuePage, Map<string, string>>();
  app.openapi(
    signedInRoute(ctx, {
      method: 'get',
      path: '/api/reviews/{reviewId}/queue',
      request: { params: ReviewIdParam, query: QueueQuerySchema },
      responses: { 200: { description: 'One page of the queue (GSI1), best triage score first', ...json() } },
    }),
    async (c) => {
      const { reviewId } = c.req.valid('param');
      const q = c.req.valid('query');
      const review = ctx.review(reviewId);
      const actor = c.get('actor');
      if (q.minScore !== undefined && q.maxScore !== undefined && q.minScore > q.maxScore)
        throw new RequestValidationError([{ path: 'minScore', message: 'must not exceed maxScore', in: 'query' }]);
      const page = await ctx.queueCache.get(reviewId, { reviewId, ...q, summary: true });
      // Serialise a shared page once (concurrent identical requests share the page object).
      let forPage = serialisedPages.get(page);
      if (!forPage) serialisedPages.set(page, (forPage = new Map()));
      let body = forPage.get(actor.id);
      if (body === undefined) {
        body = JSON.stringify({ items: page.items.map((x) => publicCandidate(x, actor, review)), cursor: page.cursor ?? null });
        if (forPage.size < 50) forPage.set(actor.id, body);
      }
      // The body is the documented JSON, pre-serialised (hence the cast for the typed handler).
      return c.body(body, 200, { 'Content-Type': 'application/json' }) as never;
    },
  );

  app.openapi(
    signedInRoute(ctx, {
      method: 'get',
      path: '/api/reviews/{reviewId}/queue/search',
      request: { params: ReviewIdParam, query: QueueSearchQuerySchema },
      responses: {
        200: {
          description:
            'Search, filters and near-duplicate groups over the WHOLE queue of one status (not one page): the matching cards from the position `after`, ' +
            '`limit` per page, with the counts over the whole queue. `next` is where the following page starts. Near-duplicates (same normalised title and year, different identifiers) share one card.',
          ...json(),
        },
      },
    }),
    async (c) => {
      const { reviewId } = c.req.valid('param');
      const q = c.req.valid('query');
      const review = ctx.review(reviewId);
      const actor = c.get('actor');
      const r = await searchWholeQueue(ctx, actor, review, q);
      return c.json(
        {
          status: r.status,
          view: q.view ?? 'todo',
          records: r.records,
          matchedCards: r.matchedCards,
          matchedRecords: r.matchedRecords,
          position: r.position,
          limit: q.limit ?? 25,
          next: r.next ?? null,
          truncated: r.truncated,
          cards: r.cards.map((g) => ({ members: g.members.map((m) => publicCandidate(m, actor, review)) })),
        },
        200,
      );
    },
  );

  app.openapi(commandRoute(ctx, 'screen', ScreenBody, 'Screening decision recorded'), async (c) => {
    const { reviewId, studyId } = c.req.valid('param');
    const b = c.req.valid('json') as z.infer<typeof ScreenBody>;
    return c.json(await runCommand(ctx, c.get('actor'), reviewId, studyId, b.version, screenCommand(b)), 200);
  });
  app.openapi(
    signedInRoute(ctx, {
      method: 'post',
      path: '/api/reviews/{reviewId}/screen-batch',
      request: { params: ReviewIdParam, body: jsonBody(BatchScreenBody) },
      responses: { 200: { description: 'The decision recorded on every record (one audit event each); all or none', ...json() } },
      conflict: true,
    }),
    async (c) => {
      const { reviewId } = c.req.valid('param');
      const b = c.req.valid('json') as z.infer<typeof BatchScreenBody>;
      const actor = c.get('actor');
      return c.json(await runBatch(ctx, actor, reviewId, b), 200);
    },
  );
  app.openapi(commandRoute(ctx, 'resolve', ResolveBody, 'Conflict resolved by a lead (a lead who voted only if the review allows it: screening.leadMayResolveOwnVote)'), async (c) => {
    const { reviewId, studyId } = c.req.valid('param');
    const b = c.req.valid('json') as z.infer<typeof ResolveBody>;
    const cmd = { type: 'resolve' as const, decision: b.decision, ...(b.reason ? { reason: b.reason } : {}), ...(b.note ? { note: b.note } : {}) };
    return c.json(await runCommand(ctx, c.get('actor'), reviewId, studyId, b.version, cmd), 200);
  });
  app.openapi(commandRoute(ctx, 'undo', VersionBody, 'My screening decision taken back (while the stage is still open)'), async (c) => {
    const { reviewId, studyId } = c.req.valid('param');
    const b = c.req.valid('json') as z.infer<typeof VersionBody>;
    return c.json(await runCommand(ctx, c.get('actor'), reviewId, studyId, b.version, { type: 'undo-screen' }), 200);
  });
  for (const [path, type, description] of [
    ['withdraw', 'withdraw', 'Withdrawn by a lead'],
    ['reopen', 'reopen', 'Excluded candidate reopened by a lead'],
    ['reinstate', 'reinstate', 'Withdrawn study reinstated to extraction by a lead'],
  ] as const) {
    app.openapi(commandRoute(ctx, path, ReasonBody, description), async (c) => {
      const { reviewId, studyId } = c.req.valid('param');
      const b = c.req.valid('json') as z.infer<typeof ReasonBody>;
      return c.json(await runCommand(ctx, c.get('actor'), reviewId, studyId, b.version, { type, reason: b.reason }), 200);
    });
  }
  return app;
}
