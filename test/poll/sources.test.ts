/**
 * The third and fourth sources end to end: fake Europe PMC and fake ISRCTN servers (real HTTP, in
 * their formats, with their faults) → pollers → DynamoDB Local; preprint ↔ publication ↔
 * registration linking across all four sources.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { candidateKey, eventPartition } from '../../core/data-model/keys.js';
import type { Candidate } from '../../core/evidence/candidate.js';
import { dropTestTable } from '../../functions/adapters/dynamo/testing.js';
import { fakePreprint, startFakeEuropePmc } from '../fakes/europepmc.js';
import { fullTrialXml, startFakeIsrctn, type FakeTrial } from '../fakes/isrctn.js';
import { generateArticles, startFakePubmed } from '../fakes/pubmed.js';
import { fakeStudy, startFakeCtgov } from '../fakes/ctgov.js';
import { FAST_RETRY, freshTable, poll, REVIEW, scanAll } from './helpers.js';

const tables: string[] = [];
afterAll(async () => {
  for (const t of tables) await dropTestTable(t);
});
async function table() {
  const t = await freshTable('src');
  tables.push(t.table);
  return t;
}
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const candidates = async (doc: Awaited<ReturnType<typeof table>>['doc'], t: string) => (await scanAll(doc, t)).filter((i) => i.entity === 'Candidate') as Candidate[];
async function events(doc: Awaited<ReturnType<typeof table>>['doc'], t: string, studyId: string) {
  return ((await doc.send(new QueryCommand({ TableName: t, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': eventPartition(REVIEW.id, studyId) } }))).Items ?? []) as Record<string, unknown>[];
}

describe('Europe PMC preprints', () => {
  it('pages by cursorMark through faults, quarantines a malformed result, checkpoints, and a re-poll writes nothing new', async () => {
    const preprints = Array.from({ length: 23 }, (_, i) =>
      fakePreprint({ id: `PPR${700100 + i}`, title: `A self-guided app for depressive symptoms in adults: randomised trial number ${i + 1} of the series`, doi: `10.1101/2025.01.${String(i + 10).padStart(2, '0')}.2530000${i}`, firstIndexDate: day(-10 + (i % 5)), server: i % 2 ? 'PsyArXiv' : 'medRxiv' }),
    );
    const bad = { ...fakePreprint({ id: 'PPR700999', title: 'x', firstIndexDate: day(-3) }), title: '' };
    // A journal article in Europe PMC (SRC:MED): PubMed's job, not asked for by the preprint query.
    const med = fakePreprint({ id: '38000001', source: 'MED', pmid: '38000001', title: 'A journal article found through PubMed already', firstIndexDate: day(-3) });
    const ep = await startFakeEuropePmc({
      results: [...preprints, bad, med],
      faults: [{ kind: '429', times: 2 }, { kind: '500', times: 1 }, { kind: 'truncate', times: 1, after: 1 }, { kind: '503', times: 1, after: 2 }],
    });
    const { table: t, doc } = await table();
    try {
      const r = await poll({ doc, table: t, europepmc: { retry: FAST_RETRY, rate: 10, pageSize: 10 } }, { europepmc: ep.url });
      expect(r.failures).toEqual([]);
      expect(ep.faults).toHaveLength(0);
      expect({ fetched: r.fetched, new: r.new, quarantined: r.quarantined }).toEqual({ fetched: 24, new: 23, quarantined: 1 });
      const searches = ep.requests.filter((q) => q.path.endsWith('/search') && q.status === 200);
      expect(searches[0].params.get('cursorMark')).toBe('*');
      expect(searches[0].params.get('query')).toMatch(/SRC:PPR AND FIRST_IDATE:\[2020-01-01 TO \d{4}-\d{2}-\d{2}\]$/);
      expect(searches.every((q) => q.params.get('format') === 'json' && q.params.get('resultType') === 'core')).toBe(true);
      // Three pages of 10 (24 hits), then the empty page that ends the list.
      expect(new Set(searches.map((q) => q.params.get('cursorMark'))).size).toBe(4);
      const items = await scanAll(doc, t);
      const q = items.filter((i) => i.entity === 'Quarantine');
      expect(q).toHaveLength(1);
      expect(String(q[0].reason)).toMatch(/title/);
      const c = (await candidates(doc, t)).find((x) => x.studyId === 'PPR700101')!;
      expect(c.preprint).toBe(true);
      expect(c.journal).toBe('PsyArXiv');
      expect(c.triage.reasons.join(' ')).toMatch(/preprint: not peer-reviewed/);
      expect(c.identifiers).toEqual(expect.arrayContaining([{ type: 'ppr', value: 'PPR700101' }]));
      const cp = items.find((i) => i.entity === 'Checkpoint' && i.source === 'europepmc') as { indexedThrough?: string };
      expect(cp.indexedThrough).toBe(day(0));

      ep.reset();
      const again = await poll({ doc, table: t, europepmc: { rate: 10, pageSize: 10 } }, { europepmc: ep.url });
      expect(again.new + again.updated).toBe(0);
      // The second cycle starts at the checkpoint minus the overlap (3 days), not at the backfill.
      expect(ep.requests[0].params.get('query')).toContain(`(FIRST_IDATE:[${day(-3)} TO ${day(0)}] OR INDEX_DATE:[${day(-3)} TO ${day(0)}])`);
    } finally {
      await ep.close();
    }
  }, 300_000);

  it('a preprint later published is one study: the main record moves to the publication, the history keeps the preprint', async () => {
    const [article] = generateArticles({ count: 1, seed: 31 });
    article.dataBanks = undefined;
    article.title = 'Self-guided smartphone app for depressive symptoms in university students: a randomized controlled trial';
    article.authors = [{ last: 'Lindqvist', fore: 'Anna', initials: 'A' }];
    // Europe PMC states the relation on the preprint ("Preprint in" the PubMed article).
    const stated = fakePreprint({ id: 'PPR800001', title: 'An app for low mood in students: preprint of a randomised trial', doi: '10.31234/osf.io/abcd1', firstIndexDate: day(-20), server: 'PsyArXiv', comments: [{ type: 'Preprint in', id: article.pmid, source: 'MED' }] });
    // No stated relation: same title and first author as a second article (and another year).
    const [article2] = generateArticles({ count: 1, seed: 32, firstPmid: 39_500_000 });
    article2.dataBanks = undefined;
    article2.title = 'Online mindfulness course for nurses with burnout: a randomised controlled trial in four hospitals';
    article2.authors = [{ last: 'Müller', fore: 'Eirini', initials: 'E' }];
    const unstated = fakePreprint({ id: 'PPR800002', title: article2.title, authors: [{ first: 'Eirini', last: 'Muller' }], firstIndexDate: day(-30), firstPublicationDate: '2023-11-02', server: 'Research Square' });

    const ep = await startFakeEuropePmc({ results: [stated, unstated] });
    const pm = await startFakePubmed({ corpus: [article, article2] });
    const { table: t, doc } = await table();
    try {
      const a = await poll({ doc, table: t }, { europepmc: ep.url });
      expect(a.new).toBe(2);
      const before = await candidates(doc, t);
      expect(before.map((c) => c.preprint)).toEqual([true, true]);
      const b = await poll({ doc, table: t }, { pubmed: pm.url });
      expect(b.new).toBe(2);
      expect(b.candidates).toBe(2); // each article joined its preprint's study

      const c1 = (await doc.send(new GetCommand({ TableName: t, Key: candidateKey(REVIEW.id, 'PPR800001') }))).Item as Candidate;
      expect(c1.sources).toEqual(['europepmc', 'pubmed']);
      expect(c1.title).toBe(article.title); // the publication is the main record now
      expect(c1.primaryRecord).toEqual({ source: 'pubmed', sourceId: article.pmid });
      expect(c1.preprint).toBeUndefined();
      const refs = c1.records as { source: string; sourceId: string; kind: string; linkedBy?: string }[];
      expect(refs.map((r) => `${r.source}:${r.kind}`).sort()).toEqual(['europepmc:preprint', 'pubmed:publication']);
      expect(refs.find((r) => r.source === 'pubmed')?.linkedBy).toMatch(new RegExp(`pmid ${article.pmid}`));
      const ev1 = await events(doc, t, 'PPR800001');
      const moved = ev1.find((e) => e.type === 'primary-changed')!;
      expect(moved.before).toMatchObject({ source: 'europepmc', sourceId: 'PPR800001', kind: 'preprint', preprint: true, title: stated.title });
      expect(moved.after).toMatchObject({ source: 'pubmed', sourceId: article.pmid, kind: 'publication' });

      const c2 = (await doc.send(new GetCommand({ TableName: t, Key: candidateKey(REVIEW.id, 'PPR800002') }))).Item as Candidate;
      expect(c2.sources).toEqual(['europepmc', 'pubmed']);
      expect(c2.preprint).toBeUndefined();
      const linked = (c2.records as { source: string; linkedBy?: string }[]).find((r) => r.source === 'pubmed');
      expect(linked?.linkedBy).toMatch(/same title and first author \(muller\)/);
    } finally {
      await ep.close();
      await pm.close();
    }
  }, 300_000);
});

describe('Europe PMC retractions', () => {
  it('an accepted preprint retracted months later (re-indexed today) is marked retracted and flagged to the leads', async () => {
    const pre = fakePreprint({ id: 'PPR810001', title: 'A self-guided app for depression in adults: a randomised trial (preprint)', firstIndexDate: '2024-06-01' });
    const ep = await startFakeEuropePmc({ results: [pre] });
    const { table: t, doc } = await table();
    try {
      await poll({ doc, table: t, backfillFrom: '2024-05-01' }, { europepmc: ep.url });
      const key = candidateKey(REVIEW.id, 'PPR810001');
      const got = (await doc.send(new GetCommand({ TableName: t, Key: key }))).Item as Candidate;
      const { candidateItem } = await import('../../core/data-model/items.js');
      const { PutCommand } = await import('@aws-sdk/lib-dynamodb');
      await doc.send(new PutCommand({ TableName: t, Item: candidateItem({ ...got, status: 'accepted', version: got.version + 1, extraction: { arms: [], moderators: {}, outcomes: [{ outcome: 'depression', timepoint: 'post', instrument: 'PHQ-9', n1: 50, m1: 8, sd1: 4, n2: 50, m2: 10, sd2: 4 }] } }) }));
      // Europe PMC adds a retraction link; the record is re-indexed today (first indexed long ago).
      ep.upsert(fakePreprint({ id: 'PPR810001', title: pre.title as string, firstIndexDate: '2024-06-01', revised: day(0), comments: [{ type: 'Retraction in', id: '40100001', source: 'MED', reference: 'medRxiv retraction notice' }] }));
      const r = await poll({ doc, table: t }, { europepmc: ep.url });
      expect(r.updated).toBe(1);
      const after = (await doc.send(new GetCommand({ TableName: t, Key: key }))).Item as Candidate;
      expect(after).toMatchObject({ retracted: true, status: 'accepted', retractionNotice: 'Europe PMC PPR810001: Retracted: medRxiv retraction notice, PMID 40100001' });
      const ev = (await events(doc, t, 'PPR810001')).find((e) => e.type === 'retracted');
      expect(ev?.flaggedTo).toBe('leads');
    } finally {
      await ep.close();
    }
  }, 300_000);
});

describe('ISRCTN registry', () => {
  it('polls by last-edited date through faults, quarantines a malformed trial, and links a trial to its CT.gov twin and its PubMed paper', async () => {
    const nct = 'NCT05111222';
    const [article] = generateArticles({ count: 1, seed: 41 });
    article.dataBanks = undefined; // the paper does not name its registration: ISRCTN does
    const trials: FakeTrial[] = [
      { isrctn: '11223344', title: 'Self-guided app for depression in UK adults', lastEdited: day(-6), nct, publicationDetails: `2025 results in https://pubmed.ncbi.nlm.nih.gov/${article.pmid}/ (added 01/03/2025)` },
      ...Array.from({ length: 11 }, (_, i) => ({ isrctn: String(20000000 + i), title: `Internet CBT for low mood, trial ${i + 1}`, lastEdited: day(-5 + (i % 3)), outputs: i === 0 ? [{ url: 'https://doi.org/10.2196/55555' }] : [] })),
      { isrctn: '99999999', title: 'broken', lastEdited: day(-2), rawXml: fullTrialXml({ isrctn: '99999999', title: 'broken', lastEdited: day(-2) }).replace(/<isrctn [^>]*>\d+<\/isrctn>/, '') },
    ];
    const is = await startFakeIsrctn({ trials, faults: [{ kind: '429', times: 1 }, { kind: '503', times: 1 }, { kind: 'truncate', times: 1, after: 1 }, { kind: 'error-200', times: 1, after: 1 }] });
    const ct = await startFakeCtgov({ studies: [fakeStudy({ nctId: nct, lastUpdate: day(-4) })] });
    const pm = await startFakePubmed({ corpus: [article] });
    const { table: t, doc } = await table();
    try {
      const r = await poll({ doc, table: t, isrctn: { rate: 10, pageSize: 5, retry: FAST_RETRY } }, { isrctn: is.url });
      expect(r.failures).toEqual([]);
      expect(is.faults).toHaveLength(0);
      expect({ fetched: r.fetched, new: r.new, quarantined: r.quarantined }).toEqual({ fetched: 13, new: 12, quarantined: 1 });
      const ok = is.requests.filter((q) => q.status === 200 && q.path.endsWith('/query/format/default'));
      expect(ok[0].params.get('q')).toMatch(/\) AND lastEdited GE 2020-01-01T00:00:00$/);
      expect(ok.map((q) => q.params.get('offset'))).toEqual(expect.arrayContaining(['0', '5', '10']));
      const items = await scanAll(doc, t);
      const q = items.filter((i) => i.entity === 'Quarantine');
      expect(q).toHaveLength(1);
      expect(String(q[0].reason)).toMatch(/trial\/isrctn is missing/);
      expect((items.find((i) => i.entity === 'Checkpoint' && i.source === 'isrctn') as { editedThrough?: string }).editedThrough).toBe(day(0));

      // The CT.gov registration and the PubMed paper the ISRCTN record names join its study.
      await poll({ doc, table: t }, { ctgov: ct.url, pubmed: pm.url });
      const c = (await candidates(doc, t)).find((x) => x.sources.includes('isrctn') && x.sources.includes('ctgov'))!;
      expect(c).toBeTruthy();
      expect(c.sources).toEqual(['ctgov', 'isrctn', 'pubmed']);
      expect(c.title).toBe(article.title);
      expect(c.identifiers).toEqual(expect.arrayContaining([{ type: 'isrctn', value: 'ISRCTN11223344' }, { type: 'nct', value: nct }, { type: 'pmid', value: article.pmid }]));
      expect(c.isrctnRegistration).toMatchObject({ isrctn: 'ISRCTN11223344', allocation: 'RANDOMIZED', enrollment: 240 });
      const other = (await candidates(doc, t)).find((x) => x.studyId === 'ISRCTN20000000')!;
      expect(other.identifiers).toEqual(expect.arrayContaining([{ type: 'doi', value: '10.2196/55555' }]));
      expect(other.triage.reasons.join(' ')).toMatch(/registry: allocation randomised/);

      is.reset();
      const again = await poll({ doc, table: t, isrctn: { rate: 10, pageSize: 5 } }, { isrctn: is.url });
      expect(again.new + again.updated).toBe(0);
      expect(is.requests[0].params.get('q')).toMatch(new RegExp(`lastEdited GE ${day(-3)}T00:00:00$`));
    } finally {
      await is.close();
      await ct.close();
      await pm.close();
    }
  }, 300_000);
});
