/** The shared-sums leave-one-out and cumulative refits agree with refitting every subset from scratch. */
import { describe, expect, it } from 'vitest';
import { cumul, cumulRefit, leave1out, leave1outRefit, stableOrder, type ModelOpts } from './sensitivity.js';

function data(k: number, seed: number, spread = 0.2, drift = 0) {
  let s = seed >>> 0;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const norm = () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
  const vi = Array.from({ length: k }, () => 0.005 + spread * rnd());
  const yi = vi.map((v, i) => 0.4 + drift * (i / k) + Math.sqrt(0.05) * norm() + Math.sqrt(v) * norm());
  return { yi, vi, years: vi.map(() => 2000 + Math.floor(rnd() * 20)) };
}

function close(a: unknown, b: unknown, tol: number) {
  expect(a === null).toBe(b === null);
  if (a === null || b === null) return;
  for (const [key, x] of Object.entries(b as Record<string, number | null>)) {
    const y = (a as Record<string, number | null>)[key];
    if (x === null) expect(y).toBeNull();
    else expect(Math.abs(y! - x), key).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(x)));
  }
}

const methods: ModelOpts[] = [
  { method: 'REML', test: 'knha', level: 0.95 },
  { method: 'REML', test: 'z', level: 0.9 },
  { method: 'ML', test: 'z', level: 0.95 },
  { method: 'DL', test: 'z', level: 0.95 },
  { method: 'HE', test: 'knha', level: 0.95 },
  { method: 'SJ', test: 'knha', level: 0.95 },
  { method: 'FE', test: 'z', level: 0.95 },
];

describe('shared-sums refits = refitting from scratch', () => {
  for (const o of methods) {
    it(`${o.method} ${o.test}: leave-one-out and cumulative, k = 60 and 300 (with a drift over time)`, () => {
      for (const [k, seed, drift] of [[60, 1, 0], [300, 7, 0.8]] as const) {
        const d = data(k, seed, 0.2, drift);
        const ref1 = leave1outRefit(d.yi, d.vi, o);
        leave1out(d.yi, d.vi, o).forEach((f, i) => close(f, ref1[i], 1e-9));
        const order = stableOrder(d.years);
        const fast = cumul(d.yi, d.vi, order, o);
        const ref = cumulRefit(d.yi, d.vi, order, o);
        fast.forEach((f, q) => {
          expect(f.index).toBe(ref[q].index);
          close(f.fit, ref[q].fit, 1e-9);
        });
      }
    });
  }
  it('one study with a tiny variance (it dominates every sum): still equal', () => {
    const d = data(40, 3);
    d.vi[5] = 1e-9;
    const o = methods[0];
    const ref = leave1outRefit(d.yi, d.vi, o);
    leave1out(d.yi, d.vi, o).forEach((f, i) => close(f, ref[i], 1e-8));
  });
});
