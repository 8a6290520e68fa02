/**
 * GRADE certainty, confirmed or overridden by a lead (issue 11):
 *   GET /api/reviews/{reviewId}/grade                 the data's proposal + leads' judgements per pooled outcome
 *   PUT /api/reviews/{reviewId}/grade/{outcomeId}     one domain judgement {domain, action, downgrade?, reason}
 * Lead-only, audited as an event ('grade-judged'). The proposal is the data's, computed exactly as
 * the snapshot computes it (core/analysis/reading → grade, without judgements) from the review's
 * LATEST PUBLISHED VERSION (its pooled results, study weights, RoB and display rules: what the
 * public sees, and no re-pooling per request); only before a first version, or without a snapshot
 * store, is the analysis computed from the candidates. The stored judgement enters the next
 * snapshot through the reanalysis trigger. The curator page is in grade-ui.tsx.
 */
import { createRoute, z, type OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { buildSnapshot, type OutcomeSnapshot } from '../../../core/analysis/snapshot.js';
import { outcomeReading } from '../../../core/analysis/reading.js';
import { certaintyFrom, judgementOf, parseJudgementInput } from '../../../core/analysis/grade.js';
import type { Certainty, GradeDomain, GradeJudgement } from '../../../core/analysis/fields.js';
import { CurationError } from '../../../core/curation/errors.js';
import type { Actor } from '../../../core/curation/workflow.js';
import type { Review } from '../../../core/reviews/schema.js';
import { appendGradeJudgement, getGradeItem, GradeConflictError, loadGradeJudgements } from '../../adapters/grade-store.js';
import type { AppContext, Env } from '../context.js';
import { ReviewIdParam } from '../schemas.js';
import { mountGradeUi } from './grade-ui.js';
import { router } from './shared.js';

export interface OutcomeGrade {
  outcomeId: string;
  label: string;
  k: number;
  /** the data's proposal, before any judgement */
  proposed: GradeDomain[] | null;
  /** with the leads' judgements applied (what the next snapshot publishes) */
  certainty: Certainty | null;
  judgements: GradeJudgement[];
}

function requireLead(actor: Actor): void {
  if (actor.role !== 'lead') throw new CurationError('forbidden', 'only a lead can judge the certainty of evidence');
}

/** The review's outcomes as analysed: its latest published version, else computed from the candidates. */
async function analysedOutcomes(ctx: AppContext, review: Review): Promise<OutcomeSnapshot[]> {
  const published = await ctx.snapshots?.getLatest(review.id);
  if (published) return published.outcomes;
  return buildSnapshot(review, await ctx.store.allCandidates(review.id), ctx.now()).outcomes;
}

/** The data's proposal for one analysed outcome (no judgements), as the snapshot builder makes it. */
function proposalOf(review: Review, o: OutcomeSnapshot): GradeDomain[] | null {
  const def = review.outcomes.find((x) => x.id === o.id);
  if (!def) return null;
  return outcomeReading(review, def, o, o.display).certainty?.domains ?? null;
}

/** The proposal per outcome (from the latest published version) and the stored judgements. */
export async function gradeView(ctx: AppContext, review: Review): Promise<OutcomeGrade[]> {
  const [outcomes, judgements] = await Promise.all([analysedOutcomes(ctx, review), loadGradeJudgements(ctx.store.doc, ctx.store.table, review.id)]);
  return outcomes.map((o) => {
    const js = judgements.get(o.id) ?? [];
    const proposed = proposalOf(review, o);
    return {
      outcomeId: o.id,
      label: o.label,
      k: o.k,
      proposed,
      certainty: proposed ? certaintyFrom(proposed, js) : null,
      judgements: js,
    };
  });
}

/** Validates and stores one judgement; errors name the field (400), a non-lead gets 403. */
export async function judge(ctx: AppContext, actor: Actor, review: Review, outcomeId: string, body: unknown): Promise<OutcomeGrade> {
  requireLead(actor);
  if (!review.outcomes.some((o) => o.id === outcomeId)) throw new CurationError('not-found', `unknown outcome "${outcomeId}" in review "${review.id}"`);
  const { value, errors } = parseJudgementInput(body);
  if (!value) throw new CurationError('invalid', 'invalid judgement', errors.map((e) => ({ ...e, in: 'body' })));
  const view = (await gradeView(ctx, review)).find((g) => g.outcomeId === outcomeId)!;
  if (!view.proposed) throw new CurationError('state', `outcome "${outcomeId}" has no pooled estimate yet: nothing to grade`);
  const previous = await getGradeItem(ctx.store.doc, ctx.store.table, review.id, outcomeId);
  const j = judgementOf(value, view.proposed, actor.id, ctx.now().toISOString());
  try {
    const item = await appendGradeJudgement(ctx.store.doc, ctx.store.table, review.id, outcomeId, previous, j, actor);
    return { ...view, certainty: certaintyFrom(view.proposed, item.judgements), judgements: item.judgements };
  } catch (err) {
    if (err instanceof GradeConflictError) throw new CurationError('state', err.message);
    throw err;
  }
}

const OutcomeParams = ReviewIdParam.extend({
  outcomeId: z
    .string()
    .min(1)
    .max(80)
    .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, { message: 'must be an outcome id' })
    .openapi({ param: { name: 'outcomeId', in: 'path' } }),
});
const JudgementBody = z
  .object({
    domain: z.string().openapi({ example: 'indirectness' }),
    action: z.string().openapi({ example: 'override' }),
    downgrade: z.number().optional().openapi({ example: 1 }),
    reason: z.string().openapi({ example: 'Most trials recruited students, not the clinical population of the question.' }),
  })
  .passthrough();
const json = { content: { 'application/json': { schema: z.object({}).passthrough() } } };
const errors = {
  400: { description: 'Invalid input (field errors)', ...json },
  401: { description: 'Not signed in', ...json },
  403: { description: 'Not a lead', ...json },
  404: { description: 'Unknown review or outcome', ...json },
  409: { description: 'Outcome not pooled, or changed concurrently', ...json },
};

/** Mounts the API routes and the curator page. Call after mountUi (its /curate headers apply). */
export function mountGrade(parent: OpenAPIHono<Env>, ctx: AppContext): void {
  // A sub-app from the shared router: the same request-validation hook (400 naming the field) as the other routes.
  const app = router();
  const lead = async (c: Context<Env>) => {
    const actor = await ctx.authenticate(c);
    requireLead(actor);
    return actor;
  };
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/reviews/{reviewId}/grade',
      security: [{ bearer: [] }],
      request: { params: ReviewIdParam },
      responses: { 200: { description: "GRADE proposal from the data and leads' judgements per outcome", ...json }, ...errors },
    }),
    async (c) => {
      await lead(c);
      const review = ctx.review(c.req.valid('param').reviewId);
      return c.json({ reviewId: review.id, outcomes: await gradeView(ctx, review) } as Record<string, unknown>, 200);
    },
  );
  app.openapi(
    createRoute({
      method: 'put',
      path: '/api/reviews/{reviewId}/grade/{outcomeId}',
      security: [{ bearer: [] }],
      request: { params: OutcomeParams, body: { required: true, content: { 'application/json': { schema: JudgementBody } } } },
      responses: { 200: { description: 'Judgement stored (audited); it enters the next snapshot', ...json }, ...errors },
    }),
    async (c) => {
      const actor = await lead(c);
      const { reviewId, outcomeId } = c.req.valid('param');
      const review = ctx.review(reviewId);
      return c.json((await judge(ctx, actor, review, outcomeId, c.req.valid('json'))) as unknown as Record<string, unknown>, 200);
    },
  );
  mountGradeUi(app, ctx);
  parent.route('/', app);
}
