/**
 * The sending side of the publish queue: reanalyse calls this after it wrote new snapshots.
 * One SQS message `{"reviewIds": [...]}` per call; the queue's delivery delay and the publish
 * event source's batching window do the debouncing (infra/stacks/analysis-stack.ts).
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';

export function publishRequestBody(reviewIds: string[]): string {
  return JSON.stringify({ reviewIds });
}

export function sqsPublishRequester(queueUrl: string, client: SQSClient = new SQSClient({})): (reviewIds: string[]) => Promise<void> {
  return async (reviewIds) => {
    if (reviewIds.length === 0) return;
    await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: publishRequestBody(reviewIds) }));
  };
}
