/**
 * Analysis and publishing. Accept → public page in about a minute (docs/architecture.md has the
 * component-by-component estimate), for cents (docs/deploy.md):
 *
 *   table stream ──filter: a candidate accepted before or after the write (core/analysis/stream-filter)
 *        ──▶ reanalyse (batch ≤ 100, window 2 s): re-pools the review, writes its snapshot to S3,
 *            sends {"reviewIds": [...]} to the FIFO publish queue (one message group)
 *        ──▶ publish / site build (functions/publish/handler.ts; reserved concurrency 1): fetches the
 *            latest snapshots, runs the same buildSite as the local runner (Astro, from a site-only
 *            bundle made at synth: no install at publish time), uploads changed files to the site
 *            bucket (pages max-age 60 s: no CloudFront invalidation needed).
 * Requests that arrive while a build runs wait in the queue and are taken together by the next one
 * (FIFO, one group: never two builds at once). Screening moves never invoke anything: an hourly
 * schedule refreshes the curation counts instead (EventBridge Scheduler → reanalyse `{refresh}`).
 *
 * Stream consumer: bisect on error, 3 retries, records older than a day dropped, partial batch
 * failures reported by the handler (batchItemFailures), failed batch metadata to an SQS queue.
 */
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, FilterCriteria, LoggingFormat, Runtime, StartingPosition, Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { InvokeFunction } from './ingest-stack.js';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { STREAM_FILTER_PATTERNS } from '../../core/analysis/stream-filter.js';
import { AppFunction } from '../constructs/lambda.js';
import { siteBundleCode } from '../constructs/site-bundle.js';
import { acknowledge, objectArnFinding } from '../nag.js';
import { QUEUE_DEFAULTS, deadLetterQueue } from '../queues.js';
import { bucketName } from './data-stack.js';
import { metricsNamespace } from '../stage.js';
import { Bucket } from 'aws-cdk-lib/aws-s3';

export interface AnalysisStackProps extends StackProps {
  table: ITable;
  /** Where the public site lives (custom domain, else the CloudFront name): feed and canonical links. */
  siteUrl: string;
}

export { objectArnFinding };

export const STREAM_BATCH_WINDOW = Duration.seconds(2);
export const PUBLISH_BATCH_SIZE = 10;
export const SITE_BUILD_TIMEOUT = Duration.minutes(3);
export const SITE_BUILD_MEMORY_MB = 3008;
/** Curation counts (screening moves) refresh: hourly. */
export const COUNTS_REFRESH = 'rate(1 hour)';

export class AnalysisStack extends Stack {
  readonly reanalyse: AppFunction;
  readonly publish: LambdaFunction;
  readonly publishLogs: LogGroup;
  readonly streamFailures: Queue;
  readonly publishQueue: Queue;
  readonly publishDlq: Queue;
  readonly countsRefresh: Schedule;

  constructor(scope: Construct, id: string, props: AnalysisStackProps) {
    super(scope, id, props);
    // Referenced by their deterministic names (see bucketName): no cross-stack tokens in IAM.
    const snapshotBucket = Bucket.fromBucketName(this, 'SnapshotBucketRef', bucketName(this, 'snapshots'));
    const siteBucket = Bucket.fromBucketName(this, 'SiteBucketRef', bucketName(this, 'site'));

    // ---- publish: the site build Lambda, fed by a FIFO queue (one build at a time) ----
    this.publishDlq = deadLetterQueue(this, 'PublishDlq', 'the publish queue (requests whose build failed 5 times)', { fifo: true });
    this.publishQueue = new Queue(this, 'PublishQueue', {
      ...QUEUE_DEFAULTS,
      fifo: true,
      // Deduplication ids are unique per request (functions/publish/request.ts).
      contentBasedDeduplication: false,
      // AWS guidance for Lambda SQS sources: ≥ 6 × the function timeout.
      visibilityTimeout: Duration.seconds(6 * SITE_BUILD_TIMEOUT.toSeconds()),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.publishDlq, maxReceiveCount: 5 },
    });

    this.publishLogs = new LogGroup(this, 'PublishLogs', { retention: RetentionDays.ONE_MONTH });
    const publishRole = { role: new Role(this, 'PublishRole', { assumedBy: new ServicePrincipal('lambda.amazonaws.com'), description: 'Execution role of the site build' }) };
    this.publishLogs.grantWrite(publishRole.role);
    this.publish = new LambdaFunction(this, 'Publish', {
      description: 'Builds the static site from the latest snapshots (Astro, site-only bundle) and uploads the changed files',
      code: siteBundleCode(),
      handler: 'functions/publish/handler.handler',
      runtime: Runtime.NODEJS_24_X,
      // The bundle carries the x64 native rollup/esbuild of the synth machine (site-bundle.ts).
      architecture: Architecture.X86_64,
      memorySize: SITE_BUILD_MEMORY_MB,
      timeout: SITE_BUILD_TIMEOUT,
      reservedConcurrentExecutions: 1,
      loggingFormat: LoggingFormat.JSON,
      logGroup: this.publishLogs,
      role: publishRole.role,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        HOME: '/tmp',
        ASTRO_TELEMETRY_DISABLED: '1',
        SNAPSHOT_BUCKET: snapshotBucket.bucketName,
        SITE_BUCKET: siteBucket.bucketName,
        SITE_URL: props.siteUrl,
        POWERTOOLS_SERVICE_NAME: 'Publish',
        POWERTOOLS_METRICS_NAMESPACE: metricsNamespace(this),
      },
    });
    // Exactly what the build does: list + read snapshots, list + put + delete site objects.
    publishRole.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['s3:ListBucket'], resources: [snapshotBucket.bucketArn], conditions: { StringLike: { 's3:prefix': ['snapshots/*'] } } }),
    );
    publishRole.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [snapshotBucket.arnForObjects('snapshots/*')] }));
    publishRole.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:ListBucket'], resources: [siteBucket.bucketArn] }));
    publishRole.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:PutObject', 's3:DeleteObject'], resources: [siteBucket.arnForObjects('*')] }));
    this.publish.addEventSource(new SqsEventSource(this.publishQueue, { batchSize: PUBLISH_BATCH_SIZE, reportBatchItemFailures: true }));
    acknowledge(publishRole.role, objectArnFinding(this, 'snapshots', 'snapshots/'), 'The build reads the latest snapshot, counts and version files of every review under snapshots/ of the one snapshot bucket.');
    acknowledge(publishRole.role, objectArnFinding(this, 'site'), 'The build owns the whole site bucket: it uploads the changed pages and deletes the ones the site no longer has.');
    acknowledge(this.publish, 'AwsSolutions-L1', 'Runs Node.js 24, the newest runtime: the function is a plain lambda.Function (site-only bundle), which cdk-nag checks by name.');

    // ---- reanalyse (stream consumer) ----
    this.streamFailures = deadLetterQueue(this, 'StreamFailures', 'the reanalyse stream consumer (on-failure destination)');
    this.reanalyse = new AppFunction(this, 'Reanalyse', {
      entry: 'functions/reanalyse/handler.ts',
      description: 'Re-pools a review when an analysis input changes; refreshes curation counts hourly',
      memorySize: 1024,
      timeout: Duration.minutes(5),
      environment: {
        SNAPSHOT_BUCKET: snapshotBucket.bucketName,
        PUBLISH_QUEUE_URL: this.publishQueue.queueUrl,
      },
    });
    // Stream reads + Query on the base table: nothing else (no writes, no Scan, no index).
    this.reanalyse.bindTable(props.table, 'stream', [], ['dynamodb:Query']);
    this.reanalyse.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['s3:ListBucket'], resources: [snapshotBucket.bucketArn], conditions: { StringLike: { 's3:prefix': ['snapshots/*'] } } }),
    );
    this.reanalyse.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['s3:GetObject', 's3:PutObject'], resources: [snapshotBucket.arnForObjects('snapshots/*')] }),
    );
    this.reanalyse.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.publishQueue.queueArn] }));
    this.reanalyse.fn.addEventSource(
      new DynamoEventSource(props.table, {
        startingPosition: StartingPosition.LATEST,
        batchSize: 100,
        maxBatchingWindow: STREAM_BATCH_WINDOW,
        bisectBatchOnError: true,
        retryAttempts: 3,
        maxRecordAge: Duration.days(1),
        parallelizationFactor: 1,
        reportBatchItemFailures: true,
        onFailure: new SqsDlq(this.streamFailures),
        filters: STREAM_FILTER_PATTERNS.map((p) => FilterCriteria.filter(p)),
      }),
    );
    acknowledge(
      this.reanalyse.role,
      'AwsSolutions-IAM5[Resource::*]',
      'dynamodb:ListStreams (added by the DynamoDB event source) has no resource-level permissions.',
    );
    acknowledge(this.reanalyse.role, objectArnFinding(this, 'snapshots', 'snapshots/'), 'Reanalyse reads and writes the snapshot, counts and version objects of every review under snapshots/.');

    // ---- hourly curation-counts refresh ----
    this.countsRefresh = new Schedule(this, 'CountsRefresh', {
      description: 'Refreshes the curation counts of every review page (screening moves do not invoke reanalyse)',
      schedule: ScheduleExpression.expression(COUNTS_REFRESH),
      target: new InvokeFunction(this.reanalyse.fn, {
        input: ScheduleTargetInput.fromObject({ refresh: 'counts' }),
        deadLetterQueue: this.streamFailures,
        retryAttempts: 2,
        maxEventAge: Duration.hours(1),
      }),
    });
    new CfnOutput(this, 'PublishQueueUrl', { value: this.publishQueue.queueUrl });
    new CfnOutput(this, 'PublishFunctionName', { value: this.publish.functionName });
  }
}

