/**
 * Analysis: the DynamoDB stream drives the reanalyse Lambda; a reanalysis that changed a review
 * asks for a site build by sending a message to the publish queue; the publish Lambda rebuilds
 * and uploads the site.
 *
 * Debounced site build — chosen design: an SQS queue with a delivery delay feeding
 * functions/publish/handler.ts (no CodeBuild project):
 *   reanalyse ──SendMessage {"reviewId": "..."}──▶ PublishQueue (DelaySeconds = 120)
 *        ──▶ event source mapping (batch ≤ 10 messages, batching window 300 s, max concurrency 2)
 *        ──▶ publish Lambda: builds once per batch from the latest snapshots, uploads to the site
 *            bucket, invalidates CloudFront.
 * A burst of accepted studies therefore produces one build per ~2–7 minutes instead of one per
 * study. Failed batches are retried 3 times, then go to the publish DLQ.
 *
 * Stream consumer: batch 100, batching window 5 s, bisect on error, 3 retries, records older than a
 * day dropped, partial batch failures reported by the handler, failed batch metadata sent to an
 * SQS on-failure destination.
 */
import { CfnOutput, Duration, Size, Stack, type StackProps } from 'aws-cdk-lib';
import type { Distribution } from 'aws-cdk-lib/aws-cloudfront';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { bucketName } from './data-stack.js';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { AppFunction } from '../constructs/lambda.js';
import { acknowledge } from '../nag.js';
import { QUEUE_DEFAULTS, deadLetterQueue } from '../queues.js';

export interface AnalysisStackProps extends StackProps {
  table: ITable;
  distribution: Distribution;
}

/**
 * The id of cdk-nag's IAM5 finding for the object ARNs (`<bucket arn>/*`) of one of our buckets,
 * as cdk-nag renders it: pseudo parameters that are not known at synth time appear as `<AWS::…>`.
 */
export function objectArnFinding(stack: Stack, purpose: 'snapshots' | 'site'): string {
  // bucketName() always uses the AccountId/Region pseudo parameters; the partition is a literal
  // when the stack's region is known.
  const resolved = stack.resolve(stack.partition) as unknown;
  const partition = typeof resolved === 'string' ? resolved : '<AWS::Partition>';
  const account = '<AWS::AccountId>';
  const region = '<AWS::Region>';
  return `AwsSolutions-IAM5[Resource::arn:${partition}:s3:::living-evidence-${purpose}-${account}-${region}/*]`;
}

export const PUBLISH_DELAY = Duration.seconds(120);
export const PUBLISH_BATCH_WINDOW = Duration.seconds(300);

export class AnalysisStack extends Stack {
  readonly reanalyse: AppFunction;
  readonly publish: AppFunction;
  readonly streamFailures: Queue;
  readonly publishQueue: Queue;
  readonly publishDlq: Queue;

  constructor(scope: Construct, id: string, props: AnalysisStackProps) {
    super(scope, id, props);
    // Referenced by their deterministic names (see bucketName): no cross-stack tokens in IAM.
    const snapshotBucket = Bucket.fromBucketName(this, 'SnapshotBucketRef', bucketName('snapshots'));
    const siteBucket = Bucket.fromBucketName(this, 'SiteBucketRef', bucketName('site'));

    // ---- publish (debounced site build) ----
    this.publishDlq = deadLetterQueue(this, 'PublishDlq', 'the publish queue (builds that failed 3 times)');
    const publishTimeout = Duration.minutes(10);
    this.publishQueue = new Queue(this, 'PublishQueue', {
      ...QUEUE_DEFAULTS,
      deliveryDelay: PUBLISH_DELAY,
      // AWS guidance for Lambda SQS sources: ≥ 6 × function timeout (+ batching window).
      visibilityTimeout: Duration.minutes(65),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.publishDlq, maxReceiveCount: 3 },
    });

    this.publish = new AppFunction(this, 'Publish', {
      entry: 'functions/publish/handler.ts',
      description: 'Builds the static dashboard from the latest snapshots and publishes it',
      memorySize: 2048,
      ephemeralStorageSize: Size.mebibytes(2048),
      timeout: publishTimeout,
      environment: {
        SNAPSHOT_BUCKET: snapshotBucket.bucketName,
        SITE_BUCKET: siteBucket.bucketName,
        DISTRIBUTION_ID: props.distribution.distributionId,
        SITE_URL: `https://${props.distribution.distributionDomainName}`,
      },
    });
    this.publish.bindTable(props.table, 'read');
    snapshotBucket.grantRead(this.publish.role);
    siteBucket.grantReadWrite(this.publish.role);
    siteBucket.grantDelete(this.publish.role);
    this.publish.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['cloudfront:CreateInvalidation', 'cloudfront:GetInvalidation'],
        resources: [props.distribution.distributionArn],
      }),
    );
    this.publish.fn.addEventSource(
      new SqsEventSource(this.publishQueue, {
        batchSize: 10,
        maxBatchingWindow: PUBLISH_BATCH_WINDOW,
        maxConcurrency: 2,
        reportBatchItemFailures: true,
      }),
    );
    acknowledge(
      this.publish.role,
      objectArnFinding(this, 'snapshots'),
      'The publish function reads every snapshot object; object-level S3 actions need an object ARN pattern under the one snapshot bucket.',
    );
    acknowledge(
      this.publish.role,
      objectArnFinding(this, 'site'),
      'The publish function owns the whole site bucket (it replaces every page on publish); object ARNs under that one bucket are needed.',
    );
    for (const action of ['s3:GetBucket*', 's3:GetObject*', 's3:List*', 's3:Abort*', 's3:DeleteObject*']) {
      acknowledge(
        this.publish.role,
        `AwsSolutions-IAM5[Action::${action}]`,
        'CDK grantRead/grantReadWrite/grantDelete action groups, scoped to the snapshot and site buckets only.',
      );
    }

    // ---- reanalyse (stream consumer) ----
    this.streamFailures = deadLetterQueue(this, 'StreamFailures', 'the reanalyse stream consumer (on-failure destination)');
    this.reanalyse = new AppFunction(this, 'Reanalyse', {
      entry: 'functions/reanalyse/handler.ts',
      description: 'Re-pools a review when its accepted studies or extractions change',
      memorySize: 1024,
      timeout: Duration.minutes(5),
      environment: {
        SNAPSHOT_BUCKET: snapshotBucket.bucketName,
        PUBLISH_QUEUE_URL: this.publishQueue.queueUrl,
      },
    });
    // Stream reads + table reads; reanalyse also writes revisions back to the table.
    this.reanalyse.bindTable(props.table, 'stream');
    this.reanalyse.bindTable(props.table, 'readWrite');
    snapshotBucket.grantReadWrite(this.reanalyse.role);
    this.publishQueue.grantSendMessages(this.reanalyse.role);
    this.reanalyse.fn.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: StartingPosition.LATEST,
        batchSize: 100,
        maxBatchingWindow: Duration.seconds(5),
        bisectBatchOnError: true,
        retryAttempts: 3,
        maxRecordAge: Duration.days(1),
        parallelizationFactor: 1,
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(this.streamFailures),
      }),
    );
    acknowledge(
      this.reanalyse.role,
      'AwsSolutions-IAM5[Resource::*]',
      'dynamodb:ListStreams (added by the DynamoDB event source) has no resource-level permissions; X-Ray actions likewise.',
    );
    acknowledge(
      this.reanalyse.role,
      objectArnFinding(this, 'snapshots'),
      'Reanalyse writes versioned snapshot objects anywhere in the one snapshot bucket.',
    );
    for (const action of ['s3:GetBucket*', 's3:GetObject*', 's3:List*', 's3:Abort*', 's3:DeleteObject*']) {
      acknowledge(
        this.reanalyse.role,
        `AwsSolutions-IAM5[Action::${action}]`,
        'CDK grantReadWrite action group, scoped to the snapshot bucket only.',
      );
    }
    new CfnOutput(this, 'PublishQueueUrl', { value: this.publishQueue.queueUrl });
  }
}
