import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildSnapshot, shortTitle, TITLE_MAX } from './snapshot.js';
import { classifyChanges, reviewsToReanalyse } from './triggers.js';
import { getReview } from '../../reviews/index.js';
import { metapsyCandidates, stressCandidate } from '../../test/fixtures/builders.js';
import type { Candidate, OutcomeData } from '../evidence/candidate.js';
import type { Review } from '../reviews/index.js';

const ROOT = resolve(__dirname, '..', '..');
const fixture = JSON.parse(readFileSync(resolve(ROOT, 'test/fixtures/snapshot/metapsy-depression.json'), 'utf8'));
const NOW = new Date('2026-11-22T00:00:00Z');


describe('snapshot of the self-guided depression review agrees with metafor on the Metapsy CSV', () => {
  const base = getReview('selfguided-depression');
  const candidates = metapsyCandidates(base);
  for (const ref of fixture.fits as any[]) {
    it(`${ref.method} + ${ref.test}, effects of a study aggregated with rho = ${ref.rho}`, () => {
      const review: Review = { ...base, analysis: { ...base.analysis, method: ref.method, ci: ref.test, ...(ref.rho === 0.6 ? {} : { rho: ref.rho }) } };
      const snap = buildSnapshot(review, candidates, NOW);
      const o = snap.outcomes.find((x) => x.id === 'depression')!;
      expect(o.k).toBe(ref.k);
      const r = o.result!;
      const iterative = ref.method === 'REML' ? 1e-5 : 1e-6;
      for (const f of ['estimate', 'ciLower', 'ciUpper', 'tau2', 'i2', 'q', 'piLower', 'piUpper'] as const) {
        expect(Math.abs((r[f] as number) - ref[f]), f).toBeLessThan(f === 'i2' ? 100 * iterative : iterative);
      }
      expect(Math.abs(r.tau2CiLower! - ref.tau2CiLower)).toBeLessThan(1e-4);
      expect(Math.abs(r.tau2CiUpper! - ref.tau2CiUpper)).toBeLessThan(1e-4);
      // Weights per study (Metapsy `study` label is the metapsy identifier).
      const byLabel = new Map(candidates.map((c) => [c.studyId, c.identifiers.find((i) => i.type === 'metapsy')!.value]));
      for (const s of o.studies) expect(Math.abs(s.weight! - ref.weights[byLabel.get(s.id)!])).toBeLessThan(1e-5);
      // Negative = fewer depressive symptoms with the intervention.
      expect(o.direction).toBe('lower-is-better');
      expect(r.estimate!).toBeLessThan(0);
      expect(snap.attributions.join(' ')).toMatch(/10\.5281\/zenodo\.12705748/);
    });
  }
});

describe('issue 11 fields on the Metapsy data, against metafor (scripts/fixtures/snapshot.R)', () => {
  const base = getReview('selfguided-depression');
  const candidates = metapsyCandidates(base);
  const metapsyLabel = new Map(candidates.map((c) => [c.studyId, c.identifiers.find((i) => i.type === 'metapsy')!.value]));
  for (const ref of fixture.extras as any[]) {
    it(`${ref.method} + ${ref.test}: low-risk-only and meta-regression with studies lacking a moderator left out`, () => {
      const review: Review = { ...base, analysis: { ...base.analysis, method: ref.method, ci: ref.test } };
      const o = buildSnapshot(review, candidates, NOW).outcomes.find((x) => x.id === 'depression')!;
      const tol = ref.method === 'REML' ? 1e-5 : 1e-6;
      expect(o.lowRiskOnly!.k).toBe(ref.lowRiskOnly.k);
      for (const f of ['estimate', 'ciLower', 'ciUpper'] as const) expect(Math.abs(o.lowRiskOnly![f] - ref.lowRiskOnly[f]), f).toBeLessThan(tol);
      const mr = o.result!.metaRegression!;
      expect(mr.coefficients.map((c) => c.name)).toEqual(ref.metaRegression.names);
      mr.coefficients.forEach((c, i) => {
        expect(Math.abs(c.estimate! - ref.metaRegression.estimate[i]) / Math.max(1, Math.abs(ref.metaRegression.estimate[i])), c.name).toBeLessThan(tol);
        expect(Math.abs(c.se! - ref.metaRegression.se[i]) / Math.max(1, ref.metaRegression.se[i]), c.name).toBeLessThan(tol);
      });
      expect(Math.abs(mr.tau2! - ref.metaRegression.tau2)).toBeLessThan(tol);
      const info = o.metaRegressionInfo!;
      expect(info.kUsed).toBe(ref.metaRegression.k);
      expect(info.kLeftOut).toBe(ref.metaRegression.leftOut.length);
      expect(mr.excluded.map((id) => metapsyLabel.get(id)).sort()).toEqual([...ref.metaRegression.leftOut].sort());
      expect(info.note).toMatch(new RegExp(`${ref.metaRegression.k} of ${o.k} studies`));
    });
  }

  const snap = buildSnapshot(base, candidates, NOW);
  const dep = snap.outcomes.find((x) => x.id === 'depression')!;
  it('labels are unique within the review (Dahne 2019a / 2019b), in study-id order', () => {
    const labels = snap.studies.map((s) => s.label);
    expect(new Set(labels).size).toBe(labels.length);
    const dahne = snap.studies.filter((s) => s.label.startsWith('Dahne 2019')).sort((a, b) => (a.id < b.id ? -1 : 1));
    expect(dahne.map((s) => s.label)).toEqual(['Dahne 2019a', 'Dahne 2019b']);
    for (const row of dep.studies) expect(row.label).toBe(snap.studies.find((s) => s.id === row.id)!.label);
  });
  it('subgroup levels carry the review file labels', () => {
    for (const sg of dep.subgroups) {
      const mod = base.moderators.find((m) => m.id === sg.moderator)!;
      expect(mod.type).toBe('categorical');
      expect(sg.levels.map((l) => l.level)).toEqual(sg.result!.groups.map((g) => g.level));
      for (const l of sg.levels) expect(l.label).toBe((mod as { levels: { id: string; label: string }[] }).levels.find((x) => x.id === l.level)!.label);
    }
    expect(dep.subgroups.find((s) => s.moderator === 'targetGroup')!.levels.find((l) => l.level === 'adul')!.label).not.toBe('adul');
  });
  it('RoB summary: weight shares per domain sum to 100 and match the study rows', () => {
    expect(dep.robSummary!.map((r) => r.domain)).toEqual(['D1', 'D2', 'D3', 'D4', 'D5', 'overall']);
    for (const r of dep.robSummary!) expect(r.low + r.some + r.high + r.missing).toBeCloseTo(100, 9);
    const highOverall = dep.studies.filter((s) => s.rob?.overall === 'high').reduce((a, s) => a + s.weight!, 0);
    expect(dep.robSummary!.find((r) => r.domain === 'overall')!.high).toBeCloseTo(highOverall, 9);
    expect(snap.studies.find((s) => s.id === dep.studies[0].id)!.robDomains).toEqual(dep.studies[0].rob);
    expect(snap.studies.find((s) => s.id === dep.studies[0].id)!.outcomes).toContain('depression');
  });
  it('certainty, plain language, display rules and headline are filled from the data', () => {
    expect(dep.k).toBeGreaterThanOrEqual(10);
    expect(dep.display).toMatchObject({ predictionInterval: true, subgroupTests: true, smallStudyTests: true, tau2UpperAtLimit: false });
    expect(dep.certainty!.status).toBe('proposed');
    expect(dep.certainty!.domains.map((d) => d.domain)).toEqual(['risk-of-bias', 'inconsistency', 'imprecision', 'publication-bias', 'indirectness']);
    expect(dep.plainLanguage!.direction).toBe('benefit');
    expect(dep.plainLanguage!.translation).toMatch(/PHQ-9/);
    expect(snap.headline).toMatchObject({ outcomeId: 'depression', sentence: dep.plainLanguage!.sentence, certainty: dep.certainty!.rating, estimate: dep.result!.estimate, previousEstimate: null });
    const next = buildSnapshot(base, candidates.slice(0, -3), NOW, snap);
    expect(next.headline!.previousEstimate).toBe(dep.result!.estimate);
    expect(snap.sources).toEqual([]);
  });
  it('the certainty reasons quote the intervals as the summary table shows them (depression: lower is better, negative = benefit)', () => {
    const r = dep.result!;
    const two = (x: number) => x.toFixed(2).replace(/^-/, '−');
    const reasons = dep.certainty!.domains.map((d) => d.reason).join(' ');
    // The table prints the SMD, its CI and the prediction interval as computed; the reasons must not
    // quote them with the sign turned (the benefit direction the rules read).
    expect(reasons).toContain(`the 95% CI runs from ${two(r.ciLower!)} to ${two(r.ciUpper!)}`);
    expect(reasons).toContain(`the prediction interval runs from ${two(r.piLower!)} to ${two(r.piUpper!)}`);
    expect(r.piLower!).toBeLessThan(0);
  });
  it('the low-risk-only sentence prints its numbers as the cards do (true minus sign, two decimals)', () => {
    const lr = dep.lowRiskOnly!;
    const two = (x: number) => x.toFixed(2).replace(/^-/, '−');
    expect(lr.note).toContain(`restricted to them the pooled SMD is ${two(lr.estimate)} [${two(lr.ciLower)}, ${two(lr.ciUpper)}] against ${two(dep.result!.estimate!)}`);
    expect(lr.note).not.toMatch(/-\d/);
  });
});

describe('small k: nothing shown as a finding below the rules; τ² bound at the search limit flagged', () => {
  const review = getReview('hcp-emental-health');
  it('k = 2: no PI, subgroup test or small-study test as findings; notes say why', () => {
    const cs = [cand('s1', [{ yi: -0.9, vi: 0.01 }]), cand('s2', [{ yi: 0.8, vi: 0.01 }])];
    const o = buildSnapshot(review, cs, NOW).outcomes.find((x) => x.id === 'stress')!;
    expect(o.result!.piLower).not.toBeNull();
    expect(o.display.predictionInterval).toBe(false);
    expect(o.display.subgroupTests).toBe(false);
    expect(o.display.smallStudyTests).toBe(false);
    expect(o.display.notes.join(' ')).toMatch(/prediction interval is not shown/);
  });
  it('an upper τ² bound equal to the Q-profile search limit is flagged', async () => {
    const { tau2UpperAtLimit } = await import('./reading.js');
    const cs = [cand('s1', [{ yi: -1, vi: 0.001 }]), cand('s2', [{ yi: 1, vi: 0.001 }])];
    const r = buildSnapshot(review, cs, NOW).outcomes.find((x) => x.id === 'stress')!;
    expect(r.result!.tau2CiUpper).toBe(100);
    expect(r.display.tau2UpperAtLimit).toBe(true);
    expect(r.display.notes.join(' ')).toMatch(/> 100/);
    expect(tau2UpperAtLimit({ tau2: 0.2, tau2CiUpper: 1.7 })).toBe(false);
    expect(tau2UpperAtLimit({ tau2: 30, tau2CiUpper: 300 })).toBe(true);
  });
});

const review = getReview('hcp-emental-health');
const stress = review.outcomes.find((o) => o.id === 'stress')!;

const cand = (id: string, rows: Partial<OutcomeData>[], extra: Partial<Candidate> = {}) => stressCandidate(review, id, rows, extra);

describe('snapshot rules', () => {
  it('a review without accepted trials has no pooled numbers, only its baseline', () => {
    const snap = buildSnapshot(review, [cand('s1', [{ yi: -0.3, vi: 0.05 }], { status: 'screening' })], NOW);
    const o = snap.outcomes.find((x) => x.id === 'stress')!;
    expect(o.k).toBe(0);
    expect(o.result).toBeNull();
    expect(o.baseline.length).toBeGreaterThan(0);
    // The review file's note on its baseline travels with the snapshot, for the page to show.
    expect(review.baselineNote).toBeTruthy();
    expect(snap.baselineNote).toBe(review.baselineNote);
    expect(snap.counts.screening).toBe(1);
  });

  it('retracted and non-accepted studies leave the analysis; retraction is listed', () => {
    const cs = [
      cand('s1', [{ yi: -0.5, vi: 0.04 }]),
      cand('s2', [{ yi: -0.2, vi: 0.05 }]),
      cand('s3', [{ yi: 3, vi: 0.05 }], { retracted: true, retractionNotice: 'Retraction in J Foo 2026' }),
      cand('s4', [{ yi: 3, vi: 0.05 }], { status: 'withdrawn' }),
    ];
    const snap = buildSnapshot(review, cs, NOW);
    const o = snap.outcomes.find((x) => x.id === 'stress')!;
    expect(o.studies.map((s) => s.id).sort()).toEqual(['s1', 's2']);
    expect(snap.excluded).toEqual([expect.objectContaining({ id: 's3', reason: expect.stringMatching(/^retracted/) })]);
  });

  it('a retracted study carries its notice and the version that first left it out, kept in later versions', () => {
    const cs = (retract: boolean) => [
      cand('s1', [{ yi: -0.5, vi: 0.04 }]),
      cand('s2', [{ yi: -0.2, vi: 0.05 }]),
      cand('s3', [{ yi: -0.3, vi: 0.05 }], retract ? { retracted: true, retractionNotice: 'Retraction in J Foo 2026' } : {}),
    ];
    const v1 = buildSnapshot(review, cs(false), new Date('2026-11-01T09:00:00Z'));
    expect(v1.studies.find((s) => s.id === 's3')!.retraction).toBeUndefined();
    const v2 = buildSnapshot(review, cs(true), new Date('2026-11-02T09:00:00Z'), v1);
    const v3 = buildSnapshot(review, [...cs(true), cand('s4', [{ yi: -0.1, vi: 0.05 }])], new Date('2026-11-03T09:00:00Z'), v2);
    expect(v2.studies.find((s) => s.id === 's3')!.retraction).toEqual({ notice: 'Retraction in J Foo 2026', version: v2.version, at: v2.generatedAt });
    expect(v3.version).toBe(3);
    expect(v3.studies.find((s) => s.id === 's3')!.retraction).toEqual({ notice: 'Retraction in J Foo 2026', version: 2, at: '2026-11-02T09:00:00.000Z' });
    // After a version written before the field (retracted, no retraction record): the version is not known.
    const old = structuredClone(v2);
    delete old.studies.find((s) => s.id === 's3')!.retraction;
    expect(buildSnapshot(review, cs(true), new Date('2026-11-04T09:00:00Z'), old).studies.find((s) => s.id === 's3')!.retraction).toEqual({ notice: 'Retraction in J Foo 2026', version: null, at: null });
    // Every study carries its title.
    expect(v3.studies.map((s) => s.title)).toEqual([...cs(true), cand('s4', [])].map((c) => c.title));
  });

  it('an instrument running opposite to its outcome is flipped; several rows of one study are combined (aggregate, rho = 0.6)', () => {
    const o = review.outcomes.find((x) => x.instruments.some((i) => i.direction !== x.direction));
    expect(o, 'the hcp review has an outcome with an opposite instrument (e.g. MBI personal accomplishment)').toBeTruthy();
    const same = o!.instruments.find((i) => i.direction === o!.direction)!;
    const opposite = o!.instruments.find((i) => i.direction !== o!.direction)!;
    const c = cand('s1', []);
    c.extraction!.outcomes = [
      { outcome: o!.id, timepoint: 'post', instrument: same.name, yi: -0.4, vi: 0.04 },
      { outcome: o!.id, timepoint: 'post', instrument: opposite.name, yi: 0.2, vi: 0.06 },
      { outcome: o!.id, timepoint: 'fu1', instrument: same.name, yi: 5, vi: 0.06 },
    ];
    const snap = buildSnapshot(review, [c], NOW);
    const row = snap.outcomes.find((x) => x.id === o!.id)!.studies[0];
    // GLS mean under V = [[v1, ρ√(v1 v2)], [ρ√(v1 v2), v2]] with ρ = 0.6: w = V⁻¹1, yi = w'y / 1'w, vi = 1 / 1'w
    const [v1, v2, cov] = [0.04, 0.06, 0.6 * Math.sqrt(0.04 * 0.06)];
    const det = v1 * v2 - cov * cov;
    const w = [(v2 - cov) / det, (v1 - cov) / det];
    expect(row.yi).toBeCloseTo((w[0] * -0.4 + w[1] * -0.2) / (w[0] + w[1]), 12);
    expect(row.vi).toBeCloseTo(1 / (w[0] + w[1]), 12);
    expect(row.yi).not.toBeCloseTo((-0.4 + -0.2) / 2, 3);
    const r02 = buildSnapshot({ ...review, analysis: { ...review.analysis, rho: 0.2 } }, [c], NOW).outcomes.find((x) => x.id === o!.id)!.studies[0];
    expect(r02.vi).toBeLessThan(row.vi);
    expect(row.flipped).toBe(true);
    expect(row.rows).toBe(2);
  });

  it('k = 1 gives an estimate without heterogeneity', () => {
    const snap = buildSnapshot(review, [cand('s1', [{ n1: 30, m1: 10, sd1: 4, n2: 30, m2: 12, sd2: 4 }])], NOW);
    const r = snap.outcomes.find((x) => x.id === 'stress')!.result!;
    expect(r.k).toBe(1);
    expect(r.tau2).toBeNull();
    expect(r.i2).toBeNull();
    expect(r.estimate).toBeLessThan(0);
  });

  it('the changelog says what moved and the version counts up', () => {
    const first = buildSnapshot(review, [cand('s1', [{ yi: -0.5, vi: 0.04 }])], NOW);
    const second = buildSnapshot(review, [cand('s1', [{ yi: -0.5, vi: 0.04 }]), cand('s2', [{ yi: -0.1, vi: 0.04 }])], new Date('2026-11-23T00:00:00Z'), first);
    expect(second.version).toBe(first.version + 1);
    expect(second.revision).toBe(second.version);
    expect(second.changes[0]).toMatchObject({ version: 2, at: '2026-11-23T00:00:00.000Z' });
    expect(second.changes[0].text).toMatch(/^1 study added \(Authors2 2022\); Stress SMD −0\.50 → −0\.30/);
    expect(second.changes[1]).toMatchObject({ version: 1 });
  });
});

describe('which changes trigger reanalysis', () => {
  const accepted = cand('s1', [{ yi: -0.5, vi: 0.04 }]);
  it('acceptance, withdrawal, retraction and data edits do; unrelated items do not', () => {
    expect(reviewsToReanalyse([{ oldImage: { ...accepted, status: 'extraction' }, newImage: accepted }])).toEqual([review.id]);
    expect(reviewsToReanalyse([{ oldImage: accepted, newImage: { ...accepted, status: 'withdrawn' } }])).toEqual([review.id]);
    expect(reviewsToReanalyse([{ oldImage: accepted, newImage: { ...accepted, retracted: true } }])).toEqual([review.id]);
    expect(reviewsToReanalyse([{ oldImage: { entity: 'Event', reviewId: 'x' }, newImage: null }])).toEqual([]);
    expect(reviewsToReanalyse([{ oldImage: accepted, newImage: { ...accepted, updatedAt: 'later', version: 2 } }])).toEqual([]);
  });
  it('screening moves only the counts; analysis inputs are told apart from titles and notes', () => {
    const screening = { ...accepted, status: 'screening' };
    expect(classifyChanges([{ oldImage: screening, newImage: { ...screening, status: 'fulltext' } }])).toEqual({ analysis: [], counts: [review.id] });
    expect(classifyChanges([{ oldImage: null, newImage: screening }])).toEqual({ analysis: [], counts: [review.id] });
    expect(classifyChanges([{ oldImage: accepted, newImage: { ...accepted, title: 'Renamed by a poll' } }])).toEqual({ analysis: [], counts: [] });
    const noted = { ...accepted, extraction: { ...accepted.extraction!, notes: 'checked twice' } };
    expect(classifyChanges([{ oldImage: accepted, newImage: noted }])).toEqual({ analysis: [], counts: [] });
    const rob = { ...accepted, extraction: { ...accepted.extraction!, rob: { tool: 'rob2' as const, domains: {}, overall: 'high' as const } } };
    expect(classifyChanges([{ oldImage: accepted, newImage: rob }])).toEqual({ analysis: [review.id], counts: [] });
  });
});

describe('verdict of a pooled result, in the outcome direction', () => {
  const wb = review.outcomes.find((o) => o.direction === 'higher-is-better')!;
  it('reads the sign by the outcome and refuses to call a CI that spans 0', async () => {
    const { verdictOf } = await import('./snapshot.js');
    expect(verdictOf(review, 'stress', { estimate: -0.5, ciLower: -0.8, ciUpper: -0.2 })).toBe('favours-intervention');
    expect(verdictOf(review, 'stress', { estimate: 0.5, ciLower: 0.2, ciUpper: 0.8 })).toBe('favours-control');
    expect(verdictOf(review, wb.id, { estimate: 0.5, ciLower: 0.2, ciUpper: 0.8 })).toBe('favours-intervention');
    expect(verdictOf(review, 'stress', { estimate: -0.1, ciLower: -0.4, ciUpper: 0.2 })).toBe('no-clear-difference');
    expect(verdictOf(review, 'stress', null)).toBeNull();
  });
});

describe('study titles in the snapshot', () => {
  it('a title over the limit is cut at a word boundary, not mid-word, and ends in one ellipsis', () => {
    const words = 'Feasibility and enhancement of an online intervention to improve emotion regulation in people with elevated depressive symptoms.';
    const long = `${'Author, A. B., '.repeat(12)}The MARIGOLD study: ${words} J Affect Disord, 257, 352-364.`;
    expect(long.length).toBeGreaterThan(TITLE_MAX);
    const t = shortTitle(long);
    expect([...t].length).toBeLessThanOrEqual(TITLE_MAX);
    expect(t.endsWith('…')).toBe(true);
    const body = t.slice(0, -1);
    // The text before the ellipsis is whole words of the original.
    expect(long.startsWith(body)).toBe(true);
    expect(long[body.length]).toMatch(/[\s,.;:]/);
    expect(body).not.toMatch(/[\s,]$/);
  });
  it('titles within the limit are kept as they are; one overlong word is cut; astral characters are not split', () => {
    expect(shortTitle('A short title.')).toBe('A short title.');
    const exact = 'x'.repeat(TITLE_MAX);
    expect(shortTitle(exact)).toBe(exact);
    const word = 'y'.repeat(TITLE_MAX + 5);
    expect(shortTitle(word)).toBe(`${'y'.repeat(TITLE_MAX - 1)}…`);
    const emoji = `${'😀'.repeat(TITLE_MAX)} tail`;
    const e = shortTitle(emoji);
    expect([...e].length).toBe(TITLE_MAX);
    expect(e.includes('\uFFFD')).toBe(false);
    expect([...e].slice(0, -1).every((ch) => ch === '😀')).toBe(true);
  });
});
