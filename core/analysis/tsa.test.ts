import { describe, expect, it } from 'vitest';
import { obfAlphaSpending, obrienFlemingConstant, sequentialBounds, trialSequentialAnalysis, tsaStatus, tsaStatusText, type TsaStudy } from './tsa.js';
import { qnorm } from '../meta/special.js';

/**
 * Lan–DeMets O'Brien–Fleming-type spending, two-sided α = 0.05, K equally spaced looks: critical
 * values as tabulated for the spending-function approach (DeMets & Lan, Stat Med 1994; the same
 * figures come out of R's ldbounds/gsDesign: K = 5 → 4.877, 3.357, 2.680, 2.290, 2.031).
 */
const TABLE: Record<number, number[]> = {
  2: [2.963, 1.969],
  3: [3.71, 2.511, 1.993],
  4: [4.333, 2.963, 2.359, 2.014],
  5: [4.877, 3.357, 2.68, 2.29, 2.031],
};

/**
 * The classical O'Brien–Fleming (1979) boundaries C_B(K, α) √(K/k) (Jennison & Turnbull 2000,
 * Table 2.3: C_B = 1.977, 2.004, 2.024, 2.040 for K = 2…5 at α = 0.05). These are NOT the
 * Lan–DeMets spending values (K = 5 → 4.562, 3.226, 2.634, 2.281, 2.040 is this design); they check
 * the same recursion with another design.
 */
const CLASSICAL: Record<number, number[]> = {
  2: [2.797, 1.977],
  3: [3.471, 2.454, 2.004],
  4: [4.049, 2.863, 2.337, 2.024],
  5: [4.562, 3.226, 2.634, 2.281, 2.04],
};

/** mulberry32 + Box–Muller: a small seeded normal generator for the simulation. */
function normals(seed: number) {
  let a = seed >>> 0;
  const u = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(u() || 1e-300)) * Math.cos(2 * Math.PI * u());
}

describe('Lan–DeMets O’Brien–Fleming boundaries by numerical integration', () => {
  for (const [K, ref] of Object.entries(TABLE)) {
    it(`K = ${K} equally spaced looks agree with the published critical values (±0.002)`, () => {
      const t = Array.from({ length: Number(K) }, (_, i) => (i + 1) / Number(K));
      const b = sequentialBounds(t);
      b.efficacy.forEach((c, i) => expect(Math.abs(c - ref[i]), `look ${i + 1}: ${c}`).toBeLessThan(0.002));
    });
  }
  for (const [K, ref] of Object.entries(CLASSICAL)) {
    it(`classical O'Brien–Fleming, K = ${K}: the recursion gives the tabulated boundaries (±0.002)`, () => {
      const C = obrienFlemingConstant(Number(K));
      ref.forEach((c, i) => expect(Math.abs(C * Math.sqrt(Number(K) / (i + 1)) - c), `look ${i + 1}`).toBeLessThan(0.002));
    });
  }
  it('one look at t = 1 is the fixed-sample test (1.96); spending reaches α and β at t = 1', () => {
    const b = sequentialBounds([1]);
    expect(b.efficacy[0]).toBeCloseTo(qnorm(0.975), 6);
    // Futility at the only look: P_H1(Z < b) = β, Z ~ N(z.975 + z.8, 1) → b = 1.96.
    expect(b.futility[0]).toBeCloseTo(qnorm(0.975), 4);
    expect(obfAlphaSpending(1, 0.05)).toBe(0.05);
  });

  it('a seeded simulation (200,000 paths) crosses at the spent α per look under H0 and futility at the spent β under H1', () => {
    const t = [0.2, 0.4, 0.6, 0.8, 1];
    const b = sequentialBounds(t);
    const rnd = normals(12345);
    const N = 200_000;
    const drift = qnorm(0.975) + qnorm(0.8);
    const crossH0 = new Array(t.length).fill(0);
    const futH1 = new Array(t.length).fill(0);
    let effH1 = 0;
    for (let n = 0; n < N; n++) {
      let s0 = 0;
      let s1 = 0;
      let prev = 0;
      let done0 = false;
      let done1 = false;
      for (let k = 0; k < t.length; k++) {
        const dt = t[k] - prev;
        prev = t[k];
        const e = rnd() * Math.sqrt(dt);
        s0 += e;
        s1 += e + drift * dt;
        const z0 = s0 / Math.sqrt(t[k]);
        const z1 = s1 / Math.sqrt(t[k]);
        if (!done0 && Math.abs(z0) >= b.efficacy[k]) {
          crossH0[k]++;
          done0 = true;
        }
        if (!done1) {
          if (z1 >= b.efficacy[k]) {
            effH1++;
            done1 = true;
          } else if (z1 <= b.futility[k]) {
            futH1[k]++;
            done1 = true;
          }
        }
      }
    }
    let cum = 0;
    let cumF = 0;
    for (let k = 0; k < t.length; k++) {
      cum += crossH0[k] / N;
      cumF += futH1[k] / N;
      // 5 standard errors of a binomial proportion at these sizes
      expect(Math.abs(cum - b.alphaSpent[k]), `H0 look ${k + 1}`).toBeLessThan(5 * Math.sqrt((b.alphaSpent[k] * (1 - b.alphaSpent[k])) / N) + 1e-4);
      expect(Math.abs(cumF - b.betaSpent[k]), `H1 look ${k + 1}`).toBeLessThan(5 * Math.sqrt((b.betaSpent[k] * (1 - b.betaSpent[k])) / N) + 1e-4);
    }
    expect(Math.abs(cum - 0.05)).toBeLessThan(0.0025);
    expect(Math.abs(cumF - 0.2)).toBeLessThan(0.005);
    expect(effH1 / N).toBeGreaterThan(0.75);
  }, 300_000);

  it('refuses fractions that do not increase within (0, 1]', () => {
    expect(() => sequentialBounds([0.5, 0.4])).toThrow(/look 2/);
    expect(() => sequentialBounds([0])).toThrow(/look 1/);
  });
});

describe('TSA of an outcome: information size, Z-curve, status', () => {
  const trial = (i: number, yi: number, n: number, vi = 4 / n): TsaStudy => ({ id: `t${i}`, label: `Trial ${i}`, year: 2000 + i, yi, vi, n });

  it('required information size: 4 (z.975 + z.8)² / δ², divided by 1 − D²', () => {
    const r = trialSequentialAnalysis([trial(1, -0.3, 100), trial(2, -0.3, 100)], { mid: 0.24, direction: 'lower-is-better' })!;
    const z = qnorm(0.975) + qnorm(0.8);
    expect(r.risFixed).toBeCloseTo((4 * z * z) / 0.24 ** 2, 8);
    expect(r.diversity).toBe(0); // identical effects: no heterogeneity
    expect(r.ris).toBeCloseTo(r.risFixed, 8);
    const het = trialSequentialAnalysis([trial(1, -0.9, 100), trial(2, 0.2, 100), trial(3, -0.4, 100)], { mid: 0.24, direction: 'lower-is-better' })!;
    expect(het.diversity).toBeGreaterThan(0.5);
    expect(het.ris).toBeCloseTo(het.risFixed / (1 - het.diversity), 8);
  });

  it('status "conclusive benefit": a large, consistent benefit crosses the boundary', () => {
    const r = trialSequentialAnalysis([1, 2, 3, 4].map((i) => trial(i, -0.5, 150)), { mid: 0.24, direction: 'lower-is-better' })!;
    expect(r.points.at(-1)!.z).toBeGreaterThan(r.points.at(-1)!.efficacy!);
    expect(r.status).toBe('benefit');
    expect(r.statusText).toBe('conclusive benefit');
  });
  it('status "conclusive harm" (higher-is-better outcome with negative effects)', () => {
    const r = trialSequentialAnalysis([1, 2, 3, 4].map((i) => trial(i, -0.5, 150)), { mid: 0.24, direction: 'higher-is-better' })!;
    expect(r.status).toBe('harm');
  });
  it('status "conclusive futility": the required information is reached without crossing', () => {
    const r = trialSequentialAnalysis([1, 2, 3, 4, 5, 6].map((i) => trial(i, i % 2 ? 0.02 : -0.02, 200)), { mid: 0.24, direction: 'lower-is-better' })!;
    expect(r.fraction).toBeGreaterThan(1);
    expect(r.status).toBe('futility');
    expect(r.statusText).toBe('conclusive futility');
  });
  it('status "not yet conclusive: N % of the required information"', () => {
    const r = trialSequentialAnalysis([trial(1, -0.2, 120), trial(2, -0.1, 150)], { mid: 0.24, direction: 'lower-is-better' })!;
    expect(r.status).toBe('not-yet');
    expect(r.statusText).toBe(`not yet conclusive: ${Math.floor((270 / r.ris) * 100)} % of the required information`);
    expect(tsaStatusText('not-yet', 0.625)).toBe('not yet conclusive: 62 % of the required information');
  });
  it('the futility wedge decides before the RIS when Z lies inside it', () => {
    expect(tsaStatus(0.1, 2.5, 0.8, 0.7)).toBe('futility');
    expect(tsaStatus(1.0, 2.5, 0.8, 0.7)).toBe('not-yet');
    expect(tsaStatus(0.1, 2.5, null, 0.7)).toBe('not-yet');
  });
  it('no MID or no trials: no TSA', () => {
    expect(trialSequentialAnalysis([trial(1, -0.2, 100)], { direction: 'lower-is-better' })).toBeNull();
    expect(trialSequentialAnalysis([], { mid: 0.2, direction: 'lower-is-better' })).toBeNull();
  });
});
