import { describe, expect, it } from 'vitest';
import { analysesEntered, describeEntries, notPooledReason, timepointMatches } from './entry.js';
import { buildSnapshot } from './snapshot.js';
import { getReview } from '../../reviews/index.js';
import { rowsExtraction, storedCandidate } from '../../test/fixtures/builders.js';
import type { Candidate, OutcomeData } from '../evidence/candidate.js';
import type { Review } from '../reviews/index.js';

const NOW = new Date('2026-11-22T00:00:00Z');
const base = getReview('selfguided-depression');
const dep = base.outcomes.find((o) => o.id === 'depression')!;
const PHQ = dep.instruments[0].name;
/** The review without time-point aliases: only "post" itself is analysed. */
const strict: Review = { ...base, outcomes: base.outcomes.map((o) => ({ ...o, timepoint: { rule: o.timepoint.rule, preferred: o.timepoint.preferred } })) };
const withAlias: Review = { ...base, outcomes: base.outcomes.map((o) => ({ ...o, timepoint: { ...o.timepoint, aliases: ['post-test'] } })) };

const row = (r: Partial<OutcomeData>): OutcomeData => ({ outcome: 'depression', timepoint: 'post', instrument: PHQ, yi: -0.4, vi: 0.04, ...r }) as OutcomeData;
const arm = { n1: 40, m1: 10, sd1: 5, n2: 40, m2: 13, sd2: 5 };

const cand = (id: string, rows: OutcomeData[], extra: Partial<Candidate> = {}): Candidate =>
  storedCandidate(base.id, id, { firstAuthor: `Author-${id}`, year: 2022, sources: ['manual'], extraction: rowsExtraction(rows), ...extra });

const entry = (r: Review, rows: unknown[], id = 'depression') => analysesEntered(r, { outcomes: rows as OutcomeData[] }).find((e) => e.outcomeId === id)!;

describe('analysesEntered: which analyses an extraction enters, and why not', () => {
  it('one entry per outcome of the review, in the review order', () => {
    const es = analysesEntered(base, { outcomes: [row({})] });
    expect(es.map((e) => e.outcomeId)).toEqual(base.outcomes.map((o) => o.id));
    expect(es[0]).toEqual({ outcomeId: 'depression', label: dep.label, timepoint: 'post', enters: true, rows: 1 });
    expect(es.slice(1).every((e) => !e.enters && e.reason === 'no data')).toBe(true);
    expect(describeEntries(es)).toBe(`${dep.label}, post: yes; ${base.outcomes.slice(1).map((o) => `${o.label}: no data`).join('; ')}`);
  });

  it('a time point the review does not list is named with the one it analyses', () => {
    const e = entry(strict, [row({ timepoint: 'post-test' })]);
    expect(e.enters).toBe(false);
    expect(e.reason).toBe('time point "post-test" is not the one the review analyses ("post")');
  });

  it('an alias the review lists enters, in any case and with spaces or dashes; nothing else is guessed', () => {
    for (const t of ['post-test', 'Post Test', 'POSTTEST', ' post_test ']) expect(entry(withAlias, [row({ timepoint: t })]).enters, t).toBe(true);
    for (const t of ['post-treatment', 'posttest1', 'fu1', 'pre']) expect(entry(withAlias, [row({ timepoint: t })]).enters, t).toBe(false);
    expect(entry(withAlias, [row({ timepoint: 'fu1' })]).reason).toMatch(/"fu1" is not the one the review analyses \("post", also written "post-test"\)/);
    expect(timepointMatches(dep, 'POST')).toBe(true);
    expect(timepointMatches(dep, 42)).toBe(false);
  });

  it('an instrument the review does not list waits for a lead', () => {
    const e = entry(base, [row({ instrument: 'My Own Mood Scale' })]);
    expect(e.enters).toBe(false);
    expect(e.reason).toBe(`instrument "My Own Mood Scale" not in the review's list for ${dep.label} (a lead maps it)`);
    // an alias of a listed instrument is listed
    const alias = dep.instruments.find((i) => i.aliases?.length)!;
    expect(entry(base, [row({ instrument: alias.aliases![0] })]).enters).toBe(true);
  });

  it('no arm data and no yi/vi: the missing fields are named', () => {
    const e = entry(base, [{ outcome: 'depression', timepoint: 'post', instrument: PHQ, n1: 40, m1: 10, n2: 40 }]);
    expect(e.enters).toBe(false);
    expect(e.reason).toBe('no arm data (missing sd1, m2, sd2) and no yi/vi');
  });

  it('complete arm data or yi/vi enter; unusable arm data falls back to yi/vi', () => {
    expect(entry(base, [{ outcome: 'depression', timepoint: 'post', instrument: PHQ, ...arm }]).enters).toBe(true);
    expect(entry(base, [{ outcome: 'depression', timepoint: 'post', instrument: PHQ, ...arm, sd1: 0, yi: -0.2, vi: 0.05 }]).enters).toBe(true);
    expect(entry(base, [{ outcome: 'depression', timepoint: 'post', instrument: PHQ, ...arm, sd1: 0 }]).reason).toMatch(/arm data not usable/);
    expect(entry(base, [row({ vi: 0 })]).enters).toBe(false);
  });

  it('malformed stored drafts never throw', () => {
    for (const ex of [null, undefined, {}, { outcomes: 'abc' }, { outcomes: [null, 3, 'x'] }, { outcomes: [{ outcome: 'depression', timepoint: { toString: 1 } }] }]) {
      const es = analysesEntered(base, ex as never);
      expect(es.every((e) => !e.enters)).toBe(true);
    }
  });

  it('notPooledReason: null when something enters; otherwise the telling reasons', () => {
    expect(notPooledReason(analysesEntered(base, { outcomes: [row({})] }))).toBeNull();
    expect(notPooledReason(analysesEntered(base, { outcomes: [] }))).toBe('no data for any outcome of the review');
    expect(notPooledReason(analysesEntered(strict, { outcomes: [row({ timepoint: 'post-test' })] }))).toBe(
      `enters no analysis: ${dep.label}: time point "post-test" is not the one the review analyses ("post")`,
    );
  });
});

describe('snapshot: accepted means pooled, or says why', () => {
  it('an accepted trial typed "post-test" is listed under "Accepted but not pooled" with the reason, and k does not count it', () => {
    const snap = buildSnapshot(strict, [cand('a', [row({})]), cand('b', [row({ timepoint: 'post-test', yi: -0.9 })])], NOW);
    const o = snap.outcomes.find((x) => x.id === 'depression')!;
    expect(o.k).toBe(1);
    expect(snap.excluded).toEqual([{ id: 'b', label: 'Author-b 2022', reason: expect.stringContaining('time point "post-test" is not the one the review analyses') }]);
  });

  it('where the review lists "post-test" as its spelling of post, the same trial is pooled and not listed', () => {
    const snap = buildSnapshot(withAlias, [cand('a', [row({})]), cand('b', [row({ timepoint: 'post-test', yi: -0.9 })])], NOW);
    expect(snap.outcomes.find((x) => x.id === 'depression')!.k).toBe(2);
    expect(snap.excluded).toEqual([]);
  });

  it('an unlisted instrument is neither pooled nor silent', () => {
    const snap = buildSnapshot(base, [cand('a', [row({ instrument: 'Home-made scale' })])], NOW);
    expect(snap.outcomes.find((x) => x.id === 'depression')!.k).toBe(0);
    expect(snap.excluded[0].reason).toMatch(/instrument "Home-made scale" not in the review's list/);
  });

  it('a trial pooled in one outcome is not listed even when it misses another', () => {
    const snap = buildSnapshot(base, [cand('a', [row({}), row({ outcome: 'qol', timepoint: 'fu1' })])], NOW);
    expect(snap.excluded).toEqual([]);
  });
});
