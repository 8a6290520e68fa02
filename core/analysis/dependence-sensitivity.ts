/**
 * Sensitivity of an outcome's main estimate to how several effects of one study are handled
 * (issue 13 §1). The main analysis combines them per study (aggregate, ρ from the review, 0.6 by
 * default: core/analysis/study-effects.ts); beside it the snapshot carries
 *  - the three-level model, rma.mv(yi, vi, random = ~ 1 | study/effect, method = "REML"), t-test with
 *    df = effects − 1 when the review uses HKSJ, else Wald (CONTRACTS.md "Additions");
 *  - CHE-RVE: the correlated-hierarchical-effects working model with the same ρ and cluster-robust
 *    CR2 standard errors with Satterthwaite df (metafor robust(..., clubSandwich = TRUE)),
 * both on the effect-level rows, fitted by core/meta's public `multilevel` and `cheRve`. Pure.
 */
import { cheRve, DependenceError, groupClusters, multilevel, type MultilevelFit } from '../meta/index.js';
import { displayed } from './versions.js';

/** One study's effects for one outcome (aligned to the outcome's direction), with what filters need. */
export interface StudyEffects {
  id: string;
  effects: Array<{ yi: number; vi: number }>;
  /** RoB 2 overall judgement, when assessed */
  rob?: 'low' | 'some' | 'high';
}

export type Conclusion = 'benefit' | 'harm' | 'unclear';

export interface DependenceModelResult {
  model: 'multilevel' | 'che-rve';
  /** plain name for pages */
  label: string;
  estimate: number | null;
  se: number | null;
  ciLower: number | null;
  ciUpper: number | null;
  /** t df (null for a Wald interval) */
  df: number | null;
  /** [between studies, within studies] */
  sigma2: [number, number] | null;
  conclusion: Conclusion | null;
  /** why no estimate */
  note?: string;
}

export interface DependenceSensitivity {
  /** the main analysis: effects combined per study with ρ */
  main: { model: 'aggregate'; rho: number; k: number; estimate: number | null; ciLower: number | null; ciUpper: number | null; conclusion: Conclusion | null };
  /** effect-level rows and the studies they come from */
  effects: number;
  studies: number;
  /** studies contributing more than one effect */
  studiesWithSeveral: number;
  models: DependenceModelResult[];
  /** What it means, in one or two sentences. */
  sentence: string;
}

/** What a CI says in the outcome's direction: `favours(estimate)` is true on the benefit side. */
export function conclusionOf(est: number | null, lo: number | null, hi: number | null, favours: (x: number) => boolean): Conclusion | null {
  if (est === null || lo === null || hi === null || !Number.isFinite(lo) || !Number.isFinite(hi)) return null;
  if (lo <= 0 && hi >= 0) return 'unclear';
  return favours(est) ? 'benefit' : 'harm';
}

/** Effect-level rows (yi, vi) with their study as the cluster, in input order. */
export function effectRows(studies: readonly StudyEffects[]): { yi: number[]; vi: number[]; clusters: ReturnType<typeof groupClusters> } {
  const rows: { id: string; cluster: string; yi: number; vi: number }[] = [];
  for (const s of studies) s.effects.forEach((e, j) => rows.push({ id: `${s.id}#${j}`, cluster: s.id, yi: e.yi, vi: e.vi }));
  return { yi: rows.map((r) => r.yi), vi: rows.map((r) => r.vi), clusters: groupClusters(rows) };
}

/** Fits one dependence model on effect-level rows; a model that cannot be fitted gives `{ error }`. */
export function fitDependent(
  model: 'multilevel' | 'che-rve',
  rows: ReturnType<typeof effectRows>,
  o: { rho: number; test: 't' | 'z'; level: number },
): MultilevelFit | { error: string } {
  if (rows.clusters.rows.length < 2) return { error: 'fewer than 2 studies' };
  try {
    return model === 'multilevel'
      ? multilevel(rows.yi, rows.vi, rows.clusters, { level: o.level, test: o.test })
      : cheRve(rows.yi, rows.vi, rows.clusters, o.rho, o.level);
  } catch (e) {
    if (e instanceof DependenceError) return { error: e.message };
    throw e;
  }
}

const LABEL = { multilevel: 'three-level model', 'che-rve': 'robust variance estimation (CHE-RVE)' } as const;
const fin = (x: number | null | undefined): number | null => (x === null || x === undefined || !Number.isFinite(x) ? null : x);

export function dependenceSensitivity(
  studies: readonly StudyEffects[],
  main: { rho: number; estimate: number | null; ciLower: number | null; ciUpper: number | null },
  o: { ci: 'knha' | 'z'; level: number; favours: (x: number) => boolean },
): DependenceSensitivity | null {
  if (studies.length === 0) return null;
  const rows = effectRows(studies);
  const models = (['multilevel', 'che-rve'] as const).map((model): DependenceModelResult => {
    const f = fitDependent(model, rows, { rho: main.rho, test: o.ci === 'knha' ? 't' : 'z', level: o.level });
    if ('error' in f) return { model, label: LABEL[model], estimate: null, se: null, ciLower: null, ciUpper: null, df: null, sigma2: null, conclusion: null, note: `not estimable: ${f.error}` };
    const [estimate, ciLower, ciUpper] = [fin(f.estimate), fin(f.ciLower), fin(f.ciUpper)];
    return {
      model, label: LABEL[model], estimate, se: fin(f.se), ciLower, ciUpper, df: f.df === null ? null : fin(f.df), sigma2: f.sigma2,
      conclusion: conclusionOf(estimate, ciLower, ciUpper, o.favours),
    };
  });
  const several = studies.filter((s) => s.effects.length > 1).length;
  const mainOut = { model: 'aggregate' as const, rho: main.rho, k: studies.length, estimate: main.estimate, ciLower: main.ciLower, ciUpper: main.ciUpper, conclusion: conclusionOf(main.estimate, main.ciLower, main.ciUpper, o.favours) };
  return { main: mainOut, effects: rows.yi.length, studies: studies.length, studiesWithSeveral: several, models, sentence: dependenceSentence(mainOut, models, rows.yi.length, studies.length, several) };
}

const WORD: Record<Conclusion, string> = { benefit: 'a benefit', harm: 'harm', unclear: 'no clear difference' };

/** "…: the three-level model gives −0.45 [−0.55, −0.35] and CHE-RVE −0.43 [−0.56, −0.30]; both reach the main analysis' conclusion (a benefit)." */
export function dependenceSentence(main: DependenceSensitivity['main'], models: DependenceModelResult[], effects: number, studies: number, several: number): string {
  const ci = (m: { estimate: number | null; ciLower: number | null; ciUpper: number | null }) =>
    `${displayed('estimate', m.estimate)} [${displayed('ciLower', m.ciLower)}, ${displayed('ciUpper', m.ciUpper)}]`;
  const intro = several === 0
    ? `Every study contributes one effect, so how effects of one study are combined cannot change the result; the two models below are shown for completeness.`
    : `${several} of ${studies} studies contribute more than one effect (${effects} effects in all). The main analysis combines them into one per study, assuming they correlate at ρ = ${main.rho}.`;
  const fitted = models.filter((m) => m.estimate !== null);
  const parts = models.map((m) => (m.estimate === null ? `the ${m.label} could not be fitted` : `the ${m.label} gives SMD ${ci(m)}`));
  let verdict = '';
  if (fitted.length && main.conclusion) {
    const same = fitted.filter((m) => m.conclusion === main.conclusion).length;
    const what = `the main analysis' conclusion (${WORD[main.conclusion]})`;
    verdict = same === fitted.length
      ? ` ${fitted.length === 1 ? 'It reaches' : 'Both reach'} ${what}.`
      : ` ${same > 0 ? 'Only one of them reaches' : fitted.length === 1 ? 'It does not reach' : 'Neither reaches'} ${what}: the result depends on how several effects of a study are handled.`;
  }
  return `${intro} Handled differently, ${parts.join(', and ')}.${verdict}`;
}
