/** Extraction: drafts, live preview, accept, and the comparison of two extractors' drafts. */
import { createRoute, type z } from '@hono/zod-openapi';
import { CurationError } from '../../../core/curation/errors.js';
import { buildExtraction, compareDrafts } from '../../../core/curation/extraction.js';
import { RequestValidationError, type AppContext } from '../context.js';
import { CandidateParams, FormBody, PreviewBody } from '../schemas.js';
import { commandRoute, errors, json, router, runCommand, security, signedIn } from './shared.js';

const MAX_DRAFT_CHARS = 100_000;

export function extractionRoutes(ctx: AppContext) {
  const app = router();
  const auth = signedIn(ctx);
  app.openapi(commandRoute(ctx, 'draft', FormBody, 'Extraction draft saved (validation errors are returned, not enforced)'), async (c) => {
    const { reviewId, studyId } = c.req.valid('param');
    const b = c.req.valid('json') as z.infer<typeof FormBody>;
    const review = ctx.review(reviewId);
    // A draft may be incomplete, but it must be a form (an object) of bounded size.
    if (b.form === null || typeof b.form !== 'object' || Array.isArray(b.form)) throw new RequestValidationError([{ path: 'form', message: 'must be an object', in: 'body' }]);
    // Drafts live on the candidate item (DynamoDB items are at most 400 KB).
    if (JSON.stringify(b.form).length > MAX_DRAFT_CHARS)
      throw new RequestValidationError([{ path: 'form', message: `a draft may hold at most ${MAX_DRAFT_CHARS} characters of JSON`, in: 'body' }]);
    const res = buildExtraction(b.form, review);
    const out = await runCommand(ctx, c.get('actor'), reviewId, studyId, b.version, { type: 'save-draft', form: b.form });
    return c.json({ ...out, validation: { errors: res.errors, outcomes: res.outcomes } }, 200);
  });
  app.openapi(commandRoute(ctx, 'accept', FormBody, 'Accepted with the validated extraction'), async (c) => {
    const { reviewId, studyId } = c.req.valid('param');
    const b = c.req.valid('json') as z.infer<typeof FormBody>;
    const res = buildExtraction(b.form, ctx.review(reviewId));
    if (!res.extraction) throw new CurationError('invalid', 'the extraction is not valid', res.errors.map((e) => ({ ...e, path: `form.${e.path}` })));
    return c.json(await runCommand(ctx, c.get('actor'), reviewId, studyId, b.version, { type: 'accept', extraction: res.extraction }), 200);
  });
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
      responses: { 200: { description: "Differences between the extractors' drafts", ...json() }, ...errors },
    }),
    async (c) => {
      const { reviewId, studyId } = c.req.valid('param');
      const cand = await ctx.candidate(reviewId, studyId);
      const forms = Object.fromEntries(Object.entries(cand.drafts ?? {}).map(([k, d]) => [k, d.form]));
      return c.json({ extractors: Object.keys(forms), differences: compareDrafts(forms) }, 200);
    },
  );
  return app;
}
