/**
 * Leave-one-out and cumulative refits of the intercept-only model without refitting from scratch:
 * every τ² estimator of rma.uni needs, for a subset and a τ², only the sums
 *   Σ w, Σ w y, Σ w y², Σ w², Σ w² y, Σ w² y², Σ w³, Σ log(v + τ²)   (w = 1/(v + τ²)).
 * They are shared between refits: at τ² = 0 exactly (totals minus one study, or prefix sums), and
 * near the full model's τ² (= c) by Taylor series in δ = τ² − c whose coefficients
 * Σ yⁿ (v + c)^−r are computed once, O(k·R). A refit then costs O(R) per τ² evaluation instead of
 * O(k); where the series would not be accurate (|δ| > 0.3 · min(v + c)) the sums are computed
 * exactly over the subset. The iteration (start values, steps, convergence rule, ll0 check) is
 * rma.uni's, so the results are the same as refitting (see subsets.test.ts and the metafor fixtures).
 */
import { critFor, type Method, type Test } from './rma.js';
import { pchisq, pnorm, pt } from './special.js';
import type { SubsetFit } from './sensitivity.js';

const R = 44; // Taylor terms kept (enough for 1e-16 at ρ ≤ 0.3 with the m = 3 coefficients)
const RHO_MAX = 0.3;
const THRESHOLD = 1e-5;
const TOL = Math.pow(2.220446049250313e-16, 0.25);
const EPS = 2.220446049250313e-16;

/** [sw, swy, swy2, sw2, sw2y, sw2y2, sw3, slog] */
type Sums = Float64Array;
const NS = 8;

export const FAST_METHODS: readonly Method[] = ['REML', 'ML', 'DL', 'HE', 'SJ', 'FE', 'EE'];

function addTerm(out: Sums, y: number, v: number, t: number, sign: number) {
  const w = 1 / (v + t);
  const w2 = w * w;
  out[0] += sign * w;
  out[1] += sign * w * y;
  out[2] += sign * w * y * y;
  out[3] += sign * w2;
  out[4] += sign * w2 * y;
  out[5] += sign * w2 * y * y;
  out[6] += sign * w2 * w;
  out[7] += sign * Math.log(v + t);
}

class Taylor {
  ok: boolean;
  /** A[n][r] = Σ yⁿ (v + c)^−r, r = 0..R+3 */
  private readonly A: Float64Array[];
  private L0: number;
  maxP: number;
  constructor(y: Float64Array, v: Float64Array, idx: ArrayLike<number>, from: number, to: number, readonly c: number) {
    this.A = [new Float64Array(R + 4), new Float64Array(R + 4), new Float64Array(R + 4)];
    let L0 = 0;
    let maxP = 0;
    for (let q = from; q < to; q++) {
      const i = idx[q];
      const p = 1 / (v[i] + c);
      if (p > maxP) maxP = p;
      const yi = y[i];
      let pw = 1;
      for (let r = 0; r < R + 4; r++) {
        this.A[0][r] += pw;
        this.A[1][r] += pw * yi;
        this.A[2][r] += pw * yi * yi;
        pw *= p;
      }
      L0 += Math.log(v[i] + c);
    }
    this.L0 = L0;
    this.maxP = maxP;
    this.ok = this.A.every((a) => a.every(Number.isFinite));
  }
  /** a new expansion over this subset and another one (same centre) */
  plus(o: Taylor): Taylor {
    const t = Object.create(Taylor.prototype) as Taylor;
    Object.assign(t, { c: this.c, A: this.A.map((a, n) => a.map((x, r) => x + o.A[n][r])), L0: this.L0 + o.L0, maxP: Math.max(this.maxP, o.maxP), ok: this.ok && o.ok });
    return t;
  }
  usable(t: number): boolean {
    return this.ok && Math.abs(t - this.c) * this.maxP <= RHO_MAX;
  }
  /** adds the sums at t (requires usable(t)) */
  addTo(out: Sums, t: number) {
    const d = -(t - this.c);
    const A0 = this.A[0];
    const A1 = this.A[1];
    const A2 = this.A[2];
    // the terms fall like r² (|δ|·maxP)^r: stop once they no longer change the sums
    const rho = Math.abs(d) * this.maxP;
    let a0 = 0, a1 = 0, a2 = 0, b0 = 0, b1 = 0, b2 = 0, c0 = 0, slog = 0;
    let dp = 1;
    for (let r = 0; r < R; r++) {
      const c2 = r + 1;
      const c3 = ((r + 1) * (r + 2)) / 2;
      a0 += dp * A0[r + 1];
      a1 += dp * A1[r + 1];
      a2 += dp * A2[r + 1];
      b0 += c2 * dp * A0[r + 2];
      b1 += c2 * dp * A1[r + 2];
      b2 += c2 * dp * A2[r + 2];
      c0 += c3 * dp * A0[r + 3];
      if (r >= 1) slog -= (dp / r) * A0[r];
      dp *= d;
      if (r >= 2 && c3 * rho ** (r + 1) < 1e-17) break;
    }
    out[0] += a0; out[1] += a1; out[2] += a2;
    out[3] += b0; out[4] += b1; out[5] += b2;
    out[6] += c0;
    out[7] += this.L0 + slog;
  }
}

interface Subset {
  k: number;
  /** adds the sums over the subset at τ² to `out` (all zero on entry) */
  sums(t: number, out: Sums): void;
  /** Σy, Σy², Σv over the subset (centred y) */
  sy: number;
  syy: number;
  sv: number;
  /** y values of the subset, only for SJ's start (var) — computed from sy, syy */
}

interface St {
  sw: number;
  b: number;
  RSS: number;
  sw2: number;
  sw3: number;
  w2e2: number;
  slog: number;
}
/** the buffer every evaluation of the sums writes into (read out at once, never kept) */
const scratch: Sums = new Float64Array(NS);

/** One rma.uni intercept-only fit from the sums (null where rma() would stop). */
function fitFromSums(s: Subset, method: Method, test: Test, level: number, shift: number): SubsetFit | null {
  const k = s.k;
  if (k < 2) return null;
  const p = 1;
  // st(t) is a pure function of t: the fit asks for τ² = 0 and for the final τ² more than once
  const memo: { t: number; v: St }[] = [];
  const st = (t: number): St => {
    for (const m of memo) if (Object.is(m.t, t)) return m.v;
    const u = scratch.fill(0);
    s.sums(t, u);
    const sw = u[0];
    const b = u[1] / sw;
    const RSS = u[2] - (u[1] * u[1]) / sw;
    const w2e2 = u[5] - 2 * b * u[4] + b * b * u[3];
    const v = { sw, b, RSS: Math.max(RSS, 0), sw2: u[3], sw3: u[6], w2e2, slog: u[7] };
    if (memo.length === 2) memo.pop();
    memo.unshift({ t, v });
    return v;
  };
  let tau2 = 0;
  const mean = s.sy / k;
  const ss = Math.max(0, s.syy - k * mean * mean);
  if (method === 'HE' || method === 'ML' || method === 'REML') tau2 = (ss - s.sv * (1 - 1 / k)) / (k - p);
  if (method === 'DL') {
    const z = st(0);
    tau2 = (z.RSS - (k - p)) / (z.sw - z.sw2 / z.sw);
  }
  if (method === 'SJ') {
    const tau20 = ss / k;
    tau2 = (tau20 * st(tau20).RSS) / (k - p);
  }
  if (method === 'ML' || method === 'REML') {
    tau2 = Math.max(0, tau2);
    let change = THRESHOLD + 1;
    let it = 0;
    while (change > THRESHOLD) {
      it++;
      const old = tau2;
      const z = st(tau2);
      let adj: number;
      if (method === 'ML') adj = (z.w2e2 - z.sw) / z.sw2;
      else {
        const trP = z.sw - z.sw2 / z.sw;
        const r = z.sw2 / z.sw;
        adj = (z.w2e2 - trP) / (z.sw2 - (2 * z.sw3) / z.sw + r * r);
      }
      if (Number.isNaN(adj)) adj = 0;
      while (tau2 + adj < 0) adj /= 2;
      tau2 += adj;
      change = Math.abs(old - tau2);
      if (it > 100) return null;
    }
    const ll = (t: number) => {
      const z = st(t);
      if (method === 'ML') return -0.5 * k * Math.log(2 * Math.PI) - 0.5 * z.slog - 0.5 * z.RSS;
      return -0.5 * (k - p) * Math.log(2 * Math.PI) - 0.5 * z.slog - 0.5 * Math.log(z.sw) - 0.5 * z.RSS;
    };
    if (tau2 > THRESHOLD && ll(0) - ll(tau2) > TOL) tau2 = 0;
  }
  if (method === 'FE' || method === 'EE') tau2 = 0;
  tau2 = Math.max(0, tau2);
  const z = st(tau2);
  let s2w = 1;
  if (test === 'knha') s2w = z.RSS <= EPS ? 0 : z.RSS / (k - p);
  const se = Math.sqrt(s2w / z.sw);
  const est = z.b + shift;
  const stat = est / se;
  const crit = critFor(test, level, k - p);
  const pval = test === 'knha' ? 2 * pt(Math.abs(stat), k - p, false) : 2 * pnorm(Math.abs(stat), false);
  const z0 = st(0);
  const QE = Math.max(0, z0.RSS);
  const vt = (k - p) / (z0.sw - z0.sw2 / z0.sw);
  const fe = method === 'FE' || method === 'EE';
  const fin = (x: number) => (Number.isFinite(x) ? x : null);
  return {
    estimate: est,
    se,
    pval: fin(pval),
    ciLb: crit === null ? null : fin(est - crit * se),
    ciUb: crit === null ? null : fin(est + crit * se),
    tau2,
    I2: fe ? Math.max(0, (100 * (QE - (k - p))) / QE) : (100 * tau2) / (vt + tau2),
    H2: fe ? QE / (k - p) : tau2 / vt + 1,
    QE,
    QEp: pchisq(QE, k - p, false),
  };
}

function prepare(yi: number[], vi: number[], tau2: number) {
  const k = yi.length;
  // centre y at the weighted mean (shift-equivariant model; keeps the sums well conditioned)
  let sw = 0, swy = 0;
  for (let i = 0; i < k; i++) {
    const w = 1 / (vi[i] + tau2);
    sw += w;
    swy += w * yi[i];
  }
  const shift = swy / sw;
  const y = Float64Array.from(yi, (x) => x - shift);
  const v = Float64Array.from(vi);
  return { y, v, shift };
}

/** leave1out() for the intercept-only model; `tau2` is the full model's τ² (the expansion centre). */
export function leave1outFast(yi: number[], vi: number[], tau2: number, method: Method, test: Test, level: number): (SubsetFit | null)[] {
  const k = yi.length;
  const { y, v, shift } = prepare(yi, vi, tau2);
  const all = Array.from({ length: k }, (_, i) => i);
  const tay = new Taylor(y, v, all, 0, k, tau2);
  const zero = new Float64Array(NS);
  let sy = 0, syy = 0, sv = 0;
  for (let i = 0; i < k; i++) {
    addTerm(zero, y[i], v[i], 0, 1);
    sy += y[i];
    syy += y[i] * y[i];
    sv += v[i];
  }
  // a study that dominates the sums makes "total minus one" inexact: refit such subsets exactly
  let maxW0 = 0;
  for (let i = 0; i < k; i++) maxW0 = Math.max(maxW0, 1 / v[i]);
  const dominated = maxW0 > 0.5 * zero[0];
  const out: (SubsetFit | null)[] = [];
  for (let j = 0; j < k; j++) {
    const sums = (t: number, u: Sums): void => {
      if (!dominated && t === 0) {
        u.set(zero);
        addTerm(u, y[j], v[j], 0, -1);
      } else if (!dominated && tay.usable(t)) {
        tay.addTo(u, t);
        addTerm(u, y[j], v[j], t, -1);
      } else {
        for (let i = 0; i < k; i++) if (i !== j) addTerm(u, y[i], v[i], t, 1);
      }
    };
    out.push(fitFromSums({ k: k - 1, sums, sy: sy - y[j], syy: syy - y[j] * y[j], sv: sv - v[j] }, method, test, level, shift));
  }
  return out;
}

/**
 * cumul(): fits to the first 1..k studies of `order`. Prefix sums at τ² = 0; Taylor coefficients of
 * prefixes at checkpoints every B studies, the rest of a prefix summed exactly.
 */
export function cumulFast(yi: number[], vi: number[], order: number[], tau2: number, method: Method, test: Test, level: number): (SubsetFit | null)[] {
  const k = order.length;
  const { y, v, shift } = prepare(yi, vi, tau2);
  const B = 16;
  // checkpoints[c]: the expansion over order[0 .. (c+1)·B)
  const checkpoints: Taylor[] = [];
  for (let c = 0; (c + 1) * B <= k; c++) {
    const block = new Taylor(y, v, order, c * B, (c + 1) * B, tau2);
    checkpoints.push(c === 0 ? block : checkpoints[c - 1].plus(block));
  }
  // prefix sums at τ² = 0 and Σy, Σy², Σv of every prefix, flat
  const zero = new Float64Array(k * NS);
  const acc = new Float64Array(NS);
  const pre = new Float64Array(k * 3);
  let sy = 0, syy = 0, sv = 0;
  for (let q = 0; q < k; q++) {
    const i = order[q];
    addTerm(acc, y[i], v[i], 0, 1);
    zero.set(acc, q * NS);
    sy += y[i];
    syy += y[i] * y[i];
    sv += v[i];
    pre[3 * q] = sy;
    pre[3 * q + 1] = syy;
    pre[3 * q + 2] = sv;
  }
  const out: (SubsetFit | null)[] = [];
  for (let q = 0; q < k; q++) {
    const n = q + 1;
    const full = Math.floor(n / B);
    const sums = (t: number, u: Sums): void => {
      if (t === 0) {
        u.set(zero.subarray(q * NS, (q + 1) * NS));
        return;
      }
      let from = 0;
      if (full > 0 && checkpoints[full - 1].usable(t)) {
        checkpoints[full - 1].addTo(u, t);
        from = full * B;
      }
      for (let r = from; r < n; r++) addTerm(u, y[order[r]], v[order[r]], t, 1);
    };
    out.push(n < 2 ? null : fitFromSums({ k: n, sums, sy: pre[3 * q], syy: pre[3 * q + 1], sv: pre[3 * q + 2] }, method, test, level, shift));
  }
  return out;
}
