/** Leave-one-out, cumulative, Egger's regression test and trim-and-fill, as metafor's functions. */
import { interceptEstimate, rma, type Method, type RmaFit, type Test } from './rma.js';
import { invSPD } from './linalg.js';
import { pt, qt } from './special.js';
import { cumulFast, FAST_METHODS, leave1outFast } from './subsets.js';

export interface ModelOpts {
  method: Method;
  test: Test;
  level: number;
}

export interface SubsetFit {
  estimate: number;
  se: number;
  pval: number | null;
  ciLb: number | null;
  ciUb: number | null;
  tau2: number;
  I2: number;
  H2: number;
  QE: number;
  QEp: number;
}

function summarise(f: RmaFit): SubsetFit {
  const num = (x: number) => (Number.isFinite(x) ? x : null);
  return {
    estimate: f.beta[0],
    se: f.se[0],
    pval: num(f.pval[0]),
    ciLb: num(f.ciLb[0]),
    ciUb: num(f.ciUb[0]),
    tau2: f.tau2,
    I2: f.I2,
    H2: f.H2,
    QE: f.QE,
    QEp: f.QEp,
  };
}

function tryFit(yi: number[], vi: number[], o: ModelOpts): SubsetFit | null {
  try {
    return summarise(rma(yi, vi, { method: o.method, test: o.test, level: o.level }));
  } catch {
    return null;
  }
}

/** The full model's τ² when the shared-sums refits apply (intercept-only, a non-PM estimator). */
function fastCentre(yi: number[], vi: number[], o: ModelOpts): number | null {
  if (!FAST_METHODS.includes(o.method) || yi.length < 3) return null;
  try {
    return rma(yi, vi, { method: o.method, test: o.test, level: o.level }).tau2;
  } catch {
    return null;
  }
}

/** leave1out(): the model refitted without each study in turn (null where the fit fails). */
export function leave1out(yi: number[], vi: number[], o: ModelOpts, tau2?: number): (SubsetFit | null)[] {
  const c = tau2 !== undefined && FAST_METHODS.includes(o.method) ? tau2 : fastCentre(yi, vi, o);
  if (c !== null) return leave1outFast(yi, vi, c, o.method, o.test, o.level);
  return leave1outRefit(yi, vi, o);
}

/** leave1out() by refitting each subset from scratch (the reference the shared-sums version is tested against). */
export function leave1outRefit(yi: number[], vi: number[], o: ModelOpts): (SubsetFit | null)[] {
  const k = yi.length;
  const out: (SubsetFit | null)[] = [];
  const ys = new Array<number>(k - 1);
  const vs = new Array<number>(k - 1);
  for (let i = 0; i < k; i++) {
    let j = 0;
    for (let m = 0; m < k; m++) {
      if (m === i) continue;
      ys[j] = yi[m];
      vs[j] = vi[m];
      j++;
    }
    out.push(tryFit(ys, vs, o));
  }
  return out;
}

/** cumul(): the model fitted to the first 1, 2, …, k studies of the given order (indices). */
export function cumul(yi: number[], vi: number[], order: number[], o: ModelOpts, tau2?: number): { index: number; fit: SubsetFit | null }[] {
  const c = tau2 !== undefined && FAST_METHODS.includes(o.method) ? tau2 : fastCentre(yi, vi, o);
  if (c === null) return cumulRefit(yi, vi, order, o);
  const fits = cumulFast(yi, vi, order, c, o.method, o.test, o.level);
  return order.map((index, q) => ({ index, fit: q === 0 ? tryFit([yi[index]], [vi[index]], o) : fits[q] }));
}

/** cumul() by refitting each prefix from scratch. */
export function cumulRefit(yi: number[], vi: number[], order: number[], o: ModelOpts): { index: number; fit: SubsetFit | null }[] {
  const out: { index: number; fit: SubsetFit | null }[] = [];
  const ys: number[] = [];
  const vs: number[] = [];
  for (const idx of order) {
    ys.push(yi[idx]);
    vs.push(vi[idx]);
    out.push({ index: idx, fit: tryFit(ys, vs, o) });
  }
  return out;
}

/** Stable ordering of indices by a key (R's order(): ties keep input order, missing keys last). */
export function stableOrder(keys: (number | null | undefined)[]): number[] {
  const idx = keys.map((_, i) => i);
  return idx.sort((a, b) => {
    const ka = keys[a];
    const kb = keys[b];
    const na = ka === null || ka === undefined || Number.isNaN(ka);
    const nb = kb === null || kb === undefined || Number.isNaN(kb);
    if (na && nb) return a - b;
    if (na) return 1;
    if (nb) return -1;
    return ka! - kb! || a - b;
  });
}

export interface EggerResult {
  /** t statistic of the standard-error slope */
  statistic: number;
  df: number;
  pValue: number;
  /** the "limit estimate" (intercept: effect as se → 0) and its CI */
  limitEstimate: number;
  limitCiLower: number;
  limitCiUpper: number;
}

/** regtest(model = "lm", predictor = "sei"): weighted regression of yi on sei with weights 1/vi. */
export function eggerTest(yi: number[], vi: number[], level = 0.95): EggerResult | null {
  const k = yi.length;
  if (k < 3) return null;
  const sei = vi.map(Math.sqrt);
  let sw = 0, sx = 0, sxx = 0, sy = 0, sxy = 0;
  for (let i = 0; i < k; i++) {
    const w = 1 / vi[i];
    sw += w; sx += w * sei[i]; sxx += w * sei[i] * sei[i]; sy += w * yi[i]; sxy += w * sei[i] * yi[i];
  }
  const A = [[sw, sx], [sx, sxx]];
  // rank check on the unweighted design (as lm's pivoting): sei must vary
  const mean = sei.reduce((a, b) => a + b, 0) / k;
  const spread = sei.reduce((a, s) => a + (s - mean) ** 2, 0);
  if (!(spread > 1e-14 * Math.max(1, mean * mean) * k)) return null;
  const Ai = invSPD(A);
  if (!Ai) return null;
  const b0 = Ai[0][0] * sy + Ai[0][1] * sxy;
  const b1 = Ai[1][0] * sy + Ai[1][1] * sxy;
  let rss = 0;
  for (let i = 0; i < k; i++) {
    const e = yi[i] - b0 - b1 * sei[i];
    rss += (e * e) / vi[i];
  }
  const df = k - 2;
  let swyy = 0;
  for (let i = 0; i < k; i++) swyy += (yi[i] * yi[i]) / vi[i];
  // a numerically perfect fit (e.g. identical effects): the t statistic is 0/0, not a number
  if (rss <= 1e-24 * Math.max(swyy, 1e-300)) return null;
  const s2 = rss / df;
  const se1 = Math.sqrt(s2 * Ai[1][1]);
  const se0 = Math.sqrt(s2 * Ai[0][0]);
  const t = b1 / se1;
  if (!Number.isFinite(t)) return null;
  const crit = qt(1 - (1 - level) / 2, df);
  return {
    statistic: t,
    df,
    pValue: 2 * pt(Math.abs(t), df, false),
    limitEstimate: b0,
    limitCiLower: b0 - crit * se0,
    limitCiUpper: b0 + crit * se0,
  };
}

export interface TrimFillResult {
  k0: number;
  side: 'left' | 'right';
  seK0: number;
  estimate: number;
  se: number;
  ciLower: number | null;
  ciUpper: number | null;
  pValue: number | null;
  tau2: number;
  /** the imputed studies (for the funnel plot) */
  filled: { yi: number; vi: number }[];
}

function rankFirst(a: number[]): number[] {
  const idx = a.map((_, i) => i).sort((x, y) => a[x] - a[y] || x - y);
  const r = new Array<number>(a.length);
  idx.forEach((i, pos) => (r[i] = pos + 1));
  return r;
}

/**
 * trimfill() with the L0 estimator. The side is chosen as metafor does (sign of the slope of yi on
 * sqrt(vi)); the filled model is refitted as metafor does (with its default Wald test when k0 > 0,
 * the original model when k0 = 0).
 *
 * The effects are sorted once. In every iteration the deviations from the trimmed estimate are
 * non-decreasing along that order (a subtraction rounds monotonically), so the ones ≤ 0 form a
 * prefix whose |·| falls and the positive ones a suffix whose |·| rises: the rank sum of the positive
 * ones (ties by position, R's ties.method = "first") is a merge of the two runs, O(k), instead of a
 * sort. Same result as trimfillRefit, bit for bit.
 */
export function trimfill(fit: RmaFit, maxiter = 100): TrimFillResult | null {
  const { method } = fit;
  const yiOrig = fit.yi;
  const viOrig = fit.vi;
  const k = yiOrig.length;
  if (k < 3 || fit.p !== 1) return null;
  const side = trimfillSide(fit);
  if (side === null) return null;
  const sign = side === 'right' ? -1 : 1;
  const ix = Array.from({ length: k }, (_, i) => i);
  const ys0 = Float64Array.from(yiOrig, (x) => sign * x);
  ix.sort((a, b) => ys0[a] - ys0[b] || a - b);
  const y = new Float64Array(k);
  const v = new Float64Array(k);
  let scale = 1e-300;
  for (let q = 0; q < k; q++) {
    y[q] = ys0[ix[q]];
    v[q] = viOrig[ix[q]];
    if (Math.abs(y[q]) > scale) scale = Math.abs(y[q]);
  }
  const tiny = 1e-12 * scale;
  // deviation from beta as trimfillRefit computes it (zero up to rounding counts as zero)
  const dev = (x: number, beta: number) => (Math.abs(x - beta) <= tiny ? 0 : x - beta);
  let k0sav = -1;
  let k0 = 0;
  let iter = 0;
  let beta = 0;
  let seK0 = 0;
  while (Math.abs(k0 - k0sav) > 0) {
    k0sav = k0;
    iter++;
    if (iter > maxiter) return null;
    try {
      // the trimmed fit: views, no copies (the same numbers as rma() on the slices)
      beta = interceptEstimate(y.subarray(0, k - k0), v.subarray(0, k - k0), method).beta;
    } catch {
      return null;
    }
    // first position with a positive deviation (deviations are non-decreasing in q)
    let lo = 0;
    let hi = k;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (dev(y[mid], beta) > 0) hi = mid;
      else lo = mid + 1;
    }
    let i = lo - 1;
    let j = lo;
    let rank = 0;
    let Sr = 0;
    while (j < k) {
      rank++;
      if (i >= 0 && -dev(y[i], beta) <= dev(y[j], beta)) i--;
      else {
        Sr += rank;
        j++;
      }
    }
    ({ k0, seK0 } = l0Estimate(k, Sr));
  }
  return trimfillResult(fit, side, k0, seK0, beta, Array.from(y, (x) => dev(x, beta)), Array.from(v));
}

/** The side trimfill() fills: metafor's sign of the slope of yi on sqrt(vi) (null when that fit fails). */
function trimfillSide(fit: RmaFit): 'left' | 'right' | null {
  const { yi, vi } = fit;
  try {
    const r = rma(yi, vi, { method: fit.method, mods: [vi.map(Math.sqrt)], skipR2: true });
    let scale = 1e-300;
    for (const x of yi) if (Math.abs(x) > scale) scale = Math.abs(x);
    // a slope that is zero up to rounding (identical effects) counts as 0, i.e. "left"
    return r.beta[1] < 0 && Math.abs(r.beta[1]) > 1e-10 * scale ? 'right' : 'left';
  } catch {
    return null;
  }
}

/** The L0 estimator from the rank sum Sr of the positive deviations: k0 (rounded as R, ≥ 0) and its SE. */
function l0Estimate(k: number, Sr: number): { k0: number; seK0: number } {
  const k0new = (4 * Sr - k * (k + 1)) / (2 * k - 1);
  const varSr = (1 / 24) * (k * (k + 1) * (2 * k + 1) + 10 * k0new ** 3 + 27 * k0new ** 2 + 17 * k0new - 18 * k * k0new ** 2 - 18 * k * k0new + 6 * k * k * k0new);
  return { k0: Math.max(0, rRound(k0new)), seK0: Math.max(0, (4 * Math.sqrt(varSr)) / (2 * k - 1)) };
}

/** The filled model (k0 > 0) or the original one (k0 = 0); yc, v: deviations and variances in sorted order. */
function trimfillResult(fit: RmaFit, side: 'left' | 'right', k0: number, seK0: number, beta: number, yc: number[], v: number[]): TrimFillResult | null {
  const k = yc.length;
  if (k0 > 0) {
    const ycc = side === 'right' ? yc.map((x) => -(x - beta)) : yc.map((x) => x - beta);
    const filled: { yi: number; vi: number }[] = [];
    for (let i = k - k0; i < k; i++) filled.push({ yi: -ycc[i], vi: v[i] });
    try {
      const f = rma([...fit.yi, ...filled.map((s) => s.yi)], [...fit.vi, ...filled.map((s) => s.vi)], { method: fit.method, skipR2: true });
      return {
        k0, side, seK0,
        estimate: f.beta[0], se: f.se[0], ciLower: f.ciLb[0], ciUpper: f.ciUb[0], pValue: f.pval[0], tau2: f.tau2,
        filled,
      };
    } catch {
      return null;
    }
  }
  const fin = (x: number) => (Number.isFinite(x) ? x : null);
  return {
    k0: 0, side, seK0,
    estimate: fit.beta[0], se: fit.se[0], ciLower: fin(fit.ciLb[0]), ciUpper: fin(fit.ciUb[0]), pValue: fin(fit.pval[0]), tau2: fit.tau2,
    filled: [],
  };
}

/**
 * trimfill() computed the straightforward way (ranks re-sorted in every iteration): the reference
 * the fast version is tested against (sensitivity.test.ts). trimfill() with the L0 estimator. The side is chosen as metafor does (sign of the slope of yi on
 * sqrt(vi)); the filled model is refitted as metafor does (with its default Wald test when k0 > 0,
 * the original model when k0 = 0).
 */
export function trimfillRefit(fit: RmaFit, maxiter = 100): TrimFillResult | null {
  const { method } = fit;
  const k = fit.yi.length;
  if (k < 3 || fit.p !== 1) return null;
  const side = trimfillSide(fit);
  if (side === null) return null;
  let y = side === 'right' ? fit.yi.map((x) => -x) : fit.yi.slice();
  const ix = y.map((_, i) => i).sort((a, b) => y[a] - y[b] || a - b);
  y = ix.map((i) => y[i]);
  const v = ix.map((i) => fit.vi[i]);
  let k0sav = -1;
  let k0 = 0;
  let iter = 0;
  let beta = 0;
  let yc: number[] = [];
  let seK0 = 0;
  while (Math.abs(k0 - k0sav) > 0) {
    k0sav = k0;
    iter++;
    if (iter > maxiter) return null;
    try {
      beta = rma(y.slice(0, k - k0), v.slice(0, k - k0), { method, skipR2: true }).beta[0];
    } catch {
      return null;
    }
    const scale = Math.max(...y.map(Math.abs), 1e-300);
    // deviations that are zero up to rounding count as zero (sign 0), as in exact arithmetic
    yc = y.map((x) => (Math.abs(x - beta) <= 1e-12 * scale ? 0 : x - beta));
    const r = rankFirst(yc.map(Math.abs));
    let Sr = 0;
    for (let i = 0; i < k; i++) if (yc[i] > 0) Sr += r[i];
    ({ k0, seK0 } = l0Estimate(k, Sr));
  }
  return trimfillResult(fit, side, k0, seK0, beta, yc, v);
}

/** R's round(): IEC 60559 round half to even. */
function rRound(x: number): number {
  const r = Math.round(x);
  if (Math.abs(x % 1) === 0.5) return 2 * Math.round(x / 2);
  return r;
}
