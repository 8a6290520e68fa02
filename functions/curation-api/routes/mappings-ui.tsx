/**
 * The lead's page for values typed as "other" (issue 16, item 8), complete without JavaScript:
 *   GET  /curate/reviews/:reviewId/mappings            trials with "other" values: waiting, then mapped
 *   POST /curate/reviews/:reviewId/mappings/:studyId   a plain HTML form per trial (Post/Redirect/Get;
 *        a bad field re-renders the page with the message at the field, 400; nothing is changed)
 * Keyboard: one native form per trial (Tab between the choices, Enter saves); the first waiting
 * choice has focus. Lead-only (a curator gets 403). The rules are core/curation/mapping.ts's,
 * applied through the same command as the API (mappings.ts).
 */
import { Hono, type Context } from 'hono';
import type { FC } from 'hono/jsx';
import { CurationError, type FieldError } from '../../../core/curation/errors.js';
import { FIELD_NAMES, type MappingChoice, type MappingTrial } from '../../../core/curation/mapping.js';
import { mappingPage } from './mappings.js';
import { issuesToFields, type SchemaIssue } from '../../../core/curation/errors.js';
import type { Actor } from '../../../core/curation/workflow.js';
import type { Review } from '../../../core/reviews/schema.js';
import { VersionConflictError } from '../../adapters/curation-store.js';
import { NotFoundError, RequestValidationError, type AppContext, type Env } from '../context.js';
import { ErrorPage, Layout } from '../layout.js';
import { CandidateParams, MappingsQuery, MapValuesBody, ReviewIdParam } from '../schemas.js';
import { pagePath } from '../ui-parts.js';
import { pathParams, runCommand } from './shared.js';

export const mappingsPagePath = (reviewId: string) => `/curate/reviews/${encodeURIComponent(reviewId)}/mappings`;
const KEEP = '__keep__';
/** The most values one trial's form posts. */
const MAX_ITEMS = 200;

/** A page error for one trial: the message, and per waiting value (by its index on the form) its messages. */
interface TrialError {
  studyId: string;
  message: string;
  at: Map<number, string[]>;
}

const fieldTitle = (f: keyof typeof FIELD_NAMES) => (f === 'timepoint' ? 'Time point' : 'Instrument');

const TrialForm: FC<{ review: Review; t: MappingTrial; n: number; error?: TrialError; first: boolean; cursor?: string }> = ({ review, t, n, error, first, cursor }) => (
  <section class="map-trial" id={`trial-${n}`} aria-labelledby={`mt-${n}`}>
    <h2 id={`mt-${n}`}>
      <a href={pagePath(review.id, t.studyId)}>{t.title}</a>
    </h2>
    <p class="muted">
      {t.studyId} · {t.status === 'accepted' ? 'accepted: mapping changes the analysis at once' : 'in extraction: the mapping applies when it is accepted'} · version {t.version}
    </p>
    {error ? (
      <p class="err" role="alert" id={`err-${n}`}>
        Not saved — {error.message}
      </p>
    ) : null}
    <form method="post" action={`${mappingsPagePath(review.id)}/${encodeURIComponent(t.studyId)}`} aria-describedby={error ? `err-${n}` : undefined}>
      <input type="hidden" name="version" value={String(t.version)} />
      <input type="hidden" name="count" value={String(t.pending.length)} />
      {cursor ? <input type="hidden" name="cursor" value={cursor} /> : null}
      {t.pending.map((o, i) => {
        const id = `m-${n}-${i}`;
        const msgs = error?.at.get(i) ?? [];
        return (
          <fieldset data-other={`${o.field}:${o.reported}`}>
            <legend>
              {fieldTitle(o.field)} “{o.reported}” — {o.outcomeLabel} (row{o.rows.length > 1 ? 's' : ''} {o.rows.join(', ')})
            </legend>
            <input type="hidden" name={`m-${i}-outcome`} value={o.outcome} />
            <input type="hidden" name={`m-${i}-field`} value={o.field} />
            <input type="hidden" name={`m-${i}-reported`} value={o.reported} />
            <div class="map-row">
              <label for={`${id}-choice`}>Stands for</label>
              <select id={`${id}-choice`} name={`m-${i}-choice`} autofocus={first && i === 0} aria-invalid={msgs.length ? 'true' : undefined} aria-describedby={msgs.length ? `${id}-err` : undefined}>
                <option value="">— decide later —</option>
                {o.options.map((v) => (
                  <option value={v}>{o.field === 'timepoint' ? `${v} (the time point this review analyses)` : v}</option>
                ))}
                <option value={KEEP}>Keep out of the analysis (give the reason)</option>
              </select>
              <label for={`${id}-reason`}>Reason, when kept out</label>
              <input id={`${id}-reason`} name={`m-${i}-reason`} maxlength={500} size={30} />
            </div>
            {msgs.length ? (
              <p class="err" id={`${id}-err`}>
                {msgs.join('; ')}
              </p>
            ) : null}
          </fieldset>
        );
      })}
      <button type="submit">Save the mappings of this trial</button>
    </form>
  </section>
);

const Done: FC<{ review: Review; done: MappingTrial[] }> = ({ review, done }) =>
  done.length ? (
    <section aria-labelledby="done-h">
      <h2 id="done-h">Mapped ({done.length} trial{done.length === 1 ? '' : 's'} among those this page checked)</h2>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Trial</th>
              <th scope="col">Value as reported</th>
              <th scope="col">Mapped to</th>
              <th scope="col">By</th>
            </tr>
          </thead>
          <tbody>
            {done.flatMap((t) =>
              t.mappings.map((m) => (
                <tr>
                  <th scope="row">
                    <a href={pagePath(review.id, t.studyId)}>{t.title.length > 80 ? `${t.title.slice(0, 77)}…` : t.title}</a>
                  </th>
                  <td>
                    {FIELD_NAMES[m.field]} “{m.reported}” ({review.outcomes.find((o) => o.id === m.outcome)?.label ?? m.outcome})
                  </td>
                  <td>{m.to !== undefined ? m.to : `kept out: ${m.keepOutReason}`}</td>
                  <td>
                    {m.by}, {m.at.slice(0, 10)}
                  </td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      </div>
    </section>
  ) : null;

/** The form's fields → the API body (blank choices are left for later), with each choice's index on the form. */
function choicesOf(form: Record<string, unknown>): { version: unknown; mappings: MappingChoice[]; index: number[] } {
  const str = (k: string) => (typeof form[k] === 'string' ? (form[k] as string) : '');
  const count = Math.min(Number.parseInt(str('count'), 10) || 0, MAX_ITEMS);
  const mappings: MappingChoice[] = [];
  const index: number[] = [];
  for (let i = 0; i < count; i++) {
    const choice = str(`m-${i}-choice`);
    if (!choice) continue;
    const base = { outcome: str(`m-${i}-outcome`), field: str(`m-${i}-field`) as MappingChoice['field'], reported: str(`m-${i}-reported`) };
    mappings.push(choice === KEEP ? { ...base, keepOutReason: str(`m-${i}-reason`) } : { ...base, to: choice });
    index.push(i);
  }
  const v = str('version');
  return { version: /^\d{1,15}$/.test(v) ? Number(v) : v, mappings, index };
}

export function mappingsUiRoutes(ctx: AppContext): Hono<Env> {
  const app = new Hono<Env>();

  const render = async (c: Context<Env>, actor: Actor, review: Review, status: 200 | 400 | 404 | 409, error?: TrialError, saved?: string, cursor?: string) => {
    const page = await mappingPage(ctx, review, cursor ? { cursor } : {});
    const { waiting, done } = page;
    const here = mappingsPagePath(review.id);
    const nextHref = page.next ? `${here}?cursor=${page.next}` : undefined;
    const firstHref = cursor ? here : undefined;
    const Pager: FC<{ where: string }> = ({ where }) =>
      nextHref || firstHref ? (
        <nav aria-label={`Pages (${where})`} class="pager">
          {firstHref ? <a href={firstHref}>First page</a> : null} {nextHref ? <a href={nextHref}>Next page</a> : null}
        </nav>
      ) : null;
    return c.html(
      <Layout title={`“Other” values — ${review.shortTitle}`} actor={actor}>
        <p>
          <a href={`/curate/reviews/${encodeURIComponent(review.id)}`}>← {review.shortTitle}</a>
        </p>
        <h1>Values typed as “other”: {review.shortTitle}</h1>
        <p>
          A time point or instrument typed as “other” enters no analysis until you map it to one of this review’s values, or confirm that it stays out with a reason (the
          public page lists the trial under “Accepted but not pooled” with that reason). Each choice is audited; an accepted trial’s analysis changes at once.
        </p>
        {error && !waiting.some((t) => t.studyId === error.studyId) ? (
          <p class="err" role="alert">
            Not saved ({error.studyId}) — {error.message}
          </p>
        ) : null}
        {saved ? (
          <p role="status" class="ok">
            Saved the mappings of {saved}.
          </p>
        ) : null}
        <p data-map-totals>
          {page.total} trial{page.total === 1 ? '' : 's'} in this review may hold such values ({page.totals.accepted} accepted, {page.totals.extraction} in extraction).{' '}
          {page.checked.to >= page.checked.from ? `This page checked trials ${page.checked.from}–${page.checked.to} of them` : 'No trial is left to check'}
          {waiting.length ? `: ${waiting.length} with values waiting${page.next ? ' (more may follow on the next page)' : ''}.` : ': none with values waiting.'}
        </p>
        {waiting.length ? <p>Tab moves between the choices; Enter saves a trial’s form.</p> : <p data-empty>No value typed as “other” is waiting{cursor ? ' on this page' : ''}.</p>}
        <Pager where="top" />
        {waiting.map((t, n) => (
          <TrialForm review={review} t={t} n={n} first={n === 0} cursor={cursor} {...(error && error.studyId === t.studyId ? { error } : {})} />
        ))}
        <Done review={review} done={done} />
        <Pager where="bottom" />
      </Layout>,
      status,
    );
  };

  const leadOf = async (c: Context<Env>): Promise<Actor> => {
    const actor = await ctx.authenticate(c);
    if (actor.role !== 'lead') throw new CurationError('forbidden', 'only a lead maps values typed as “other”');
    return actor;
  };

  app.get('/curate/reviews/:reviewId/mappings', async (c) => {
    const actor = await leadOf(c);
    const review = ctx.review(pathParams(ReviewIdParam, c).reviewId);
    const saved = (c.req.query('saved') ?? '').slice(0, 200);
    const q = MappingsQuery.safeParse({ cursor: c.req.query('cursor') });
    if (!q.success) throw new RequestValidationError(issuesToFields(q.error.issues as unknown as SchemaIssue[]).map((f) => ({ ...f, in: 'query' })));
    return render(c, actor, review, 200, undefined, saved || undefined, q.data.cursor);
  });

  app.post('/curate/reviews/:reviewId/mappings/:studyId', async (c) => {
    let actor: Actor;
    try {
      actor = await leadOf(c);
    } catch (err) {
      if (err instanceof CurationError) return c.html(String(ErrorPage({ status: 403, error: err.message })), 403);
      throw err;
    }
    const { reviewId, studyId } = pathParams(CandidateParams, c);
    const review = ctx.review(reviewId);
    const form = await c.req.parseBody();
    const { version, mappings, index } = choicesOf(form);
    // The page the form was on (a cursor from an earlier page, else the first page).
    const cursor = typeof form.cursor === 'string' && MappingsQuery.safeParse({ cursor: form.cursor }).success && form.cursor ? form.cursor : undefined;
    const fail = (status: 400 | 404 | 409, message: string, fields: FieldError[]) => {
      const at = new Map<number, string[]>();
      for (const f of fields) {
        const m = /^mappings\[(\d+)\]/.exec(f.path);
        const i = m ? index[Number(m[1])] : undefined;
        if (i !== undefined) at.set(i, [...(at.get(i) ?? []), f.message]);
      }
      const unplaced = fields.filter((f) => !/^mappings\[\d+\]/.test(f.path)).map((f) => `${f.path}: ${f.message}`);
      return render(c, actor, review, status, { studyId, message: [message, ...unplaced].join(' — '), at }, undefined, cursor);
    };
    if (!mappings.length) return fail(400, 'choose a value (or “keep out” with a reason) for at least one of the values', []);
    const body = MapValuesBody.safeParse({ version, mappings });
    if (!body.success) {
      const fields = issuesToFields(body.error.issues as unknown as SchemaIssue[]).map((f) =>
        /keepOutReason$/.test(f.path) ? { ...f, message: 'a value kept out of the analysis needs the reason' } : f,
      );
      return fail(400, 'some choices are not valid', fields);
    }
    try {
      await runCommand(ctx, actor, review.id, studyId, body.data.version, { type: 'map-values', mappings: body.data.mappings });
    } catch (err) {
      if (err instanceof CurationError && (err.code === 'invalid' || err.code === 'state')) return fail(err.code === 'invalid' ? 400 : 409, err.message, err.fields);
      if (err instanceof VersionConflictError) return fail(409, 'the trial changed since this page was loaded: reload and choose again', []);
      if (err instanceof RequestValidationError) return fail(400, 'some choices are not valid', err.fields);
      if (err instanceof NotFoundError) return fail(404, err.message, []);
      throw err;
    }
    return c.redirect(`${mappingsPagePath(review.id)}?${cursor ? `cursor=${cursor}&` : ''}saved=${encodeURIComponent(studyId)}`, 303);
  });

  return app;
}
