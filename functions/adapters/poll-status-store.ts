/**
 * Reads the stored poll state (checkpoint items: lastRunAt, lastAttempt) of every (review, source)
 * and puts it in words with core (poll-status.ts). One BatchGet for all slots.
 */
import { BatchGetCommand, type BatchGetCommandOutput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { checkpointKey } from '../../core/data-model/keys.js';
import { cadenceHours, type Cadence } from '../../core/reviews/cadence.js';
import { pollStatus, sourceSummary, type PollAttempt, type PollStatus } from '../../core/reviews/poll-status.js';

export interface SlotStatus extends PollStatus {
  reviewId: string;
}

export async function loadPollStatuses(
  doc: DynamoDBDocumentClient,
  table: string,
  reviews: readonly { id: string; cadence: Cadence }[],
  sources: readonly string[],
  now: Date,
): Promise<{ sources: PollStatus[]; slots: SlotStatus[] }> {
  const keys = reviews.flatMap((r) => sources.map((s) => checkpointKey(r.id, s)));
  const found = new Map<string, Record<string, unknown>>();
  for (let i = 0; i < keys.length; i += 100) {
    let request: BatchGetCommandOutput['UnprocessedKeys'] | undefined = { [table]: { Keys: keys.slice(i, i + 100), ConsistentRead: true } };
    for (let round = 0; request && Object.keys(request).length && round < 10; round++) {
      const r: BatchGetCommandOutput = await doc.send(new BatchGetCommand({ RequestItems: request }));
      for (const it of r.Responses?.[table] ?? []) found.set(it.pk as string, it);
      request = r.UnprocessedKeys?.[table]?.Keys?.length ? r.UnprocessedKeys : undefined;
    }
  }
  const slots: SlotStatus[] = reviews.flatMap((r) =>
    sources.map((source) => {
      const item = found.get(checkpointKey(r.id, source).pk);
      const lastRunAt = typeof item?.lastRunAt === 'string' ? item.lastRunAt : undefined;
      const a = item?.lastAttempt as PollAttempt | undefined;
      const lastAttempt = a && typeof a.at === 'string' && typeof a.ok === 'boolean' ? a : undefined;
      return { reviewId: r.id, ...pollStatus({ source, intervalHours: cadenceHours(r.cadence), ...(lastRunAt ? { lastRunAt } : {}), ...(lastAttempt ? { lastAttempt } : {}) }, now) };
    }),
  );
  return { sources: sourceSummary(slots), slots };
}
