/**
 * A lead's mapping of values typed as "other" (issue 16, item 8):
 *   GET  /api/reviews/{reviewId}/mappings                         trials with "other" values (waiting / mapped)
 *   POST /api/reviews/{reviewId}/candidates/{studyId}/mappings    map each value to the review's, or keep it out with a reason
 * Lead-only (403 for a curator before anything is read or checked). The rules are core's
 * (core/curation/mapping.ts, applied by the workflow's 'map-values' command, audited as an event).
 * The page is in mappings-ui.tsx.
 */
import { createRoute, type z } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { CurationError } from '../../../core/curation/errors.js';
import { mappingQueue } from '../../../core/curation/mapping.js';
import { analysesEntered, describeEntries } from '../../../core/analysis/entry.js';
import type { Extraction } from '../../../core/evidence/candidate.js';
import type { AppContext, Env } from '../context.js';
import { CandidateParams, MapValuesBody, ReviewIdParam } from '../schemas.js';
import { allowedInStatus, conflict, errors, json, router, runCommand, security, signedIn } from './shared.js';

/** Refuses anyone but a lead (after sign-in, before the body is read). */
export function leadOnly(what: string): MiddlewareHandler<Env> {
  return async (c, next) => {
    if (c.get('actor').role !== 'lead') throw new CurationError('forbidden', `only a lead can ${what}`);
    return next();
  };
}

export function mappingRoutes(ctx: AppContext) {
  const app = router();
  const lead = leadOnly('map values typed as "other"');
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/reviews/{reviewId}/mappings',
      security,
      middleware: [signedIn(ctx), lead] as const,
      request: { params: ReviewIdParam },
      responses: { 200: { description: 'Accepted and in-extraction trials with values typed as "other": waiting for a mapping, and mapped', ...json() }, ...errors },
    }),
    async (c) => {
      const review = ctx.review(c.req.valid('param').reviewId);
      return c.json(mappingQueue(review, await ctx.store.allCandidates(review.id)), 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/reviews/{reviewId}/candidates/{studyId}/mappings',
      security,
      middleware: [signedIn(ctx), lead, allowedInStatus(ctx, 'map-values')] as const,
      request: { params: CandidateParams, body: { required: true, content: { 'application/json': { schema: MapValuesBody } } } },
      responses: {
        200: { description: "Mapped: an accepted trial's extraction now holds the review's values (a new analysis version when it enters an analysis)", ...json() },
        ...errors,
        ...conflict,
      },
    }),
    async (c) => {
      const { reviewId, studyId } = c.req.valid('param');
      const b = c.req.valid('json') as z.infer<typeof MapValuesBody>;
      const out = await runCommand(ctx, c.get('actor'), reviewId, studyId, b.version, { type: 'map-values', mappings: b.mappings });
      // What the trial enters now (accepted: the stored extraction; in extraction: known at accept).
      const ex = (out.candidate as { status?: string; extraction?: Extraction }).extraction;
      const analyses = (out.candidate as { status?: string }).status === 'accepted' && ex ? analysesEntered(ctx.review(reviewId), ex) : null;
      return c.json({ ...out, analyses, ...(analyses ? { analysesSummary: describeEntries(analyses) } : {}) }, 200);
    },
  );
  return app;
}
