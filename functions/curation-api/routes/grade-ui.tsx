/**
 * The curator page to confirm or override the GRADE proposal, per outcome and domain:
 *   GET  /curate/reviews/:reviewId/grade
 *   POST /curate/reviews/:reviewId/grade/:outcomeId   (a plain HTML form: works without JavaScript;
 *        Post/Redirect/Get back to the page; a bad field re-renders the page with the message, 400)
 * Server-rendered with hono/jsx like ui.tsx; the page frame is layout.tsx's.
 */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { FC } from 'hono/jsx';
import { CurationError } from '../../../core/curation/errors.js';
import type { Actor } from '../../../core/curation/workflow.js';
import type { Review } from '../../../core/reviews/schema.js';
import type { AppContext, Env } from '../context.js';
import { Layout } from '../layout.js';
import { gradeView, judge, type OutcomeGrade } from './grade.js';

const LEVELS = ['no downgrade', 'one level', 'two levels'];
const RATING: Record<string, string> = { high: 'High', moderate: 'Moderate', low: 'Low', 'very-low': 'Very low' };

export const gradePagePath = (reviewId: string) => `/curate/reviews/${encodeURIComponent(reviewId)}/grade`;

/** What a refused post was about, and what the lead had typed (shown again, nothing typed twice). */
interface GradeError {
  outcomeId: string;
  domain: string;
  message: string;
  typed: { action?: string; downgrade?: string; reason?: string };
}

const domainAnchor = (outcomeId: string, domain: string) => `grade-${outcomeId}-${domain}`;

const JudgementForm: FC<{ review: Review; outcomeId: string; domain: string; fid: string; typed?: GradeError['typed'] }> = ({ review, outcomeId, domain, fid, typed }) => (
  <form class="grade-form" method="post" action={`${gradePagePath(review.id)}/${encodeURIComponent(outcomeId)}`}>
    <input type="hidden" name="domain" value={domain} />
    <div class="grade-fields">
      <label for={`a-${fid}`}>
        Action
        <select id={`a-${fid}`} name="action">
          <option value="confirm" selected={typed?.action !== 'override'}>
            Confirm the proposal
          </option>
          <option value="override" selected={typed?.action === 'override'}>
            Override
          </option>
        </select>
      </label>
      <label for={`d-${fid}`}>
        Downgrade (override only)
        <select id={`d-${fid}`} name="downgrade">
          <option value="">—</option>
          {['0: none', '1: one level', '2: two levels'].map((t, i) => (
            <option value={String(i)} selected={typed?.downgrade === String(i)}>
              {t}
            </option>
          ))}
        </select>
      </label>
    </div>
    <label for={`r-${fid}`}>Reason (audited, shown with the rating)</label>
    <textarea id={`r-${fid}`} name="reason" required maxlength={2000} rows={2}>
      {typed?.reason ?? ''}
    </textarea>
    <button type="submit">Save judgement</button>
  </form>
);

const OutcomeSection: FC<{ review: Review; g: OutcomeGrade; lead: boolean; error?: GradeError; saved?: string }> = ({ review, g, lead, error, saved }) => (
  <section id={`outcome-${g.outcomeId}`} aria-labelledby={`h-${g.outcomeId}`}>
    <h2 id={`h-${g.outcomeId}`}>
      {g.label} <span class="muted">({g.k} studies)</span>
    </h2>
    {!g.certainty || !g.proposed ? (
      <p>No pooled estimate yet: nothing to grade.</p>
    ) : (
      <>
        <p>
          Certainty: <strong>{RATING[g.certainty.rating]}</strong> —{' '}
          {g.certainty.status === 'confirmed' ? 'confirmed by a lead' : 'proposed from the data (not yet confirmed for every domain)'}
        </p>
        <div class="grade-domains">
          {g.certainty.domains.map((d) => {
            const p = g.proposed!.find((x) => x.domain === d.domain)!;
            const fid = `${g.outcomeId}-${d.domain}`;
            const mine = error && error.outcomeId === g.outcomeId && error.domain === d.domain ? error : undefined;
            const hid = `hd-${fid}`;
            return (
              <section class="grade-domain" id={domainAnchor(g.outcomeId, d.domain)} aria-labelledby={hid} data-domain={d.domain}>
                <h3 id={hid}>{d.label}</h3>
                {mine ? (
                  <p class="err" role="alert">
                    Not saved — {mine.message}
                  </p>
                ) : null}
                {saved === `${g.outcomeId}.${d.domain}` ? (
                  <p class="saved" role="status">
                    Saved: {d.source === 'lead' ? `${LEVELS[d.downgrade]}, by ${d.by}` : 'judgement recorded'}.
                  </p>
                ) : null}
                <dl class="grade-facts">
                  <dt>Proposed from the data</dt>
                  <dd>
                    <strong>{LEVELS[p.downgrade]}</strong> — {p.reason}
                  </dd>
                  <dt>Current</dt>
                  <dd>
                    <strong>{LEVELS[d.downgrade]}</strong> — {d.source === 'lead' ? `by ${d.by} on ${d.at?.slice(0, 10)}` : 'proposed from the data'}
                  </dd>
                </dl>
                {lead ? <JudgementForm review={review} outcomeId={g.outcomeId} domain={d.domain} fid={fid} typed={mine?.typed} /> : null}
              </section>
            );
          })}
        </div>
        {error && error.outcomeId === g.outcomeId && !g.certainty.domains.some((d) => d.domain === error.domain) ? (
          <p class="err" role="alert">
            Not saved — {error.message}
          </p>
        ) : null}
        {g.judgements.length ? (
          <details>
            <summary>History ({g.judgements.length})</summary>
            <ol>
              {g.judgements.map((j) => (
                <li>
                  {j.at} · {j.by} · {j.domain}: {j.action} ({LEVELS[j.downgrade]}) — {j.reason}
                </li>
              ))}
            </ol>
          </details>
        ) : null}
      </>
    )}
  </section>
);

export function mountGradeUi(app: OpenAPIHono<Env>, ctx: AppContext): void {
  const render = async (c: Context<Env>, actor: Actor, review: Review, status: 200 | 400 | 403 | 409, error?: GradeError) => {
    const view = await gradeView(ctx, review);
    return c.html(
      <Layout title={`Certainty — ${review.shortTitle}`} actor={actor}>
        <p>
          <a href={`/curate/reviews/${encodeURIComponent(review.id)}`}>← {review.shortTitle}</a>
        </p>
        <h1>Certainty of evidence (GRADE): {review.shortTitle}</h1>
        <p>
          Each domain is proposed from the data (rules in the methods). Confirm it or override it with a written reason; every judgement is audited and enters the
          next published snapshot. Until a lead has judged every domain, the dashboard says “proposed from the data”.
        </p>
        {actor.role !== 'lead' ? <p role="note">Only a lead can confirm or override; you can read the proposal.</p> : null}
        {view.map((g) => (
          <OutcomeSection review={review} g={g} lead={actor.role === 'lead'} error={error} saved={error ? undefined : c.req.query('saved')} />
        ))}
      </Layout>,
      status,
    );
  };

  app.get('/curate/reviews/:reviewId/grade', async (c) => {
    const actor = await ctx.authenticate(c);
    return render(c, actor, ctx.review(c.req.param('reviewId')), 200);
  });

  app.post('/curate/reviews/:reviewId/grade/:outcomeId', async (c) => {
    const actor = await ctx.authenticate(c);
    const review = ctx.review(c.req.param('reviewId'));
    const outcomeId = c.req.param('outcomeId');
    const form = await c.req.parseBody();
    const body: Record<string, unknown> = {};
    for (const k of ['domain', 'action', 'downgrade', 'reason']) if (typeof form[k] === 'string') body[k] = form[k];
    try {
      await judge(ctx, actor, review, outcomeId, body);
    } catch (err) {
      if (err instanceof CurationError && err.code !== 'not-found') {
        const message = err.fields.length ? err.fields.map((f) => `${f.path}: ${f.message}`).join('; ') : err.message;
        const typed = { action: body.action as string | undefined, downgrade: body.downgrade as string | undefined, reason: body.reason as string | undefined };
        const domain = typeof body.domain === 'string' ? body.domain : '';
        return render(c, actor, review, ({ invalid: 400, forbidden: 403, state: 409 } as const)[err.code as 'invalid' | 'forbidden' | 'state'], { outcomeId, domain, message, typed });
      }
      throw err;
    }
    const domain = String(body.domain);
    // Back to the domain just judged, which says it was saved (Post/Redirect/Get).
    return c.redirect(`${gradePagePath(review.id)}?saved=${encodeURIComponent(`${outcomeId}.${domain}`)}#${encodeURIComponent(domainAnchor(outcomeId, domain))}`, 303);
  });
}
