/**
 * Operations: one SNS topic for alarms; alarms on Lambda errors and throttles, DLQ depth, a poll
 * that fetched nothing (or did not run) for longer than twice its cadence, a stale site (publish
 * requests waiting), the stream iterator age, DynamoDB throttles, API 5xx and the monthly budget;
 * saved Logs Insights queries over the figures the functions log (functions/app-metrics.ts
 * LOG_FIGURES: poll counts per review and source, reanalyses, publishes, pages uploaded); a
 * CloudWatch dashboard only on request (context `dashboard=true`: $3/month beyond an account's 3
 * free ones), whose graphs read the app's metrics (functions/app-metrics.ts APP_METRICS).
 *
 * Cost by design (docs/deploy.md, Monthly cost): the functions send 23 custom metrics (Powertools
 * EMF: 4 per poll source, 5 publish, 2 reanalysis), billed per hour in which they receive data;
 * of those, only `Fetched` per source is alarmed; every other alarm uses AWS's own metrics (free).
 * Alarms cost $0.10 per metric they read, so the table-throttle alarm reads the two table-level
 * throttle metrics (not one per operation) and functions that queue by design (the pollers:
 * asynchronous invocations of a reserved concurrency of 1, retried by Lambda) get no throttle
 * alarm, which would fire daily.
 *
 * Poller staleness ("fetched nothing in 2 × cadence"): for each source, the `Fetched` metric summed
 * over ONE period of 2 × the shortest review cadence (capped at the 7-day CloudWatch limit). Any
 * window of that length contains at least one scheduled poll, so "sum < 1" (missing data counts as
 * breaching) means the poller fetched nothing, failed, or did not run.
 */
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { QueryDefinition, QueryString, type ILogGroup } from 'aws-cdk-lib/aws-logs';
import { APP_METRICS, LOG_FIGURES, POLL_FETCHED_METRIC, pollServiceName } from '../../functions/app-metrics.js';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  LogQueryWidget,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
  type IAlarmAction,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { CfnBudget } from 'aws-cdk-lib/aws-budgets';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { metricsNamespace, resourceName } from '../stage.js';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { stalenessWindowHours } from '../schedule.js';
import type { Poller } from './ingest-stack.js';

export interface OperationsStackProps extends StackProps {
  /**
   * Every function: an errors alarm each, and a throttles alarm unless `queuesByDesign` (invoked
   * asynchronously with a reserved concurrency: a throttle there is a retry, not a fault).
   */
  functions: { name: string; fn: IFunction; queuesByDesign?: boolean }[];
  /** Log groups of the functions whose log lines carry figures (saved Logs Insights queries). */
  logGroups: { pollers: ILogGroup[]; reanalyse: ILogGroup; publish: ILogGroup };
  /** Add the CloudWatch dashboard (context `dashboard=true`); default off (cost). */
  dashboard?: boolean;
  deadLetterQueues: { name: string; queue: IQueue }[];
  pollers: Poller[];
  /** The publish queue: requests waiting longer than STALE_SITE_SECONDS mean the site is stale. */
  publishQueue: IQueue;
  /** The stream consumer (iterator age). */
  streamConsumer: IFunction;
  api: HttpApi;
  table: ITable;
  alarmEmail?: string;
  /** Monthly budget in USD (context `monthlyBudgetUsd`, default 15). */
  monthlyBudgetUsd?: number;
}

/** Thresholds, exported so the tests can hold them. */
export const ALARM_THRESHOLDS = {
  api5xxPer5Min: 5,
  staleSiteSeconds: 600,
  iteratorAgeMs: 5 * 60_000,
  throttlesPer5Min: 1,
  dynamoThrottlesPer5Min: 1,
  budgetUsd: 15,
  budgetAlertPercent: 100,
} as const;

export class OperationsStack extends Stack {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];
  readonly budget: CfnBudget;
  readonly queries: QueryDefinition[];

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
          metric: fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
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

    for (const { name, fn } of props.functions.filter((f) => !f.queuesByDesign)) {
      add(
        new Alarm(this, `${name}Throttles`, {
          alarmDescription: `${name}: invocations were throttled`,
          metric: fn.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }),
          threshold: ALARM_THRESHOLDS.throttlesPer5Min,
          evaluationPeriods: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }

    add(
      new Alarm(this, 'StaleSite', {
        alarmDescription: `The site is stale: a publish request has waited more than ${ALARM_THRESHOLDS.staleSiteSeconds / 60} minutes (builds failing or stuck)`,
        metric: props.publishQueue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5), statistic: 'Maximum' }),
        threshold: ALARM_THRESHOLDS.staleSiteSeconds,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
    add(
      new Alarm(this, 'StreamIteratorAge', {
        alarmDescription: 'Reanalysis is falling behind the table stream (iterator age above 5 minutes)',
        metric: props.streamConsumer.metric('IteratorAge', { period: Duration.minutes(5), statistic: 'Maximum' }),
        threshold: ALARM_THRESHOLDS.iteratorAgeMs,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
    add(
      new Alarm(this, 'TableThrottles', {
        alarmDescription: 'DynamoDB throttled reads or writes on the evidence table',
        // Two table-level metrics (an alarm costs $0.10 per metric it reads; one per operation would be 8).
        metric: new MathExpression({
          expression: 'FILL(reads, 0) + FILL(writes, 0)',
          usingMetrics: {
            reads: props.table.metric('ReadThrottleEvents', { period: Duration.minutes(5), statistic: 'Sum' }),
            writes: props.table.metric('WriteThrottleEvents', { period: Duration.minutes(5), statistic: 'Sum' }),
          },
          period: Duration.minutes(5),
          label: 'throttled reads + writes',
        }),
        threshold: ALARM_THRESHOLDS.dynamoThrottlesPer5Min,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );

    for (const poller of props.pollers) {
      const hours = stalenessWindowHours(poller.minCadenceHours);
      const period = Duration.hours(hours);
      // A poll that fetched nothing: an upstream format change, a broken query, a poller that fails
      // before fetching, or one that does not run at all (no data: breaching). This one alarm covers
      // staleness too (a failing poller also raises its Errors alarm at once); a separate "no
      // successful run" alarm would read 2 more metrics ($0.20 a month each).
      add(
        new Alarm(this, `${poller.fn.node.id}FetchedNothing`, {
          alarmDescription: `The ${poller.source} poller fetched no record (or did not run) in ${hours} h (2 × its shortest review cadence)`,
          metric: new Metric({
            namespace: metricsNamespace(this),
            metricName: POLL_FETCHED_METRIC.name,
            dimensionsMap: { service: pollServiceName(poller.source), [POLL_FETCHED_METRIC.sourceDimension]: poller.source },
            period,
            statistic: 'Sum',
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
        alarmDescription: `Curation API: ${ALARM_THRESHOLDS.api5xxPer5Min} or more server errors in 5 minutes`,
        metric: api5xx,
        threshold: ALARM_THRESHOLDS.api5xxPer5Min,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );

    // Monthly cost budget: e-mail (via the alarm topic) when actual spend passes the budget and when the
    // forecast does. Not at 80 %: the scenario costs ≈ 93 % of the default $15 (docs/deploy.md), so an
    // 80 % notice would arrive every month and teach the team to ignore it.
    const budgetUsd = props.monthlyBudgetUsd ?? ALARM_THRESHOLDS.budgetUsd;
    this.topic.addToResourcePolicy(
      new PolicyStatement({ actions: ['sns:Publish'], principals: [new ServicePrincipal('budgets.amazonaws.com')], resources: [this.topic.topicArn], conditions: { StringEquals: { 'aws:SourceAccount': this.account } } }),
    );
    this.budget = new CfnBudget(this, 'MonthlyBudget', {
      budget: { budgetName: resourceName(this, 'monthly'), budgetType: 'COST', timeUnit: 'MONTHLY', budgetLimit: { amount: budgetUsd, unit: 'USD' } },
      notificationsWithSubscribers: [
        { notification: { notificationType: 'ACTUAL', comparisonOperator: 'GREATER_THAN', threshold: ALARM_THRESHOLDS.budgetAlertPercent, thresholdType: 'PERCENTAGE' }, subscribers: [{ subscriptionType: 'SNS', address: this.topic.topicArn }] },
        { notification: { notificationType: 'FORECASTED', comparisonOperator: 'GREATER_THAN', threshold: 100, thresholdType: 'PERCENTAGE' }, subscribers: [{ subscriptionType: 'SNS', address: this.topic.topicArn }] },
      ],
    });

    // ---- the log lines' figures (functions/app-metrics.ts LOG_FIGURES: per review, pages, failures) ----
    const figure = (kind: keyof typeof LOG_FIGURES) => `filter message = "${LOG_FIGURES[kind].message}"`;
    this.queries = [
      new QueryDefinition(this, 'PollFiguresQuery', {
        queryDefinitionName: `${resourceName(this, 'ops')}/poll-figures-per-source`,
        logGroups: props.logGroups.pollers,
        queryString: new QueryString({
          filterStatements: [`message = "${LOG_FIGURES.poll.message}"`],
          statsStatements: ['sum(fetched) as fetched, sum(new) as new, sum(quarantined) as quarantined, sum(failedPolls) as failedPolls, count(*) as invocations by source, bin(1d)'],
        }),
      }),
      new QueryDefinition(this, 'PublishFiguresQuery', {
        queryDefinitionName: `${resourceName(this, 'ops')}/publishes-and-latency`,
        logGroups: [props.logGroups.publish],
        queryString: new QueryString({
          filterStatements: [`message = "${LOG_FIGURES.publish.message}" or message = "${LOG_FIGURES.publishFailed.message}"`],
          statsStatements: ['count(latencyMs) as publishes, count(error) as failures, pct(latencyMs, 95) as acceptToPublishedP95Ms, pct(publishMs, 95) as publishP95Ms, sum(uploaded) as uploaded, sum(deleted) as deleted by bin(1d)'],
        }),
      }),
      new QueryDefinition(this, 'ReanalysisFiguresQuery', {
        queryDefinitionName: `${resourceName(this, 'ops')}/reanalyses`,
        logGroups: [props.logGroups.reanalyse],
        queryString: new QueryString({
          filterStatements: [`message = "${LOG_FIGURES.reanalysis.message}"`],
          statsStatements: ['sum(reanalysed) as reanalysed, sum(failed) as failed by trigger, bin(1d)'],
        }),
      }),
    ];

    if (props.dashboard) {
      const dashboard = new Dashboard(this, 'Dashboard', { dashboardName: resourceName(this, 'operations') });
      dashboard.addWidgets(
        new TextWidget({ markdown: '# Living evidence\nPollers, curation API, reanalysis and publishing.', width: 24, height: 2 }),
      );
      dashboard.addWidgets(
        new GraphWidget({
          title: 'Lambda invocations',
          width: 12,
          left: props.functions.map(({ name, fn }) => fn.metricInvocations({ label: name, period: Duration.minutes(5) })),
        }),
        new GraphWidget({
          title: 'Lambda errors',
          width: 12,
          left: props.functions.map(({ name, fn }) => fn.metricErrors({ label: name, period: Duration.minutes(5) })),
        }),
      );
      dashboard.addWidgets(
        new GraphWidget({
          title: 'Lambda duration p95',
          width: 12,
          left: props.functions.map(({ name, fn }) => fn.metricDuration({ label: name, statistic: 'p95' })),
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
          right: [props.table.metric('ReadThrottleEvents', { statistic: 'Sum', label: 'throttled reads' }), props.table.metric('WriteThrottleEvents', { statistic: 'Sum', label: 'throttled writes' })],
        }),
      );
      // The app's own metrics (functions/app-metrics.ts): no extra cost to graph them.
      const app = (name: string, service: string, statistic: string, label: string, dims: Record<string, string> = {}) =>
        new Metric({ namespace: metricsNamespace(this), metricName: name, dimensionsMap: { service, ...dims }, statistic, label, period: Duration.hours(1) });
      const pub = APP_METRICS.publish.metrics;
      dashboard.addWidgets(
        new GraphWidget({
          title: 'Publishing: accept → published and publish time, p95 (ms)',
          width: 12,
          left: [app(pub.acceptToPublished.name, APP_METRICS.publish.service, 'p95', 'accept → published'), app(pub.publishDuration.name, APP_METRICS.publish.service, 'p95', 'publish'), app(pub.buildDuration.name, APP_METRICS.publish.service, 'p95', 'build')],
          right: [app(pub.publishes.name, APP_METRICS.publish.service, 'Sum', 'publishes'), app(pub.failures.name, APP_METRICS.publish.service, 'Sum', 'failures'), app(APP_METRICS.reanalyse.metrics.reanalyses.name, APP_METRICS.reanalyse.service, 'Sum', 'reanalyses')],
        }),
        new GraphWidget({
          title: 'Polls per source (records)',
          width: 12,
          left: props.pollers.flatMap((p) =>
            Object.values(APP_METRICS.poll.metrics).map((m) => app(m.name, pollServiceName(p.source), 'Sum', `${p.source} ${m.name}`, { source: p.source }).with({ period: Duration.days(1) })),
          ),
        }),
      );
      dashboard.addWidgets(
        new LogQueryWidget({
          title: 'Publishing: accept → published p95, build p95 (ms, from the logs)',
          width: 12,
          logGroupNames: [props.logGroups.publish.logGroupName],
          queryLines: [figure('publish'), 'stats pct(latencyMs, 95) as acceptToPublished, pct(publishMs, 95) as publish by bin(1h)'],
        }),
        new LogQueryWidget({
          title: 'Polls per source (records, from the logs)',
          width: 12,
          logGroupNames: props.logGroups.pollers.map((g) => g.logGroupName),
          queryLines: [figure('poll'), 'stats sum(fetched) as fetched, sum(new) as new, sum(quarantined) as quarantined, sum(failedPolls) as failed by source'],
        }),
      );
    }
    new CfnOutput(this, 'AlarmTopicArn', { value: this.topic.topicArn });
  }
}
