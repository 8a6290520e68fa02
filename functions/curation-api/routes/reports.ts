/** Reports: counts per status, PRISMA flow and screening agreement. */
import { createRoute } from '@hono/zod-openapi';
import { CANDIDATE_STATUSES } from '../../../core/evidence/candidate.js';
import { prismaCounts } from '../../../core/curation/prisma.js';
import { screeningKappa } from '../../../core/curation/kappa.js';
import type { AppContext } from '../context.js';
import { ReviewIdParam } from '../schemas.js';
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
  return app;
}
