/**
 * Import jobs left unfinished by a stopped or killed local runner resume at the next start
 * (issue 16 §4/§7), on DynamoDB Local through the real API: `resumeUnfinishedImports` (what
 * `scripts/start.ts` runs at start-up) hands every `queued`/`running` job to a fresh in-process
 * dispatcher, which continues from the checkpoint. Proven by the table's contents: one candidate,
 * one `imported` event and one identifier claim per record, the job's counts, and the number of
 * writes the resumed run actually made (only what was still missing).
 *
 * The separate-process variant (kill -9 of `npm start` mid-import, then a second start) is
 * test/stack/import-resume.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CurationStore } from '../../functions/adapters/curation-store.js';
import { ImportJobStore } from '../../functions/adapters/import-job-store.js';
import { inProcessImportDispatcher, resumeUnfinishedImports } from '../../functions/import-worker/dispatch.js';
import type { ImportWorkerDeps } from '../../functions/import-worker/worker.js';
import { DUAL_REVIEW, SINGLE_REVIEW, startHarness, type Harness } from './harness.js';

let h: Harness;
let lead: string;
const rid = DUAL_REVIEW.id;
const clock = () => new Date('2026-12-02T10:00:00.000Z');

beforeAll(async () => {
  // The app's own dispatch does nothing here: each "process" below is a dispatcher of its own.
  h = await startHarness('import-resume', { now: clock, importDispatch: () => async () => undefined });
  lead = await h.token('lead', 'lead-1');
});
afterAll(() => h?.close());

function ris(n: number, prefix: string): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push('TY  - JOUR', `TI  - ${prefix} trial number ${i} of an app for depression`, 'PY  - 2024', `DO  - 10.5555/${prefix}.${i}`, 'ER  - ');
  return out.join('\n');
}

/** Preview and confirm a file through the API (the app's dispatch is a no-op): the job is `queued`. */
async function queuedJob(reviewId: string, n: number, prefix: string): Promise<string> {
  const pre = await h.req('POST', `/api/reviews/${reviewId}/imports`, { token: lead, body: { format: 'ris', data: ris(n, prefix), fileName: `${prefix}.ris` } });
  expect(pre.status, pre.text).toBe(201);
  const start = await h.req('POST', `/api/reviews/${reviewId}/imports/${pre.json.job.jobId}/start`, { token: lead });
  expect(start.status, start.text).toBe(202);
  return pre.json.job.jobId as string;
}

/** What the table holds for the records of one file (by title prefix and DOI prefix). */
async function stored(prefix: string) {
  const items = JSON.parse(await h.dump()) as Record<string, unknown>[];
  const candidates = items.filter((i) => i.entity === 'Candidate' && String(i.title).startsWith(`${prefix} trial number `));
  const ids = new Set(candidates.map((c) => String(c.studyId)));
  const imported = items.filter((i) => i.entity === 'Event' && i.type === 'imported' && ids.has(String(i.studyId ?? String(i.pk).split('#')[2])));
  const claims = items.filter((i) => i.entity === 'Identifier' && String(i.idValue).startsWith(`10.5555/${prefix}.`));
  return { candidates: candidates.length, distinctTitles: new Set(candidates.map((c) => c.title)).size, imported: imported.length, claims: claims.length };
}

/** A document client that counts the candidate creations (transactions) that succeeded or were refused. */
function countingDoc(doc: DynamoDBDocumentClient) {
  const n = { created: 0, refused: 0 };
  const counted = new Proxy(doc, {
    get(target, prop, recv) {
      if (prop !== 'send') return Reflect.get(target, prop, recv);
      return async (cmd: unknown) => {
        try {
          const r = await (target.send as (c: unknown) => Promise<unknown>)(cmd);
          if (cmd instanceof TransactWriteCommand) n.created++;
          return r;
        } catch (err) {
          if (cmd instanceof TransactWriteCommand) n.refused++;
          throw err;
        }
      };
    },
  });
  return { doc: counted as DynamoDBDocumentClient, n };
}

const job = async (reviewId: string, jobId: string) => (await h.req('GET', `/api/reviews/${reviewId}/imports/${jobId}`, { token: lead })).json;

describe('a restart resumes import jobs a stopped runner left unfinished', () => {
  it('stopped between chunks (Ctrl-C), killed mid-chunk (kill -9), and never picked up: all three finish once', async () => {
    // A job a user previewed and never confirmed, and one already done: not touched by a resume.
    const previewOnly = await h.req('POST', `/api/reviews/${rid}/imports`, { token: lead, body: { format: 'ris', data: ris(3, 'preview') } });
    expect(previewOnly.status).toBe(201);

    // 1. Ctrl-C after the first chunk: the first process's stop() lets the chunk finish and its
    //    checkpoint be written; the job stays "running" at 50 of 130.
    const stoppedId = await queuedJob(rid, 130, 'stopped');
    const first = { store: new CurationStore(h.doc, h.table), jobs: new ImportJobStore(h.doc, h.table), now: clock } satisfies ImportWorkerDeps;
    let settle!: (o: string) => void;
    const settled = new Promise<string>((r) => (settle = r));
    const proc1 = inProcessImportDispatcher({ ...first, onWrite: () => proc1.stop() }, { onSettled: (_m, o) => settle(o) });
    await proc1({ reviewId: rid, jobId: stoppedId });
    await proc1.idle();
    expect(await settled).toBe('stopped');
    const afterStop = await job(rid, stoppedId);
    expect(afterStop.job).toMatchObject({ status: 'running', chunksDone: 1, processed: 50, counts: { created: 50, updated: 0, duplicate: 0 } });
    expect(afterStop.progress).toMatch(/^Importing: 50 of 130 records \(38 %\)/);
    // a stopped dispatcher takes no new work
    await proc1({ reviewId: rid, jobId: stoppedId });
    await proc1.idle();
    expect((await job(rid, stoppedId)).job.processed).toBe(50);

    // 2. kill -9 in the middle of the second chunk: 20 of its 50 records are written, no checkpoint.
    const killedId = await queuedJob(SINGLE_REVIEW.id, 130, 'killed');
    let creates = 0;
    let freeze!: () => void;
    const frozen = new Promise<void>((r) => (freeze = r));
    class DyingStore extends CurationStore {
      override async createCandidate(...args: Parameters<CurationStore['createCandidate']>) {
        if (++creates > 70) {
          freeze();
          return new Promise<boolean>(() => undefined); // the process is gone: this write never returns
        }
        return super.createCandidate(...args);
      }
    }
    const proc2 = inProcessImportDispatcher({ store: new DyingStore(h.doc, h.table), jobs: new ImportJobStore(h.doc, h.table), now: clock });
    await proc2({ reviewId: SINGLE_REVIEW.id, jobId: killedId });
    await frozen; // proc2 is abandoned from here on, as a killed process would be
    const afterKill = await job(SINGLE_REVIEW.id, killedId);
    expect(afterKill.job).toMatchObject({ status: 'running', chunksDone: 1, processed: 50 });
    expect(await stored('killed')).toMatchObject({ candidates: 70, imported: 70, claims: 70 });

    // 3. Confirmed, but the process died before a worker took it: still "queued".
    const queuedId = await queuedJob(rid, 60, 'queued');
    expect((await job(rid, queuedId)).job.status).toBe('queued');

    // The next start: a fresh process resumes exactly the unfinished jobs.
    const { doc, n } = countingDoc(h.doc);
    const outcomes = new Map<string, string>();
    const proc3 = inProcessImportDispatcher({ store: new CurationStore(doc, h.table), jobs: new ImportJobStore(doc, h.table), now: clock }, { onSettled: (m, o) => outcomes.set(m.jobId, o) });
    const resumed = await resumeUnfinishedImports({ jobs: new ImportJobStore(h.doc, h.table) }, [rid, SINGLE_REVIEW.id], proc3);
    expect(resumed.map((j) => j.jobId).sort()).toEqual([stoppedId, killedId, queuedId].sort());
    await proc3.idle();
    expect(Object.fromEntries(outcomes)).toEqual({ [stoppedId]: 'done', [killedId]: 'done', [queuedId]: 'done' });

    // Progress and counts as if nothing had happened.
    const s = await job(rid, stoppedId);
    expect(s.job).toMatchObject({ status: 'done', processed: 130, chunksDone: 3, counts: { created: 130, updated: 0, duplicate: 0 } });
    expect(s.progress).toBe('Done: 130 records imported: 130 new, 0 updated, 0 duplicates.');
    expect((await job(SINGLE_REVIEW.id, killedId)).job).toMatchObject({ status: 'done', processed: 130, counts: { created: 130, updated: 0, duplicate: 0 } });
    expect((await job(rid, queuedId)).job).toMatchObject({ status: 'done', processed: 60, counts: { created: 60, updated: 0, duplicate: 0 } });

    // Nothing written twice: one candidate, one "imported" event and one identifier claim per record ...
    expect(await stored('stopped')).toEqual({ candidates: 130, distinctTitles: 130, imported: 130, claims: 130 });
    expect(await stored('killed')).toEqual({ candidates: 130, distinctTitles: 130, imported: 130, claims: 130 });
    expect(await stored('queued')).toEqual({ candidates: 60, distinctTitles: 60, imported: 60, claims: 60 });
    // ... and the resumed run created only what was missing (80 + 60 + 60); the 20 records the killed
    // process had written in its unfinished chunk were refused by their conditions, not rewritten.
    expect(n).toEqual({ created: 80 + 60 + 60, refused: 20 });

    // The previewed job is still waiting for its confirmation; a second start resumes nothing.
    expect((await job(rid, previewOnly.json.job.jobId)).job.status).toBe('preview');
    expect(await stored('preview')).toMatchObject({ candidates: 0 });
    const dump = await h.dump();
    const proc4 = inProcessImportDispatcher({ store: new CurationStore(h.doc, h.table), jobs: new ImportJobStore(h.doc, h.table), now: clock });
    expect(await resumeUnfinishedImports({ jobs: new ImportJobStore(h.doc, h.table) }, [rid, SINGLE_REVIEW.id], proc4)).toEqual([]);
    await proc4.idle();
    expect(await h.dump()).toBe(dump);
  });
});
