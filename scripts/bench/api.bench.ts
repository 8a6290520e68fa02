/**
 * Curation API benchmark: the queue listing (GSI1 query, 25 per page) with 10,000 candidates,
 * 50 concurrent connections, against the real app on @hono/node-server and DynamoDB Local.
 * Prints p50/p95/p99 latency, throughput and errors. Target: p95 < 100 ms, zero errors.
 * `quick`: 1,000 candidates and a 5 s run.
 */
import { randomUUID } from 'node:crypto';
import type { Candidate } from '../../core/evidence/candidate.js';
import { ALL_REVIEWS } from '../../reviews/index.js';
import { createCurationApp } from '../../functions/curation-api/app.js';
import { issueLocalToken } from '../../functions/curation-api/auth.js';
import { startBenchStack } from './lib/stack.js';

interface AutocannonResult {
  latency: { p50: number; p97_5: number; p99: number; max: number; [k: string]: number };
  requests: { average: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}
type Autocannon = (opts: { url: string; connections: number; duration: number; headers: Record<string, string> }) => Promise<AutocannonResult>;
/** autocannon ships no type declarations: load it untyped and describe the part used here. */
async function loadAutocannon(): Promise<Autocannon> {
  const name = 'autocannon';
  return ((await import(name)) as { default: Autocannon }).default;
}

function candidates(reviewId: string, n: number): Candidate[] {
  return Array.from({ length: n }, (_, i) => {
    const at = new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString();
    return {
      entity: 'Candidate',
      reviewId,
      studyId: `bench-${i}`,
      status: 'screening',
      version: 1,
      title: `Randomised trial ${i} of a smartphone CBT programme for depressive symptoms in adults`,
      abstract: 'Background: ... Methods: participants were randomly allocated ... Results: ... '.repeat(8),
      year: 2015 + (i % 10),
      sources: i % 3 === 0 ? ['pubmed', 'ctgov'] : ['pubmed'],
      identifiers: [{ type: 'pmid', value: String(30_000_000 + i) }],
      triage: { score: (i * 37) % 101, reasons: ['randomised in title', 'RCT publication type'] },
      createdAt: at,
      updatedAt: at,
    };
  });
}

export default async function bench(opts: { quick: boolean }): Promise<void> {
  const n = opts.quick ? 1_000 : 10_000;
  const duration = opts.quick ? 5 : 20;
  const stack = await startBenchStack('api');
  const { doc, table } = stack;
  try {
    const review = ALL_REVIEWS[0];
    const t0 = performance.now();
    await stack.seed(candidates(review.id, n), 4);
    console.log(`api.bench: seeded ${n} candidates in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    const secret = randomUUID() + randomUUID();
    const token0 = { secret: randomUUID() + randomUUID() };
    const token = await issueLocalToken({ sub: 'bench', role: 'curator' }, token0.secret);
    const autocannon = await loadAutocannon();
    const headers = { authorization: `Bearer ${token}` };
    const runs: { label: string; cacheMs: number }[] = [
      { label: 'queue cache off (every request queries GSI1)', cacheMs: 0 },
      { label: 'queue cache on (single-flight, 1 s per instance, invalidated by writes)', cacheMs: 1000 },
    ];
    let met = true;
    for (const [i, run] of runs.entries()) {
      const app = createCurationApp({ doc, table, reviews: ALL_REVIEWS, auth: { localSecret: token0.secret }, queueCacheMs: run.cacheMs });
      const served = await stack.serve(app.fetch);
      const port = new URL(served.base).port;
      if (i === 0) {
        // The same app without the database: token check, routing, JSON (for comparison).
        const me = await autocannon({ url: `http://127.0.0.1:${port}/api/me`, connections: 50, duration: Math.min(5, duration), headers });
        console.log(`api.bench: GET /api/me (no database), 50 connections: p50 ${me.latency.p50} ms, p95 ${me.latency.p95 ?? me.latency.p97_5} ms, p99 ${me.latency.p99} ms; ${me.requests.average.toFixed(0)} req/s; errors ${me.errors}, non-2xx ${me.non2xx}`);
      }
      const url = `http://127.0.0.1:${port}/api/reviews/${review.id}/queue?status=screening&limit=25`;
      for (let w = 0; w < 10; w++) await fetch(url, { headers }).then((r) => r.arrayBuffer());
      const result = await autocannon({ url, connections: 50, duration, headers });
      const l = result.latency;
      const p95 = l.p95 ?? l.p97_5;
      console.log(
        `api.bench: GET queue (limit 25) over ${n} candidates, 50 connections, ${duration} s, ${run.label}: ` +
          `p50 ${l.p50} ms, p95 ${p95} ms, p99 ${l.p99} ms, max ${l.max} ms; ` +
          `${result.requests.average.toFixed(0)} req/s; errors ${result.errors}, timeouts ${result.timeouts}, non-2xx ${result.non2xx}`,
      );
      if (run.cacheMs > 0) met = p95 < 100 && result.errors === 0 && result.non2xx === 0;
      await served.close();
    }
    console.log(`api.bench: target p95 < 100 ms and zero errors (as deployed, cache on): ${met ? 'MET' : 'NOT MET'}`);
  } finally {
    await stack.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  bench({ quick: process.argv.includes('quick') || process.argv.includes('--quick') }).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
