/**
 * Curator pages for progress and reports (issue 16 §4, §7), complete without JavaScript:
 *   GET  /curate/reviews/:reviewId/reports               kappa per stage (with its count and meaning), per-curator progress
 *   GET  /curate/reviews/:reviewId/prisma                PRISMA 2020 diagram (cumulative | this update), SVG drawn here, data table
 *   GET  /curate/reviews/:reviewId/prisma.svg            the same SVG as a download
 *   GET  /curate/reviews/:reviewId/import                RIS/CSV import form, exports, recent imports
 *   POST /curate/reviews/:reviewId/import                upload → preview (a stored job; nothing imported) → 303 to the job
 *   GET  /curate/reviews/:reviewId/import/:jobId         preview (new / updated / duplicate, sample) or progress
 *   POST /curate/reviews/:reviewId/import/:jobId/start   confirm → the worker imports in the background → 303 to the job
 * and, for the curator home (ui.tsx), the last poll of each source (`PollStatusPanel`).
 * Numbers come from core through report-data.ts and the import worker; this module only renders.
 */
import { Hono, type Context } from 'hono';
import type { FC } from 'hono/jsx';
import { raw } from 'hono/html';
import { CurationError } from '../../../core/curation/errors.js';
import { IMPORT_FORMATS, describeJob, type ImportFormat, type ImportJob } from '../../../core/curation/import-job.js';
import { sourceLabel } from '../../../core/curation/prisma-diagram.js';
import type { PrismaCounts } from '../../../core/curation/prisma.js';
import type { Actor } from '../../../core/curation/workflow.js';
import { POLL_SOURCES } from '../../../core/reviews/cadence.js';
import type { Review } from '../../../core/reviews/schema.js';
import { loadPollStatuses, type SlotStatus } from '../../adapters/poll-status-store.js';
import type { PollStatus } from '../../../core/reviews/poll-status.js';
import { RequestValidationError, type AppContext, type Env } from '../context.js';
import { CSP, Layout } from '../layout.js';
import { ImportJobParams, PrismaQuery } from '../report-schemas.js';
import { ReviewIdParam } from '../schemas.js';
import { getJob, previewImport, startJob } from './imports.js';
import { prismaView, progressView } from './report-data.js';
import { pathParams } from './shared.js';
import { issuesToFields, type SchemaIssue } from '../../../core/curation/errors.js';

const enc = encodeURIComponent;
const reviewPath = (id: string) => `/curate/reviews/${enc(id)}`;

const CSS = `
.scroll { overflow-x:auto; max-width:100%; }
.prisma-figure svg { display:block; min-width:600px; width:100%; height:auto; }
.report-nav a { margin-right:1rem; display:inline-block; }
progress { width:100%; max-width:30rem; height:1.2rem; }
.ok { color: var(--ok); font-weight:600; } .bad { color: var(--bad); font-weight:600; }
.poll-status li { margin:.2rem 0; }
/* Counts never break inside a number ("6" over "9" on a phone). */
table[data-prisma-table] td { white-space:nowrap; text-align:right; }
`;

/** Progress of a running import without reloading (the page works without it: a refresh link). */
const JS = `
(function () {
  'use strict';
  var el = document.querySelector('[data-job-api]');
  if (!el) return;
  var bar = document.querySelector('[data-job-bar]');
  var text = document.querySelector('[data-job-progress]');
  function tick() {
    fetch(el.getAttribute('data-job-api'), { credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(function (r) { return r.json(); })
      .then(function (j) {
        if (!j || !j.job) return;
        if (bar) { bar.setAttribute('max', String(j.job.total || 1)); bar.setAttribute('value', String(j.job.processed)); }
        if (text) text.textContent = j.progress;
        if (j.job.status === 'done' || j.job.status === 'failed') { window.location.reload(); return; }
        setTimeout(tick, 1000);
      })
      .catch(function () { setTimeout(tick, 3000); });
  }
  setTimeout(tick, 500);
})();
`;

const Assets: FC<{ script?: boolean }> = ({ script }) => (
  <>
    <link rel="stylesheet" href="/curate/assets/reports.css" />
    {script ? <script src="/curate/assets/reports.js" defer></script> : null}
  </>
);

const ReportNav: FC<{ review: Review; current: string }> = ({ review, current }) => (
  <nav class="report-nav" aria-label="Reports">
    <a href={reviewPath(review.id)}>Queue</a>
    {(
      [
        ['reports', 'Progress and agreement'],
        ['prisma', 'PRISMA flow diagram'],
        ['import', 'Import and export'],
      ] as const
    ).map(([p, label]) => (
      <a href={`${reviewPath(review.id)}/${p}`} aria-current={p === current ? 'page' : undefined}>
        {label}
      </a>
    ))}
  </nav>
);

// ------------------------------------------------------------------ poll status (curator home)

/** How a source's state shows: a word (tables), a mark for the eye (the summary list), one colour. */
const stateView = (s: PollStatus) =>
  s.state === 'failed' ? { word: 'failed', mark: '✗', cls: 'bad' } : s.state === 'ok' ? { word: 'ok', mark: '✓', cls: 'ok' } : { word: 'not yet', mark: '–', cls: 'muted' };

const StateWord: FC<{ s: PollStatus }> = ({ s }) => <span class={stateView(s).cls}>{stateView(s).word}</span>;

/** The last poll of each source, then each review × source, from the stored poll state. */
export const PollStatusPanel: FC<{ sources: PollStatus[]; slots: SlotStatus[]; reviews: readonly Review[] }> = ({ sources, slots, reviews }) => (
  <section aria-labelledby="poll-status-h" data-poll-status>
    <h2 id="poll-status-h">Searches of the sources</h2>
    <p class="muted">The latest automatic search of each source; when a source failed in any review, that failure is shown first. Failed searches are retried by themselves.</p>
    <ul class="poll-status">
      {sources.map((s) => (
        <li data-source={s.source} data-state={s.state}>
          {/* The sentence says the state ("PubMed: failed 2 min ago — …"); the mark is for the eye only. */}
          <span class={`mark ${stateView(s).cls}`} aria-hidden="true">
            {stateView(s).mark}
          </span>
          {s.sentence}
          {s.at ? <span class="muted"> (at {s.at.slice(0, 16).replace('T', ' ')} UTC)</span> : null}
        </li>
      ))}
    </ul>
    <details>
      <summary>Per review and source</summary>
      <div class="scroll" tabindex={0} role="region" aria-label="Searches per review and source">
        <table class="stack">
          <thead>
            <tr>
              <th scope="col">Review</th>
              <th scope="col">Source</th>
              <th scope="col">State</th>
              <th scope="col">Last search and next</th>
            </tr>
          </thead>
          <tbody>
            {slots.map((s) => (
              <tr>
                <td data-label="Review">{reviews.find((r) => r.id === s.reviewId)?.shortTitle ?? s.reviewId}</td>
                <td data-label="Source">{s.label}</td>
                <td data-label="State">
                  <StateWord s={s} />
                </td>
                <td data-label="Last search and next">{s.sentence}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
    <h2>Reports per review</h2>
    <ul>
      {reviews.map((r) => (
        <li>
          {r.shortTitle}: <a href={`${reviewPath(r.id)}/reports`}>progress and agreement</a> · <a href={`${reviewPath(r.id)}/prisma`}>PRISMA flow diagram</a> ·{' '}
          <a href={`${reviewPath(r.id)}/import`}>import and export</a>
        </li>
      ))}
    </ul>
  </section>
);

/** What the curator home needs from this module (one call, then `<PollStatusPanel {...} />`). */
export async function homeReports(ctx: AppContext) {
  const { sources, slots } = await loadPollStatuses(ctx.store.doc, ctx.store.table, ctx.reviewList, POLL_SOURCES, ctx.now());
  return { sources, slots, reviews: ctx.reviewList };
}

// ------------------------------------------------------------------ PRISMA

const PrismaTable: FC<{ p: PrismaCounts; caption: string }> = ({ p, caption }) => (
  <div class="scroll" tabindex={0} role="region" aria-label={caption}>
    <table data-prisma-table>
      <caption>{caption}</caption>
      <tbody>
        <tr>
          <th scope="row">Records identified</th>
          <td data-count="recordsIdentified">{p.recordsIdentified}</td>
        </tr>
        {Object.entries(p.recordsBySource).map(([s, k]) => (
          <tr>
            <th scope="row">· from {sourceLabel(s)}</th>
            <td>{k}</td>
          </tr>
        ))}
        <tr>
          <th scope="row">Duplicate records removed</th>
          <td data-count="duplicatesRemoved">{p.duplicatesRemoved}</td>
        </tr>
        <tr>
          <th scope="row">Records screened (title/abstract)</th>
          <td data-count="screened">{p.screened}</td>
        </tr>
        <tr>
          <th scope="row">Excluded at title/abstract</th>
          <td data-count="excludedTitleAbstract">{p.excludedTitleAbstract}</td>
        </tr>
        <tr>
          <th scope="row">Awaiting a title/abstract decision (incl. conflicts)</th>
          <td data-count="awaitingTitleAbstract">{p.awaitingTitleAbstract}</td>
        </tr>
        <tr>
          <th scope="row">Reports assessed in full text</th>
          <td data-count="fullTextAssessed">{p.fullTextAssessed}</td>
        </tr>
        <tr>
          <th scope="row">Excluded at full text</th>
          <td data-count="excludedFullText">{p.excludedFullText}</td>
        </tr>
        {p.excludedFullTextByReason
          .filter((r) => r.count > 0)
          .map((r) => (
            <tr>
              <th scope="row">· {r.label}</th>
              <td>{r.count}</td>
            </tr>
          ))}
        <tr>
          <th scope="row">Awaiting a full-text decision (incl. conflicts)</th>
          <td data-count="awaitingFullText">{p.awaitingFullText}</td>
        </tr>
        <tr>
          <th scope="row">Studies included</th>
          <td data-count="included">{p.included}</td>
        </tr>
        <tr>
          <th scope="row">· accepted</th>
          <td data-count="accepted">{p.accepted}</td>
        </tr>
        <tr>
          <th scope="row">· in data extraction</th>
          <td data-count="inExtraction">{p.inExtraction}</td>
        </tr>
        <tr>
          <th scope="row">· withdrawn after acceptance</th>
          <td data-count="withdrawn">{p.withdrawn}</td>
        </tr>
      </tbody>
    </table>
  </div>
);

// ------------------------------------------------------------------ import

const KIND_WORD = { new: 'new record', updated: 'fills empty fields of a record', duplicate: 'duplicate (nothing changes)' } as const;

const ImportForm: FC<{ review: Review; error?: { message: string; fields: { path: string; message: string }[] }; format?: string }> = ({ review, error, format }) => (
  <form method="post" action={`${reviewPath(review.id)}/import`} enctype="multipart/form-data" aria-describedby="import-help">
    <h2>Import records</h2>
    <p id="import-help">
      Choose an RIS file (from a database or reference manager) or a CSV file with a header row (title, abstract, year, firstAuthor, journal, doi, pmid, nct — the export's
      columns). You will see what the import would change before anything is imported.
    </p>
    {error ? (
      <div role="alert" class="err" data-import-error>
        <p>Not imported — {error.message}</p>
        {error.fields.length ? (
          <ul>
            {error.fields.slice(0, 20).map((f) => (
              <li>
                <strong>{f.path}</strong>: {f.message}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    ) : null}
    <p>
      <label for="import-format">Format</label>{' '}
      <select id="import-format" name="format">
        {IMPORT_FORMATS.map((f) => (
          <option value={f} selected={f === (format ?? 'ris')}>
            {f.toUpperCase()}
          </option>
        ))}
      </select>
    </p>
    <p>
      <label for="import-file">File</label> <input id="import-file" type="file" name="file" accept=".ris,.txt,.csv,text/csv,application/x-research-info-systems" />
    </p>
    <p>
      <button type="submit" class="primary">
        Preview the import
      </button>
    </p>
  </form>
);

const JobView: FC<{ review: Review; job: ImportJob }> = ({ review, job }) => {
  const jobPath = `${reviewPath(review.id)}/import/${enc(job.jobId)}`;
  const p = job.preview;
  const running = job.status === 'queued' || job.status === 'running';
  return (
    <>
      <p data-job-status={job.status}>
        <strong>{job.fileName ?? `${job.format.toUpperCase()} file`}</strong> · {job.total} record(s) · status <strong>{job.status}</strong>
      </p>
      {job.status === 'preview' ? (
        <section aria-labelledby="preview-h" data-preview>
          <h2 id="preview-h">What this import would change</h2>
          <ul>
            <li>
              <strong data-preview-count="new">{p.new}</strong> new record(s) go into the screening queue
            </li>
            <li>
              <strong data-preview-count="updated">{p.updated}</strong> record(s) already in the review get empty fields filled in (abstract, journal, year, first author)
            </li>
            <li>
              <strong data-preview-count="duplicate">{p.duplicate}</strong> duplicate(s) of records already in the review (or earlier in the file) change nothing
            </li>
          </ul>
          <p class="muted">Counted against the review as it is now; the import checks again as it runs, so records added meanwhile count as duplicates then.</p>
          <div class="scroll" tabindex={0} role="region" aria-label="Sample of the records">
            <table class="stack">
              <caption>A sample (up to 5 of each kind)</caption>
              <thead>
                <tr>
                  <th scope="col">Line</th>
                  <th scope="col">Title</th>
                  <th scope="col">What happens</th>
                  <th scope="col">Matched by</th>
                </tr>
              </thead>
              <tbody>
                {p.sample.map((s) => (
                  <tr data-kind={s.kind}>
                    <td data-label="Line">{s.line}</td>
                    <td data-label="Title">{s.title}</td>
                    <td data-label="What happens">
                      {KIND_WORD[s.kind]}
                      {s.fields?.length ? `: ${s.fields.join(', ')}` : ''}
                    </td>
                    <td data-label="Matched by">{s.matchedBy ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <form method="post" action={`${jobPath}/start`}>
            <button type="submit" class="primary" data-confirm-import>
              Import {p.new} new and update {p.updated}
            </button>{' '}
            <a href={`${reviewPath(review.id)}/import`}>Cancel (choose another file)</a>
          </form>
        </section>
      ) : (
        <section aria-labelledby="progress-h">
          <h2 id="progress-h">{running ? 'Import in progress' : job.status === 'done' ? 'Import finished' : 'Import stopped'}</h2>
          <p>
            <label for="job-bar">Records processed</label>
            <br />
            <progress id="job-bar" data-job-bar max={String(Math.max(1, job.total))} value={String(job.processed)}>
              {job.processed} of {job.total}
            </progress>
          </p>
          <p role="status" aria-live="polite" data-job-progress {...(running ? { 'data-job-api': `/api/reviews/${enc(review.id)}/imports/${enc(job.jobId)}` } : {})}>
            {describeJob(job)}
          </p>
          {running ? (
            <p>
              The import runs in the background; you can leave this page. <a href={jobPath}>Refresh</a> to see the progress.
            </p>
          ) : null}
          {job.status === 'failed' ? (
            <form method="post" action={`${jobPath}/start`}>
              <button type="submit">Resume the import</button>
            </form>
          ) : null}
          {job.status === 'done' ? (
            <p>
              <a href={`${reviewPath(review.id)}?status=screening`}>Go to the screening queue</a>
            </p>
          ) : null}
        </section>
      )}
    </>
  );
};

const JobList: FC<{ review: Review; jobs: ImportJob[] }> = ({ review, jobs }) =>
  jobs.length ? (
    <section aria-labelledby="jobs-h">
      <h2 id="jobs-h">Recent imports</h2>
      <ul>
        {jobs.map((j) => (
          <li>
            <a href={`${reviewPath(review.id)}/import/${enc(j.jobId)}`}>{j.fileName ?? `${j.format.toUpperCase()} file`}</a> ({j.createdAt.slice(0, 16).replace('T', ' ')}): {describeJob(j)}
          </li>
        ))}
      </ul>
    </section>
  ) : null;

// ------------------------------------------------------------------ routes

function queryOf<T extends typeof PrismaQuery>(schema: T, c: Context) {
  const r = schema.safeParse(c.req.query());
  if (!r.success) throw new RequestValidationError(issuesToFields(r.error.issues as unknown as SchemaIssue[]).map((f) => ({ ...f, in: 'query' })));
  return r.data;
}

export function reportsUiRoutes(ctx: AppContext): Hono<Env> {
  const app = new Hono<Env>();
  app.use('/curate/*', async (c, next) => {
    await next();
    c.header('Content-Security-Policy', CSP);
    c.header('X-Content-Type-Options', 'nosniff');
  });
  app.get('/curate/assets/reports.css', (c) => c.body(CSS, 200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'public, max-age=300' }));
  app.get('/curate/assets/reports.js', (c) => c.body(JS, 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'public, max-age=300' }));

  const reviewOf = (c: Context<Env>) => ctx.review(pathParams(ReviewIdParam, c).reviewId);

  app.get('/curate/reviews/:reviewId/reports', async (c) => {
    const actor = await ctx.authenticate(c);
    const review = reviewOf(c);
    const v = await progressView(ctx, review, actor);
    return c.html(
      <Layout title={`Progress — ${review.shortTitle}`} actor={actor}>
        <Assets />
        <ReportNav review={review} current="reports" />
        <h1>Progress and agreement: {review.shortTitle}</h1>
        <h2>Agreement between screeners</h2>
        {!review.screening.dual ? <p>This review is screened by one person per record, so there is no agreement to measure.</p> : null}
        <div class="scroll" tabindex={0} role="region" aria-label="Screening agreement per stage">
          <table class="stack" data-kappa>
            <thead>
              <tr>
                <th scope="col">Stage</th>
                <th scope="col">Records screened by two</th>
                <th scope="col">Agreement</th>
                <th scope="col">Cohen's kappa</th>
              </tr>
            </thead>
            <tbody>
              {v.kappa.map((k) => (
                <tr data-stage={k.stage}>
                  <th scope="row">{k.label}</th>
                  <td data-label="Records screened by two" data-kappa-n>{k.result.n}</td>
                  <td data-label="Agreement">{k.result.n ? `${Math.round(k.result.observed * 100)} %` : '—'}</td>
                  <td data-label="Cohen's kappa" data-kappa-value>{k.result.kappa === null ? '—' : k.result.kappa.toFixed(2)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {v.kappa.map((k) => (
          <p data-kappa-sentence={k.stage}>{k.sentence}</p>
        ))}
        <h2>Per curator</h2>
        <p>
          Still needing votes: {v.progress.needingVotes['title-abstract']} at title/abstract, {v.progress.needingVotes.fulltext} at full text; open conflicts:{' '}
          {v.progress.openConflicts}. A person's to-do is the records still needing a vote that they have not voted on.
        </p>
        <div class="scroll" tabindex={0} role="region" aria-label="Progress per curator">
          <table class="stack" data-progress>
            <thead>
              <tr>
                <th scope="col">Curator</th>
                <th scope="col">Decisions (title/abstract)</th>
                <th scope="col">Decisions (full text)</th>
                <th scope="col">To do</th>
                <th scope="col">In open conflicts</th>
              </tr>
            </thead>
            <tbody>
              {v.progress.curators.map((p) => (
                <tr data-curator={p.id}>
                  <th scope="row">
                    {p.name ?? p.id}
                    {p.id === actor.id ? ' (you)' : ''}
                  </th>
                  <td data-label="Decisions (title/abstract)">{p.decisions['title-abstract']}</td>
                  <td data-label="Decisions (full text)">{p.decisions.fulltext}</td>
                  <td data-label="To do" data-todo>{p.todo}</td>
                  <td data-label="In open conflicts">{p.conflicts}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Layout>,
    );
  });

  const prismaQueryString = (q: { view: string; since?: string | undefined }) => `?view=${q.view}${q.view === 'update' && q.since ? `&since=${q.since}` : ''}`;

  app.get('/curate/reviews/:reviewId/prisma', async (c) => {
    const actor = await ctx.authenticate(c);
    const review = reviewOf(c);
    const q = queryOf(PrismaQuery, c);
    const v = await prismaView(ctx, review, q);
    const shown = q.view === 'update' ? v.update.update : v.cumulative;
    const svgHref = `${reviewPath(review.id)}/prisma.svg${prismaQueryString({ view: q.view, since: v.since })}`;
    return c.html(
      <Layout title={`PRISMA — ${review.shortTitle}`} actor={actor}>
        <Assets />
        <ReportNav review={review} current="prisma" />
        <h1>PRISMA 2020 flow diagram: {review.shortTitle}</h1>
        <nav aria-label="Diagram">
          <a href="?view=cumulative" aria-current={q.view === 'cumulative' ? 'page' : undefined}>
            All records (cumulative)
          </a>{' '}
          ·{' '}
          <a href={`?view=update&since=${v.since}`} aria-current={q.view === 'update' ? 'page' : undefined}>
            This update
          </a>
        </nav>
        <form method="get" action="">
          <input type="hidden" name="view" value="update" />
          <label for="since">This update: records identified since</label> <input id="since" type="date" name="since" value={v.since} required />{' '}
          <button type="submit">Show this update</button>
        </form>
        <p data-prisma-sentence>
          {q.view === 'update'
            ? `Since ${v.since}, ${v.update.update.recordsIdentified} record(s) were identified (${v.update.update.screened} after removing duplicates) and ${v.update.update.included} new study(ies) included; with the ${v.update.previousIncluded} included before, the review includes ${v.update.totalIncluded}.`
            : `Of ${v.cumulative.recordsIdentified} record(s) identified, ${v.cumulative.screened} distinct studies were screened and ${v.cumulative.included} included (${v.cumulative.accepted} accepted, ${v.cumulative.inExtraction} in data extraction); ${v.cumulative.awaitingTitleAbstract + v.cumulative.awaitingFullText} still await a decision.`}
        </p>
        {v.identities.length ? (
          <p role="alert" class="err">
            The counts do not add up: {v.identities.join('; ')}.
          </p>
        ) : null}
        <figure class="prisma-figure">
          <div class="scroll" tabindex={0} role="region" aria-label="PRISMA flow diagram (scrolls sideways on small screens)">
            {raw(v.svg.replace(/ width="\d+" height="\d+"/, ''))}
          </div>
          <figcaption>
            <a href={svgHref} download={`prisma-${review.id}-${q.view}.svg`} data-download>
              Download the diagram (SVG)
            </a>{' '}
            · The same numbers as a table below.
          </figcaption>
        </figure>
        <PrismaTable p={shown} caption={q.view === 'update' ? `Counts for this update (since ${v.since})` : 'Counts for all records'} />
        {q.view === 'update' ? (
          <p>
            Studies included in the previous version: <strong data-count="previousIncluded">{v.update.previousIncluded}</strong>; total now:{' '}
            <strong data-count="totalIncluded">{v.update.totalIncluded}</strong>.
          </p>
        ) : null}
        <p class="muted">
          Records are counted per source (a trial found in PubMed and ClinicalTrials.gov is two records and one study); "this update" counts the studies first identified on
          or after the date, with their current status.
        </p>
      </Layout>,
    );
  });

  app.get('/curate/reviews/:reviewId/prisma.svg', async (c) => {
    await ctx.authenticate(c);
    const review = reviewOf(c);
    const q = queryOf(PrismaQuery, c);
    const v = await prismaView(ctx, review, q);
    c.header('Content-Disposition', `attachment; filename="prisma-${review.id}-${q.view}.svg"`);
    return c.body(`<?xml version="1.0" encoding="UTF-8"?>\n${v.svg}\n`, 200, { 'Content-Type': 'image/svg+xml; charset=utf-8' });
  });

  const importPage = async (c: Context<Env>, actor: Actor, review: Review, status: 200 | 400 | 409, error?: { message: string; fields: { path: string; message: string }[] }, format?: string) => {
    const jobs = await ctx.jobs.list(review.id, 10);
    const api = `/api/reviews/${enc(review.id)}`;
    return c.html(
      <Layout title={`Import and export — ${review.shortTitle}`} actor={actor}>
        <Assets />
        <ReportNav review={review} current="import" />
        <h1>Import and export: {review.shortTitle}</h1>
        <ImportForm review={review} {...(error ? { error } : {})} {...(format ? { format } : {})} />
        <JobList review={review} jobs={jobs} />
        <section aria-labelledby="export-h">
          <h2 id="export-h">Export</h2>
          <p>Every record of the review with its status, identifiers and screening outcome:</p>
          <ul>
            <li>
              <a href={`${api}/export.csv`} download>
                CSV (spreadsheets; re-imports here)
              </a>
            </li>
            <li>
              <a href={`${api}/export.ris`} download>
                RIS (reference managers)
              </a>
            </li>
            <li>
              Included studies only: <a href={`${api}/export.csv?status=accepted`}>CSV</a> · <a href={`${api}/export.ris?status=accepted`}>RIS</a>
            </li>
          </ul>
        </section>
      </Layout>,
      status,
    );
  };

  app.get('/curate/reviews/:reviewId/import', async (c) => {
    const actor = await ctx.authenticate(c);
    return importPage(c, actor, reviewOf(c), 200);
  });

  app.post('/curate/reviews/:reviewId/import', async (c) => {
    const actor = await ctx.authenticate(c);
    const review = reviewOf(c);
    let form: Record<string, string | File | (string | File)[]>;
    try {
      form = await c.req.parseBody();
    } catch {
      return importPage(c, actor, review, 400, { message: 'the form could not be read', fields: [{ path: 'file', message: 'send the form as multipart/form-data' }] });
    }
    const format = typeof form.format === 'string' ? form.format : '';
    if (!(IMPORT_FORMATS as readonly string[]).includes(format)) return importPage(c, actor, review, 400, { message: 'choose a format', fields: [{ path: 'format', message: `must be one of ${IMPORT_FORMATS.join(', ')}` }] });
    const file = form.file;
    const text = file instanceof File ? await file.text() : typeof form.data === 'string' ? form.data : '';
    if (!text.trim()) return importPage(c, actor, review, 400, { message: 'choose a file', fields: [{ path: 'file', message: 'required: the file is missing or empty' }] }, format);
    if (text.length > 3_000_000) return importPage(c, actor, review, 400, { message: 'the file is too large', fields: [{ path: 'file', message: 'at most 3,000,000 characters' }] }, format);
    try {
      const job = await previewImport(ctx, actor, review.id, { format: format as ImportFormat, data: text, ...(file instanceof File && file.name ? { fileName: file.name } : {}) }, 'file');
      return c.redirect(`${reviewPath(review.id)}/import/${enc(job.jobId)}`, 303);
    } catch (err) {
      if (err instanceof CurationError && err.code === 'invalid') return importPage(c, actor, review, 400, { message: err.message, fields: err.fields }, format);
      throw err;
    }
  });

  app.get('/curate/reviews/:reviewId/import/:jobId', async (c) => {
    const actor = await ctx.authenticate(c);
    const { reviewId, jobId } = pathParams(ImportJobParams, c);
    const review = ctx.review(reviewId);
    const job = await getJob(ctx, review.id, jobId);
    const running = job.status === 'queued' || job.status === 'running';
    return c.html(
      <Layout title={`Import — ${review.shortTitle}`} actor={actor}>
        <Assets script={running} />
        <ReportNav review={review} current="import" />
        <h1>Import: {review.shortTitle}</h1>
        <JobView review={review} job={job} />
        <p>
          <a href={`${reviewPath(review.id)}/import`}>← Import and export</a>
        </p>
      </Layout>,
    );
  });

  app.post('/curate/reviews/:reviewId/import/:jobId/start', async (c) => {
    const actor = await ctx.authenticate(c);
    const { reviewId, jobId } = pathParams(ImportJobParams, c);
    const review = ctx.review(reviewId);
    try {
      await startJob(ctx, review.id, jobId);
    } catch (err) {
      if (err instanceof CurationError && err.code === 'state') return importPage(c, actor, review, 409, { message: err.message, fields: [] });
      throw err;
    }
    return c.redirect(`${reviewPath(review.id)}/import/${enc(jobId)}`, 303);
  });
  return app;
}
