import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { acknowledge } from './nag.js';

/** Encrypted, TLS-only queue defaults. */
export const QUEUE_DEFAULTS = {
  encryption: QueueEncryption.SQS_MANAGED,
  enforceSSL: true,
} as const;

/**
 * A dead-letter queue: encrypted, TLS-only, keeps messages 14 days. cdk-nag's SQS3 only
 * recognises queues named in another queue's redrive policy as DLQs, so Lambda/Scheduler DLQs
 * get a narrow acknowledgement.
 */
export function deadLetterQueue(scope: Construct, id: string, usedBy: string, opts: { fifo?: boolean } = {}): Queue {
  const queue = new Queue(scope, id, {
    ...QUEUE_DEFAULTS,
    ...(opts.fifo ? { fifo: true } : {}),
    retentionPeriod: Duration.days(14),
    removalPolicy: RemovalPolicy.DESTROY,
  });
  acknowledge(queue, 'AwsSolutions-SQS3', `This queue IS the dead-letter queue of ${usedBy}; a DLQ of a DLQ adds nothing.`);
  return queue;
}
