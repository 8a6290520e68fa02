/** Contour-enhanced funnel plot helper: significance contours at p = .10, .05, .01. */
import { qnorm } from './special.js';

export interface FunnelContour {
  p: number;
  /** two-sided critical z */
  z: number;
  points: { se: number; lower: number; upper: number }[];
}

/**
 * Contours around `center` (0 = no effect, the usual contour-enhanced funnel): effects outside
 * [center − z·se, center + z·se] are significant at level p. `seMax` is the largest standard error
 * to draw (e.g. 1.05 × max sei); `steps` grid points from se = 0 to seMax.
 */
export function funnel(seMax: number, opts: { center?: number; steps?: number; levels?: number[] } = {}): FunnelContour[] {
  const center = opts.center ?? 0;
  const steps = Math.max(2, opts.steps ?? 50);
  const levels = opts.levels ?? [0.1, 0.05, 0.01];
  return levels.map((p) => {
    const z = qnorm(1 - p / 2);
    const points = Array.from({ length: steps }, (_, i) => {
      const se = (seMax * i) / (steps - 1);
      return { se, lower: center - z * se, upper: center + z * se };
    });
    return { p, z, points };
  });
}
