/**
 * Attrition (dropout) pooled for a review with `attrition.pool: true`. Pure.
 *
 * Input: the accepted studies' arms as extracted (`role`, `nRandomised`, `dropouts`). Per study, the
 * intervention arms of a multi-arm trial are combined by summing dropouts and randomised n (Cochrane
 * Handbook 6.5.2.10), and so are its control arms; an arm counts only with whole numbers
 * 0 ≤ dropouts ≤ nRandomised, nRandomised > 0 (an arm without them is left out, and a role without
 * any such arm leaves the study out of that role's analysis).
 *
 * Three random-effects models with the review's settings (method, CI type), as metafor does them:
 *  - the dropout proportion in the intervention arms and in the control arms:
 *    escalc(measure = "PLO") (½ added to a zero or full count), rma(), back-transformed as
 *    predict(transf = transf.ilogit);
 *  - the risk ratio of dropout, intervention vs control: escalc(measure = "RR", add = 1/2,
 *    to = "only0"; tables with no dropouts in either arm kept, drop00 = FALSE), rma(),
 *    back-transformed with exp.
 * A model needs k ≥ 2 studies; with fewer it is null and `notes` says so. Checked against metafor by
 * test/fixtures/attrition (scripts/fixtures/attrition.R).
 */
import { escalcPLO, escalcRR, predictInterval, rma, transfLogit, type Method, type Test } from '../meta/index.js';
import type { Arm } from '../evidence/candidate.js';
import type { Review } from '../reviews/index.js';

/** One study's arms (the caller picks which studies: accepted, not retracted). */
export interface AttritionInput {
  id: string;
  label: string;
  year?: number;
  arms: readonly Arm[] | unknown;
}

export interface RoleCounts {
  dropouts: number;
  /** randomised */
  n: number;
  /** how many arms of this role were combined */
  arms: number;
  /** dropouts / n */
  proportion: number;
  /** logit proportion and its variance (escalc PLO) */
  yi: number;
  vi: number;
  /** weight in percent in the pooled proportion (null when not pooled) */
  weight: number | null;
}

export interface AttritionStudyRow {
  id: string;
  label: string;
  year?: number;
  intervention: RoleCounts | null;
  control: RoleCounts | null;
  /** Risk ratio of dropout (intervention / control), log scale yi/vi plus the ratio with its 95 % Wald CI. */
  rr: { yi: number; vi: number; estimate: number; ciLower: number; ciUpper: number; weight: number | null } | null;
}

/** A pooled model: `estimate`… on the natural scale (proportion or ratio), `model` on metafor's scale. */
export interface PooledAttrition {
  k: number;
  estimate: number;
  ciLower: number;
  ciUpper: number;
  piLower: number | null;
  piUpper: number | null;
  tau2: number;
  i2: number;
  q: number;
  /** logit proportion or log risk ratio: metafor's analysis scale */
  model: { estimate: number; se: number; ciLower: number; ciUpper: number; piLower: number | null; piUpper: number | null };
}

export interface PooledProportion extends PooledAttrition {
  participants: number;
  dropouts: number;
}

export interface AttritionSnapshot {
  /** Studies with dropout data in at least one role. */
  k: number;
  /** Randomised participants in those studies (arms with dropout data). */
  participants: number;
  settings: { method: Method; ci: Test; level: number };
  intervention: PooledProportion | null;
  control: PooledProportion | null;
  rr: (PooledAttrition & { participants: number }) | null;
  studies: AttritionStudyRow[];
  /** "dropout: 24 % [19, 30] in the intervention arms; RR 1.31 [1.10, 1.56]" */
  sentence: string;
  /** What the numbers mean, in plain words. */
  reading: string;
  notes: string[];
}

const Z975 = 1.959963984540054;
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

function armsOf(raw: unknown): Arm[] {
  return Array.isArray(raw) ? raw.filter((a): a is Arm => a !== null && typeof a === 'object') : [];
}

function roleCounts(arms: Arm[], role: Arm['role']): Omit<RoleCounts, 'yi' | 'vi' | 'weight' | 'proportion'> | null {
  let dropouts = 0;
  let n = 0;
  let count = 0;
  for (const a of arms) {
    if (a.role !== role || !isCount(a.nRandomised) || !isCount(a.dropouts)) continue;
    if (a.nRandomised === 0 || a.dropouts > a.nRandomised) continue;
    dropouts += a.dropouts;
    n += a.nRandomised;
    count++;
  }
  return count ? { dropouts, n, arms: count } : null;
}

function withEffect(c: Omit<RoleCounts, 'yi' | 'vi' | 'weight' | 'proportion'> | null): RoleCounts | null {
  if (!c) return null;
  const e = escalcPLO(c.dropouts, c.n);
  return { ...c, proportion: c.dropouts / c.n, yi: e.yi, vi: e.vi, weight: null };
}

function fitModel(
  yi: number[],
  vi: number[],
  s: AttritionSnapshot['settings'],
  back: (x: number) => number,
): { pooled: PooledAttrition; weights: number[] } | { error: string } {
  try {
    const fit = rma(yi, vi, { method: s.method, test: s.ci, level: s.level });
    const pi = predictInterval(fit);
    const ok = (x: number | null) => (x === null || !Number.isFinite(x) ? null : x);
    const model = {
      estimate: fit.beta[0],
      se: fit.se[0],
      ciLower: fit.ciLb[0],
      ciUpper: fit.ciUb[0],
      piLower: ok(pi.piLb),
      piUpper: ok(pi.piUb),
    };
    if (![model.estimate, model.se, model.ciLower, model.ciUpper].every(Number.isFinite)) return { error: 'model not estimable' };
    return {
      pooled: {
        k: yi.length,
        estimate: back(model.estimate),
        ciLower: back(model.ciLower),
        ciUpper: back(model.ciUpper),
        piLower: model.piLower === null ? null : back(model.piLower),
        piUpper: model.piUpper === null ? null : back(model.piUpper),
        tau2: fit.tau2,
        i2: fit.I2,
        q: fit.QE,
        model,
      },
      weights: fit.weights,
    };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** 0.2412 → "24 %"; below 10 % one decimal ("4.5 %"). */
export function formatPercent(p: number): string {
  const x = p * 100;
  return x < 10 ? x.toFixed(1) : x.toFixed(0);
}

function propText(p: PooledProportion, where: string): string {
  return `${formatPercent(p.estimate)} % [${formatPercent(p.ciLower)}, ${formatPercent(p.ciUpper)}] in the ${where} arms`;
}

/** The review's attrition, or null when the review does not pool it. */
export function poolAttrition(review: Review, studies: readonly AttritionInput[]): AttritionSnapshot | null {
  if (!review.attrition.pool) return null;
  const settings = { method: review.analysis.method as Method, ci: review.analysis.ci as Test, level: 0.95 };
  const rows: AttritionStudyRow[] = [];
  for (const s of studies) {
    const arms = armsOf(s.arms);
    const ic = roleCounts(arms, 'intervention');
    const cc = roleCounts(arms, 'control');
    if (!ic && !cc) continue;
    let rr: AttritionStudyRow['rr'] = null;
    if (ic && cc) {
      const e = escalcRR({ ai: ic.dropouts, n1: ic.n, ci: cc.dropouts, n2: cc.n });
      const se = Math.sqrt(e.vi);
      rr = { yi: e.yi, vi: e.vi, estimate: Math.exp(e.yi), ciLower: Math.exp(e.yi - Z975 * se), ciUpper: Math.exp(e.yi + Z975 * se), weight: null };
    }
    rows.push({ id: s.id, label: s.label, ...(s.year !== undefined ? { year: s.year } : {}), intervention: withEffect(ic), control: withEffect(cc), rr });
  }
  rows.sort((a, b) => (a.year ?? 9999) - (b.year ?? 9999) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  const notes: string[] = [];
  const proportion = (role: 'intervention' | 'control'): PooledProportion | null => {
    const with_ = rows.filter((r) => r[role] !== null);
    if (with_.length < 2) {
      if (rows.length) notes.push(`${role} arms: ${with_.length} stud${with_.length === 1 ? 'y' : 'ies'} with dropout data — not pooled (needs 2)`);
      return null;
    }
    const res = fitModel(with_.map((r) => r[role]!.yi), with_.map((r) => r[role]!.vi), settings, transfLogit);
    if ('error' in res) {
      notes.push(`${role} arms: ${res.error}`);
      return null;
    }
    with_.forEach((r, i) => (r[role]!.weight = res.weights[i]));
    return {
      ...res.pooled,
      participants: with_.reduce((t, r) => t + r[role]!.n, 0),
      dropouts: with_.reduce((t, r) => t + r[role]!.dropouts, 0),
    };
  };
  const intervention = proportion('intervention');
  const control = proportion('control');
  let rr: AttritionSnapshot['rr'] = null;
  const both = rows.filter((r) => r.rr !== null);
  if (both.length >= 2) {
    const res = fitModel(both.map((r) => r.rr!.yi), both.map((r) => r.rr!.vi), settings, Math.exp);
    if ('error' in res) notes.push(`risk ratio: ${res.error}`);
    else {
      both.forEach((r, i) => (r.rr!.weight = res.weights[i]));
      rr = { ...res.pooled, participants: both.reduce((t, r) => t + r.intervention!.n + r.control!.n, 0) };
    }
  } else if (rows.length) notes.push(`risk ratio: ${both.length} stud${both.length === 1 ? 'y' : 'ies'} with dropouts in both arms — not pooled (needs 2)`);

  const participants = rows.reduce((t, r) => t + (r.intervention?.n ?? 0) + (r.control?.n ?? 0), 0);
  const parts: string[] = [];
  if (intervention) parts.push(propText(intervention, 'intervention'));
  if (control) parts.push(propText(control, 'control'));
  const rrText = rr ? `RR ${rr.estimate.toFixed(2)} [${rr.ciLower.toFixed(2)}, ${rr.ciUpper.toFixed(2)}]` : null;
  const sentence = rows.length === 0
    ? 'dropout: no accepted trial reports dropouts per arm yet'
    : parts.length || rrText
      ? `dropout: ${parts.join(' and ') || 'not pooled'}${rrText ? `; ${rrText}` : ''}`
      : `dropout: ${rows.length} stud${rows.length === 1 ? 'y reports' : 'ies report'} dropouts per arm; too few to pool`;
  return { k: rows.length, participants, settings, intervention, control, rr, studies: rows, sentence, reading: readingOf(intervention, rr), notes };
}

/** Plain words: how many leave, and whether they leave the intervention more often than the control. */
function readingOf(intervention: PooledProportion | null, rr: AttritionSnapshot['rr']): string {
  const out: string[] = [];
  if (intervention) {
    const per10 = Math.round(intervention.estimate * 10);
    out.push(
      `About ${per10 === 0 ? 'fewer than 1' : per10} in 10 people randomised to the intervention did not complete the outcome assessment (pooled over ${intervention.k} trials).`,
    );
  }
  if (rr) {
    const where = rr.ciLower > 1 ? 'more often from the intervention than from the control arms' : rr.ciUpper < 1 ? 'less often from the intervention than from the control arms' : 'about as often from the intervention as from the control arms (the interval includes 1)';
    out.push(`A risk ratio above 1 means more dropout with the intervention; here participants dropped out ${where}.`);
  }
  return out.join(' ');
}
