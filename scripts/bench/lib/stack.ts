/**
 * The stack a curation benchmark runs against, set up and torn down in one place: DynamoDB Local
 * (unless DYNAMODB_ENDPOINT names one), a fresh table, candidates written in batches, the real
 * curation app on @hono/node-server at an ephemeral port. `close()` undoes all of it (servers,
 * table, DynamoDB Local), whatever failed before.
 */
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { DeleteTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { candidateItem } from '../../../core/data-model/items.js';
import type { Candidate } from '../../../core/evidence/candidate.js';
import { createDocumentClient, createDynamoClient } from '../../../functions/adapters/dynamo/client.js';
import { ensureTable } from '../../../functions/adapters/dynamo/tables.js';
import { startDynamoLocal, type DynamoLocal } from '../../lib/dynamo-local.js';

export interface Served {
  base: string;
  close(): Promise<void>;
}

export interface BenchStack {
  doc: DynamoDBDocumentClient;
  client: DynamoDBClient;
  table: string;
  /** Write candidates (through candidateItem, so the queue index holds them) in batches of 25, `concurrency` batches at a time. */
  seed(candidates: readonly Candidate[], concurrency?: number): Promise<void>;
  /** Serve a fetch handler (the curation app) on 127.0.0.1 at a free port; closed by close() too. */
  serve(fetch: (req: Request) => Response | Promise<Response>): Promise<Served>;
  close(): Promise<void>;
}

export async function startBenchStack(name: string): Promise<BenchStack> {
  let db: DynamoLocal | undefined;
  if (!process.env.DYNAMODB_ENDPOINT) {
    db = await startDynamoLocal();
    process.env.DYNAMODB_ENDPOINT = db.endpoint;
  }
  const config = { endpoint: process.env.DYNAMODB_ENDPOINT, region: process.env.AWS_REGION ?? 'us-east-1' };
  const client = createDynamoClient(config);
  const table = `bench-${name}-${randomUUID().slice(0, 8)}`;
  const servers = new Set<ServerType>();
  const closeServer = (s: ServerType) => new Promise<void>((res) => s.close(() => res()));
  const stop = async () => {
    if (db) {
      await db.stop();
      delete process.env.DYNAMODB_ENDPOINT;
      db = undefined;
    }
  };
  try {
    await ensureTable(client, table);
  } catch (err) {
    await stop();
    throw err;
  }
  const doc = createDocumentClient(config);
  return {
    doc,
    client,
    table,
    async seed(candidates, concurrency = 1) {
      const batches: Record<string, unknown>[][] = [];
      for (let i = 0; i < candidates.length; i += 25) batches.push(candidates.slice(i, i + 25).map((c) => ({ PutRequest: { Item: candidateItem(c) } })));
      let next = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          while (next < batches.length) {
            let req: Record<string, unknown>[] | undefined = batches[next++];
            while (req && req.length) {
              const r = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: req as never } }));
              req = r.UnprocessedItems?.[table] as Record<string, unknown>[] | undefined;
            }
          }
        }),
      );
    },
    async serve(fetch) {
      const server = await new Promise<ServerType>((res) => {
        const s = serve({ fetch, port: 0, hostname: '127.0.0.1' }, () => res(s));
      });
      servers.add(server);
      return {
        base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        async close() {
          if (servers.delete(server)) await closeServer(server);
        },
      };
    },
    async close() {
      for (const s of [...servers]) {
        servers.delete(s);
        await closeServer(s);
      }
      try {
        await client.send(new DeleteTableCommand({ TableName: table }));
      } catch {
        /* gone */
      }
      await stop();
    },
  };
}

/** p-th percentile (nearest rank) of some timings. */
export function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}
