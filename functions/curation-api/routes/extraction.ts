/** Extraction: drafts, live preview, accept, and the comparison of two extractors' drafts. */
import { createRoute, type z } from '@hono/zod-openapi';
import { CurationError } from '../../../core/curation/errors.js';
import { buildExtraction, compareDrafts } from '../../../core/curation/extraction.js';
import { RequestValidationError, type AppContext } from '../context.js';
import { AcceptBody, CandidateParams, DraftBody, PreviewBody } from '../schemas.js';
import { acceptedEffects } from '../../../core/curation/plausibility.js';
import { assessExtraction } from '../../../core/curation/assess.js';
import { commandRoute, errors, json, router, runCommand, security, signedIn } from './shared.js';
import { adjudicate, type Adjudication } from '../../../core/curation/adjudicate.js';
import type { Actor } from '../../../core/curation/workflow.js';
import { fieldLabel } from '../../../core/curation/field-labels.js';
import type { FieldError } from '../../../core/curation/errors.js';
import type { Review } from '../../../core/reviews/schema.js';
import { AdjudicateBody } from '../schemas.js';

/** Field errors with the label the form shows for each field. */
const labelled = (errs: FieldError[], review: Review, form: unknown) => errs.map((e) => ({ ...e, label: fieldLabel(e.path, review, form) }));

const MAX_DRAFT_CHARS = 100_000;

/**
 * Validate a complete form, check plausibility, and apply accept (or adjudicate): the same
 * assessment as the preview (core/curation/assess.ts), so the two can never disagree.
 */
async function acceptWith(ctx: AppContext, actor: Actor, reviewId: string, studyId: string, version: number, form: unknown, confirmImplausible: string | undefined, adjudication?: Adjudication) {
  const review = ctx.review(reviewId);
  const cand = await ctx.candidate(reviewId, studyId);
  const a = assessExtraction(form, review, { others: acceptedEffects(await ctx.store.allCandidates(reviewId), studyId), mappings: cand.mappings });
  if (!a.extraction) throw new CurationError('invalid', 'the extraction is not valid', labelled(a.errors, review, form).map((e) => ({ ...e, path: `form.${e.path}` })));
  const flags = a.implausible;
  if (flags.length && !confirmImplausible)
    throw new CurationError(
      'invalid',
      actor.role === 'lead'
        ? 'some values are implausible: check them, then confirm with a reason (confirmImplausible) to let them enter the analysis'
        : "some values are implausible: check them; if they are right, a lead's confirmation with a reason is needed before they enter an analysis",
      flags.map((f) => ({ ...f, path: `form.${f.path}`, in: 'body' })),
    );
  const confirmed = flags.length && confirmImplausible ? { reason: confirmImplausible, values: flags.map((f) => `${f.path}: ${f.message}`) } : undefined;
  const cmd = adjudication
    ? ({ type: 'adjudicate', extraction: a.extraction, adjudication, ...(confirmed ? { confirmed } : {}) } as const)
    : ({ type: 'accept', extraction: a.extraction, ...(confirmed ? { confirmed } : {}) } as const);
  // Which analyses the accepted trial enters: the preview's own answer.
  return { ...(await runCommand(ctx, actor, reviewId, studyId, version, cmd)), analyses: a.analyses, analysesSummary: a.analysesSummary };
}

/** A lead's adjudication of the extractors' drafts, accepted: the API's and the no-JavaScript compare form's. */
export async function adjudicateCandidate(ctx: AppContext, actor: Actor, reviewId: string, studyId: string, b: z.infer<typeof AdjudicateBody>) {
  const review = ctx.review(reviewId);
  const cand = await ctx.candidate(reviewId, studyId);
  const drafts: Record<string, unknown> = Object.create(null);
  for (const [k, d] of Object.entries(cand.drafts ?? {})) drafts[k] = d.form;
  const base = b.base ?? Object.keys(drafts)[0] ?? '';
  const r = adjudicate(drafts, base, b.choices, (p) => fieldLabel(p, review, drafts[base]));
  if (!r.form) throw new CurationError('invalid', 'the adjudication is not complete', r.errors.map((e) => ({ ...e, in: 'body' })));
  return acceptWith(ctx, actor, reviewId, studyId, b.version, r.form, b.confirmImplausible, { base, drafts, choices: b.choices });
}

/** A draft saved: the API's and the no-JavaScript form's (routes/extraction-forms.tsx) one command. */
export async function saveDraft(ctx: AppContext, actor: Actor, reviewId: string, studyId: string, b: z.infer<typeof DraftBody>) {
  const review = ctx.review(reviewId);
  // Drafts live on the candidate item (DynamoDB items are at most 400 KB).
  if (JSON.stringify(b.form).length > MAX_DRAFT_CHARS)
    throw new RequestValidationError([{ path: 'form', message: `a draft may hold at most ${MAX_DRAFT_CHARS} characters of JSON`, in: 'body' }]);
  const res = buildExtraction(b.form, review);
  const out = await runCommand(ctx, actor, reviewId, studyId, b.version, { type: 'save-draft', form: b.form });
  // Labelled as the preview's and accept's errors: the form shows whichever came last.
  return { ...out, validation: { errors: labelled(res.errors, review, b.form), outcomes: res.outcomes } };
}

/** An extraction accepted: the API's and the no-JavaScript form's one command. */
export async function acceptCandidate(ctx: AppContext, actor: Actor, reviewId: string, studyId: string, b: z.infer<typeof AcceptBody>) {
  return acceptWith(ctx, actor, reviewId, studyId, b.version, b.form, b.confirmImplausible);
}

export function extractionRoutes(ctx: AppContext) {
  const app = router();
  const auth = signedIn(ctx);
  app.openapi(commandRoute(ctx, 'draft', DraftBody, 'Extraction draft saved (incomplete is fine; each field present must have its type)', 'save-draft'), async (c) => {
    const { reviewId, studyId } = c.req.valid('param');
    return c.json(await saveDraft(ctx, c.get('actor'), reviewId, studyId, c.req.valid('json') as z.infer<typeof DraftBody>), 200);
  });
  app.openapi(commandRoute(ctx, 'accept', AcceptBody, 'Accepted with the validated extraction', 'accept'), async (c) => {
    const { reviewId, studyId } = c.req.valid('param');
    return c.json(await acceptCandidate(ctx, c.get('actor'), reviewId, studyId, c.req.valid('json') as z.infer<typeof AcceptBody>), 200);
  });
  app.openapi(
    commandRoute(ctx, 'adjudicate', AdjudicateBody, "Accepted with the lead's adjudication of two extractors' drafts (both drafts and every choice kept in the audit)", 'adjudicate'),
    async (c) => {
      const { reviewId, studyId } = c.req.valid('param');
      const b = c.req.valid('json') as z.infer<typeof AdjudicateBody>;
      return c.json(await adjudicateCandidate(ctx, c.get('actor'), reviewId, studyId, b), 200);
    },
  );
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
      const cand = await ctx.candidate(reviewId, studyId);
      const form = c.req.valid('json').form;
      const review = ctx.review(reviewId);
      // The accept path's own assessment (core/curation/assess.ts), with the trial's mappings.
      const needsPeers = buildExtraction(form, review).extraction !== undefined;
      const a = assessExtraction(form, review, { ...(needsPeers ? { others: acceptedEffects(await ctx.store.allCandidates(reviewId), studyId) } : {}), mappings: cand.mappings });
      return c.json(
        {
          valid: a.errors.length === 0,
          errors: labelled(a.errors, review, form),
          outcomes: a.result.outcomes,
          implausible: labelled(a.implausible, review, form),
          analyses: a.analyses,
          analysesSummary: a.analysesSummary,
          robProposal: a.robProposal,
        },
        200,
      );
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
      const review = ctx.review(reviewId);
      const first = Object.values(forms)[0];
      return c.json({ extractors: Object.keys(forms), differences: compareDrafts(forms).map((d) => ({ ...d, label: fieldLabel(d.path, review, first) })) }, 200);
    },
  );
  return app;
}
