/** Search, filters and near-duplicate grouping over a WHOLE queue, paged by queue position (pure). */
import { describe, expect, it } from 'vitest';
import { ALL_REVIEWS } from '../../reviews/index.js';
import { curatedCandidate } from '../../test/fixtures/builders.js';
import { applyCommand, type Actor, type CuratedCandidate } from './workflow.js';
import { matchesFilter, queueOrderKey, searchQueue, searchWords } from './queue-view.js';

const review = ALL_REVIEWS.find((r) => r.id === 'selfguided-depression')!;
const alice: Actor = { id: 'alice', role: 'curator' };
const now = new Date('2026-12-02T08:00:00Z');

/** Record i of a queue: triage score falls with i, so queue order is i order. */
const rec = (i: number, over: Partial<CuratedCandidate> = {}): CuratedCandidate =>
  curatedCandidate(review.id, {
    studyId: `r${String(i).padStart(3, '0')}`,
    title: `Trial number ${i} of an app`,
    year: 2020,
    identifiers: [{ type: 'pmid', value: String(1000 + i) }],
    triage: { score: 100 - i / 10, reasons: [] },
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...over,
  });

const ids = (r: ReturnType<typeof searchQueue>) => r.cards.map((g) => g.members.map((m) => m.studyId));
const vote = (c: CuratedCandidate, decision: 'include' | 'exclude' | 'maybe') =>
  applyCommand(c, { type: 'screen', decision, ...(decision === 'exclude' ? { reason: review.exclusionReasons[0].id } : {}) }, alice, review, now).candidate;

describe('searchQueue over the whole queue', () => {
  it('finds matches anywhere in an 800-record queue, counts them, and pages through them by position', () => {
    const hits = new Set([3, 250, 251, 520, 799]);
    const queue = Array.from({ length: 800 }, (_, i) => rec(i, hits.has(i) ? { abstract: 'Participants used a Mindfulness programme.' } : {}));
    // Input order does not matter: the queue order is the index's.
    const shuffled = [...queue].reverse();
    const p1 = searchQueue(shuffled, { q: 'mindfulness', view: 'all' }, 'alice', { limit: 2 });
    expect(p1).toMatchObject({ records: 800, matchedCards: 5, matchedRecords: 5, position: 0 });
    expect(ids(p1)).toEqual([['r003'], ['r250']]);
    const p2 = searchQueue(shuffled, { q: 'mindfulness', view: 'all' }, 'alice', { limit: 2, after: p1.next });
    expect(ids(p2)).toEqual([['r251'], ['r520']]);
    expect(p2.position).toBe(2);
    const p3 = searchQueue(shuffled, { q: 'mindfulness', view: 'all' }, 'alice', { limit: 2, after: p2.next });
    expect(ids(p3)).toEqual([['r799']]);
    expect(p3.next).toBeUndefined();
    // nothing after the end
    expect(searchQueue(shuffled, { q: 'mindfulness', view: 'all' }, 'alice', { limit: 2, after: queueOrderKey(queue[799]) }).cards).toEqual([]);
  });

  it('searches title, abstract, author, journal, year, record id and identifiers; all words must occur', () => {
    const q = [rec(0, { firstAuthor: 'Øberg', journal: 'JMIR' }), rec(1, { identifiers: [{ type: 'doi', value: '10.2196/ABC' }] }), rec(2)];
    const find = (text: string) => ids(searchQueue(q, { q: text, view: 'all' }, 'alice', { limit: 10 })).flat();
    expect(find('oberg jmir')).toEqual(['r000']);
    expect(find('10.2196/abc')).toEqual(['r001']);
    expect(find('r002')).toEqual(['r002']);
    expect(find('1002 trial')).toEqual(['r002']);
    expect(find('trial nonexistent')).toEqual([]);
  });

  it('groups near-duplicates that sit far apart in the queue on one card, and a card matches when any of its records does', () => {
    const queue = Array.from({ length: 60 }, (_, i) => rec(i));
    queue[5] = rec(5, { title: 'Self-guided CBT app for depression: a randomised trial', year: 2023, identifiers: [{ type: 'pmid', value: '555' }] });
    queue[57] = rec(57, { title: 'Self guided CBT app for depression — a randomised trial.', year: 2023, identifiers: [{ type: 'doi', value: '10.1/dup' }], sources: ['europepmc'] });
    const all = searchQueue(queue, { view: 'all' }, 'alice', { limit: 100 });
    expect(all.matchedCards).toBe(59);
    expect(all.matchedRecords).toBe(60);
    expect(all.cards.find((g) => g.members.length > 1)!.members.map((m) => m.studyId)).toEqual(['r005', 'r057']);
    // found by the second record's identifier or source: the whole card comes
    expect(ids(searchQueue(queue, { q: '10.1/dup', view: 'all' }, 'alice', { limit: 10 }))).toEqual([['r005', 'r057']]);
    expect(ids(searchQueue(queue, { source: 'europepmc', view: 'all' }, 'alice', { limit: 10 }))).toEqual([['r005', 'r057']]);
    // not grouped when told not to (statuses other than screening)
    expect(searchQueue(queue, { view: 'all' }, 'alice', { limit: 100, group: false }).matchedCards).toBe(60);
  });

  it('filters by source, year and my decision: to-do, undecided, maybe, voted, included, excluded', () => {
    const q = [rec(0), rec(1, { year: 2019 }), rec(2, { sources: ['ctgov'] }), rec(3), rec(4)];
    q[0] = vote(q[0], 'include');
    q[3] = vote(q[3], 'exclude');
    q[4] = vote(q[4], 'maybe');
    const f = (filter: Parameters<typeof searchQueue>[1]) => ids(searchQueue(q, filter, 'alice', { limit: 10 })).flat();
    expect(f({ view: 'todo' })).toEqual(['r001', 'r002', 'r004']);
    expect(f({ view: 'undecided' })).toEqual(['r001', 'r002']);
    expect(f({ view: 'maybe' })).toEqual(['r004']);
    expect(f({ view: 'voted' })).toEqual(['r000', 'r003']);
    expect(f({ view: 'included' })).toEqual(['r000']);
    expect(f({ view: 'excluded' })).toEqual(['r003']);
    expect(f({ view: 'all', year: 2019 })).toEqual(['r001']);
    expect(f({ view: 'all', source: 'ctgov' })).toEqual(['r002']);
    expect(f({ view: 'todo', source: 'pubmed', year: 2020 })).toEqual(['r004']);
    // someone else's view of the same queue: nothing voted
    expect(ids(searchQueue(q, { view: 'voted' }, 'bob', { limit: 10 }))).toEqual([]);
    expect(searchQueue(q, { view: 'todo' }, 'alice', { limit: 10 }).voted).toBe(2);
  });

  it('paging by position: deciding the cards of page 1 does not make page 2 skip records', () => {
    let q = Array.from({ length: 10 }, (_, i) => rec(i));
    const p1 = searchQueue(q, { view: 'todo' }, 'alice', { limit: 3 });
    expect(ids(p1).flat()).toEqual(['r000', 'r001', 'r002']);
    q = q.map((c, i) => (i < 3 ? vote(c, i === 1 ? 'maybe' : 'include') : c));
    const p2 = searchQueue(q, { view: 'todo' }, 'alice', { limit: 3, after: p1.next });
    expect(ids(p2).flat()).toEqual(['r003', 'r004', 'r005']);
    expect(p2.position).toBe(1); // the maybe (r001) is still in the to-do, before this page
    expect(p2.matchedCards).toBe(8);
  });

  it('names of object members are data, never keys: "constructor", "__proto__", "toString" in titles, labels and searches', () => {
    const labelled = applyCommand(rec(0), { type: 'screen', decision: 'maybe', labels: ['constructor', 'toString'] }, alice, review, now).candidate;
    const q = [
      labelled,
      rec(1, { title: '__proto__', year: 2021, identifiers: [{ type: 'pmid', value: '1' }] }),
      rec(2, { title: '__proto__', year: 2021, identifiers: [{ type: 'pmid', value: '2' }] }),
      rec(3, { title: 'constructor', year: 2020 }),
      rec(4, { title: 'Constructor', year: 2021 }),
      rec(5, { title: 'hasOwnProperty valueOf' }),
    ];
    const f = (filter: Parameters<typeof searchQueue>[1]) => ids(searchQueue(q, filter, 'alice', { limit: 10 }));
    expect(f({ view: 'all', label: 'constructor' })).toEqual([['r000']]);
    expect(f({ view: 'all', label: 'TOSTRING' })).toEqual([['r000']]);
    expect(f({ view: 'all', label: '__proto__' })).toEqual([]);
    expect(f({ view: 'all', label: 'valueOf' })).toEqual([]);
    expect(f({ view: 'all', q: '__proto__' })).toEqual([['r001', 'r002']]); // same title and year, different PMIDs: one card
    expect(f({ view: 'all', q: 'constructor' })).toEqual([['r003'], ['r004']]); // different years: two cards
    expect(f({ view: 'all', q: 'hasownproperty' })).toEqual([['r005']]);
    expect(f({ view: 'all', q: 'prototype' })).toEqual([]);
    expect(searchWords('  __proto__   Constructor ')).toEqual(['__proto__', 'constructor']);
    expect(Object.prototype).not.toHaveProperty('r001');
    expect(matchesFilter(rec(9), { view: 'all', q: 'toString' }, 'alice')).toBe(false);
  });
});
