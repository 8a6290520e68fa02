import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatPercent, poolAttrition, type AttritionInput } from './attrition.js';
import { buildSnapshot } from './snapshot.js';
import { metapsyCandidates } from '../../test/fixtures/builders.js';
import { getReview } from '../../reviews/index.js';
import type { Arm, Candidate } from '../evidence/candidate.js';
import type { Review } from '../reviews/index.js';

const ROOT = resolve(__dirname, '..', '..');
const fixture = JSON.parse(readFileSync(resolve(ROOT, 'test/fixtures/attrition/metapsy-depression.json'), 'utf8'));
const NOW = new Date('2026-11-22T00:00:00Z');
const base = getReview('selfguided-depression');


describe('attrition of the self-guided depression review agrees with metafor on the Metapsy CSV', () => {
  const candidates = metapsyCandidates(base);
  const labelOf = new Map(candidates.map((c) => [c.studyId, c.identifiers.find((i) => i.type === 'metapsy')!.value]));

  it('the importer and the pooling take the same dropouts and randomised n per study as the R script', () => {
    const a = buildSnapshot(base, candidates, NOW).attrition!;
    const ours = new Map(a.studies.map((s) => [labelOf.get(s.id)!, s]));
    expect(a.k).toBe(fixture.studies.length);
    for (const ref of fixture.studies) {
      const s = ours.get(ref.study)!;
      expect(s, ref.study).toBeDefined();
      for (const role of ['intervention', 'control'] as const) {
        if (ref[role] === null) expect(s[role], `${ref.study} ${role}`).toBeNull();
        else expect({ dropouts: s[role]!.dropouts, n: s[role]!.n, arms: s[role]!.arms }, `${ref.study} ${role}`).toEqual(ref[role]);
      }
    }
    expect(a.intervention!.participants).toBe(fixture.intervention.participants);
    expect(a.intervention!.dropouts).toBe(fixture.intervention.dropouts);
    expect(a.control!.participants).toBe(fixture.control.participants);
  });

  for (const [i, setting] of [
    [0, 'REML + knha (the review setting)'],
    [1, 'DL + z'],
  ] as const) {
    it(`${setting}: proportions (PLO, ilogit) and RR (exp) within ${i === 0 ? '1e-5' : '1e-6'}`, () => {
      const ref0 = fixture.rr.fits[i];
      const review: Review = { ...base, analysis: { ...base.analysis, method: ref0.method, ci: ref0.test } };
      const a = buildSnapshot(review, candidates, NOW).attrition!;
      const tol = ref0.method === 'REML' ? 1e-5 : 1e-6;
      const close = (got: number | null | undefined, want: number, what: string) => {
        expect(got, what).not.toBeNull();
        expect(Math.abs((got as number) - want), `${what}: ${got} vs ${want}`).toBeLessThan(tol);
      };
      for (const [key, pooled] of [
        ['intervention', a.intervention],
        ['control', a.control],
        ['rr', a.rr],
      ] as const) {
        const ref = fixture[key].fits[i];
        expect(pooled!.k, key).toBe(ref.k);
        for (const f of ['estimate', 'se', 'ciLower', 'ciUpper', 'piLower', 'piUpper'] as const) close(pooled!.model[f], ref[f], `${key} ${f}`);
        for (const f of ['estimate', 'ciLower', 'ciUpper', 'piLower', 'piUpper'] as const) close(pooled![f], ref.transformed[f], `${key} transformed ${f}`);
        close(pooled!.tau2, ref.tau2, `${key} tau2`);
        close(pooled!.i2 / 100, ref.i2 / 100, `${key} I2`);
        close(pooled!.q, ref.q, `${key} Q`);
        for (const s of a.studies) {
          const label = labelOf.get(s.id)!;
          const row = key === 'rr' ? s.rr : s[key];
          if (!row) continue;
          close(row.yi, fixture[key].yi[label], `${key} yi ${label}`);
          close(row.vi, fixture[key].vi[label], `${key} vi ${label}`);
          close(row.weight, ref.weights[label], `${key} weight ${label}`);
        }
      }
    });
  }

  it('the sentence carries the rounded pooled numbers', () => {
    const a = buildSnapshot(base, candidates, NOW).attrition!;
    const t = fixture.intervention.fits[0].transformed;
    const r = fixture.rr.fits[0].transformed;
    expect(a.sentence).toContain(`${formatPercent(t.estimate)} % [${formatPercent(t.ciLower)}, ${formatPercent(t.ciUpper)}] in the intervention arms`);
    expect(a.sentence).toContain(`RR ${r.estimate.toFixed(2)} [${r.ciLower.toFixed(2)}, ${r.ciUpper.toFixed(2)}]`);
    expect(a.sentence).toMatch(/^dropout: \d+ % \[\d+, \d+\] in the intervention arms and \d+(\.\d)? % \[[\d.]+, [\d.]+\] in the control arms; RR \d\.\d\d \[\d\.\d\d, \d\.\d\d\]$/);
    expect(a.reading).toMatch(/in 10 people randomised to the intervention/);
  });
});

const arm = (id: string, role: Arm['role'], nRandomised: unknown, dropouts: unknown): Arm => ({ id, label: id, role, nRandomised, dropouts }) as Arm;
const study = (id: string, arms: unknown, year = 2020): AttritionInput => ({ id, label: id, year, arms });

describe('attrition rules', () => {
  it('null when the review does not pool attrition', () => {
    expect(poolAttrition({ ...base, attrition: { pool: false } }, [study('a', [arm('i', 'intervention', 50, 10), arm('c', 'control', 50, 5)])])).toBeNull();
  });

  it('intervention arms of a multi-arm trial are summed against the control (RR computed by hand)', () => {
    const a = poolAttrition(base, [
      study('a', [arm('i1', 'intervention', 40, 10), arm('i2', 'intervention', 60, 20), arm('c', 'control', 50, 5)]),
      study('b', [arm('i', 'intervention', 30, 6), arm('c', 'control', 30, 3)]),
    ])!;
    const s = a.studies.find((x) => x.id === 'a')!;
    expect(s.intervention).toMatchObject({ dropouts: 30, n: 100, arms: 2, proportion: 0.3 });
    expect(s.rr!.yi).toBeCloseTo(Math.log(30 / 100 / (5 / 50)), 12);
    expect(s.rr!.vi).toBeCloseTo(1 / 30 - 1 / 100 + 1 / 5 - 1 / 50, 12);
    expect(a.k).toBe(2);
    expect(a.participants).toBe(100 + 50 + 60);
  });

  it('zero cells: ½ added as escalc does (PLO to both counts; RR to all four cells); no dropouts in either arm is kept', () => {
    const a = poolAttrition(base, [
      study('a', [arm('i', 'intervention', 20, 0), arm('c', 'control', 20, 0)]),
      study('b', [arm('i', 'intervention', 20, 20), arm('c', 'control', 20, 4)]),
    ])!;
    const sa = a.studies.find((x) => x.id === 'a')!;
    expect(sa.intervention!.yi).toBeCloseTo(Math.log(0.5 / 20.5), 12);
    expect(sa.rr!.yi).toBeCloseTo(0, 12);
    expect(sa.rr!.vi).toBeCloseTo(2 * (1 / 0.5 - 1 / 21), 12);
    const sb = a.studies.find((x) => x.id === 'b')!;
    expect(sb.intervention!.yi).toBeCloseTo(Math.log(20.5 / 0.5), 12);
    expect(sb.rr!.yi).toBeCloseTo(Math.log(20.5 / 21 / (4.5 / 21)), 12);
    expect(a.rr!.k).toBe(2);
  });

  it('arms without usable counts are left out and named roles without any leave the study out of that role', () => {
    const a = poolAttrition(base, [
      study('bad', [arm('i', 'intervention', 10, 11), arm('c', 'control', 0, 0)]),
      study('half', [arm('i', 'intervention', 30, 3), arm('c', 'control', 30, undefined)]),
      study('junk', 'abc'),
      study('nulls', [null, 3, arm('i', 'intervention', 2.5, 1), arm('c', 'control', -1, 0)]),
      study('ok', [arm('i', 'intervention', 30, 6), arm('c', 'control', 30, 3)]),
    ])!;
    expect(a.studies.map((s) => s.id)).toEqual(['half', 'ok']);
    expect(a.studies[0].control).toBeNull();
    expect(a.studies[0].rr).toBeNull();
    expect(a.intervention!.k).toBe(2);
    expect(a.control).toBeNull();
    expect(a.rr).toBeNull();
    expect(a.notes).toEqual([
      'control arms: 1 study with dropout data — not pooled (needs 2)',
      'risk ratio: 1 study with dropouts in both arms — not pooled (needs 2)',
    ]);
    expect(a.sentence).toMatch(/^dropout: [\d.]+ % \[[\d.]+, [\d.]+\] in the intervention arms$/);
  });

  it('no trial with dropouts says so', () => {
    const a = poolAttrition(base, [study('x', [])])!;
    expect(a.k).toBe(0);
    expect(a.sentence).toBe('dropout: no accepted trial reports dropouts per arm yet');
  });

  it('a review snapshot without attrition pooling has attrition: null', () => {
    const snap = buildSnapshot({ ...base, attrition: { pool: false } }, [], NOW);
    expect(snap.attrition).toBeNull();
  });
});
