/**
 * The fake E-utilities server in its own process, so that the poller benchmark's memory figure is
 * the poller's alone (the fake holds its whole corpus in memory). Driven over IPC by
 * scripts/bench/poll.bench.ts: it answers `{ url }` when listening, and `{ requests, maxInWindow }`
 * (timestamps on its own clock) to a 'report' message; 'close' stops it.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { generateArticles, startFakePubmed } from '../../../test/fakes/pubmed.js';

export interface FakePubmedReport {
  requests: { at: number; status?: number; path: string }[];
  maxInWindow: number;
  /** The fake's own event-loop delay while serving (ms): a busy fake timestamps arrivals late. */
  loopMaxMs: number;
  loopP99Ms: number;
}

const [count, rate] = process.argv.slice(2).map(Number);
// Entry dates over one year: the first esearch exceeds the 9,999 cap when count = 20,000.
const corpus = generateArticles({ count, seed: 2025, from: '2024-01-01', to: '2024-12-31' });
const pm = await startFakePubmed({ corpus, enforceRate: rate, frozen: true });
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
process.send!({ url: pm.url });
process.on('message', (m: string) => {
  if (m === 'report') {
    const report: FakePubmedReport = { requests: pm.requests.map((r) => ({ at: r.at, path: r.path, ...(r.status !== undefined ? { status: r.status } : {}) })), maxInWindow: pm.maxInWindow(1000), loopMaxMs: loop.max / 1e6, loopP99Ms: loop.percentile(99) / 1e6 };
    process.send!(report);
  } else if (m === 'close') {
    void pm.close().then(() => process.exit(0));
  }
});
