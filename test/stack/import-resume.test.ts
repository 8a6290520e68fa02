/**
 * A background import survives the local runner going away, as `npm start` runs it: a
 * 1,200-record RIS import is started from the API, the stack is stopped with Ctrl-C in the middle
 * (the job stays "running" at a chunk boundary), started again (the job resumes from its
 * checkpoint), killed with kill -9 in the middle of the resumed run, and started a third time: the
 * job finishes with the right counts, its progress reported all along, and DynamoDB Local holds
 * exactly one candidate, one "imported" event and one identifier claim per record.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient, tableName } from '../../functions/adapters/dynamo/client.js';
import { eventually, killDynamoOn, startStack, type Stack } from './harness.js';

const REVIEW = 'selfguided-depression';
const N = 1200;
const dataDir = mkdtempSync(join(tmpdir(), 'le-import-resume-'));
// No poll may run (POLL_ON_START=0, and the upstreams are unreachable should one be due).
const env = { POLL_ON_START: '0', PUBMED_EUTILS_URL: 'http://127.0.0.1:9', CTGOV_API_URL: 'http://127.0.0.1:9', EUROPE_PMC_URL: 'http://127.0.0.1:9', ISRCTN_API_URL: 'http://127.0.0.1:9' };
let stack: Stack | undefined;

afterAll(async () => {
  if (stack && stack.child.exitCode === null) await stack.stop();
  killDynamoOn(dataDir);
});

function ris(n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push('TY  - JOUR', `TI  - Resume trial number ${i} of a self-guided app`, 'PY  - 2025', `DO  - 10.8888/resume.${i}`, 'ER  - ');
  return out.join('\n');
}

async function api(path: string, token: string, body?: unknown) {
  const res = await fetch(`${stack!.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as any };
}

interface JobView {
  job: { status: string; processed: number; total: number; chunksDone: number; counts: { created: number; updated: number; duplicate: number } };
  progress: string;
}
const jobOf = async (jobId: string, token: string) => (await api(`/api/reviews/${REVIEW}/imports/${jobId}`, token)).json as JobView;

/** Polls the job until it is running with at least `min` records done and not yet finished. */
const runningPast = (jobId: string, token: string, min: number) =>
  eventually(async () => {
    const v = await jobOf(jobId, token);
    if (v.job.status === 'done') throw new Error('the job finished before the stack could be stopped: make N larger');
    return v.job.status === 'running' && v.job.processed >= min ? v : null;
  }, 900_000, `the import to pass ${min} records`);

describe('an import interrupted by stopping or killing the local stack', () => {
  it('resumes at each start from its checkpoint and writes every record exactly once', async () => {
    stack = await startStack({ dataDir, env });
    let lead = stack.signInToken('lead');
    const before = (await api(`/api/reviews/${REVIEW}/summary`, lead)).json.counts.screening as number;
    const pre = await api(`/api/reviews/${REVIEW}/imports`, lead, { format: 'ris', data: ris(N), fileName: 'resume.ris' });
    expect(pre.status, JSON.stringify(pre.json)).toBe(201);
    const jobId: string = pre.json.job.jobId;
    expect(pre.json.job).toMatchObject({ total: N, chunks: N / 50, preview: { new: N } });
    expect((await api(`/api/reviews/${REVIEW}/imports/${jobId}/start`, lead, {})).status).toBe(202);

    // 1. Ctrl-C while it runs: the chunk under way finishes and is checkpointed.
    const seen1 = await runningPast(jobId, lead, 100);
    expect(await stack.stop()).toBe(0);
    expect(stack.output()).toMatch(/stopped cleanly/);

    // 2. Second start: the job resumes where the checkpoint says (a multiple of the chunk size).
    stack = await startStack({ dataDir, env });
    const m = (await stack.waitFor(new RegExp(`import ${REVIEW}/${jobId}: resuming \\(running; (\\d+)/${N} records done, chunk (\\d+) of ${N / 50} next\\)`))) as RegExpMatchArray;
    const atStop = Number(m[1]);
    expect(atStop).toBeGreaterThanOrEqual(seen1.job.processed);
    expect(atStop % 50).toBe(0);
    expect(Number(m[2])).toBe(atStop / 50 + 1);
    expect(stack.output()).toMatch(/resumed 1 unfinished import job/);
    lead = stack.signInToken('lead');
    // progress is reported by the resumed run; kill -9 in its middle
    const seen2 = await runningPast(jobId, lead, atStop + 100);
    expect(seen2.progress).toMatch(new RegExp(`^Importing: [\\d,]+ of ${N.toLocaleString('en-GB')} records`));
    await stack.kill9();

    // 3. Third start: resumes again and finishes.
    stack = await startStack({ dataDir, env });
    const m3 = (await stack.waitFor(new RegExp(`import ${REVIEW}/${jobId}: resuming \\(running; (\\d+)/${N} records done`))) as RegExpMatchArray;
    expect(Number(m3[1])).toBeGreaterThanOrEqual(seen2.job.processed);
    lead = stack.signInToken('lead');
    let last: JobView | undefined;
    const done = await eventually(async () => {
      last = await jobOf(jobId, lead);
      return last.job.status === 'done' ? last : null;
    }, 900_000, 'the resumed import to finish').catch((err: Error) => {
      throw new Error(`${err.message}; job: ${JSON.stringify(last)}; stack output:\n${stack!.output().slice(-3000)}`);
    });
    expect(done.job).toMatchObject({ processed: N, chunksDone: N / 50, counts: { created: N, updated: 0, duplicate: 0 } });
    expect(done.progress).toBe(`Done: ${N.toLocaleString('en-GB')} records imported: ${N.toLocaleString('en-GB')} new, 0 updated, 0 duplicates.`);

    // Exactly once, in the stack's own database.
    const doc = createDocumentClient({ endpoint: stack.dynamoEndpoint(), region: 'us-east-1' });
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const r = await doc.send(new ScanCommand({ TableName: tableName(), ExclusiveStartKey: startKey, ConsistentRead: true }));
      items.push(...(r.Items ?? []));
      startKey = r.LastEvaluatedKey;
    } while (startKey);
    const candidates = items.filter((i) => i.entity === 'Candidate' && String(i.title).startsWith('Resume trial number '));
    const ids = new Set(candidates.map((c) => String(c.studyId)));
    expect(candidates).toHaveLength(N);
    expect(new Set(candidates.map((c) => c.title)).size).toBe(N);
    expect(items.filter((i) => i.entity === 'Event' && i.type === 'imported' && ids.has(String(i.studyId)))).toHaveLength(N);
    expect(items.filter((i) => i.entity === 'Identifier' && String(i.idValue).startsWith('10.8888/resume.'))).toHaveLength(N);
    const summary = await api(`/api/reviews/${REVIEW}/summary`, lead);
    expect(summary.json.counts.screening).toBe(before + N);
  }, 2_400_000);
});
