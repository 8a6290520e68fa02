/** Helpers for the poller tests: a fresh table, a document client that counts writes, item scans. */
import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient, createTestTable } from '../../functions/adapters/dynamo/testing.js';
import { runPollCycle, type PollCycleOptions, type PollCycleResult } from '../../functions/poll-common/cycle.js';
import { getReview } from '../../reviews/index.js';

export const REVIEW = getReview('selfguided-depression');

const WRITE_COMMANDS = new Set(['PutCommand', 'UpdateCommand', 'DeleteCommand', 'TransactWriteCommand', 'BatchWriteCommand']);

/** Wraps a document client: counts write calls; `killAfter(n)` makes every call after the n-th fail. */
export function instrumentedDoc(doc: DynamoDBDocumentClient) {
  const state = { writes: 0, calls: 0, killAt: Infinity as number, killed: false, killAfterSend: false };
  const send = doc.send.bind(doc) as (c: unknown) => Promise<unknown>;
  const proxy = new Proxy(doc, {
    get(target, prop, recv) {
      if (prop === 'send') {
        return async (command: { constructor: { name: string } }) => {
          state.calls++;
          if (state.calls > state.killAt) {
            if (state.killAfterSend && !state.killed) {
              // Dies after the request reached the database (the write happened, the answer is lost).
              state.killed = true;
              await send(command).catch(() => undefined);
            }
            state.killed = true;
            throw new Error('process killed (test)');
          }
          if (WRITE_COMMANDS.has(command.constructor.name)) state.writes++;
          return send(command);
        };
      }
      return Reflect.get(target, prop, recv);
    },
  });
  return { doc: proxy as DynamoDBDocumentClient, state };
}

export async function scanAll(doc: DynamoDBDocumentClient, table: string): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const r = await doc.send(new ScanCommand({ TableName: table, ConsistentRead: true, ...(start ? { ExclusiveStartKey: start } : {}) }));
    out.push(...((r.Items ?? []) as Record<string, unknown>[]));
    start = r.LastEvaluatedKey;
  } while (start);
  return out;
}

export const FAST_RETRY = { attempts: 6, baseDelayMs: 5, maxDelayMs: 50, timeoutMs: 15_000 };

export async function freshTable(prefix = 'poll') {
  const table = await createTestTable(prefix);
  return { table, doc: createDocumentClient() };
}

/** One cycle against the fakes with test-friendly settings (fast retries, 10 req/s with a fake key). */
export function poll(opts: Partial<PollCycleOptions> & Pick<PollCycleOptions, 'doc' | 'table'>, urls: { pubmed?: string; ctgov?: string; europepmc?: string; isrctn?: string }): Promise<PollCycleResult> {
  const logs: string[] = [];
  return runPollCycle({
    reviewIds: [REVIEW.id],
    sources: (['pubmed', 'ctgov', 'europepmc', 'isrctn'] as const).filter((s) => urls[s]),
    env: {
      ...(urls.pubmed ? { PUBMED_EUTILS_URL: urls.pubmed } : {}),
      ...(urls.ctgov ? { CTGOV_API_URL: urls.ctgov } : {}),
      ...(urls.europepmc ? { EUROPE_PMC_URL: urls.europepmc } : {}),
      ...(urls.isrctn ? { ISRCTN_API_URL: urls.isrctn } : {}),
      NCBI_API_KEY: 'test-key',
      NCBI_TOOL: 'living-evidence-test',
      NCBI_EMAIL: 'test@example.org',
      CTGOV_RATE_PER_SEC: '10',
    },
    log: (m) => logs.push(m),
    pubmed: { retry: FAST_RETRY },
    ctgov: { retry: FAST_RETRY },
    europepmc: { retry: FAST_RETRY, rate: 10 },
    isrctn: { retry: FAST_RETRY, rate: 10 },
    backfillFrom: '2020-01-01',
    ...opts,
  });
}
