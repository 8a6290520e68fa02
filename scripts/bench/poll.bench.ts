/**
 * Poller benchmark: a PubMed backfill of 20,000 records (2,000 with `quick`) from the fake
 * E-utilities server (real HTTP, real XML, in its own process) into DynamoDB Local, at the allowed
 * request rate (3/s without NCBI_API_KEY; set BENCH_NCBI_KEY=1 for 10/s).
 *
 * Prints: requests/s as measured at the server over the fetch phase (and the largest count in any
 * one-second window: must never exceed the rate), records/s of the fetch side and end to end (the
 * store side is DynamoDB Local's write rate on this machine), peak RSS and heap of the poller
 * process, the spool's peak, and DynamoDB write calls and items per record; then a re-poll, which
 * must write nothing but checkpoints. Uses DYNAMODB_ENDPOINT when set, else starts an in-memory
 * DynamoDB Local.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { createDocumentClient, createDynamoClient } from '../../functions/adapters/dynamo/client.js';
import { ensureTable } from '../../functions/adapters/dynamo/tables.js';
import { IngestStore } from '../../functions/adapters/ingest-store.js';
import { runPollCycle } from '../../functions/poll-common/cycle.js';
import { JITTER_TOLERANCE_MS, type StartWait } from '../../functions/poll-common/http.js';
import { pubmedConfig, pubmedLimiter } from '../../functions/adapters/pubmed/client.js';
import type { SpoolStats } from '../../functions/poll-common/spool.js';
import { startDynamoLocal, type DynamoLocal } from '../lib/dynamo-local.js';
import type { FakePubmedReport } from './lib/fake-pubmed-process.js';
import { hasPollerNodeFlags, POLLER_NODE_FLAGS } from '../../functions/poll-common/node-flags.js';

function nextMessage<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`fake PubMed exited (${code}) before answering`));
    child.once('exit', onExit);
    child.once('message', (m) => {
      child.off('exit', onExit);
      resolve(m as T);
    });
  });
}

export default async function pollBench(opts: { quick: boolean }): Promise<void> {
  // The poller runs in this process: give it the flags the product's pollers run with (the Lambda's
  // NODE_OPTIONS, `npm run poll`), by running this bench again in a child process that has them.
  if (!hasPollerNodeFlags()) {
    console.log(`  (re-running in a child process with the pollers' Node flags: ${POLLER_NODE_FLAGS.join(' ')})`);
    const code = await new Promise<number | null>((res, rej) => {
      const c = fork(fileURLToPath(import.meta.url), opts.quick ? ['--quick'] : [], { execArgv: ['--import', 'tsx', ...POLLER_NODE_FLAGS], stdio: 'inherit' });
      c.on('error', rej);
      c.on('exit', (code) => res(code));
    });
    if (code !== 0) throw new Error(`poll bench child exited with ${code}`);
    return;
  }
  const n = Number(process.env.BENCH_POLL_RECORDS) || (opts.quick ? 2_000 : 20_000);
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
  const child = fork(fileURLToPath(new URL('./lib/fake-pubmed-process.ts', import.meta.url)), [String(n), String(rate)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  // What the process holds before polling (SDK, loader, DynamoDB client), to read the peak against.
  const startRss = process.memoryUsage().rss;
  let peakRss = 0;
  let peakHeap = 0;
  /** What made up the RSS at its peak: V8 heap (used/total) and memory outside it (Buffers). */
  let atPeak = process.memoryUsage();
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    if (m.rss > peakRss) atPeak = m;
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 100);
  const store = new IngestStore(doc, table);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  let lastLog = 0;
  // The limiter's own starts (this process's clock): where rate is lost, before any network.
  const starts: { at: number; w: StartWait }[] = [];
  const watch = (at: number, w: StartWait) => void starts.push({ at, w });
  let limiterKey: ReturnType<typeof pubmedLimiter> | undefined;
  /** The limiter's figures: its rate, and where the gaps beyond its spacing came from. */
  const limiterLine = () => {
    if (!limiterKey || starts.length < 2) return;
    // Each gap beyond the spacing is either idle (no request was waiting when the spacing allowed
    // one) or late (a request waited, its release came late: timers, a busy event loop).
    let idle = 0;
    let late = 0;
    let idleGaps = 0;
    for (let i = 1; i < starts.length; i++) {
      const { at, w } = starts[i];
      const idleMs = Math.max(0, w.requestedAt - w.allowedAt);
      if (idleMs > 1) idleGaps++;
      idle += idleMs;
      late += Math.max(0, at - Math.max(w.requestedAt, w.allowedAt));
    }
    const lg = starts.slice(1).map((x, i) => x.at - starts[i].at).sort((a, b) => a - b);
    const lp = (p: number) => lg[Math.min(lg.length - 1, Math.floor(p * lg.length))].toFixed(0);
    const lspan = (starts[starts.length - 1].at - starts[0].at) / 1000;
    const lrate = (starts.length - 1) / lspan;
    // The limiter's own count in any 1-s window (its clock): above `rate` only at the server means
    // the requests bunched on the way (a stalled event loop on either side), not at the limiter.
    let lmax = 0;
    for (let i = 0, j = 0; i < starts.length; i++) {
      while (starts[i].at - starts[j].at >= 1000) j++;
      lmax = Math.max(lmax, i - j + 1);
    }
    console.log(`  limiter starts  ${starts.length} at ${lrate.toFixed(2)}/s = ${((lrate / rate) * 100).toFixed(1)}% of ${rate}/s (its ceiling ${((1000 / (limiterKey.intervalMs * rate)) * 100).toFixed(1)}%: slots ${limiterKey.intervalMs.toFixed(1)} ms apart, any ${limiterKey.perWindow + 1} starts ≥ ${limiterKey.windowMs.toFixed(0)} ms apart; max ${lmax} starts in any 1 s); gaps p50 ${lp(0.5)} ms, p90 ${lp(0.9)} ms, max ${lp(1)} ms; beyond the schedule: idle ${idle.toFixed(0)} ms in ${idleGaps} gaps (no request waiting), late ${late.toFixed(0)} ms in all (releases late, partly made up)`);
  };
  try {
    const { url } = await nextMessage<{ url: string }>(child);
    const env = { PUBMED_EUTILS_URL: url, ...(withKey ? { NCBI_API_KEY: 'bench-key' } : {}), ...(process.env.POLL_REQUEST_WORKER ? { POLL_REQUEST_WORKER: process.env.POLL_REQUEST_WORKER } : {}) };
    limiterKey = pubmedLimiter(pubmedConfig(env));
    limiterKey.onStart.add(watch);
    const fetchPhase = async () => {
      child.send('report');
      const rep = await nextMessage<FakePubmedReport>(child);
      const q = rep.requests;
      const r = (q.length - 1) / ((q[q.length - 1].at - q[0].at) / 1000);
      limiterLine();
      console.log(`  fetch phase     ${q.length} requests at ${r.toFixed(2)}/s = ${((r / rate) * 100).toFixed(1)}% of ${rate}/s; max in any 1 s window ${rep.maxInWindow}; 429 answers ${q.filter((x) => x.status === 429).length}; fake server's event-loop delay max ${rep.loopMaxMs.toFixed(0)} ms (requests arriving meanwhile are timestamped together); poller RSS so far ${(peakRss / 2 ** 20).toFixed(0)} MB; load ${loadavg()[0].toFixed(1)}`);
    };
    const spools: SpoolStats[] = [];
    const t0 = performance.now();
    loop.enable();
    const r = await runPollCycle({
      sources: ['pubmed'],
      reviewIds: ['selfguided-depression'],
      doc,
      table,
      store,
      env,
      log: (m) => {
        // The fetch phase ends long before the store side (DynamoDB Local's write rate) is done:
        // its figures are printed at once.
        if (/: all \d+ batches fetched/.test(m)) void fetchPhase();
        if (performance.now() - lastLog > 5000) {
          lastLog = performance.now();
          process.stderr.write(`  ${m}\n`);
        }
      },
      backfillFrom: '2024-01-01',
      now: () => new Date('2025-01-01T12:00:00Z'),
      concurrency: 16,
      onSpool: (s) => spools.push(s),
    });
    const seconds = (performance.now() - t0) / 1000;
    loop.disable();
    limiterKey.onStart.delete(watch);
    child.send('report');
    const report = await nextMessage<FakePubmedReport>(child);
    const reqs = report.requests;
    const span = (reqs[reqs.length - 1].at - reqs[0].at) / 1000;
    // n requests spaced 1/rate apart span (n − 1)/rate seconds.
    const reqRate = (reqs.length - 1) / span;
    const gaps = reqs.slice(1).map((q, i) => q.at - reqs[i].at).sort((a, b) => a - b);
    const pct = (p: number) => gaps[Math.min(gaps.length - 1, Math.floor(p * gaps.length))].toFixed(0);
    const closest = Math.min(...reqs.slice(rate).map((q, i) => q.at - reqs[i].at));
    const status429 = reqs.filter((q) => q.status === 429).length;
    // How much closer k + 1 consecutive requests came at the server than they started at the
    // limiter (the i-th arrival against the i-th start): the jitter the window's tolerance must cover.
    const k = limiterKey.perWindow;
    let shrink = -Infinity;
    if (starts.length === reqs.length) for (let i = k; i < reqs.length; i++) shrink = Math.max(shrink, starts[i].at - starts[i - k].at - (reqs[i].at - reqs[i - k].at));
    const fetchSeconds = spools.reduce((a, s) => a + s.producerMs, 0) / 1000;
    const peakSpool = Math.max(0, ...spools.map((s) => s.peakBytes));
    const peakSpoolItems = Math.max(0, ...spools.map((s) => s.peakItems));
    const perRecord = (x: number) => (x / Math.max(1, r.new)).toFixed(2);
    const load = loadavg();
    console.log(`poll backfill (${n} records${opts.quick ? ', quick' : ''}, ${rate} req/s allowed; requests sent from ${process.env.POLL_REQUEST_WORKER === '1' ? 'the request worker thread' : 'the main thread'}; Node flags ${POLLER_NODE_FLAGS.join(' ')}; machine load ${load.map((x) => x.toFixed(1)).join(' / ')} (1/5/15 min) on ${cpus().length} cores)`);
    console.log(`  stored          ${r.new} new, ${r.failures.length} failed cycles, ${r.candidates} candidates`);
    console.log(`  requests/s      ${reqRate.toFixed(2)} at the server over the fetch phase (${reqs.length} requests in ${span.toFixed(1)} s) = ${((reqRate / rate) * 100).toFixed(1)}% of ${rate}/s; max in any 1 s window: ${report.maxInWindow}; 429 answers: ${status429}`);
    console.log(`  request gaps    p50 ${pct(0.5)} ms, p90 ${pct(0.9)} ms, max ${pct(1)} ms (limiter slots ${limiterKey.intervalMs.toFixed(1)} ms); closest ${rate + 1} consecutive arrivals span ${closest.toFixed(0)} ms (≥ 1000 = never above the rate); ${Number.isFinite(shrink) ? `${k + 1} consecutive requests came at most ${shrink.toFixed(1)} ms closer at the server than at the limiter (tolerance ${JITTER_TOLERANCE_MS} ms)` : 'arrivals and starts differ in number (retries): no shrink figure'}; poller event-loop delay p99 ${(loop.percentile(99) / 1e6).toFixed(0)} ms, max ${(loop.max / 1e6).toFixed(0)} ms; fake server's p99 ${report.loopP99Ms.toFixed(0)} ms, max ${report.loopMaxMs.toFixed(0)} ms`);
    limiterLine();
    console.log(`  records/s       fetch side ${(r.fetched / fetchSeconds).toFixed(1)} (all fetched in ${fetchSeconds.toFixed(1)} s); end to end ${(r.new / seconds).toFixed(1)} (stored in ${seconds.toFixed(1)} s: DynamoDB Local's write rate here)`);
    const mb = (x: number) => (x / 2 ** 20).toFixed(0);
    console.log(`  peak memory     poller RSS ${mb(peakRss)} MB (${mb(startRss)} MB before polling; at the peak: heap ${mb(atPeak.heapUsed)} used of ${mb(atPeak.heapTotal)}, Buffers ${mb(atPeak.arrayBuffers)}), peak heap ${mb(peakHeap)} MB (target < 256 MB); spool on disk peak ${(peakSpool / 2 ** 20).toFixed(1)} MB in ${peakSpoolItems} batches`);
    console.log(`  DynamoDB        ${perRecord(store.stats.writeCalls)} write calls/record, ${perRecord(store.stats.writeItems)} items written/record, ${perRecord(store.stats.readCalls)} read calls/record, ${store.stats.conflicts} conflicts`);
    // Re-poll: unchanged records must cost no writes.
    const before = store.stats.writeCalls;
    const again = await runPollCycle({ sources: ['pubmed'], reviewIds: ['selfguided-depression'], doc, table, store, env: { PUBMED_EUTILS_URL: url }, log: () => undefined, now: () => new Date('2025-01-02T12:00:00Z'), concurrency: 16 });
    console.log(`  re-poll         ${again.fetched} fetched, ${again.unchanged} unchanged, ${store.stats.writeCalls - before} write calls (checkpoints only)`);
    // One line with the budget's figures (issue 15 item 4), for the README's table.
    const ok = (b: boolean) => (b ? 'met' : 'NOT met');
    console.log(`  BUDGET ${rate}/s: ${((reqRate / rate) * 100).toFixed(1)}% of the allowed rate at the server (≥ 90 %: ${ok(reqRate / rate >= 0.9)}); max ${report.maxInWindow} requests in any 1 s at the fake (≤ ${rate}: ${ok(report.maxInWindow <= rate)}); 429s ${status429}; poller peak RSS ${mb(peakRss)} MB (< 256: ${ok(peakRss < 256 * 2 ** 20)}); load ${load.map((x) => x.toFixed(1)).join(' / ')}`);
  } finally {
    limiterKey?.onStart.delete(watch);
    clearInterval(sampler);
    if (child.exitCode === null) {
      const exited = new Promise((res) => child.once('exit', res));
      child.send('close');
      await Promise.race([exited, new Promise((res) => setTimeout(res, 5000))]);
      child.kill();
    }
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
