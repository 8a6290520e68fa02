/** Screening at keyboard speed, the pure parts: maybe, labels, who resolves, blinding of maybe, batches, keywords, queue views, near-duplicates. */
import { describe, expect, it } from 'vitest';
import { ALL_REVIEWS } from '../../reviews/index.js';
import { curatedCandidate } from '../../test/fixtures/builders.js';
import { ReviewSchema } from '../reviews/schema.js';
import { applyCommand, type Actor, type CuratedCandidate } from './workflow.js';
import { blindCandidate, blindEvents } from './blinding.js';
import { planBatch } from './batch.js';
import { compileTerms, highlight, termsHit } from './keywords.js';
import { labelsInUse, normaliseLabels, parseLabelText } from './labels.js';
import { groupNearDuplicates, matchesFilter, myMaybe, myVote } from './queue-view.js';
import { CurationError } from './errors.js';

const review = ALL_REVIEWS.find((r) => r.id === 'selfguided-depression')!;
const single = { ...review, screening: { ...review.screening, dual: false } };
const alice: Actor = { id: 'alice', role: 'curator' };
const bob: Actor = { id: 'bob', role: 'curator' };
const lee: Actor = { id: 'lee', role: 'lead' };
const now = new Date('2026-12-02T08:00:00Z');
const cand = (over: Partial<CuratedCandidate> = {}) => curatedCandidate(review.id, over);

describe('maybe', () => {
  it('is not a vote: the status stays, my to-do keeps the record, marked maybe; a vote replaces it', () => {
    for (const r of [review, single]) {
      const t = applyCommand(cand(), { type: 'screen', decision: 'maybe', note: 'check the control arm', labels: ['ask Anna'] }, alice, r, now);
      expect(t.candidate.status).toBe('screening');
      expect(t.candidate.screening!['title-abstract']!.decisions).toEqual([]);
      expect(myMaybe(t.candidate, 'alice')).toMatchObject({ note: 'check the control arm', labels: ['ask Anna'] });
      expect(myVote(t.candidate, 'alice')).toBeUndefined();
      expect(matchesFilter(t.candidate, { view: 'todo' }, 'alice')).toBe(true);
      expect(matchesFilter(t.candidate, { view: 'maybe' }, 'alice')).toBe(true);
      expect(t.event.after).toMatchObject({ decision: 'maybe', status: 'screening' });
      const voted = applyCommand(t.candidate, { type: 'screen', decision: 'include' }, alice, r, now).candidate;
      expect(myMaybe(voted, 'alice')).toBeUndefined();
      expect(voted.status).toBe(r.screening.dual ? 'screening' : 'fulltext');
    }
  });
  it('two maybes never make a decision, and maybe after my vote is refused', () => {
    const a = applyCommand(cand(), { type: 'screen', decision: 'maybe' }, alice, review, now).candidate;
    const ab = applyCommand(a, { type: 'screen', decision: 'maybe' }, bob, review, now).candidate;
    expect(ab.status).toBe('screening');
    expect(ab.screening!['title-abstract']!.maybe).toHaveLength(2);
    const voted = applyCommand(cand(), { type: 'screen', decision: 'include' }, alice, review, now).candidate;
    expect(() => applyCommand(voted, { type: 'screen', decision: 'maybe' }, alice, review, now)).toThrow(/undo your vote first/);
    expect(() => applyCommand(cand(), { type: 'screen', decision: 'maybe', reason: 'not-rct' }, alice, review, now)).toThrow(/only allowed when decision is "exclude"|only given with "exclude"/);
  });
  it('undo takes my maybe back', () => {
    const a = applyCommand(cand(), { type: 'screen', decision: 'maybe' }, alice, review, now).candidate;
    const u = applyCommand(a, { type: 'undo-screen' }, alice, review, now);
    expect(myMaybe(u.candidate, 'alice')).toBeUndefined();
    expect(u.event.before).toMatchObject({ decision: 'maybe' });
  });
  it("another screener's maybe is hidden from me until I vote (blinding)", () => {
    const a = applyCommand(cand(), { type: 'screen', decision: 'maybe', note: 'leaning exclude' }, alice, review, now);
    const seenByBob = blindCandidate(a.candidate, bob, review);
    expect(seenByBob.screening!['title-abstract']!.maybe).toBeUndefined();
    expect(JSON.stringify(seenByBob)).not.toContain('leaning exclude');
    const ev = blindEvents(a.candidate, [{ ...a.event, type: 'screened' }], bob, review);
    expect(JSON.stringify(ev)).not.toContain('leaning exclude');
    expect(blindCandidate(a.candidate, alice, review).screening!['title-abstract']!.maybe).toHaveLength(1);
  });
});

describe('labels', () => {
  it('are trimmed, de-duplicated case-insensitively, and refused with the field named when bad', () => {
    expect(normaliseLabels([' pilot ', 'Pilot', 'ask  Anna'])).toEqual(['pilot', 'ask Anna']);
    expect(parseLabelText('pilot, ask Anna ,, ')).toEqual(['pilot', 'ask Anna']);
    const bad = (l: string[]) => {
      try {
        normaliseLabels(l);
      } catch (e) {
        return (e as CurationError).fields[0].path;
      }
      return 'accepted';
    };
    expect(bad(['ok', '  '])).toBe('labels[1]');
    expect(bad(['<script>'])).toBe('labels[0]');
    expect(bad(['x'.repeat(41)])).toBe('labels[0]');
    expect(bad(Array.from({ length: 11 }, (_, i) => `l${i}`))).toBe('labels');
    expect(bad(['__proto__'])).toBe('labels[0]'); // starts with "_": not a label
    expect(bad(['toString', 'constructor'])).toBe('accepted'); // data, never a key
  });
  it('go on the decision, are offered for reuse and filter the queue', () => {
    const a = applyCommand(cand({ studyId: 'a' }), { type: 'screen', decision: 'include', labels: ['check full text'] }, alice, review, now).candidate;
    const b = applyCommand(cand({ studyId: 'b' }), { type: 'screen', decision: 'maybe', labels: ['Pilot', 'toString'] }, alice, review, now).candidate;
    expect(a.screening!['title-abstract']!.decisions[0].labels).toEqual(['check full text']);
    expect(labelsInUse([a, b, cand()])).toEqual(['check full text', 'Pilot', 'toString']);
    expect([a, b].filter((c) => matchesFilter(c, { view: 'all', label: 'pilot' }, 'alice')).map((c) => c.studyId)).toEqual(['b']);
    expect([a, b].filter((c) => matchesFilter(c, { view: 'voted' }, 'alice')).map((c) => c.studyId)).toEqual(['a']);
  });
});

describe('who resolves a conflict', () => {
  const conflict = () => {
    const a = applyCommand(cand(), { type: 'screen', decision: 'include' }, lee, review, now).candidate;
    return applyCommand(a, { type: 'screen', decision: 'exclude', reason: 'not-rct' }, bob, review, now).candidate;
  };
  it('by default not a lead who voted on the record: another lead does', () => {
    const c = conflict();
    expect(c.status).toBe('conflict');
    expect(() => applyCommand(c, { type: 'resolve', decision: 'include' }, lee, review, now)).toThrow(/another lead or a curator/);
    expect(applyCommand(c, { type: 'resolve', decision: 'include' }, { id: 'lou', role: 'lead' }, review, now).candidate.status).toBe('fulltext');
  });
  it('when the review allows it, the lead who voted may resolve', () => {
    const allowing = { ...review, screening: { ...review.screening, leadMayResolveOwnVote: true } };
    expect(applyCommand(conflict(), { type: 'resolve', decision: 'exclude', reason: 'not-rct' }, lee, allowing, now).candidate.status).toBe('excluded');
  });
});

describe('batch', () => {
  it('plans one transition and event per record, all or none', () => {
    const cs = [cand({ studyId: 'a' }), cand({ studyId: 'b', version: 3 })];
    const items = [
      { studyId: 'a', version: 1 },
      { studyId: 'b', version: 3 },
    ];
    const ts = planBatch(items, cs, { type: 'screen', decision: 'exclude', reason: 'not-rct' }, alice, single, now);
    expect(ts.map((t) => [t.candidate.studyId, t.candidate.status, t.event.type])).toEqual([
      ['a', 'excluded', 'screened'],
      ['b', 'excluded', 'screened'],
    ]);
    const fail = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return [(e as CurationError).code, (e as CurationError).fields[0]?.path];
      }
      return 'ok';
    };
    expect(fail(() => planBatch([items[0], items[0]], [cs[0], cs[0]], { type: 'screen', decision: 'exclude', reason: 'not-rct' }, alice, single, now))).toEqual(['invalid', 'items[1].studyId']);
    expect(fail(() => planBatch(items, [cs[0], undefined], { type: 'screen', decision: 'exclude', reason: 'not-rct' }, alice, single, now))).toEqual(['not-found', 'items[1].studyId']);
    expect(fail(() => planBatch([items[0], { studyId: 'b', version: 2 }], cs, { type: 'screen', decision: 'exclude', reason: 'not-rct' }, alice, single, now))).toEqual(['state', 'items[1].version']);
    expect(fail(() => planBatch(items, [cs[0], { ...cs[1], status: 'accepted' }], { type: 'screen', decision: 'exclude', reason: 'not-rct' }, alice, single, now))).toEqual(['state', 'items[1]']);
    expect(fail(() => planBatch(items, cs, { type: 'screen', decision: 'exclude' }, alice, single, now))).toEqual(['invalid', 'reason']);
    expect(fail(() => planBatch([], [], { type: 'screen', decision: 'exclude', reason: 'not-rct' }, alice, single, now))).toEqual(['invalid', 'items']);
  });
});

describe('keyword highlighting', () => {
  it("marks the review's terms, longer overlapping terms first, and gives the text back unchanged", () => {
    const c = compileTerms({ include: ['randomi*', 'self-guided', 'waiting list'], exclude: ['guided', 'non-randomi*'] });
    const text = 'A non-randomised study of a Self-guided app versus a waiting  list; randomized, guided, unguidedness.';
    const segs = highlight(text, c);
    expect(segs.map((s) => s.text).join('')).toBe(text);
    expect(segs.filter((s) => s.kind).map((s) => `${s.kind}:${s.text}`)).toEqual(['exclude:non-randomised', 'include:Self-guided', 'include:waiting  list', 'include:randomized', 'exclude:guided']);
    expect(termsHit(segs)).toEqual({ include: ['self-guided', 'waiting list', 'randomi*'], exclude: ['non-randomi*', 'guided'] });
    expect(highlight('plain', compileTerms(undefined))).toEqual([{ text: 'plain' }]);
    expect(highlight('a (b) [c] $d', compileTerms({ include: ['(b)', '$d'], exclude: [] })).length).toBeGreaterThan(0);
  });
  it('every seed review has include and exclude terms, none in both lists', () => {
    for (const r of ALL_REVIEWS) {
      expect(r.screening.keywords?.include.length, r.id).toBeGreaterThan(0);
      expect(r.screening.keywords?.exclude.length, r.id).toBeGreaterThan(0);
    }
    const clash = ReviewSchema.safeParse({ ...review, screening: { dual: true, keywords: { include: ['App'], exclude: ['app'] } } });
    expect(clash.success).toBe(false);
    expect(clash.error!.issues.map((i) => i.path.join('.'))).toContain('screening.keywords.exclude.0');
  });
});

describe('queue views', () => {
  it('search: all words, case- and accent-insensitive, over title, abstract, author, journal, identifiers', () => {
    const c = cand({ title: 'Thérapie app for Depression', abstract: 'randomised', firstAuthor: 'Müller', identifiers: [{ type: 'pmid', value: '123' }] });
    expect(matchesFilter(c, { q: 'therapie DEPRESSION', view: 'all' }, 'x')).toBe(true);
    expect(matchesFilter(c, { q: 'muller 123', view: 'all' }, 'x')).toBe(true);
    expect(matchesFilter(c, { q: 'therapie anxiety', view: 'all' }, 'x')).toBe(false);
  });
  it('near-duplicates: same normalised title and year, no shared identifier → one card', () => {
    const a = cand({ studyId: 'a', title: 'An App for Depression: an RCT', year: 2024, identifiers: [{ type: 'pmid', value: '1' }] });
    const b = cand({ studyId: 'b', title: 'An app for depression — an RCT.', year: 2024, identifiers: [{ type: 'doi', value: '10.1/x' }] });
    const otherYear = cand({ studyId: 'c', title: 'An app for depression: an RCT', year: 2023 });
    const sameId = cand({ studyId: 'd', title: 'An app for depression: an RCT', year: 2024, identifiers: [{ type: 'pmid', value: '1' }] });
    const untitled = [cand({ studyId: 'e', title: '…', year: 2024 }), cand({ studyId: 'f', title: '!!', year: 2024 })];
    const groups = groupNearDuplicates([a, otherYear, b, sameId, ...untitled]);
    expect(groups.map((g) => g.members.map((m) => m.studyId))).toEqual([['a', 'b'], ['c'], ['d'], ['e'], ['f']]);
  });
});
