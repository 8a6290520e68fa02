/**
 * Random- and fixed-effects meta-analysis (meta-regression) as metafor's rma.uni() (metafor 3.8):
 * the same estimators, iteration schemes, starting values, convergence criteria and boundary rules,
 * so that results agree with metafor to numerical precision. Pure: no I/O.
 */
import { invSPD, logDetSPD, symEigenvalues, type Matrix } from './linalg.js';
import { pchisq, pf, pnorm, pt, qchisq, qnorm, qt, zeroin } from './special.js';

export const METHODS = ['FE', 'EE', 'DL', 'REML', 'PM', 'ML', 'HE', 'SJ'] as const;
export type Method = (typeof METHODS)[number];
export const TESTS = ['z', 'knha'] as const;
export type Test = (typeof TESTS)[number];

export interface RmaOptions {
  method?: Method;
  test?: Test;
  /** confidence level as a proportion (0.95) */
  level?: number;
  /** moderator columns (each of length k), an intercept is always added */
  mods?: number[][];
  modNames?: string[];
  /** skip the pseudo-R² (it needs an extra intercept-only fit) */
  skipR2?: boolean;
}

export interface RmaFit {
  k: number;
  p: number;
  method: Method;
  test: Test;
  level: number;
  coefNames: string[];
  beta: number[];
  se: number[];
  vb: Matrix;
  zval: number[];
  pval: number[];
  ciLb: number[];
  ciUb: number[];
  /** residual degrees of freedom for t-based inference (knha), null for z */
  ddf: number | null;
  /** critical value used for CIs (null when not computable, e.g. knha with k = p) */
  crit: number | null;
  tau2: number;
  /** heterogeneity: QE over df k − p, I², H² (NaN-free: k = p gives QE = 0, I² = 0, H² = 1 as metafor) */
  QE: number;
  QEdf: number;
  QEp: number;
  I2: number;
  H2: number;
  /** metafor's "typical" within-study variance (k − p)/tr(P) */
  vt: number;
  /** omnibus test of moderators (null when intercept-only) */
  QM: number | null;
  QMdf: [number, number | null] | null;
  QMp: number | null;
  R2: number | null;
  /** inverse-variance weights in percent */
  weights: number[];
  yi: number[];
  vi: number[];
  X: number[][]; // columns, first is the intercept
  converged: boolean;
  iterations: number;
}

export class RmaError extends Error {}

const EPS = 2.220446049250313e-16;
const THRESHOLD = 1e-5;
const TOL = Math.pow(EPS, 0.25);
const MAXITER = 100;

function median(a: ArrayLike<number>): number {
  const s = Array.from(a).sort((x, y) => x - y);
  const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}
/** R's mad(): 1.4826 · median(|x − median(x)|). */
export function mad(a: ArrayLike<number>): number {
  const m = median(a);
  return 1.4826 * median(Array.from(a, (x) => Math.abs(x - m)));
}

interface Wls {
  A: Matrix;
  Ainv: Matrix;
  beta: number[];
  /** residuals y − Xb */
  e: number[];
  /** Σ w e² = y'Py */
  RSS: number;
}

/** Weighted least squares with weights w. */
function wls(y: ArrayLike<number>, X: number[][], w: ArrayLike<number>): Wls | null {
  const p = X.length;
  const k = y.length;
  const A: Matrix = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  const xty = new Array<number>(p).fill(0);
  if (p === 1) {
    let sw = 0;
    let swy = 0;
    for (let i = 0; i < k; i++) {
      sw += w[i];
      swy += w[i] * y[i];
    }
    A[0][0] = sw;
    xty[0] = swy;
  } else {
    for (let a = 0; a < p; a++) {
      const xa = X[a];
      for (let b = 0; b <= a; b++) {
        const xb = X[b];
        let s = 0;
        for (let i = 0; i < k; i++) s += w[i] * xa[i] * xb[i];
        A[a][b] = s;
        A[b][a] = s;
      }
      let s = 0;
      for (let i = 0; i < k; i++) s += w[i] * xa[i] * y[i];
      xty[a] = s;
    }
  }
  const Ainv = invSPD(A);
  if (!Ainv) return null;
  const beta = new Array<number>(p).fill(0);
  for (let a = 0; a < p; a++) {
    let s = 0;
    for (let b = 0; b < p; b++) s += Ainv[a][b] * xty[b];
    beta[a] = s;
  }
  const e = new Array<number>(k);
  let RSS = 0;
  for (let i = 0; i < k; i++) {
    let f = 0;
    for (let a = 0; a < p; a++) f += X[a][i] * beta[a];
    e[i] = y[i] - f;
    RSS += w[i] * e[i] * e[i];
  }
  return { A, Ainv, beta, e, RSS };
}

/** x_i' M x_i for each i */
function quadDiag(X: number[][], M: Matrix, k: number): number[] {
  const p = X.length;
  const h = new Array<number>(k);
  for (let i = 0; i < k; i++) {
    let s = 0;
    for (let a = 0; a < p; a++) {
      const xa = X[a][i];
      for (let b = 0; b < p; b++) s += xa * M[a][b] * X[b][i];
    }
    h[i] = s;
  }
  return h;
}

/** tr(P) with P = W − W X (X'WX)⁻¹ X' W */
function traceP(X: number[][], w: ArrayLike<number>, Ainv: Matrix): number {
  const k = w.length;
  const h = quadDiag(X, Ainv, k);
  let s = 0;
  for (let i = 0; i < k; i++) s += w[i] - w[i] * w[i] * h[i];
  return s;
}

/** tr(PP) */
function tracePP(X: number[][], w: ArrayLike<number>, Ainv: Matrix): number {
  const k = w.length;
  const p = X.length;
  // B2 = X'W²X, B3 = X'W³X
  const B2: Matrix = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  const B3: Matrix = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  let sw2 = 0;
  for (let i = 0; i < k; i++) {
    const w2 = w[i] * w[i];
    sw2 += w2;
    for (let a = 0; a < p; a++) {
      for (let b = 0; b < p; b++) {
        const xx = X[a][i] * X[b][i];
        B2[a][b] += w2 * xx;
        B3[a][b] += w2 * w[i] * xx;
      }
    }
  }
  // tr(Ainv B3), tr(Ainv B2 Ainv B2)
  let t3 = 0;
  const C: Matrix = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  for (let a = 0; a < p; a++) {
    for (let b = 0; b < p; b++) {
      t3 += Ainv[a][b] * B3[b][a];
      let s = 0;
      for (let c = 0; c < p; c++) s += Ainv[a][c] * B2[c][b];
      C[a][b] = s;
    }
  }
  let t22 = 0;
  for (let a = 0; a < p; a++) for (let b = 0; b < p; b++) t22 += C[a][b] * C[b][a];
  return sw2 - 2 * t3 + t22;
}

export interface Stats1 {
  sw: number;
  b: number;
  RSS: number;
  sw2: number;
  sw3: number;
  w2e2: number;
}

/**
 * Paule-Mandel τ²: the root of Q(τ²) = k − p on [0, tau2.max] (metafor's uniroot search); 0 when
 * Q(0) is already below k − p.
 */
function pauleMandel(q: (tau2: number) => number, target: number, yi: ArrayLike<number>): number {
  const tau2Max = Math.max(100, 10 * mad(yi) ** 2);
  const f = (t: number) => q(t) - target;
  const f0 = f(0);
  if (f0 < 0) return 0;
  const fmax = f(tau2Max);
  if (fmax > 0) throw new RmaError("value of 'tau2.max' too low (PM)");
  return zeroin(f, 0, tau2Max, TOL, MAXITER, f0, fmax);
}


/** One-pass-per-quantity statistics for the intercept-only model with weights 1/(v + τ²). */
function stats1(y: ArrayLike<number>, v: ArrayLike<number>, tau2: number): Stats1 {
  const k = y.length;
  let sw = 0;
  let swy = 0;
  for (let i = 0; i < k; i++) {
    const w = 1 / (v[i] + tau2);
    sw += w;
    swy += w * y[i];
  }
  const b = swy / sw;
  let RSS = 0, sw2 = 0, sw3 = 0, w2e2 = 0;
  for (let i = 0; i < k; i++) {
    const vt = v[i] + tau2;
    const w = 1 / vt;
    const e = y[i] - b;
    const we = w * e;
    RSS += we * e;
    w2e2 += we * we;
    const w2 = w * w;
    sw2 += w2;
    sw3 += w2 * w;
  }
  return { sw, b, RSS, sw2, sw3, w2e2 };
}

function weightsFor(vi: ArrayLike<number>, tau2: number): Float64Array {
  const w = new Float64Array(vi.length);
  for (let i = 0; i < vi.length; i++) w[i] = 1 / (vi[i] + tau2);
  return w;
}

/** I² (%) and H² from the fixed-effect Q on `df` degrees of freedom, τ² and the typical within-study variance vt. */
function heterogeneityIndices(method: Method, QE: number, df: number, tau2: number, vt: number): { I2: number; H2: number } {
  if (method === 'FE' || method === 'EE') return { I2: Math.max(0, (100 * (QE - df)) / QE), H2: QE / df };
  return { I2: (100 * tau2) / (vt + tau2), H2: tau2 / vt + 1 };
}

/** Generalised Q: Σ w(τ²) (y − Xb(τ²))², metafor's .QE.func with objective 0. */
export function generalisedQ(yi: ArrayLike<number>, vi: ArrayLike<number>, X: number[][], tau2: number): number {
  if (X.length === 1) return stats1(yi, vi, tau2).RSS;
  const r = wls(yi, X, weightsFor(vi, tau2));
  if (!r) return NaN;
  return r.RSS;
}

function mustWls(y: ArrayLike<number>, X: number[][], w: ArrayLike<number>): Wls {
  const r = wls(y, X, w);
  if (!r) throw new RmaError('model matrix not of full rank');
  return r;
}

interface Tau2Result {
  tau2: number;
  converged: boolean;
  iterations: number;
}

/** τ² estimation as rma.uni. */
function estimateTau2(yi: number[], vi: number[], X: number[][], method: Method): Tau2Result {
  const k = yi.length;
  const p = X.length;
  if (method === 'FE' || method === 'EE') return { tau2: 0, converged: true, iterations: 0 };
  if (k === 1) return { tau2: 0, converged: true, iterations: 0 };
  if (p === 1) return estimateTau2Intercept(yi, vi, method);
  let tau2 = 0;
  let iterations = 0;
  if (method === 'HE' || method === 'ML' || method === 'REML') {
    const ones = new Float64Array(k).fill(1);
    const ols = mustWls(yi, X, ones);
    const h = quadDiag(X, ols.Ainv, k);
    let trPV = 0;
    for (let i = 0; i < k; i++) trPV += vi[i] * (1 - h[i]);
    tau2 = (ols.RSS - trPV) / (k - p);
  }
  if (method === 'DL') {
    const w = weightsFor(vi, 0);
    const r = mustWls(yi, X, w);
    const trP = traceP(X, w, r.Ainv);
    tau2 = (r.RSS - (k - p)) / trP;
  }
  if (method === 'SJ') {
    let mean = 0;
    for (const y of yi) mean += y;
    mean /= k;
    let ss = 0;
    for (const y of yi) ss += (y - mean) * (y - mean);
    const tau20 = ss / k; // var(y)·(k−1)/k
    const r = mustWls(yi, X, weightsFor(vi, tau20));
    tau2 = (tau20 * r.RSS) / (k - p);
  }
  if (method === 'PM') {
    tau2 = pauleMandel((t) => generalisedQ(yi, vi, X, t), k - p, yi);
  }
  if (method === 'ML' || method === 'REML') {
    tau2 = Math.max(0, tau2);
    let change = THRESHOLD + 1;
    let conv = true;
    while (change > THRESHOLD) {
      iterations++;
      const old = tau2;
      const w = weightsFor(vi, tau2);
      const r = mustWls(yi, X, w);
      let yPPy = 0;
      for (let i = 0; i < k; i++) yPPy += w[i] * w[i] * r.e[i] * r.e[i];
      let adj: number;
      if (method === 'ML') {
        let sw = 0;
        let sw2 = 0;
        for (let i = 0; i < k; i++) {
          sw += w[i];
          sw2 += w[i] * w[i];
        }
        adj = (yPPy - sw) / sw2;
      } else {
        adj = (yPPy - traceP(X, w, r.Ainv)) / tracePP(X, w, r.Ainv);
      }
      if (Number.isNaN(adj)) adj = 0;
      while (tau2 + adj < 0) adj /= 2;
      tau2 = tau2 + adj;
      change = Math.abs(old - tau2);
      if (iterations > MAXITER) {
        conv = false;
        break;
      }
    }
    if (!conv) throw new RmaError('Fisher scoring algorithm did not converge');
    // metafor's ll0check: compare with the log-likelihood at τ² = 0
    const ll = (t: number) => {
      const w = weightsFor(vi, t);
      const r = mustWls(yi, X, w);
      let sl = 0;
      for (let i = 0; i < k; i++) sl += Math.log(vi[i] + t);
      if (method === 'ML') return -0.5 * k * Math.log(2 * Math.PI) - 0.5 * sl - 0.5 * r.RSS;
      return -0.5 * (k - p) * Math.log(2 * Math.PI) - 0.5 * sl - 0.5 * logDetSPD(r.A) - 0.5 * r.RSS;
    };
    if (tau2 > THRESHOLD && ll(0) - ll(tau2) > TOL) tau2 = 0;
  }
  return { tau2: Math.max(0, tau2), converged: true, iterations };
}

/** The same estimators for the intercept-only model, in O(k) per evaluation without matrices. */
function estimateTau2Intercept(yi: ArrayLike<number>, vi: ArrayLike<number>, method: Method): Tau2Result {
  const k = yi.length;
  const p = 1;
  let tau2 = 0;
  let iterations = 0;
  let mean = 0;
  for (let i = 0; i < k; i++) mean += yi[i];
  mean /= k;
  if (method === 'HE' || method === 'ML' || method === 'REML') {
    let rss = 0;
    let sv = 0;
    for (let i = 0; i < k; i++) {
      rss += (yi[i] - mean) ** 2;
      sv += vi[i];
    }
    tau2 = (rss - sv * (1 - 1 / k)) / (k - p);
  }
  if (method === 'DL') {
    const st = stats1(yi, vi, 0);
    tau2 = (st.RSS - (k - p)) / (st.sw - st.sw2 / st.sw);
  }
  if (method === 'SJ') {
    let ss = 0;
    for (let i = 0; i < k; i++) ss += (yi[i] - mean) ** 2;
    const tau20 = ss / k;
    tau2 = (tau20 * stats1(yi, vi, tau20).RSS) / (k - p);
  }
  if (method === 'PM') {
    tau2 = pauleMandel((t) => stats1(yi, vi, t).RSS, k - p, yi);
  }
  if (method === 'ML' || method === 'REML') {
    tau2 = Math.max(0, tau2);
    let change = THRESHOLD + 1;
    while (change > THRESHOLD) {
      iterations++;
      const old = tau2;
      const st = stats1(yi, vi, tau2);
      let adj: number;
      if (method === 'ML') adj = (st.w2e2 - st.sw) / st.sw2;
      else {
        const trP = st.sw - st.sw2 / st.sw;
        const r = st.sw2 / st.sw;
        const trPP = st.sw2 - (2 * st.sw3) / st.sw + r * r;
        adj = (st.w2e2 - trP) / trPP;
      }
      if (Number.isNaN(adj)) adj = 0;
      while (tau2 + adj < 0) adj /= 2;
      tau2 = tau2 + adj;
      change = Math.abs(old - tau2);
      if (iterations > MAXITER) throw new RmaError('Fisher scoring algorithm did not converge');
    }
    const ll = (t: number) => {
      const st = stats1(yi, vi, t);
      let slv = 0;
      for (let i = 0; i < k; i++) slv += Math.log(vi[i] + t);
      if (method === 'ML') return -0.5 * k * Math.log(2 * Math.PI) - 0.5 * slv - 0.5 * st.RSS;
      return -0.5 * (k - p) * Math.log(2 * Math.PI) - 0.5 * slv - 0.5 * Math.log(st.sw) - 0.5 * st.RSS;
    };
    if (tau2 > THRESHOLD && ll(0) - ll(tau2) > TOL) tau2 = 0;
  }
  return { tau2: Math.max(0, tau2), converged: true, iterations };
}

/**
 * The pooled estimate and τ² of the intercept-only model, bit for bit rma(yi, vi, { method }).beta[0]
 * and .tau2, without the rest of the fit (for refits inside loops; the inputs must be valid for
 * rma(): k ≥ 1, finite yi, vi > 0). Throws RmaError where rma() would.
 */
export function interceptEstimate(yi: ArrayLike<number>, vi: ArrayLike<number>, method: Method): { beta: number; tau2: number } {
  if (yi.length === 0) throw new RmaError('no studies');
  const tau2 = method === 'FE' || method === 'EE' || yi.length === 1 ? 0 : estimateTau2Intercept(yi, vi, method).tau2;
  return { beta: stats1(yi, vi, tau2).b, tau2 };
}

/** critical values by level, then by df (z: df −1); cumulative analyses ask for every df up to k */
const critCache = new Map<number, Map<number, number>>();
let critCached = 0;
export function critFor(test: Test, level: number, ddf: number): number | null {
  const a = 1 - level;
  if (test === 'knha' && !(ddf > 0)) return null;
  const key = test === 'knha' ? ddf : -1;
  let byDf = critCache.get(level);
  if (byDf === undefined) critCache.set(level, (byDf = new Map()));
  let c = byDf.get(key);
  if (c === undefined) {
    c = test === 'knha' ? qt(1 - a / 2, ddf) : qnorm(1 - a / 2);
    if (critCached > 250_000) {
      critCache.clear();
      critCached = 0;
      critCache.set(level, (byDf = new Map()));
    }
    byDf.set(key, c);
    critCached++;
  }
  return c;
}

/** rma() for the intercept-only model: the same results in a few O(k) passes. */
function fitIntercept(
  yi: number[], vi: number[], X: number[][], tau2: number, est: Tau2Result,
  method: Method, test: Test, level: number, coefNames: string[],
): RmaFit {
  const k = yi.length;
  const p = 1;
  const st = stats1(yi, vi, tau2);
  let s2w = 1;
  if (test === 'knha') s2w = st.RSS <= EPS ? 0 : st.RSS / (k - p);
  const v = s2w / st.sw;
  const se = Math.sqrt(v);
  const z = st.b / se;
  const crit = critFor(test, level, k - p);
  const pval = test === 'knha' ? (k - p > 0 ? 2 * pt(Math.abs(z), k - p, false) : NaN) : 2 * pnorm(Math.abs(z), false);
  let QE = 0, QEp = 1, I2 = 0, H2 = 1, vt = 0;
  if (k > p) {
    const st0 = stats1(yi, vi, 0);
    QE = Math.max(0, st0.RSS);
    QEp = pchisq(QE, k - p, false);
    vt = (k - p) / (st0.sw - st0.sw2 / st0.sw);
    ({ I2, H2 } = heterogeneityIndices(method, QE, k - p, tau2, vt));
  }
  const weights = new Array<number>(k);
  for (let i = 0; i < k; i++) weights[i] = 100 / ((vi[i] + tau2) * st.sw);
  return {
    k, p, method, test, level, coefNames,
    beta: [st.b], se: [se], vb: [[v]], zval: [z], pval: [pval],
    ciLb: [crit === null ? NaN : st.b - crit * se], ciUb: [crit === null ? NaN : st.b + crit * se],
    ddf: test === 'knha' ? k - p : null, crit,
    tau2, QE, QEdf: k - p, QEp, I2, H2, vt,
    QM: null, QMdf: null, QMp: null, R2: null, weights,
    yi: yi.slice(), vi: vi.slice(), X,
    converged: est.converged, iterations: est.iterations,
  };
}

/**
 * Fit the model. Throws RmaError when metafor would stop (rank-deficient design, too many
 * parameters, non-convergence, non-positive variances).
 */
export function rma(yi: number[], vi: number[], opts: RmaOptions = {}): RmaFit {
  const method: Method = opts.method ?? 'REML';
  const k = yi.length;
  // as metafor: with k = 1 the t-based (knha) test is replaced by the z test
  const test: Test = k === 1 ? 'z' : (opts.test ?? 'z');
  const level = opts.level ?? 0.95;
  if (k === 0) throw new RmaError('no studies');
  if (vi.length !== k) throw new RmaError('yi and vi differ in length');
  for (let i = 0; i < k; i++) {
    if (!Number.isFinite(yi[i]) || !Number.isFinite(vi[i])) throw new RmaError('non-finite yi or vi');
    if (!(vi[i] > 0)) throw new RmaError('sampling variances must be > 0');
  }
  const mods = opts.mods ?? [];
  const X: number[][] = [new Array<number>(k).fill(1), ...mods.map((c) => c.slice())];
  const p = X.length;
  const coefNames = ['intercept', ...(opts.modNames ?? mods.map((_, j) => `x${j + 1}`))];
  if (p > 1) {
    for (const c of mods) if (c.length !== k || c.some((x) => !Number.isFinite(x))) throw new RmaError('moderator values must be finite numbers');
    if (method === 'FE' || method === 'EE' ? p > k : p + 1 > k) throw new RmaError('number of parameters to be estimated is larger than the number of observations');
    const XtX: Matrix = X.map((a) => X.map((b) => a.reduce((s, x, i) => s + x * b[i], 0)));
    if (symEigenvalues(XtX).some((ev) => ev <= 1e-7)) throw new RmaError('model matrix not of full rank');
  }
  const est = estimateTau2(yi, vi, X, method);
  const tau2 = est.tau2;
  if (p === 1) return fitIntercept(yi, vi, X, tau2, est, method, test, level, coefNames);
  const w = weightsFor(vi, tau2);
  const fit = mustWls(yi, X, w);
  let s2w = 1;
  if (test === 'knha') s2w = fit.RSS <= EPS ? 0 : fit.RSS / (k - p);
  const vb = fit.Ainv.map((r) => r.map((x) => x * s2w));
  const se = vb.map((r, i) => Math.sqrt(r[i]));
  const zval = fit.beta.map((b, i) => b / se[i]);
  const ddf = test === 'knha' ? k - p : null;
  const crit = critFor(test, level, k - p);
  const pval = zval.map((z) =>
    test === 'knha' ? (k - p > 0 ? 2 * pt(Math.abs(z), k - p, false) : NaN) : 2 * pnorm(Math.abs(z), false),
  );
  const ciLb = fit.beta.map((b, i) => (crit === null ? NaN : b - crit * se[i]));
  const ciUb = fit.beta.map((b, i) => (crit === null ? NaN : b + crit * se[i]));

  // heterogeneity (fixed-effect weights)
  let QE = 0;
  let QEp = 1;
  let I2 = 0;
  let H2 = 1;
  let vt = 0;
  if (k > p) {
    const w0 = weightsFor(vi, 0);
    const r0 = mustWls(yi, X, w0);
    QE = Math.max(0, r0.RSS);
    QEp = pchisq(QE, k - p, false);
    vt = (k - p) / traceP(X, w0, r0.Ainv);
    ({ I2, H2 } = heterogeneityIndices(method, QE, k - p, tau2, vt));
  }

  // omnibus test of moderators
  let QM: number | null = null;
  let QMdf: [number, number | null] | null = null;
  let QMp: number | null = null;
  let R2: number | null = null;
  if (p > 1) {
    const m = p - 1;
    const sub = vb.slice(1).map((r) => r.slice(1));
    const subInv = invSPD(sub);
    const b = fit.beta.slice(1);
    if (subInv) {
      let q = 0;
      for (let a = 0; a < m; a++) for (let c = 0; c < m; c++) q += b[a] * subInv[a][c] * b[c];
      if (test === 'knha') {
        QM = q / m;
        QMdf = [m, k - p];
        QMp = k - p > 0 ? pf(QM, m, k - p, false) : null;
      } else {
        QM = q;
        QMdf = [m, null];
        QMp = pchisq(q, m, false);
      }
    }
    if (!opts.skipR2) {
      if (method === 'FE' || method === 'EE') {
        R2 = null; // metafor uses the adjusted R² of a weighted lm here; not reported
      } else {
        try {
          const res0 = estimateTau2(yi, vi, [X[0]], method);
          R2 = res0.tau2 === 0 ? 0 : Math.max(0, (100 * (res0.tau2 - tau2)) / res0.tau2);
        } catch {
          R2 = null;
        }
      }
    }
  }
  let sw = 0;
  for (let i = 0; i < k; i++) sw += w[i];
  const weights = Array.from(w, (x) => (100 * x) / sw);
  return {
    k, p, method, test, level, coefNames,
    beta: fit.beta, se, vb, zval, pval, ciLb, ciUb, ddf, crit,
    tau2, QE, QEdf: k - p, QEp, I2, H2, vt,
    QM, QMdf, QMp, R2, weights,
    yi: yi.slice(), vi: vi.slice(), X,
    converged: est.converged, iterations: est.iterations,
  };
}

/** Prediction interval for the (intercept-only) pooled effect, as predict.rma(). */
export function predictInterval(fit: RmaFit): { pred: number; piLb: number | null; piUb: number | null } {
  const pred = fit.beta[0];
  if (fit.crit === null || fit.method === 'FE' || fit.method === 'EE') return { pred, piLb: null, piUb: null };
  const s = Math.sqrt(fit.se[0] ** 2 + fit.tau2);
  return { pred, piLb: pred - fit.crit * s, piUb: pred + fit.crit * s };
}

export interface Tau2Ci {
  tau2: number;
  tau2Lb: number;
  tau2Ub: number;
  I2Lb: number;
  I2Ub: number;
  H2Lb: number;
  H2Ub: number;
  /** true when the whole CI collapsed at 0 (metafor's ci.null) */
  ciNull: boolean;
  lbSign: '' | '<' | '>';
  ubSign: '' | '<' | '>';
}

/** Q-profile confidence interval for τ², I², H² as confint.rma.uni(type = "QP"). */
export function confintTau2(fit: RmaFit): Tau2Ci | null {
  const { k, p, yi, vi, X } = fit;
  if (k === 1 || fit.method === 'FE' || fit.method === 'EE' || k - p < 1) return null;
  const tau2Min = Math.min(0, fit.tau2);
  const tau2Max = Math.max(100, fit.tau2 * 10, tau2Min * 10);
  const a = 1 - fit.level;
  const critU = qchisq(1 - a / 2, k - p);
  const critL = qchisq(a / 2, k - p);
  const Q = (t: number) => generalisedQ(yi, vi, X, t);
  const qMax = Q(tau2Max);
  const qMin = Q(tau2Min);
  let lb = NaN;
  let ub = NaN;
  let ciNull = false;
  let lbSign: Tau2Ci['lbSign'] = '';
  let ubSign: Tau2Ci['ubSign'] = '';
  if (qMin < critL) {
    lb = tau2Min;
    ub = tau2Min;
    lbSign = '<';
    ubSign = '<';
    ciNull = tau2Min <= 0;
  } else if (qMax > critL) {
    ub = tau2Max;
    ubSign = '>';
  } else {
    ub = zeroin((t) => Q(t) - critL, tau2Min, tau2Max, TOL, 1000, qMin - critL, qMax - critL);
  }
  if (qMax > critU) {
    lb = tau2Max;
    ub = tau2Max;
    lbSign = '>';
    ubSign = '>';
  } else if (qMin < critU) {
    lb = tau2Min;
  } else {
    lb = zeroin((t) => Q(t) - critU, tau2Min, tau2Max, TOL, 1000, qMin - critU, qMax - critU);
  }
  const vt = fit.vt;
  return {
    tau2: fit.tau2,
    tau2Lb: lb,
    tau2Ub: ub,
    I2Lb: (100 * lb) / (vt + lb),
    I2Ub: (100 * ub) / (vt + ub),
    H2Lb: lb / vt + 1,
    H2Ub: ub / vt + 1,
    ciNull,
    lbSign,
    ubSign,
  };
}
