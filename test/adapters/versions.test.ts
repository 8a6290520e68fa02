/**
 * Issue 12 on DynamoDB Local with its stream: the curation API over HTTP writes, the stream
 * consumer hands batches to the reanalysis (the same code as the Lambda), the disk snapshot store
 * keeps the versions. Screening → no version; accept → N+1 naming the study with before → after;
 * withdraw → N+2 without it; replaying the stream or restarting → no version; every version
 * reproduces with 0 differences; a Metapsy import is exactly one version.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient, createTestTable } from '../../functions/adapters/dynamo/testing.js';
import { createCurationApp } from '../../functions/curation-api/app.js';
import { issueLocalToken } from '../../functions/curation-api/auth.js';
import { candidateItem } from '../../core/data-model/items.js';
import { diskSnapshotStore } from '../../functions/adapters/snapshot-store.js';
import { handleChanges } from '../../functions/reanalyse/handler.js';
import { reanalyseReview } from '../../functions/reanalyse/reanalyse.js';
import { startStreamConsumer, type StreamConsumer } from '../../scripts/lib/stream-consumer.js';
import { reproduceVersion } from '../../core/analysis/reproduce.js';
import { importMetapsyCsv } from '../../core/import/metapsy.js';
import { storeImportedStudies } from '../../functions/adapters/import-store.js';
import { ALL_REVIEWS } from '../../reviews/index.js';
import type { Candidate } from '../../core/evidence/candidate.js';
import { rowsExtraction, storedCandidate } from '../fixtures/builders.js';

const ROOT = resolve(__dirname, '..', '..');
const SECRET = 'test-secret-that-is-at-least-32-characters-long';
const REVIEW = ALL_REVIEWS.find((r) => r.id === 'cancer-digital')!;
const dir = mkdtempSync(join(tmpdir(), 'le-versions-'));
const store = diskSnapshotStore(join(dir, 'snapshots'));
const doc = createDocumentClient();
let table: string;
let server: ServerType;
let base: string;
let consumer: StreamConsumer | undefined;
const log: string[] = [];

function candidate(id: string, status: Candidate['status'], yi?: number): Candidate {
  return storedCandidate(REVIEW.id, id, {
    status,
    title: `Trial ${id} of a digital intervention`,
    sources: ['manual'],
    ...(yi !== undefined ? { extraction: rowsExtraction([{ outcome: 'depression', timepoint: 'post', instrument: 'PHQ-9', yi, vi: 0.04 }]) } : {}),
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  });
}

async function api(path: string, body: unknown, role: 'lead' | 'curator', sub = `${role}-1`) {
  const token = await issueLocalToken({ sub, name: sub, role }, SECRET);
  const r = await fetch(`${base}/api/reviews/${REVIEW.id}/candidates/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const json = await r.json();
  expect(r.status, JSON.stringify(json)).toBe(200);
  return json.candidate as Candidate;
}

/** Screens in at both stages (dual screening: two screeners). */
async function screenToExtraction(id: string): Promise<Candidate> {
  let c = { version: 1, status: 'screening' } as Candidate;
  for (let step = 0; c.status === 'screening' || c.status === 'fulltext'; step++) {
    c = await api(`${id}/screen`, { version: c.version, decision: 'include' }, step % 2 ? 'curator' : 'lead');
  }
  return c;
}

async function settle() {
  await consumer!.drain();
  await consumer!.drain();
}

let s1Version = 0;
const versions = () => store.listVersions(REVIEW.id);

beforeAll(async () => {
  table = await createTestTable('versions', { stream: true });
  const app = createCurationApp({ doc, table, reviews: [...ALL_REVIEWS], auth: { localSecret: SECRET } });
  server = await new Promise((res) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => res(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  for (const c of [candidate('a1', 'accepted', -0.5), candidate('a2', 'accepted', -0.2), candidate('s1', 'screening'), candidate('s2', 'screening')]) {
    await doc.send(new PutCommand({ TableName: table, Item: candidateItem(c) }));
  }
  consumer = await startStreamConsumer({
    table,
    checkpointFile: join(dir, 'cp.json'),
    pollMs: 100,
    settleMs: 300,
    log: (m) => log.push(m),
    onBatch: async (changes) => void (await handleChanges({ doc, table, store, log: (m) => log.push(m) }, changes)),
  });
  await settle();
}, 300_000);

afterAll(async () => {
  await consumer?.stop();
  await new Promise<void>((res) => server?.close(() => res()));
});

describe('versions on DynamoDB Local with its stream', () => {
  it('the seeded accepted studies are one version', async () => {
    expect(await versions()).toEqual([1]);
    const v1 = (await store.getLatest(REVIEW.id))!;
    expect(v1.outcomes.find((o) => o.id === 'depression')!.k).toBe(2);
    expect((await store.getCounts(REVIEW.id))!.counts).toMatchObject({ accepted: 2, screening: 2, total: 4 });
  });

  it('screening decisions make no version but update the counts', async () => {
    const c = await screenToExtraction('s1');
    s1Version = c.version;
    expect(c.status).toBe('extraction');
    await settle();
    expect(await versions()).toEqual([1]);
    expect((await store.getCounts(REVIEW.id))!.counts).toMatchObject({ accepted: 2, screening: 1, extraction: 1 });
    expect(log.some((l) => /no analysis input changed, version 1 stays \(curation counts updated\)/.test(l))).toBe(true);
  });

  it('accept → version 2 whose diff names the study and the before → after values', async () => {
    const before = (await store.getLatest(REVIEW.id))!.outcomes.find((o) => o.id === 'depression')!.result!;
    const ex = (await api('s1/accept', {
      version: s1Version,
      form: {
        arms: [
          { id: 'i1', label: 'App', role: 'intervention', nRandomised: 60, nAnalysed: 58 },
          { id: 'c1', label: 'Waiting list', role: 'control', nRandomised: 59, nAnalysed: 57 },
        ],
        outcomes: [{ outcome: 'depression', timepoint: 'post', instrument: 'PHQ-9', interventionArm: 'i1', controlArm: 'c1', format: 'mean-sd', intervention: { n: 58, mean: 7.9, sd: 4.1 }, control: { n: 57, mean: 10.2, sd: 4.6 } }],
        moderators: {},
        year: 2026,
      },
    }, 'lead'));
    expect(ex.status).toBe('accepted');
    s1Version = ex.version;
    await settle();
    expect(await versions()).toEqual([1, 2]);
    const v2 = (await store.getVersion(REVIEW.id, 2))!;
    expect(v2.diff.added).toEqual([{ id: 's1', label: 'Authors1 2020' }]);
    const after = v2.outcomes.find((o) => o.id === 'depression')!.result!;
    const est = v2.diff.outcomes.find((o) => o.id === 'depression')!.changes.find((x) => x.field === 'estimate')!;
    expect(est.before).toBe(before.estimate!.toFixed(2).replace('-', '−'));
    expect(est.after).toBe(after.estimate!.toFixed(2).replace('-', '−'));
    expect(est.before).not.toBe(est.after);
    expect(v2.summary).toMatch(/^1 study added \(Authors1 2020\); Depressive symptoms SMD −0\.35 → /);
  });

  it('withdraw → version 3 without the study, with the reason', async () => {
    await api('s1/withdraw', { version: s1Version, reason: 'data belonged to another trial' }, 'lead');
    await settle();
    expect(await versions()).toEqual([1, 2, 3]);
    const v3 = (await store.getVersion(REVIEW.id, 3))!;
    expect(v3.studies.map((s) => s.id)).not.toContain('s1');
    expect(v3.diff.removed).toEqual([{ id: 's1', label: 'Authors1 2020', reason: 'withdrawn: data belonged to another trial' }]);
  });

  it('replaying the whole stream or restarting makes no version', async () => {
    await consumer!.stop();
    // A consumer with no checkpoint replays every record from the start of the stream.
    consumer = await startStreamConsumer({
      table,
      checkpointFile: join(dir, 'fresh-cp.json'),
      pollMs: 100,
      settleMs: 300,
      log: () => {},
      onBatch: async (changes) => void (await handleChanges({ doc, table, store }, changes)),
    });
    await settle();
    expect(await versions()).toEqual([1, 2, 3]);
    // The start-up catch-up of `npm start` (every review re-pooled).
    const res = await reanalyseReview({ doc, table, store }, REVIEW);
    expect(res.published).toBe(false);
    expect(await versions()).toEqual([1, 2, 3]);
    // Immutable: no version file was rewritten (each still holds its own number and hash).
    for (const n of [1, 2, 3]) expect(JSON.parse(readFileSync(join(dir, 'snapshots', REVIEW.id, `v${n}.json`), 'utf8')).version).toBe(n);
  });

  it('npm run reproduce: every version recomputes with 0 differences', async () => {
    for (const n of await versions()) {
      const r = reproduceVersion((await store.getVersion(REVIEW.id, n))!);
      expect(r.values).toBeGreaterThan(10);
      expect(r.differing).toEqual([]);
      expect(r.hashMatches).toBe(true);
    }
    const out = execFileSync(process.execPath, [join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'scripts/reproduce.ts', '--review', REVIEW.id, '--version', '2'], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: dir },
      encoding: 'utf8',
    });
    const last = JSON.parse(out.trim().split('\n').pop()!);
    expect(last).toMatchObject({ review: REVIEW.id, version: 2, differing: 0 });
    expect(last.values).toBeGreaterThan(10);
  }, 300_000);

  it('a Metapsy import is exactly one version', async () => {
    const review = ALL_REVIEWS.find((r) => r.id === 'selfguided-depression')!;
    const csv = readFileSync(resolve(ROOT, '../shared/data/metapsy-depression-selfguided-psyctr/data.csv'), 'utf8');
    const { studies } = importMetapsyCsv(csv, review);
    await storeImportedStudies(studies, { client: doc, table, reviewId: review.id });
    await settle();
    expect(await store.listVersions(review.id)).toEqual([1]);
    expect((await store.getLatest(review.id))!.studies.length).toBe(studies.length);
    expect(readdirSync(join(dir, 'snapshots', review.id)).filter((f) => /^v\d+\.json$/.test(f))).toEqual(['v1.json']);
  }, 300_000);
});
