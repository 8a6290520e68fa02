import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildSnapshot } from './snapshot.js';
import { combinations, isOutlier, multiverse, multiverseSentence, MULTIVERSE_DIMENSIONS, notApplicable } from './multiverse.js';
import { dependenceSentence, type StudyEffects } from './dependence-sensitivity.js';
import { followUpOrder, longestFollowUpEffects } from './follow-up.js';
import { importMetapsyCsv } from '../import/metapsy.js';
import { toImportedCandidate } from '../import/candidate.js';
import { getReview } from '../../reviews/index.js';
import { stressCandidate } from '../../test/fixtures/builders.js';
import { displayed } from './versions.js';

const ROOT = resolve(__dirname, '..', '..');
const fixture = JSON.parse(readFileSync(resolve(ROOT, 'test/fixtures/snapshot/metapsy-depression.json'), 'utf8'));
const NOW = new Date('2026-12-01T00:00:00Z');

describe('dependence sensitivity and multiverse of the Metapsy depression review agree with metafor (scripts/fixtures/snapshot.R)', () => {
  const review = getReview('selfguided-depression');
  const csv = readFileSync(resolve(ROOT, '../shared/data/metapsy-depression-selfguided-psyctr/data.csv'), 'utf8');
  const candidates = importMetapsyCsv(csv, review).studies.map((s) => toImportedCandidate(review.id, s, '2026-01-01T00:00:00.000Z'));
  const o = buildSnapshot(review, candidates, NOW).outcomes.find((x) => x.id === 'depression')!;

  it('three-level model (t) and CHE-RVE beside the main estimate, on the same rows as metafor', () => {
    const ds = o.dependenceSensitivity!;
    expect(ds.effects).toBe(fixture.dependence.effects);
    expect(ds.studies).toBe(fixture.dependence.studies);
    expect(ds.main).toMatchObject({ model: 'aggregate', rho: 0.6, k: fixture.fits[0].k, estimate: o.result!.estimate });
    const ml = ds.models.find((m) => m.model === 'multilevel')!;
    const ref = fixture.dependence.multilevel.find((m: { test: string }) => m.test === 't');
    for (const f of ['estimate', 'se', 'ciLower', 'ciUpper'] as const) expect(Math.abs(ml[f]! - ref[f]), f).toBeLessThan(1e-5);
    ml.sigma2!.forEach((s, i) => expect(Math.abs(s - ref.sigma2[i])).toBeLessThan(1e-5));
    const che = ds.models.find((m) => m.model === 'che-rve')!;
    for (const f of ['estimate', 'se', 'ciLower', 'ciUpper', 'df'] as const) expect(Math.abs(che[f]! - fixture.dependence.cheRve[f]), f).toBeLessThan(1e-5);
    expect(ds.sentence).toMatch(/^\d+ of 69 studies contribute more than one effect \(108 effects in all\)/);
    expect(ds.sentence).toMatch(/Both reach the main analysis' conclusion \(a benefit\)/);
  });

  it('every applicable specification (252 of 360) matches metafor: estimate, CI, k, effects and outliers removed', () => {
    const mv = o.multiverse!;
    expect(mv.total).toBe(360);
    expect(mv.estimated).toBe(fixture.multiverse.length);
    expect(mv.notApplicable.count + mv.notEstimable.count + mv.estimated).toBe(360);
    const ours = new Map(mv.specifications.map((s) => [s.choices.join('|'), s]));
    const seen = new Set<string>();
    for (const ref of fixture.multiverse as Array<{ choices: string[]; k: number; effects: number; outliers: number; estimate: number; ciLower: number; ciUpper: number }>) {
      const key = ref.choices.join('|');
      const s = ours.get(key);
      expect(s, key).toBeTruthy();
      expect([s!.k, s!.effects, s!.outliers], key).toEqual([ref.k, ref.effects, ref.outliers]);
      // DL is closed form; REML, PM and the multilevel models iterate
      const tol = ref.choices[0] === 'DL' && ref.choices[2].startsWith('aggregate') ? 1e-6 : 1e-5;
      for (const f of ['estimate', 'ciLower', 'ciUpper'] as const) expect(Math.abs(s![f] - ref[f]), `${key} ${f}`).toBeLessThan(tol);
      seen.add(`${ref.choices[0]}|${ref.choices[2]}`);
    }
    // the sample covers every estimator and every dependence option (REML-only models with REML)
    expect(seen.size).toBe(3 * 3 + 2);
    expect(fixture.multiverse.some((r: { outliers: number }) => r.outliers > 0)).toBe(true);
    expect(fixture.multiverse.some((r: { choices: string[] }) => r.choices[5] === 'follow-up')).toBe(true);
  });

  it('the main analysis is one of the specifications, and the sentence counts what was estimated', () => {
    const mv = o.multiverse!;
    const main = mv.specifications[mv.main!];
    expect(main.choices).toEqual(['REML', 'knha', 'aggregate-0.6', 'all', 'kept', 'post']);
    expect(main.estimate).toBe(o.result!.estimate);
    expect(mv.specifications.map((s) => s.estimate)).toEqual(mv.specifications.map((s) => s.estimate).sort((a, b) => a - b));
    expect(mv.sentence).toBe(multiverseSentence(mv));
    expect(mv.sentence).toMatch(/^\d+% of 252 specifications find a benefit; estimates range from −0\.\d\d to −0\.\d\d\.$/);
    expect(mv.notes.join(' ')).toMatch(/96 not applicable: the three-level model and CHE-RVE are fitted by REML only/);
  });
});

describe('combination logic', () => {
  it('the full grid is 3 × 2 × 5 × 3 × 2 × 2 = 360 distinct combinations, last dimension fastest', () => {
    const all = combinations();
    expect(all.length).toBe(360);
    expect(new Set(all.map((c) => c.join('|'))).size).toBe(360);
    expect(all[0]).toEqual(['REML', 'knha', 'aggregate-0.2', 'all', 'kept', 'post']);
    expect(all[1]).toEqual(['REML', 'knha', 'aggregate-0.2', 'all', 'kept', 'follow-up']);
    expect(combinations([{ id: 'a', label: 'A', options: [{ id: 'x', label: 'x' }, { id: 'y', label: 'y' }] }])).toEqual([['x'], ['y']]);
    expect(MULTIVERSE_DIMENSIONS.map((d) => d.options.length)).toEqual([3, 2, 5, 3, 2, 2]);
  });
  it('not applicable: multilevel / CHE-RVE with DL or PM (96), CHE-RVE with Wald (12); 252 remain', () => {
    const why = combinations().map(notApplicable);
    expect(why.filter((w) => w?.includes('REML only')).length).toBe(96);
    expect(why.filter((w) => w?.includes('CR2')).length).toBe(12);
    expect(why.filter((w) => w === null).length).toBe(252);
    expect(notApplicable(['REML', 'z', 'multilevel', 'all', 'kept', 'post'])).toBeNull();
    expect(notApplicable(['PM', 'z', 'aggregate-0.8', 'low', 'removed', 'follow-up'])).toBeNull();
  });
  it('an outlier is a unit whose 95% CI does not overlap the pooled CI', () => {
    expect(isOutlier(-2, 0.01, -0.6, -0.3)).toBe(true); // −2 ± 0.196 lies below
    expect(isOutlier(0.5, 0.01, -0.6, -0.3)).toBe(true);
    expect(isOutlier(-0.1, 0.01, -0.6, -0.3)).toBe(true); // from −0.296: just above −0.3
    expect(isOutlier(-0.11, 0.01, -0.6, -0.3)).toBe(false); // from −0.306: overlaps
    expect(isOutlier(0, 0.04, -0.6, -0.3)).toBe(false);
  });

  const study = (id: string, yi: number, rob?: 'low' | 'some' | 'high', extra: number[] = []): StudyEffects => ({ id, rob, effects: [{ yi, vi: 0.02 }, ...extra.map((y) => ({ yi: y, vi: 0.03 }))] });
  const post = [study('a', -0.5, 'low', [-0.4]), study('b', -0.3, 'high'), study('c', -0.6, 'some'), study('d', -0.45, 'low'), study('e', 1.5, 'some', [1.2])];
  const favours = (x: number) => x < 0;

  it('filters: low-only keeps 2 studies, no follow-up data makes every follow-up combination not estimable', () => {
    const mv = multiverse({ post, followUp: [], main: { method: 'REML', ci: 'knha', rho: 0.6 }, level: 0.95, favours });
    expect(mv.estimated + mv.notApplicable.count + mv.notEstimable.count).toBe(360);
    expect(mv.notEstimable.reasons).toEqual([{ reason: 'no study has follow-up data', count: 126 }]);
    expect(mv.estimated).toBe(126);
    const low = mv.specifications.filter((s) => s.choices[3] === 'low' && s.choices[4] === 'kept');
    expect(low.every((s) => s.k === 2)).toBe(true);
    const noHigh = mv.specifications.find((s) => s.choices.join('|') === 'DL|z|aggregate-0.6|no-high|kept|post')!;
    expect(noHigh.k).toBe(4);
    // the study at +1.5 is an outlier: removing it moves every estimate towards benefit
    const kept = mv.specifications.find((s) => s.choices.join('|') === 'DL|z|aggregate-0.6|all|kept|post')!;
    const removed = mv.specifications.find((s) => s.choices.join('|') === 'DL|z|aggregate-0.6|all|removed|post')!;
    expect(removed.outliers).toBeGreaterThanOrEqual(1);
    expect(removed.k).toBe(5 - removed.outliers);
    expect(removed.estimate).toBeLessThan(kept.estimate);
    expect(mv.benefit + mv.harm + mv.unclear).toBe(mv.estimated);
  });

  it('a single study left by a filter is not estimable, with the reason counted', () => {
    const two = [study('a', -0.5, 'low'), study('b', -0.3, 'high')];
    const mv = multiverse({ post: two, followUp: two, main: { method: 'DL', ci: 'z', rho: 0.6 }, level: 0.95, favours });
    expect(mv.notEstimable.reasons.find((r) => r.reason === 'fewer than 2 studies')!.count).toBe(2 * 84); // low-only and no-high, both time points
    expect(mv.main).not.toBeNull();
    expect(mv.specifications[mv.main!].choices).toEqual(['DL', 'z', 'aggregate-0.6', 'all', 'kept', 'post']);
  });
});

describe('the sentence', () => {
  it('percent finding a benefit and the range from the weakest to the strongest estimate', () => {
    expect(multiverseSentence({ estimated: 486, benefit: 423, harm: 0, weakest: -0.41, strongest: -0.72 })).toBe('87% of 486 specifications find a benefit; estimates range from −0.41 to −0.72.');
    expect(multiverseSentence({ estimated: 10, benefit: 6, harm: 1, weakest: 0.05, strongest: -0.5 })).toBe('60% of 10 specifications find a benefit and 10% harm; estimates range from 0.05 to −0.50.');
    expect(multiverseSentence({ estimated: 4, benefit: 0, harm: 0, weakest: 0.1, strongest: -0.1 })).toBe('0% of 4 specifications find a benefit; estimates range from 0.10 to −0.10.');
    expect(multiverseSentence({ estimated: 3, benefit: 0, harm: 3, weakest: 0.2, strongest: -0.1 })).toBe('100% of 3 specifications find harm; estimates range from 0.20 to −0.10.');
    expect(multiverseSentence({ estimated: 0, benefit: 0, harm: 0, weakest: null, strongest: null })).toBe('No specification could be estimated.');
  });
  it('weakest/strongest follow the outcome direction (higher is better: from the smallest positive)', () => {
    const s = (id: string, yi: number, vi = 0.01): StudyEffects => ({ id, effects: [{ yi, vi }] });
    const up = multiverse({ post: [s('a', 0.1), s('b', 0.9, 0.02), s('c', 0.4, 0.05)], followUp: [], main: { method: 'REML', ci: 'knha', rho: 0.6 }, level: 0.95, favours: (x) => x > 0 });
    expect(up.weakest!).toBeLessThan(up.strongest!);
    const down = multiverse({ post: [s('a', -0.1), s('b', -0.9, 0.02), s('c', -0.4, 0.05)], followUp: [], main: { method: 'REML', ci: 'knha', rho: 0.6 }, level: 0.95, favours: (x) => x < 0 });
    expect(down.weakest!).toBeGreaterThan(down.strongest!);
    expect(down.sentence).toContain(`range from ${displayed('estimate', down.weakest)} to ${displayed('estimate', down.strongest)}.`);
  });
  it('dependence sentence says when the conclusion depends on the handling', () => {
    const main = { model: 'aggregate' as const, rho: 0.6, k: 10, estimate: -0.3, ciLower: -0.5, ciUpper: -0.1, conclusion: 'benefit' as const };
    const m = (model: 'multilevel' | 'che-rve', lo: number, conclusion: 'benefit' | 'unclear') =>
      ({ model, label: model === 'multilevel' ? 'three-level model' : 'robust variance estimation (CHE-RVE)', estimate: -0.3, se: 0.1, ciLower: lo, ciUpper: conclusion === 'benefit' ? -0.05 : 0.05, df: 9, sigma2: [0.1, 0.01] as [number, number], conclusion });
    expect(dependenceSentence(main, [m('multilevel', -0.5, 'benefit'), m('che-rve', -0.6, 'unclear')], 14, 10, 3)).toMatch(/Only one of them reaches the main analysis' conclusion \(a benefit\): the result depends/);
    expect(dependenceSentence(main, [m('multilevel', -0.5, 'unclear'), m('che-rve', -0.6, 'unclear')], 14, 10, 3)).toMatch(/Neither reaches/);
    expect(dependenceSentence(main, [m('multilevel', -0.5, 'benefit'), m('che-rve', -0.6, 'benefit')], 10, 10, 0)).toMatch(/^Every study contributes one effect/);
  });
});

describe('longest follow-up', () => {
  const review = getReview('hcp-emental-health');
  it('recognises fuN, follow-up N, weeks and months; not post or unknown names', () => {
    expect(followUpOrder('fu1')).toBe(1);
    expect(followUpOrder('FU 2')).toBe(2);
    expect(followUpOrder('follow-up 3')).toBe(3);
    expect(followUpOrder('12 weeks')).toBe(12);
    expect(followUpOrder('6 months')).toBeCloseTo(26.1, 9);
    expect(followUpOrder('post')).toBeNull();
    expect(followUpOrder('later')).toBeNull();
    expect(followUpOrder(undefined)).toBeNull();
  });
  it("takes a study's latest follow-up whose rows enter; the post rows are not follow-ups", () => {
    const stress = review.outcomes.find((o) => o.id === 'stress')!;
    const c = stressCandidate(review, 's1', [{ yi: -0.4, vi: 0.04 }, { timepoint: 'fu1', yi: -0.3, vi: 0.05 }, { timepoint: 'fu2', yi: -0.2, vi: 0.05 }, { timepoint: 'fu3', instrument: 'not listed', yi: 9, vi: 0.05 }]);
    const r = longestFollowUpEffects(review, stress, c.extraction);
    expect(r.timepoint).toBe('fu2');
    expect(r.effects.map((e) => e.yi)).toEqual([-0.2]);
    expect(longestFollowUpEffects(review, stress, stressCandidate(review, 's2', [{ yi: -0.4, vi: 0.04 }]).extraction).effects).toEqual([]);
  });
  it('snapshot: only primary outcomes carry a multiverse; every pooled outcome carries the dependence sensitivity', () => {
    const cs = [1, 2, 3].map((i) => stressCandidate(review, `s${i}`, [{ yi: -0.2 * i, vi: 0.04 }, { timepoint: 'fu1', yi: -0.1 * i, vi: 0.05 }]));
    const snap = buildSnapshot(review, cs, NOW);
    for (const o of snap.outcomes) {
      if (o.k === 0) expect(o.multiverse ?? null).toBeNull();
      else if (o.primary) expect(o.multiverse!.estimated).toBeGreaterThan(0);
      else expect(o.multiverse).toBeNull();
    }
    const stress = snap.outcomes.find((o) => o.id === 'stress')!;
    expect(stress.dependenceSensitivity!.studiesWithSeveral).toBe(0);
    expect(stress.multiverse!.specifications.some((s) => s.choices[5] === 'follow-up')).toBe(stress.primary);
  });
});
