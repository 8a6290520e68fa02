/**
 * The local stand-in for the stream → Lambda mapping, against DynamoDB Local's real stream:
 * every change is delivered, empty maps survive, and a new consumer on the same checkpoint file
 * resumes after the last handled record (what a kill -9 of `npm start` relies on).
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../functions/adapters/dynamo/client.js';
import { createTestTable } from '../../functions/adapters/dynamo/testing.js';
import { startStreamConsumer } from '../../scripts/lib/stream-consumer.js';
import type { ChangeImage } from '../../core/analysis/triggers.js';

/** A promise resolved by the batch handler once `cond()` holds; the ceiling (a safety net far above any real wait) rejects. */
function whenSeen(cond: () => boolean, what: string, ceilingMs = 180_000) {
  let check = () => {};
  const done = new Promise<void>((res, rej) => {
    const t = setTimeout(() => rej(new Error(`never happened: ${what}`)), ceilingMs);
    check = () => {
      if (cond()) {
        clearTimeout(t);
        res();
      }
    };
  });
  return { done, check };
}

async function collect(table: string, checkpointFile: string, until: (seen: ChangeImage[]) => boolean) {
  const seen: ChangeImage[] = [];
  const w = whenSeen(() => until(seen), 'the expected changes arrived');
  const consumer = await startStreamConsumer({ table, checkpointFile, pollMs: 100, log: () => {}, onBatch: async (c) => void (seen.push(...c), w.check()) });
  await w.done;
  await consumer.drain();
  await consumer.stop();
  return seen;
}

describe('stream consumer', () => {
  it('delivers every change once and resumes from its checkpoint', async () => {
    const table = await createTestTable('stream', { stream: true });
    const doc = createDocumentClient();
    const checkpointFile = join(mkdtempSync(join(tmpdir(), 'le-cp-')), 'cp.json');
    for (let i = 0; i < 3; i++) {
      await doc.send(new PutCommand({ TableName: table, Item: { pk: `P${i}`, sk: 'S', empty: {}, list: [], nested: { a: [{}] }, i } }));
    }
    const first = await collect(table, checkpointFile, (s) => s.length >= 3);
    expect(first.map((c) => c.newImage?.pk)).toEqual(['P0', 'P1', 'P2']);
    expect(first[0].newImage).toMatchObject({ empty: {}, list: [], nested: { a: [{}] } });

    // A "restarted" consumer sees only what came after the checkpoint.
    await doc.send(new PutCommand({ TableName: table, Item: { pk: 'P0', sk: 'S', i: 10 } }));
    const second = await collect(table, checkpointFile, (s) => s.length >= 1);
    expect(second).toHaveLength(1);
    expect(second[0].oldImage?.i).toBe(0);
    expect(second[0].newImage?.i).toBe(10);
  });

  it('a failed batch is handed over again (at least once), then the stream moves on', async () => {
    const table = await createTestTable('stream-retry', { stream: true });
    const doc = createDocumentClient();
    const checkpointFile = join(mkdtempSync(join(tmpdir(), 'le-cp-')), 'cp.json');
    await doc.send(new PutCommand({ TableName: table, Item: { pk: 'A', sk: 'S' } }));
    await doc.send(new PutCommand({ TableName: table, Item: { pk: 'B', sk: 'S' } }));
    const calls: string[][] = [];
    const w = whenSeen(() => calls.length >= 2, 'the failed batch was handed over again');
    const consumer = await startStreamConsumer({
      table,
      checkpointFile,
      pollMs: 50,
      log: () => {},
      onBatch: async (c) => {
        calls.push(c.map((x) => String(x.newImage?.pk)));
        w.check();
        if (calls.length === 1) throw new Error('reanalysis failed once');
      },
    });
    try {
      await w.done;
    } finally {
      await consumer.stop();
    }
    expect(calls[0]).toEqual(['A', 'B']);
    expect(calls[1]).toEqual(['A', 'B']);
  });
});
