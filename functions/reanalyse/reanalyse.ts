/**
 * Re-pools one review: load its candidates (one Query on the review's partition), build the
 * snapshot in core/, store it. Idempotent: re-running on unchanged data yields the same numbers.
 */
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { buildSnapshot, type ReviewSnapshot } from '../../core/analysis/snapshot.js';
import { candidatePrefix } from '../../core/data-model/keys.js';
import type { Candidate } from '../../core/evidence/candidate.js';
import type { Review } from '../../core/reviews/index.js';
import type { SnapshotStore } from '../adapters/snapshot-store.js';
import { loadSnapshotInputs } from './inputs.js';

export async function loadCandidates(doc: DynamoDBDocumentClient, table: string, reviewId: string): Promise<Candidate[]> {
  const { pk, skPrefix } = candidatePrefix(reviewId);
  const out: Candidate[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const r = await doc.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
        ExpressionAttributeValues: { ':pk': pk, ':sk': skPrefix },
        ExclusiveStartKey: start,
        ConsistentRead: true,
      }),
    );
    for (const item of r.Items ?? []) out.push(item as Candidate);
    start = r.LastEvaluatedKey;
  } while (start);
  return out;
}

export interface ReanalyseDeps {
  doc: DynamoDBDocumentClient;
  table: string;
  store: SnapshotStore;
  now?: () => Date;
}

export async function reanalyseReview(deps: ReanalyseDeps, review: Review): Promise<ReviewSnapshot> {
  const candidates = await loadCandidates(deps.doc, deps.table, review.id);
  const previous = await deps.store.getLatest(review.id);
  const snapshot = buildSnapshot(review, candidates, (deps.now ?? (() => new Date()))(), previous, await loadSnapshotInputs(deps.doc, deps.table, review.id));
  await deps.store.put(snapshot);
  return snapshot;
}
