/**
 * Queue search over HTTP on DynamoDB Local: search, filters and near-duplicate groups over the
 * WHOLE queue of a status (not one page), paging by position, blinding kept through filters, bad
 * parameters → 400 naming the parameter with nothing stored changed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CurationStore } from '../../functions/adapters/curation-store.js';
import { DUAL_REVIEW, startHarness, type Harness } from './harness.js';

let h: Harness;
let alice: string;
let bob: string;
const rid = DUAL_REVIEW.id;
const N = 60;
const MINDFUL = new Set([2, 30, 58]);
/** Records 4 and 55: the same report twice (same title and year, a PMID and a DOI), far apart in the queue. */
const DUP_TITLE = 'Guided internet CBT for adolescents with low mood: a randomised controlled trial';
// ~20 KB per record: the status partition takes more than one 1 MB Query page to read.
const FILLER = 'Participants completed weekly modules and questionnaires. '.repeat(340);

beforeAll(async () => {
  h = await startHarness('qsearch');
  alice = await h.token('curator', 'alice');
  bob = await h.token('curator', 'bob');
  const seeds = Array.from({ length: N }, (_, i) =>
    h.seed({
      reviewId: rid,
      studyId: `q${String(i).padStart(2, '0')}`,
      title: i === 4 || i === 55 ? (i === 4 ? DUP_TITLE : `${DUP_TITLE.toUpperCase()}.`) : `Trial ${i} of a smartphone programme`,
      abstract: `${MINDFUL.has(i) ? 'A mindfulness course was compared with a waiting list. ' : ''}${FILLER}`,
      year: i === 4 || i === 55 ? 2022 : 2015 + (i % 5),
      sources: i % 7 === 0 ? ['ctgov'] : ['pubmed'],
      identifiers: i === 55 ? [{ type: 'doi', value: '10.1000/dup.55' }] : [{ type: 'pmid', value: String(900_000 + i) }],
      triage: { score: 99 - i, reasons: [] },
    }),
  );
  await Promise.all(seeds);
});
afterAll(async () => h?.close());

const search = async (query: string, token = alice) => {
  const r = await h.req('GET', `/api/reviews/${rid}/queue/search?${query}`, { token });
  expect(r.status, r.text).toBe(200);
  return r.json as { records: number; matchedCards: number; matchedRecords: number; position: number; next: string | null; truncated: boolean; cards: { members: { studyId: string; version: number }[] }[] };
};
const ids = (r: Awaited<ReturnType<typeof search>>) => r.cards.map((c) => c.members.map((m) => m.studyId).join('+'));

describe('queue search over the whole queue', () => {
  it('the store reads the whole status partition of the queue index, in queue order, over several Query pages', async () => {
    const store = new CurationStore(h.doc, h.table);
    const whole = await store.listWholeQueue(rid, 'screening');
    expect(whole.items).toHaveLength(N);
    expect(whole.queries).toBeGreaterThan(1);
    expect(whole.truncated).toBe(false);
    expect(whole.items.map((c) => c.studyId)).toEqual(Array.from({ length: N }, (_, i) => `q${String(i).padStart(2, '0')}`));
    const capped = await store.listWholeQueue(rid, 'screening', 7);
    expect(capped).toMatchObject({ truncated: true });
    expect(capped.items).toHaveLength(7);
    expect(await store.listWholeQueue(rid, 'extraction')).toMatchObject({ items: [], truncated: false });
  });

  it('a search finds records on every page of the queue, with the count, and pages through the matches', async () => {
    const p1 = await search('q=Mindfulness&view=all&limit=2');
    expect(p1).toMatchObject({ records: N, matchedCards: 3, matchedRecords: 3, position: 0, truncated: false });
    expect(ids(p1)).toEqual(['q02', 'q30']);
    expect(p1.next).toEqual(expect.any(String));
    const p2 = await search(`q=Mindfulness&view=all&limit=2&after=${encodeURIComponent(p1.next!)}`);
    expect(ids(p2)).toEqual(['q58']);
    expect(p2).toMatchObject({ position: 2, next: null, matchedCards: 3 });
    // the plain queue listing (one page of 25) holds only the first of them
    const listing = await h.req('GET', `/api/reviews/${rid}/queue?limit=25`, { token: alice });
    expect(listing.json.items.filter((c: { abstract: string }) => /mindfulness/i.test(c.abstract))).toHaveLength(1);
  });

  it('near-duplicates on different pages of the queue share one card, found by either record', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof search>> = await search(`view=all&limit=25${after ? `&after=${encodeURIComponent(after)}` : ''}`);
      expect(page.matchedCards).toBe(N - 1);
      expect(page.matchedRecords).toBe(N);
      seen.push(...ids(page));
      after = page.next;
    } while (after);
    expect(seen).toHaveLength(N - 1);
    expect(seen).toContain('q04+q55');
    expect(seen).not.toContain('q55');
    expect(ids(await search('q=10.1000/dup.55&view=all'))).toEqual(['q04+q55']);
    expect(ids(await search('year=2022&view=all'))).toEqual(['q04+q55']);
  });

  it('filters by source, year, label and my decision; deciding page 1 does not make page 2 skip records', async () => {
    expect(ids(await search('source=ctgov&view=all'))).toEqual(['q00', 'q07', 'q14', 'q21', 'q28', 'q35', 'q42', 'q49', 'q56']);
    expect((await search('year=2016&source=pubmed&view=all')).matchedCards).toBe(10); // 12 records of 2016 (1, 6, …, 56), two of them (21, 56) from ctgov
    const page1 = await search('limit=3');
    expect(ids(page1)).toEqual(['q00', 'q01', 'q02']);
    for (const c of page1.cards) {
      const m = c.members[0];
      const body = m.studyId === 'q01' ? { version: m.version, decision: 'maybe', labels: ['constructor'] } : { version: m.version, decision: 'include', labels: ['pilot'] };
      const r = await h.req('POST', `/api/reviews/${rid}/candidates/${m.studyId}/screen`, { token: alice, body });
      expect(r.status, r.text).toBe(200);
    }
    const page2 = await search(`limit=3&after=${encodeURIComponent(page1.next!)}`);
    expect(ids(page2)).toEqual(['q03', 'q04+q55', 'q05']);
    expect(page2.position).toBe(1); // the maybe stays in the to-do, before this page
    expect(ids(await search('view=included'))).toEqual(['q00', 'q02']);
    expect(ids(await search('view=maybe'))).toEqual(['q01']);
    expect((await search('view=undecided')).matchedRecords).toBe(N - 3);
    expect(ids(await search('label=CONSTRUCTOR&view=all'))).toEqual(['q01']);
    expect(ids(await search('label=toString&view=all'))).toEqual([]);
    expect(ids(await search('q=constructor&view=all'))).toEqual([]);
    expect(ids(await search('label=pilot&view=all'))).toEqual(['q00', 'q02']);
  });

  it("blinding holds through the filters: another screener's labels and votes are not searchable before I vote", async () => {
    expect(ids(await search('label=pilot&view=all', bob))).toEqual([]);
    expect(ids(await search('view=voted', bob))).toEqual([]);
    expect((await search('view=todo', bob)).matchedRecords).toBe(N);
  });
});

describe('the API describes it', () => {
  it('/api/openapi.json lists the search route with its query parameters', async () => {
    const doc = (await h.req('GET', '/api/openapi.json')).json;
    const op = doc.paths['/api/reviews/{reviewId}/queue/search'].get;
    expect(op.parameters.filter((p: { in: string }) => p.in === 'query').map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['status', 'q', 'label', 'source', 'year', 'view', 'after', 'limit']));
  });
});

describe('bad parameters', () => {
  it('answer 400 naming the parameter, on the API and on the page, and change nothing', async () => {
    const before = await h.dump();
    const cases: [string, string][] = [
      ['year=abc', 'year'],
      ['year=1850', 'year'],
      ['year=2020.5', 'year'],
      ['view=mine', 'view'],
      ['status=limbo', 'status'],
      ['source=scopus', 'source'],
      ['limit=0', 'limit'],
      ['limit=201', 'limit'],
      [`label=${encodeURIComponent('<script>')}`, 'label'],
      ['label=__proto__', 'label'],
      [`q=${'x'.repeat(201)}`, 'q'],
      [`after=${'9'.repeat(401)}`, 'after'],
    ];
    for (const [query, field] of cases) {
      const r = await h.req('GET', `/api/reviews/${rid}/queue/search?${query}`, { token: alice });
      expect(r.status, query).toBe(400);
      expect(r.json.fields.map((f: { path: string; in?: string }) => `${f.in}:${f.path}`), query).toContain(`query:${field}`);
      if (field === 'limit') continue; // the page has no limit parameter
      const page = await h.req('GET', `/curate/reviews/${rid}?${query}`, { token: alice });
      expect(page.status, query).toBe(400);
      expect(page.text, query).toContain(field);
      expect(page.text).toMatch(/^<!DOCTYPE html>/i);
    }
    expect((await h.req('GET', `/api/reviews/${rid}/queue/search`)).status).toBe(401);
    expect((await h.req('GET', `/api/reviews/no-such-review/queue/search`, { token: alice })).status).toBe(404);
    // empty parameters (what a GET form sends for an unused field) are absent, not errors
    expect((await h.req('GET', `/api/reviews/${rid}/queue/search?q=&label=&year=&source=&view=`, { token: alice })).status).toBe(200);
    expect(await h.dump()).toBe(before);
  });
});
