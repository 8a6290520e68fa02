/**
 * Cohen's kappa for two raters (pure): κ = (pₒ − pₑ) / (1 − pₑ), where pₒ is the observed
 * proportion of agreement and pₑ = Σₖ p₁ₖ·p₂ₖ the agreement expected from each rater's marginals.
 */
import type { CuratedCandidate, Stage } from './workflow.js';

export interface KappaResult {
  /** Number of items rated by both raters. */
  n: number;
  observed: number;
  expected: number;
  /** null when undefined (no items, or pₑ = 1: both raters used a single identical category). */
  kappa: number | null;
}

export function cohensKappa(pairs: ReadonlyArray<readonly [string, string]>): KappaResult {
  const n = pairs.length;
  if (n === 0) return { n: 0, observed: NaN, expected: NaN, kappa: null };
  const m1 = new Map<string, number>();
  const m2 = new Map<string, number>();
  let agree = 0;
  for (const [a, b] of pairs) {
    if (a === b) agree++;
    m1.set(a, (m1.get(a) ?? 0) + 1);
    m2.set(b, (m2.get(b) ?? 0) + 1);
  }
  const observed = agree / n;
  let expected = 0;
  for (const [k, c1] of m1) expected += (c1 / n) * ((m2.get(k) ?? 0) / n);
  const kappa = expected === 1 ? null : (observed - expected) / (1 - expected);
  return { n, observed, expected, kappa };
}

/**
 * Inter-rater agreement of a review's dual screening at one stage: each candidate screened by two
 * screeners contributes the pair (first decision, second decision), include vs exclude.
 */
export function screeningKappa(candidates: Iterable<CuratedCandidate>, stage: Stage = 'title-abstract'): KappaResult {
  const pairs: [string, string][] = [];
  for (const c of candidates) {
    const d = c.screening?.[stage]?.decisions;
    if (d && d.length >= 2) pairs.push([d[0].decision, d[1].decision]);
  }
  return cohensKappa(pairs);
}
