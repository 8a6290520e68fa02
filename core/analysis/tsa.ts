/**
 * Trial sequential analysis (TSA) of a primary outcome, as a sensitivity analysis: is the
 * accumulated evidence conclusive yet? (Wetterslev, Thorlund, Brok, Gluud, J Clin Epidemiol 2008;
 * BMC Med Res Methodol 2009; the Copenhagen Trial Unit's TSA software manual, 2017).
 *
 *  - Required information size (RIS), in participants, to detect the review's minimal important
 *    difference δ (SMD scale, σ = 1, 1:1 allocation) with two-sided α = 5 % and power 80 %:
 *    RIS_fixed = 4 (z₁₋α/₂ + z₁₋β)² / δ², heterogeneity-adjusted by the diversity D² of the
 *    random-effects meta-analysis: RIS = RIS_fixed / (1 − D²), D² = 1 − v_F / v_R (v_F, v_R the
 *    variances of the fixed- and random-effects pooled estimates; Wetterslev 2009).
 *  - The cumulative Z-curve: the DerSimonian–Laird random-effects Wald Z after each trial, trials in
 *    publication order (year, then study id), oriented so that benefit is positive.
 *  - Monitoring boundaries at the accrued information fractions t = N / RIS: Lan–DeMets
 *    O'Brien–Fleming-type α-spending, α(t) = 4 (1 − Φ(z₁₋α/₄ / √t)) two-sided (benefit and harm
 *    symmetric), and a β-spending futility (inner wedge) boundary, β(t) = 2 (1 − Φ(z₁₋β/₂ / √t)),
 *    computed under the alternative (drift z₁₋α/₂ + z₁₋β at t = 1) and non-binding.
 *  - Boundaries by numerical integration of the recursion of Armitage, McPherson & Rowe (1969) as
 *    set out by Jennison & Turnbull (2000, ch. 19): the sub-density of Z on the continuation region
 *    is carried from look to look (Simpson's rule), each boundary solved so that the probability of
 *    first crossing there equals the spending increment.
 * Looks closer than 1 % of the RIS are merged (the later one counts); information beyond the RIS
 * is one final look at t = 1 (all α and β spent). Pure.
 */
import { rma } from '../meta/index.js';
import { pnorm, qnorm, dnorm, zeroin } from '../meta/special.js';

export interface SequentialBounds {
  /** Information fractions of the looks (ascending, last ≤ 1). */
  t: number[];
  /** Efficacy boundary per look (|Z| ≥ c: benefit above, harm below −c). Infinity when nothing is spent. */
  efficacy: number[];
  /** Futility boundary per look on the benefit side (Z below it: futile); −Infinity when nothing is spent. */
  futility: number[];
  /** Cumulative α spent per look (two-sided). */
  alphaSpent: number[];
  /** Cumulative β spent per look. */
  betaSpent: number[];
}

export const obfAlphaSpending = (t: number, alpha: number) => (t <= 0 ? 0 : t >= 1 ? alpha : 4 * (1 - pnorm(qnorm(1 - alpha / 4) / Math.sqrt(t))));
export const obfBetaSpending = (t: number, beta: number) => (t <= 0 ? 0 : t >= 1 ? beta : 2 * (1 - pnorm(qnorm(1 - beta / 2) / Math.sqrt(t))));

const BIG = 40;

/** Simpson weights on an odd number of equally spaced points over [a, b]. */
function grid(a: number, b: number, step: number): { z: number[]; w: number[] } {
  let n = Math.max(101, Math.ceil((b - a) / step));
  if (n % 2 === 1) n++;
  const h = (b - a) / n;
  const z: number[] = [];
  const w: number[] = [];
  for (let i = 0; i <= n; i++) {
    z.push(a + i * h);
    w.push(((i === 0 || i === n ? 1 : i % 2 ? 4 : 2) * h) / 3);
  }
  return { z, w };
}

interface Density {
  z: number[];
  /** sub-density × Simpson weight at each point */
  mass: number[];
}

/** Conditional law of Z_k given Z_{k−1} = u: N(r u + m, s²). */
function step(tPrev: number, t: number, drift: number) {
  const r = Math.sqrt(tPrev / t);
  const s = Math.sqrt((t - tPrev) / t);
  const m = (drift * (t - tPrev)) / Math.sqrt(t);
  return { r, s, m };
}

/** P(Z_k ≥ hi or Z_k ≤ lo, continuing until k−1), by integrating over the previous density. */
function exitProb(d: Density | null, tPrev: number, t: number, drift: number, lo: number, hi: number): { upper: number; lower: number } {
  if (!d) {
    const mean = drift * Math.sqrt(t);
    return { upper: hi >= BIG ? 0 : 1 - pnorm(hi - mean), lower: lo <= -BIG ? 0 : pnorm(lo - mean) };
  }
  const { r, s, m } = step(tPrev, t, drift);
  let upper = 0;
  let lower = 0;
  for (let i = 0; i < d.z.length; i++) {
    const mu = r * d.z[i] + m;
    if (hi < BIG) upper += d.mass[i] * (1 - pnorm((hi - mu) / s));
    if (lo > -BIG) lower += d.mass[i] * pnorm((lo - mu) / s);
  }
  return { upper, lower };
}

/** The sub-density of Z_k on (lo, hi) given the previous one. */
function propagate(d: Density | null, tPrev: number, t: number, drift: number, lo: number, hi: number): Density {
  const mean = drift * Math.sqrt(t);
  const a = Math.max(lo, mean - 12);
  const b = Math.min(hi, mean + 12);
  if (!d) {
    const g = grid(a, b, 0.02);
    return { z: g.z, mass: g.z.map((z, i) => g.w[i] * dnorm(z - mean)) };
  }
  const { r, s, m } = step(tPrev, t, drift);
  const g = grid(a, b, Math.min(0.02, s / 6));
  const mass = g.z.map((z, j) => {
    let f = 0;
    for (let i = 0; i < d.z.length; i++) f += d.mass[i] * dnorm((z - r * d.z[i] - m) / s);
    return (g.w[j] * f) / s;
  });
  return { z: g.z, mass };
}

/**
 * Lan–DeMets O'Brien–Fleming-type boundaries at the information fractions `t` (ascending, in (0, 1]):
 * two-sided α-spending (symmetric benefit/harm) under H0, β-spending futility under the drift
 * `z₁₋α/₂ + z₁₋β`.
 */
export function sequentialBounds(t: number[], opts: { alpha?: number; beta?: number } = {}): SequentialBounds {
  const alpha = opts.alpha ?? 0.05;
  const beta = opts.beta ?? 0.2;
  for (let i = 0; i < t.length; i++) {
    if (!(t[i] > 0 && t[i] <= 1) || (i > 0 && !(t[i] > t[i - 1]))) throw new RangeError(`information fractions must increase within (0, 1] (look ${i + 1}: ${t[i]})`);
  }
  const drift = qnorm(1 - alpha / 2) + qnorm(1 - beta);
  const efficacy: number[] = [];
  const futility: number[] = [];
  const alphaSpent: number[] = [];
  const betaSpent: number[] = [];
  // Under H0: the symmetric continuation region (−c, c).
  let d0: Density | null = null;
  let d1: Density | null = null;
  let prevA = 0;
  let prevB = 0;
  for (let k = 0; k < t.length; k++) {
    const tPrev = k ? t[k - 1] : 0;
    const aNow = obfAlphaSpending(t[k], alpha);
    const inc = aNow - prevA;
    let c: number;
    if (inc < 1e-13) c = BIG;
    else {
      const f = (x: number) => {
        const p = exitProb(d0, tPrev, t[k], 0, -x, x);
        return p.upper + p.lower - inc;
      };
      c = f(BIG - 1e-9) > 0 ? BIG : zeroin(f, 0, BIG - 1e-9, 1e-10);
    }
    efficacy.push(c);
    alphaSpent.push(aNow);
    d0 = propagate(d0, tPrev, t[k], 0, -c, c);
    prevA = aNow;

    // Under H1: continuation region (b, c) on the benefit side.
    const bNow = obfBetaSpending(t[k], beta);
    const incB = bNow - prevB;
    let b: number;
    if (incB < 1e-13) b = -BIG;
    else {
      const g = (x: number) => exitProb(d1, tPrev, t[k], drift, x, BIG).lower - incB;
      const top = Math.min(c, BIG - 1e-9);
      b = g(top) < 0 ? top : zeroin(g, -BIG + 1e-9, top, 1e-10);
    }
    futility.push(b);
    betaSpent.push(bNow);
    d1 = propagate(d1, tPrev, t[k], drift, b, c);
    prevB = bNow;
  }
  return { t: [...t], efficacy, futility, alphaSpent, betaSpent };
}

/**
 * P(|Z_k| ≥ c_k at some look) under H0 for given symmetric boundaries, by the same recursion
 * (used to check the integration against classical tables).
 */
export function crossingProbability(t: number[], c: number[]): number {
  let d: Density | null = null;
  let p = 0;
  for (let k = 0; k < t.length; k++) {
    const tPrev = k ? t[k - 1] : 0;
    const e = exitProb(d, tPrev, t[k], 0, -c[k], c[k]);
    p += e.upper + e.lower;
    d = propagate(d, tPrev, t[k], 0, -c[k], c[k]);
  }
  return p;
}

/** The classical O'Brien–Fleming (1979) constant C: boundaries C √(K / k) at K equally spaced looks, total two-sided α. */
export function obrienFlemingConstant(K: number, alpha = 0.05): number {
  const t = Array.from({ length: K }, (_, i) => (i + 1) / K);
  return zeroin((C) => crossingProbability(t, t.map((_, k) => C * Math.sqrt(K / (k + 1)))) - alpha, 1, 5, 1e-10);
}

// ---------------------------------------------------------------------------------------------

export interface TsaStudy {
  id: string;
  label: string;
  year?: number;
  /** aligned to the outcome direction (as in the snapshot) */
  yi: number;
  vi: number;
  n: number | null;
}

export interface TsaPoint {
  id: string;
  label: string;
  year?: number;
  /** Participants accrued up to and including this trial. */
  participants: number;
  /** participants / RIS (may exceed 1). */
  fraction: number;
  /** Cumulative random-effects Z, positive = benefit. */
  z: number;
  /** Boundary in force at this trial (null when the look was merged and none is spent yet). */
  efficacy: number | null;
  futility: number | null;
}

export type TsaStatus = 'benefit' | 'harm' | 'futility' | 'not-yet';

export interface TsaResult {
  mid: number;
  alpha: number;
  power: number;
  /** Diversity D² (0–1) of the DerSimonian–Laird random-effects model of all trials. */
  diversity: number;
  /** Required information size without and with the heterogeneity adjustment (participants). */
  risFixed: number;
  ris: number;
  accrued: number;
  fraction: number;
  /** Some trials report no participants: their information is taken as (4 + yi²/2) / vi. */
  participantsEstimated: string[];
  points: TsaPoint[];
  status: TsaStatus;
  statusText: string;
  note: string;
}

const NOTE =
  'Trial sequential analysis is a sensitivity analysis: it asks whether the trials so far are enough to trust the pooled result, given the minimal important difference, a 5% risk of a false positive and 80% power. It does not replace the main analysis.';

export function tsaStatusText(status: TsaStatus, fraction: number): string {
  switch (status) {
    case 'benefit':
      return 'conclusive benefit';
    case 'harm':
      return 'conclusive harm';
    case 'futility':
      return 'conclusive futility';
    default:
      return `not yet conclusive: ${Math.min(99, Math.floor(fraction * 100))} % of the required information`;
  }
}

/** Decides the status from the last look: Z beyond the efficacy boundary, inside the futility wedge, or RIS reached. */
export function tsaStatus(z: number, efficacy: number, futility: number | null, fraction: number): TsaStatus {
  if (z >= efficacy) return 'benefit';
  if (z <= -efficacy) return 'harm';
  if (fraction >= 1) return 'futility';
  if (futility !== null && futility > 0 && Math.abs(z) < futility) return 'futility';
  return 'not-yet';
}

/**
 * TSA of one outcome. `direction` orients the Z-curve (lower-is-better: a negative SMD is benefit).
 * Returns null without an MID or without trials.
 */
export function trialSequentialAnalysis(
  studies: TsaStudy[],
  opts: { mid?: number; direction: 'lower-is-better' | 'higher-is-better'; alpha?: number; power?: number },
): TsaResult | null {
  if (opts.mid === undefined || !(opts.mid > 0) || studies.length === 0) return null;
  const alpha = opts.alpha ?? 0.05;
  const power = opts.power ?? 0.8;
  const sign = opts.direction === 'lower-is-better' ? -1 : 1;
  const estimated: string[] = [];
  const ns = studies.map((s) => {
    if (s.n !== null && s.n > 0) return s.n;
    estimated.push(s.id);
    return (4 + (s.yi * s.yi) / 2) / s.vi;
  });
  const yi = studies.map((s) => s.yi);
  const vi = studies.map((s) => s.vi);
  const all = rma(yi, vi, { method: 'DL', test: 'z', skipR2: true });
  const vF = 1 / vi.reduce((a, v) => a + 1 / v, 0);
  const vR = all.se[0] ** 2;
  const diversity = studies.length > 1 && vR > 0 ? Math.max(0, Math.min(0.99, 1 - vF / vR)) : 0;
  const zsum = qnorm(1 - alpha / 2) + qnorm(power);
  const risFixed = (4 * zsum * zsum) / (opts.mid * opts.mid);
  const ris = risFixed / (1 - diversity);

  let acc = 0;
  const raw = studies.map((s, i) => {
    acc += ns[i];
    const fit = i === 0 ? { beta: [yi[0]], se: [Math.sqrt(vi[0])] } : rma(yi.slice(0, i + 1), vi.slice(0, i + 1), { method: 'DL', test: 'z', skipR2: true });
    return { s, participants: acc, fraction: acc / ris, z: (sign * fit.beta[0]) / fit.se[0] };
  });
  // Looks: information fractions (≤ 1), merged when closer than 0.01 of the RIS.
  const looks: number[] = [];
  const lookOf: number[] = [];
  for (const p of raw) {
    const t = Math.min(1, p.fraction);
    if (looks.length && t - looks[looks.length - 1] < 0.01) {
      looks[looks.length - 1] = Math.max(looks[looks.length - 1], t);
    } else looks.push(t);
    lookOf.push(looks.length - 1);
  }
  if (looks[0] <= 0) looks[0] = 1e-6;
  const bounds = sequentialBounds(looks, { alpha, beta: 1 - power });
  const fin = (x: number) => (Number.isFinite(x) && Math.abs(x) < BIG - 1 ? x : null);
  const points: TsaPoint[] = raw.map((p, i) => ({
    id: p.s.id,
    label: p.s.label,
    ...(p.s.year !== undefined ? { year: p.s.year } : {}),
    participants: Math.round(p.participants),
    fraction: p.fraction,
    z: p.z,
    efficacy: fin(bounds.efficacy[lookOf[i]]),
    futility: fin(bounds.futility[lookOf[i]]),
  }));
  const last = points[points.length - 1];
  const lastLook = lookOf[lookOf.length - 1];
  const status = tsaStatus(last.z, bounds.efficacy[lastLook], fin(bounds.futility[lastLook]), last.fraction);
  return {
    mid: opts.mid,
    alpha,
    power,
    diversity,
    risFixed,
    ris,
    accrued: Math.round(acc),
    fraction: acc / ris,
    participantsEstimated: estimated,
    points,
    status,
    statusText: tsaStatusText(status, acc / ris),
    note: NOTE,
  };
}
