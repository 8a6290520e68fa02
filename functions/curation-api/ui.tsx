/**
 * The curator UI under /curate: server-rendered with hono/jsx (which escapes every text and
 * attribute value), keyboard-first, no build step. Actions go through the JSON API.
 */
import { Hono, type Context } from 'hono';
import type { FC } from 'hono/jsx';
import { CANDIDATE_STATUSES, SOURCES, type CandidateStatus } from '../../core/evidence/candidate.js';
import type { EventItem } from '../../core/data-model/items.js';
import type { Review } from '../../core/reviews/schema.js';
import type { CuratedCandidate } from '../../core/curation/workflow.js';
import { readDraft } from '../../core/curation/extraction.js';
import { ExtractionFormView, mountExtractionUi } from './routes/extraction-ui.js';
import { blindCandidate, blindEvents } from '../../core/curation/blinding.js';
import { stageOf } from '../../core/curation/workflow.js';
import type { AppContext, Env } from './context.js';
import { initialForm } from './present.js';
import { CSS, JS } from './ui-assets.js';
import { CSP, Layout } from './layout.js';
import { mountHostedUi } from './hosted-ui.js';
import { RetractionNotices } from './retraction-notices.js';
import { retractionAlerts } from '../adapters/retraction-alerts.js';
import { CandidateParams, ReviewIdParam } from './schemas.js';
import { pathParams } from './routes/shared.js';

function identifierLink(type: string, value: string): string | undefined {
  if (type === 'doi') return `https://doi.org/${encodeURI(value)}`;
  if (type === 'pmid' && /^\d+$/.test(value)) return `https://pubmed.ncbi.nlm.nih.gov/${value}/`;
  if (type === 'nct' && /^NCT\d{8}$/i.test(value)) return `https://clinicaltrials.gov/study/${value.toUpperCase()}`;
  if (type === 'pmcid' && /^PMC\d+$/i.test(value)) return `https://www.ncbi.nlm.nih.gov/pmc/articles/${value.toUpperCase()}/`;
  return undefined;
}

const Identifiers: FC<{ c: CuratedCandidate }> = ({ c }) => (
  <p>
    {c.sources.map((s) => (
      <span class="badge">{s}</span>
    ))}
    {c.identifiers.map((id) => {
      const href = identifierLink(id.type, id.value);
      return (
        <span class="badge">
          {id.type.toUpperCase()}:{' '}
          {href ? (
            <a href={href} rel="noopener noreferrer">
              {id.value}
            </a>
          ) : (
            id.value
          )}
        </span>
      );
    })}
    {c.retracted ? <span class="badge">RETRACTED</span> : null}
    {c.preprint ? <span class="badge" title="The main record is a preprint: not peer-reviewed">PREPRINT</span> : null}
  </p>
);

const ReasonSelect: FC<{ review: Review; id: string; name?: string }> = ({ review, id, name }) => (
  <>
    <label for={id}>Exclusion reason</label>
    <select id={id} data-reason name={name}>
      <option value="">— choose —</option>
      {review.exclusionReasons.map((r, i) => (
        <option value={r.id}>
          {i < 9 ? `${i + 1}. ` : ''}
          {r.label}
        </option>
      ))}
    </select>
  </>
);

const apiPath = (reviewId: string, studyId: string) => `/api/reviews/${encodeURIComponent(reviewId)}/candidates/${encodeURIComponent(studyId)}`;
const pagePath = (reviewId: string, studyId: string) => `/curate/reviews/${encodeURIComponent(reviewId)}/candidates/${encodeURIComponent(studyId)}`;

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
    return c.html(
      <Layout title="Reviews" actor={actor}>
        <h1>Living reviews</h1>
        <table>
          <thead>
            <tr>
              <th scope="col">Review</th>
              {CANDIDATE_STATUSES.map((s) => (
                <th scope="col">{s}</th>
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
                    <a href={`/curate/reviews/${encodeURIComponent(r.id)}?status=${s}`} aria-label={`${n[s]} ${s} in ${r.shortTitle}`}>
                      {n[s]}
                    </a>
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        <RetractionNotices alerts={retractions} />
      </Layout>,
    );
  });

  app.get('/curate/reviews/:reviewId', async (c) => {
    const actor = await page(c);
    const review = ctx.review(pathParams(ReviewIdParam, c).reviewId);
    const status = (CANDIDATE_STATUSES as readonly string[]).includes(c.req.query('status') ?? '') ? (c.req.query('status') as CandidateStatus) : 'screening';
    const source = (SOURCES as readonly string[]).includes(c.req.query('source') ?? '') ? c.req.query('source') : undefined;
    const cursor = c.req.query('cursor') || undefined;
    const pageData = await ctx.queueCache.get(review.id, { reviewId: review.id, status, limit: 25, summary: true, ...(cursor ? { cursor } : {}), ...(source ? { source } : {}) });
    const screenable = status === 'screening' || status === 'fulltext' || (status === 'conflict' && actor.role === 'lead');
    // My to-do: cards I have already voted on leave the screening queue (shown again with ?mine=all).
    const showMine = c.req.query('mine') === 'all';
    const items = pageData.items.map((x) => blindCandidate(x, actor, review));
    const myVote = (x: CuratedCandidate) => {
      const st = stageOf(x);
      return st ? x.screening?.[st]?.decisions.find((d) => d.screener === actor.id) : undefined;
    };
    const shown = status === 'screening' || status === 'fulltext' ? items.filter((x) => showMine || !myVote(x)) : items;
    const hidden = items.length - shown.length;
    const reasonLabel = (id: string | undefined) => (id ? (review.exclusionReasons.find((r) => r.id === id)?.label ?? id) : '');
    const nextHref = pageData.cursor ? `?status=${status}${source ? `&source=${source}` : ''}${showMine ? '&mine=all' : ''}&cursor=${encodeURIComponent(pageData.cursor)}` : undefined;
    return c.html(
      <Layout title={`${review.shortTitle}: ${status}`} actor={actor}>
        <h1>
          {review.shortTitle}: {status}
        </h1>
        <nav aria-label="Statuses">
          {CANDIDATE_STATUSES.map((s) => (
            <>
              <a href={`?status=${s}`} aria-current={s === status ? 'page' : undefined}>
                {s}
              </a>{' '}
            </>
          ))}
        </nav>
        {screenable ? (
          <p class="muted">
            Keys: <kbd>j</kbd>/<kbd>k</kbd> next/previous, <kbd>i</kbd> include, <kbd>1</kbd>–<kbd>9</kbd> exclude with that reason, <kbd>x</kbd> choose a reason, <kbd>n</kbd> note,{' '}
            <kbd>u</kbd> undo my vote, <kbd>o</kbd> open. After the last card, <kbd>j</kbd> opens the next page.
          </p>
        ) : null}
        {hidden ? (
          <p>
            {hidden} record(s) on this page you have already voted on are not shown. <a href={`?status=${status}&mine=all`}>Show them</a>
          </p>
        ) : null}
        <section data-queue aria-label="Queue" data-next={nextHref}>
          {shown.length === 0 ? <p>Nothing left for you in this queue{nextHref ? ' on this page' : ''}.</p> : null}
          {shown.map((cand, i) => {
            const vote = myVote(cand);
            const st = stageOf(cand);
            const conflictVotes = cand.status === 'conflict' ? (cand.screening?.[cand.conflictStage ?? 'title-abstract']?.decisions ?? []) : [];
            return (
              <article
                class="cand"
                tabindex={0}
                aria-labelledby={`t-${i}`}
                data-api={apiPath(review.id, cand.studyId)}
                data-version={String(cand.version)}
                data-status={cand.status}
                data-title={cand.title.slice(0, 120)}
              >
                <h2 id={`t-${i}`}>
                  <a href={pagePath(review.id, cand.studyId)} data-open>
                    {cand.title}
                  </a>
                </h2>
                <p class="muted">
                  {[cand.firstAuthor, cand.journal, cand.year].filter((x) => x !== undefined && x !== '').join(' · ')} · status <span data-cand-status>{cand.status}</span>
                  {st && cand.screening?.[st]?.blinded ? ' · another screener has voted (hidden until you vote)' : ''}
                </p>
                <Identifiers c={cand} />
                <p>
                  Triage score <span class="score">{cand.triage?.score ?? 0}</span>
                  {cand.triage?.reasons?.length ? `: ${cand.triage.reasons.join('; ')}` : ''}
                </p>
                {cand.abstract ? <p class="abstract">{cand.abstract}</p> : null}
                {conflictVotes.length ? (
                  <ul class="votes" aria-label="The two votes">
                    {conflictVotes.map((d) => (
                      <li>
                        <strong>{d.name ?? d.screener}</strong>: {d.decision}
                        {d.reason ? ` — ${reasonLabel(d.reason)}` : ''}
                        {d.note ? ` (“${d.note}”)` : ''}
                      </li>
                    ))}
                  </ul>
                ) : null}
                <p class="vote" data-vote>
                  {vote ? `Your vote: ${vote.decision}${vote.reason ? ` — ${reasonLabel(vote.reason)}` : ''}${vote.note ? ` (“${vote.note}”)` : ''}` : ''}
                </p>
                {screenable ? (
                  <div class="actions">
                    <button type="button" data-decide="include">
                      Include (i)
                    </button>
                    <ReasonSelect review={review} id={`reason-${i}`} />
                    <label for={`note-${i}`}>Note</label>
                    <input id={`note-${i}`} data-note maxlength={2000} />
                    <button type="button" data-decide="exclude">
                      Exclude
                    </button>
                    {cand.status !== 'conflict' ? (
                      <button type="button" data-undo hidden={!vote}>
                        Undo my vote (u)
                      </button>
                    ) : null}
                  </div>
                ) : null}
              </article>
            );
          })}
        </section>
        {nextHref ? (
          <p>
            <a href={nextHref} data-next-page>
              Next page
            </a>
          </p>
        ) : null}
      </Layout>,
    );
  });

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
    return c.html(
      <Layout title={cand.title.slice(0, 80)} actor={actor}>
        <p>
          <a href={`/curate/reviews/${encodeURIComponent(review.id)}?status=${cand.status}`}>← {review.shortTitle}</a>
        </p>
        <h1>{cand.title}</h1>
        <p class="muted">
          {[cand.firstAuthor, cand.journal, cand.year].filter((x) => x !== undefined && x !== '').join(' · ')} · status <strong>{cand.status}</strong> · version <span data-cand-version>{cand.version}</span>
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

        {cand.status === 'screening' || cand.status === 'fulltext' || (cand.status === 'conflict' && lead) ? (
          <section data-queue aria-label="Screening">
            <h2>{cand.status === 'conflict' ? 'Resolve conflict' : 'Screening'}</h2>
            {cand.status === 'conflict'
              ? (cand.screening?.[cand.conflictStage ?? 'title-abstract']?.decisions ?? []).map((d) => (
                  <p>
                    {d.name ?? d.screener}: {d.decision}
                    {d.reason ? ` (${d.reason})` : ''}
                  </p>
                ))
              : null}
            <article class="cand" tabindex={0} aria-label="Decision" data-api={api} data-version={String(cand.version)} data-status={cand.status} data-title={cand.title.slice(0, 120)}>
              <div class="actions">
                <button type="button" data-decide="include">
                  Include (i)
                </button>
                <ReasonSelect review={review} id="reason-detail" />
                <button type="button" data-decide="exclude">
                  Exclude
                </button>
              </div>
            </article>
          </section>
        ) : null}

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
          <form data-command={`${api}/withdraw`} data-version={String(cand.version)}>
            <h2>Withdraw</h2>
            <label for="withdraw-reason">Reason</label> <input id="withdraw-reason" name="reason" required /> <button type="submit">Withdraw</button>
          </form>
        ) : null}
        {lead && cand.status === 'excluded' ? (
          <form data-command={`${api}/reopen`} data-version={String(cand.version)}>
            <h2>Reopen</h2>
            <label for="reopen-reason">Reason</label> <input id="reopen-reason" name="reason" required /> <button type="submit">Reopen</button>
          </form>
        ) : null}
        {lead && cand.status === 'withdrawn' ? (
          <form data-command={`${api}/reinstate`} data-version={String(cand.version)}>
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
