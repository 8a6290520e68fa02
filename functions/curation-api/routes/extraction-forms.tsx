/**
 * The extraction form without JavaScript: "Save draft" and "Accept" post the form here
 * (urlencoded; each field's name is its form path, read back by `postedForm` in extraction-ui.tsx),
 * and the same schema and core command as the JSON API run (DraftBody + saveDraft, AcceptBody +
 * acceptCandidate). Saved: 303 back to the candidate page, which names the outcome
 * (Post/Redirect/Get, as routes/action-forms.tsx). Refused: the API's status and message, each
 * field's error next to it in the form shown again with everything as typed; nothing stored changes.
 *   POST /curate/reviews/:reviewId/candidates/:studyId/extraction   action=draft | accept
 * Cross-site posts are refused as for every cookie-signed request (SameSite=Strict + `authenticate`).
 */
import { Hono } from 'hono';
import type { FC } from 'hono/jsx';
import { issuesToFields, type FieldError, type SchemaIssue } from '../../../core/curation/errors.js';
import { fieldLabel } from '../../../core/curation/field-labels.js';
import { jsonProblems } from '../../../core/curation/json-guard.js';
import { assertCommandAllowed, type CuratedCandidate } from '../../../core/curation/workflow.js';
import type { Review } from '../../../core/reviews/schema.js';
import type { z } from '@hono/zod-openapi';
import { RequestValidationError, type AppContext, type Env } from '../context.js';
import { describeError } from '../errors.js';
import { Layout } from '../layout.js';
import { AcceptBody, CandidateParams, DraftBody } from '../schemas.js';
import { pagePath } from '../ui-parts.js';
import { acceptCandidate, saveDraft } from './extraction.js';
import { ExtractionFormView, pageFieldPath, postedForm, type PostedForm } from './extraction-ui.js';
import { pathParams } from './shared.js';

function parse<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const r = schema.safeParse(body);
  if (!r.success) throw new RequestValidationError(issuesToFields(r.error.issues as unknown as SchemaIssue[]).map((f) => ({ ...f, in: 'body' })));
  return r.data;
}

const fieldId = (path: string) => `f-${path.replace(/[^A-Za-z0-9]+/g, '-')}`;

const Refused: FC<{ status: number; error: string; fields: { path: string; label: string; message: string; onPage: boolean }[]; review: Review; cand: CuratedCandidate; posted: PostedForm; errors: Map<string, string>; currentVersion?: number }> = (p) => (
  <Layout title={`Not saved (${p.status})`}>
    <p>
      <a href={pagePath(p.cand.reviewId, p.cand.studyId)}>← {p.cand.title.slice(0, 80)}</a>
    </p>
    <h1>Not saved ({p.status})</h1>
    <p role="alert" data-refused>
      Not saved — {p.error}
      {p.currentVersion !== undefined ? ` (someone saved version ${p.currentVersion}; the form below is what you typed, now based on that version)` : ''}
    </p>
    {p.fields.length ? (
      <ul data-fields>
        {p.fields.map((f) => (
          <li>
            {f.onPage ? <a href={`#${fieldId(f.path)}`}>{f.label}</a> : <strong>{f.label}</strong>}
            {f.label !== f.path ? <span class="muted"> ({f.path})</span> : null}: {f.message}
          </li>
        ))}
      </ul>
    ) : null}
    <p>Nothing was changed. Your values are kept in the form below: correct them and save or accept again.</p>
    <ExtractionFormView review={p.review} c={p.cand} form={p.posted.typed} editable={p.cand.status === 'extraction'} prefilled={false} errors={p.errors} />
  </Layout>
);

const RowAdded: FC<{ review: Review; cand: CuratedCandidate; posted: PostedForm; what: string }> = (p) => (
  <Layout title={p.cand.title.slice(0, 80)}>
    <p>
      <a href={pagePath(p.cand.reviewId, p.cand.studyId)}>← {p.cand.title.slice(0, 80)}</a>
    </p>
    <h1>{p.cand.title}</h1>
    <p class="ok outcome" role="status" data-outcome>
      {p.what} added below. Nothing is saved yet: fill it in, then press “Save draft” or “Accept”.
    </p>
    <ExtractionFormView review={p.review} c={p.cand} form={p.posted.typed} editable={p.cand.status === 'extraction'} prefilled={false} />
  </Layout>
);

/** Field names the form renders (to link an error to its field; any other error is listed at the top only). */
const onPage = (path: string, posted: PostedForm) => {
  if (/^(year|sourceLocation|notes|rob\.(overall|overrideReason|domains\.\w+))$/.test(path)) return true;
  const m = /^(arms|outcomes)\[(\d+)\]\.\w+(\.\w+)?$/.exec(path);
  if (m) return Number(m[2]) < Math.max(posted.typed[m[1] as 'arms' | 'outcomes']?.length ?? 0, 1);
  return /^moderators/.test(path);
};

export function extractionFormRoutes(ctx: AppContext): Hono<Env> {
  const app = new Hono<Env>();
  app.post('/curate/reviews/:reviewId/candidates/:studyId/extraction', async (c) => {
    const actor = await ctx.authenticate(c);
    const { reviewId, studyId } = pathParams(CandidateParams, c);
    const review = ctx.review(reviewId);
    await ctx.candidate(review.id, studyId);
    const raw = (await c.req.parseBody({ all: true })) as Record<string, unknown>;
    const one = (k: string) => (Array.isArray(raw[k]) ? (raw[k] as unknown[])[0] : raw[k]);
    const posted = postedForm(raw, review);
    try {
      const action = one('action');
      if (action === 'add-arm' || action === 'add-outcome') {
        // A row added without JavaScript: the form again with everything as typed and one more row; nothing is saved.
        const cand = await ctx.candidate(review.id, studyId);
        const typed = posted.typed;
        if (action === 'add-arm') {
          const arms = typed.arms?.length ? [...typed.arms] : [{ id: 'arm1', role: 'intervention' as const }, { id: 'arm2', role: 'control' as const }];
          if (arms.length >= 20) throw new RequestValidationError([{ path: 'arms', message: 'a form holds at most 20 arms', in: 'body' }]);
          const ids = new Set(arms.map((a) => a.id));
          let k = arms.length + 1;
          while (ids.has(`arm${k}`)) k++;
          typed.arms = [...arms, { id: `arm${k}` }];
        } else {
          const outcomes = typed.outcomes?.length ? [...typed.outcomes] : [{}];
          if (outcomes.length >= 200) throw new RequestValidationError([{ path: 'outcomes', message: 'a form holds at most 200 outcome rows', in: 'body' }]);
          typed.outcomes = [...outcomes, {}] as typeof typed.outcomes;
        }
        return c.html(<RowAdded review={review} cand={cand} posted={posted} what={action === 'add-arm' ? `Arm ${typed.arms!.length}` : `Outcome row ${typed.outcomes!.length}`} />);
      }
      if (action !== 'draft' && action !== 'accept') throw new RequestValidationError([{ path: 'action', message: 'press "Save draft", "Accept", "Add arm" or "Add outcome row"', in: 'body' }]);
      // As the API: the status first, then numbers DynamoDB cannot store, then the schema.
      assertCommandAllowed(await ctx.candidate(review.id, studyId), action === 'accept' ? 'accept' : 'save-draft');
      if (posted.unknown.length) throw new RequestValidationError(posted.unknown);
      const problems = jsonProblems({ form: posted.form });
      if (problems.length) throw new RequestValidationError(problems.map((p) => ({ ...p, in: 'body' })));
      const v = one('version');
      const version = typeof v === 'string' && /^\d{1,15}$/.test(v) ? Number(v) : v;
      if (action === 'draft') await saveDraft(ctx, actor, review.id, studyId, parse(DraftBody, { version, form: posted.form }));
      else await acceptCandidate(ctx, actor, review.id, studyId, parse(AcceptBody, { version, form: posted.form }));
      return c.redirect(`${pagePath(review.id, studyId)}?done=${action}&on=${encodeURIComponent(studyId)}`, 303);
    } catch (err) {
      const known = err instanceof Error ? describeError(err) : undefined;
      if (!known) throw err;
      const cand = await ctx.candidate(review.id, studyId);
      const errors = new Map<string, string>();
      const fields = (known.fields ?? []).map((f: FieldError) => {
        const path = pageFieldPath(f.path, posted.keep);
        const shown = onPage(path, posted);
        if (shown && !errors.has(path)) errors.set(path, f.message);
        return { path, label: fieldLabel(path, review, posted.typed), message: f.message, onPage: shown };
      });
      return c.html(
        <Refused status={known.status} error={known.error} fields={fields} review={review} cand={cand} posted={posted} errors={errors} {...(known.currentVersion !== undefined ? { currentVersion: known.currentVersion } : {})} />,
        known.status as 400,
      );
    }
  });
  return app;
}
