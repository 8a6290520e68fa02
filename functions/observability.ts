/**
 * Powertools for AWS Lambda (TypeScript) wiring shared by every function entry: a JSON Logger
 * (cold start, function context, a correlation id per invocation) and Metrics in CloudWatch
 * embedded metric format (namespace and service from POWERTOOLS_METRICS_NAMESPACE /
 * POWERTOOLS_SERVICE_NAME, which infra/constructs/lambda.ts sets). Cold starts are marked on the
 * Logger's lines (`cold_start`), not as a metric: each custom metric costs $0.30/month (docs/deploy.md),
 * so the only one is the pollers' `Fetched` (functions/app-metrics.ts); other figures are log fields.
 * Handlers stay thin: `instrument(name, handler, correlationId)` wraps one.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';

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
      // Only the pollers add a metric (functions/app-metrics.ts); flushing an empty buffer would log
      // a Powertools warning on every invocation of every other function.
      if (obs.metrics.hasStoredMetrics()) obs.metrics.publishStoredMetrics();
    }
  };
}
