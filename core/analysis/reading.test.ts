import { describe, expect, it } from 'vitest';
import { getReview } from '../../reviews/index.js';
import { displayRules, evidenceMap, levelLabels, metaRegressionInfo, metaRegressionPlan, robSummary, uniqueLabels } from './reading.js';
import type { AnalysisResult } from '../meta/index.js';

describe('unique study labels', () => {
  it('suffixes only shared labels, in study-id order, whatever the input order; names like __proto__ are data', () => {
    const m = uniqueLabels([
      { id: 'z', label: 'Dahne 2019' },
      { id: 'a', label: 'Dahne 2019' },
      { id: 'k', label: 'Kumar 2026' },
      { id: '__proto__', label: 'toString' },
    ]);
    expect(m.get('a')).toBe('Dahne 2019a');
    expect(m.get('z')).toBe('Dahne 2019b');
    expect(m.get('k')).toBe('Kumar 2026');
    expect(m.get('__proto__')).toBe('toString');
  });
  it('goes on after z with aa, ab …', () => {
    const m = uniqueLabels(Array.from({ length: 28 }, (_, i) => ({ id: `s${String(i).padStart(2, '0')}`, label: 'X 2020' })));
    expect([m.get('s00'), m.get('s25'), m.get('s26'), m.get('s27')]).toEqual(['X 2020a', 'X 2020z', 'X 2020aa', 'X 2020ab']);
  });
});

describe('evidence map of the China scoping review', () => {
  const review = getReview('china-internet-map');
  const studies: { year?: number; moderators: Record<string, string | number> }[] = [
    { year: 2019, moderators: { region: 'east', population: 'students', disorder: 'depression', interventionType: 'cbt' } },
    { year: 2019, moderators: { region: 'east', population: 'students', disorder: 'depression', interventionType: 'mindfulness' } },
    { year: 2021, moderators: { region: 'north', population: 'older-adults', disorder: 'anxiety', interventionType: 'cbt' } },
    { moderators: { region: 'somewhere-new' } },
  ];
  const map = evidenceMap(review, studies)!;
  it('counts studies per dimension with the review file labels, in its level order, and says what is not reported', () => {
    expect(map.dimensions.map((d) => d.id)).toEqual(['year', 'region', 'population', 'disorder', 'interventionType']);
    expect(map.dimensions[0].counts).toEqual([
      { level: '2019', label: '2019', studies: 2 },
      { level: '2021', label: '2021', studies: 1 },
      { level: 'not-reported', label: 'Not reported', studies: 1 },
    ]);
    const region = map.dimensions.find((d) => d.id === 'region')!;
    const regionMod = review.moderators.find((m) => m.id === 'region') as { levels: { id: string; label: string }[] };
    expect(region.counts.slice(0, regionMod.levels.length).map((c) => [c.level, c.label])).toEqual(regionMod.levels.map((l) => [l.id, l.label]));
    expect(region.counts.find((c) => c.level === 'east')!.studies).toBe(2);
    expect(region.counts.find((c) => c.level === 'somewhere-new')).toEqual({ level: 'somewhere-new', label: 'somewhere-new', studies: 1 });
  });
  it('cross-tabulates disorder × intervention type', () => {
    const c = map.cross!;
    expect([c.rows, c.cols]).toEqual(['disorder', 'interventionType']);
    const r = c.rowLabels.findIndex((l) => l.level === 'depression');
    const col = (id: string) => c.colLabels.findIndex((l) => l.level === id);
    expect(c.cells[r][col('cbt')]).toBe(1);
    expect(c.cells[r][col('mindfulness')]).toBe(1);
    expect(c.cells.flat().reduce((a, b) => a + b, 0)).toBe(3);
  });
  it('no map in the review → null; level labels fall back to the code', () => {
    const { map: _m, ...noMap } = getReview('selfguided-depression');
    expect(evidenceMap(noMap as never, studies)).toBeNull();
    expect(levelLabels(review, 'region', ['east', 'zz'])).toEqual([{ level: 'east', label: (review.moderators.find((m) => m.id === 'region') as { levels: { id: string; label: string }[] }).levels[0].label }, { level: 'zz', label: 'zz' }]);
  });
});

describe('meta-regression coverage', () => {
  const review = getReview('selfguided-depression');
  const rows: { id: string; label: string; moderators: Record<string, string | number> }[] = [
    { id: 'a', label: 'A 2020', moderators: { year: 2020, meanAge: 30 } },
    { id: 'b', label: 'B 2021', moderators: { year: 2021 } },
    { id: 'c', label: 'C 2022', moderators: { year: 2022, meanAge: '40' } },
  ];
  it('a study without a number for a moderator is left out (a text value is not a number)', () => {
    const plan = metaRegressionPlan(review, rows);
    expect(plan.moderators).toEqual(['year', 'meanAge']);
    expect(plan.kUsed).toBe(1);
    expect(plan.moderatorsOf(rows[2])).toEqual({ year: 2022 });
    const info = metaRegressionInfo(review, plan, rows, null)!;
    expect(info).toMatchObject({ kUsed: 1, kLeftOut: 2, leftOut: ['B 2021', 'C 2022'] });
    expect(info.note).toMatch(/Not run: only 1 of 3 studies/);
  });
});

describe('RoB summary and display rules', () => {
  it('weights per judgement, missing where a study has no RoB', () => {
    const s = robSummary([
      { weight: 60, rob: { D1: 'low', overall: 'low' } },
      { weight: 30, rob: { D1: 'high', overall: 'some' } },
      { weight: 10 },
    ])!;
    expect(s[0]).toMatchObject({ domain: 'D1', low: 60, some: 0, high: 30, missing: 10 });
    expect(s[1]).toMatchObject({ domain: 'D2', low: 0, missing: 100 });
    expect(s[5]).toMatchObject({ domain: 'overall', low: 60, some: 30, missing: 10 });
    expect(robSummary([{ weight: 50 }])).toBeNull();
  });
  it.each([
    [2, false, false, false],
    [3, true, false, false],
    [9, true, false, false],
    [10, true, true, true],
  ])('k = %i: PI %s, subgroup test %s, small-study tests %s', (k, pi, sg, ss) => {
    const r = { k, piLower: -1, piUpper: 1, tau2: 0.1, tau2CiUpper: 1, egger: k >= 3 ? { pValue: 0.5 } : null } as unknown as AnalysisResult;
    const d = displayRules(r, 2);
    expect([d.predictionInterval, d.subgroupTests, d.smallStudyTests]).toEqual([pi, sg, ss]);
    expect(d.notes.length > 0).toBe(!(pi && sg && ss));
  });
});
