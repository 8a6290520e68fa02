/**
 * Property: a poll killed at any point (before or after a database call lands) and re-run ends with
 * exactly the upstream set — every record once, one candidate per study, no orphan identifiers —
 * and a further run changes nothing.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Candidate } from '../../core/evidence/candidate.js';
import { dropTestTable } from '../../functions/adapters/dynamo/testing.js';
import { generateArticles, startFakePubmed, type FakeArticle } from '../fakes/pubmed.js';
import { generateStudies, startFakeCtgov } from '../fakes/ctgov.js';
import { freshTable, instrumentedDoc, poll, scanAll } from './helpers.js';

const tables: string[] = [];
afterAll(async () => {
  for (const t of tables) await dropTestTable(t);
});

describe('crash safety', () => {
  it('a poll killed at random points and re-run ends with exactly the upstream set', async () => {
    const studies = generateStudies(8, 5).map((s) => {
      (s.protocolSection.designModule as { designInfo: { allocation: string } }).designInfo.allocation = 'RANDOMIZED';
      return s;
    });
    const ncts = studies.map((s) => (s.protocolSection.identificationModule as { nctId: string }).nctId);
    // 24 articles: some report a registered study (one study may have two publications), some have an
    // unregistered NCT, most none.
    const articles: FakeArticle[] = generateArticles({ count: 24, seed: 6 }).map((a, i) => ({
      ...a,
      dataBanks: i < 6 ? [['ClinicalTrials.gov', ncts[i % 4]]] : i < 8 ? [['ClinicalTrials.gov', `NCT0999000${i}`]] : undefined,
    }));
    // Independent expectation: the distinct studies.
    const expectedStudies = new Set<string>([...ncts, ...articles.map((a) => a.dataBanks?.[0]?.[1] ?? `PMID${a.pmid}`)]);
    const expectedRecords = new Set([...articles.map((a) => `RECORD#pubmed#${a.pmid}`), ...ncts.map((n) => `RECORD#ctgov#${n}`)]);

    const pm = await startFakePubmed({ corpus: articles });
    const ct = await startFakeCtgov({ studies });
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.record({ at: fc.integer({ min: 1, max: 60 }), afterSend: fc.boolean() }), { minLength: 1, maxLength: 3 }),
          fc.boolean(),
          async (kills, ctgovFirst) => {
            const { table, doc } = await freshTable('crash');
            tables.push(table);
            const urls = ctgovFirst ? { ctgov: ct.url, pubmed: pm.url } : { pubmed: pm.url, ctgov: ct.url };
            const sources = ctgovFirst ? (['ctgov', 'pubmed'] as const) : (['pubmed', 'ctgov'] as const);
            for (const k of kills) {
              const inst = instrumentedDoc(doc);
              inst.state.killAt = k.at;
              inst.state.killAfterSend = k.afterSend;
              await poll({ doc: inst.doc, table, sources: [...sources], concurrency: 4 }, urls);
            }
            const final = await poll({ doc, table, sources: [...sources], concurrency: 4 }, urls);
            expect(final.failures).toEqual([]);
            const items = await scanAll(doc, table);
            const records = items.filter((i) => i.entity === 'Record');
            expect(new Set(records.map((r) => r.pk))).toEqual(expectedRecords);
            expect(records).toHaveLength(expectedRecords.size);
            const cands = items.filter((i) => i.entity === 'Candidate') as unknown as Candidate[];
            expect(new Set(cands.map((c) => c.studyId))).toEqual(expectedStudies);
            expect(cands).toHaveLength(expectedStudies.size);
            expect(final.candidates).toBe(expectedStudies.size);
            // Every record points at a candidate that lists it, and every identifier at a study that exists.
            for (const r of records) {
              const c = cands.find((x) => x.studyId === r.studyId)!;
              expect(c, String(r.pk)).toBeTruthy();
              expect((c.records as { sourceId: string }[]).some((ref) => ref.sourceId === r.sourceId)).toBe(true);
            }
            const refs = cands.reduce((n, c) => n + (c.records as unknown[]).length, 0);
            expect(refs).toBe(records.length);
            for (const id of items.filter((i) => i.entity === 'Identifier')) expect(expectedStudies.has(id.studyId as string)).toBe(true);
            // Nothing left to do.
            const again = await poll({ doc, table, sources: [...sources], concurrency: 4 }, urls);
            expect(again.new + again.updated).toBe(0);
            await dropTestTable(table);
          },
        ),
        { numRuns: 6, seed: 20250101, endOnFailure: true },
      );
    } finally {
      await pm.close();
      await ct.close();
    }
  }, 900_000);
});
