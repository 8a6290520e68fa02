/**
 * The poller's fetch side alone (no database): a PubMed backfill from the fake E-utilities server in
 * its own process into an in-memory store stub, printing where the poller process's memory goes at
 * its peak RSS and how far arrivals at the server drift from the limiter's starts. For finding
 * causes quickly (≈ 15 s at 10/s); the budgets are measured by `npm run bench -- poll`.
 *   node --import tsx scripts/bench/lib/poll-probe.ts [records] [rate] [storeMsPerBatch]
 */
import { fork } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { getHeapSpaceStatistics } from 'node:v8';
import { runPollCycle } from '../../../functions/poll-common/cycle.js';
import { pubmedConfig, pubmedLimiter } from '../../../functions/adapters/pubmed/client.js';
import type { IngestStore } from '../../../functions/adapters/ingest-store.js';
import type { FakePubmedReport } from './fake-pubmed-process.js';

const [n = 20_000, rate = 10, storeMs = 100] = process.argv.slice(2).map(Number);
const child = fork(fileURLToPath(new URL('./fake-pubmed-process.ts', import.meta.url)), [String(n), String(rate)], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
const next = <T>() => new Promise<T>((res) => child.once('message', (m) => res(m as T)));
const { url } = await next<{ url: string }>();
const mb = (x: number) => (x / 2 ** 20).toFixed(0);
const before = process.memoryUsage();
let peak = { m: before, spaces: '' };
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  if (m.rss > peak.m.rss) peak = { m, spaces: getHeapSpaceStatistics().filter((s) => s.space_size > 2 ** 20).map((s) => `${s.space_name} ${mb(s.space_size)}/${mb(s.space_used_size)}`).join(', ') };
}, 50);
// A store that keeps nothing and takes `storeMs` per batch.
const store = {
  getCheckpoint: async () => undefined,
  putCheckpoint: async () => undefined,
  recordAttempt: async () => undefined,
  quarantine: async () => undefined,
  countCandidates: async () => 0,
  ingestBatch: async (records: unknown[]) => {
    await new Promise((r) => setTimeout(r, storeMs));
    return records.map(() => 'new');
  },
} as unknown as IngestStore;
const env = { PUBMED_EUTILS_URL: url, ...(rate > 3 ? { NCBI_API_KEY: 'k' } : {}) };
const limiter = pubmedLimiter(pubmedConfig(env));
const starts: number[] = [];
limiter.onStart.add((at) => void starts.push(at));
let fetchedAll: () => void = () => undefined;
const fetched = new Promise<void>((res) => (fetchedAll = res));
// With a slow store (as DynamoDB Local is), the report comes when the fetch side is done.
const cycle = runPollCycle({ sources: ['pubmed'], reviewIds: ['selfguided-depression'], doc: undefined as never, table: 'x', store, env, log: (m) => /: all \d+ batches fetched/.test(m) && fetchedAll(), backfillFrom: '2024-01-01', now: () => new Date('2025-01-01T12:00:00Z'), concurrency: 16 });
await Promise.race([cycle, fetched]);
clearInterval(sampler);
child.send('report');
const rep = await next<FakePubmedReport>();
child.send('close');
const q = rep.requests.map((x) => x.at);
const k = Math.max(1, Math.floor(rate));
let shrink = -Infinity;
if (q.length === starts.length) for (let i = k; i < q.length; i++) shrink = Math.max(shrink, starts[i] - starts[i - k] - (q[i] - q[i - k]));
const pct = (((q.length - 1) / ((q[q.length - 1] - q[0]) / 1000)) / rate) * 100;
const lpct = (((starts.length - 1) / ((starts[starts.length - 1] - starts[0]) / 1000)) / rate) * 100;
const inWin = (t: number[]) => { let best = 0, j = 0; for (let i = 0; i < t.length; i++) { while (t[i] - t[j] >= 1000) j++; best = Math.max(best, i - j + 1); } return best; };
console.log(`limiter's own max in 1 s ${inWin(starts)}; 429s ${rep.requests.filter((x) => x.status === 429).length}; fake loop max ${rep.loopMaxMs.toFixed(0)} ms`);
console.log(`${storeMs} ms per stored batch; ${q.length} requests at ${pct.toFixed(1)}% of ${rate}/s at the server (limiter ${lpct.toFixed(1)}%), max in 1 s ${rep.maxInWindow}; most a ${k + 1}-request span shrank on the way ${shrink.toFixed(1)} ms; load ${loadavg()[0].toFixed(1)}`);
console.log(`before: rss ${mb(before.rss)} heap ${mb(before.heapUsed)}/${mb(before.heapTotal)}; at peak RSS: rss ${mb(peak.m.rss)} heap ${mb(peak.m.heapUsed)}/${mb(peak.m.heapTotal)} external ${mb(peak.m.external)} arrayBuffers ${mb(peak.m.arrayBuffers)}; spaces ${peak.spaces}`);
process.exit(0);
