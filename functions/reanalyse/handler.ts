/**
 * Lambda entry: DynamoDB stream batch → the reviews whose analysis changed → new snapshots.
 * Thin: decoding here, the decision in core/analysis/triggers, the pooling in core/analysis/snapshot.
 * Errors propagate so the event source mapping retries and bisects the batch.
 */
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { reviewsToReanalyse, type ChangeImage } from '../../core/analysis/triggers.js';
import { ALL_REVIEWS } from '../../reviews/index.js';
import { createDocumentClient } from '../adapters/dynamo/client.js';
import { ENV } from './env.js';
import { s3SnapshotStore, type SnapshotStore } from '../adapters/snapshot-store.js';
import { sqsPublishRequester } from '../publish/request.js';
import { reanalyseReview, type ReanalyseResult } from './reanalyse.js';
import { emitMetrics, instrument, observability, type Observability } from '../observability.js';
import { LOG_FIGURES } from '../app-metrics.js';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

type Image = Record<string, AttributeValue> | undefined;

export function decodeStreamRecords(event: DynamoDBStreamEvent): ChangeImage[] {
  return event.Records.map((r) => ({
    oldImage: r.dynamodb?.OldImage ? unmarshall(r.dynamodb.OldImage as Image as Record<string, AttributeValue>) : null,
    newImage: r.dynamodb?.NewImage ? unmarshall(r.dynamodb.NewImage as Image as Record<string, AttributeValue>) : null,
  }));
}

export interface HandlerDeps {
  doc: DynamoDBDocumentClient;
  table: string;
  store: SnapshotStore;
  /** Reviews whose public pages must be re-published (a new version, or new curation counts). */
  onPublished?: (reviewIds: string[]) => Promise<void>;
  log?: (msg: string) => void;
  now?: () => Date;
}

/** Re-checks every review the batch concerns; returns those whose pages changed (version or counts). */
export async function handleChanges(deps: HandlerDeps, changes: ChangeImage[]): Promise<string[]> {
  const ids = reviewsToReanalyse(changes);
  const done: string[] = [];
  for (const id of ids) {
    const review = ALL_REVIEWS.find((r) => r.id === id);
    if (!review) {
      deps.log?.(`reanalyse: no review file for "${id}", skipped`);
      continue;
    }
    const res = await reanalyseReview(deps, review);
    deps.log?.(describeResult(id, res));
    if (res.published || res.countsChanged) done.push(id);
  }
  if (done.length && deps.onPublished) await deps.onPublished(done);
  return done;
}

export function describeResult(id: string, res: ReanalyseResult): string {
  const snap = res.snapshot;
  if (!res.published) return `reanalysed ${id}: no analysis input changed, version ${snap.version} stays${res.countsChanged ? ' (curation counts updated)' : ''}`;
  const primary = snap.outcomes.find((o) => o.primary) ?? snap.outcomes[0];
  return `reanalysed ${id} (version ${snap.version}, ${res.ms} ms): ${primary ? `${primary.label} k=${primary.k}${primary.result?.estimate != null ? `, SMD ${primary.result.estimate.toFixed(3)}` : ''}` : 'no outcomes'} — ${snap.summary}`;
}

let cached: HandlerDeps | undefined;
function depsFromEnv(): HandlerDeps {
  if (cached) return cached;
  const env = ENV.parse();
  cached = {
    doc: createDocumentClient(),
    table: env.TABLE_NAME,
    store: s3SnapshotStore(env.SNAPSHOT_BUCKET),
    log: (m) => console.log(m),
    // One {"reviewIds": [...]} message per stream batch that changed snapshots (the site build).
    onPublished: sqsPublishRequester(env.PUBLISH_QUEUE_URL),
  };
  return cached;
}

/** The hourly schedule's event: re-check the curation counts of these reviews (all when absent). */
export interface CountsRefreshEvent {
  refresh: 'counts';
  reviewIds?: string[];
}

/**
 * A counts refresh as the changes it stands for: one status move per review, which the triggers
 * treat as "the curation flow moved" (the stream filter keeps such writes from the function; the
 * schedule brings them in once an hour instead).
 */
export function countsRefreshChanges(reviewIds: string[]): ChangeImage[] {
  return reviewIds.map((reviewId) => ({
    oldImage: { entity: 'Candidate', reviewId, status: 'screening' },
    newImage: { entity: 'Candidate', reviewId, status: 'extraction' },
  }));
}

/** The figures of one invocation: the reanalysis metrics (functions/app-metrics.ts; sent only when > 0) and the log line. */
export function recordReanalysis(obs: Observability, trigger: 'stream' | 'counts-refresh', reviews: string[], failed: number): void {
  emitMetrics(obs, 'reanalyse', { reanalyses: reviews.length, failures: failed });
  obs.logger.info(LOG_FIGURES.reanalysis.message, { trigger, reviews, reanalysed: reviews.length, failed });
}

export type ReanalyseEvent = DynamoDBStreamEvent | CountsRefreshEvent;
export interface ReanalyseResponse {
  reviews: string[];
  batchItemFailures: { itemIdentifier: string }[];
}

/**
 * One invocation (stream batch or hourly counts refresh). Stream batches (ReportBatchItemFailures
 * is on): a failure returns the batch's first sequence number, so the event source retries (and
 * bisects) from there; nothing is lost or skipped.
 */
export async function runReanalyse(deps: HandlerDeps, obs: Observability, event: ReanalyseEvent): Promise<ReanalyseResponse> {
  if ('refresh' in event) {
    const ids = event.reviewIds ?? ALL_REVIEWS.map((r) => r.id);
    const reviews = await handleChanges(deps, countsRefreshChanges(ids));
    recordReanalysis(obs, 'counts-refresh', reviews, 0);
    return { reviews, batchItemFailures: [] };
  }
  try {
    const reviews = await handleChanges(deps, decodeStreamRecords(event));
    recordReanalysis(obs, 'stream', reviews, 0);
    return { reviews, batchItemFailures: [] };
  } catch (err) {
    obs.logger.error('reanalysis failed; the batch will be retried', err as Error);
    recordReanalysis(obs, 'stream', [], 1);
    const first = event.Records[0]?.dynamodb?.SequenceNumber;
    return { reviews: [], batchItemFailures: first ? [{ itemIdentifier: first }] : [] };
  }
}

const obs = observability('reanalyse');

export const handler = instrument(
  obs,
  (event: ReanalyseEvent): Promise<ReanalyseResponse> => runReanalyse({ ...depsFromEnv(), log: (m: string) => obs.logger.info(m) }, obs, event),
  (event) => ('Records' in event ? event.Records[0]?.eventID : 'counts-refresh'),
);
