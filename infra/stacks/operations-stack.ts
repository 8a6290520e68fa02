/**
 * Operations: one SNS topic for alarms, alarms on Lambda errors, DLQ depth, poller staleness,
 * failed site builds (CodeBuild) and API 5xx, and one CloudWatch dashboard.
 *
 * Staleness ("no successful poll in 2 × cadence"): for each source, successes = Invocations −
 * Errors of its poller, summed over ONE period of 2 × the shortest review cadence (capped at the
 * 7-day CloudWatch limit). Any window of that length contains at least one scheduled poll, so
 * "successes < 1" (missing data counts as breaching) means the poller is stale.
 */
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
  type IAlarmAction,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IProject } from 'aws-cdk-lib/aws-codebuild';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { AppFunction } from '../constructs/lambda.js';
import { stalenessWindowHours } from '../schedule.js';
import type { Poller } from './ingest-stack.js';

export interface OperationsStackProps extends StackProps {
  functions: { name: string; fn: AppFunction }[];
  deadLetterQueues: { name: string; queue: IQueue }[];
  pollers: Poller[];
  /** CodeBuild projects whose failed builds are alarmed (the site build). */
  buildProjects?: { name: string; project: IProject }[];
  api: HttpApi;
  table: ITable;
  alarmEmail?: string;
}

export class OperationsStack extends Stack {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: OperationsStackProps) {
    super(scope, id, props);

    this.topic = new Topic(this, 'Alarms', { displayName: 'Living evidence alarms', enforceSSL: true });
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    const action: IAlarmAction = new SnsAction(this.topic);
    const add = (alarm: Alarm) => {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
      this.alarms.push(alarm);
      return alarm;
    };

    for (const { name, fn } of props.functions) {
      add(
        new Alarm(this, `${name}Errors`, {
          alarmDescription: `${name}: the function reported errors`,
          metric: fn.fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }

    for (const { name, queue } of props.deadLetterQueues) {
      add(
        new Alarm(this, `${name}Depth`, {
          alarmDescription: `${name}: messages are waiting in a dead-letter queue`,
          metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }

    for (const { name, project } of props.buildProjects ?? []) {
      add(
        new Alarm(this, `${name}FailedBuilds`, {
          alarmDescription: `${name}: a CodeBuild build failed (after its automatic retries the site may be stale)`,
          metric: project.metricFailedBuilds({ period: Duration.minutes(5), statistic: 'Sum' }),
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }

    for (const poller of props.pollers) {
      const hours = stalenessWindowHours(poller.minCadenceHours);
      const period = Duration.hours(hours);
      add(
        new Alarm(this, `${poller.fn.node.id}Stale`, {
          alarmDescription: `The ${poller.source} poller had no successful run in ${hours} h (2 × its shortest review cadence of ${poller.minCadenceHours} h)`,
          metric: new MathExpression({
            expression: 'FILL(invocations, 0) - FILL(errors, 0)',
            usingMetrics: {
              invocations: poller.fn.fn.metricInvocations({ period, statistic: 'Sum' }),
              errors: poller.fn.fn.metricErrors({ period, statistic: 'Sum' }),
            },
            period,
            label: `${poller.source} successful polls`,
          }),
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
          treatMissingData: TreatMissingData.BREACHING,
        }),
      );
    }

    const api5xx = new Metric({
      namespace: 'AWS/ApiGateway',
      metricName: '5xx',
      dimensionsMap: { ApiId: props.api.apiId },
      period: Duration.minutes(5),
      statistic: 'Sum',
    });
    add(
      new Alarm(this, 'Api5xx', {
        alarmDescription: 'Curation API: 5 or more server errors in 5 minutes',
        metric: api5xx,
        threshold: 5,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );

    const dashboard = new Dashboard(this, 'Dashboard', { dashboardName: 'living-evidence' });
    dashboard.addWidgets(
      new TextWidget({ markdown: '# Living evidence\nPollers, curation API, reanalysis and publishing.', width: 24, height: 2 }),
    );
    dashboard.addWidgets(
      new GraphWidget({
        title: 'Lambda invocations',
        width: 12,
        left: props.functions.map(({ name, fn }) => fn.fn.metricInvocations({ label: name, period: Duration.minutes(5) })),
      }),
      new GraphWidget({
        title: 'Lambda errors',
        width: 12,
        left: props.functions.map(({ name, fn }) => fn.fn.metricErrors({ label: name, period: Duration.minutes(5) })),
      }),
    );
    dashboard.addWidgets(
      new GraphWidget({
        title: 'Lambda duration p95',
        width: 12,
        left: props.functions.map(({ name, fn }) => fn.fn.metricDuration({ label: name, statistic: 'p95' })),
      }),
      new GraphWidget({
        title: 'Dead-letter queues (visible messages)',
        width: 12,
        left: props.deadLetterQueues.map(({ name, queue }) =>
          queue.metricApproximateNumberOfMessagesVisible({ label: name, statistic: 'Maximum' }),
        ),
      }),
    );
    dashboard.addWidgets(
      new GraphWidget({
        title: 'Curation API',
        width: 12,
        left: [
          new Metric({ namespace: 'AWS/ApiGateway', metricName: 'Count', dimensionsMap: { ApiId: props.api.apiId }, statistic: 'Sum', label: 'requests' }),
          new Metric({ namespace: 'AWS/ApiGateway', metricName: '4xx', dimensionsMap: { ApiId: props.api.apiId }, statistic: 'Sum', label: '4xx' }),
          api5xx.with({ label: '5xx' }),
        ],
        right: [
          new Metric({ namespace: 'AWS/ApiGateway', metricName: 'Latency', dimensionsMap: { ApiId: props.api.apiId }, statistic: 'p95', label: 'latency p95' }),
        ],
      }),
      new GraphWidget({
        title: 'DynamoDB',
        width: 12,
        left: [
          props.table.metricConsumedReadCapacityUnits({ label: 'read units' }),
          props.table.metricConsumedWriteCapacityUnits({ label: 'write units' }),
        ],
        right: [props.table.metric('ThrottledRequests', { statistic: 'Sum', label: 'throttled' })],
      }),
    );
    new CfnOutput(this, 'AlarmTopicArn', { value: this.topic.topicArn });
  }
}
