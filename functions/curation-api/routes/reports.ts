/** Reports: counts per status, PRISMA flow and screening agreement. */
import { createRoute } from '@hono/zod-openapi';
import { CANDIDATE_STATUSES } from '../../../core/evidence/candidate.js';
import { prismaCounts } from '../../../core/curation/prisma.js';
import { screeningKappa } from '../../../core/curation/kappa.js';
import type { AppContext } from '../context.js';
import { ReviewIdParam } from '../schemas.js';
import { PrismaQuery } from '../report-schemas.js';
import { POLL_SOURCES } from '../../../core/reviews/cadence.js';
import { loadPollStatuses } from '../../adapters/poll-status-store.js';
import { progressView, prismaView } from './report-data.js';
import { errors, json, router, security, signedIn } from './shared.js';

export function reportRoutes(ctx: AppContext) {
  const app = router();
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/reviews/{reviewId}/summary',
      security,
      middleware: [signedIn(ctx)] as const,
      request: { params: ReviewIdParam },
      responses: { 200: { description: 'Counts per status, PRISMA flow and screening agreement (Cohen kappa)', ...json() }, ...errors },
    }),
    async (c) => {
      const { reviewId } = c.req.valid('param');
      const review = ctx.review(reviewId);
      const all = await ctx.store.allCandidates(reviewId);
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
      path: '/api/reviews/{reviewId}/prisma',
      security,
      middleware: [signedIn(ctx)] as const,
      request: { params: ReviewIdParam, query: PrismaQuery },
      responses: {
        200: { description: 'PRISMA 2020 counts, cumulative and for this update (records identified since `since`), and the diagram as SVG text', ...json() },
        ...errors,
      },
    }),
    async (c) => {
      const review = ctx.review(c.req.valid('param').reviewId);
      const v = await prismaView(ctx, review, c.req.valid('query'));
      return c.json(v, 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/reviews/{reviewId}/progress',
      security,
      middleware: [signedIn(ctx)] as const,
      request: { params: ReviewIdParam },
      responses: { 200: { description: 'Per-curator progress (decisions made, to-do left, conflicts) and screening kappa per stage with the count it rests on and what it means', ...json() }, ...errors },
    }),
    async (c) => {
      const review = ctx.review(c.req.valid('param').reviewId);
      return c.json(await progressView(ctx, review, c.get('actor')), 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/poll-status',
      security,
      middleware: [signedIn(ctx)] as const,
      responses: { 200: { description: 'The last poll of each source (and of each review × source) with its outcome and the next try, in words', ...json() }, ...errors },
    }),
    async (c) => c.json(await loadPollStatuses(ctx.store.doc, ctx.store.table, ctx.reviewList, POLL_SOURCES, ctx.now()), 200),
  );
  return app;
}
