/**
 * Fast paths of the sensitivity analyses against the straightforward versions, on random inputs
 * (fast-check): trim-and-fill with merged ranks = re-sorting ranks in every iteration, bit for bit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rma, type Method } from './rma.js';
import { trimfill, trimfillRefit } from './sensitivity.js';

const method = fc.constantFrom<Method>('REML', 'DL', 'PM', 'ML', 'HE', 'SJ', 'FE');
/** effects with a funnel asymmetry of random strength and sign (so that k0 > 0 occurs often), some of them tied */
const asymmetric = fc
  .record({
    slope: fc.double({ min: -4, max: 4, noNaN: true }),
    rows: fc.array(
      fc.record({
        vi: fc.double({ min: 0.002, max: 0.6, noNaN: true }),
        noise: fc.oneof(fc.double({ min: -1.5, max: 1.5, noNaN: true }), fc.integer({ min: -3, max: 3 }).map((x) => x / 4)),
        tied: fc.boolean(),
      }),
      { minLength: 3, maxLength: 80 },
    ),
  })
  .map(({ slope, rows }) => ({
    // tied rows share one effect exactly (ties between the two sides of the trimmed estimate)
    yi: rows.map((r) => (r.tied ? r.noise : 0.3 + slope * Math.sqrt(r.vi) + r.noise)),
    vi: rows.map((r) => r.vi),
  }));

describe('trim-and-fill: merged ranks = ranks re-sorted in every iteration', () => {
  it('same k0, side, filled studies and estimates on random asymmetric data', () => {
    let filledSeen = 0;
    fc.assert(
      fc.property(asymmetric, method, ({ yi, vi }, m) => {
        let fit;
        try {
          fit = rma(yi, vi, { method: m });
        } catch {
          return;
        }
        const fast = trimfill(fit);
        expect(fast).toEqual(trimfillRefit(fit));
        if (fast && fast.k0 > 0) filledSeen++;
      }),
      { numRuns: 300 },
    );
    // the property is only meaningful if studies were filled in a good share of the runs
    expect(filledSeen).toBeGreaterThan(30);
  });

  it('exact ties on both sides of the estimate (integer effects, power-of-two variances: exact sums)', () => {
    const exact = fc.array(fc.record({ yi: fc.integer({ min: -6, max: 6 }), vi: fc.constantFrom(0.25, 1, 4) }), { minLength: 3, maxLength: 40 });
    fc.assert(
      fc.property(exact, fc.constantFrom<Method>('FE', 'REML', 'DL'), (rows, m) => {
        const fit = rma(rows.map((r) => r.yi), rows.map((r) => r.vi), { method: m });
        expect(trimfill(fit)).toEqual(trimfillRefit(fit));
      }),
      { numRuns: 300 },
    );
  });

  it('identical effects and effects exactly at the estimate (zero deviations)', () => {
    const vi = [0.1, 0.2, 0.3, 0.1, 0.05, 0.4];
    for (const yi of [[0.5, 0.5, 0.5, 0.5, 0.5, 0.5], [0, 1, -1, 0, 2, -2], [1, 1, 1, 2, 3, 10]]) {
      const fit = rma(yi, vi, { method: 'REML' });
      expect(trimfill(fit)).toEqual(trimfillRefit(fit));
    }
  });
});
