/** Reading: health, the reviews, who I am, one candidate with its history and form. */
import { createRoute } from '@hono/zod-openapi';
import type { AppContext } from '../context.js';
import { initialForm, publicCandidate, publicEvents } from '../present.js';
import { CandidateParams, ReviewIdParam } from '../schemas.js';
import { errors, json, router, security, signedIn } from './shared.js';

export function reviewRoutes(ctx: AppContext) {
  const app = router();
  const auth = signedIn(ctx);
  app.openapi(createRoute({ method: 'get', path: '/api/health', responses: { 200: { description: 'ok', ...json() } } }), (c) =>
    c.json({ ok: true, time: ctx.now().toISOString() }, 200),
  );
  app.openapi(createRoute({ method: 'get', path: '/api/reviews', responses: { 200: { description: 'The living reviews', ...json() } } }), (c) =>
    c.json(
      {
        reviews: ctx.reviewList.map((r) => ({ id: r.id, title: r.title, shortTitle: r.shortTitle, kind: r.kind, outcomes: r.outcomes.map((o) => ({ id: o.id, label: o.label })) })),
      },
      200,
    ),
  );
  app.openapi(
    createRoute({ method: 'get', path: '/api/reviews/{reviewId}', request: { params: ReviewIdParam }, responses: { 200: { description: 'A review', ...json() }, ...errors } }),
    (c) => c.json(ctx.review(c.req.valid('param').reviewId) as unknown as Record<string, unknown>, 200),
  );
  app.openapi(
    createRoute({ method: 'get', path: '/api/me', security, middleware: [auth] as const, responses: { 200: { description: 'The signed-in user', ...json() }, ...errors } }),
    (c) => c.json({ ...c.get('actor') }, 200),
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
      const events = await ctx.store.listEvents(reviewId, studyId);
      const actor = c.get('actor');
      const review = ctx.review(reviewId);
      return c.json({ candidate: publicCandidate(cand, actor, review), events: publicEvents(cand, events, actor, review), form: initialForm(cand, actor) }, 200);
    },
  );
  return app;
}
