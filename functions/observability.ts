/**
 * Powertools for AWS Lambda (TypeScript) wiring shared by every function entry: a JSON Logger
 * (cold start, function context, a correlation id per invocation) and Metrics in CloudWatch
 * embedded metric format (namespace and service from POWERTOOLS_METRICS_NAMESPACE /
 * POWERTOOLS_SERVICE_NAME, which infra/constructs/lambda.ts sets). The metrics are exactly those of
 * functions/app-metrics.ts (APP_METRICS), sent only through `emitMetrics` with their declared
 * dimensions (bounded values only: no review or candidate id). Cold starts are marked on the
 * Logger's lines (`cold_start`), not as a metric (it would be sent every cold hour of every function).
 * Handlers stay thin: `instrument(obs, handler, correlationId)` wraps one.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { APP_METRICS, type AppMetric, type BoundedDimension, type MetricGroup } from './app-metrics.js';

export { MetricUnit };

/** CloudWatch namespace of the app's own metrics (the stage is appended by infra: `LivingEvidence/prod`). */
export const METRICS_NAMESPACE = 'LivingEvidence';

export interface Observability {
  logger: Logger;
  metrics: Metrics;
}

export function observability(serviceName: string): Observability {
  return {
    logger: new Logger({ serviceName }),
    metrics: new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE, serviceName }),
  };
}

/** Wraps a handler: context (incl. cold_start) + correlation id on every log line, metrics flushed at the end. */
export function instrument<E, R>(
  obs: Observability,
  handler: (event: E, context: Context) => Promise<R>,
  correlationId?: (event: E) => string | undefined,
): (event: E, context: Context) => Promise<R> {
  return async (event, context) => {
    obs.logger.addContext(context);
    obs.logger.setCorrelationId(correlationId?.(event) ?? context?.awsRequestId);
    try {
      return await handler(event, context);
    } catch (err) {
      obs.logger.error('invocation failed', err as Error);
      throw err;
    } finally {
      // Functions without figures (API, authorizer, import worker) and invocations with nothing to
      // send: flushing an empty buffer would log a Powertools warning every time.
      if (obs.metrics.hasStoredMetrics()) obs.metrics.publishStoredMetrics();
    }
  };
}

/**
 * Adds metrics of APP_METRICS[group] to the invocation's buffer (sent by `instrument` at the end),
 * with the group's dimensions and nothing else. A `nonzero` metric with value 0 is not sent
 * (billing is per hour with data: functions/app-metrics.ts).
 */
export function emitMetrics<G extends MetricGroup>(
  obs: Observability,
  group: G,
  values: Partial<Record<keyof (typeof APP_METRICS)[G]['metrics'], number>>,
  dimensions: Partial<Record<BoundedDimension, string>> = {},
): void {
  const defs = APP_METRICS[group].metrics as Record<string, AppMetric>;
  const send = Object.entries(values as Record<string, number>).filter(([key, value]) => {
    const def = defs[key];
    if (!def) throw new Error(`no metric ${key} in APP_METRICS.${group}`);
    return !(def.sent === 'nonzero' && value === 0);
  });
  if (send.length === 0) return;
  for (const d of APP_METRICS[group].dimensions) {
    const v = dimensions[d];
    if (!v) throw new Error(`metrics of ${group}: dimension ${d} has no value`);
    obs.metrics.addDimension(d, v);
  }
  for (const [key, value] of send) obs.metrics.addMetric(defs[key].name, defs[key].unit as Parameters<Metrics['addMetric']>[1], value);
}
