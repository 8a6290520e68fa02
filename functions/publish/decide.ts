/**
 * The publish decision, pure (no SDK, no clock): given the publish requests of one SQS batch and
 * the recent builds of the site-build project, start a build or not.
 *
 * A build reads the snapshot bucket after it starts, and reanalyse sends its request only after
 * its snapshots are written. So a build that started at or after the moment the NEWEST request of
 * the batch was sent, and that has not finished yet, will publish every snapshot the batch asks
 * for: the batch can be dropped. (A build that started after only the oldest request could miss
 * the snapshots of a later one, so the newest request is the bar.) In every other case — nothing
 * running, or only builds that started earlier — a new build is started: the newer snapshots
 * must land. Finished builds never cover a batch (a failed one published nothing, a succeeded one
 * started too early by definition or it would still be the newest).
 */

export interface PublishRequest {
  /** SQS message id (for logs and partial batch failures). */
  messageId: string;
  reviewIds: string[];
  /** When the message was sent (SQS SentTimestamp), ms since the epoch. */
  sentAt: number;
}

export interface BuildSummary {
  id: string;
  /** CodeBuild buildStatus: IN_PROGRESS (also while queued), SUCCEEDED, FAILED, STOPPED, … */
  status: string;
  /** ms since the epoch; CodeBuild sets it when the build is submitted. */
  startTime?: number;
}

export type PublishDecision =
  | { action: 'start'; reviewIds: string[]; reason: string }
  | { action: 'skip'; reviewIds: string[]; coveredBy: string; reason: string };

export class PublishMessageError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`publish message: ${field}: ${message}`);
    this.name = 'PublishMessageError';
  }
}

/** Parses an SQS body `{"reviewIds": ["..."]}`; throws a PublishMessageError naming the field. */
export function parsePublishMessage(body: string): { reviewIds: string[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new PublishMessageError('body', 'is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new PublishMessageError('body', 'must be a JSON object');
  }
  const ids = (parsed as { reviewIds?: unknown }).reviewIds;
  if (!Array.isArray(ids) || ids.length === 0) {
    throw new PublishMessageError('reviewIds', 'must be a non-empty array of review ids');
  }
  ids.forEach((id, i) => {
    if (typeof id !== 'string' || id.trim() === '') {
      throw new PublishMessageError(`reviewIds[${i}]`, 'must be a non-empty string');
    }
  });
  return { reviewIds: (ids as string[]).map((id) => id.trim()) };
}

const unique = (xs: string[]) => [...new Set(xs)].sort();

export function decidePublish(requests: PublishRequest[], builds: BuildSummary[]): PublishDecision {
  if (requests.length === 0) throw new Error('decidePublish: no requests');
  const reviewIds = unique(requests.flatMap((r) => r.reviewIds));
  const newest = Math.max(...requests.map((r) => r.sentAt));
  const covering = builds
    .filter((b) => b.status === 'IN_PROGRESS' && b.startTime !== undefined && b.startTime >= newest)
    .sort((a, b) => a.startTime! - b.startTime!)[0];
  if (covering) {
    return {
      action: 'skip',
      reviewIds,
      coveredBy: covering.id,
      reason: `build ${covering.id} started ${new Date(covering.startTime!).toISOString()}, after the newest request (${new Date(newest).toISOString()}), and is still running`,
    };
  }
  const running = builds.filter((b) => b.status === 'IN_PROGRESS').length;
  return {
    action: 'start',
    reviewIds,
    reason: running
      ? `${running} build(s) in progress started before the newest request (${new Date(newest).toISOString()}); the newer snapshots must land`
      : 'no build in progress',
  };
}
