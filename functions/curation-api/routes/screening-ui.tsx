/**
 * The screening pages of the curator UI: the queue (cards decided by keyboard, keyword
 * highlighting, maybe, labels, notes, batch exclusion of a selection, near-duplicate groups,
 * search and filters) and the screening panel of a candidate's page. Thin: what to show comes
 * from core/curation (queue-view, keywords, labels, blinding, workflow); decisions go through the
 * JSON API from the page's script (screening-assets.ts).
 */
import { Hono, type Context } from 'hono';
import type { FC } from 'hono/jsx';
import { CANDIDATE_STATUSES, SOURCES, STATUS_LABELS, statusWord } from '../../../core/evidence/candidate.js';
import type { Review } from '../../../core/reviews/schema.js';
import { blindCandidate } from '../../../core/curation/blinding.js';
import { compileTerms, highlight, termsHit, type CompiledTerms, type Segment } from '../../../core/curation/keywords.js';
import { labelsOf } from '../../../core/curation/labels.js';
import { issuesToFields, type SchemaIssue } from '../../../core/curation/errors.js';
import { myMaybe, myVote, QUEUE_VIEWS, type CardGroup, type QueueView } from '../../../core/curation/queue-view.js';
import { mayResolveOwnVote, resolveRule, stageOf, type Actor, type CuratedCandidate } from '../../../core/curation/workflow.js';
import { MAX_BATCH } from '../../../core/curation/batch.js';
import { RequestValidationError, type AppContext, type Env } from '../context.js';
import { Layout } from '../layout.js';
import { QueueSearchQuerySchema, ReviewIdParam } from '../schemas.js';
import { apiPath, Identifiers, pagePath, ReasonSelect } from '../ui-parts.js';
import { SCREENING_CSS, SCREENING_JS } from './screening-assets.js';
import { pathParams } from './shared.js';
import { searchWholeQueue, type QueueSearchQuery } from './screening.js';
import { itemValue, Outcome, outcomeText, stripOutcome } from './action-forms.js';

/** Title or abstract with the review's terms in <mark> (include and exclude styled apart; the legend and each card's term list say it in words). */
const Marked: FC<{ segments: Segment[] }> = ({ segments }) => (
  <>
    {segments.map((s) =>
      s.kind ? (
        <mark class={`kw kw-${s.kind}`} data-term={s.term}>
          {s.text}
        </mark>
      ) : (
        s.text
      ),
    )}
  </>
);

const reasonLabel = (review: Review, id: string | undefined) => (id ? (review.exclusionReasons.find((r) => r.id === id)?.label ?? id) : '');

/** "Your vote: Excluded — Not an RCT (“note”) · labels" / "You marked it maybe" (server side; the script writes the same after a decision). */
function myVoteText(review: Review, c: CuratedCandidate, actorId: string): string {
  const v = myVote(c, actorId);
  if (v) return `Your vote: ${v.decision === 'include' ? 'Included' : 'Excluded'}${v.reason ? ` — ${reasonLabel(review, v.reason)}` : ''}${v.note ? ` (“${v.note}”)` : ''}`;
  const m = myMaybe(c, actorId);
  if (m) return `You marked it maybe${m.note ? ` (“${m.note}”)` : ''}: it stays in your to-do`;
  return '';
}

/**
 * The decision controls of a card (queue and candidate page alike): a plain form that posts
 * without JavaScript (routes/action-forms.tsx, back to this page); with JavaScript the page's
 * script sends the same decision to the JSON API instead. A disabled first submit button keeps
 * Enter in the note or labels field from submitting a decision by itself.
 */
const Actions: FC<{ review: Review; idx: string; c: CuratedCandidate; members: readonly CuratedCandidate[]; conflict: boolean; hasVote: boolean; back: string }> = ({ review, idx, members, conflict, hasVote, back }) => {
  const base = `/curate/reviews/${encodeURIComponent(review.id)}`;
  return (
    <form class="actions" method="post" action={`${base}/${conflict ? 'resolve' : 'screen'}`} data-actions>
      <button type="submit" disabled hidden>
        (no default action)
      </button>
      <input type="hidden" name="item" value={itemValue(members)} />
      <input type="hidden" name="return" value={back} />
      <button type="submit" name="decision" value="include" data-decide="include">
        Include (i)
      </button>
      {conflict ? null : (
        <button type="submit" name="decision" value="maybe" data-decide="maybe">
          Maybe (m)
        </button>
      )}
      <ReasonSelect review={review} id={`reason-${idx}`} name="reason" />
      <button type="submit" name="decision" value="exclude" data-decide="exclude">
        Exclude
      </button>
      <label for={`note-${idx}`}>Note</label>
      <input id={`note-${idx}`} name="note" data-note maxlength={2000} />
      {conflict ? null : (
        <>
          <label for={`labels-${idx}`}>Labels</label>
          <input id={`labels-${idx}`} name="labels" data-labels list="labels-in-use" maxlength={440} placeholder="comma-separated" />
        </>
      )}
      {conflict ? null : (
        <button type="submit" formaction={`${base}/undo`} data-undo hidden={!hasVote}>
          Undo my decision (u)
        </button>
      )}
    </form>
  );
};

const Card: FC<{ review: Review; actor: Actor; g: CardGroup; i: number; terms: CompiledTerms; screenable: boolean; back: string }> = ({ review, actor, g, i, terms, screenable, back }) => {
  const c = g.members[0];
  const titleSegs = highlight(c.title, terms);
  const abstractSegs = highlight(c.abstract ?? '', terms);
  const hit = termsHit(titleSegs, abstractSegs);
  const st = stageOf(c);
  const conflict = c.status === 'conflict';
  const conflictVotes = conflict ? (c.screening?.[c.conflictStage ?? 'title-abstract']?.decisions ?? []) : [];
  const rule = conflict ? resolveRule(review, c, actor) : { may: true };
  const vote = g.members.some((m) => myVote(m, actor.id) || myMaybe(m, actor.id));
  const labels = [...new Set(g.members.flatMap((m) => labelsOf(m)))];
  const members = g.members.length > 1 ? JSON.stringify(g.members.map((m) => ({ studyId: m.studyId, version: m.version, api: apiPath(review.id, m.studyId) }))) : undefined;
  return (
    <article
      class="cand"
      tabindex={0}
      aria-labelledby={`t-${i}`}
      data-api={apiPath(review.id, c.studyId)}
      data-study={c.studyId}
      data-version={String(c.version)}
      data-status={c.status}
      data-title={c.title.slice(0, 120)}
      data-members={members}
      data-maybe={myMaybe(c, actor.id) ? 'true' : undefined}
    >
      <div class="card-head">
        {screenable && !conflict ? <input type="checkbox" data-select id={`sel-${i}`} form="batch-form" name="item" value={itemValue(g.members)} aria-label={`Select for batch exclusion: ${c.title.slice(0, 100)}`} /> : null}
        <h2 id={`t-${i}`}>
          <a href={pagePath(review.id, c.studyId)} data-open>
            <Marked segments={titleSegs} />
          </a>
        </h2>
      </div>
      <p class="muted">
        {[c.firstAuthor, c.journal, c.year].filter((x) => x !== undefined && x !== '').join(' · ')} · status <span data-cand-status>{statusWord(c.status)}</span>
        {st && c.screening?.[st]?.blinded ? ' · another screener has voted (hidden until you vote)' : ''}
      </p>
      <Identifiers c={c} />
      {g.members.length > 1 ? (
        <div class="dups">
          <p>
            <strong>{g.members.length} near-duplicate records</strong> (same title and year, different identifiers): your decision here applies to each of them. If one is a different study, decide it on its own page.
          </p>
          <ul>
            {g.members.map((m) => (
              <li>
                <a href={pagePath(review.id, m.studyId)}>{m.studyId}</a>: {m.sources.join(', ')}
                {m.identifiers.length ? ` · ${m.identifiers.map((x) => `${x.type.toUpperCase()} ${x.value}`).join(', ')}` : ''}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <p>
        Triage score <span class="score">{c.triage?.score ?? 0}</span>
        {c.triage?.reasons?.length ? `: ${c.triage.reasons.join('; ')}` : ''}
      </p>
      {abstractSegs.length ? (
        <p class="abstract">
          <Marked segments={abstractSegs} />
        </p>
      ) : null}
      {hit.include.length || hit.exclude.length ? (
        <p class="terms">
          {hit.include.length ? <span>Inclusion terms: {hit.include.join(', ')}. </span> : null}
          {hit.exclude.length ? <span>Exclusion terms: {hit.exclude.join(', ')}.</span> : null}
        </p>
      ) : null}
      {conflictVotes.length ? (
        <ul class="votes" aria-label="The two votes">
          {conflictVotes.map((d) => (
            <li>
              <strong>{d.name ?? d.screener}</strong>
              {d.screener === actor.id ? ' (you)' : ''}: {d.decision}
              {d.reason ? ` — ${reasonLabel(review, d.reason)}` : ''}
              {d.note ? ` (“${d.note}”)` : ''}
            </li>
          ))}
        </ul>
      ) : null}
      <p class="labels" data-label-list>
        {labels.length ? 'Labels: ' : ''}
        {labels.map((l) => (
          <span class="label">{l}</span>
        ))}
      </p>
      <p class="vote" data-vote>
        {myVoteText(review, c, actor.id)}
      </p>
      {screenable && conflict && !rule.may ? <p class="muted">{rule.why}</p> : null}
      {screenable && rule.may ? <Actions review={review} idx={String(i)} c={c} members={g.members} conflict={conflict} hasVote={vote} back={back} /> : null}
    </article>
  );
};

const KEYS = (
  <p class="muted keys">
    Keys: <kbd>j</kbd>/<kbd>k</kbd> next/previous, <kbd>i</kbd> include, <kbd>m</kbd> maybe, <kbd>1</kbd>–<kbd>9</kbd> exclude with that reason, <kbd>e</kbd> choose a reason, <kbd>n</kbd> note, <kbd>l</kbd> labels,{' '}
    <kbd>x</kbd> select for batch exclusion, <kbd>b</kbd> exclude the selection, <kbd>u</kbd> undo my decision, <kbd>o</kbd> open. After the last card, <kbd>j</kbd> opens the next page.
  </p>
);

const Legend: FC<{ review: Review }> = ({ review }) =>
  review.screening.keywords ? (
    <p class="muted legend">
      Highlighted: <mark class="kw kw-include">inclusion terms</mark> and <mark class="kw kw-exclude">exclusion terms</mark> of this review (each card lists the terms it contains).
    </p>
  ) : null;

const VIEW_LABELS: Record<QueueView | 'conflicts', string> = {
  todo: 'My to-do (with maybes)',
  undecided: 'Undecided by me (no maybe)',
  maybe: 'My maybes',
  voted: 'My votes',
  included: 'Included by me',
  excluded: 'Excluded by me',
  all: 'All records',
  conflicts: 'Conflicts',
};

/** Cards per page of the queue page. */
const PAGE_CARDS = 25;

/** The screening panel of a candidate's own page (the same card controls and script as the queue). */
export const ScreeningPanel: FC<{ review: Review; cand: CuratedCandidate; actor: Actor; outcome?: string }> = ({ review, cand, actor, outcome }) => {
  const c = blindCandidate(cand, actor, review);
  const conflict = c.status === 'conflict';
  if (!(c.status === 'screening' || c.status === 'fulltext' || conflict)) return null;
  const terms = compileTerms(review.screening.keywords);
  return (
    <section data-queue aria-label="Screening">
      <h2>{conflict ? 'Resolve conflict' : 'Screening'}</h2>
      <Legend review={review} />
      <Card review={review} actor={actor} g={{ members: [c] }} i={0} terms={terms} screenable={true} back={pagePath(review.id, c.studyId)} />
    </section>
  );
};

/**
 * The queue page's query parameters, checked against the API's own schema (400 naming the
 * parameter). Page-only forms kept working: `view=conflicts` (the conflict queue) and `mine=all`.
 */
function queueQuery(c: Context): QueueSearchQuery {
  const raw: Record<string, string> = {};
  for (const k of ['status', 'q', 'label', 'source', 'year', 'view', 'after'] as const) {
    const v = c.req.query(k);
    if (v !== undefined && v.trim() !== '') raw[k] = v.trim();
  }
  if (raw.view === 'conflicts') {
    raw.status = 'conflict';
    raw.view = 'all';
  } else if (!raw.view && c.req.query('mine') === 'all') raw.view = 'all';
  const r = QueueSearchQuerySchema.safeParse(raw);
  if (!r.success) throw new RequestValidationError(issuesToFields(r.error.issues as unknown as SchemaIssue[]).map((f) => ({ ...f, in: 'query' })));
  return r.data;
}

/** The queue page and the screening script/stylesheet (mounted by app.ts). */
export function screeningUiRoutes(ctx: AppContext): Hono<Env> {
  const app = new Hono<Env>();
  app.get('/curate/assets/screening.css', (c) => c.body(SCREENING_CSS, 200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'public, max-age=300' }));
  app.get('/curate/assets/screening.js', (c) => c.body(SCREENING_JS, 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'public, max-age=300' }));

  app.get('/curate/reviews/:reviewId', async (c) => {
    const actor = await ctx.authenticate(c);
    const review = ctx.review(pathParams(ReviewIdParam, c).reviewId);
    const query = queueQuery(c);
    const url = new URL(c.req.url);
    const back = stripOutcome(`${url.pathname}${url.search}`);
    const outcome = await outcomeText(ctx, actor, review.id, (k) => c.req.query(k));
    // Search, filters and near-duplicate groups work on the WHOLE queue of the status (routes/screening.ts).
    const r = await searchWholeQueue(ctx, actor, review, { ...query, limit: PAGE_CARDS });
    const status = r.status;
    const view: QueueView = query.view ?? 'todo';
    const viewParam: QueueView | 'conflicts' = status === 'conflict' && view === 'all' ? 'conflicts' : view;
    const { q = '', label = '', source, year } = query;
    const screening = status === 'screening' || status === 'fulltext';
    // A conflict is resolved by someone who did not vote on it, curator or lead (each card says whether you may: resolveRule).
    const screenable = screening || status === 'conflict';
    const terms = compileTerms(review.screening.keywords);
    const params = (over: Record<string, string | undefined>) => {
      const u = new URLSearchParams();
      const all: Record<string, string | undefined> = {
        ...(viewParam === 'conflicts' ? { view: 'conflicts' } : { status, ...(view !== 'todo' ? { view } : {}) }),
        ...(q ? { q } : {}),
        ...(label ? { label } : {}),
        ...(source ? { source } : {}),
        ...(year !== undefined ? { year: String(year) } : {}),
        ...over,
      };
      for (const [k, v] of Object.entries(all)) if (v) u.set(k, v);
      return `?${u.toString()}`;
    };
    const nextHref = r.next ? params({ after: r.next }) : undefined;
    const firstHref = r.position > 0 ? params({}) : undefined;
    const filtered = Boolean(q || label || source || year !== undefined || view !== 'todo');
    const hiddenVoted = screening && view === 'todo' ? r.voted : 0;
    const from = r.cards.length ? r.position + 1 : 0;
    const to = r.position + r.cards.length;
    const what = [q ? `“${q}”` : '', label ? `label “${label}”` : '', source ? `source ${source}` : '', year !== undefined ? `year ${year}` : '', VIEW_LABELS[viewParam].toLowerCase()].filter(Boolean).join(', ');
    const Pager: FC<{ where: string }> = ({ where }) =>
      nextHref || firstHref ? (
        <nav aria-label={`Pages (${where})`} class="pager">
          {firstHref ? <a href={firstHref}>First page</a> : null} {nextHref ? <a href={nextHref} {...(where === 'top' ? { 'data-next-page': '' } : {})}>Next page</a> : null}
        </nav>
      ) : null;
    return c.html(
      <Layout title={`${review.shortTitle}: ${statusWord(status)}`} actor={actor}>
        <h1>
          {review.shortTitle}: {statusWord(status)}
        </h1>
        <Outcome text={outcome} />
        {actor.role === 'lead' ? (
          <p>
            <a href={`/curate/reviews/${encodeURIComponent(review.id)}/mappings`}>Map values typed as “other”</a> (time points and instruments outside this review’s lists)
          </p>
        ) : null}
        <nav aria-label="Statuses">
          {CANDIDATE_STATUSES.map((s) => (
            <>
              <a href={`?status=${s}`} aria-current={s === status ? 'page' : undefined}>
                {STATUS_LABELS[s]}
              </a>{' '}
            </>
          ))}
        </nav>
        <form method="get" class="filters" role="search" aria-label="Search and filter the whole queue">
          {viewParam === 'conflicts' ? null : <input type="hidden" name="status" value={status} />}
          <label for="f-q">Search</label>
          <input id="f-q" type="search" name="q" value={q} maxlength={200} />
          <label for="f-source">Source</label>
          <select id="f-source" name="source">
            <option value="">any</option>
            {SOURCES.map((s) => (
              <option value={s} selected={s === source}>
                {s}
              </option>
            ))}
          </select>
          <label for="f-year">Year</label>
          <input id="f-year" type="number" name="year" min={1900} max={2100} step={1} inputmode="numeric" value={year !== undefined ? String(year) : ''} class="year" />
          <label for="f-label">Label</label>
          <select id="f-label" name="label">
            <option value="">any</option>
            {[...new Set([...r.labels, ...(label ? [label] : [])])].map((l) => (
              <option value={l} selected={l.toLowerCase() === label.toLowerCase()}>
                {l}
              </option>
            ))}
          </select>
          <label for="f-view">Show</label>
          <select id="f-view" name="view">
            {([...QUEUE_VIEWS, 'conflicts'] as const).map((v) => (
              <option value={v} selected={viewParam === v}>
                {VIEW_LABELS[v]}
              </option>
            ))}
          </select>
          <button type="submit">Search</button>
          {filtered ? <a href={`?status=${status}`}>Clear</a> : null}
        </form>
        <p data-result-count>
          {r.matchedCards} card(s) ({r.matchedRecords} record(s)) of the {r.records} record(s) in this queue match: {what}.{' '}
          {r.cards.length ? `Showing ${from}–${to}.` : ''}
          {r.truncated ? ` Only the first ${r.records} records (best triage score first) were searched.` : ''}
        </p>
        <Pager where="top" />
        {screenable ? KEYS : null}
        <Legend review={review} />
        {status === 'conflict' ? (
          <p class="muted">
            Who resolves: anyone who did not vote on the record, curator or lead
            {mayResolveOwnVote(review) ? '; a lead who voted may too (this review allows it).' : ' (this review’s setting: a screener who voted, lead or not, does not resolve their own conflict).'}
          </p>
        ) : null}
        {hiddenVoted ? (
          <p>
            {hiddenVoted} record(s) in this queue you have already voted on are not shown. <a href={params({ view: 'voted' })}>Show my votes</a>
          </p>
        ) : null}
        <datalist id="labels-in-use">
          {r.labels.map((l) => (
            <option value={l}></option>
          ))}
        </datalist>
        <section data-queue aria-label="Queue" data-next={nextHref} data-batch={`/api/reviews/${encodeURIComponent(review.id)}/screen-batch`}>
          {r.cards.length === 0 ? <p>{filtered ? 'No record in this queue matches.' : 'Nothing left for you in this queue.'}</p> : null}
          {r.cards.map((g, i) => (
            <Card review={review} actor={actor} g={g} i={i} terms={terms} screenable={screenable} back={back} />
          ))}
        </section>
        {screening ? (
          <form class="batchbar" id="batch-form" method="post" action={`/curate/reviews/${encodeURIComponent(review.id)}/screen`} aria-label="Batch exclusion" data-batchbar>
            <button type="submit" disabled hidden>
              (no default action)
            </button>
            <input type="hidden" name="decision" value="exclude" />
            <input type="hidden" name="return" value={back} />
            <span data-selcount>0 selected</span> (<kbd>x</kbd> or the box on a card; at most {MAX_BATCH})
            <ReasonSelect review={review} id="batch-reason" name="reason" />
            <label for="batch-note">Note</label>
            <input id="batch-note" name="note" data-batch-note maxlength={2000} />
            <button type="submit" data-batch-exclude>
              Exclude selected
            </button>
            <button type="button" data-batch-clear>
              Clear selection
            </button>
            <span class="vote" data-batch-msg></span>
          </form>
        ) : null}
        <Pager where="bottom" />
      </Layout>,
    );
  });
  return app;
}
