/**
 * The curator UI under /curate: server-rendered with hono/jsx (which escapes every text and
 * attribute value), keyboard-first, no build step. Actions go through the JSON API.
 */
import { Hono, type Context } from 'hono';
import type { FC } from 'hono/jsx';
import { CANDIDATE_STATUSES, STATUS_LABELS, statusWord } from '../../core/evidence/candidate.js';
import { shortenText } from '../../core/evidence/text.js';
import type { EventItem } from '../../core/data-model/items.js';
import type { Review } from '../../core/reviews/schema.js';
import type { CuratedCandidate } from '../../core/curation/workflow.js';
import { readDraft } from '../../core/curation/extraction.js';
import { ExtractionFormView, mountExtractionUi } from './routes/extraction-ui.js';
import { blindEvents } from '../../core/curation/blinding.js';
import type { AppContext, Env } from './context.js';
import { initialForm } from './present.js';
import { CSS, JS } from './ui-assets.js';
import { CSP, Layout } from './layout.js';
import { mountHostedUi } from './hosted-ui.js';
import { RetractionNotices } from './retraction-notices.js';
import { retractionAlerts } from '../adapters/retraction-alerts.js';
import { CandidateParams } from './schemas.js';
import { pathParams } from './routes/shared.js';
import { apiPath, Identifiers, pagePath } from './ui-parts.js';
import { Outcome, outcomeText } from './routes/action-forms.js';
import { ScreeningPanel } from './routes/screening-ui.js';
import { homeReports, PollStatusPanel } from './routes/reports-ui.js';

/** Longest candidate title shown as the page heading (the whole title is one click away). */
const CAND_TITLE_MAX = 200;

const History: FC<{ events: EventItem[] }> = ({ events }) => (
  <section aria-labelledby="history">
    <h2 id="history">History</h2>
    <table>
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">What</th>
          <th scope="col">Who</th>
          <th scope="col">Change</th>
          <th scope="col">Reason</th>
        </tr>
      </thead>
      <tbody>
        {events.map((e) => {
          const b = (e.before ?? {}) as Record<string, unknown>;
          const a = (e.after ?? {}) as Record<string, unknown>;
          return (
            <tr>
              <td>{e.at}</td>
              <td>{e.type}</td>
              <td>
                {e.actor}
                {e.role ? ` (${e.role})` : ''}
              </td>
              <td>
                {String(b.status ?? '')} → {String(a.status ?? '')}
                {a.decision ? ` · ${String(a.decision)}` : ''}
                {a.reason ? ` (${String(a.reason)})` : ''}
              </td>
              <td>{e.reason ?? ''}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  </section>
);

/** The curator pages under /curate (mounted by app.ts). */
export function uiRoutes(ctx: AppContext): Hono<Env> {
  const app = new Hono<Env>();
  app.use('/curate/*', async (c, next) => {
    await next();
    c.header('Content-Security-Policy', CSP);
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('X-Frame-Options', 'DENY');
  });
  app.get('/curate/assets/app.css', (c) => c.body(CSS, 200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'public, max-age=300' }));
  app.get('/curate/assets/app.js', (c) => c.body(JS, 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'public, max-age=300' }));

  mountHostedUi(app, ctx);
  mountExtractionUi(app, ctx);

  const page = async (c: Context<Env>) => {
    const actor = await ctx.authenticate(c);
    return actor;
  };

  app.get('/curate', async (c) => {
    const actor = await page(c);
    const counts = await Promise.all([...ctx.reviews.values()].map(async (r) => [r, await ctx.store.countByStatus(r.id, CANDIDATE_STATUSES)] as const));
    const retractions = (await Promise.all([...ctx.reviews.values()].map(async (r) => (await retractionAlerts(ctx.store.doc, ctx.store.table, r.id)).map((alert) => ({ title: r.shortTitle, alert }))))).flat();
    const reports = await homeReports(ctx);
    return c.html(
      <Layout title="Reviews" actor={actor}>
        <h1>Living reviews</h1>
        <table class="counts">
          <caption class="visually-hidden">Records per review and status</caption>
          <thead>
            <tr>
              <th scope="col">Review</th>
              {CANDIDATE_STATUSES.map((s) => (
                <th scope="col">{STATUS_LABELS[s]}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {counts.map(([r, n]) => (
              <tr>
                <th scope="row">
                  <a href={`/curate/reviews/${encodeURIComponent(r.id)}`}>{r.shortTitle}</a>
                </th>
                {CANDIDATE_STATUSES.map((s) => (
                  <td>
                    {/* On a phone the row becomes a card and each count names its status (the header is out of sight). */}
                    <a href={`/curate/reviews/${encodeURIComponent(r.id)}?status=${s}`} aria-label={`${n[s]} ${statusWord(s)} in ${r.shortTitle}`}>
                      <span class="lbl">{STATUS_LABELS[s]} </span>
                      {n[s]}
                    </a>
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        <RetractionNotices alerts={retractions} />
        <PollStatusPanel {...reports} />
      </Layout>,
    );
  });

  // The queue page (/curate/reviews/:reviewId) lives in routes/screening-ui.tsx.

  app.get('/curate/reviews/:reviewId/candidates/:studyId', async (c) => {
    const actor = await page(c);
    const { reviewId, studyId } = pathParams(CandidateParams, c);
    const review = ctx.review(reviewId);
    const cand = await ctx.candidate(review.id, studyId);
    const events = blindEvents(cand, await ctx.store.listEvents(review.id, cand.studyId), actor, review);
    // Whatever is stored renders: a draft saved before drafts were validated shows as a notice.
    const { form, problems: draftProblems } = readDraft(initialForm(cand, actor));
    const api = apiPath(review.id, cand.studyId);
    const lead = actor.role === 'lead';
    const drafts = Object.values(cand.drafts ?? {});
    const heading = shortenText(cand.title, CAND_TITLE_MAX);
    return c.html(
      <Layout title={shortenText(cand.title, 80)} actor={actor}>
        <p>
          <a href={`/curate/reviews/${encodeURIComponent(review.id)}?status=${cand.status}`}>← {review.shortTitle}</a>
        </p>
        {/* Imported records can carry a whole reference as their title: the heading stays readable. */}
        <h1 class="cand-title">{heading}</h1>
        {heading !== cand.title ? (
          <details class="full-title">
            <summary>Full title</summary>
            <p>{cand.title}</p>
          </details>
        ) : null}
        <Outcome text={await outcomeText(ctx, actor, review.id, (k) => c.req.query(k))} />
        <p class="muted">
          {[cand.firstAuthor, cand.journal, cand.year].filter((x) => x !== undefined && x !== '').join(' · ')} · status <strong>{statusWord(cand.status)}</strong> · version <span data-cand-version>{cand.version}</span>
        </p>
        <Identifiers c={cand} />
        {cand.abstract ? <p class="abstract">{cand.abstract}</p> : null}
        {cand.attribution ? <p class="muted">{cand.attribution}</p> : null}
        {cand.exclusion ? (
          <p>
            Excluded at {cand.exclusion.stage}: {review.exclusionReasons.find((r) => r.id === cand.exclusion!.reason)?.label ?? cand.exclusion.reason}
          </p>
        ) : null}
        {cand.withdrawal ? <p>Withdrawn by {cand.withdrawal.by}: {cand.withdrawal.reason}</p> : null}

        <ScreeningPanel review={review} cand={cand} actor={actor} />

        {draftProblems.length ? (
          <p class="err" role="alert">
            Your saved draft could not be read ({draftProblems.slice(0, 3).map((p) => `${p.path}: ${p.message}`).join('; ')}); the form starts empty. The draft is kept in the history.
          </p>
        ) : null}
        {cand.status === 'extraction' || cand.status === 'accepted' || cand.status === 'withdrawn' ? (
          <ExtractionFormView review={review} c={cand} form={form} editable={cand.status === 'extraction'} prefilled={!cand.drafts?.[actor.id] && !cand.extraction && Array.isArray((cand as { proposedExtraction?: unknown }).proposedExtraction) && ((cand as { proposedExtraction?: unknown[] }).proposedExtraction?.length ?? 0) > 0} />
        ) : null}
        {drafts.length >= 2 ? (
          <p>
            <a href={`${pagePath(review.id, cand.studyId)}/compare`}>Compare the {drafts.length} extractors' drafts</a>
          </p>
        ) : null}

        {lead && cand.status === 'accepted' ? (
          <form data-command={`${api}/withdraw`} data-version={String(cand.version)} method="post" action={`${pagePath(review.id, cand.studyId)}/command/withdraw`}>
            <input type="hidden" name="version" value={String(cand.version)} />
            <input type="hidden" name="return" value={pagePath(review.id, cand.studyId)} />
            <h2>Withdraw</h2>
            <label for="withdraw-reason">Reason</label> <input id="withdraw-reason" name="reason" required /> <button type="submit">Withdraw</button>
          </form>
        ) : null}
        {lead && cand.status === 'excluded' ? (
          <form data-command={`${api}/reopen`} data-version={String(cand.version)} method="post" action={`${pagePath(review.id, cand.studyId)}/command/reopen`}>
            <input type="hidden" name="version" value={String(cand.version)} />
            <input type="hidden" name="return" value={pagePath(review.id, cand.studyId)} />
            <h2>Reopen</h2>
            <label for="reopen-reason">Reason</label> <input id="reopen-reason" name="reason" required /> <button type="submit">Reopen</button>
          </form>
        ) : null}
        {lead && cand.status === 'withdrawn' ? (
          <form data-command={`${api}/reinstate`} data-version={String(cand.version)} method="post" action={`${pagePath(review.id, cand.studyId)}/command/reinstate`}>
            <input type="hidden" name="version" value={String(cand.version)} />
            <input type="hidden" name="return" value={pagePath(review.id, cand.studyId)} />
            <h2>Reinstate</h2>
            <label for="reinstate-reason">Reason</label> <input id="reinstate-reason" name="reason" required /> <button type="submit">Reinstate</button>
          </form>
        ) : null}
        <History events={events} />
      </Layout>,
    );
  });

  return app;
}
