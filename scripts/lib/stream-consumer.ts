/**
 * The local stand-in for the DynamoDB Streams → Lambda event source mapping: reads the table's
 * stream in DynamoDB Local shard by shard and hands each batch to the same code the reanalyse
 * Lambda runs. The position in each shard is checkpointed to a file after the batch succeeded, so a
 * runner killed with -9 resumes where it stopped (at-least-once, like Lambda; reanalysis is idempotent).
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ExpiredIteratorException,
  TrimmedDataAccessException,
  type Shard,
  type _Record,
  type GetRecordsCommandOutput,
} from '@aws-sdk/client-dynamodb-streams';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { ChangeImage } from '../../core/analysis/triggers.js';
import { createDynamoClient, createStreamsClient } from '../../functions/adapters/dynamo/client.js';

interface Checkpoint {
  streamArn: string;
  /** shardId → last processed sequence number ('' = shard finished). */
  shards: Record<string, string>;
}

const MAX_ATTEMPTS = 5;
const BATCH_MAX = 5000;

export interface StreamConsumerOptions {
  table: string;
  checkpointFile: string;
  onBatch: (changes: ChangeImage[]) => Promise<void>;
  log: (msg: string) => void;
  pollMs?: number;
  /**
   * Debounce: after catching up on a batch, wait this long for more records before handing it
   * over, and keep collecting while they come (an import, a burst of accepts → one batch, hence
   * one version). 0 = hand over as soon as caught up.
   */
  settleMs?: number;
}

export interface StreamConsumer {
  stop(): Promise<void>;
  /** Resolves when every record currently in the stream has been handed over (tests, shutdown). */
  drain(): Promise<void>;
}

function loadCheckpoint(file: string): Checkpoint | null {
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Checkpoint;
  } catch {
    return null;
  }
}

function saveCheckpoint(file: string, cp: Checkpoint): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(cp));
  renameSync(tmp, file);
}

/**
 * The Streams client deserialises an empty map attribute ({"M": {}}) as a bare {} that
 * `unmarshall` rejects ("No value defined"); restore the M wrapper, recursively.
 */
function repairAttribute(v: unknown): unknown {
  if (!v || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 0) return { M: {} };
  if ('M' in o && o.M && typeof o.M === 'object') return { M: repairImage(o.M as Record<string, unknown>) };
  if ('L' in o && Array.isArray(o.L)) return { L: o.L.map(repairAttribute) };
  return o;
}

function repairImage(img: Record<string, unknown>): Record<string, AttributeValue> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(img)) out[k] = repairAttribute(v);
  return out as Record<string, AttributeValue>;
}

export function toChanges(records: _Record[]): ChangeImage[] {
  return records.map((r) => ({
    oldImage: r.dynamodb?.OldImage ? unmarshall(repairImage(r.dynamodb.OldImage as Record<string, unknown>)) : null,
    newImage: r.dynamodb?.NewImage ? unmarshall(repairImage(r.dynamodb.NewImage as Record<string, unknown>)) : null,
  }));
}

export async function startStreamConsumer(opts: StreamConsumerOptions): Promise<StreamConsumer> {
  const ddb = createDynamoClient();
  const streams = createStreamsClient();
  const d = await ddb.send(new DescribeTableCommand({ TableName: opts.table }));
  const streamArn = d.Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`table ${opts.table} has no stream`);
  let cp = loadCheckpoint(opts.checkpointFile);
  if (!cp || cp.streamArn !== streamArn) cp = { streamArn, shards: {} };
  const checkpoint = cp;
  const iterators = new Map<string, string | null>();
  let stopped = false;
  let idle = false;
  let waiters: (() => void)[] = [];
  const pollMs = opts.pollMs ?? 500;
  const settleMs = opts.settleMs ?? 0;
  const failures = new Map<string, number>();

  async function listShards(): Promise<Shard[]> {
    const shards: Shard[] = [];
    let last: string | undefined;
    do {
      const r = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: last }));
      shards.push(...(r.StreamDescription?.Shards ?? []));
      last = r.StreamDescription?.LastEvaluatedShardId;
    } while (last);
    return shards;
  }

  async function iteratorFor(shard: Shard): Promise<string | null> {
    const id = shard.ShardId!;
    if (iterators.has(id)) return iterators.get(id)!;
    const seq = checkpoint.shards[id];
    if (seq === '') return null; // finished earlier
    const r = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: streamArn,
        ShardId: id,
        ...(seq ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: seq } : { ShardIteratorType: 'TRIM_HORIZON' }),
      }),
    );
    const it = r.ShardIterator ?? null;
    iterators.set(id, it);
    return it;
  }

  /** One pass over all shards; returns the number of records handled. */
  async function pass(): Promise<number> {
    let handled = 0;
    const shards = await listShards();
    // Parents before children: a child's records come after its parent's.
    const done = new Set(Object.entries(checkpoint.shards).filter(([, v]) => v === '').map(([k]) => k));
    for (const shard of shards) {
      const id = shard.ShardId!;
      if (done.has(id)) continue;
      if (shard.ParentShardId && shards.some((s) => s.ShardId === shard.ParentShardId) && !done.has(shard.ParentShardId)) continue;
      let it = await iteratorFor(shard);
      while (it && !stopped) {
        // Collect until caught up (or BATCH_MAX records): a burst of writes (an import, a curator
        // session) becomes one reanalysis, as the Lambda's batching window does in AWS.
        const records: _Record[] = [];
        let next: string | null = it;
        let caughtUp = false;
        let settled = false;
        try {
          while (next && records.length < BATCH_MAX) {
            const r: GetRecordsCommandOutput = await streams.send(new GetRecordsCommand({ ShardIterator: next, Limit: 100 }));
            const got = r.Records ?? [];
            records.push(...got);
            next = r.NextShardIterator ?? null;
            if (!got.length) {
              if (records.length && settleMs > 0 && !settled && next && !stopped) {
                // Caught up with a batch in hand: give a burst time to finish, then look again.
                settled = true;
                await new Promise((res) => setTimeout(res, settleMs));
                continue;
              }
              caughtUp = true;
              break;
            }
            settled = false;
          }
        } catch (err) {
          if (err instanceof ExpiredIteratorException || err instanceof TrimmedDataAccessException) {
            iterators.delete(id);
            it = await iteratorFor(shard);
            continue;
          }
          throw err;
        }
        if (records.length) {
          const first = records[0].dynamodb!.SequenceNumber!;
          try {
            await opts.onBatch(toChanges(records));
            failures.delete(first);
          } catch (err) {
            const n = (failures.get(first) ?? 0) + 1;
            failures.set(first, n);
            // The stored iterator still points before this batch: the next pass reads it again.
            if (n < MAX_ATTEMPTS) throw err;
            // Like the Lambda's retry limit: move on rather than block the stream for ever. The
            // next start-up re-pools every review, so nothing accepted is left out for good.
            opts.log(`stream: giving up on ${records.length} records after ${n} attempts: ${(err as Error).message}`);
            failures.delete(first);
          }
          handled += records.length;
          checkpoint.shards[id] = records[records.length - 1].dynamodb!.SequenceNumber!;
          saveCheckpoint(opts.checkpointFile, checkpoint);
        }
        it = next;
        iterators.set(id, it);
        if (!it) {
          checkpoint.shards[id] = '';
          saveCheckpoint(opts.checkpointFile, checkpoint);
          done.add(id);
        }
        if (caughtUp) break; // caught up on this shard
      }
    }
    return handled;
  }

  const loop = (async () => {
    while (!stopped) {
      let n = 0;
      try {
        n = await pass();
      } catch (err) {
        opts.log(`stream: ${(err as Error).message} (will retry)`);
      }
      if (n === 0) {
        idle = true;
        const w = waiters;
        waiters = [];
        for (const f of w) f();
        await new Promise((r) => setTimeout(r, pollMs));
      } else idle = false;
    }
  })();

  return {
    async drain() {
      idle = false;
      await new Promise<void>((res) => waiters.push(res));
    },
    async stop() {
      stopped = true;
      const w = waiters;
      waiters = [];
      for (const f of w) f();
      await loop;
      ddb.destroy();
      streams.destroy();
    },
  };
}
