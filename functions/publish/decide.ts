/**
 * The publish request format and what one batch of requests asks for. Pure (no SDK, no clock).
 *
 * Reanalyse sends `{"reviewIds": [...]}` to the FIFO publish queue after it wrote new snapshots
 * (one message group, so at most one site build runs at a time; requests that arrive while a build
 * runs are taken together by the next one). A build always publishes the LATEST snapshot of every
 * review, so one build answers every request of its batch; the oldest request's send time gives
 * the accept → published latency.
 */

export interface PublishRequest {
  /** SQS message id (for logs and partial batch failures). */
  messageId: string;
  reviewIds: string[];
  /** When the message was sent (SQS SentTimestamp), ms since the epoch. */
  sentAt: number;
}

export interface PublishPlan {
  /** Every review asked for, once, sorted. */
  reviewIds: string[];
  /** Send time of the oldest request (ms since the epoch): the latency of a publish is measured from it. */
  oldestSentAt: number;
  messages: number;
}

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

export function planPublish(requests: PublishRequest[]): PublishPlan {
  if (requests.length === 0) throw new Error('planPublish: no requests');
  return {
    reviewIds: [...new Set(requests.flatMap((r) => r.reviewIds))].sort(),
    oldestSentAt: Math.min(...requests.map((r) => r.sentAt)),
    messages: requests.length,
  };
}
