/** Effect sizes as metafor's escalc() computes them (pure). */
import { lgamma } from './special.js';

export interface EffectSize {
  yi: number;
  vi: number;
}

/** Exact small-sample correction J(m) = Γ(m/2) / (√(m/2) Γ((m−1)/2)) (metafor's .cmicalc). */
export function hedgesJ(m: number): number {
  if (m <= 1) return NaN;
  return Math.exp(lgamma(m / 2) - 0.5 * Math.log(m / 2) - lgamma((m - 1) / 2));
}

export interface ArmData {
  n1: number;
  m1: number;
  sd1: number;
  n2: number;
  m2: number;
  sd2: number;
}

/**
 * Standardised mean difference (Hedges' g), arm 1 minus arm 2, as escalc(measure = "SMD"):
 * exact J, large-sample variance (vtype = "LS"): v = 1/n1 + 1/n2 + g²/(2(n1+n2)).
 * variant "revman5": J ≈ 1 − 3/(4(n1+n2) − 9), v = 1/n1 + 1/n2 + g²/(2(n1+n2−3.94)).
 */
export function escalcSMD(a: ArmData, variant: 'metafor' | 'revman5' = 'metafor'): EffectSize {
  const { n1, m1, sd1, n2, m2, sd2 } = a;
  const nt = n1 + n2;
  const mdf = nt - 2;
  const sp = Math.sqrt(((n1 - 1) * sd1 * sd1 + (n2 - 1) * sd2 * sd2) / mdf);
  const d = (m1 - m2) / sp;
  if (variant === 'revman5') {
    const g = (1 - 3 / (4 * nt - 9)) * d;
    return { yi: g, vi: 1 / n1 + 1 / n2 + (g * g) / (2 * (nt - 3.94)) };
  }
  const g = hedgesJ(mdf) * d;
  return { yi: g, vi: 1 / n1 + 1 / n2 + (g * g) / (2 * nt) };
}

/** Raw mean difference, arm 1 minus arm 2 (escalc measure = "MD", vtype = "LS"). */
export function escalcMD(a: ArmData): EffectSize {
  return { yi: a.m1 - a.m2, vi: (a.sd1 * a.sd1) / a.n1 + (a.sd2 * a.sd2) / a.n2 };
}

export interface TwoByTwo {
  /** events and totals in arm 1 and arm 2 */
  ai: number;
  n1: number;
  ci: number;
  n2: number;
}

/** Adds 1/2 to every cell when any cell is zero (escalc's default add = 1/2, to = "only0"). */
function cells(t: TwoByTwo, add = 0.5) {
  let a = t.ai;
  let b = t.n1 - t.ai;
  let c = t.ci;
  let d = t.n2 - t.ci;
  if (a === 0 || b === 0 || c === 0 || d === 0) {
    a += add; b += add; c += add; d += add;
  }
  return { a, b, c, d, n1: a + b, n2: c + d };
}

/** Log odds ratio (escalc "OR"). */
export function escalcOR(t: TwoByTwo): EffectSize {
  const { a, b, c, d } = cells(t);
  return { yi: Math.log((a * d) / (b * c)), vi: 1 / a + 1 / b + 1 / c + 1 / d };
}
/** Log risk ratio (escalc "RR"). */
export function escalcRR(t: TwoByTwo): EffectSize {
  const { a, c, n1, n2 } = cells(t);
  return { yi: Math.log(a / n1 / (c / n2)), vi: 1 / a - 1 / n1 + 1 / c - 1 / n2 };
}
/** Risk difference (escalc "RD", with the same 1/2 zero-cell correction as metafor's default). */
export function escalcRD(t: TwoByTwo): EffectSize {
  const { a, c, n1, n2 } = cells(t);
  const p1 = a / n1;
  const p2 = c / n2;
  return { yi: p1 - p2, vi: (p1 * (1 - p1)) / n1 + (p2 * (1 - p2)) / n2 };
}

/** Logit proportion (escalc "PLO"), 1/2 added to both cells when x = 0 or x = n. */
export function escalcPLO(x: number, n: number): EffectSize {
  let xi = x;
  let ni = n;
  if (xi === 0 || xi === ni) {
    xi += 0.5;
    ni += 1;
  }
  return { yi: Math.log(xi / (ni - xi)), vi: 1 / xi + 1 / (ni - xi) };
}
/** Freeman-Tukey double arcsine proportion (escalc "PFT"). */
export function escalcPFT(x: number, n: number): EffectSize {
  return {
    yi: 0.5 * (Math.asin(Math.sqrt(x / (n + 1))) + Math.asin(Math.sqrt((x + 1) / (n + 1)))),
    vi: 1 / (4 * n + 2),
  };
}
/** Back-transformations for pooled proportions. */
export function transfLogit(yi: number): number {
  return 1 / (1 + Math.exp(-yi));
}
/** Freeman-Tukey transform of a proportion p with n (metafor's transf.pft). */
export function transfPft(p: number, n: number): number {
  const x = p * n;
  return 0.5 * (Math.asin(Math.sqrt(x / (n + 1))) + Math.asin(Math.sqrt((x + 1) / (n + 1))));
}
/** Inverse Freeman-Tukey for a given (harmonic-mean) n, as metafor's transf.ipft / transf.ipft.hm. */
export function transfIpft(yi: number, n: number): number {
  if (yi > transfPft(1, n)) return 1;
  if (yi < transfPft(0, n)) return 0;
  const s = Math.sin(2 * yi);
  const inner = s + (s - 1 / s) / n;
  const p = 0.5 * (1 - Math.sign(Math.cos(2 * yi)) * Math.sqrt(1 - inner * inner));
  return Number.isNaN(p) ? NaN : p;
}
/** The harmonic mean of sample sizes, as transf.ipft.hm uses (1 / mean(1/n)). */
export function harmonicMean(ns: number[]): number {
  let s = 0;
  for (const n of ns) s += 1 / n;
  return ns.length / s;
}
