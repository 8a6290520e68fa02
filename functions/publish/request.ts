/**
 * The sending side of the publish queue: reanalyse calls this after it wrote new snapshots.
 * One message `{"reviewIds": [...]}` per call into the FIFO publish queue: one message group
 * (`site`), so the site build runs one batch at a time, and a unique deduplication id, so that a
 * request equal to one sent minutes ago (same reviews) is never dropped as a duplicate.
 */
import { randomUUID } from 'node:crypto';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';

export const PUBLISH_MESSAGE_GROUP = 'site';

export function publishRequestBody(reviewIds: string[]): string {
  return JSON.stringify({ reviewIds });
}

export function sqsPublishRequester(queueUrl: string, client: SQSClient = new SQSClient({})): (reviewIds: string[]) => Promise<void> {
  return async (reviewIds) => {
    if (reviewIds.length === 0) return;
    await client.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: publishRequestBody(reviewIds),
        MessageGroupId: PUBLISH_MESSAGE_GROUP,
        MessageDeduplicationId: randomUUID(),
      }),
    );
  };
}
