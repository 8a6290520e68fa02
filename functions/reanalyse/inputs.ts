/**
 * What a snapshot needs beyond the candidates: the leads' GRADE judgements and, per source, when
 * the review was last searched (the poll checkpoints' `lastRunAt`, functions/poll-common/cycle.ts).
 */
import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SnapshotInputs } from '../../core/analysis/snapshot.js';
import { checkpointKey } from '../../core/data-model/keys.js';
import { POLL_SOURCES } from '../../core/reviews/cadence.js';
import { loadGradeJudgements } from '../adapters/grade-store.js';

/** Every polled source is listed, with null before its first search of the review. */
export async function loadSourcesSearched(doc: DynamoDBDocumentClient, table: string, reviewId: string): Promise<NonNullable<SnapshotInputs['sources']>> {
  const r = await doc.send(
    new BatchGetCommand({ RequestItems: { [table]: { Keys: POLL_SOURCES.map((s) => checkpointKey(reviewId, s)), ConsistentRead: true, ProjectionExpression: '#s, lastRunAt', ExpressionAttributeNames: { '#s': 'source' } } } }),
  );
  const found = new Map<string, string | null>();
  for (const it of r.Responses?.[table] ?? []) if (typeof it.source === 'string') found.set(it.source, typeof it.lastRunAt === 'string' ? it.lastRunAt : null);
  // Unprocessed keys (throttling) are simply reported as not known: the next snapshot fills them.
  return POLL_SOURCES.map((s) => ({ source: s, lastSearchedAt: found.get(s) ?? null }));
}

export async function loadSnapshotInputs(doc: DynamoDBDocumentClient, table: string, reviewId: string): Promise<SnapshotInputs> {
  const [judgements, sources] = await Promise.all([loadGradeJudgements(doc, table, reviewId), loadSourcesSearched(doc, table, reviewId)]);
  return { judgements, sources };
}
