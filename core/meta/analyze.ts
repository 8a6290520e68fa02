/** The full analysis of one outcome (CONTRACTS.md "Analysis request and result"). Pure. */
import { escalcMD, escalcOR, escalcPFT, escalcPLO, escalcRD, escalcRR, escalcSMD, harmonicMean, transfIpft, transfLogit } from './effects.js';
import { aggregateEffects, cheRve, DependenceError, groupClusters, multilevel, type Clusters } from './dependence.js';
import { ownValue } from './keys.js';
import { confintTau2, predictInterval, rma, type RmaFit } from './rma.js';
import { cumul, eggerTest, leave1out, stableOrder, trimfill, type ModelOpts } from './sensitivity.js';
import { qnorm } from './special.js';
import type { AnalysisRequest, StudyInput } from './validate.js';

type Num = number | null;

/** σ² profile CIs cost ~100 refits; computed up to this many effects. */
export const PROFILE_LIMIT = 5000;

export interface StudyResult {
  id: string;
  yi: number;
  vi: number;
  sei: number;
  /** weight in percent in the pooled model */
  weight: Num;
  ciLower: number;
  ciUpper: number;
  year?: number;
}
export interface SubgroupLevel {
  level: string;
  k: number;
  estimate: Num;
  se: Num;
  ciLower: Num;
  ciUpper: Num;
  pValue: Num;
  tau2: Num;
  i2: Num;
  q: Num;
  qDf: Num;
  studies: string[];
}
export interface AnalysisResult {
  measure: string;
  method: string;
  ci: string;
  level: number;
  k: number;
  estimate: Num;
  se: Num;
  ciLower: Num;
  ciUpper: Num;
  pValue: Num;
  /** z or t statistic of the pooled estimate, and its df (t only) */
  statistic: Num;
  df: Num;
  piLower: Num;
  piUpper: Num;
  tau2: Num;
  tau: Num;
  tau2CiLower: Num;
  tau2CiUpper: Num;
  i2: Num;
  i2CiLower: Num;
  i2CiUpper: Num;
  h2: Num;
  h2CiLower: Num;
  h2CiUpper: Num;
  q: Num;
  qDf: Num;
  qPValue: Num;
  studies: StudyResult[];
  leaveOneOut: { id: string; estimate: Num; se: Num; ciLower: Num; ciUpper: Num; pValue: Num; tau2: Num; i2: Num; q: Num }[] | null;
  cumulative: { id: string; year: Num; k: number; estimate: Num; se: Num; ciLower: Num; ciUpper: Num; pValue: Num; tau2: Num; i2: Num }[] | null;
  egger: { statistic: number; df: number; pValue: number; limitEstimate: number; limitCiLower: number; limitCiUpper: number } | null;
  trimFill: { k0: number; side: 'left' | 'right'; estimate: Num; se: Num; ciLower: Num; ciUpper: Num; pValue: Num; tau2: Num; filled: { yi: number; vi: number }[] } | null;
  subgroups: {
    moderator: string;
    groups: SubgroupLevel[];
    qBetween: Num;
    df: Num;
    pValue: Num;
    /** studies without a value for the moderator (left out of the subgroup analysis) */
    excluded: string[];
  } | null;
  metaRegression: {
    moderators: string[];
    k: number;
    coefficients: { name: string; estimate: Num; se: Num; statistic: Num; pValue: Num; ciLower: Num; ciUpper: Num }[];
    qm: Num;
    qmDf: Num;
    qmDf2: Num;
    qmPValue: Num;
    tau2: Num;
    i2: Num;
    qe: Num;
    qeDf: Num;
    qePValue: Num;
    r2: Num;
    excluded: string[];
    /** model columns dropped as redundant (constant or collinear), as metafor's warning */
    dropped: string[];
    /** coefficient covariance, in coefficient order (metafor `vcov(fit)`); draws the fitted line's band */
    vcov?: number[][];
    error?: string;
  } | null;
  /** OR, RR, PLO, PFT: the pooled values back on the natural scale (predict(..., transf = )) */
  transformed?: { scale: string; estimate: Num; ciLower: Num; ciUpper: Num; piLower: Num; piUpper: Num } | null;
  /** dependent effects: how they were handled */
  dependence?: 'aggregate' | 'multilevel' | 'che-rve';
  rho?: number;
  /** multilevel / che-rve: number of clusters, [between, within] variance components */
  clusters?: number;
  sigma2?: [number, number] | null;
  /** multilevel: metafor's profile-likelihood CIs of both components (up to PROFILE_LIMIT effects) */
  sigma2Ci?: [{ lower: Num; upper: Num }, { lower: Num; upper: Num }];
  /** aggregate: rows before aggregation */
  effects?: number;
  /** why a part could not be computed (e.g. "k = 1") */
  notes: string[];
  /** what was changed to fit the model (metafor's warnings), e.g. a redundant moderator dropped */
  warnings: string[];
}

const num = (x: number | null | undefined): Num => (x === null || x === undefined || !Number.isFinite(x) ? null : x);

export function effectOf(s: StudyInput, req: Pick<AnalysisRequest, 'measure' | 'smdVariant'>): { yi: number; vi: number } {
  const m = req.measure;
  if ((m === 'SMD' || m === 'MD') && s.n1 !== undefined && s.m1 !== undefined && s.sd1 !== undefined && s.n2 !== undefined && s.m2 !== undefined && s.sd2 !== undefined) {
    const arm = { n1: s.n1, m1: s.m1, sd1: s.sd1, n2: s.n2, m2: s.m2, sd2: s.sd2 };
    return m === 'MD' ? escalcMD(arm) : escalcSMD(arm, req.smdVariant ?? 'metafor');
  }
  if ((m === 'OR' || m === 'RR' || m === 'RD') && s.events1 !== undefined && s.total1 !== undefined && s.events2 !== undefined && s.total2 !== undefined) {
    const t = { ai: s.events1, n1: s.total1, ci: s.events2, n2: s.total2 };
    return m === 'OR' ? escalcOR(t) : m === 'RR' ? escalcRR(t) : escalcRD(t);
  }
  if ((m === 'PLO' || m === 'PFT') && s.events !== undefined && s.total !== undefined) {
    return m === 'PLO' ? escalcPLO(s.events, s.total) : escalcPFT(s.events, s.total);
  }
  return { yi: s.yi as number, vi: s.vi as number };
}

/** The back-transformation metafor's predict(..., transf = ) would use, or null (none for SMD, MD, GEN, RD). */
function backTransform(request: AnalysisRequest): { scale: string; f: (x: number) => number } | { error: string } | null {
  switch (request.measure) {
    case 'OR':
      return { scale: 'odds ratio (exp)', f: Math.exp };
    case 'RR':
      return { scale: 'risk ratio (exp)', f: Math.exp };
    case 'PLO':
      return { scale: 'proportion (inverse logit)', f: transfLogit };
    case 'PFT': {
      const ns = request.studies.map((s) => s.total);
      if (ns.some((n) => n === undefined)) return { error: 'PFT back-transformation needs every row\'s total (harmonic mean of the totals)' };
      const nhm = harmonicMean(ns as number[]);
      return { scale: `proportion (inverse Freeman-Tukey, harmonic mean n = ${nhm})`, f: (x) => transfIpft(x, nhm) };
    }
    default:
      return null;
  }
}

function addTransformed(request: AnalysisRequest, result: AnalysisResult): void {
  const bt = backTransform(request);
  if (bt === null) return;
  if ('error' in bt) {
    result.transformed = null;
    result.notes.push(bt.error);
    return;
  }
  const t = (x: Num) => (x === null ? null : num(bt.f(x)));
  result.transformed = {
    scale: bt.scale,
    estimate: t(result.estimate),
    ciLower: t(result.ciLower),
    ciUpper: t(result.ciUpper),
    piLower: t(result.piLower),
    piUpper: t(result.piUpper),
  };
}

function tryRma(yi: number[], vi: number[], o: ModelOpts, extra: Parameters<typeof rma>[2] = {}): { fit: RmaFit | null; error?: string } {
  try {
    return { fit: rma(yi, vi, { method: o.method, test: o.test, level: o.level, ...extra }) };
  } catch (e) {
    return { fit: null, error: (e as Error).message };
  }
}

function sortLevels(levels: string[], allNumeric: boolean): string[] {
  return levels.sort((a, b) => (allNumeric ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0));
}

/** Runs the whole analysis. Never throws for a validated request with k ≥ 1. */
export function analyze(request: AnalysisRequest): AnalysisResult {
  const eff = request.studies.map((s) => effectOf(s, request));
  const yi = eff.map((e) => e.yi);
  const vi = eff.map((e) => e.vi);
  const o: ModelOpts = { method: request.method, test: request.ci, level: request.level ?? 0.95 };
  let result: AnalysisResult;
  const dep = request.dependence;
  if (dep === 'multilevel' || dep === 'che-rve') {
    result = analyzeDependent(request, yi, vi, groupClusters(request.studies), o);
  } else if (dep === 'aggregate') {
    const rho = request.rho ?? 0.6;
    const cl = groupClusters(request.studies);
    let agg: { yi: number[]; vi: number[] };
    try {
      agg = aggregateEffects(yi, vi, cl, rho);
    } catch (e) {
      if (!(e instanceof DependenceError)) throw e;
      result = emptyResult(request, o, request.studies.length);
      result.notes.push(`effects could not be aggregated: ${e.message}`);
      return result;
    }
    const rows = cl.rows.map((idx, c) => ({ ...request.studies[idx[0]], id: cl.labels[c] }));
    result = analyzeIndependent({ ...request, studies: rows }, agg.yi, agg.vi, o);
    result.dependence = 'aggregate';
    result.rho = rho;
    result.effects = request.studies.length;
  } else {
    result = analyzeIndependent(request, yi, vi, o);
  }
  addTransformed(request, result);
  return result;
}

function emptyResult(request: AnalysisRequest, o: ModelOpts, k: number): AnalysisResult {
  return {
    measure: request.measure, method: request.method, ci: request.ci, level: o.level, k,
    estimate: null, se: null, ciLower: null, ciUpper: null, pValue: null, statistic: null, df: null,
    piLower: null, piUpper: null, tau2: null, tau: null, tau2CiLower: null, tau2CiUpper: null,
    i2: null, i2CiLower: null, i2CiUpper: null, h2: null, h2CiLower: null, h2CiUpper: null,
    q: null, qDf: null, qPValue: null, studies: [], leaveOneOut: null, cumulative: null, egger: null,
    trimFill: null, subgroups: null, metaRegression: null, notes: [], warnings: [],
  };
}

/** multilevel and che-rve: the model's estimate, σ² components; other fields null. */
function analyzeDependent(request: AnalysisRequest, yi: number[], vi: number[], cl: Clusters, o: ModelOpts): AnalysisResult {
  const dep = request.dependence as 'multilevel' | 'che-rve';
  const result = emptyResult(request, o, yi.length);
  result.dependence = dep;
  result.clusters = cl.rows.length;
  result.sigma2 = null;
  if (dep === 'che-rve') result.rho = request.rho ?? 0.6;
  const crit = qnorm(1 - (1 - o.level) / 2);
  try {
    const f = dep === 'multilevel'
      ? multilevel(yi, vi, cl, { level: o.level, test: o.test === 'knha' ? 't' : 'z', profile: yi.length <= PROFILE_LIMIT })
      : cheRve(yi, vi, cl, request.rho ?? 0.6, o.level);
    Object.assign(result, {
      estimate: num(f.estimate), se: num(f.se), ciLower: num(f.ciLower), ciUpper: num(f.ciUpper), pValue: num(f.pValue),
      statistic: num(f.statistic), df: f.df === null ? null : num(f.df), piLower: num(f.piLower), piUpper: num(f.piUpper),
      sigma2: f.sigma2,
      ...(f.sigma2Ci ? { sigma2Ci: f.sigma2Ci } : {}),
    });
    result.studies = request.studies.map((s, i) => ({
      id: s.id, yi: yi[i], vi: vi[i], sei: Math.sqrt(vi[i]), weight: num(f.weights[i]),
      ciLower: yi[i] - crit * Math.sqrt(vi[i]), ciUpper: yi[i] + crit * Math.sqrt(vi[i]),
      ...(s.year !== undefined ? { year: s.year } : {}),
      ...(s.cluster !== undefined ? { cluster: s.cluster } : {}),
    }));
    if (cl.rows.length === yi.length) result.notes.push('every effect is its own cluster: the within-cluster variance is not identifiable apart from the between-cluster one');
  } catch (e) {
    if (!(e instanceof DependenceError)) throw e;
    result.notes.push(`${dep} model could not be fitted: ${e.message}`);
  }
  return result;
}

function analyzeIndependent(request: AnalysisRequest, yi: number[], vi: number[], o: ModelOpts): AnalysisResult {
  const notes: string[] = [];
  const warnings: string[] = [];
  const ids = request.studies.map((s) => s.id);
  const k = yi.length;
  const { fit, error } = tryRma(yi, vi, o);
  notes.push(...varianceNotes(ids, vi, fit));
  if (!fit) notes.push(`pooled model could not be fitted: ${error}`);
  const het = fit !== null && k >= 2;
  if (k === 1) notes.push('k = 1: heterogeneity, prediction interval and sensitivity analyses are not computable');
  const pi = fit && het ? predictInterval(fit) : null;
  const qp = fit && het ? confintTau2(fit) : null;
  const critStudy = qnorm(1 - (1 - o.level) / 2);
  const studies: StudyResult[] = request.studies.map((s, i) => ({
    id: s.id,
    yi: yi[i],
    vi: vi[i],
    sei: Math.sqrt(vi[i]),
    weight: fit ? num(fit.weights[i]) : null,
    ciLower: yi[i] - critStudy * Math.sqrt(vi[i]),
    ciUpper: yi[i] + critStudy * Math.sqrt(vi[i]),
    ...(s.year !== undefined ? { year: s.year } : {}),
  }));

  const result: AnalysisResult = {
    measure: request.measure,
    method: request.method,
    ci: request.ci,
    level: o.level,
    k,
    estimate: fit ? num(fit.beta[0]) : null,
    se: fit ? num(fit.se[0]) : null,
    ciLower: fit ? num(fit.ciLb[0]) : null,
    ciUpper: fit ? num(fit.ciUb[0]) : null,
    pValue: fit ? num(fit.pval[0]) : null,
    statistic: fit ? num(fit.zval[0]) : null,
    df: fit && fit.ddf !== null && fit.ddf > 0 ? fit.ddf : null,
    piLower: pi ? num(pi.piLb) : null,
    piUpper: pi ? num(pi.piUb) : null,
    tau2: het ? fit.tau2 : null,
    tau: het ? Math.sqrt(fit.tau2) : null,
    tau2CiLower: qp ? num(qp.tau2Lb) : null,
    tau2CiUpper: qp ? num(qp.tau2Ub) : null,
    i2: het ? num(fit.I2) : null,
    i2CiLower: qp ? num(qp.I2Lb) : null,
    i2CiUpper: qp ? num(qp.I2Ub) : null,
    h2: het ? num(fit.H2) : null,
    h2CiLower: qp ? num(qp.H2Lb) : null,
    h2CiUpper: qp ? num(qp.H2Ub) : null,
    q: het ? num(fit.QE) : null,
    qDf: het ? fit.QEdf : null,
    qPValue: het ? num(fit.QEp) : null,
    studies,
    leaveOneOut: null,
    cumulative: null,
    egger: null,
    trimFill: null,
    subgroups: null,
    metaRegression: null,
    notes,
    warnings,
  };

  if (k >= 3) {
    result.leaveOneOut = leave1out(yi, vi, o, fit?.tau2).map((f, i) => ({
      id: ids[i],
      estimate: f ? num(f.estimate) : null,
      se: f ? num(f.se) : null,
      ciLower: f ? f.ciLb : null,
      ciUpper: f ? f.ciUb : null,
      pValue: f ? f.pval : null,
      tau2: f ? num(f.tau2) : null,
      i2: f ? num(f.I2) : null,
      q: f ? num(f.QE) : null,
    }));
    const order = stableOrder(request.studies.map((s) => s.year));
    result.cumulative = cumul(yi, vi, order, o, fit?.tau2).map(({ index, fit: f }, j) => ({
      id: ids[index],
      year: num(request.studies[index].year),
      k: j + 1,
      estimate: f ? num(f.estimate) : null,
      se: f ? num(f.se) : null,
      ciLower: f ? f.ciLb : null,
      ciUpper: f ? f.ciUb : null,
      pValue: f ? f.pval : null,
      tau2: f && j > 0 ? num(f.tau2) : null,
      i2: f && j > 0 ? num(f.I2) : null,
    }));
    result.egger = eggerTest(yi, vi);
    if (!result.egger) notes.push(eggerNote(vi));
    const tf = fit ? trimfill(fit) : null;
    result.trimFill = tf
      ? { k0: tf.k0, side: tf.side, estimate: num(tf.estimate), se: num(tf.se), ciLower: num(tf.ciLower), ciUpper: num(tf.ciUpper), pValue: num(tf.pValue), tau2: num(tf.tau2), filled: tf.filled }
      : null;
  }

  if (request.subgroup) result.subgroups = subgroupAnalysis(request, yi, vi, o);
  if (request.metaRegression && request.metaRegression.length > 0) {
    result.metaRegression = metaRegression(request, yi, vi, o);
    if (result.metaRegression.dropped.length)
      warnings.push(`Redundant predictors dropped from the model: ${result.metaRegression.dropped.map((d) => JSON.stringify(d)).join(', ')} (constant or a linear combination of the others, as metafor)`);
  }
  return result;
}

/** An accurate note when sampling variances differ by many orders of magnitude. */
function varianceNotes(ids: string[], vi: number[], fit: RmaFit | null): string[] {
  if (vi.length < 2) return [];
  let lo = 0;
  let hi = 0;
  for (let i = 1; i < vi.length; i++) {
    if (vi[i] < vi[lo]) lo = i;
    if (vi[i] > vi[hi]) hi = i;
  }
  const ratio = vi[hi] / vi[lo];
  if (!(ratio > 1e8)) return [];
  const w = fit ? fit.weights[lo] : null;
  return [
    `sampling variances span ${Math.floor(Math.log10(ratio))} orders of magnitude (smallest ${vi[lo]} in study "${ids[lo]}", largest ${vi[hi]} in study "${ids[hi]}")` +
      `${w !== null && Number.isFinite(w) ? `: that study carries ${w.toPrecision(4)} % of the weight` : ''}; Q, H² and I² are dominated by it and computed as metafor does, not as a measure of heterogeneity between comparable studies`,
  ];
}

function eggerNote(vi: number[]): string {
  const lo = Math.min(...vi);
  const hi = Math.max(...vi);
  if (hi === lo) return "Egger's test not computable (standard errors do not vary)";
  if (hi / lo > 1e8) return "Egger's test not computable (the regression on the standard error is numerically singular: sampling variances span too many orders of magnitude)";
  return "Egger's test not computable (the regression on the standard error fits exactly or is singular)";
}

function subgroupAnalysis(request: AnalysisRequest, yi: number[], vi: number[], o: ModelOpts): NonNullable<AnalysisResult['subgroups']> {
  const name = request.subgroup!;
  const byLevel = new Map<string, number[]>();
  const excluded: string[] = [];
  let allNumeric = true;
  request.studies.forEach((s, i) => {
    const v = ownValue(s.moderators, name);
    if (v === undefined || v === null || v === '') {
      excluded.push(s.id);
      return;
    }
    if (typeof v !== 'number') allNumeric = false;
    const key = String(v);
    if (!byLevel.has(key)) byLevel.set(key, []);
    byLevel.get(key)!.push(i);
  });
  const groups: SubgroupLevel[] = sortLevels([...byLevel.keys()], allNumeric).map((level) => {
    const idx = byLevel.get(level)!;
    const { fit } = tryRma(idx.map((i) => yi[i]), idx.map((i) => vi[i]), o);
    const kk = idx.length;
    return {
      level,
      k: kk,
      estimate: fit ? num(fit.beta[0]) : null,
      se: fit ? num(fit.se[0]) : null,
      ciLower: fit ? num(fit.ciLb[0]) : null,
      ciUpper: fit ? num(fit.ciUb[0]) : null,
      pValue: fit ? num(fit.pval[0]) : null,
      tau2: fit && kk >= 2 ? fit.tau2 : null,
      i2: fit && kk >= 2 ? num(fit.I2) : null,
      q: fit && kk >= 2 ? num(fit.QE) : null,
      qDf: fit && kk >= 2 ? fit.QEdf : null,
      studies: idx.map((i) => request.studies[i].id),
    };
  });
  // test for subgroup differences: fixed-effect Q across level estimates with their standard errors
  const usable = groups.filter((g) => g.estimate !== null && g.se !== null && g.se > 0);
  let qBetween: Num = null;
  let df: Num = null;
  let pValue: Num = null;
  if (usable.length >= 2) {
    const f = tryRma(usable.map((g) => g.estimate!), usable.map((g) => g.se! ** 2), { method: 'FE', test: 'z', level: o.level }).fit;
    if (f) {
      qBetween = f.QE;
      df = usable.length - 1;
      pValue = num(f.QEp);
    }
  }
  return { moderator: name, groups, qBetween, df, pValue, excluded };
}

function metaRegression(request: AnalysisRequest, yi: number[], vi: number[], o: ModelOpts): NonNullable<AnalysisResult['metaRegression']> {
  const names = request.metaRegression!;
  const rows: number[] = [];
  const excluded: string[] = [];
  request.studies.forEach((s, i) => {
    const ok = names.every((n) => {
      const v = ownValue(s.moderators, n);
      return v !== undefined && v !== null && v !== '';
    });
    if (ok) rows.push(i);
    else excluded.push(s.id);
  });
  const cols: number[][] = [];
  const colNames: string[] = [];
  for (const n of names) {
    const vals = rows.map((i) => ownValue(request.studies[i].moderators, n)!);
    const numeric = vals.map((v) => (typeof v === 'number' ? v : Number.isFinite(Number(v)) && String(v).trim() !== '' ? Number(v) : NaN));
    if (numeric.every((x) => Number.isFinite(x))) {
      cols.push(numeric);
      colNames.push(n);
    } else {
      // categorical: treatment (dummy) coding against the first level in sorted order, named as R does
      const levels = sortLevels([...new Set(vals.map(String))], false);
      for (const lv of levels.slice(1)) {
        cols.push(vals.map((v) => (String(v) === lv ? 1 : 0)));
        colNames.push(`${n}${lv}`);
      }
    }
  }
  const dropped: string[] = [];
  const kept = independentColumns(cols, rows.length);
  const keptCols = kept.map((j) => cols[j]);
  const keptNames = kept.map((j) => colNames[j]);
  colNames.forEach((n, j) => { if (!kept.includes(j)) dropped.push(n); });
  const base = {
    moderators: names,
    dropped,
    k: rows.length,
    coefficients: [] as NonNullable<AnalysisResult['metaRegression']>['coefficients'],
    qm: null, qmDf: null, qmDf2: null, qmPValue: null, tau2: null, i2: null, qe: null, qeDf: null, qePValue: null, r2: null,
    excluded,
  };
  const { fit, error } = tryRma(rows.map((i) => yi[i]), rows.map((i) => vi[i]), o, { mods: keptCols, modNames: keptNames });
  if (!fit) return { ...base, error: error ?? 'model could not be fitted' };
  return {
    ...base,
    coefficients: fit.coefNames.map((name, j) => ({
      name,
      estimate: num(fit.beta[j]),
      se: num(fit.se[j]),
      statistic: num(fit.zval[j]),
      pValue: num(fit.pval[j]),
      ciLower: num(fit.ciLb[j]),
      ciUpper: num(fit.ciUb[j]),
    })),
    qm: num(fit.QM),
    qmDf: fit.QMdf ? fit.QMdf[0] : null,
    qmDf2: fit.QMdf ? fit.QMdf[1] : null,
    qmPValue: num(fit.QMp),
    tau2: fit.tau2,
    i2: num(fit.I2),
    qe: num(fit.QE),
    qeDf: fit.QEdf,
    qePValue: num(fit.QEp),
    r2: num(fit.R2),
    vcov: fit.vb.map((r) => r.slice()),
  };
}

/**
 * Which moderator columns to keep, as metafor: it fits lm(yi ~ X - 1) and drops the columns whose
 * coefficient is NA (pivoted QR, tolerance 1e-7). Greedy Gram-Schmidt in column order with the
 * intercept first gives the same choice.
 */
function independentColumns(cols: number[][], k: number): number[] {
  const basis: Float64Array[] = [];
  const one = new Float64Array(k).fill(1 / Math.sqrt(k));
  basis.push(one);
  const keep: number[] = [];
  cols.forEach((c, j) => {
    const r = Float64Array.from(c);
    let norm0 = 0;
    for (let i = 0; i < k; i++) norm0 += r[i] * r[i];
    for (let pass = 0; pass < 2; pass++) {
      for (const b of basis) {
        let d = 0;
        for (let i = 0; i < k; i++) d += b[i] * r[i];
        for (let i = 0; i < k; i++) r[i] -= d * b[i];
      }
    }
    let norm = 0;
    for (let i = 0; i < k; i++) norm += r[i] * r[i];
    if (!(norm0 > 0) || Math.sqrt(norm) <= 1e-7 * Math.sqrt(norm0)) return;
    const inv = 1 / Math.sqrt(norm);
    for (let i = 0; i < k; i++) r[i] *= inv;
    basis.push(r);
    keep.push(j);
  });
  return keep;
}
