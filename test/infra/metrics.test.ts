/**
 * The metric contract (issue 14 item 4; functions/app-metrics.ts): each function's real entry
 * path emits, as Powertools EMF on stdout (what CloudWatch turns into metrics), exactly the metrics
 * APP_METRICS declares for it, with exactly one dimension set of bounded values (service and, for
 * the pollers, source: never a review, candidate or message id, each of which would be a new
 * billed metric), and `nonzero` metrics only when there is something to count.
 *
 * Real parts: the poll Lambda entry against a fake ClinicalTrials.gov (real HTTP) and DynamoDB
 * Local; the publish handler against the fake S3 (S3's wire format) with an injected clock (the
 * Astro build itself is the site-bundle test's: here a stand-in writes one page); reanalysis
 * against DynamoDB Local and a snapshot folder. Nothing here mocks Powertools: its own EMF lines
 * are captured from process.stdout.
 */
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { Context, DynamoDBStreamEvent, SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { APP_METRICS, BOUNDED_DIMENSIONS, pollServiceName, type MetricGroup } from '../../functions/app-metrics.js';
import { emitMetrics, instrument, observability, type Observability } from '../../functions/observability.js';
import { pollLambda } from '../../functions/poll-common/handler.js';
import { handlePublish } from '../../functions/publish/handler.js';
import { runReanalyse } from '../../functions/reanalyse/handler.js';
import { createDocumentClient, createTestTable, dropTestTable } from '../../functions/adapters/dynamo/testing.js';
import { diskSnapshotStore } from '../../functions/adapters/snapshot-store.js';
import { POLL_SOURCES } from '../../core/reviews/cadence.js';
import { getReview } from '../../reviews/index.js';
import { startFakeCtgov, generateStudies } from '../fakes/ctgov.js';
import { startFakeS3, type FakeS3 } from '../fakes/s3.js';

interface Emf {
  namespace: string;
  dimensionSets: string[][];
  values: Record<string, unknown>;
  metrics: Map<string, { unit: string; value: unknown }>;
}

/** Runs `fn` and returns the EMF documents Powertools printed on stdout meanwhile (other output passes through). */
async function captureEmf<T>(fn: () => Promise<T>): Promise<{ emf: Emf[]; result?: T; error?: Error }> {
  const lines: string[] = [];
  const write = process.stdout.write.bind(process.stdout);
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    for (const line of text.split('\n')) if (line.includes('"_aws"')) lines.push(line);
    return write(chunk as string, ...(rest as []));
  }) as typeof process.stdout.write);
  let result: T | undefined;
  let error: Error | undefined;
  try {
    result = await fn();
  } catch (err) {
    error = err as Error;
  } finally {
    spy.mockRestore();
  }
  const emf = lines.map((l) => {
    const doc = JSON.parse(l) as Record<string, any>;
    const directives = doc._aws.CloudWatchMetrics as { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[];
    expect(directives).toHaveLength(1);
    const [d] = directives;
    return {
      namespace: d.Namespace,
      dimensionSets: d.Dimensions,
      values: doc,
      metrics: new Map(d.Metrics.map((m) => [m.Name, { unit: m.Unit, value: doc[m.Name] }])),
    };
  });
  return { emf, result, error };
}

/** The only dimension values a metric may carry: the functions' service names and the poll sources. */
const BOUNDED_VALUES = new Set<string>([...POLL_SOURCES, ...POLL_SOURCES.map(pollServiceName), APP_METRICS.publish.service, APP_METRICS.reanalyse.service]);

/** Every EMF document of `group`: one dimension set (service + the group's), bounded values, declared metrics with their units. */
function expectContract(group: MetricGroup, docs: Emf[], service: string): void {
  const declared = new Map(Object.values(APP_METRICS[group].metrics).map((m) => [m.name as string, m]));
  for (const doc of docs) {
    expect(doc.namespace).toBe(NAMESPACE);
    expect(doc.dimensionSets, 'one dimension set per metric (each extra set is a billed metric)').toEqual([['service', ...APP_METRICS[group].dimensions]]);
    for (const name of doc.dimensionSets[0]) {
      expect(['service', ...BOUNDED_DIMENSIONS], `dimension ${name}`).toContain(name);
      expect(BOUNDED_VALUES.has(String(doc.values[name])), `dimension ${name}=${String(doc.values[name])} is not one of a fixed set of values`).toBe(true);
    }
    expect(doc.values.service).toBe(service);
    for (const [name, m] of doc.metrics) {
      const def = declared.get(name);
      expect(def, `${name} is declared in APP_METRICS.${group}`).toBeDefined();
      expect(m.unit).toBe(def!.unit);
      expect(typeof m.value).toBe('number');
      if (def!.sent === 'nonzero') expect(m.value, `${name} is sent only when > 0`).toBeGreaterThan(0);
    }
  }
}

const namesOf = (docs: Emf[]) => new Set(docs.flatMap((d) => [...d.metrics.keys()]));
const valueOf = (docs: Emf[], name: string) => docs.find((d) => d.metrics.has(name))?.metrics.get(name)?.value;
const allNames = (group: MetricGroup) => new Set(Object.values(APP_METRICS[group].metrics).map((m) => m.name as string));

const NAMESPACE = 'LivingEvidence/test';
const context = { awsRequestId: 'req-1', functionName: 'fn', functionVersion: '$LATEST', invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:fn', memoryLimitInMB: '512', getRemainingTimeInMillis: () => 60_000 } as unknown as Context;

const saved = { ...process.env };
const tables: string[] = [];
beforeAll(() => {
  // As infra/constructs/lambda.ts sets it on every function.
  process.env.POWERTOOLS_METRICS_NAMESPACE = NAMESPACE;
  delete process.env.POWERTOOLS_DEV;
  delete process.env.POWERTOOLS_METRICS_DISABLED;
});
afterAll(async () => {
  for (const t of tables) await dropTestTable(t);
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
});

describe('poll Lambda entry (functions/poll-common/handler.ts pollLambda)', () => {
  it('a poll sends Fetched and New per source; a failed one Fetched 0 and FailedPolls; never the review as a dimension', async () => {
    const table = await createTestTable('metrics');
    tables.push(table);
    const ctgov = await startFakeCtgov({ studies: generateStudies(7, 3, { from: '2026-11-01', to: '2026-11-30' }) });
    const review = getReview('selfguided-depression');
    Object.assign(process.env, { TABLE_NAME: table, CTGOV_API_URL: ctgov.url, CTGOV_RATE_PER_SEC: '20', POLL_BACKFILL_FROM: '2026-10-01', POLL_RETRY_ATTEMPTS: '1', POLL_RETRY_BASE_MS: '1' });
    const lambda = pollLambda('ctgov');
    try {
      const ok = await captureEmf(() => lambda({ reviewId: review.id }, context));
      expect(ok.error).toBeUndefined();
      expect(ok.emf).toHaveLength(1);
      expectContract('poll', ok.emf, pollServiceName('ctgov'));
      expect(ok.emf[0].values.source).toBe('ctgov');
      const summary = ok.result!;
      expect(summary.fetched).toBeGreaterThan(0);
      expect(valueOf(ok.emf, 'Fetched')).toBe(summary.fetched);
      expect(valueOf(ok.emf, 'New')).toBe(summary.new);
      // Nothing quarantined, nothing failed: those metrics are not sent (no billed hour).
      expect(summary.quarantined).toBe(0);
      expect([...namesOf(ok.emf)].sort()).toEqual(['Fetched', 'New']);
    } finally {
      await ctgov.close();
    }
    // The upstream is gone: every cycle fails, the handler throws (the scheduler retries), and the
    // figures are still sent: Fetched 0 (the alarm's input) and FailedPolls 1.
    const failed = await captureEmf(() => lambda({ reviewId: review.id }, context));
    expect(failed.error?.message).toMatch(/every ctgov poll failed/);
    expectContract('poll', failed.emf, pollServiceName('ctgov'));
    expect(valueOf(failed.emf, 'Fetched')).toBe(0);
    expect(valueOf(failed.emf, 'FailedPolls')).toBe(1);
    expect(JSON.stringify(failed.emf[0].values)).not.toContain(review.id);
  }, 300_000);

  it('Quarantined is sent when a record is quarantined (through the same emission as the handler)', async () => {
    const obs = observability(pollServiceName('isrctn'));
    const { recordPollFigures } = await import('../../functions/poll-common/handler.js');
    const run = instrument(obs, async () => recordPollFigures('isrctn', 'r1', { fetched: 5, new: 2, updated: 0, unchanged: 1, quarantined: 2, candidates: 2, attempted: 1, failures: [] } as never, obs));
    const { emf } = await captureEmf(() => run(undefined, context));
    expectContract('poll', emf, pollServiceName('isrctn'));
    // With the failed run above, every declared poll metric has been seen: exactly the definition.
    expect(namesOf(emf)).toEqual(new Set(['Fetched', 'New', 'Quarantined']));
    expect(valueOf(emf, 'Quarantined')).toBe(2);
  });
});

describe('publish handler (functions/publish/handler.ts handlePublish)', () => {
  let s3: FakeS3;
  beforeAll(async () => {
    s3 = await startFakeS3();
  });
  afterAll(async () => {
    await s3?.close();
  });

  const event = (sentAt: number): SQSEvent =>
    ({ Records: [{ messageId: 'm-1', body: JSON.stringify({ reviewIds: ['*'] }), attributes: { SentTimestamp: String(sentAt) } }] }) as unknown as SQSEvent;

  function deps(obs: Observability, clock: number[], snapshotBucket: string) {
    const work = mkdtempSync(join(tmpdir(), 'le-metrics-publish-'));
    return {
      s3: s3.client(),
      snapshotBucket,
      siteBucket: 'site',
      siteUrl: 'https://evidence.example.org',
      snapshotDir: join(work, 'snapshots'),
      siteDir: join(work, 'out'),
      now: () => clock.shift()!,
      obs,
      // The Astro build is the site-bundle test's; here one page, and the time it reports.
      build: async (o: { outDir: string }) => {
        mkdirSync(o.outDir, { recursive: true });
        writeFileSync(join(o.outDir, 'index.html'), '<p>site</p>');
        return { ms: 1_234 };
      },
    };
  }

  it('a publish sends Publishes 1 and the three durations from the injected clock; a failure sends PublishFailures only', async () => {
    const obs = observability(APP_METRICS.publish.service);
    const run = instrument(obs, (e: SQSEvent) => handlePublish(deps(obs, [100_000, 104_500], 'snapshots') as never, e));
    const ok = await captureEmf(() => run(event(40_000), context));
    expect(ok.error).toBeUndefined();
    expect(ok.result).toEqual({ batchItemFailures: [] });
    expect(s3.buckets.get('site')?.has('index.html')).toBe(true);
    expectContract('publish', ok.emf, 'publish');
    expect(Object.fromEntries([...ok.emf[0].metrics].map(([k, v]) => [k, v.value]))).toEqual({
      Publishes: 1,
      PublishDuration: 4_500,
      BuildDuration: 1_234,
      AcceptToPublishedLatency: 104_500 - 40_000,
    });

    // A snapshot bucket the build cannot read: the publish fails (SQS retries), one failure counted.
    const failing = instrument(obs, (e: SQSEvent) => handlePublish({ ...deps(obs, [200_000, 201_000], 'snapshots'), s3: brokenS3() } as never, e));
    const bad = await captureEmf(() => failing(event(150_000), context));
    expect(bad.error).toBeDefined();
    expectContract('publish', bad.emf, 'publish');
    expect(Object.fromEntries([...bad.emf[0].metrics].map(([k, v]) => [k, v.value]))).toEqual({ PublishFailures: 1 });
    expect(new Set([...namesOf(ok.emf), ...namesOf(bad.emf)])).toEqual(allNames('publish'));
  });

  /** An S3 client whose endpoint answers nothing (a port closed at once). */
  function brokenS3() {
    return new S3Client({
      region: 'us-east-1',
      endpoint: 'http://127.0.0.1:9',
      forcePathStyle: true,
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      maxAttempts: 1,
    });
  }
});

describe('reanalyse (functions/reanalyse/handler.ts runReanalyse)', () => {
  it('sends Reanalyses only when a review changed, ReanalysisFailures only when a batch failed', async () => {
    const table = await createTestTable('metrics-re');
    tables.push(table);
    const doc = createDocumentClient();
    const store = diskSnapshotStore(mkdtempSync(join(tmpdir(), 'le-metrics-snap-')));
    const obs = observability(APP_METRICS.reanalyse.service);
    const review = getReview('selfguided-depression');
    const run = (t: string) => instrument(obs, (e: Parameters<typeof runReanalyse>[2]) => runReanalyse({ doc, table: t, store }, obs, e));

    // First refresh: no snapshot yet → version 1 → one review changed.
    const first = await captureEmf(() => run(table)({ refresh: 'counts', reviewIds: [review.id] }, context));
    expect(first.result?.reviews).toEqual([review.id]);
    expectContract('reanalyse', first.emf, 'reanalyse');
    expect(Object.fromEntries([...first.emf[0].metrics].map(([k, v]) => [k, v.value]))).toEqual({ Reanalyses: 1 });

    // The hourly refresh with nothing changed sends no metric at all (no billed hour).
    const idle = await captureEmf(() => run(table)({ refresh: 'counts', reviewIds: [review.id] }, context));
    expect(idle.result?.reviews).toEqual([]);
    expect(idle.emf).toEqual([]);

    // A stream batch whose reads fail (no such table): the batch is reported, one failure counted.
    const accepted = marshall({ entity: 'Candidate', reviewId: review.id, status: 'accepted' });
    const screening = marshall({ entity: 'Candidate', reviewId: review.id, status: 'screening' });
    const stream = { Records: [{ eventID: 'e1', dynamodb: { SequenceNumber: '42', OldImage: screening, NewImage: accepted } }] } as unknown as DynamoDBStreamEvent;
    const bad = await captureEmf(() => run('no-such-table')(stream, context));
    expect(bad.result?.batchItemFailures).toEqual([{ itemIdentifier: '42' }]);
    expectContract('reanalyse', bad.emf, 'reanalyse');
    expect(Object.fromEntries([...bad.emf[0].metrics].map(([k, v]) => [k, v.value]))).toEqual({ ReanalysisFailures: 1 });
    expect(new Set([...namesOf(first.emf), ...namesOf(bad.emf)])).toEqual(allNames('reanalyse'));
  });
});

describe('emitMetrics', () => {
  it('refuses a metric without its declared dimension, and sends only the declared dimensions', async () => {
    const obs = observability(pollServiceName('pubmed'));
    expect(() => emitMetrics(obs, 'poll', { fetched: 1 })).toThrow(/source/);
    obs.metrics.clearMetrics();
    // A caller passing a review id as well gets no reviewId dimension: only the group's are added.
    const run = instrument(obs, async () => emitMetrics(obs, 'poll', { fetched: 3 }, { source: 'pubmed', reviewId: 'r-1' } as never));
    const { emf } = await captureEmf(() => run(undefined, context));
    expectContract('poll', emf, pollServiceName('pubmed'));
    expect(emf[0].dimensionSets).toEqual([['service', 'source']]);
  });

  it('the contract check bites: a reviewId dimension on a metric fails it', async () => {
    const obs = observability(pollServiceName('pubmed'));
    const run = instrument(obs, async () => {
      emitMetrics(obs, 'poll', { fetched: 3 }, { source: 'pubmed' });
      obs.metrics.addDimension('reviewId', 'selfguided-depression');
    });
    const { emf } = await captureEmf(() => run(undefined, context));
    expect(() => expectContract('poll', emf, pollServiceName('pubmed'))).toThrow();
  });
});

describe('Powertools Logger through instrument (issue 14 item 4: correlation ids, cold start)', () => {
  it('every line of an invocation carries its correlation id and the function context; cold_start is marked (false after the first)', async () => {
    const obs = observability('reanalyse');
    const run = instrument(obs, async (e: { id: string }) => obs.logger.info('step', { n: 1 }), (e) => `stream:${e.id}`);
    const lines: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: string | Uint8Array, ...rest: unknown[]) => {
      lines.push(...String(chunk).split('\n').filter((l) => l.includes('"message":"step"')));
      return write(chunk as string, ...(rest as []));
    }) as typeof process.stdout.write);
    try {
      await run({ id: 'a' }, context);
      await run({ id: 'b' }, { ...context, awsRequestId: 'req-2' } as Context);
    } finally {
      spy.mockRestore();
    }
    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged.map((l) => l.correlation_id)).toEqual(['stream:a', 'stream:b']);
    expect(logged.map((l) => l.function_request_id)).toEqual(['req-1', 'req-2']);
    expect(logged.map((l) => l.service)).toEqual(['reanalyse', 'reanalyse']);
    // Powertools marks the first invocation of an instance as the cold start.
    expect(logged[1].cold_start).toBe(false);
    expect(typeof logged[0].cold_start).toBe('boolean');
  });
});
