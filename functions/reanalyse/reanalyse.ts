/**
 * Re-pools one review: load its candidates (one Query on the review's partition), decide in core/
 * whether an analysis input changed (content hash), and store a new immutable version only then.
 * The curation counts are stored either way (counts.json), so the page's flow numbers follow
 * screening without a version. Idempotent: a replayed stream or a restart makes no version.
 */
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { planVersion, type ReviewSnapshot } from '../../core/analysis/snapshot.js';
import { candidatePrefix } from '../../core/data-model/keys.js';
import type { Candidate } from '../../core/evidence/candidate.js';
import type { Review } from '../../core/reviews/index.js';
import type { SoftwareVersion } from '../../core/analysis/versions.js';
import { VersionExistsError, type SnapshotStore } from '../adapters/snapshot-store.js';
import { softwareVersion } from './software.js';
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
  software?: SoftwareVersion;
}

export interface ReanalyseResult {
  /** The latest version after this run (the new one when `published`). */
  snapshot: ReviewSnapshot;
  /** A new version was stored. */
  published: boolean;
  /** The curation counts changed (the page needs re-rendering even without a version). */
  countsChanged: boolean;
  /** Milliseconds spent loading candidates and pooling. */
  ms: number;
}

const sameCounts = (a: Record<string, number> | undefined, b: Record<string, number>) =>
  !!a && Object.keys(a).length === Object.keys(b).length && Object.entries(b).every(([k, v]) => a[k] === v);

export async function reanalyseReview(deps: ReanalyseDeps, review: Review): Promise<ReanalyseResult> {
  const started = Date.now();
  const candidates = await loadCandidates(deps.doc, deps.table, review.id);
  const now = (deps.now ?? (() => new Date()))();
  const software = deps.software ?? softwareVersion();
  const extra = { ...(await loadSnapshotInputs(deps.doc, deps.table, review.id)), software };
  let previous = await deps.store.getLatest(review.id);
  let plan = planVersion(review, candidates, now, previous, extra);
  let latest = previous;
  if (plan.publish) {
    try {
      await deps.store.put(plan.snapshot);
    } catch (err) {
      if (!(err instanceof VersionExistsError)) throw err;
      // Another writer published this number first: plan again on top of its version.
      previous = await deps.store.getLatest(review.id);
      plan = planVersion(review, candidates, now, previous, extra);
      if (plan.publish) await deps.store.put(plan.snapshot);
    }
    latest = plan.publish ? plan.snapshot : previous;
  }
  if (!latest) throw new Error(`no version of ${review.id} could be stored`);
  const stored = await deps.store.getCounts(review.id);
  // When each source was last searched moves with every poll: published with the counts, not as a version.
  const sources = extra.sources ?? [];
  const countsChanged =
    !sameCounts(stored?.counts, plan.counts) || stored?.version !== latest.version || JSON.stringify(stored?.sources ?? []) !== JSON.stringify(sources);
  if (countsChanged) await deps.store.putCounts({ reviewId: review.id, version: latest.version, updatedAt: now.toISOString(), counts: plan.counts, sources });
  return { snapshot: latest, published: plan.publish, countsChanged, ms: Date.now() - started };
}
