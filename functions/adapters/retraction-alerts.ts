/**
 * Retractions curators must hear about: the `retracted` events the pollers write for a study that
 * was accepted (or being extracted) when its retraction arrived. Those events carry
 * `flaggedTo: 'leads'` and sit in GSI1 under `FLAGGED#<review>` (see ingest-store.ts), newest last.
 */
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface RetractionAlert {
  reviewId: string;
  studyId: string;
  at: string;
  notice: string;
  /** The study's status when the retraction arrived. */
  status?: string;
}

/** The latest `limit` retraction alerts of a review, newest first. */
export async function retractionAlerts(doc: DynamoDBDocumentClient, table: string, reviewId: string, limit = 10): Promise<RetractionAlert[]> {
  const r = await doc.send(
    new QueryCommand({
      TableName: table,
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :p',
      ExpressionAttributeValues: { ':p': `FLAGGED#${reviewId}` },
      ScanIndexForward: false,
      Limit: Math.max(limit * 3, 30),
    }),
  );
  return (r.Items ?? [])
    .filter((e) => e.type === 'retracted')
    .slice(0, limit)
    .map((e) => ({
      reviewId,
      studyId: String(e.studyId),
      at: String(e.at),
      notice: String(e.reason ?? 'retracted'),
      ...(typeof (e.before as { status?: unknown } | undefined)?.status === 'string' ? { status: (e.before as { status: string }).status } : {}),
    }));
}
