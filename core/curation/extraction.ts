/**
 * The extraction form (what a curator types: statistics as reported) and its conversion into the
 * shared Extraction (analysable OutcomeData per outcome × time point × instrument × arm pair),
 * with the review's rules applied and the effect size computed beside the raw numbers. Pure.
 */
import { z } from 'zod';
import { ArmSchema, ExtractionSchema, ROB_JUDGEMENTS, type Extraction, type OutcomeData } from '../evidence/candidate.js';
import { escalcSMD } from '../meta/effects.js';
import type { Review } from '../reviews/schema.js';
import { findInstrument } from '../reviews/direction.js';
import { type FieldError, issuesToFields } from './errors.js';
import { meanSdFromMedianIqr, sdFromCi, sdFromSe } from '../meta/conversions.js';
import { decideRob2, type RobJudgement } from './rob2.js';
import { derivedModerators, FACT_FIELD, withDerivedModerators } from './facts.js';

const num = z.number().refine(Number.isFinite, { message: 'must be a finite number' });

export const ArmStatsSchema = z.strictObject({
  n: num.optional(),
  mean: num.optional(),
  sd: num.optional(),
  se: num.optional(),
  ciLower: num.optional(),
  ciUpper: num.optional(),
  median: num.optional(),
  q1: num.optional(),
  q3: num.optional(),
});
export type ArmStats = z.infer<typeof ArmStatsSchema>;

export const OUTCOME_FORMATS = ['mean-sd', 'mean-se', 'mean-ci', 'median-iqr', 'change-sd', 'effect'] as const;
export type OutcomeFormat = (typeof OUTCOME_FORMATS)[number];

export const FormOutcomeSchema = z.strictObject({
  outcome: z.string().min(1).max(80),
  timepoint: z.string().min(1).max(40),
  instrument: z.string().min(1).max(120),
  interventionArm: z.string().min(1).max(40).optional(),
  controlArm: z.string().min(1).max(40).optional(),
  format: z.enum(OUTCOME_FORMATS),
  intervention: ArmStatsSchema.optional(),
  control: ArmStatsSchema.optional(),
  /** format "effect": a precomputed SMD (arm 1 minus arm 2) and its variance or SE. */
  yi: num.optional(),
  vi: num.optional(),
  se: num.optional(),
  source: z.string().max(300).optional(),
});
export type FormOutcome = z.infer<typeof FormOutcomeSchema>;

/**
 * Risk of bias as entered: the five RoB 2 domains; `overall` only to depart from the algorithm's
 * proposal (rob2.ts), which needs `overrideReason` unless it raises several concerns to high.
 */
export const RobFormSchema = z.strictObject({
  tool: z.enum(['rob2', 'rob1']).default('rob2'),
  domains: z.record(z.string().min(1).max(60), z.enum(ROB_JUDGEMENTS)),
  overall: z.enum(ROB_JUDGEMENTS).optional(),
  overrideReason: z.string().max(2000).optional(),
});

export const ExtractionFormSchema = z.strictObject({
  arms: z.array(ArmSchema).max(20).default([]),
  outcomes: z.array(FormOutcomeSchema).max(200),
  moderators: z.record(z.string().min(1).max(60), z.union([z.string().max(200), num])).default({}),
  rob: RobFormSchema.optional(),
  notes: z.string().max(20_000).optional(),
  sourceLocation: z.string().max(500).optional(),
  year: z.number().int().min(1900).max(2100).optional(),
});
export type ExtractionForm = z.infer<typeof ExtractionFormSchema>;

/**
 * A draft: the same form with every field optional, and every field that is present typed as
 * strictly as on accept (a draft with `arms: "abc"` or a number sent as an object is refused).
 */
export const DraftFormSchema = z.strictObject({
  arms: z.array(ArmSchema.partial().strict()).max(20).optional(),
  outcomes: z.array(FormOutcomeSchema.partial()).max(200).optional(),
  moderators: ExtractionFormSchema.shape.moderators.optional(),
  rob: RobFormSchema.partial().optional(),
  notes: ExtractionFormSchema.shape.notes,
  sourceLocation: ExtractionFormSchema.shape.sourceLocation,
  year: ExtractionFormSchema.shape.year,
});
export type DraftForm = z.infer<typeof DraftFormSchema>;

/** A stored draft as a form the page can show, or why it cannot be read (drafts stored before validation). */
export function readDraft(stored: unknown): { form: DraftForm; problems: FieldError[] } {
  const r = DraftFormSchema.safeParse(stored);
  return r.success ? { form: r.data, problems: [] } : { form: {}, problems: issuesToFields(r.error.issues) };
}

export { ROB2_DOMAINS } from './rob2.js';

export interface ComputedEffect {
  yi: number;
  vi: number;
  se: number;
  ciLower: number;
  ciUpper: number;
}

export interface ExtractionResult {
  /** Present when there are no errors. */
  extraction?: Extraction;
  errors: FieldError[];
  /** One entry per form outcome: the converted data and the SMD, or null when not computable yet. */
  outcomes: ({ data: OutcomeData; effect: ComputedEffect } | null)[];
}

/** Convert one arm's reported statistics to n / mean / SD. */
function armToMeanSd(
  format: OutcomeFormat,
  s: ArmStats | undefined,
  path: string,
  errors: FieldError[],
  notes: string[],
  label: string,
): { n: number; m: number; sd: number } | undefined {
  const err = (field: string, message: string) => errors.push({ path: `${path}.${field}`, message });
  if (!s) {
    errors.push({ path, message: 'arm statistics required' });
    return undefined;
  }
  const start = errors.length;
  const need = (field: keyof ArmStats) => {
    if (s[field] === undefined) err(field, 'required');
  };
  need('n');
  if (s.n !== undefined && (!Number.isInteger(s.n) || s.n < 2)) err('n', 'must be a whole number of at least 2');
  switch (format) {
    case 'mean-sd':
    case 'change-sd':
      need('mean');
      need('sd');
      if (s.sd !== undefined && !(s.sd > 0)) err('sd', 'must be greater than 0');
      break;
    case 'mean-se':
      need('mean');
      need('se');
      if (s.se !== undefined && !(s.se > 0)) err('se', 'must be greater than 0');
      break;
    case 'mean-ci':
      need('mean');
      need('ciLower');
      need('ciUpper');
      if (s.ciLower !== undefined && s.ciUpper !== undefined && !(s.ciUpper > s.ciLower)) err('ciUpper', 'must be greater than ciLower');
      if (s.mean !== undefined && s.ciLower !== undefined && s.ciUpper !== undefined && !(s.ciLower <= s.mean && s.mean <= s.ciUpper))
        err('mean', 'must lie within the confidence interval');
      break;
    case 'median-iqr':
      need('median');
      need('q1');
      need('q3');
      if (s.q1 !== undefined && s.q3 !== undefined && !(s.q3 > s.q1)) err('q3', 'must be greater than q1');
      if (s.median !== undefined && s.q1 !== undefined && s.q3 !== undefined && !(s.q1 <= s.median && s.median <= s.q3))
        err('median', 'must lie between q1 and q3');
      break;
    default:
      break;
  }
  if (errors.length > start) return undefined;
  const n = s.n!;
  switch (format) {
    case 'mean-sd':
      return { n, m: s.mean!, sd: s.sd! };
    case 'change-sd':
      notes.push(`${label}: change from baseline (mean and SD of change scores)`);
      return { n, m: s.mean!, sd: s.sd! };
    case 'mean-se':
      notes.push(`${label}: SD from SE (SD = SE × √n)`);
      return { n, m: s.mean!, sd: sdFromSe(s.se!, n) };
    case 'mean-ci':
      notes.push(`${label}: SD from 95% CI of the mean (t with n − 1 df when n < 60, else normal; Cochrane Handbook 6.5.2.2)`);
      return { n, m: s.mean!, sd: sdFromCi(s.ciLower!, s.ciUpper!, n) };
    case 'median-iqr': {
      notes.push(`${label}: mean from median and IQR (Luo et al. 2018), SD (Wan et al. 2014)`);
      const r = meanSdFromMedianIqr(s.median!, s.q1!, s.q3!, n);
      return { n, m: r.mean, sd: r.sd };
    }
    default:
      return undefined;
  }
}

function rawOf(prefix: string, s: ArmStats | undefined, out: Record<string, number | string | null>): void {
  if (!s) return;
  for (const [k, v] of Object.entries(s)) if (v !== undefined) out[`${prefix}.${k}`] = v;
}

function effectOf(yi: number, vi: number): ComputedEffect {
  const se = Math.sqrt(vi);
  return { yi, vi, se, ciLower: yi - 1.959963984540054 * se, ciUpper: yi + 1.959963984540054 * se };
}

/**
 * Validate a form against the shared schema and the review's rules and convert it.
 * `input` is unknown (a draft or an API body): shape errors are reported with their paths.
 * Whatever is already computable is computed even while other parts are missing or wrong (an
 * unfinished RoB section never hides an outcome row's effect size).
 */
export function buildExtraction(input: unknown, review: Review): ExtractionResult {
  const strict = ExtractionFormSchema.safeParse(input);
  let draft: DraftForm;
  const errors: FieldError[] = [];
  if (strict.success) draft = strict.data;
  else {
    const loose = DraftFormSchema.safeParse(input);
    if (!loose.success) return { errors: issuesToFields(loose.error.issues), outcomes: [] };
    draft = loose.data;
    errors.push(...issuesToFields(strict.error.issues));
  }
  const push = (e: FieldError) => {
    if (!errors.some((x) => x.path === e.path)) errors.push(e);
  };
  // The parts that are complete enough to check and convert.
  const formArms = (draft.arms ?? []).flatMap((a) => {
    const r = ArmSchema.safeParse(a);
    return r.success ? [r.data] : [];
  });
  const formOutcomes = (draft.outcomes ?? []).map((o) => {
    const r = FormOutcomeSchema.safeParse(o);
    return r.success ? r.data : undefined;
  });

  // Arms
  const armIds = new Map<string, (typeof formArms)[number]>();
  formArms.forEach((a, i) => {
    const p = `arms[${i}]`;
    if (armIds.has(a.id)) push({ path: `${p}.id`, message: `duplicate arm id "${a.id}"` });
    armIds.set(a.id, a);
    if (a.nRandomised !== undefined && a.nAnalysed !== undefined && a.nAnalysed > a.nRandomised)
      push({ path: `${p}.nAnalysed`, message: `n analysed (${a.nAnalysed}) cannot exceed n randomised (${a.nRandomised})` });
    if (a.nRandomised !== undefined && a.dropouts !== undefined && a.dropouts > a.nRandomised)
      push({ path: `${p}.dropouts`, message: `dropouts (${a.dropouts}) cannot exceed n randomised (${a.nRandomised})` });
  });

  // Outcomes
  const outcomes: ExtractionResult['outcomes'] = [];
  const data: OutcomeData[] = [];
  const seen = new Set<string>();
  if ((draft.outcomes ?? []).length === 0) push({ path: 'outcomes', message: 'at least one outcome is required' });
  formOutcomes.forEach((o, i) => {
    if (!o) {
      outcomes.push(null);
      return;
    }
    const p = `outcomes[${i}]`;
    const rowErrors: FieldError[] = [];
    const row = convertRow(o, p, review, armIds, rowErrors);
    const key = `${o.outcome}|${o.timepoint.trim().toLowerCase()}|${(row?.data.instrument ?? o.instrument).toLowerCase()}|${o.interventionArm ?? ''}|${o.controlArm ?? ''}`;
    if (seen.has(key)) rowErrors.push({ path: p, message: 'duplicate outcome × time point × instrument × arms row' });
    seen.add(key);
    rowErrors.forEach(push);
    if (row && rowErrors.length === 0) {
      data.push(row.data);
      outcomes.push(row);
    } else outcomes.push(null);
  });

  // Risk of bias: RoB 2's algorithm proposes the overall judgement (rob2.ts).
  let robOverall: RobJudgement | undefined;
  let rob: Extraction['rob'] | undefined;
  if (draft.rob) {
    if ((draft.rob.tool ?? 'rob2') === 'rob2') {
      const r = decideRob2(draft.rob.domains ?? {}, draft.rob.overall, draft.rob.overrideReason);
      r.errors.forEach(push);
      if (r.decision) {
        robOverall = r.decision.overall;
        rob = {
          tool: 'rob2',
          domains: draft.rob.domains ?? {},
          overall: r.decision.overall,
          proposed: r.decision.proposed,
          basis: r.decision.basis,
          ...(r.decision.basis === 'override' || (r.decision.basis === 'several-concerns' && draft.rob.overrideReason?.trim()) ? { overrideReason: draft.rob.overrideReason!.trim() } : {}),
        };
      }
    } else if (draft.rob.overall === undefined) push({ path: 'rob.overall', message: 'required (RoB 1 has no algorithm to propose it)' });
    else {
      robOverall = draft.rob.overall;
      rob = { tool: 'rob1', domains: draft.rob.domains ?? {}, overall: draft.rob.overall };
    }
  }

  // Moderators: the review's, except those derived from a fact entered elsewhere (facts.ts).
  const mods = new Map(review.moderators.map((m) => [m.id, m]));
  const derived = derivedModerators(review);
  for (const [id, v] of Object.entries(draft.moderators ?? {})) {
    const m = mods.get(id);
    const p = `moderators[${JSON.stringify(id)}]`;
    const fact = derived.get(id);
    if (!m) push({ path: p, message: `unknown moderator (review moderators: ${[...mods.keys()].join(', ') || 'none'})` });
    else if (fact) {
      const own = fact === 'year' ? draft.year : robOverall;
      if (own !== undefined && own !== v) push({ path: p, message: `entered once, as "${FACT_FIELD[fact].label}" (${String(own)}): leave this moderator out` });
    } else if (m.type === 'numeric' && typeof v !== 'number') push({ path: p, message: `must be a number (${m.unit})` });
    else if (m.type === 'categorical' && !m.levels.some((l) => l.id === v)) push({ path: p, message: `must be one of ${m.levels.map((l) => l.id).join(', ')}` });
  }

  if (errors.length || !strict.success) return { errors, outcomes };
  const form = strict.data;
  const candidate = {
    arms: form.arms,
    outcomes: data,
    moderators: withDerivedModerators(review, form.moderators, { ...(form.year !== undefined ? { year: form.year } : {}), ...(robOverall ? { robOverall } : {}) }),
    ...(rob ? { rob } : {}),
    ...(form.notes !== undefined ? { notes: form.notes } : {}),
    ...(form.sourceLocation !== undefined ? { sourceLocation: form.sourceLocation } : {}),
    ...(form.year !== undefined ? { year: form.year } : {}),
  };
  const checked = ExtractionSchema.safeParse(candidate);
  if (!checked.success) return { errors: issuesToFields(checked.error.issues), outcomes };
  return { extraction: checked.data, errors: [], outcomes };
}

/** One outcome row: review rules, arm references, conversion and effect (errors into `errors`). */
function convertRow(
  o: FormOutcome,
  p: string,
  review: Review,
  armIds: ReadonlyMap<string, { id: string; role: string; nRandomised?: number }>,
  errors: FieldError[],
): { data: OutcomeData; effect: ComputedEffect } | undefined {
  const start = errors.length;
  const reviewOutcome = review.outcomes.find((x) => x.id === o.outcome);
  let instrument = o.instrument;
  if (!reviewOutcome) errors.push({ path: `${p}.outcome`, message: `must be one of ${review.outcomes.map((x) => x.id).join(', ')}` });
  else {
    // An instrument outside the review's list is kept as typed ("other"): it enters no analysis
    // until a lead maps it (core/analysis/entry.ts says so in the preview and on the public page).
    const ins = findInstrument(review, o.outcome, o.instrument);
    if (ins) instrument = ins.name;
  }
  const armRef = (field: 'interventionArm' | 'controlArm', role: 'intervention' | 'control') => {
    const id = o[field];
    if (id === undefined) return undefined;
    const arm = armIds.get(id);
    if (!arm) errors.push({ path: `${p}.${field}`, message: `no arm "${id}" among the arms above` });
    else if (arm.role !== role) errors.push({ path: `${p}.${field}`, message: `arm "${id}" is not an ${role} arm` });
    return arm;
  };
  const a1 = armRef('interventionArm', 'intervention');
  const a2 = armRef('controlArm', 'control');

  const conversions: string[] = [];
  const raw: Record<string, number | string | null> = { format: o.format };
  let od: OutcomeData | undefined;
  let effect: ComputedEffect | undefined;
  if (o.format === 'effect') {
    if (o.yi === undefined) errors.push({ path: `${p}.yi`, message: 'required' });
    if (o.vi === undefined && o.se === undefined) errors.push({ path: `${p}.vi`, message: 'required (or the SE)' });
    if (o.vi !== undefined && !(o.vi > 0)) errors.push({ path: `${p}.vi`, message: 'must be greater than 0' });
    if (o.se !== undefined && !(o.se > 0)) errors.push({ path: `${p}.se`, message: 'must be greater than 0' });
    if (errors.length === start) {
      const vi = o.vi ?? o.se! * o.se!;
      if (o.vi === undefined) conversions.push('variance from SE (vi = SE²)');
      raw.yi = o.yi!;
      if (o.vi !== undefined) raw.vi = o.vi;
      if (o.se !== undefined) raw.se = o.se;
      od = { outcome: o.outcome, timepoint: o.timepoint, instrument, yi: o.yi!, vi };
      effect = effectOf(o.yi!, vi);
    }
  } else {
    const g1 = armToMeanSd(o.format, o.intervention, `${p}.intervention`, errors, conversions, 'intervention');
    const g2 = armToMeanSd(o.format, o.control, `${p}.control`, errors, conversions, 'control');
    for (const [g, arm, field] of [
      [g1, a1, 'intervention'],
      [g2, a2, 'control'],
    ] as const) {
      if (g && arm?.nRandomised !== undefined && g.n > arm.nRandomised)
        errors.push({ path: `${p}.${field}.n`, message: `n analysed (${g.n}) cannot exceed n randomised of arm "${arm.id}" (${arm.nRandomised})` });
    }
    if (g1 && g2 && errors.length === start) {
      rawOf('intervention', o.intervention, raw);
      rawOf('control', o.control, raw);
      od = { outcome: o.outcome, timepoint: o.timepoint, instrument, n1: g1.n, m1: g1.m, sd1: g1.sd, n2: g2.n, m2: g2.m, sd2: g2.sd };
      const es = escalcSMD({ n1: g1.n, m1: g1.m, sd1: g1.sd, n2: g2.n, m2: g2.m, sd2: g2.sd });
      if (Number.isFinite(es.yi) && Number.isFinite(es.vi) && es.vi > 0) effect = effectOf(es.yi, es.vi);
      else errors.push({ path: p, message: 'effect size not computable from these numbers' });
    }
  }
  if (!od || !effect || errors.length > start) return undefined;
  if (o.interventionArm) od.interventionArm = o.interventionArm;
  if (o.controlArm) od.controlArm = o.controlArm;
  if (conversions.length) od.conversions = conversions;
  od.raw = raw;
  if (o.source) od.source = o.source;
  return { data: od, effect };
}

/** Pre-fill a form from analysable OutcomeData (e.g. a poller's proposedExtraction from ClinicalTrials.gov). */
export function formFromOutcomeData(proposed: readonly OutcomeData[] | undefined, arms: Extraction['arms'] = []): ExtractionForm {
  const outcomes: FormOutcome[] = (proposed ?? []).map((o) =>
    o.n1 !== undefined && o.m1 !== undefined && o.sd1 !== undefined && o.n2 !== undefined && o.m2 !== undefined && o.sd2 !== undefined
      ? {
          outcome: o.outcome,
          timepoint: o.timepoint,
          instrument: o.instrument,
          ...(o.interventionArm ? { interventionArm: o.interventionArm } : {}),
          ...(o.controlArm ? { controlArm: o.controlArm } : {}),
          format: 'mean-sd' as const,
          intervention: { n: o.n1, mean: o.m1, sd: o.sd1 },
          control: { n: o.n2, mean: o.m2, sd: o.sd2 },
          ...(o.source ? { source: o.source } : {}),
        }
      : {
          outcome: o.outcome,
          timepoint: o.timepoint,
          instrument: o.instrument,
          format: 'effect' as const,
          ...(o.yi !== undefined ? { yi: o.yi } : {}),
          ...(o.vi !== undefined ? { vi: o.vi } : {}),
          ...(o.source ? { source: o.source } : {}),
        },
  );
  return { arms: arms.length ? [...arms] : armsOfRows(proposed ?? []), outcomes, moderators: {} };
}

/** The arms a proposal's rows name (registry group ids, with the group titles as names). */
function armsOfRows(rows: readonly OutcomeData[]): Extraction['arms'] {
  const out = new Map<string, Extraction['arms'][number]>();
  for (const o of rows)
    for (const [id, role, title] of [
      [o.interventionArm, 'intervention', o.raw?.interventionGroup],
      [o.controlArm, 'control', o.raw?.controlGroup],
    ] as const)
      if (id && !out.has(id)) out.set(id, { id, label: (typeof title === 'string' && title.trim() ? title.trim() : id).slice(0, 500), role });
  return [...out.values()];
}

/** Form of an accepted extraction (for corrections after a reinstatement). */
export function formFromExtraction(e: Extraction): ExtractionForm {
  const f = formFromOutcomeData(e.outcomes, e.arms);
  return {
    ...f,
    moderators: { ...e.moderators },
    ...(e.rob ? { rob: e.rob } : {}),
    ...(e.notes !== undefined ? { notes: e.notes } : {}),
    ...(e.sourceLocation !== undefined ? { sourceLocation: e.sourceLocation } : {}),
    ...(e.year !== undefined ? { year: e.year } : {}),
  };
}

export { compareDrafts, type FieldDifference } from './adjudicate.js';
