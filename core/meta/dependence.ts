/**
 * Effects that share a study (CONTRACTS.md "Additions"): metafor's aggregate.escalc(struct = "CS"),
 * the three-level model rma.mv(yi, vi, random = ~ 1 | cluster/effect) (REML), and the correlated
 * hierarchical effects (CHE) working model with cluster-robust CR2 standard errors and Satterthwaite
 * df as robust(..., clubSandwich = TRUE) (clubSandwich's CR2 with the model's own weights). Pure.
 */
import { cholesky, invSPD, symEigen, type Matrix } from './linalg.js';
import { pnorm, pt, qchisq, qnorm, qt, zeroin } from './special.js';

export interface Clusters {
  /** cluster label per cluster, in order of first appearance */
  labels: string[];
  /** row indices of each cluster, in input order */
  rows: number[][];
}

/** Groups rows by cluster (a row without one is its own cluster, labelled by its id). */
export function groupClusters(rows: { id: string; cluster?: string }[]): Clusters {
  const byKey = new Map<string, number>();
  const labels: string[] = [];
  const idx: number[][] = [];
  rows.forEach((r, i) => {
    const key = r.cluster !== undefined ? `c${r.cluster}` : `r${i}`;
    let c = byKey.get(key);
    if (c === undefined) {
      c = labels.length;
      byKey.set(key, c);
      labels.push(r.cluster ?? r.id);
      idx.push([]);
    }
    idx[c].push(i);
  });
  return { labels, rows: idx };
}

export class DependenceError extends Error {}

/**
 * aggregate(escalc, cluster, rho, struct = "CS", weighted = TRUE): per cluster the GLS mean
 * (1'V⁻¹y)/(1'V⁻¹1) and its variance 1/(1'V⁻¹1), with V_ij = ρ √(v_i v_j) for i ≠ j.
 * Closed form of the compound-symmetric inverse, O(k).
 */
export function aggregateEffects(yi: number[], vi: number[], cl: Clusters, rho: number): { yi: number[]; vi: number[] } {
  const ay: number[] = [];
  const av: number[] = [];
  for (const idx of cl.rows) {
    const n = idx.length;
    if (n === 1) {
      ay.push(yi[idx[0]]);
      av.push(vi[idx[0]]);
      continue;
    }
    if (!(rho < 1 && rho > -1 / (n - 1))) throw new DependenceError(`rho = ${rho} makes the ${n} effects of a cluster perfectly (or impossibly) correlated; use -1/(n-1) < rho < 1`);
    let q = 0, t = 0, yv = 0, ys = 0;
    for (const i of idx) {
      const s = Math.sqrt(vi[i]);
      q += 1 / vi[i];
      t += 1 / s;
      yv += yi[i] / vi[i];
      ys += yi[i] / s;
    }
    const c = rho / (1 + (n - 1) * rho);
    const oneVone = (q - c * t * t) / (1 - rho);
    const oneVy = (yv - c * t * ys) / (1 - rho);
    ay.push(oneVy / oneVone);
    av.push(1 / oneVone);
  }
  return { yi: ay, vi: av };
}

export interface MultilevelFit {
  k: number;
  clusters: number;
  /** [between clusters, within clusters] */
  sigma2: [number, number];
  estimate: number;
  se: number;
  statistic: number;
  df: number | null;
  pValue: number;
  ciLower: number;
  ciUpper: number;
  piLower: number;
  piUpper: number;
  logLik: number;
  iterations: number;
  /** profile-likelihood CIs of [between, within] (multilevel only, when asked) */
  sigma2Ci?: [{ lower: number | null; upper: number | null }, { lower: number | null; upper: number | null }];
  /** per-row weights in percent, as weights.rma.mv (diagonal of V⁻¹) */
  weights: number[];
}

interface Block {
  idx: number[];
  /** sampling covariance of the block (diagonal v, or CS with rho) */
  S: Matrix;
}

interface Eval {
  ll: number;
  s: number;
  beta: number;
  score: [number, number];
  info: [[number, number], [number, number]];
  W: Matrix[];
  L: Matrix[];
}

function blockCov(b: Block, s1: number, s2: number): Matrix {
  const n = b.idx.length;
  const M: Matrix = b.S.map((r) => r.slice());
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) M[i][j] += s1;
    M[i][i] += s2;
  }
  return M;
}

/** REML log-likelihood, its score and the expected information for (σ²₁, σ²₂), X = 1. */
function evaluate(y: number[], blocks: Block[], s1: number, s2: number): Eval | null {
  const W: Matrix[] = [];
  const L: Matrix[] = [];
  const w: number[][] = [];
  const S: number[] = [];
  let s = 0, swy = 0, logdet = 0;
  for (const b of blocks) {
    const M = blockCov(b, s1, s2);
    const l = cholesky(M);
    const inv = l ? invSPD(M) : null;
    if (!l || !inv) return null;
    for (let i = 0; i < l.length; i++) logdet += 2 * Math.log(l[i][i]);
    const wc = inv.map((r) => r.reduce((a, x) => a + x, 0));
    const Sc = wc.reduce((a, x) => a + x, 0);
    W.push(inv);
    L.push(l);
    w.push(wc);
    S.push(Sc);
    s += Sc;
    b.idx.forEach((i, j) => (swy += wc[j] * y[i]));
  }
  const beta = swy / s;
  let rPr = 0, u1 = 0, u2 = 0, trW = 0, sS2 = 0, sS3 = 0, sw2 = 0, sSw2 = 0, sWF = 0, sWw = 0;
  blocks.forEach((b, c) => {
    const Wc = W[c];
    const n = b.idx.length;
    const r = b.idx.map((i) => y[i] - beta);
    const Pr = Wc.map((row) => row.reduce((a, x, j) => a + x * r[j], 0));
    let sumPr = 0;
    for (let i = 0; i < n; i++) {
      rPr += r[i] * Pr[i];
      sumPr += Pr[i];
      u2 += Pr[i] * Pr[i];
      trW += Wc[i][i];
      for (let j = 0; j < n; j++) sWF += Wc[i][j] * Wc[i][j];
    }
    u1 += sumPr * sumPr;
    const wc = w[c];
    let ww = 0;
    for (let i = 0; i < n; i++) ww += wc[i] * wc[i];
    const Ww = Wc.map((row) => row.reduce((a, x, j) => a + x * wc[j], 0));
    for (let i = 0; i < n; i++) sWw += wc[i] * Ww[i];
    sS2 += S[c] * S[c];
    sS3 += S[c] ** 3;
    sw2 += ww;
    sSw2 += S[c] * ww;
  });
  const ll = -0.5 * (logdet + Math.log(s) + rPr);
  const score: [number, number] = [0.5 * (u1 - (s - sS2 / s)), 0.5 * (u2 - (trW - sw2 / s))];
  const i11 = 0.5 * (sS2 - (2 * sS3) / s + (sS2 * sS2) / (s * s));
  const i12 = 0.5 * (sw2 - (2 * sSw2) / s + (sS2 * sw2) / (s * s));
  const i22 = 0.5 * (sWF - (2 * sWw) / s + (sw2 * sw2) / (s * s));
  return { ll, s, beta, score, info: [[i11, i12], [i12, i22]], W, L };
}

function buildBlocks(vi: number[], cl: Clusters, rho: number | null): Block[] {
  return cl.rows.map((idx) => ({
    idx,
    S: idx.map((i, a) => idx.map((j, b) => (a === b ? vi[i] : rho === null ? 0 : rho * Math.sqrt(vi[i] * vi[j])))),
  }));
}

/** REML fit of σ²₁ (clusters) and σ²₂ (effects within clusters): Fisher scoring on the box σ² ≥ 0. */
function fitReml(y: number[], blocks: Block[], fixed: [number | null, number | null] = [null, null], start?: number[]): { s1: number; s2: number; ev: Eval; iterations: number } {
  const k = y.length;
  const mean = y.reduce((a, x) => a + x, 0) / k;
  const vy = y.reduce((a, x) => a + (x - mean) ** 2, 0) / Math.max(1, k - 1);
  const vbar = blocks.reduce((a, b) => a + b.S.reduce((t, r, i) => t + r[i], 0), 0) / k;
  const s0 = Math.max(0.01 * vy, (vy - vbar) / 2, 1e-4);
  let th = [fixed[0] ?? start?.[0] ?? s0, fixed[1] ?? start?.[1] ?? s0];
  let ev = evaluate(y, blocks, th[0], th[1]);
  if (!ev) throw new DependenceError('the marginal variance matrix is not positive definite');
  let it = 0;
  const scale = () => Math.max(1e-6, th[0] + th[1]);
  const search = (step: number[]): { th: number[]; ev: Eval } | null => {
    let f = 1;
    for (let h = 0; h < 60; h++) {
      const cand = th.map((t, j) => Math.max(0, t + f * step[j]));
      const next = evaluate(y, blocks, cand[0], cand[1]);
      if (next && next.ll >= ev!.ll - 1e-13 * Math.abs(ev!.ll)) return { th: cand, ev: next };
      f /= 2;
    }
    return null;
  };
  for (; it < 500; it++) {
    const free = [0, 1].filter((j) => fixed[j] === null && !(th[j] <= 0 && ev!.score[j] <= 0));
    if (free.length === 0) break;
    let step = [0, 0];
    if (free.length === 2) {
      const [[a, b], [, d]] = ev.info;
      const det = a * d - b * b;
      step = [(d * ev.score[0] - b * ev.score[1]) / det, (a * ev.score[1] - b * ev.score[0]) / det];
    } else {
      const j = free[0];
      step[j] = ev.score[j] / ev.info[j][j];
    }
    const diagonal = [ev.score[0] / ev.info[0][0], ev.score[1] / ev.info[1][1]];
    if (!step.every(Number.isFinite)) step = free.length === 2 ? diagonal : step;
    if (free.length === 2) {
      const j = [0, 1].find((c) => th[c] + step[c] < 0);
      if (j !== undefined && th[j] > 0) {
        // the joint step leaves the box: move onto the face σ²_j = 0 if that is no worse, and go on from there
        const face = th.slice();
        face[j] = 0;
        const fev = evaluate(y, blocks, face[0], face[1]);
        if (fev && fev.ll >= ev.ll - 1e-13 * Math.abs(ev.ll)) {
          th = face;
          ev = fev;
          continue;
        }
      } else if (j !== undefined) {
        // on the face with a positive score: the coupled step points outwards; use the diagonal one
        step = diagonal;
      }
    }
    // converged: the full scoring step (as far as the bounds allow) no longer moves the estimates
    const move = Math.max(...[0, 1].map((j) => Math.abs(Math.max(0, th[j] + step[j]) - th[j])));
    if (move < 1e-11 * scale()) break;
    let next = search(step);
    // an ill-conditioned information matrix: fall back to a scaled gradient step
    if (!next && free.length === 2) next = search([ev.score[0] / ev.info[0][0], ev.score[1] / ev.info[1][1]]);
    if (!next) break;
    th = next.th;
    ev = next.ev;
  }
  return { s1: th[0], s2: th[1], ev, iterations: it };
}

export interface DependentOptions {
  level: number;
  /** profile-likelihood CIs of both σ² components (confint.rma.mv) */
  profile?: boolean;
  /** "t": t-test with df = k − 1 (metafor's test = "t"); "z": Wald */
  test: 't' | 'z';
}

/** rma.mv(yi, vi, random = ~ 1 | cluster/effect, method = "REML"). */
export function multilevel(yi: number[], vi: number[], cl: Clusters, o: DependentOptions): MultilevelFit {
  const blocks = buildBlocks(vi, cl, null);
  const fit = fitReml(yi, blocks);
  const out = summarise(yi, blocks, cl, o, fit, null);
  if (o.profile) out.sigma2Ci = [profileCi(yi, blocks, fit, 0, o.level), profileCi(yi, blocks, fit, 1, o.level)];
  return out;
}

/**
 * confint.rma.mv for one variance component: where the profiled REML log-likelihood (the other
 * component re-estimated) drops by qchisq(level, 1)/2, searched on [0, max(10, 100 σ²)] as metafor.
 */
function profileCi(y: number[], blocks: Block[], fit: ReturnType<typeof fitReml>, j: 0 | 1, level: number): { lower: number | null; upper: number | null } {
  const est = j === 0 ? fit.s1 : fit.s2;
  const target = fit.ev.ll - qchisq(level, 1) / 2;
  const other = j === 0 ? fit.s2 : fit.s1;
  const f = (x: number) => {
    const fx: [number | null, number | null] = j === 0 ? [x, null] : [null, x];
    const start = j === 0 ? [x, other] : [other, x];
    return fitReml(y, blocks, fx, start).ev.ll - target;
  };
  const vcMax = Math.max(est <= Math.sqrt(2.220446049250313e-16) ? 10 : Math.max(10, est * 100), 0);
  const f0 = f(0);
  const lower = f0 >= 0 ? 0 : zeroin(f, 0, est, 1e-12, 1000, f0, fit.ev.ll - target);
  const fMax = f(vcMax);
  const upper = fMax > 0 ? null : zeroin(f, est, vcMax, 1e-12, 1000, fit.ev.ll - target, fMax);
  return { lower, upper };
}

/**
 * CHE working model rma.mv(yi, V, random = ~ 1 | cluster/effect) with V = vcalc(vi, cluster, rho)
 * (compound symmetric within clusters), then robust(..., cluster, clubSandwich = TRUE): CR2 standard
 * error with the model's weights and Satterthwaite df.
 */
export function cheRve(yi: number[], vi: number[], cl: Clusters, rho: number, level: number): MultilevelFit {
  const blocks = buildBlocks(vi, cl, rho);
  const fit = fitReml(yi, blocks);
  if (cl.rows.length < 2) throw new DependenceError('cluster-robust variance needs at least 2 clusters');
  return summarise(yi, blocks, cl, { level, test: 't' }, fit, cr2(yi, blocks, fit.ev));
}

/** clubSandwich vcovCR(type = "CR2") with inverse-variance working weights, and coef_test's Satterthwaite df. */
function cr2(y: number[], blocks: Block[], ev: Eval): { se: number; df: number } {
  const { s, beta } = ev;
  let meat = 0;
  const g: number[] = [];
  const h: number[] = [];
  blocks.forEach((b, c) => {
    const n = b.idx.length;
    const W = ev.W[c];
    const L = ev.L[c];
    const Theta = L.map((r, i) => L.map((q) => r.reduce((a, x, m) => a + x * q[m], 0)));
    const w = W.map((r) => r.reduce((a, x) => a + x, 0));
    // IH = I − (1/s) 1 w';  G = L' · IH · Θ · L
    const IHT: Matrix = Theta.map((_, i) => Theta[i].map((_, j) => {
      let wt = 0;
      for (let m = 0; m < n; m++) wt += w[m] * Theta[m][j];
      return Theta[i][j] - wt / s;
    }));
    const G: Matrix = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => {
      let acc = 0;
      for (let a = 0; a < n; a++) {
        if (L[a][i] === 0) continue;
        let inner = 0;
        for (let m = 0; m < n; m++) inner += IHT[a][m] * L[m][j];
        acc += L[a][i] * inner;
      }
      return acc;
    }));
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) G[i][j] = G[j][i] = (G[i][j] + G[j][i]) / 2;
    const { values, vectors } = symEigen(G);
    const pw = values.map((v) => (v > 1e-12 ? 1 / Math.sqrt(v) : 0));
    const Gm: Matrix = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => {
      let acc = 0;
      for (let m = 0; m < n; m++) acc += vectors[i][m] * pw[m] * vectors[j][m];
      return acc;
    }));
    // A = L · G^{-1/2} · L';  E = w' A;  component = E r
    const wL = Array.from({ length: n }, (_, j) => w.reduce((a, x, i) => a + x * L[i][j], 0));
    const wLG = Array.from({ length: n }, (_, j) => wL.reduce((a, x, i) => a + x * Gm[i][j], 0));
    const E = Array.from({ length: n }, (_, j) => wLG.reduce((a, x, i) => a + x * L[j][i], 0));
    let comp = 0;
    let e1 = 0;
    b.idx.forEach((row, j) => {
      comp += E[j] * (y[row] - beta);
      e1 += E[j];
    });
    meat += comp * comp;
    // Satterthwaite pieces: G_j = (E L)/s, H_j = (E 1)/s^{3/2}
    const EL = Array.from({ length: n }, (_, j) => E.reduce((a, x, i) => a + x * L[i][j], 0) / s);
    g.push(EL.reduce((a, x) => a + x * x, 0));
    h.push(e1 / s ** 1.5);
  });
  const se = Math.sqrt(meat) / s;
  const sh2 = h.reduce((a, x) => a + x * x, 0);
  const E = g.reduce((a, x) => a + x, 0) - sh2;
  let P2 = sh2 * sh2;
  g.forEach((gi, j) => (P2 += gi * gi - 2 * gi * h[j] * h[j]));
  return { se, df: (E * E) / P2 };
}

function summarise(
  y: number[], blocks: Block[], cl: Clusters, o: DependentOptions,
  fit: ReturnType<typeof fitReml>, robust: { se: number; df: number } | null,
): MultilevelFit {
  const k = y.length;
  const { ev } = fit;
  const estimate = ev.beta;
  const se = robust ? robust.se : Math.sqrt(1 / ev.s);
  const df = robust ? robust.df : o.test === 't' ? k - 1 : null;
  const statistic = estimate / se;
  const a = 1 - o.level;
  const crit = df !== null ? qt(1 - a / 2, df) : qnorm(1 - a / 2);
  const pValue = df !== null ? 2 * pt(Math.abs(statistic), df, false) : 2 * pnorm(Math.abs(statistic), false);
  const spi = Math.sqrt(se * se + fit.s1 + fit.s2);
  // weights.rma.mv(type = "diagonal"): the diagonal of the weight matrix, in percent
  const weights = new Array<number>(k);
  let trW = 0;
  blocks.forEach((b, c) => b.idx.forEach((row, i) => (trW += weights[row] = ev.W[c][i][i])));
  for (let i = 0; i < k; i++) weights[i] = (100 * weights[i]) / trW;
  return {
    k, clusters: cl.rows.length, sigma2: [fit.s1, fit.s2],
    estimate, se, statistic, df, pValue,
    ciLower: estimate - crit * se, ciUpper: estimate + crit * se,
    piLower: estimate - crit * spi, piUpper: estimate + crit * spi,
    logLik: ev.ll, iterations: fit.iterations, weights,
  };
}
