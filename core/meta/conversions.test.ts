/** Conversions checked against R (raw-sample statistics, t.test, escalc) via test/fixtures/metafor/conversions.json. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  combineArms, correlationFromChange, escalcOR, escalcPFT, escalcPLO, escalcRD, escalcRR, escalcSMD, meanSdFromFiveNumbers,
  meanSdFromMedianIqr, meanSdFromMedianRange, sdChange, sdFromCi, sdFromSe, smdFromF, smdFromLogOr, smdFromT, splitSharedArm,
} from './index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const fx: any = JSON.parse(readFileSync(join(process.cwd(), 'test/fixtures/metafor/conversions.json'), 'utf8'));
const close = (a: number, b: number, tol = 1e-9) => expect(Math.abs(a - b)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(b)));

describe('conversions against R', () => {
  it('SD from a CI of a mean (t and z) recovers the sample SD', () => {
    for (const c of fx.sdFromCi) close(sdFromCi(c.lower, c.upper, c.n, 0.95, c.dist), c.sd);
  });
  it('auto uses t below n = 60 and z above', () => {
    const t = fx.sdFromCi.find((c: { n: number; dist: string }) => c.n < 60 && c.dist === 't');
    close(sdFromCi(t.lower, t.upper, t.n), t.sd);
    const z = fx.sdFromCi.find((c: { n: number; dist: string }) => c.n >= 60 && c.dist === 'z');
    close(sdFromCi(z.lower, z.upper, z.n), z.sd);
  });
  it('SD from SE', () => {
    for (const c of fx.sdFromSe) close(sdFromSe(c.se, c.n), c.sd);
  });
  it('combining two arms equals the statistics of the pooled sample (Handbook 6.5.2.10)', () => {
    for (const c of fx.combineArms) {
      const r = combineArms(c.a, c.b);
      expect(r.n).toBe(c.combined.n);
      close(r.mean, c.combined.mean);
      close(r.sd, c.combined.sd);
    }
  });
  it('t statistic to SMD equals escalc on the raw data; F with sign gives the same', () => {
    for (const c of fx.smdFromT) {
      const r = smdFromT(c.t, c.n1, c.n2);
      close(r.g, c.g);
      close(r.vi, c.vi);
      const f = smdFromF(c.t * c.t, c.n1, c.n2, c.t < 0 ? -1 : 1);
      close(f.g, c.g);
    }
  });
  it('SD of change scores from the correlation', () => {
    for (const c of fx.sdChange) {
      close(sdChange(c.sdBaseline, c.sdFinal, c.r), c.sd);
      close(correlationFromChange(c.sdBaseline, c.sdFinal, c.sd), c.r);
    }
  });
  it('median + IQR and median + range (Luo 2018 mean, Wan 2014 SD)', () => {
    for (const c of fx.medianIqr) {
      const r = meanSdFromMedianIqr(c.median, c.q1, c.q3, c.n);
      close(r.mean, c.mean);
      close(r.sd, c.sd);
    }
    for (const c of fx.medianRange) {
      const r = meanSdFromMedianRange(c.median, c.min, c.max, c.n);
      close(r.mean, c.mean);
      close(r.sd, c.sd);
    }
  });
  it('escalc OR, RR, RD (with the 1/2 correction for zero cells)', () => {
    for (const [name, fn] of [['escalcOR', escalcOR], ['escalcRR', escalcRR], ['escalcRD', escalcRD]] as const) {
      for (const c of fx[name]) {
        const r = fn({ ai: c.ai, n1: c.n1, ci: c.ci, n2: c.n2 });
        close(r.yi, c.yi);
        close(r.vi, c.vi);
      }
    }
  });
  it('escalc PLO and PFT proportions', () => {
    for (const c of fx.escalcPLO) {
      const r = escalcPLO(c.x, c.n);
      close(r.yi, c.yi);
      close(r.vi, c.vi);
    }
    for (const c of fx.escalcPFT) {
      const r = escalcPFT(c.x, c.n);
      close(r.yi, c.yi);
      close(r.vi, c.vi);
    }
  });
});

describe('conversions: worked examples', () => {
  it('log OR to SMD multiplies by √3/π (Chinn 2000)', () => {
    const r = smdFromLogOr(Math.log(2), 0.04);
    close(r.d, 0.38214, 1e-4);
    close(r.vi, 0.04 * 0.30396, 1e-4);
  });
  it('five-number summary of a large normal sample gives mean ≈ μ and SD ≈ σ', () => {
    // exact N(50, 10²) quantiles; the expected extremes of n = 1000 normal draws are ≈ ±3.24σ
    const r = meanSdFromFiveNumbers(50 - 32.4, 50 - 6.745, 50, 50 + 6.745, 50 + 32.4, 1000);
    close(r.mean, 50, 1e-9);
    expect(Math.abs(r.sd - 10)).toBeLessThan(0.2);
  });
  it('splitting a shared control divides n only', () => {
    expect(splitSharedArm({ n: 61, mean: 3, sd: 1 }, 2)).toEqual({ n: 30.5, mean: 3, sd: 1 });
    expect(splitSharedArm({ n: 61, mean: 3, sd: 1 }, 2, true).n).toBe(30);
  });
  it('RevMan 5 SMD variant uses the approximate J and its variance', () => {
    const a = { n1: 20, m1: 10, sd1: 2, n2: 22, m2: 9, sd2: 2 };
    const r = escalcSMD(a, 'revman5');
    const d = 0.5;
    const g = d * (1 - 3 / (4 * 42 - 9));
    close(r.yi, g);
    close(r.vi, 1 / 20 + 1 / 22 + (g * g) / (2 * (42 - 3.94)));
  });
});
