/** Screening: the queue, screening decisions, conflict resolution, and a lead's status changes. */
import { createRoute, type z } from '@hono/zod-openapi';
import type { QueuePage } from '../../adapters/curation-store.js';
import { RequestValidationError, type AppContext } from '../context.js';
import { publicCandidate } from '../present.js';
import { QueueQuerySchema, ReasonBody, ReviewIdParam, ScreenBody } from '../schemas.js';
import { commandRoute, errors, json, router, runCommand, security, signedIn } from './shared.js';

export function screeningRoutes(ctx: AppContext) {
  const app = router();
  // A shared page is serialised once per reader (blinding makes the JSON depend on who asks).
  const serialisedPages = new WeakMap<QueuePage, Map<string, string>>();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/reviews/{reviewId}/queue',
      security,
      middleware: [signedIn(ctx)] as const,
      request: { params: ReviewIdParam, query: QueueQuerySchema },
      responses: { 200: { description: 'One page of the queue (GSI1), best triage score first', ...json() }, ...errors },
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

  app.openapi(commandRoute(ctx, 'screen', ScreenBody, 'Screening decision recorded'), async (c) => {
    const { reviewId, studyId } = c.req.valid('param');
    const b = c.req.valid('json') as z.infer<typeof ScreenBody>;
    const cmd = { type: 'screen' as const, decision: b.decision, ...(b.reason ? { reason: b.reason } : {}), ...(b.note ? { note: b.note } : {}) };
    return c.json(await runCommand(ctx, c.get('actor'), reviewId, studyId, b.version, cmd), 200);
  });
  app.openapi(commandRoute(ctx, 'resolve', ScreenBody, 'Conflict resolved by a lead'), async (c) => {
    const { reviewId, studyId } = c.req.valid('param');
    const b = c.req.valid('json') as z.infer<typeof ScreenBody>;
    const cmd = { type: 'resolve' as const, decision: b.decision, ...(b.reason ? { reason: b.reason } : {}), ...(b.note ? { note: b.note } : {}) };
    return c.json(await runCommand(ctx, c.get('actor'), reviewId, studyId, b.version, cmd), 200);
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
