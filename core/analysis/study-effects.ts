/**
 * How a study's several effects (instruments, comparisons) for one outcome become the one effect the
 * dashboard's main analysis pools: metafor's aggregate(escalc, cluster = study, rho, struct = "CS"),
 * the Metapsy default with ρ = 0.6 (the review file may set `analysis.rho`). Pure.
 */
import { aggregateEffects } from '../meta/index.js';
import type { Review } from '../reviews/index.js';

/** The Metapsy default correlation between the effects of one study. */
export const DEFAULT_RHO = 0.6;

/** ρ of the review's main analysis (`analysis.rho`, else 0.6). */
export function rhoOf(review: Pick<Review, 'analysis'>): number {
  return review.analysis.rho ?? DEFAULT_RHO;
}

/**
 * One study's effects combined into one (GLS mean with a compound-symmetric sampling covariance,
 * V_ij = ρ√(v_i v_j)); a single effect is returned as it is.
 */
export function combineStudyEffects(effects: ReadonlyArray<{ yi: number; vi: number }>, rho: number): { yi: number; vi: number } {
  if (effects.length === 1) return { yi: effects[0].yi, vi: effects[0].vi };
  const agg = aggregateEffects(
    effects.map((e) => e.yi),
    effects.map((e) => e.vi),
    { labels: ['study'], rows: [effects.map((_, i) => i)] },
    rho,
  );
  return { yi: agg.yi[0], vi: agg.vi[0] };
}
