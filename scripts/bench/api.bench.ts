/**
 * Curation API benchmark: the queue listing (GSI1 query, 25 per page) with 10,000 candidates,
 * 50 concurrent connections, against the real app on @hono/node-server and DynamoDB Local.
 * Prints p50/p95/p99 latency, throughput and errors. Target: p95 < 100 ms, zero errors.
 * `quick`: 1,000 candidates and a 5 s run.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { candidateItem } from '../../core/data-model/items.js';
import type { Candidate } from '../../core/evidence/candidate.js';
import { ALL_REVIEWS } from '../../reviews/index.js';
import { createDocumentClient, createDynamoClient } from '../../functions/adapters/dynamo/client.js';
import { ensureTable } from '../../functions/adapters/dynamo/tables.js';
import { createCurationApp } from '../../functions/curation-api/app.js';
import { issueLocalToken } from '../../functions/curation-api/auth.js';
import { startDynamoLocal, type DynamoLocal } from '../lib/dynamo-local.js';

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

async function seed(doc: DynamoDBDocumentClient, table: string, reviewId: string, n: number): Promise<void> {
  const items = Array.from({ length: n }, (_, i) => {
    const at = new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString();
    const c: Candidate = {
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
    return candidateItem(c);
  });
  const batches: (typeof items)[] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < batches.length) {
        let req: Record<string, unknown>[] | undefined = batches[next++].map((Item) => ({ PutRequest: { Item } }));
        while (req && req.length) {
          const r = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: req as never } }));
          req = r.UnprocessedItems?.[table] as Record<string, unknown>[] | undefined;
        }
      }
    }),
  );
}

export default async function bench(opts: { quick: boolean }): Promise<void> {
  const n = opts.quick ? 1_000 : 10_000;
  const duration = opts.quick ? 5 : 20;
  let db: DynamoLocal | undefined;
  if (!process.env.DYNAMODB_ENDPOINT) {
    db = await startDynamoLocal();
    process.env.DYNAMODB_ENDPOINT = db.endpoint;
  }
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  const config = { endpoint, region: process.env.AWS_REGION ?? 'us-east-1' };
  const table = `bench-api-${randomUUID().slice(0, 8)}`;
  const client = createDynamoClient(config);
  let server: ServerType | undefined;
  try {
    await ensureTable(client, table);
    const doc = createDocumentClient(config);
    const review = ALL_REVIEWS[0];
    const t0 = performance.now();
    await seed(doc, table, review.id, n);
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
      const srv = await new Promise<ServerType>((res) => {
        const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => res(s));
      });
      server = srv;
      const port = (srv.address() as AddressInfo).port;
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
      await new Promise<void>((res) => srv.close(() => res()));
      server = undefined;
    }
    console.log(`api.bench: target p95 < 100 ms and zero errors (as deployed, cache on): ${met ? 'MET' : 'NOT MET'}`);
  } finally {
    if (server) await new Promise<void>((res) => server!.close(() => res()));
    try {
      await client.send(new DeleteTableCommand({ TableName: table }));
    } catch {
      /* gone */
    }
    if (db) {
      await db.stop();
      delete process.env.DYNAMODB_ENDPOINT;
    }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  bench({ quick: process.argv.includes('quick') || process.argv.includes('--quick') }).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
