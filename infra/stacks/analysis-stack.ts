/**
 * Analysis: the DynamoDB stream drives the reanalyse Lambda; a reanalysis that changed a review
 * asks for a site build by sending a message to the publish queue; the publish Lambda starts a
 * CodeBuild project that rebuilds and uploads the site.
 *
 * Why CodeBuild: the Astro build (Vite/rollup native binaries, `npm ci`, minutes of CPU) does not
 * fit a Lambda. The project (infra/constructs/site-build.ts) builds from an S3 asset of this
 * repository, so it runs exactly the deployed code.
 *
 * Debounced site build:
 *   reanalyse ──SendMessage {"reviewIds": [...]}──▶ PublishQueue (DelaySeconds = 120)
 *        ──▶ event source mapping (batching window 300 s, ≤ 100 messages, max concurrency 2)
 *        ──▶ publish Lambda (functions/publish/handler.ts): once per batch, StartBuild — unless a
 *            build that started after the newest message of the batch was sent is still queued or
 *            running (it reads those snapshots already; functions/publish/decide.ts)
 *        ──▶ CodeBuild `living-evidence-site-build`: npm ci → sync snapshots → npm run build:site
 *            → s3 sync to the site bucket (typed feed/JSON/CSV, --delete) → invalidate CloudFront.
 * A burst of accepted studies therefore produces one build per ~2–7 minutes instead of one per
 * study. A build that finds a newer build of the project skips its upload (the newer one read
 * newer snapshots). StartBuild failures are retried 3 times by SQS, then go to the publish DLQ;
 * failed builds are retried twice by CodeBuild (autoRetryLimit) and alarmed (Operations stack).
 *
 * Stream consumer: batch 100, batching window 5 s, bisect on error, 3 retries, records older than a
 * day dropped, partial batch failures reported by the handler, failed batch metadata sent to an
 * SQS on-failure destination.
 */
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
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
import { SiteBuild } from '../constructs/site-build.js';
import { acknowledge, objectArnFinding } from '../nag.js';
import { QUEUE_DEFAULTS, deadLetterQueue } from '../queues.js';

export interface AnalysisStackProps extends StackProps {
  table: ITable;
  distribution: Distribution;
}

export { objectArnFinding };

export const PUBLISH_DELAY = Duration.seconds(120);
export const PUBLISH_BATCH_WINDOW = Duration.seconds(300);
/** > 10 is allowed because a batching window is set; the window, not the size, closes a batch. */
export const PUBLISH_BATCH_SIZE = 100;

export class AnalysisStack extends Stack {
  readonly reanalyse: AppFunction;
  readonly publish: AppFunction;
  readonly siteBuild: SiteBuild;
  readonly streamFailures: Queue;
  readonly publishQueue: Queue;
  readonly publishDlq: Queue;

  constructor(scope: Construct, id: string, props: AnalysisStackProps) {
    super(scope, id, props);
    // Referenced by their deterministic names (see bucketName): no cross-stack tokens in IAM.
    const snapshotBucket = Bucket.fromBucketName(this, 'SnapshotBucketRef', bucketName('snapshots'));
    const siteBucket = Bucket.fromBucketName(this, 'SiteBucketRef', bucketName('site'));

    // ---- publish (debounced site build) ----
    this.siteBuild = new SiteBuild(this, 'SiteBuild', {
      snapshotBucket,
      siteBucket,
      distribution: props.distribution,
      siteUrl: `https://${props.distribution.distributionDomainName}`,
    });
    const project = this.siteBuild.project;

    this.publishDlq = deadLetterQueue(this, 'PublishDlq', 'the publish queue (start requests that failed 3 times)');
    const publishTimeout = Duration.seconds(30);
    this.publishQueue = new Queue(this, 'PublishQueue', {
      ...QUEUE_DEFAULTS,
      deliveryDelay: PUBLISH_DELAY,
      // AWS guidance for Lambda SQS sources: ≥ 6 × function timeout + the batching window.
      visibilityTimeout: Duration.seconds(6 * publishTimeout.toSeconds() + PUBLISH_BATCH_WINDOW.toSeconds()),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.publishDlq, maxReceiveCount: 3 },
    });

    this.publish = new AppFunction(this, 'Publish', {
      entry: 'functions/publish/handler.ts',
      description: 'Starts the site build (CodeBuild) once per batch of publish requests',
      memorySize: 256,
      timeout: publishTimeout,
      environment: { BUILD_PROJECT_NAME: project.projectName },
    });
    this.publish.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['codebuild:StartBuild', 'codebuild:ListBuildsForProject', 'codebuild:BatchGetBuilds'],
        resources: [project.projectArn],
      }),
    );
    this.publish.fn.addEventSource(
      new SqsEventSource(this.publishQueue, {
        batchSize: PUBLISH_BATCH_SIZE,
        maxBatchingWindow: PUBLISH_BATCH_WINDOW,
        maxConcurrency: 2,
        reportBatchItemFailures: true,
      }),
    );

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
    new CfnOutput(this, 'SiteBuildProjectName', { value: project.projectName });
  }
}
