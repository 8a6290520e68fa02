/**
 * Importing into DynamoDB Local: accepted candidates + audit events, idempotent re-import,
 * versioned updates, curated decisions left alone, and the CLI end to end.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { GetCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { candidateKey, eventPartition, queuePartition, studyCandidatesIndexKeys } from '../../core/data-model/keys.js';
import { importMetapsyCsv, type ImportedStudy } from '../../core/import/metapsy.js';
import { createDocumentClient, queryAll } from '../../functions/adapters/dynamo/client.js';
import { createTestTable, dropTestTable } from '../../functions/adapters/dynamo/testing.js';
import { storeImportedStudies } from '../../functions/adapters/import-store.js';
import { getReview } from '../../reviews/index.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '../..');
const csvPath = join(repo, '../shared/data/metapsy-depression-selfguided-psyctr/data.csv');
const review = getReview('selfguided-depression');
const { studies } = importMetapsyCsv(readFileSync(csvPath, 'utf8'), review);

let client: DynamoDBDocumentClient;
let table: string;
let tick = 0;
const now = () => new Date(Date.UTC(2026, 0, 1, 0, 0, tick++)).toISOString();

/** Every item of a partition of the table (or of a GSI), all pages. */
async function partition(pk: string, index?: 'gsi1' | 'gsi2') {
  return queryAll(client, {
    TableName: table,
    IndexName: index,
    KeyConditionExpression: '#p = :p',
    ExpressionAttributeNames: { '#p': index ? `${index}pk` : 'pk' },
    ExpressionAttributeValues: { ':p': pk },
  });
}

beforeAll(async () => {
  table = await createTestTable('import');
  client = createDocumentClient();
});
afterAll(async () => {
  client?.destroy();
  await dropTestTable(table);
});

describe('storeImportedStudies', () => {
  it('dry run reads and decides but writes nothing', async () => {
    const r = await storeImportedStudies(studies, { client, table, reviewId: review.id, now, dryRun: true });
    expect(r).toMatchObject({ created: studies.length, updated: 0, unchanged: 0, itemsWritten: 0 });
    expect(await partition(queuePartition(review.id, 'accepted'), 'gsi1')).toHaveLength(0);
  });

  it('first import writes every study as an accepted candidate with an event; a second import writes 0 items', async () => {
    const first = await storeImportedStudies(studies, { client, table, reviewId: review.id, now });
    expect(first).toMatchObject({ created: 69, updated: 0, unchanged: 0, kept: 0, itemsWritten: 138, conflicts: [] });

    const queue = await partition(queuePartition(review.id, 'accepted'), 'gsi1');
    expect(queue).toHaveLength(69);
    const s0 = studies[0];
    const item = (await client.send(new GetCommand({ TableName: table, Key: candidateKey(review.id, s0.studyId) }))).Item!;
    expect(item).toMatchObject({
      entity: 'Candidate',
      status: 'accepted',
      version: 1,
      sources: ['metapsy'],
      identifiers: [{ type: 'metapsy', value: s0.label }],
      attribution: s0.attribution,
      extraction: JSON.parse(JSON.stringify(s0.extraction)),
      ...studyCandidatesIndexKeys(s0.studyId, review.id),
    });
    const byStudy = await partition(studyCandidatesIndexKeys(s0.studyId, review.id).gsi2pk, 'gsi2');
    // GSI2 is KEYS_ONLY: a study's reviews come back as keys (the candidate itself is one GetItem away).
    expect(byStudy.map((i) => i.gsi2sk)).toEqual([studyCandidatesIndexKeys(s0.studyId, review.id).gsi2sk]);
    expect(byStudy[0]).not.toHaveProperty('extraction');
    const events = await partition(eventPartition(review.id, s0.studyId));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ entity: 'Event', type: 'imported', actor: 'importer', after: { version: 1 } });
    expect(events[0].before).toBeUndefined();

    const second = await storeImportedStudies(studies, { client, table, reviewId: review.id, now });
    expect(second).toMatchObject({ created: 0, updated: 0, unchanged: 69, itemsWritten: 0 });
    expect(await partition(eventPartition(review.id, s0.studyId))).toHaveLength(1);
  });

  it('a changed study is updated with version + 1 and an event holding before and after', async () => {
    const changed: ImportedStudy = structuredClone(studies[1]);
    changed.extraction.outcomes[0].yi = (changed.extraction.outcomes[0].yi ?? 0) + 0.1;
    const r = await storeImportedStudies([changed, studies[2]], { client, table, reviewId: review.id, now });
    expect(r).toMatchObject({ created: 0, updated: 1, unchanged: 1, itemsWritten: 2 });
    const item = (await client.send(new GetCommand({ TableName: table, Key: candidateKey(review.id, changed.studyId) }))).Item!;
    expect(item.version).toBe(2);
    expect(item.extraction.outcomes[0].yi).toBeCloseTo(changed.extraction.outcomes[0].yi!, 12);
    const events = await partition(eventPartition(review.id, changed.studyId));
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({ type: 'imported', before: { version: 1 }, after: { version: 2 } });
    expect(String(events[1].at) > String(events[0].at)).toBe(true);
  });

  it("a curator's decision (withdrawn) is not overwritten by a re-import", async () => {
    const s = studies[3];
    await client.send(
      new UpdateCommand({
        TableName: table,
        Key: candidateKey(review.id, s.studyId),
        UpdateExpression: 'SET #s = :w',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':w': 'withdrawn' },
      }),
    );
    const changed: ImportedStudy = structuredClone(s);
    changed.title = 'changed';
    const r = await storeImportedStudies([changed], { client, table, reviewId: review.id, now });
    expect(r).toMatchObject({ kept: 1, itemsWritten: 0 });
    const item = (await client.send(new GetCommand({ TableName: table, Key: candidateKey(review.id, s.studyId) }))).Item!;
    expect(item).toMatchObject({ status: 'withdrawn', title: s.title, version: 1 });
  });
});

describe('npm run import (CLI)', () => {
  const run = (args: string[], env: Record<string, string> = {}) =>
    promisify(execFile)(process.execPath, ['--import', 'tsx', join(repo, 'scripts/import.ts'), ...args], {
      cwd: repo,
      env: { ...process.env, ...env },
    }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );

  it('imports into the configured database, then re-imports writing nothing; bad arguments exit 2', { timeout: 450_000 }, async () => {
    const cliTable = await createTestTable('import-cli');
    try {
      const env = { TABLE_NAME: cliTable };
      const dry = await run(['metapsy', csvPath, '--review', review.id, '--dry-run'], env);
      expect(dry.code).toBe(0);
      expect(JSON.parse(dry.stdout.trim().split('\n').pop()!)).toMatchObject({ dryRun: true, rowsRead: 361, studies: 69 });
      const a = await run(['metapsy', csvPath, '--review', review.id], env);
      expect(a.stderr).toMatch(/stored 69\/69 studies/);
      expect(JSON.parse(a.stdout.trim().split('\n').pop()!)).toMatchObject({ created: 69, itemsWritten: 138 });
      const b = await run(['metapsy', csvPath, '--review', review.id], env);
      expect(JSON.parse(b.stdout.trim().split('\n').pop()!)).toMatchObject({ created: 0, unchanged: 69, itemsWritten: 0 });
      const bad = await run(['metapsy', csvPath, '--review', 'nope'], env);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/unknown review "nope"/);
    } finally {
      await dropTestTable(cliTable);
    }
  });
});
