/**
 * Poller benchmark: a PubMed backfill of 20,000 records (2,000 with `quick`) from the fake
 * E-utilities server (real HTTP, real XML) into DynamoDB Local, at the allowed request rate
 * (3/s without NCBI_API_KEY; set BENCH_NCBI_KEY=1 for 10/s).
 *
 * Prints: records/s end to end, requests/s as measured at the server during the fetch phase (and
 * the largest count in any one-second window: must never exceed the rate), peak RSS and heap, and
 * DynamoDB write calls and items per record. Uses DYNAMODB_ENDPOINT when set, else starts an
 * in-memory DynamoDB Local.
 */
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { createDocumentClient, createDynamoClient } from '../../functions/adapters/dynamo/client.js';
import { ensureTable } from '../../functions/adapters/dynamo/tables.js';
import { IngestStore } from '../../functions/adapters/ingest-store.js';
import { runPollCycle } from '../../functions/poll-common/cycle.js';
import { generateArticles, startFakePubmed } from '../../test/fakes/pubmed.js';
import { startDynamoLocal, type DynamoLocal } from '../lib/dynamo-local.js';

export default async function pollBench(opts: { quick: boolean }): Promise<void> {
  const n = opts.quick ? 2_000 : 20_000;
  const withKey = process.env.BENCH_NCBI_KEY === '1';
  const rate = withKey ? 10 : 3;
  let db: DynamoLocal | undefined;
  let endpoint = process.env.DYNAMODB_ENDPOINT;
  if (!endpoint) {
    db = await startDynamoLocal();
    endpoint = db.endpoint;
  }
  const cfg = { endpoint, region: process.env.AWS_REGION || 'us-east-1' };
  const table = `bench-poll-${Date.now()}`;
  const ddb = createDynamoClient(cfg);
  await ensureTable(ddb, table);
  const doc = createDocumentClient(cfg);
  // Entry dates over one year: the first esearch exceeds the 9,999 cap when n = 20,000.
  const corpus = generateArticles({ count: n, seed: 2025, from: '2024-01-01', to: '2024-12-31' });
  const pm = await startFakePubmed({ corpus, enforceRate: rate });
  let peakRss = 0;
  let peakHeap = 0;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 100);
  const store = new IngestStore(doc, table);
  let lastLog = 0;
  try {
    const t0 = performance.now();
    const r = await runPollCycle({
      sources: ['pubmed'],
      reviewIds: ['selfguided-depression'],
      doc,
      table,
      store,
      env: { PUBMED_EUTILS_URL: pm.url, ...(withKey ? { NCBI_API_KEY: 'bench-key' } : {}) },
      log: (m) => {
        if (performance.now() - lastLog > 5000) {
          lastLog = performance.now();
          process.stderr.write(`  ${m}\n`);
        }
      },
      backfillFrom: '2024-01-01',
      now: () => new Date('2025-01-01T12:00:00Z'),
      concurrency: 16,
      // Fetch ahead of the store at the allowed rate, up to
      prefetchBatches: 4, // ≤ 800 parsed records held ahead of the store (bounds memory)
    });
    const seconds = (performance.now() - t0) / 1000;
    const reqs = pm.requests;
    const span = (reqs[reqs.length - 1].at - reqs[0].at) / 1000;
    const reqRate = (reqs.length - 1) / span;
    const status429 = reqs.filter((q) => q.status === 429).length;
    const perRecord = (x: number) => (x / Math.max(1, r.new)).toFixed(2);
    console.log(`poll backfill (${n} records${opts.quick ? ', quick' : ''}, ${rate} req/s allowed)`);
    console.log(`  stored          ${r.new} new, ${r.failures.length} failed cycles, ${r.candidates} candidates`);
    console.log(`  records/s       ${(r.new / seconds).toFixed(1)} end to end (${seconds.toFixed(1)} s)`);
    console.log(`  requests/s      ${reqRate.toFixed(2)} over the fetch phase (${reqs.length} requests in ${span.toFixed(1)} s) = ${((reqRate / rate) * 100).toFixed(1)}% of ${rate}/s; max in any 1 s window: ${pm.maxInWindow(1000)}; 429 answers: ${status429}`);
    console.log(`  peak memory     RSS ${(peakRss / 2 ** 20).toFixed(0)} MB, heap ${(peakHeap / 2 ** 20).toFixed(0)} MB (target < 256 MB)`);
    console.log(`  DynamoDB        ${perRecord(store.stats.writeCalls)} write calls/record, ${perRecord(store.stats.writeItems)} items written/record, ${perRecord(store.stats.readCalls)} read calls/record, ${store.stats.conflicts} conflicts`);
    // Re-poll: unchanged records must cost no writes.
    const before = store.stats.writeCalls;
    const again = await runPollCycle({ sources: ['pubmed'], reviewIds: ['selfguided-depression'], doc, table, store, env: { PUBMED_EUTILS_URL: pm.url }, log: () => undefined, now: () => new Date('2025-01-02T12:00:00Z'), concurrency: 16 });
    console.log(`  re-poll         ${again.fetched} fetched, ${again.unchanged} unchanged, ${store.stats.writeCalls - before} write calls (checkpoints only)`);
  } finally {
    clearInterval(sampler);
    await pm.close();
    try {
      await ddb.send(new DeleteTableCommand({ TableName: table }));
    } catch {
      /* gone */
    }
    doc.destroy();
    ddb.destroy();
    await db?.stop();
  }
}

if (process.argv[1]?.endsWith('poll.bench.ts')) {
  pollBench({ quick: process.argv.includes('--quick') }).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
