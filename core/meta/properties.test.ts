/** Property-based tests (fast-check) of invariants that any correct implementation must satisfy. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyze, rma, type AnalysisRequest, type Method } from './index.js';

const study = fc.record({
  yi: fc.double({ min: -2, max: 2, noNaN: true }),
  vi: fc.double({ min: 0.005, max: 0.5, noNaN: true }),
});
const dataset = fc.array(study, { minLength: 3, maxLength: 25 });
const method = fc.constantFrom<Method>('REML', 'DL', 'PM', 'ML', 'HE', 'SJ');
const ci = fc.constantFrom<'z' | 'knha'>('z', 'knha');

function request(ds: { yi: number; vi: number }[], m: Method, c: 'z' | 'knha'): AnalysisRequest {
  return { measure: 'GEN', method: m, ci: c, level: 0.95, studies: ds.map((s, i) => ({ id: `s${i}`, year: 2000 + (i % 7), ...s })) };
}
const near = (a: number | null, b: number | null, tol = 1e-7) => {
  expect(a === null).toBe(b === null);
  if (a !== null && b !== null) expect(Math.abs(a - b)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b)));
};
const opts = { numRuns: 60 };

describe('meta-analysis properties', () => {
  it('is invariant to the order of the studies', () => {
    fc.assert(
      fc.property(dataset, method, ci, fc.integer(), (ds, m, c, seed) => {
        const perm = ds.map((s, i) => ({ s, key: Math.sin(seed + i * 7.1) })).sort((a, b) => a.key - b.key).map((x) => x.s);
        const a = rma(ds.map((s) => s.yi), ds.map((s) => s.vi), { method: m, test: c });
        const b = rma(perm.map((s) => s.yi), perm.map((s) => s.vi), { method: m, test: c });
        near(b.beta[0], a.beta[0], 1e-5);
        near(b.tau2, a.tau2, 1e-5);
        near(b.QE, a.QE, 1e-9);
      }),
      opts,
    );
  });
  it('scales with MD units: estimate ×c, τ² ×c², I² unchanged', () => {
    fc.assert(
      fc.property(dataset, fc.constantFrom<Method>('DL', 'HE', 'SJ'), fc.double({ min: 0.5, max: 20, noNaN: true }), (ds, m, cst) => {
        const a = rma(ds.map((s) => s.yi), ds.map((s) => s.vi), { method: m });
        const b = rma(ds.map((s) => s.yi * cst), ds.map((s) => s.vi * cst * cst), { method: m });
        near(b.beta[0], a.beta[0] * cst, 1e-8);
        near(b.tau2, a.tau2 * cst * cst, 1e-8);
        near(b.I2, a.I2, 1e-8);
      }),
      opts,
    );
  });
  it('flipping the sign of every effect flips the estimate and CI and keeps τ²', () => {
    fc.assert(
      fc.property(dataset, method, ci, (ds, m, c) => {
        const a = analyze(request(ds, m, c));
        const b = analyze(request(ds.map((s) => ({ ...s, yi: -s.yi })), m, c));
        near(b.estimate, -a.estimate!, 1e-5);
        near(b.ciLower, -a.ciUpper!, 1e-5);
        near(b.tau2, a.tau2, 1e-5);
      }),
      opts,
    );
  });
  it('weights sum to 100, the CI contains the estimate, τ² ≥ 0 and the τ² CI brackets the Q-profile', () => {
    fc.assert(
      fc.property(dataset, method, ci, (ds, m, c) => {
        const r = analyze(request(ds, m, c));
        const sw = r.studies.reduce((s, x) => s + (x.weight ?? 0), 0);
        expect(Math.abs(sw - 100)).toBeLessThan(1e-9);
        expect(r.ciLower!).toBeLessThanOrEqual(r.estimate!);
        expect(r.ciUpper!).toBeGreaterThanOrEqual(r.estimate!);
        expect(r.piLower!).toBeLessThanOrEqual(r.ciLower! + 1e-12);
        expect(r.tau2!).toBeGreaterThanOrEqual(0);
        expect(r.tau2CiLower!).toBeGreaterThanOrEqual(0);
        expect(r.tau2CiUpper!).toBeGreaterThanOrEqual(r.tau2CiLower!);
        expect(r.i2!).toBeGreaterThanOrEqual(0);
        expect(r.i2!).toBeLessThan(100);
      }),
      opts,
    );
  });
  it('never throws on valid input with k >= 1 and reports nulls for k = 1 heterogeneity', () => {
    fc.assert(
      fc.property(fc.array(study, { minLength: 1, maxLength: 6 }), method, ci, (ds, m, c) => {
        const r = analyze({ ...request(ds, m, c), subgroup: 'g', metaRegression: ['x'] });
        expect(r.k).toBe(ds.length);
        if (ds.length === 1) {
          expect(r.tau2).toBeNull();
          expect(r.i2).toBeNull();
          expect(r.q).toBeNull();
          near(r.estimate, ds[0].yi, 1e-12);
        }
        if (ds.length < 3) expect(r.leaveOneOut).toBeNull();
      }),
      opts,
    );
  });
});
