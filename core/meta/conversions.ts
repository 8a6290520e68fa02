/**
 * Conversions a curator needs during extraction (each with its source). Pure functions.
 */
import { hedgesJ } from './effects.js';
import { qnorm, qt } from './special.js';

/** SD from the standard error of a mean: SD = SE·√n (Cochrane Handbook 6.5.2.2). */
export function sdFromSe(se: number, n: number): number {
  return se * Math.sqrt(n);
}

/**
 * SD from a confidence interval of a mean (Cochrane Handbook 6.5.2.2): SD = √n·(ub − lb)/(2·crit),
 * crit from the t distribution with n − 1 df (dist "t"), the normal ("z", 3.92/2 for 95%), or
 * "auto": t when n < 60, as the Handbook advises for small samples.
 */
export function sdFromCi(lower: number, upper: number, n: number, level = 0.95, dist: 't' | 'z' | 'auto' = 'auto'): number {
  const useT = dist === 't' || (dist === 'auto' && n < 60);
  const p = 1 - (1 - level) / 2;
  const crit = useT ? qt(p, n - 1) : qnorm(p);
  return (Math.sqrt(n) * (upper - lower)) / (2 * crit);
}

export interface MeanSd {
  mean: number;
  sd: number;
}

/**
 * Mean and SD from the median and quartiles (q1, q3), n = sample size:
 * mean by Luo et al. (2018), w = 0.7 + 0.39/n, mean = w(q1+q3)/2 + (1−w)·median;
 * SD by Wan et al. (2014), SD = (q3 − q1) / (2·Φ⁻¹((0.75n − 0.125)/(n + 0.25))).
 */
export function meanSdFromMedianIqr(median: number, q1: number, q3: number, n: number): MeanSd {
  const w = 0.7 + 0.39 / n;
  const mean = (w * (q1 + q3)) / 2 + (1 - w) * median;
  const sd = (q3 - q1) / (2 * qnorm((0.75 * n - 0.125) / (n + 0.25)));
  return { mean, sd };
}

/**
 * Mean and SD from the median and range (min, max):
 * mean by Luo et al. (2018), w = 4/(4 + n^0.75), mean = w(min+max)/2 + (1−w)·median;
 * SD by Wan et al. (2014), SD = (max − min) / (2·Φ⁻¹((n − 0.375)/(n + 0.25))).
 */
export function meanSdFromMedianRange(median: number, min: number, max: number, n: number): MeanSd {
  const w = 4 / (4 + Math.pow(n, 0.75));
  const mean = (w * (min + max)) / 2 + (1 - w) * median;
  const sd = (max - min) / (2 * qnorm((n - 0.375) / (n + 0.25)));
  return { mean, sd };
}

/**
 * Mean and SD from the five-number summary (min, q1, median, q3, max):
 * mean by Luo et al. (2018), w1 = 2.2/(2.2 + n^0.75), w2 = 0.7 − 0.72/n^0.55;
 * SD by Wan et al. (2014), (max−min)/(4Φ⁻¹((n−0.375)/(n+0.25))) + (q3−q1)/(4Φ⁻¹((0.75n−0.125)/(n+0.25))).
 */
export function meanSdFromFiveNumbers(min: number, q1: number, median: number, q3: number, max: number, n: number): MeanSd {
  const w1 = 2.2 / (2.2 + Math.pow(n, 0.75));
  const w2 = 0.7 - 0.72 / Math.pow(n, 0.55);
  const mean = (w1 * (min + max)) / 2 + (w2 * (q1 + q3)) / 2 + (1 - w1 - w2) * median;
  const sd = (max - min) / (4 * qnorm((n - 0.375) / (n + 0.25))) + (q3 - q1) / (4 * qnorm((0.75 * n - 0.125) / (n + 0.25)));
  return { mean, sd };
}

/**
 * SD of change scores from baseline and final SDs and their correlation r
 * (Cochrane Handbook 6.5.2.8): SD = √(sd_b² + sd_f² − 2·r·sd_b·sd_f).
 */
export function sdChange(sdBaseline: number, sdFinal: number, r: number): number {
  return Math.sqrt(sdBaseline ** 2 + sdFinal ** 2 - 2 * r * sdBaseline * sdFinal);
}

/** Correlation implied by reported baseline, final and change SDs (inverse of sdChange). */
export function correlationFromChange(sdBaseline: number, sdFinal: number, sdChangeValue: number): number {
  return (sdBaseline ** 2 + sdFinal ** 2 - sdChangeValue ** 2) / (2 * sdBaseline * sdFinal);
}

export interface Arm {
  n: number;
  mean: number;
  sd: number;
}

/**
 * Combines two arms into one (Cochrane Handbook 6.5.2.10, Table 6.5.a):
 * N = n1 + n2, M = (n1m1 + n2m2)/N, SD = √(((n1−1)s1² + (n2−1)s2² + n1n2/N·(m1−m2)²)/(N−1)).
 * Apply repeatedly for more than two arms.
 */
export function combineArms(a: Arm, b: Arm): Arm {
  const n = a.n + b.n;
  const mean = (a.n * a.mean + b.n * b.mean) / n;
  const sd = Math.sqrt(((a.n - 1) * a.sd ** 2 + (b.n - 1) * b.sd ** 2 + ((a.n * b.n) / n) * (a.mean - b.mean) ** 2) / (n - 1));
  return { n, mean, sd };
}

/**
 * Splits a control arm shared by `parts` comparisons (Cochrane Handbook 23.3.4): the sample size is
 * divided between the comparisons, mean and SD are unchanged. `integer` rounds n down.
 */
export function splitSharedArm(arm: Arm, parts: number, integer = false): Arm {
  const n = arm.n / parts;
  return { n: integer ? Math.floor(n) : n, mean: arm.mean, sd: arm.sd };
}

export interface SmdEstimate {
  d: number;
  g: number;
  /** variance of g as metafor's escalc (vtype "LS") */
  vi: number;
}

function smdFromD(d: number, n1: number, n2: number): SmdEstimate {
  const g = hedgesJ(n1 + n2 - 2) * d;
  return { d, g, vi: 1 / n1 + 1 / n2 + (g * g) / (2 * (n1 + n2)) };
}

/** SMD from an independent-samples t statistic: d = t·√(1/n1 + 1/n2) (sign of t = direction arm 1 − arm 2). */
export function smdFromT(t: number, n1: number, n2: number): SmdEstimate {
  return smdFromD(t * Math.sqrt(1 / n1 + 1 / n2), n1, n2);
}

/** SMD from a two-group F statistic (1 numerator df): |t| = √F; give the direction as sign (+1/−1). */
export function smdFromF(F: number, n1: number, n2: number, sign: 1 | -1): SmdEstimate {
  return smdFromT(sign * Math.sqrt(F), n1, n2);
}

/**
 * SMD from a log odds ratio (Chinn 2000; Cochrane Handbook 10.6): d = lnOR·√3/π, var(d) = var(lnOR)·3/π².
 */
export function smdFromLogOr(logOr: number, vLogOr: number): { d: number; vi: number } {
  return { d: (logOr * Math.sqrt(3)) / Math.PI, vi: (vLogOr * 3) / (Math.PI * Math.PI) };
}
