/**
 * Ingest: one poller Lambda per source (PubMed, ClinicalTrials.gov, Europe PMC, ISRCTN: the list
 * POLL_SOURCES in core/reviews/cadence.ts), invoked per review by
 * EventBridge Scheduler at the review's cadence. Reserved concurrency 1 per source (politeness
 * towards NCBI / CT.gov and no concurrent writers of the same checkpoint), a dead-letter queue
 * per source for both failed asynchronous invocations and failed schedule deliveries.
 *
 * Schedule input (the event the handler receives): `{ "reviewId": "<id>", "source": "<one of POLL_SOURCES>" }`.
 */
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, type IRole } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Schedule, ScheduleExpression, ScheduleTargetInput, TimeWindow } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { AppFunction } from '../constructs/lambda.js';
import { deadLetterQueue } from '../queues.js';
import type { ReviewSchedule } from '../reviews.js';

import { POLL_SOURCES, type PollSource } from '../../core/reviews/cadence.js';
import { POLLER_NODE_FLAGS } from '../../functions/poll-common/node-flags.js';
export type { PollSource };

export interface Poller {
  source: PollSource;
  fn: AppFunction;
  dlq: Queue;
  /** Shortest cadence among the reviews this poller serves (drives the staleness alarm). */
  minCadenceHours: number;
}

export interface IngestStackProps extends StackProps {
  table: ITable;
  ncbiSecret: ISecret;
  reviews: ReviewSchedule[];
  /** Contact e-mail sent to NCBI with every request (E-utilities etiquette). */
  ncbiEmail?: string;
}

/**
 * The table actions a poller's code sends (functions/poll-common, functions/adapters/ingest-store,
 * poll-status-store: Get, BatchGet, Query; Put, Update, and TransactWrite of Puts, which IAM
 * authorises as PutItem). No Scan, Delete, BatchWrite, ConditionCheck or DescribeTable.
 */
export const POLLER_TABLE_READS = ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'];
export const POLLER_TABLE_WRITES = ['dynamodb:PutItem', 'dynamodb:UpdateItem'];

/** One function per source of POLL_SOURCES (the Record type makes a new source need its entry here). */
const SOURCE_FUNCTIONS: Record<PollSource, { id: string; entry: string; description: string }> = {
  pubmed: { id: 'PollPubmed', entry: 'functions/poll-pubmed/handler.ts', description: 'Polls PubMed E-utilities for new RCTs of a review' },
  ctgov: { id: 'PollCtgov', entry: 'functions/poll-ctgov/handler.ts', description: 'Polls ClinicalTrials.gov API v2 for new RCTs of a review' },
  europepmc: { id: 'PollEuropepmc', entry: 'functions/poll-europepmc/handler.ts', description: 'Polls Europe PMC for new preprints of RCTs of a review' },
  isrctn: { id: 'PollIsrctn', entry: 'functions/poll-isrctn/handler.ts', description: 'Polls the ISRCTN registry for new or edited trials of a review' },
};
const SOURCES = POLL_SOURCES.map((source) => ({ source, ...SOURCE_FUNCTIONS[source] }));

/**
 * Scheduler target that may invoke exactly the function's unqualified ARN (the stock target also
 * grants `<arn>:*`, every version and alias).
 */
export class InvokeFunction extends LambdaInvoke {
  constructor(private readonly target: IFunction, props: ConstructorParameters<typeof LambdaInvoke>[1]) {
    super(target, props);
  }
  protected override addTargetActionToRole(role: IRole): void {
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.target.functionArn] }));
  }
}

export class IngestStack extends Stack {
  readonly pollers: Poller[] = [];

  constructor(scope: Construct, id: string, props: IngestStackProps) {
    super(scope, id, props);
    const minCadenceHours = props.reviews.length > 0 ? Math.min(...props.reviews.map((r) => r.cadence.hours)) : 24;

    for (const src of SOURCES) {
      const dlq = deadLetterQueue(this, `${src.id}Dlq`, `the ${src.source} poller (failed async invocations and schedule deliveries)`);
      const fn = new AppFunction(this, src.id, {
        entry: src.entry,
        description: src.description,
        timeout: Duration.minutes(10),
        memorySize: 512,
        reservedConcurrentExecutions: 1,
        deadLetterQueue: dlq,
        retryAttempts: 2,
        maxEventAge: Duration.hours(6),
        // Only what the source's handler reads (functions/poll-<source>/env.ts; test/infra/env.test.ts).
        // NODE_OPTIONS: source maps (as every function) + the pollers' memory flags (poll-common/node-flags.ts).
        environment: {
          NODE_OPTIONS: ['--enable-source-maps', ...POLLER_NODE_FLAGS].join(' '),
          ...(src.source === 'pubmed'
            ? { NCBI_TOOL: 'living-evidence', ...(props.ncbiEmail ? { NCBI_EMAIL: props.ncbiEmail } : {}), NCBI_SECRET_ARN: props.ncbiSecret.secretArn }
            : {}),
        },
      });
      fn.bindTable(props.table, 'readWrite', undefined, POLLER_TABLE_READS, POLLER_TABLE_WRITES);
      if (src.source === 'pubmed') props.ncbiSecret.grantRead(fn.role);

      for (const review of props.reviews) {
        new Schedule(this, `${src.id}-${review.reviewId}`, {
          description: `Poll ${src.source} for review ${review.reviewId} (${review.cadence.expression})`,
          schedule: ScheduleExpression.expression(review.cadence.expression),
          // Spread the invocations a little; the cadence is hours or more.
          timeWindow: TimeWindow.flexible(Duration.minutes(15)),
          target: new InvokeFunction(fn.fn, {
            input: ScheduleTargetInput.fromObject({ reviewId: review.reviewId, source: src.source }),
            deadLetterQueue: dlq,
            retryAttempts: 3,
            maxEventAge: Duration.hours(2),
          }),
        });
      }
      this.pollers.push({ source: src.source, fn, dlq, minCadenceHours });
    }
  }
}
