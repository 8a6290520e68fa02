/**
 * What the numbers of one snapshot mean, for the public pages: the hooks `buildSnapshot` calls to
 * fill the issue 11 fields (certainty, plain language, risk of bias, low-risk-only sensitivity
 * analysis, meta-regression coverage, display rules, headline, evidence map, unique study labels).
 * Pure. The rules are stated in docs/methods.md.
 */
import { analyze, type AnalysisRequest, type AnalysisResult } from '../meta/index.js';
import type { Candidate } from '../evidence/candidate.js';
import type { Outcome, Review } from '../reviews/index.js';
import { certaintyOf, GRADE_RULES } from './grade.js';
import { plainLanguage, sizeOf, sizeThresholds } from './plain-language.js';
import { signedFixed } from './numbers.js';
import { inSentence } from '../evidence/text.js';
import {
  ROB_DOMAINS,
  type Certainty,
  type DisplayRules,
  type EvidenceMap,
  type GradeJudgement,
  type Headline,
  type LowRiskOnly,
  type MetaRegressionInfo,
  type PlainLanguage,
  type RobDomains,
  type RobJudgement,
  type RobSummaryRow,
} from './fields.js';

/** Minimum k for a prediction interval, a subgroup test and a small-study test to be shown as findings. */
export const DISPLAY_RULES = { predictionIntervalK: 3, subgroupTestK: 10, subgroupLevelK: 2, smallStudyK: GRADE_RULES.smallStudyK } as const;

export const ROB_LABELS: Record<RobSummaryRow['domain'], string> = {
  D1: 'Randomisation process',
  D2: 'Deviations from intended interventions',
  D3: 'Missing outcome data',
  D4: 'Measurement of the outcome',
  D5: 'Selection of the reported result',
  overall: 'Overall risk of bias',
};

// ------------------------------------------------------------------ study labels

/**
 * Labels unique within a review: studies sharing a label ("Dahne 2019") get a, b, c… in the order
 * of their study ids ("Dahne 2019a", "Dahne 2019b"), so re-runs agree.
 */
export function uniqueLabels(studies: readonly { id: string; label: string }[]): Map<string, string> {
  const groups = new Map<string, string[]>();
  for (const s of studies) {
    const g = groups.get(s.label);
    if (g) g.push(s.id);
    else groups.set(s.label, [s.id]);
  }
  const out = new Map<string, string>();
  for (const [label, ids] of groups) {
    const unique = [...new Set(ids)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    unique.forEach((id, i) => out.set(id, unique.length === 1 ? label : `${label}${suffix(i)}`));
  }
  return out;
}

/** 0 → a, 25 → z, 26 → aa … */
function suffix(i: number): string {
  let s = '';
  let n = i;
  do {
    s = String.fromCharCode(97 + (n % 26)) + s;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return s;
}

// ------------------------------------------------------------------ risk of bias

export function robOf(c: Pick<Candidate, 'extraction'>): RobDomains | undefined {
  const rob = c.extraction?.rob;
  if (!rob) return undefined;
  const out: RobDomains = {};
  for (const d of ROB_DOMAINS) {
    const j = Object.hasOwn(rob.domains, d) ? rob.domains[d] : undefined;
    if (j) out[d] = j;
  }
  out.overall = rob.overall;
  return out;
}

/** Percent of the analysis weight per judgement, per RoB 2 domain and overall; null without weights or RoB. */
export function robSummary(rows: readonly { weight: number | null; rob?: RobDomains }[]): RobSummaryRow[] | null {
  const total = rows.reduce((s, r) => s + (r.weight ?? 0), 0);
  if (!(total > 0) || !rows.some((r) => r.rob)) return null;
  return ([...ROB_DOMAINS, 'overall'] as const).map((d) => {
    const acc = { low: 0, some: 0, high: 0, missing: 0 };
    for (const r of rows) {
      const j: RobJudgement | undefined = r.rob?.[d];
      acc[j ?? 'missing'] += r.weight ?? 0;
    }
    return {
      domain: d,
      label: ROB_LABELS[d],
      low: (100 * acc.low) / total,
      some: (100 * acc.some) / total,
      high: (100 * acc.high) / total,
      missing: (100 * acc.missing) / total,
    };
  });
}

// ------------------------------------------------------------------ display rules

/**
 * The Q-profile search in core/meta/rma.ts (confintTau2) looks for the τ² bounds up to
 * max(100, 10·τ²); an upper bound equal to that limit means "above the limit", not a bound.
 */
export function tau2UpperAtLimit(r: Pick<AnalysisResult, 'tau2' | 'tau2CiUpper'>): boolean {
  if (r.tau2CiUpper === null || r.tau2 === null) return false;
  const limit = Math.max(100, 10 * r.tau2);
  return Math.abs(r.tau2CiUpper - limit) <= 1e-9 * limit;
}

export function displayRules(result: AnalysisResult | null, subgroupCount: number): DisplayRules {
  const k = result?.k ?? 0;
  const notes: string[] = [];
  const hasPi = result?.piLower !== null && result?.piLower !== undefined;
  const predictionInterval = hasPi && k >= DISPLAY_RULES.predictionIntervalK;
  if (result && k >= 2 && !predictionInterval)
    notes.push(
      `The prediction interval is not shown as a finding: with ${k} studies it says almost nothing about where the effect of a new study would lie (we show it from ${DISPLAY_RULES.predictionIntervalK} studies).`,
    );
  const subgroupTests = k >= DISPLAY_RULES.subgroupTestK;
  if (subgroupCount > 0 && !subgroupTests)
    notes.push(
      `Tests for differences between subgroups are shown for information only: with ${k} studies (fewer than ${DISPLAY_RULES.subgroupTestK}) they cannot reliably detect or rule out differences.`,
    );
  const smallStudyTests = k >= DISPLAY_RULES.smallStudyK && result?.egger !== null && result?.egger !== undefined;
  if (result && k >= 3 && k < DISPLAY_RULES.smallStudyK)
    notes.push(`Egger's test and trim-and-fill are not shown as findings: they need at least ${DISPLAY_RULES.smallStudyK} studies to mean something.`);
  const atLimit = result ? tau2UpperAtLimit(result) : false;
  if (atLimit) notes.push('The upper limit of the τ² confidence interval is above the search limit (100): the data cannot tell how large the between-study variance is ("> 100", not estimable).');
  return { predictionInterval, subgroupTests, smallStudyTests, tau2UpperAtLimit: atLimit, notes };
}

// ------------------------------------------------------------------ subgroups and meta-regression

export function levelLabels(review: Review, moderatorId: string, levels: readonly string[]): { level: string; label: string }[] {
  const mod = review.moderators.find((m) => m.id === moderatorId);
  const known = new Map(mod?.type === 'categorical' ? mod.levels.map((l) => [l.id, l.label] as const) : []);
  return levels.map((level) => ({ level, label: known.get(level) ?? level }));
}

interface RowLike {
  id: string;
  label: string;
  moderators: Record<string, string | number>;
}

/**
 * Meta-regression plan: the review's numeric moderators that at least one study has; a study
 * without a number for one of them is left out (as metafor drops rows with NA). Returns the
 * moderators and each study's moderators with non-numbers of those moderators removed.
 */
export function metaRegressionPlan(review: Review, rows: readonly RowLike[]): { moderators: string[]; kUsed: number; moderatorsOf: (r: RowLike) => Record<string, string | number> } {
  const mods = (review.metaRegression ?? []).filter((m) => rows.some((r) => Object.hasOwn(r.moderators, m) && typeof r.moderators[m] === 'number'));
  const has = (r: RowLike) => mods.every((m) => Object.hasOwn(r.moderators, m) && typeof r.moderators[m] === 'number');
  const drop = new Set(mods);
  return {
    moderators: mods,
    kUsed: rows.filter(has).length,
    moderatorsOf: (r) => Object.fromEntries(Object.entries(r.moderators).filter(([k, v]) => !drop.has(k) || typeof v === 'number')),
  };
}

/** Whether the plan has enough studies to fit (more studies than coefficients + 1). */
export function canRegress(plan: { moderators: string[]; kUsed: number }): boolean {
  return plan.moderators.length > 0 && plan.kUsed > plan.moderators.length + 2;
}

export function metaRegressionInfo(review: Review, plan: { moderators: string[]; kUsed: number }, rows: readonly RowLike[], mr: AnalysisResult['metaRegression']): MetaRegressionInfo | null {
  if (!review.metaRegression?.length) return null;
  const labels = new Map(rows.map((r) => [r.id, r.label]));
  const names = plan.moderators.map((m) => review.moderators.find((x) => x.id === m)?.label ?? m);
  const leftOutIds = mr ? mr.excluded : rows.filter((r) => !plan.moderators.every((m) => typeof r.moderators[m] === 'number')).map((r) => r.id);
  const leftOut = leftOutIds.map((id) => labels.get(id) ?? id);
  const kUsed = mr ? mr.k : plan.kUsed;
  let note: string;
  if (!plan.moderators.length) note = 'No study reports the moderators of the meta-regression yet.';
  else if (!mr) note = `Not run: only ${kUsed} of ${rows.length} studies report ${names.join(' and ')}, too few to fit the model.`;
  else if (mr.error) note = `The meta-regression could not be fitted: ${mr.error}.`;
  else
    note =
      (leftOut.length ? `Run on the ${kUsed} of ${rows.length} studies that report ${names.join(' and ')}; ${leftOut.length} left out for lack of a value.` : `Run on all ${kUsed} studies.`) +
      (kUsed < DISPLAY_RULES.subgroupTestK ? ` With fewer than ${DISPLAY_RULES.subgroupTestK} studies it is shown for information only.` : '');
  return { moderators: plan.moderators, kUsed, kLeftOut: leftOut.length, leftOut, note };
}

// ------------------------------------------------------------------ low risk of bias only

export function lowRiskOnly(
  base: Omit<AnalysisRequest, 'studies'>,
  studies: AnalysisRequest['studies'],
  robById: ReadonlyMap<string, RobDomains | undefined>,
  main: AnalysisResult,
): { value: LowRiskOnly | null; note: string | null } {
  const assessed = studies.filter((s) => robById.get(s.id)?.overall);
  if (!assessed.length) return { value: null, note: null };
  const low = studies.filter((s) => robById.get(s.id)?.overall === 'low');
  if (low.length < 2)
    return { value: null, note: `No sensitivity analysis restricted to low risk of bias: ${low.length === 0 ? 'no study is' : 'only one study is'} at low risk of bias overall.` };
  const r = analyze({ ...base, studies: low });
  if (r.estimate === null || r.ciLower === null || r.ciUpper === null) return { value: null, note: 'The low-risk-of-bias sensitivity analysis could not be fitted.' };
  const all = low.length === studies.length;
  const note = all
    ? `All ${low.length} studies are at low risk of bias overall: the sensitivity analysis equals the main analysis.`
    : `${low.length} of ${studies.length} studies are at low risk of bias overall; restricted to them the pooled SMD is ${signedFixed(r.estimate, 2)} [${signedFixed(r.ciLower, 2)}, ${signedFixed(r.ciUpper, 2)}] against ${main.estimate === null ? '–' : signedFixed(main.estimate, 2)} with all studies.`;
  return { value: { k: low.length, estimate: r.estimate, ciLower: r.ciLower, ciUpper: r.ciUpper, note }, note: null };
}

// ------------------------------------------------------------------ certainty and plain language

export function outcomeReading(
  review: Review,
  outcome: Outcome,
  x: { k: number; participants: number | null; result: AnalysisResult | null; studies: readonly { weight: number | null; n?: number | null; rob?: RobDomains }[] },
  display: DisplayRules,
  judgements?: readonly GradeJudgement[],
): { certainty: Certainty | null; plainLanguage: PlainLanguage | null } {
  const r = x.result;
  if (!r || r.estimate === null || r.ciLower === null || r.ciUpper === null) return { certainty: null, plainLanguage: null };
  const s = outcome.direction === 'lower-is-better' ? -1 : 1;
  const b = (v: number) => s * v;
  const interval = (lo: number, hi: number) => (s === 1 ? [lo, hi] : [-hi, -lo]) as [number, number];
  const [ciLower, ciUpper] = interval(r.ciLower, r.ciUpper);
  const pi = display.predictionInterval && r.piLower !== null && r.piUpper !== null ? interval(r.piLower, r.piUpper) : null;
  const t = sizeThresholds(outcome.mid, outcome.thresholds);
  const certainty = certaintyOf(
    {
      k: x.k,
      estimate: b(r.estimate),
      ciLower,
      ciUpper,
      piLower: pi ? pi[0] : null,
      piUpper: pi ? pi[1] : null,
      i2: r.i2,
      participants: x.participants,
      participantsKnown: x.studies.reduce((a, st) => a + (st.n ?? 0), 0),
      ...(outcome.mid !== undefined ? { mid: outcome.mid } : {}),
      studies: x.studies.map((st) => ({ weight: st.weight, ...(st.rob?.overall ? { rob: st.rob.overall } : {}) })),
      eggerP: display.smallStudyTests && r.egger ? r.egger.pValue : null,
      trimFillEstimate: display.smallStudyTests && r.trimFill?.estimate != null ? b(r.trimFill.estimate) : null,
      sizeOf: (v) => (v <= -t.small ? 'harm' : sizeOf(v, t)),
      shownSign: s,
    },
    judgements,
  );
  const pl = plainLanguage({
    certainty: certainty.rating,
    estimate: r.estimate,
    ciLower: r.ciLower,
    ciUpper: r.ciUpper,
    direction: outcome.direction,
    outcomeLabel: outcome.label,
    ...(review.interventionLabel ? { subject: review.interventionLabel } : {}),
    ...(outcome.mid !== undefined ? { mid: outcome.mid } : {}),
    ...(outcome.thresholds ? { thresholds: outcome.thresholds } : {}),
    ...(outcome.reference ? { reference: outcome.reference } : {}),
  });
  return { certainty, plainLanguage: pl };
}

// ------------------------------------------------------------------ review level

export function headline(
  outcomes: readonly { id: string; label: string; primary: boolean; result: AnalysisResult | null; certainty: Certainty | null; plainLanguage: PlainLanguage | null }[],
  previous: { outcomes?: readonly { id: string; result?: AnalysisResult | null }[] } | null | undefined,
): Headline | null {
  const primary = outcomes.filter((o) => o.primary);
  const o = primary.find((p) => p.plainLanguage) ?? primary[0] ?? outcomes[0];
  if (!o) return null;
  const prev = previous?.outcomes?.find((p) => p.id === o.id)?.result?.estimate ?? null;
  return {
    outcomeId: o.id,
    label: o.label,
    sentence: o.plainLanguage?.sentence ?? `No trial has been pooled yet for ${inSentence(o.label)}.`,
    certainty: o.certainty?.rating ?? null,
    estimate: o.result?.estimate ?? null,
    previousEstimate: prev,
  };
}

const MAP_LABELS: Record<string, string> = { year: 'Year of publication', region: 'Region', population: 'Population', disorder: 'Disorder', interventionType: 'Intervention type' };

/** Studies by the review's map dimensions (levels and labels from the review file) and disorder × intervention type. */
export function evidenceMap(review: Review, studies: readonly { year?: number; moderators: Readonly<Record<string, string | number>> }[]): EvidenceMap | null {
  if (!review.map) return null;
  const valueOf = (s: (typeof studies)[number], dim: string): string | undefined => {
    if (dim === 'year') return s.year !== undefined ? String(s.year) : undefined;
    const v = Object.hasOwn(s.moderators, dim) ? s.moderators[dim] : undefined;
    return typeof v === 'string' ? v : undefined;
  };
  const levelsOf = (dim: string): { level: string; label: string }[] | null => {
    if (dim === 'year') {
      const years = [...new Set(studies.map((s) => s.year).filter((y): y is number => y !== undefined))].sort((a, b) => a - b);
      return years.map((y) => ({ level: String(y), label: String(y) }));
    }
    const mod = review.moderators.find((m) => m.id === dim);
    if (!mod || mod.type !== 'categorical') return null;
    const out = mod.levels.map((l) => ({ level: l.id, label: l.label }));
    const known = new Set(out.map((l) => l.level));
    for (const s of studies) {
      const v = valueOf(s, dim);
      if (v !== undefined && !known.has(v)) {
        known.add(v);
        out.push({ level: v, label: v });
      }
    }
    return out;
  };
  const dimensions: EvidenceMap['dimensions'] = [];
  for (const dim of review.map.dimensions) {
    const levels = levelsOf(dim);
    if (!levels) continue;
    const counts = new Map<string, number>();
    let unknown = 0;
    for (const s of studies) {
      const v = valueOf(s, dim);
      if (v === undefined) unknown++;
      else counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    const row = levels.map((l) => ({ ...l, studies: counts.get(l.level) ?? 0 }));
    if (unknown) row.push({ level: 'not-reported', label: 'Not reported', studies: unknown });
    dimensions.push({ id: dim, label: review.moderators.find((m) => m.id === dim)?.label ?? MAP_LABELS[dim] ?? dim, counts: row });
  }
  let cross: EvidenceMap['cross'] = null;
  const rowLevels = review.map.dimensions.includes('disorder') ? levelsOf('disorder') : null;
  const colLevels = review.map.dimensions.includes('interventionType') ? levelsOf('interventionType') : null;
  if (rowLevels && colLevels) {
    const ri = new Map(rowLevels.map((l, i) => [l.level, i]));
    const ci = new Map(colLevels.map((l, i) => [l.level, i]));
    const cells = rowLevels.map(() => colLevels.map(() => 0));
    for (const s of studies) {
      const r = ri.get(valueOf(s, 'disorder') ?? '');
      const c = ci.get(valueOf(s, 'interventionType') ?? '');
      if (r !== undefined && c !== undefined) cells[r][c]++;
    }
    cross = { rows: 'disorder', cols: 'interventionType', rowLabels: rowLevels, colLabels: colLevels, cells };
  }
  return dimensions.length ? { dimensions, cross } : null;
}
