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

const OutcomeSection: FC<{ review: Review; g: OutcomeGrade; error?: { outcomeId: string; message: string } }> = ({ review, g, error }) => (
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
        {error && error.outcomeId === g.outcomeId ? (
          <p class="err" role="alert">
            Not saved — {error.message}
          </p>
        ) : null}
        <table>
          <thead>
            <tr>
              <th scope="col">Domain</th>
              <th scope="col">Proposed from the data</th>
              <th scope="col">Current</th>
              <th scope="col">Your judgement</th>
            </tr>
          </thead>
          <tbody>
            {g.certainty.domains.map((d) => {
              const p = g.proposed!.find((x) => x.domain === d.domain)!;
              const fid = `${g.outcomeId}-${d.domain}`;
              return (
                <tr>
                  <th scope="row">{d.label}</th>
                  <td>
                    <strong>{LEVELS[p.downgrade]}</strong>
                    <br />
                    {p.reason}
                  </td>
                  <td>
                    <strong>{LEVELS[d.downgrade]}</strong>
                    <br />
                    {d.source === 'lead' ? `by ${d.by} on ${d.at?.slice(0, 10)}` : 'proposed from the data'}
                  </td>
                  <td>
                    <form method="post" action={`${gradePagePath(review.id)}/${encodeURIComponent(g.outcomeId)}`}>
                      <input type="hidden" name="domain" value={d.domain} />
                      <label for={`a-${fid}`}>Action</label>{' '}
                      <select id={`a-${fid}`} name="action">
                        <option value="confirm">Confirm the proposal</option>
                        <option value="override">Override</option>
                      </select>{' '}
                      <label for={`d-${fid}`}>Downgrade (override)</label>{' '}
                      <select id={`d-${fid}`} name="downgrade">
                        <option value="">—</option>
                        <option value="0">0: none</option>
                        <option value="1">1: one level</option>
                        <option value="2">2: two levels</option>
                      </select>
                      <br />
                      <label for={`r-${fid}`}>Reason</label> <input id={`r-${fid}`} name="reason" required maxlength={2000} size={40} /> <button type="submit">Save</button>
                    </form>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
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
  const render = async (c: Context<Env>, actor: Actor, review: Review, status: 200 | 400 | 403 | 409, error?: { outcomeId: string; message: string }) => {
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
        {actor.role !== 'lead' ? <p role="alert">Only a lead can confirm or override; you can read the proposal.</p> : null}
        {view.map((g) => (
          <OutcomeSection review={review} g={g} error={error} />
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
        return render(c, actor, review, ({ invalid: 400, forbidden: 403, state: 409 } as const)[err.code as 'invalid' | 'forbidden' | 'state'], { outcomeId, message });
      }
      throw err;
    }
    return c.redirect(`${gradePagePath(review.id)}#outcome-${encodeURIComponent(outcomeId)}`, 303);
  });
}
