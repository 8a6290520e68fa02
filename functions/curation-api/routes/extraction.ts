/** Extraction: drafts, live preview, accept, and the comparison of two extractors' drafts. */
import { createRoute, type z } from '@hono/zod-openapi';
import { CurationError } from '../../../core/curation/errors.js';
import { buildExtraction, compareDrafts } from '../../../core/curation/extraction.js';
import { RequestValidationError, type AppContext } from '../context.js';
import type { ExtractionForm } from '../../../core/curation/extraction.js';
import { AcceptBody, CandidateParams, DraftBody, PreviewBody } from '../schemas.js';
import { acceptedEffects, implausibleValues } from '../../../core/curation/plausibility.js';
import { commandRoute, errors, json, router, runCommand, security, signedIn } from './shared.js';

const MAX_DRAFT_CHARS = 100_000;

export function extractionRoutes(ctx: AppContext) {
  const app = router();
  const auth = signedIn(ctx);
  app.openapi(commandRoute(ctx, 'draft', DraftBody, 'Extraction draft saved (incomplete is fine; each field present must have its type)', 'save-draft'), async (c) => {
    const { reviewId, studyId } = c.req.valid('param');
    const b = c.req.valid('json') as z.infer<typeof DraftBody>;
    const review = ctx.review(reviewId);
    // Drafts live on the candidate item (DynamoDB items are at most 400 KB).
    if (JSON.stringify(b.form).length > MAX_DRAFT_CHARS)
      throw new RequestValidationError([{ path: 'form', message: `a draft may hold at most ${MAX_DRAFT_CHARS} characters of JSON`, in: 'body' }]);
    const res = buildExtraction(b.form, review);
    const out = await runCommand(ctx, c.get('actor'), reviewId, studyId, b.version, { type: 'save-draft', form: b.form });
    return c.json({ ...out, validation: { errors: res.errors, outcomes: res.outcomes } }, 200);
  });
  app.openapi(commandRoute(ctx, 'accept', AcceptBody, 'Accepted with the validated extraction', 'accept'), async (c) => {
    const { reviewId, studyId } = c.req.valid('param');
    const b = c.req.valid('json') as z.infer<typeof AcceptBody>;
    const res = buildExtraction(b.form, ctx.review(reviewId));
    if (!res.extraction) throw new CurationError('invalid', 'the extraction is not valid', res.errors.map((e) => ({ ...e, path: `form.${e.path}` })));
    const flags = implausibleValues(b.form as ExtractionForm, res, acceptedEffects(await ctx.store.allCandidates(reviewId), studyId));
    if (flags.length && !b.confirmImplausible)
      throw new CurationError(
        'invalid',
        c.get('actor').role === 'lead'
          ? 'some values are implausible: check them, then confirm with a reason (confirmImplausible) to let them enter the analysis'
          : "some values are implausible: check them; if they are right, a lead's confirmation with a reason is needed before they enter an analysis",
        flags.map((f) => ({ ...f, path: `form.${f.path}`, in: 'body' })),
      );
    const confirmed = flags.length && b.confirmImplausible ? { reason: b.confirmImplausible, values: flags.map((f) => `${f.path}: ${f.message}`) } : undefined;
    return c.json(await runCommand(ctx, c.get('actor'), reviewId, studyId, b.version, { type: 'accept', extraction: res.extraction, ...(confirmed ? { confirmed } : {}) }), 200);
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
      const form = c.req.valid('json').form;
      const res = buildExtraction(form, ctx.review(reviewId));
      const implausible = res.extraction ? implausibleValues(form as ExtractionForm, res, acceptedEffects(await ctx.store.allCandidates(reviewId), studyId)) : [];
      return c.json({ valid: res.errors.length === 0, errors: res.errors, outcomes: res.outcomes, implausible }, 200);
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
