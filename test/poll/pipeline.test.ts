/**
 * The poll cycle's two stages (fetch at the allowed rate → spool → store): fetching does not wait
 * for a slow store, and a fetch that fails part-way still leaves everything fetched before it
 * stored and checkpointed. Real fake-PubMed over HTTP, real DynamoDB Local.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { SourceRecord } from '../../core/evidence/record.js';
import { dropTestTable } from '../../functions/adapters/dynamo/testing.js';
import { IngestStore, type IngestOutcome, type ReviewContext } from '../../functions/adapters/ingest-store.js';
import { generateArticles, startFakePubmed } from '../fakes/pubmed.js';
import { FAST_RETRY, freshTable, poll, scanAll } from './helpers.js';

const tables: string[] = [];
afterAll(async () => {
  for (const t of tables) await dropTestTable(t);
});

/**
 * The real store, held back: its first batch is not written until `release()` says so (or a long
 * safety ceiling passes, so that a fetch that waited for the store fails the test instead of hanging).
 * Records, in order, what each batch saw when it ended. No wall-clock comparison.
 */
class GatedStore extends IngestStore {
  readonly efetchesSeenWhenStored: number[] = [];
  constructor(
    doc: ConstructorParameters<typeof IngestStore>[0],
    table: string,
    private readonly release: () => boolean,
    private readonly efetchesSoFar: () => number,
    private readonly ceilingMs: number,
  ) {
    super(doc, table);
  }
  override async ingestBatch(records: SourceRecord[], ctx: ReviewContext, concurrency?: number): Promise<IngestOutcome[]> {
    if (this.efetchesSeenWhenStored.length === 0) {
      for (let waited = 0; !this.release() && waited < this.ceilingMs; waited += 20) await new Promise((r) => setTimeout(r, 20));
    }
    const out = await super.ingestBatch(records, ctx, concurrency);
    this.efetchesSeenWhenStored.push(this.efetchesSoFar());
    return out;
  }
}

describe('poll cycle stages', () => {
  it('fetches every batch at the allowed rate while the store has not yet written the first one', async () => {
    // 1,200 records in one window: 1 esearch + 6 efetch batches of 200.
    const pm = await startFakePubmed({ corpus: generateArticles({ count: 1200, seed: 11, from: '2024-05-01', to: '2024-05-20' }) });
    const { table, doc } = await freshTable();
    tables.push(table);
    try {
      // The store's first batch waits until the server has answered all 6 efetches: if fetching
      // waited for the store, the fetches would never arrive and the ceiling (240 s, a safety net far
      // above any real run) would end the wait.
      const efetchCount = () => pm.requests.filter((q) => q.path.endsWith('efetch.fcgi')).length;
      const store = new GatedStore(doc, table, () => efetchCount() >= 6, efetchCount, 240_000);
      const r = await poll({ doc, table, store, backfillFrom: '2024-05-01', now: () => new Date('2024-05-21T08:00:00Z'), pubmed: { retry: FAST_RETRY } }, { pubmed: pm.url });
      expect(r.failures).toEqual([]);
      expect(r.new).toBe(1200);
      const efetches = pm.requests.filter((q) => q.path.endsWith('efetch.fcgi'));
      expect(efetches).toHaveLength(6);
      // Every efetch had reached the server before the store finished its first batch.
      expect(store.efetchesSeenWhenStored).toHaveLength(6);
      expect(store.efetchesSeenWhenStored[0]).toBe(6);
      expect(pm.maxInWindow(1000)).toBeLessThanOrEqual(10);
    } finally {
      await pm.close();
    }
  }, 600_000);

  it('a search that fails in a later window still stores and checkpoints the windows before it', async () => {
    // 450 records over 20 days with the cap at 100: the window is halved into several leaves.
    const articles = generateArticles({ count: 450, seed: 3, from: '2024-03-01', to: '2024-03-20' });
    const pm = await startFakePubmed({ corpus: articles, cap: 100 });
    const { table, doc } = await freshTable();
    tables.push(table);
    try {
      // The 7th esearch and every retry of it answer 500: that window's cycle gives up.
      pm.faults.push({ kind: '500', endpoint: 'esearch', after: 6, times: 100 });
      const r = await poll(
        { doc, table, backfillFrom: '2024-03-01', now: () => new Date('2024-03-21T10:00:00Z'), pubmed: { retry: { ...FAST_RETRY, attempts: 3 }, esearchCap: 100 } },
        { pubmed: pm.url },
      );
      expect(r.failures).toHaveLength(1);
      expect(r.failures[0]).toMatch(/pubmed selfguided-depression: cycle failed: .*HTTP 500/);
      const items = await scanAll(doc, table);
      const stored = new Set(items.filter((i) => i.entity === 'Record').map((i) => i.sourceId as string));
      expect(stored.size).toBe(r.new);
      expect(r.new).toBeGreaterThan(0);
      expect(r.new).toBeLessThan(450);
      // The checkpoint stands at the end of a window, and exactly the records entered up to it are stored.
      const cp = items.find((i) => i.entity === 'Checkpoint' && i.source === 'pubmed') as { edatThrough?: string } | undefined;
      expect(cp?.edatThrough).toBeDefined();
      const through = cp!.edatThrough!;
      expect(new Set(articles.filter((a) => a.edat <= through).map((a) => a.pmid))).toEqual(stored);

      // Re-run without the fault: the rest arrives, nothing twice.
      pm.faults.length = 0;
      const again = await poll({ doc, table, backfillFrom: '2024-03-01', now: () => new Date('2024-03-21T10:00:00Z'), pubmed: { retry: FAST_RETRY, esearchCap: 100 } }, { pubmed: pm.url });
      expect(again.failures).toEqual([]);
      const after = await scanAll(doc, table);
      expect(after.filter((i) => i.entity === 'Record')).toHaveLength(450);
      expect(after.filter((i) => i.entity === 'Candidate')).toHaveLength(450);
    } finally {
      await pm.close();
    }
  }, 600_000);
});
