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

export const RobFormSchema = z.strictObject({
  tool: z.enum(['rob2', 'rob1']).default('rob2'),
  domains: z.record(z.string().min(1).max(60), z.enum(ROB_JUDGEMENTS)),
  overall: z.enum(ROB_JUDGEMENTS),
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

/** RoB 2 domains for randomised trials (Sterne et al. 2019). */
export const ROB2_DOMAINS = [
  { id: 'D1', label: 'Randomisation process' },
  { id: 'D2', label: 'Deviations from intended interventions' },
  { id: 'D3', label: 'Missing outcome data' },
  { id: 'D4', label: 'Measurement of the outcome' },
  { id: 'D5', label: 'Selection of the reported result' },
] as const;

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
 */
export function buildExtraction(input: unknown, review: Review): ExtractionResult {
  const parsed = ExtractionFormSchema.safeParse(input);
  if (!parsed.success) {
    return { errors: issuesToFields(parsed.error.issues), outcomes: [] };
  }
  const form = parsed.data;
  const errors: FieldError[] = [];

  // Arms
  const armIds = new Map<string, (typeof form.arms)[number]>();
  form.arms.forEach((a, i) => {
    const p = `arms[${i}]`;
    if (armIds.has(a.id)) errors.push({ path: `${p}.id`, message: `duplicate arm id "${a.id}"` });
    armIds.set(a.id, a);
    if (a.nRandomised !== undefined && a.nAnalysed !== undefined && a.nAnalysed > a.nRandomised)
      errors.push({ path: `${p}.nAnalysed`, message: `n analysed (${a.nAnalysed}) cannot exceed n randomised (${a.nRandomised})` });
    if (a.nRandomised !== undefined && a.dropouts !== undefined && a.dropouts > a.nRandomised)
      errors.push({ path: `${p}.dropouts`, message: `dropouts (${a.dropouts}) cannot exceed n randomised (${a.nRandomised})` });
  });

  // Outcomes
  const outcomes: ExtractionResult['outcomes'] = [];
  const data: OutcomeData[] = [];
  const seen = new Set<string>();
  if (form.outcomes.length === 0) errors.push({ path: 'outcomes', message: 'at least one outcome is required' });
  form.outcomes.forEach((o, i) => {
    const p = `outcomes[${i}]`;
    const start = errors.length;
    const reviewOutcome = review.outcomes.find((x) => x.id === o.outcome);
    let instrument = o.instrument;
    if (!reviewOutcome) {
      errors.push({ path: `${p}.outcome`, message: `must be one of ${review.outcomes.map((x) => x.id).join(', ')}` });
    } else {
      const ins = findInstrument(review, o.outcome, o.instrument);
      if (!ins) errors.push({ path: `${p}.instrument`, message: `not an instrument of outcome "${o.outcome}" (${reviewOutcome.instruments.map((x) => x.name).join(', ')})` });
      else instrument = ins.name;
    }
    const armRef = (field: 'interventionArm' | 'controlArm', role: 'intervention' | 'control') => {
      const id = o[field];
      if (id === undefined) return undefined;
      const arm = armIds.get(id);
      if (!arm) errors.push({ path: `${p}.${field}`, message: `unknown arm "${id}"` });
      else if (arm.role !== role) errors.push({ path: `${p}.${field}`, message: `arm "${id}" is not an ${role} arm` });
      return arm;
    };
    const a1 = armRef('interventionArm', 'intervention');
    const a2 = armRef('controlArm', 'control');
    const key = `${o.outcome}|${o.timepoint.trim().toLowerCase()}|${instrument.toLowerCase()}|${o.interventionArm ?? ''}|${o.controlArm ?? ''}`;
    if (seen.has(key)) errors.push({ path: p, message: 'duplicate outcome × timepoint × instrument × arms row' });
    seen.add(key);

    const conversions: string[] = [];
    const raw: Record<string, number | string | null> = { format: o.format };
    let od: OutcomeData | undefined;
    let effect: ComputedEffect | undefined;
    if (o.format === 'effect') {
      if (o.yi === undefined) errors.push({ path: `${p}.yi`, message: 'required' });
      if (o.vi === undefined && o.se === undefined) errors.push({ path: `${p}.vi`, message: 'required (or se)' });
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
    if (od && effect && errors.length === start) {
      if (o.interventionArm) od.interventionArm = o.interventionArm;
      if (o.controlArm) od.controlArm = o.controlArm;
      if (conversions.length) od.conversions = conversions;
      od.raw = raw;
      if (o.source) od.source = o.source;
      data.push(od);
      outcomes.push({ data: od, effect });
    } else outcomes.push(null);
  });

  // Moderators
  const mods = new Map(review.moderators.map((m) => [m.id, m]));
  for (const [id, v] of Object.entries(form.moderators)) {
    const m = mods.get(id);
    const p = `moderators[${JSON.stringify(id)}]`;
    if (!m) errors.push({ path: p, message: `unknown moderator (review moderators: ${[...mods.keys()].join(', ') || 'none'})` });
    else if (m.type === 'numeric' && typeof v !== 'number') errors.push({ path: p, message: `must be a number (${m.unit})` });
    else if (m.type === 'categorical' && !m.levels.some((l) => l.id === v))
      errors.push({ path: p, message: `must be one of ${m.levels.map((l) => l.id).join(', ')}` });
  }

  // Risk of bias
  if (form.rob?.tool === 'rob2') {
    const known = new Set<string>(ROB2_DOMAINS.map((d) => d.id));
    for (const d of Object.keys(form.rob.domains)) if (!known.has(d)) errors.push({ path: `rob.domains.${d}`, message: 'not a RoB 2 domain (D1–D5)' });
  }

  if (errors.length) return { errors, outcomes };
  const candidate = {
    arms: form.arms,
    outcomes: data,
    moderators: form.moderators,
    ...(form.rob ? { rob: form.rob } : {}),
    ...(form.notes !== undefined ? { notes: form.notes } : {}),
    ...(form.sourceLocation !== undefined ? { sourceLocation: form.sourceLocation } : {}),
    ...(form.year !== undefined ? { year: form.year } : {}),
  };
  const checked = ExtractionSchema.safeParse(candidate);
  if (!checked.success) return { errors: issuesToFields(checked.error.issues), outcomes };
  return { extraction: checked.data, errors: [], outcomes };
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
  return { arms: [...arms], outcomes, moderators: {} };
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

export interface FieldDifference {
  path: string;
  values: Record<string, unknown>;
}

/** Compare two or more extractors' drafts field by field (leaves of the JSON trees). */
export function compareDrafts(drafts: Record<string, unknown>): FieldDifference[] {
  const flat = new Map<string, Map<string, unknown>>();
  const walk = (who: string, v: unknown, path: string, depth = 0) => {
    if (depth > 20) set(who, path, '(nested too deeply)');
    else if (v !== null && typeof v === 'object') {
      const entries = Array.isArray(v) ? v.map((x, i) => [`[${i}]`, x] as const) : Object.entries(v).map(([k, x]) => [path ? `.${k}` : k, x] as const);
      if (entries.length === 0) set(who, path, Array.isArray(v) ? '[]' : '{}');
      for (const [k, x] of entries) walk(who, x, `${path}${k}`, depth + 1);
    } else set(who, path, v);
  };
  const set = (who: string, path: string, v: unknown) => {
    let m = flat.get(path);
    if (!m) flat.set(path, (m = new Map()));
    m.set(who, v);
  };
  const people = Object.keys(drafts);
  for (const who of people) walk(who, drafts[who], '');
  const out: FieldDifference[] = [];
  for (const [path, m] of flat) {
    const vals = people.map((p) => m.get(p));
    if (vals.some((v) => v !== vals[0])) out.push({ path, values: Object.fromEntries(people.map((p) => [p, m.get(p)])) });
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}
