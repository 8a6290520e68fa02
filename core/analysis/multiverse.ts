/**
 * How robust is an outcome's estimate? (issue 13 §6: multiverse / specification-curve analysis,
 * after Voracek et al. 2019 and Plessen et al.'s metaMultiverse.) The pooled SMD under every
 * combination of defensible analysis choices:
 *
 *   τ² estimator (REML, DL, PM) × CI (HKSJ, Wald) × several effects per study (combined with
 *   ρ = 0.2 / 0.6 / 0.8, three-level model, CHE-RVE) × risk of bias (all, excluding high, low only) ×
 *   outliers (all, excluding those whose CI does not overlap the pooled CI) × time point (post,
 *   longest follow-up) = 3 · 2 · 5 · 3 · 2 · 2 = 360 combinations.
 *
 * Not every combination exists: the three-level model and CHE-RVE are fitted by REML only (as
 * metafor's rma.mv; 96 combinations with DL or PM), and CHE-RVE always uses its cluster-robust CR2
 * t interval (12 combinations with "Wald" would repeat the HKSJ ones): these are "not applicable".
 * A combination whose data leave fewer than 2 studies, or whose model cannot be fitted, is "not
 * estimable"; both are counted with their reasons. Everything goes through core/meta's public
 * functions (rma, multilevel, cheRve, aggregateEffects). Pure.
 */
import { rma, RmaError, type MultilevelFit } from '../meta/index.js';
import { qnorm } from '../meta/special.js';
import { combineStudyEffects } from './study-effects.js';
import { conclusionOf, effectRows, fitDependent, type Conclusion, type StudyEffects } from './dependence-sensitivity.js';
import { displayed } from './versions.js';

export interface MultiverseOption { id: string; label: string }
export interface MultiverseDimension { id: string; label: string; options: MultiverseOption[] }

export const MULTIVERSE_DIMENSIONS: readonly MultiverseDimension[] = [
  { id: 'estimator', label: 'τ² estimator', options: [{ id: 'REML', label: 'REML' }, { id: 'DL', label: 'DerSimonian–Laird' }, { id: 'PM', label: 'Paule–Mandel' }] },
  { id: 'ci', label: 'Confidence interval', options: [{ id: 'knha', label: 'HKSJ' }, { id: 'z', label: 'Wald' }] },
  {
    id: 'dependence', label: 'Several effects of a study',
    options: [
      { id: 'aggregate-0.2', label: 'combined, ρ = 0.2' },
      { id: 'aggregate-0.6', label: 'combined, ρ = 0.6' },
      { id: 'aggregate-0.8', label: 'combined, ρ = 0.8' },
      { id: 'multilevel', label: 'three-level model' },
      { id: 'che-rve', label: 'CHE-RVE' },
    ],
  },
  { id: 'rob', label: 'Risk of bias', options: [{ id: 'all', label: 'all studies' }, { id: 'no-high', label: 'excluding high risk' }, { id: 'low', label: 'low risk only' }] },
  { id: 'outliers', label: 'Outliers', options: [{ id: 'kept', label: 'kept' }, { id: 'removed', label: 'removed' }] },
  { id: 'timepoint', label: 'Time point', options: [{ id: 'post', label: 'post-treatment' }, { id: 'follow-up', label: 'longest follow-up' }] },
];

/** One estimated specification. `choices` holds one option id per dimension, in MULTIVERSE_DIMENSIONS order. */
export interface Specification {
  choices: string[];
  /** studies in the model */
  k: number;
  /** effect-level rows in the model (= k when effects are combined per study) */
  effects: number;
  /** units (studies, or effects for the three-level and CHE-RVE models) removed as outliers */
  outliers: number;
  estimate: number;
  ciLower: number;
  ciUpper: number;
  conclusion: Conclusion;
}

export interface Multiverse {
  dimensions: MultiverseDimension[];
  /** all combinations of the options (360) */
  total: number;
  estimated: number;
  notApplicable: { count: number; reasons: Array<{ reason: string; count: number }> };
  notEstimable: { count: number; reasons: Array<{ reason: string; count: number }> };
  /** estimated specifications, sorted by estimate (ascending; ties by choices) */
  specifications: Specification[];
  /** index in `specifications` of the main analysis' own combination, when it is one of them */
  main: number | null;
  benefit: number;
  harm: number;
  unclear: number;
  /** estimates from the weakest to the strongest in the direction of benefit */
  weakest: number | null;
  strongest: number | null;
  /** "87% of 252 specifications find a benefit; estimates range from −0.41 to −0.72." */
  sentence: string;
  /** what was not computed, and how outliers are defined (for the page) */
  notes: string[];
}

export interface MultiverseInput {
  /** per study, its effects at the preferred time point (post) */
  post: readonly StudyEffects[];
  /** per study with follow-up data, its effects at its longest follow-up */
  followUp: readonly StudyEffects[];
  /** the main analysis: which combination it is */
  main: { method: string; ci: 'knha' | 'z'; rho: number };
  level: number;
  /** true when an estimate is on the side of benefit */
  favours: (x: number) => boolean;
}

const ZCRIT = 1.959963984540054;

/** Whether a unit's CI (y ± 1.96 √v) does not overlap the pooled CI [lo, hi]. */
export function isOutlier(y: number, v: number, lo: number, hi: number): boolean {
  const s = Math.sqrt(v);
  return y + ZCRIT * s < lo || y - ZCRIT * s > hi;
}

/** Every combination of the options, in dimension order (the last dimension varies fastest). */
export function combinations(dims: readonly MultiverseDimension[] = MULTIVERSE_DIMENSIONS): string[][] {
  let out: string[][] = [[]];
  for (const d of dims) out = out.flatMap((prefix) => d.options.map((o) => [...prefix, o.id]));
  return out;
}

/** Why a combination does not exist (null when it does). */
export function notApplicable(choices: readonly string[]): string | null {
  const [estimator, ci, dependence] = choices;
  if ((dependence === 'multilevel' || dependence === 'che-rve') && estimator !== 'REML') return 'the three-level model and CHE-RVE are fitted by REML only';
  if (dependence === 'che-rve' && ci === 'z') return 'CHE-RVE always uses its cluster-robust (CR2) t interval; a Wald variant would repeat the HKSJ one';
  return null;
}

function robFilter(studies: readonly StudyEffects[], rob: string): StudyEffects[] {
  if (rob === 'no-high') return studies.filter((s) => s.rob !== 'high');
  if (rob === 'low') return studies.filter((s) => s.rob === 'low');
  return studies.slice();
}

type Fit = { k: number; effects: number; outliers: number; estimate: number; ciLower: number; ciUpper: number } | { error: string };

const finiteFit = (f: Fit): Fit =>
  'error' in f || [f.estimate, f.ciLower, f.ciUpper].every(Number.isFinite) ? f : { error: 'the model gave no finite interval' };

/** Combined per study with ρ, then rma(method, test); outliers are studies. */
function fitAggregate(studies: StudyEffects[], rho: number, method: 'REML' | 'DL' | 'PM', test: 'knha' | 'z', level: number, dropOutliers: boolean): Fit {
  const agg = studies.map((s) => combineStudyEffects(s.effects, rho));
  const once = (yi: number[], vi: number[]) => {
    if (yi.length < 2) return null;
    const f = rma(yi, vi, { method, test, level });
    return { estimate: f.beta[0], ciLower: f.ciLb[0], ciUpper: f.ciUb[0] };
  };
  try {
    let yi = agg.map((a) => a.yi), vi = agg.map((a) => a.vi);
    let f = once(yi, vi);
    if (!f) return { error: 'fewer than 2 studies' };
    let outliers = 0;
    if (dropOutliers) {
      const keep = yi.map((y, i) => !isOutlier(y, vi[i], f!.ciLower, f!.ciUpper));
      outliers = keep.filter((x) => !x).length;
      if (outliers > 0) {
        yi = yi.filter((_, i) => keep[i]);
        vi = vi.filter((_, i) => keep[i]);
        f = once(yi, vi);
        if (!f) return { error: 'fewer than 2 studies once outliers are removed' };
      }
    }
    return finiteFit({ k: yi.length, effects: yi.length, outliers, ...f });
  } catch (e) {
    if (e instanceof RmaError) return { error: `the model could not be fitted (${e.message})` };
    throw e;
  }
}

/** Fitted dependence models by model and rows (the fit does not depend on the test; only its CI does). */
type Memo = Map<string, MultilevelFit | { error: string }>;

/** Three-level or CHE-RVE on the effect rows; outliers are effects. */
function fitMultilevel(studies: StudyEffects[], model: 'multilevel' | 'che-rve', rho: number, test: 't' | 'z', level: number, dropOutliers: boolean, memo: Memo): Fit {
  const once = (ss: StudyEffects[]) => {
    const rows = effectRows(ss);
    const key = `${model}|${ss.map((x) => `${x.id}:${x.effects.map((e) => e.yi).join(';')}`).join(',')}`;
    let f = memo.get(key);
    if (!f) memo.set(key, (f = fitDependent(model, rows, { rho, test: 't', level })));
    if ('error' in f) return f;
    // the three-level model's Wald interval: the same fit, normal critical value (metafor test = "z")
    const crit = test === 'z' && model === 'multilevel' ? qnorm(1 - (1 - level) / 2) : null;
    const [ciLower, ciUpper] = crit === null ? [f.ciLower, f.ciUpper] : [f.estimate - crit * f.se, f.estimate + crit * f.se];
    return { k: rows.clusters.rows.length, effects: rows.yi.length, estimate: f.estimate, ciLower, ciUpper };
  };
  const f = once(studies);
  if ('error' in f || !dropOutliers) return finiteFit('error' in f ? f : { ...f, outliers: 0 });
  let outliers = 0;
  const kept = studies
    .map((s) => {
      const effects = s.effects.filter((e) => !isOutlier(e.yi, e.vi, f.ciLower, f.ciUpper));
      outliers += s.effects.length - effects.length;
      return { ...s, effects };
    })
    .filter((s) => s.effects.length > 0);
  if (outliers === 0) return finiteFit({ ...f, outliers: 0 });
  const g = once(kept);
  return finiteFit('error' in g ? { error: `${g.error} once outliers are removed` } : { ...g, outliers });
}

function tally(m: Map<string, number>): Array<{ reason: string; count: number }> {
  return [...m].map(([reason, count]) => ({ reason, count }));
}

/** The whole multiverse of one outcome. */
export function multiverse(input: MultiverseInput): Multiverse {
  const dims = MULTIVERSE_DIMENSIONS.map((d) => ({ ...d, options: d.options.map((o) => ({ ...o })) }));
  const all = combinations(dims);
  const na = new Map<string, number>();
  const ne = new Map<string, number>();
  const specs: Specification[] = [];
  const memo: Memo = new Map();
  for (const choices of all) {
    const why = notApplicable(choices);
    if (why) {
      na.set(why, (na.get(why) ?? 0) + 1);
      continue;
    }
    const [estimator, ci, dependence, rob, outliers, timepoint] = choices;
    const base = timepoint === 'post' ? input.post : input.followUp;
    const studies = robFilter(base, rob);
    let fit: Fit;
    if (base.length === 0) fit = { error: timepoint === 'post' ? 'no study has data at post-treatment' : 'no study has follow-up data' };
    else if (studies.length < 2) fit = { error: 'fewer than 2 studies' };
    else if (dependence.startsWith('aggregate-'))
      fit = fitAggregate(studies, Number(dependence.slice('aggregate-'.length)), estimator as 'REML' | 'DL' | 'PM', ci as 'knha' | 'z', input.level, outliers === 'removed');
    else fit = fitMultilevel(studies, dependence as 'multilevel' | 'che-rve', input.main.rho, ci === 'knha' ? 't' : 'z', input.level, outliers === 'removed', memo);
    if ('error' in fit) {
      ne.set(fit.error, (ne.get(fit.error) ?? 0) + 1);
      continue;
    }
    specs.push({ choices, ...fit, conclusion: conclusionOf(fit.estimate, fit.ciLower, fit.ciUpper, input.favours)! });
  }
  const key = (s: Specification) => s.choices.join('|');
  specs.sort((a, b) => a.estimate - b.estimate || (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  const mainKey = [input.main.method, input.main.ci, `aggregate-${input.main.rho}`, 'all', 'kept', 'post'].join('|');
  const mainIdx = specs.findIndex((s) => key(s) === mainKey);
  const count = (c: Conclusion) => specs.filter((s) => s.conclusion === c).length;
  const sign = input.favours(1) ? 1 : -1;
  const byBenefit = specs.map((s) => s.estimate).sort((a, b) => sign * a - sign * b);
  const out: Multiverse = {
    dimensions: dims,
    total: all.length,
    estimated: specs.length,
    notApplicable: { count: [...na.values()].reduce((a, x) => a + x, 0), reasons: tally(na) },
    notEstimable: { count: [...ne.values()].reduce((a, x) => a + x, 0), reasons: tally(ne) },
    specifications: specs,
    main: mainIdx >= 0 ? mainIdx : null,
    benefit: count('benefit'),
    harm: count('harm'),
    unclear: count('unclear'),
    weakest: byBenefit.length ? byBenefit[0] : null,
    strongest: byBenefit.length ? byBenefit[byBenefit.length - 1] : null,
    sentence: '',
    notes: [],
  };
  out.sentence = multiverseSentence(out);
  out.notes = multiverseNotes(out);
  return out;
}

const pct = (n: number, d: number) => `${Math.round((100 * n) / d)}%`;

/** One sentence: "87% of 252 specifications find a benefit; estimates range from −0.41 to −0.72." */
export function multiverseSentence(m: Pick<Multiverse, 'estimated' | 'benefit' | 'harm' | 'weakest' | 'strongest'>): string {
  if (m.estimated === 0) return 'No specification could be estimated.';
  const n = m.estimated;
  const of = `${n} specification${n === 1 ? '' : 's'}`;
  const lead = m.benefit > 0 || m.harm === 0 ? `${pct(m.benefit, n)} of ${of} find${n === 1 ? 's' : ''} a benefit` : `${pct(m.harm, n)} of ${of} find${n === 1 ? 's' : ''} harm`;
  const harm = m.benefit > 0 && m.harm > 0 ? ` and ${pct(m.harm, n)} harm` : '';
  const range = n === 1 ? `the estimate is ${displayed('estimate', m.weakest)}` : `estimates range from ${displayed('estimate', m.weakest)} to ${displayed('estimate', m.strongest)}`;
  return `${lead}${harm}; ${range}.`;
}

function multiverseNotes(m: Multiverse): string[] {
  const notes = [
    `${m.total} combinations of choices; ${m.estimated} estimated. A specification "finds a benefit" when its 95% confidence interval lies entirely on the side of benefit. Outliers are studies (effects, for the three-level model and CHE-RVE) whose 95% CI does not overlap the pooled CI of the same specification.`,
  ];
  for (const r of m.notApplicable.reasons) notes.push(`${r.count} not applicable: ${r.reason}.`);
  for (const r of m.notEstimable.reasons) notes.push(`${r.count} not estimable: ${r.reason}.`);
  return notes;
}
