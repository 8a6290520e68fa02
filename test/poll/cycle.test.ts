/**
 * Poll cycles end to end: fake upstream servers (real HTTP) → pollers → DynamoDB Local.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { candidateKey, eventPartition } from '../../core/data-model/keys.js';
import { isAnalysable, type Candidate } from '../../core/evidence/candidate.js';
import { dropTestTable } from '../../functions/adapters/dynamo/testing.js';
import { articleXml, generateArticles, startFakePubmed, type FakeArticle } from '../fakes/pubmed.js';
import { fakeStudy, startFakeCtgov } from '../fakes/ctgov.js';
import { PubmedClient, pubmedConfig } from '../../functions/adapters/pubmed/client.js';
import { FAST_RETRY, freshTable, instrumentedDoc, poll, REVIEW, scanAll } from './helpers.js';

const tables: string[] = [];
afterAll(async () => {
  for (const t of tables) await dropTestTable(t);
});
async function table() {
  const t = await freshTable();
  tables.push(t.table);
  return t;
}

describe('PubMed poll into DynamoDB Local', () => {
  it('stores every record once, queues one candidate per study, and a re-poll of unchanged records writes nothing', async () => {
    const pm = await startFakePubmed({ count: 260, seed: 7 });
    const { table: t, doc } = await table();
    try {
      const first = await poll({ doc, table: t }, { pubmed: pm.url });
      expect(first.failures).toEqual([]);
      expect(first.fetched).toBe(260);
      expect(first.new).toBe(260);
      expect(first.updated + first.unchanged + first.quarantined).toBe(0);
      expect(first.candidates).toBe(260); // generated articles share no identifiers
      const items = await scanAll(doc, t);
      expect(items.filter((i) => i.entity === 'Record')).toHaveLength(260);
      expect(items.filter((i) => i.entity === 'Candidate')).toHaveLength(260);
      // efetch went by POST with ≥ 200 ids per batch (except the last of a window), identity on every call.
      const efetches = pm.requests.filter((r) => r.path.endsWith('efetch.fcgi'));
      expect(efetches.every((r) => r.method === 'POST')).toBe(true);
      expect(Math.max(...efetches.map((r) => (r.params.get('id') ?? '').split(',').length))).toBe(200);
      for (const r of pm.requests) {
        expect(r.params.get('tool')).toBe('living-evidence-test');
        expect(r.params.get('email')).toBe('test@example.org');
        expect(r.params.get('api_key')).toBe('test-key');
      }

      // Second cycle: edat overlap and mdat pass re-read records; nothing changed → zero writes
      // except the checkpoint items (one per pass window + the final one).
      const counted = instrumentedDoc(doc);
      const second = await poll({ doc: counted.doc, table: t }, { pubmed: pm.url });
      expect(second.new).toBe(0);
      expect(second.updated).toBe(0);
      expect(second.unchanged).toBe(second.fetched);
      expect(second.fetched).toBeGreaterThan(0);
      expect(second.candidates).toBe(260);
      // edat window, mdat window, final; plus the attempt's outcome the curator home shows (lastAttempt).
      const checkpointWrites = 3 + 1;
      expect(counted.state.writes).toBe(checkpointWrites);
      const cp = (await scanAll(doc, t)).find((i) => i.entity === 'Checkpoint');
      expect(cp?.lastAttempt).toMatchObject({ ok: true, summary: { fetched: second.fetched, new: 0 } });
    } finally {
      await pm.close();
    }
  }, 600_000);

  it('splits windows so that no esearch result set meets the cap (cap lowered to 100 to keep it cheap)', async () => {
    const articles = generateArticles({ count: 450, seed: 3, from: '2024-03-01', to: '2024-03-20' });
    const pm = await startFakePubmed({ corpus: articles, cap: 100 });
    const { table: t, doc } = await table();
    try {
      const r = await poll({ doc, table: t, backfillFrom: '2024-03-01', now: () => new Date('2024-03-21T10:00:00Z'), pubmed: { retry: FAST_RETRY, esearchCap: 100 } }, { pubmed: pm.url });
      expect(r.failures).toEqual([]);
      expect(r.new).toBe(450);
      const searches = pm.requests.filter((q) => q.path.endsWith('esearch.fcgi') && q.params.get('datetype') === 'edat');
      const inWindow = (q: (typeof searches)[number]) =>
        articles.filter((a) => a.edat >= q.params.get('mindate')!.replace(/\//g, '-') && a.edat <= q.params.get('maxdate')!.replace(/\//g, '-')).length;
      expect(inWindow(searches[0])).toBe(450);
      // Windows whose ids were fetched: every one under the cap, and together they cover each record once.
      const leaves = searches.filter((q) => inWindow(q) < 100);
      expect(leaves.reduce((n, q) => n + inWindow(q), 0)).toBe(450);
      const fetchedIds = pm.requests.filter((q) => q.path.endsWith('efetch.fcgi')).flatMap((q) => (q.params.get('id') ?? '').split(','));
      expect(new Set(fetchedIds).size).toBe(450);
      expect(fetchedIds.length).toBe(450);
    } finally {
      await pm.close();
    }
  }, 600_000);

  it('the fake answers like NCBI at the real 9,999 cap: count beyond it, ids cut at it, retstart past it an error', async () => {
    const pm = await startFakePubmed({ corpus: generateArticles({ count: 10_050, seed: 2, from: '2024-01-01', to: '2024-01-10' }) });
    try {
      const client = new PubmedClient(pubmedConfig({ PUBMED_EUTILS_URL: pm.url, NCBI_API_KEY: 'k' }, { retry: { ...FAST_RETRY, attempts: 2 } }));
      const r = await client.esearch({ term: 'x', datetype: 'edat', mindate: '2024/01/01', maxdate: '2024/01/10', retmax: 10_000 });
      expect(r.count).toBe(10_050);
      expect(r.ids).toHaveLength(9_999);
      expect(r.webenv).toMatch(/^MCID_/);
      await expect(client.esearch({ term: 'x', datetype: 'edat', mindate: '2024/01/01', maxdate: '2024/01/10', retmax: 10, retstart: 9_999 })).rejects.toThrow(/9998/);
    } finally {
      await pm.close();
    }
  });

  it('sets a malformed article aside with its raw XML and stores the rest of the batch', async () => {
    const articles = generateArticles({ count: 30, seed: 11 });
    const bad = { ...articles[5], rawXml: `<PubmedArticle><MedlineCitation Status="MEDLINE"><PMID Version="1">${articles[5].pmid}</PMID><Article><ArticleTitle>Broken <i>markup</ArticleTitle></Article></MedlineCitation></PubmedArticle>` };
    const noTitle = { ...articles[6], rawXml: `<PubmedArticle><MedlineCitation><PMID Version="1">${articles[6].pmid}</PMID><Article><ArticleTitle></ArticleTitle></Article></MedlineCitation></PubmedArticle>` };
    articles[5] = bad;
    articles[6] = noTitle;
    const pm = await startFakePubmed({ corpus: articles });
    const { table: t, doc } = await table();
    try {
      const r = await poll({ doc, table: t }, { pubmed: pm.url });
      expect(r.fetched).toBe(30);
      expect(r.quarantined).toBe(2);
      expect(r.new).toBe(28);
      const items = await scanAll(doc, t);
      const q = items.filter((i) => i.entity === 'Quarantine');
      expect(q).toHaveLength(2);
      const broken = q.find((i) => i.recordId === articles[5].pmid)!;
      expect(broken.raw).toContain('Broken <i>markup');
      expect(String(broken.reason)).toMatch(/malformed XML/);
      expect(String(q.find((i) => i.recordId === articles[6].pmid)!.reason)).toMatch(/ArticleTitle is empty/);
      expect(items.filter((i) => i.entity === 'Record')).toHaveLength(28);
    } finally {
      await pm.close();
    }
  });

  it('counts records, not fetches: a malformed article lacking its PMID (asked for again) is fetched and quarantined once', async () => {
    const articles = generateArticles({ count: 81, seed: 12 });
    const gone = articles[40];
    // The article for this PMID comes back without MedlineCitation/PMID: the batch seems to lack one
    // id, so that id is asked for again and the same broken article comes back a second time.
    articles[40] = { ...gone, rawXml: articleXml({ ...gone, rawXml: undefined }).replace(/<PMID Version="1">\d+<\/PMID>/, '') };
    const pm = await startFakePubmed({ corpus: articles });
    const { table: t, doc } = await table();
    try {
      const r = await poll({ doc, table: t }, { pubmed: pm.url });
      expect(r.failures).toEqual([]);
      // The id really was asked for twice (the behaviour that used to double the counts).
      const asked = pm.requests.filter((q) => q.path.endsWith('efetch.fcgi')).flatMap((q) => (q.params.get('id') ?? '').split(','));
      expect(asked.filter((id) => id === gone.pmid)).toHaveLength(2);
      expect({ fetched: r.fetched, new: r.new, quarantined: r.quarantined, updated: r.updated, unchanged: r.unchanged }).toEqual({ fetched: 81, new: 80, quarantined: 1, updated: 0, unchanged: 0 });
      const q = (await scanAll(doc, t)).filter((i) => i.entity === 'Quarantine');
      expect(q).toHaveLength(1);
      expect(String(q[0].reason)).toMatch(/PMID is missing/);
      // A second cycle re-reads the overlap (edat) and the changes (mdat): every record once again.
      const again = await poll({ doc, table: t }, { pubmed: pm.url });
      expect(again.fetched).toBe(again.unchanged + again.quarantined);
      expect(again.quarantined).toBeLessThanOrEqual(1);
      expect(again.fetched).toBeLessThanOrEqual(81);
    } finally {
      await pm.close();
    }
  });

  it('rides out 429 bursts (NCBI JSON body, also inside a 200), 500 pages, truncated XML, error JSON and resets', async () => {
    const pm = await startFakePubmed({
      count: 230,
      seed: 5,
      faults: [
        { kind: '429', times: 3 },
        { kind: '429-in-200', endpoint: 'esearch', times: 1 },
        { kind: '500', endpoint: 'efetch', times: 2 },
        { kind: 'truncate', endpoint: 'efetch', times: 1 },
        { kind: 'malformed', endpoint: 'esearch', times: 1 },
        { kind: 'error-200', endpoint: 'efetch', times: 1 },
        { kind: 'reset', endpoint: 'efetch', times: 1 },
      ],
    });
    const { table: t, doc } = await table();
    try {
      const r = await poll({ doc, table: t }, { pubmed: pm.url });
      expect(r.failures).toEqual([]);
      expect(r.new).toBe(230);
      expect(pm.faults).toHaveLength(0); // every fault was met and survived
      expect((await scanAll(doc, t)).filter((i) => i.entity === 'Record')).toHaveLength(230);
    } finally {
      await pm.close();
    }
  }, 600_000);

  it('times out a hung or slow answer and asks again; a source that never answers fails its cycle and keeps its checkpoint', async () => {
    const pm = await startFakePubmed({
      count: 210,
      seed: 8,
      faults: [
        { kind: 'hang', endpoint: 'esearch', times: 1 },
        // Slow: answers long after the client's timeout (the timer is cleared when the fake closes).
        { kind: 'slow', endpoint: 'efetch', times: 1, delayMs: 600_000 },
      ],
    });
    const { table: t, doc } = await table();
    // A timeout no normal answer reaches even with both cores busy; only the hang and the slow one do.
    const retry = { ...FAST_RETRY, timeoutMs: 4000 };
    try {
      const r = await poll({ doc, table: t, pubmed: { retry } }, { pubmed: pm.url });
      expect(r.failures).toEqual([]);
      expect(r.new).toBe(210);
      expect(pm.faults).toHaveLength(0);
      // The hung esearch and the slow efetch were each asked again.
      expect(pm.requests.filter((q) => q.path.endsWith('esearch.fcgi')).length).toBeGreaterThanOrEqual(2);
      // The slow efetch was asked again.
      const efetchIds = pm.requests.filter((q) => q.path.endsWith('efetch.fcgi')).map((q) => q.params.get('id'));
      expect(efetchIds.length).toBeGreaterThanOrEqual(3);
      expect(efetchIds.length).toBeGreaterThan(new Set(efetchIds).size);
      const before = await scanAll(doc, t);

      // Every answer hangs: the cycle gives up with a clear line; nothing stored changes.
      pm.faults.push({ kind: 'hang', times: 1000 });
      const again = await poll({ doc, table: t, now: () => new Date(Date.now() + 3 * 86_400_000), pubmed: { retry: { ...retry, attempts: 2 } } }, { pubmed: pm.url });
      expect(again.failures).toHaveLength(1);
      expect(again.failures[0]).toMatch(/pubmed selfguided-depression: cycle failed: .*timed out after 4000 ms/);
      expect(again.new + again.updated + again.fetched).toBe(0);
      // Nothing stored changes but the attempt's outcome, which the curator home shows.
      const after = await scanAll(doc, t);
      const withoutAttempt = (items: Record<string, unknown>[]) => items.map(({ lastAttempt: _a, ...rest }) => rest);
      expect(withoutAttempt(after)).toEqual(withoutAttempt(before));
      const cp = after.find((i) => i.entity === 'Checkpoint');
      expect(cp?.lastAttempt).toMatchObject({ ok: false, error: expect.stringMatching(/timed out after 4000 ms/) });
    } finally {
      await pm.close();
    }
  }, 300_000);

  it('a changed record updates its entry (history kept), and a retraction of an accepted study flags it', async () => {
    const articles = generateArticles({ count: 5, seed: 21 }).map((a) => ({ ...a, dataBanks: undefined }));
    const pm = await startFakePubmed({ corpus: articles });
    const { table: t, doc } = await table();
    try {
      await poll({ doc, table: t }, { pubmed: pm.url });
      const target = articles[2];
      const studyId = `PMID${target.pmid}`;
      const key = candidateKey(REVIEW.id, studyId);
      // A curator accepted it with extraction data.
      const got = (await doc.send(new GetCommand({ TableName: t, Key: key }))).Item as Candidate;
      expect(got).toBeTruthy();
      const { candidateItem } = await import('../../core/data-model/items.js');
      const accepted: Candidate = {
        ...got,
        status: 'accepted',
        version: got.version + 1,
        extraction: { arms: [], moderators: {}, outcomes: [{ outcome: 'depression', timepoint: 'post', instrument: 'PHQ-9', n1: 50, m1: 8, sd1: 4, n2: 50, m2: 10, sd2: 4 }] },
      };
      const { PutCommand } = await import('@aws-sdk/lib-dynamodb');
      await doc.send(new PutCommand({ TableName: t, Item: candidateItem(accepted) }));
      expect(isAnalysable(accepted)).toBe(true);

      // PubMed links a retraction notice and changes the modification date.
      const today = new Date().toISOString().slice(0, 10);
      const retracted: FakeArticle = {
        ...target,
        mdat: today,
        publicationTypes: [...target.publicationTypes, 'Retracted Publication'],
        comments: [{ refType: 'RetractionIn', refSource: 'Internet Interv. 2025;40:100999', pmid: '39999999' }],
      };
      pm.upsert(retracted);
      const r = await poll({ doc, table: t }, { pubmed: pm.url });
      expect(r.updated).toBeGreaterThanOrEqual(1);
      expect(r.new).toBe(0);
      const after = (await doc.send(new GetCommand({ TableName: t, Key: key }))).Item as Candidate;
      expect(after.retracted).toBe(true);
      expect(after.retractionNotice).toMatch(/39999999/);
      expect(after.status).toBe('accepted'); // curation state untouched
      expect(after.version).toBe(accepted.version + 1);
      expect(isAnalysable(after)).toBe(false);
      const events = (await doc.send(new QueryCommand({ TableName: t, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': eventPartition(REVIEW.id, studyId) } }))).Items ?? [];
      const ev = events.find((e) => e.type === 'retracted');
      expect(ev?.flaggedTo).toBe('leads');
      expect(events.some((e) => e.type === 'record-updated')).toBe(true);
      const history = (await scanAll(doc, t)).filter((i) => i.entity === 'RecordHistory');
      expect(history).toHaveLength(1);
      expect((history[0].record as { publicationTypes: string[] }).publicationTypes).not.toContain('Retracted Publication');
    } finally {
      await pm.close();
    }
  }, 300_000);
});

describe('ClinicalTrials.gov poll and cross-source de-duplication', () => {
  it('a PubMed article with a DataBankList NCT and the CT.gov registration become one candidate, with proposed extraction', async () => {
    const nct = 'NCT04999001';
    const [article] = generateArticles({ count: 1, seed: 99 });
    article.dataBanks = [['ClinicalTrials.gov', nct]];
    article.title = 'Self-guided smartphone app for depressive symptoms: a randomized controlled trial';
    const study = fakeStudy({
      nctId: nct,
      lastUpdate: new Date(Date.now() - 5 * 86_400_000).toISOString().slice(0, 10),
      references: [{ pmid: article.pmid, type: 'RESULT', citation: 'Example. JMIR 2024.' }],
      results: [
        {
          title: 'Depressive Symptoms (PHQ-9)',
          paramType: 'MEAN',
          dispersionType: 'Standard Deviation',
          groups: [
            { id: 'OG000', title: 'Smartphone app', n: 80, value: '7.9', spread: '4.1' },
            { id: 'OG001', title: 'Wait-list control', n: 78, value: '10.2', spread: '4.6' },
          ],
        },
      ],
    });
    const other = fakeStudy({ nctId: 'NCT04999002', lastUpdate: new Date(Date.now() - 3 * 86_400_000).toISOString().slice(0, 10) });
    const pm = await startFakePubmed({ corpus: [article] });
    const ct = await startFakeCtgov({ studies: [study, other], emptyLastPage: true });
    const { table: t, doc } = await table();
    try {
      // Registration first, then the publication (the order should not matter).
      const a = await poll({ doc, table: t }, { ctgov: ct.url });
      expect(a.new).toBe(2);
      const b = await poll({ doc, table: t }, { pubmed: pm.url });
      expect(b.new).toBe(1);
      expect(b.candidates).toBe(2);
      const cands = (await scanAll(doc, t)).filter((i) => i.entity === 'Candidate') as Candidate[];
      const c = cands.find((x) => x.studyId === nct)!;
      expect(c.sources).toEqual(['ctgov', 'pubmed']);
      expect(c.identifiers).toEqual(expect.arrayContaining([{ type: 'nct', value: nct }, { type: 'pmid', value: article.pmid }]));
      expect(c.title).toBe(article.title); // the publication is the primary record
      expect(c.status).toBe('screening');
      const proposed = c.proposedExtraction as { n1: number; m1: number; sd1: number; n2: number; m2: number; sd2: number; instrument: string; outcome: string }[];
      expect(proposed).toHaveLength(1);
      expect(proposed[0]).toMatchObject({ outcome: 'depression', instrument: 'PHQ-9', n1: 80, m1: 7.9, sd1: 4.1, n2: 78, m2: 10.2, sd2: 4.6 });
      expect(c.triage.score).toBeGreaterThanOrEqual(60);
      expect(c.triage.reasons.join(' ')).toMatch(/Randomized Controlled Trial|randomised/);

      // Pages: the first carried countTotal, the later ones repeated the same parameters + pageToken.
      const pages = ct.requests.filter((r) => r.path.endsWith('/studies'));
      expect(pages.length).toBeGreaterThanOrEqual(1);
      expect(pages[0].params.get('filter.advanced')).toMatch(/AREA\[LastUpdatePostDate\]RANGE\[2020-01-01,MAX\]/);
      expect(pages.every((p) => p.status === 200)).toBe(true);

      // Both again: nothing new, nothing updated.
      const c2 = await poll({ doc, table: t }, { pubmed: pm.url, ctgov: ct.url });
      expect(c2.new + c2.updated).toBe(0);
      expect(c2.candidates).toBe(2);
    } finally {
      await pm.close();
      await ct.close();
    }
  }, 300_000);

  it('pages through many studies with pageToken, quarantines a malformed study and keeps the rest', async () => {
    const ct = await startFakeCtgov({ count: 25, seed: 4, rawStudies: [{ protocolSection: { identificationModule: { briefTitle: 'no id' } } }], faults: [{ kind: '503', times: 1 }, { kind: 'truncate', times: 1, after: 1 }] });
    const { table: t, doc } = await table();
    try {
      const r = await poll({ doc, table: t, ctgov: { pageSize: 10, retry: FAST_RETRY } }, { ctgov: ct.url });
      expect(r.failures).toEqual([]);
      const expected = ct.studies.filter((s) => (s.protocolSection.designModule as { designInfo: { allocation: string } }).designInfo.allocation === 'RANDOMIZED').length;
      expect(r.new).toBe(expected);
      expect(r.quarantined).toBe(1);
      const q = (await scanAll(doc, t)).filter((i) => i.entity === 'Quarantine');
      expect(String(q[0].reason)).toMatch(/nctId/);
      expect(String(q[0].raw)).toContain('no id');
    } finally {
      await ct.close();
    }
  });
});
