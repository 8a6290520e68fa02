/**
 * The extraction form and the adjudication page of the curator UI (server-rendered with hono/jsx,
 * enhanced by /curate/assets/extraction.js). Every label comes from core/curation/field-labels.ts, the
 * RoB 2 domains and algorithm from core/curation/rob2.ts, which moderators are derived from
 * core/curation/facts.ts: the page holds no rules of its own.
 */
import type { Hono } from 'hono';
import { createContext, useContext, type FC } from 'hono/jsx';
import { OUTCOME_FORMATS, readDraft, type DraftForm, type FormOutcome } from '../../../core/curation/extraction.js';
import { compareDrafts } from '../../../core/curation/adjudicate.js';
import { derivedModerators, FACT_FIELD } from '../../../core/curation/facts.js';
import { ARM_FIELDS, fieldLabel, FORMATS, OUTCOME_FIELDS, STAT_FIELDS, TOP_FIELDS } from '../../../core/curation/field-labels.js';
import { proposeRob2Overall, ROB2_DOMAINS, ROB_LABELS } from '../../../core/curation/rob2.js';
import { ROB_JUDGEMENTS } from '../../../core/evidence/candidate.js';
import type { CuratedCandidate } from '../../../core/curation/workflow.js';
import { formatPath } from '../../../core/curation/errors.js';
import type { Review } from '../../../core/reviews/schema.js';
import type { AppContext, Env } from '../context.js';
import { Layout } from '../layout.js';
import { CandidateParams } from '../schemas.js';
import { pathParams } from './shared.js';
import { pagePath } from '../ui-parts.js';
import { EXTRACTION_CSS, EXTRACTION_JS } from './extraction-assets.js';
import { OTHER_CHOICE, OTHER_SUFFIX } from '../../../core/curation/form-post.js';
export { OTHER_SUFFIX, pageFieldPath, postedForm, type PostedForm } from '../../../core/curation/form-post.js';

const OTHER = OTHER_CHOICE;

const idOf = (path: string) => `f-${path.replace(/[^A-Za-z0-9]+/g, '-')}`;
const str = (v: unknown) => (v === undefined || v === null ? '' : String(v));

/** Field errors of a refused no-JavaScript post, by the field's path on the page (empty on a plain page). */
const Errors = createContext<ReadonlyMap<string, string>>(new Map());
const errOf = (path: string) => useContext(Errors).get(path);
const invalid = (path: string) => (errOf(path) ? { 'aria-invalid': 'true' } : {});

const Err: FC<{ path: string }> = ({ path }) => (
  <span class="err" data-for={path} id={`${idOf(path)}-err`}>
    {errOf(path) ?? ''}
  </span>
);

const NumberField: FC<{ path: string; label: string; value: unknown; hint?: string }> = ({ path, label, value, hint }) => (
  <label for={idOf(path)}>
    {label}
    {hint ? <span class="muted"> {hint}</span> : null}
    <input id={idOf(path)} name={path} type="text" inputmode="decimal" data-path={path} data-kind="number" value={str(value)} aria-describedby={`${idOf(path)}-err`} {...invalid(path)} />
    <Err path={path} />
  </label>
);
const TextField: FC<{ path: string; label: string; value: unknown }> = ({ path, label, value }) => (
  <label for={idOf(path)}>
    {label}
    <input id={idOf(path)} name={path} type="text" data-path={path} value={typeof value === 'string' ? value : ''} aria-describedby={`${idOf(path)}-err`} {...invalid(path)} />
    <Err path={path} />
  </label>
);
interface Opt {
  value: string;
  label: string;
  group?: string;
}
const SelectField: FC<{ path: string; label: string; value: unknown; options: Opt[]; empty?: string; attrs?: Record<string, string> }> = ({ path, label, value, options, empty, attrs }) => (
  <label for={idOf(path)}>
    {label}
    <select id={idOf(path)} name={path} data-path={path} aria-describedby={`${idOf(path)}-err`} {...invalid(path)} {...(attrs ?? {})}>
      {empty !== undefined ? <option value="">{empty}</option> : null}
      {options.map((o) => (
        <option value={o.value} selected={o.value === value} data-group={o.group}>
          {o.label}
        </option>
      ))}
    </select>
    <Err path={path} />
  </label>
);

type FormArm = NonNullable<DraftForm['arms']>[number];

function ArmRow(i: number | '__i__', arm: Partial<FormArm>) {
  const p = `arms[${i}]`;
  return (
    <fieldset data-row data-arm-row>
      <legend>Arm {typeof i === 'number' ? i + 1 : ''}</legend>
      <input type="hidden" name={`${p}.id`} data-path={`${p}.id`} data-arm-id value={arm.id ?? (typeof i === 'number' ? `arm${i + 1}` : '')} />
      <div class="grid">
        <TextField path={`${p}.label`} label={ARM_FIELDS[0].label} value={arm.label} />
        <SelectField path={`${p}.role`} label={ARM_FIELDS[1].label} value={arm.role} options={[{ value: 'intervention', label: 'Intervention' }, { value: 'control', label: 'Control' }]} empty="— choose —" attrs={{ 'data-arm-role': '' }} />
        <NumberField path={`${p}.nRandomised`} label={ARM_FIELDS[2].label} value={arm.nRandomised} />
        <NumberField path={`${p}.nAnalysed`} label={ARM_FIELDS[3].label} value={arm.nAnalysed} />
        <NumberField path={`${p}.dropouts`} label={ARM_FIELDS[4].label} value={arm.dropouts} />
      </div>
    </fieldset>
  );
}

/** A select from the review's own list, with "other" revealing a text field (the value as typed). */
function ListOrOther(props: { path: string; label: string; value: unknown; options: Opt[]; otherLabel: string; hint?: string; attrs?: Record<string, string> }) {
  const v = typeof props.value === 'string' ? props.value : '';
  const listed = props.options.some((o) => o.value === v);
  const other = v !== '' && !listed;
  return (
    <div class="other-wrap">
      <SelectField path={props.path} label={props.label} value={other ? OTHER : v} options={[...props.options, { value: OTHER, label: 'Other (type it)' }]} empty="— choose —" attrs={{ 'data-has-other': '', ...(props.attrs ?? {}) }} />
      {props.hint ? <span class="muted hint">{props.hint}</span> : null}
      {/* Shown without JavaScript (the script hides it unless "Other" is chosen). */}
      <label for={`${idOf(props.path)}-other`} data-other-wrap>
        {props.otherLabel}
        <input id={`${idOf(props.path)}-other`} name={`${props.path}${OTHER_SUFFIX}`} type="text" data-other-for={props.path} value={other ? v : ''} />
      </label>
    </div>
  );
}

function OutcomeRow(review: Review, i: number | '__i__', o: Partial<FormOutcome>, arms: Partial<FormArm>[]) {
  const p = `outcomes[${i}]`;
  const format = o.format ?? 'mean-sd';
  const outcome = review.outcomes.find((x) => x.id === o.outcome);
  const instruments: Opt[] = review.outcomes.flatMap((x) => x.instruments.map((ins) => ({ value: ins.name, label: ins.name, group: x.id })));
  const timepoints: Opt[] = [...new Set(review.outcomes.map((x) => x.timepoint.preferred))].map((t) => ({
    value: t,
    label: `${t} (end of treatment)`,
  }));
  // Other spellings of the analysed time point: a hint under the list (in the option they made it wider than a phone).
  const timepointHint = outcome?.timepoint.aliases?.length ? `“${outcome.timepoint.preferred}” is also written ${outcome.timepoint.aliases.slice(0, 3).join(', ')}.` : undefined;
  // The arms of this role, and those whose role is not chosen yet (an arm just added without
  // JavaScript): it can be picked here in the same post that names it and sets its role.
  const armOpts = (role: string): Opt[] =>
    arms.flatMap((a, n) => (a.id && (a.role === role || !a.role) ? [{ value: a.id, label: `${a.label || `Arm ${n + 1}`}${a.role ? '' : ' (role not chosen yet)'}` }] : []));
  const registry = typeof o.source === 'string' && /^ClinicalTrials\.gov /.test(o.source);
  return (
    <fieldset data-row data-outcome-row>
      <legend>Outcome row {typeof i === 'number' ? i + 1 : ''}</legend>
      {registry ? (
        <p class="registry" data-registry>
          Prefilled from {o.source}: check each value against the registry, then save or accept.
        </p>
      ) : null}
      <div class="grid">
        <SelectField path={`${p}.outcome`} label={OUTCOME_FIELDS.outcome} value={o.outcome} options={review.outcomes.map((x) => ({ value: x.id, label: x.label }))} empty="— choose —" attrs={{ 'data-outcome-select': '' }} />
        <ListOrOther path={`${p}.timepoint`} label={OUTCOME_FIELDS.timepoint} value={o.timepoint} options={timepoints} hint={timepointHint} otherLabel="Time point as reported (a lead maps it before it enters an analysis)" />
        <ListOrOther path={`${p}.instrument`} label={OUTCOME_FIELDS.instrument} value={o.instrument} options={instruments} otherLabel="Instrument as reported (a lead maps it before it enters an analysis)" attrs={{ 'data-instrument-select': '' }} />
        <SelectField path={`${p}.interventionArm`} label={OUTCOME_FIELDS.interventionArm} value={o.interventionArm} options={armOpts('intervention')} empty="— choose —" attrs={{ 'data-arm-select': 'intervention' }} />
        <SelectField path={`${p}.controlArm`} label={OUTCOME_FIELDS.controlArm} value={o.controlArm} options={armOpts('control')} empty="— choose —" attrs={{ 'data-arm-select': 'control' }} />
        <SelectField path={`${p}.format`} label={OUTCOME_FIELDS.format} value={format} options={OUTCOME_FORMATS.map((f) => ({ value: f, label: FORMATS[f].label }))} attrs={{ 'data-format': '' }} />
      </div>
      {(['intervention', 'control'] as const).map((arm) => (
        <div class="grid" role="group" aria-label={`${arm === 'intervention' ? 'Intervention' : 'Control'} arm statistics`} data-stats>
          <span class="arm-name">{arm === 'intervention' ? 'Intervention arm' : 'Control arm'}</span>
          {STAT_FIELDS.map((f) => (
            <div data-stat={f.key}>
              <NumberField path={`${p}.${arm}.${f.key}`} label={`${f.label} (${arm})`} value={(o[arm] as Record<string, unknown> | undefined)?.[f.key]} />
            </div>
          ))}
        </div>
      ))}
      <p class="muted" data-nojs-note>
        Without JavaScript every format's fields show: fill in those of the format chosen above ({OUTCOME_FORMATS.map((f) => `${FORMATS[f].label}: ${f === 'effect' ? 'the three effect-size fields below' : FORMATS[f].stats.map((k) => STAT_FIELDS.find((x) => x.key === k)!.label).join(', ')}`).join('; ')}); the others are not saved.
      </p>
      <div class="grid" data-effect-fields>
        <NumberField path={`${p}.yi`} label={OUTCOME_FIELDS.yi} value={o.yi} hint="(intervention − control)" />
        <NumberField path={`${p}.vi`} label={OUTCOME_FIELDS.vi} value={o.vi} />
        <NumberField path={`${p}.se`} label={OUTCOME_FIELDS.se} value={o.se} hint="(instead of the variance)" />
      </div>
      <div class="grid">
        <TextField path={`${p}.source`} label={OUTCOME_FIELDS.source} value={o.source} />
      </div>
      <p>
        Effect size: <output class="effect" data-effect>—</output>
      </p>
    </fieldset>
  );
}

export const ExtractionFormView: FC<{ review: Review; c: CuratedCandidate; form: DraftForm; editable: boolean; prefilled: boolean; errors?: ReadonlyMap<string, string> }> = ({ review, c, form, editable, prefilled, errors }) => {
  const arms: Partial<FormArm>[] = form.arms?.length ? form.arms : [{ id: 'arm1', role: 'intervention' }, { id: 'arm2', role: 'control' }];
  const outcomes = form.outcomes?.length ? form.outcomes : [{}];
  const derived = derivedModerators(review);
  const dual = review.extraction?.dual === true;
  const domains = (form.rob?.domains ?? {}) as Record<string, (typeof ROB_JUDGEMENTS)[number]>;
  const proposal = proposeRob2Overall(domains);
  const judgement = ROB_JUDGEMENTS.map((j) => ({ value: j, label: ROB_LABELS[j] }));
  return (
    <Errors.Provider value={errors ?? new Map()}>
    <form
      data-extraction-form
      data-api={`/api/reviews/${encodeURIComponent(c.reviewId)}/candidates/${encodeURIComponent(c.studyId)}`}
      data-version={String(c.version)}
      method="post"
      action={`${pagePath(c.reviewId, c.studyId)}/extraction`}
      aria-labelledby="xf-title"
      novalidate
    >
      {/* Without JavaScript the buttons post the form (routes/extraction-forms.tsx); the script sends JSON instead. */}
      <input type="hidden" name="version" value={String(c.version)} />
      <h2 id="xf-title">Extraction</h2>
      {prefilled ? (
        <p class="registry" role="note">
          This form is prefilled from the trial's registry results (ClinicalTrials.gov). Each prefilled row says so: check its values against the source before accepting.
        </p>
      ) : null}
      <div id="xf-summary" tabindex={-1} aria-live="polite">
        <p id="validity"></p>
        <ul id="errors" class="err"></ul>
      </div>

      <h3>Study</h3>
      <div class="grid">
        <NumberField path="year" label={TOP_FIELDS.year} value={form.year ?? c.year} />
        <TextField path="sourceLocation" label={TOP_FIELDS.sourceLocation} value={form.sourceLocation} />
      </div>

      <h3>Arms</h3>
      <div id="arms">{arms.map((a, i) => ArmRow(i, a))}</div>
      <template id="tpl-arm">{ArmRow('__i__', {})}</template>
      <button type="button" data-add="tpl-arm" data-target="arms" hidden>
        Add arm
      </button>

      <h3>Outcomes</h3>
      <p class="muted">One row per outcome × time point × instrument × pair of arms. Arms are chosen from the arms above.</p>
      <div id="outcomes">{outcomes.map((o, i) => OutcomeRow(review, i, o as Partial<FormOutcome>, arms))}</div>
      <template id="tpl-outcome">{OutcomeRow(review, '__i__', {}, arms)}</template>
      <button type="button" data-add="tpl-outcome" data-target="outcomes" hidden>
        Add outcome row
      </button>

      <h3>Moderators</h3>
      {derived.size ? (
        <p class="muted">
          {[...derived].map(([id, fact]) => `${review.moderators.find((m) => m.id === id)?.label ?? id} is taken from “${FACT_FIELD[fact].label}”`).join('; ')}: each fact is entered once.
        </p>
      ) : null}
      <div class="grid">
        {review.moderators
          .filter((m) => !derived.has(m.id))
          .map((m) => {
            const path = formatPath(['moderators', m.id]);
            const v = form.moderators?.[m.id];
            return m.type === 'categorical' ? (
              <SelectField path={path} label={m.label} value={v} options={m.levels.map((l) => ({ value: l.id, label: l.label }))} empty="—" />
            ) : (
              <NumberField path={path} label={`${m.label} (${m.unit})`} value={v} />
            );
          })}
      </div>

      <h3>Risk of bias (RoB 2)</h3>
      <div class="grid">
        {ROB2_DOMAINS.map((d) => (
          <SelectField path={`rob.domains.${d.id}`} label={`${d.id} ${d.label}`} value={domains[d.id]} options={judgement} empty="—" attrs={{ 'data-rob-domain': '' }} />
        ))}
      </div>
      <p>
        The RoB 2 algorithm gives: <output data-rob-proposal data-proposal={proposal ?? ''}>{proposal ? ROB_LABELS[proposal] : 'judge all five domains'}</output>
      </p>
      <div class="grid">
        <SelectField path="rob.overall" label={TOP_FIELDS['rob.overall']} value={form.rob?.overall} options={judgement} empty="As the algorithm gives" attrs={{ 'data-rob-overall': '' }} />
      </div>
      <p data-override-wrap>
        <label for={idOf('rob.overrideReason')}>{TOP_FIELDS['rob.overrideReason']}</label>
        <textarea id={idOf('rob.overrideReason')} name="rob.overrideReason" data-path="rob.overrideReason" rows={2} aria-describedby={`${idOf('rob.overrideReason')}-err`} {...invalid('rob.overrideReason')}>
          {form.rob?.overrideReason ?? ''}
        </textarea>
        <Err path="rob.overrideReason" />
      </p>

      <h3>Notes</h3>
      <p>
        <label for="f-notes">{TOP_FIELDS.notes}</label>
        <textarea id="f-notes" name="notes" data-path="notes" rows={4}>
          {form.notes ?? ''}
        </textarea>
      </p>

      <h3>Analyses this trial will enter</h3>
      <ul data-analyses aria-live="polite">
        <li>—</li>
      </ul>

      {editable ? (
        <p class="actions">
          <button type="submit" name="action" value="draft">
            Save draft
          </button>
          {dual ? (
            <span class="muted">This review asks for two extractors: a lead accepts by adjudicating both drafts.</span>
          ) : (
            <button type="submit" name="action" value="accept" class="primary">
              Accept
            </button>
          )}
          {/* Without JavaScript a row is added by posting the form back (nothing saved); with it, the buttons above add rows in place. */}
          <noscript>
            <button type="submit" name="action" value="add-arm">
              Add arm
            </button>{' '}
            <button type="submit" name="action" value="add-outcome">
              Add outcome row
            </button>
          </noscript>
        </p>
      ) : null}
      <p data-xf-status class="status" role="status" aria-live="polite"></p>
    </form>
    </Errors.Provider>
  );
};

/** The value of a draft field as text for the comparison. */
const shown = (v: unknown) => (v === undefined || v === null || v === '' ? '(empty)' : String(v));

/** GET …/compare: two extractors' drafts side by side by field label; a lead adopts a value per field and accepts. */
export function mountExtractionUi(app: Hono<Env>, ctx: AppContext): void {
  app.get('/curate/assets/extraction.js', (c) => c.body(EXTRACTION_JS, 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'public, max-age=300' }));
  app.get('/curate/assets/extraction.css', (c) => c.body(EXTRACTION_CSS, 200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'public, max-age=300' }));
  app.get('/curate/reviews/:reviewId/candidates/:studyId/compare', async (c) => {
    const actor = await ctx.authenticate(c);
    const { reviewId, studyId } = pathParams(CandidateParams, c);
    const review = ctx.review(reviewId);
    const cand = await ctx.candidate(review.id, studyId);
    const people = Object.keys(cand.drafts ?? {});
    const forms: Record<string, unknown> = Object.create(null);
    for (const p of people) forms[p] = readDraft(cand.drafts![p].form).form;
    const name = (p: string) => cand.drafts?.[p]?.name ?? p;
    const diffs = compareDrafts(forms);
    const base = people[0];
    const page = `/curate/reviews/${encodeURIComponent(review.id)}/candidates/${encodeURIComponent(cand.studyId)}`;
    const canAdjudicate = actor.role === 'lead' && cand.status === 'extraction' && people.length >= 2;
    return c.html(
      <Layout title="Compare extractions" actor={actor}>
        <p>
          <a href={page}>← {cand.title.slice(0, 80)}</a>
        </p>
        <h1>Extractions compared</h1>
        <p>
          {people.length < 2
            ? 'Only one extractor has saved a draft so far.'
            : diffs.length === 0
              ? `${people.map(name).join(' and ')} agree on every field.`
              : `${people.map(name).join(' and ')} differ on ${diffs.length} field${diffs.length === 1 ? '' : 's'}; the others agree.`}
        </p>
        <form
          data-adjudicate={`/api/reviews/${encodeURIComponent(review.id)}/candidates/${encodeURIComponent(cand.studyId)}/adjudicate`}
          data-version={String(cand.version)}
          data-base={base}
          data-page={page}
          method="post"
          action={`${page}/adjudicate`}
          novalidate
        >
          <input type="hidden" name="version" value={String(cand.version)} />
          <input type="hidden" name="base" value={base} />
          <input type="hidden" name="return" value={`${page}/compare`} />
          <input type="hidden" name="count" value={String(diffs.length)} />
          {diffs.map((d, k) => (
            <fieldset class="adjudicate" data-choice={d.path} data-numeric={people.some((p) => typeof d.values[p] === 'number') ? 'true' : 'false'}>
              <input type="hidden" name={`adj-${k}-path`} value={d.path} />
              <input type="hidden" name={`adj-${k}-numeric`} value={people.some((p) => typeof d.values[p] === 'number') ? 'true' : 'false'} />
              <legend>{fieldLabel(d.path, review, forms[base])}</legend>
              <div class="sides">
                {people.map((p, j) => (
                  <label for={`adj-${k}-${j}`} class="side">
                    <input type="radio" id={`adj-${k}-${j}`} name={`adj-${k}`} value={p} disabled={!canAdjudicate} />
                    <span>
                      {name(p)}: <strong>{shown(d.values[p])}</strong>
                    </span>
                  </label>
                ))}
                <label for={`adj-${k}-typed`} class="side">
                  <input type="radio" id={`adj-${k}-typed`} name={`adj-${k}`} value="typed" disabled={!canAdjudicate} />
                  <span>Another value</span>
                </label>
                <label for={`adj-${k}-value`} class="side">
                  <span>Value for “{fieldLabel(d.path, review, forms[base])}”</span>
                  <input type="text" id={`adj-${k}-value`} name={`adj-${k}-value`} data-typed disabled={!canAdjudicate} />
                </label>
              </div>
            </fieldset>
          ))}
          {canAdjudicate ? (
            <p class="actions">
              <button type="submit" class="primary">
                Accept with these choices
              </button>
            </p>
          ) : people.length >= 2 && cand.status === 'extraction' ? (
            <p class="muted">A lead adopts a value for each field and accepts.</p>
          ) : null}
        </form>
      </Layout>,
    );
  });
}
