/**
 * The curator UI under /curate: server-rendered with hono/jsx (which escapes every text and
 * attribute value), keyboard-first, no build step. Actions go through the JSON API.
 */
import { Hono, type Context } from 'hono';
import type { FC } from 'hono/jsx';
import { CANDIDATE_STATUSES } from '../../core/evidence/candidate.js';
import type { EventItem } from '../../core/data-model/items.js';
import type { Review } from '../../core/reviews/schema.js';
import type { CuratedCandidate } from '../../core/curation/workflow.js';
import { compareDrafts, OUTCOME_FORMATS, readDraft, ROB2_DOMAINS, type DraftForm, type ExtractionForm, type FormOutcome } from '../../core/curation/extraction.js';
import { blindEvents } from '../../core/curation/blinding.js';
import { ROB_JUDGEMENTS } from '../../core/evidence/candidate.js';
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
import { ScreeningPanel } from './routes/screening-ui.js';

function numberField(path: string, label: string, value: unknown, idPrefix: string) {
  const id = `${idPrefix}-${path.replace(/[^A-Za-z0-9]+/g, '-')}`;
  return (
    <label for={id}>
      {label}
      <input id={id} type="text" inputmode="decimal" data-path={path} data-kind="number" value={value === undefined || value === null ? '' : String(value)} />
      <span class="err" data-for={path}></span>
    </label>
  );
}
function textField(path: string, label: string, value: unknown, idPrefix: string, extra: Record<string, string> = {}) {
  const id = `${idPrefix}-${path.replace(/[^A-Za-z0-9]+/g, '-')}`;
  return (
    <label for={id}>
      {label}
      <input id={id} type="text" data-path={path} value={typeof value === 'string' ? value : ''} {...extra} />
      <span class="err" data-for={path}></span>
    </label>
  );
}
function selectField(path: string, label: string, value: unknown, options: { value: string; label: string }[], idPrefix: string, empty = true) {
  const id = `${idPrefix}-${path.replace(/[^A-Za-z0-9]+/g, '-')}`;
  return (
    <label for={id}>
      {label}
      <select id={id} data-path={path}>
        {empty ? <option value="">—</option> : null}
        {options.map((o) => (
          <option value={o.value} selected={o.value === value}>
            {o.label}
          </option>
        ))}
      </select>
      <span class="err" data-for={path}></span>
    </label>
  );
}

function ArmRow(i: number | '__i__', arm: Partial<ExtractionForm['arms'][number]> = {}) {
  const p = `arms[${i}]`;
  return (
    <fieldset data-row>
      <legend>Arm {typeof i === 'number' ? i + 1 : 'new'}</legend>
      <div class="grid">
        {textField(`${p}.id`, 'Arm id', arm.id, 'f')}
        {textField(`${p}.label`, 'Label', arm.label, 'f')}
        {selectField(`${p}.role`, 'Role', arm.role, [
          { value: 'intervention', label: 'Intervention' },
          { value: 'control', label: 'Control' },
        ], 'f')}
        {numberField(`${p}.nRandomised`, 'n randomised', arm.nRandomised, 'f')}
        {numberField(`${p}.nAnalysed`, 'n analysed', arm.nAnalysed, 'f')}
        {numberField(`${p}.dropouts`, 'Dropouts (attrition)', arm.dropouts, 'f')}
      </div>
    </fieldset>
  );
}

const STAT_FIELDS: { key: string; label: string }[] = [
  { key: 'n', label: 'n' },
  { key: 'mean', label: 'Mean' },
  { key: 'sd', label: 'SD' },
  { key: 'se', label: 'SE' },
  { key: 'ciLower', label: 'CI lower' },
  { key: 'ciUpper', label: 'CI upper' },
  { key: 'median', label: 'Median' },
  { key: 'q1', label: 'Q1' },
  { key: 'q3', label: 'Q3' },
];
const FORMAT_LABELS: Record<string, string> = {
  'mean-sd': 'Mean and SD',
  'mean-se': 'Mean and SE',
  'mean-ci': 'Mean and 95% CI',
  'median-iqr': 'Median and IQR',
  'change-sd': 'Change score mean and SD',
  effect: 'Effect size (SMD, variance or SE)',
};

function OutcomeRow(review: Review, i: number | '__i__', o: Partial<FormOutcome> = {}) {
  const p = `outcomes[${i}]`;
  const instruments = review.outcomes.flatMap((x) => x.instruments.map((ins) => ins.name));
  const listId = `instruments-${review.id}`;
  return (
    <fieldset data-row data-outcome-row>
      <legend>Outcome row {typeof i === 'number' ? i + 1 : 'new'}</legend>
      <div class="grid">
        {selectField(`${p}.outcome`, 'Outcome', o.outcome, review.outcomes.map((x) => ({ value: x.id, label: x.label })), 'f')}
        {textField(`${p}.timepoint`, 'Time point', o.timepoint ?? '', 'f')}
        {textField(`${p}.instrument`, 'Instrument', o.instrument, 'f', { list: listId })}
        {textField(`${p}.interventionArm`, 'Intervention arm id', o.interventionArm, 'f')}
        {textField(`${p}.controlArm`, 'Control arm id', o.controlArm, 'f')}
        {selectField(`${p}.format`, 'Reported as', o.format ?? 'mean-sd', OUTCOME_FORMATS.map((f) => ({ value: f, label: FORMAT_LABELS[f] })), 'f', false)}
      </div>
      {(['intervention', 'control'] as const).map((arm) => (
        <div class="grid" role="group" aria-label={`${arm} arm statistics`}>
          <span>{arm === 'intervention' ? 'Intervention' : 'Control'}</span>
          {STAT_FIELDS.map((f) => numberField(`${p}.${arm}.${f.key}`, `${f.label} (${arm})`, (o[arm] as Record<string, unknown> | undefined)?.[f.key], 'f'))}
        </div>
      ))}
      <div class="grid">
        {numberField(`${p}.yi`, 'SMD (effect format)', o.yi, 'f')}
        {numberField(`${p}.vi`, 'Variance', o.vi, 'f')}
        {numberField(`${p}.se`, 'SE of SMD', o.se, 'f')}
        {textField(`${p}.source`, 'Source location (table/page)', o.source, 'f')}
      </div>
      <p>
        Computed effect size: <output class="effect" data-effect aria-live="polite">—</output>
      </p>
      <datalist id={listId}>
        {instruments.map((n) => (
          <option value={n}></option>
        ))}
      </datalist>
    </fieldset>
  );
}

const ExtractionFormView: FC<{ review: Review; c: CuratedCandidate; form: DraftForm; editable: boolean }> = ({ review, c, form, editable }) => {
  const arms = form.arms?.length ? form.arms : [{ role: 'intervention' }, { role: 'control' }];
  const outcomes = form.outcomes?.length ? form.outcomes : [{}];
  return (
    <form data-extraction data-api={apiPath(c.reviewId, c.studyId)} data-version={String(c.version)} aria-describedby="validity" novalidate>
      <h2>Extraction</h2>
      <p id="validity" aria-live="polite"></p>
      <ul id="errors" class="err"></ul>
      <h3>Arms</h3>
      <div id="arms">{arms.map((a, i) => ArmRow(i, a as Partial<ExtractionForm['arms'][number]>))}</div>
      <template id="tpl-arm">{ArmRow('__i__')}</template>
      <button type="button" data-add="tpl-arm" data-target="arms">
        Add arm
      </button>
      <h3>Outcomes (outcome × time point × instrument × arms)</h3>
      <div id="outcomes">{outcomes.map((o, i) => OutcomeRow(review, i, o as Partial<FormOutcome>))}</div>
      <template id="tpl-outcome">{OutcomeRow(review, '__i__')}</template>
      <button type="button" data-add="tpl-outcome" data-target="outcomes">
        Add outcome row
      </button>
      <h3>Moderators</h3>
      <div class="grid">
        {review.moderators.map((m) =>
          m.type === 'categorical'
            ? selectField(`moderators.${m.id}`, m.label, form.moderators?.[m.id], m.levels.map((l) => ({ value: l.id, label: l.label })), 'f')
            : m.type === 'numeric'
              ? numberField(`moderators.${m.id}`, `${m.label} (${m.unit})`, form.moderators?.[m.id], 'f')
              : null,
        )}
      </div>
      <h3>Risk of bias (RoB 2)</h3>
      <div class="grid">
        {ROB2_DOMAINS.map((d) =>
          selectField(`rob.domains.${d.id}`, `${d.id} ${d.label}`, form.rob?.domains?.[d.id], ROB_JUDGEMENTS.map((j) => ({ value: j, label: j })), 'f'),
        )}
        {selectField('rob.overall', 'Overall', form.rob?.overall, ROB_JUDGEMENTS.map((j) => ({ value: j, label: j })), 'f')}
      </div>
      <h3>Notes</h3>
      <div class="grid">
        {numberField('year', 'Publication year', form.year ?? c.year, 'f')}
        {textField('sourceLocation', 'Source location', form.sourceLocation, 'f')}
      </div>
      <p>
        <label for="f-notes">Notes</label>
        <br />
        <textarea id="f-notes" data-path="notes" rows={4} cols={80}>
          {form.notes ?? ''}
        </textarea>
      </p>
      {editable ? (
        <p class="actions">
          <button type="submit" name="action" value="draft">
            Save draft
          </button>
          <button type="submit" name="action" value="accept" class="primary">
            Accept
          </button>
        </p>
      ) : null}
    </form>
  );
};

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
    return c.html(
      <Layout title={cand.title.slice(0, 80)} actor={actor}>
        <p>
          <a href={`/curate/reviews/${encodeURIComponent(review.id)}?status=${cand.status}`}>← {review.shortTitle}</a>
        </p>
        <h1>{cand.title}</h1>
        <p class="muted">
          {[cand.firstAuthor, cand.journal, cand.year].filter((x) => x !== undefined && x !== '').join(' · ')} · status <strong>{cand.status}</strong> · version {cand.version}
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
          <ExtractionFormView review={review} c={cand} form={form} editable={cand.status === 'extraction'} />
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

  app.get('/curate/reviews/:reviewId/candidates/:studyId/compare', async (c) => {
    const actor = await page(c);
    const { reviewId, studyId } = pathParams(CandidateParams, c);
    const review = ctx.review(reviewId);
    const cand = await ctx.candidate(review.id, studyId);
    const forms = Object.fromEntries(Object.entries(cand.drafts ?? {}).map(([k, d]) => [k, d.form]));
    const people = Object.keys(forms);
    const diffs = compareDrafts(forms);
    return c.html(
      <Layout title="Compare extractions" actor={actor}>
        <p>
          <a href={pagePath(review.id, cand.studyId)}>← {cand.title.slice(0, 80)}</a>
        </p>
        <h1>Extractions compared</h1>
        {diffs.length === 0 ? <p>The drafts agree on every field.</p> : null}
        <table>
          <caption>{diffs.length} field(s) differ</caption>
          <thead>
            <tr>
              <th scope="col">Field</th>
              {people.map((p) => (
                <th scope="col">{cand.drafts?.[p]?.name ?? p}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {diffs.map((d) => (
              <tr>
                <th scope="row">{d.path}</th>
                {people.map((p) => (
                  <td>{d.values[p] === undefined ? '—' : String(d.values[p])}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </Layout>,
    );
  });
  return app;
}
