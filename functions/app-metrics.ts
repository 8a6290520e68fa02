/**
 * The app's own CloudWatch figures, in one place: the functions emit them (Powertools Metrics, EMF
 * via functions/observability.ts `emitMetrics`), infra alarms on them and saves the Logs Insights
 * queries over the log lines, and the tests hold both to this one definition.
 * No module here imports anything: infra reads it too.
 *
 * METRICS (issue 14 item 4). CloudWatch bills a custom metric per unique namespace + name +
 * dimension set ($0.30 a metric-month for the first 10,000), prorated BY THE HOUR and metered only
 * in the hours in which data points arrive. So:
 *  - one dimension set per metric, of bounded values only: `service` (Powertools' default: the
 *    function) and, for the pollers, `source` (4 values). Never a review id, candidate id, message
 *    id or anything else that grows with the data: each new value would be a new billed metric.
 *    The metric count is therefore fixed: 4 per poll source + 5 publish + 2 reanalysis = 23.
 *  - `sent: 'nonzero'` metrics (failures, quarantines, reanalyses) are sent only by invocations that
 *    have something to count, so they are billed only for the hours in which that happens; the
 *    hourly counts refresh of reanalyse does not keep a zero-valued metric alive all month.
 *  - the pollers' metrics arrive only in the hours the daily polls run (1–2 hours a day per source
 *    in the scenario), so 16 poll metrics cost about 1/12 of 16 full metric-months.
 * docs/deploy.md (Monthly cost) counts, per metric, the hours a month in which it receives data,
 * and the worst case.
 *
 * LOG LINES. Every invocation that emits figures also writes ONE structured log line (Powertools
 * Logger, JSON) with the same figures and the ones that are not metrics (per-review detail,
 * pages uploaded/deleted, failure texts): the saved Logs Insights queries read those, and a
 * review id belongs there, never in a metric dimension.
 */

/** Powertools MetricUnit values used here (string-equal to `MetricUnit.Count` / `.Milliseconds`). */
export type AppMetricUnit = 'Count' | 'Milliseconds';

export interface AppMetric {
  readonly name: string;
  readonly unit: AppMetricUnit;
  /** 'always': every invocation of the kind sends it (0 included); 'nonzero': only when the value is > 0. */
  readonly sent: 'always' | 'nonzero';
  readonly what: string;
}

/** Dimension names a metric may carry besides Powertools' `service`: each has a small, fixed set of values. */
export const BOUNDED_DIMENSIONS = ['source'] as const;
export type BoundedDimension = (typeof BOUNDED_DIMENSIONS)[number];

/** The Powertools service name (and `service` metric dimension) of a source's poller. */
export const pollServiceName = (source: string): string => `poll-${source}`;

/**
 * Every custom metric of the app, by the function (group) that emits it. `dimensions` are added
 * to Powertools' `service`; `service` names the emitting function (a template for the pollers).
 */
export const APP_METRICS = {
  poll: {
    service: 'poll-<source>',
    dimensions: ['source'] as readonly BoundedDimension[],
    metrics: {
      fetched: { name: 'Fetched', unit: 'Count', sent: 'always', what: 'records received from upstream (the "fetched nothing" alarm reads it)' },
      new: { name: 'New', unit: 'Count', sent: 'always', what: 'records new to the table' },
      quarantined: { name: 'Quarantined', unit: 'Count', sent: 'nonzero', what: 'records that failed validation and were quarantined' },
      failedPolls: { name: 'FailedPolls', unit: 'Count', sent: 'nonzero', what: '(review, source) cycles that failed' },
    },
  },
  publish: {
    service: 'publish',
    dimensions: [] as readonly BoundedDimension[],
    metrics: {
      publishes: { name: 'Publishes', unit: 'Count', sent: 'always', what: 'site builds published (one per successful invocation)' },
      publishDuration: { name: 'PublishDuration', unit: 'Milliseconds', sent: 'always', what: 'snapshots in → build → upload done' },
      buildDuration: { name: 'BuildDuration', unit: 'Milliseconds', sent: 'always', what: 'the site build alone (incremental or full)' },
      acceptToPublished: { name: 'AcceptToPublishedLatency', unit: 'Milliseconds', sent: 'always', what: 'oldest publish request of the batch sent → pages uploaded' },
      failures: { name: 'PublishFailures', unit: 'Count', sent: 'nonzero', what: 'failed builds or uploads' },
    },
  },
  reanalyse: {
    service: 'reanalyse',
    dimensions: [] as readonly BoundedDimension[],
    metrics: {
      reanalyses: { name: 'Reanalyses', unit: 'Count', sent: 'nonzero', what: 'reviews whose snapshot or curation counts changed' },
      failures: { name: 'ReanalysisFailures', unit: 'Count', sent: 'nonzero', what: 'stream batches that failed (retried)' },
    },
  },
} as const satisfies Record<string, { service: string; dimensions: readonly BoundedDimension[]; metrics: Record<string, AppMetric> }>;

export type MetricGroup = keyof typeof APP_METRICS;

/** The alarmed metric of every poller (the Operations stack's "fetched nothing" alarm). */
export const POLL_FETCHED_METRIC = { name: APP_METRICS.poll.metrics.fetched.name, sourceDimension: 'source' } as const satisfies { name: string; sourceDimension: BoundedDimension };

/** The structured log line of each kind of invocation, and the figures it carries. */
export const LOG_FIGURES = {
  poll: {
    message: 'poll summary',
    fields: ['source', 'reviewId', 'fetched', 'new', 'updated', 'unchanged', 'quarantined', 'failedPolls'],
  },
  reanalysis: {
    message: 'reanalysis summary',
    fields: ['trigger', 'reviews', 'reanalysed', 'failed'],
  },
  publish: {
    message: 'site published',
    fields: ['mode', 'buildMs', 'publishMs', 'latencyMs', 'uploaded', 'deleted', 'unchanged'],
  },
  publishFailed: {
    message: 'publish failed',
    fields: ['publishMs', 'error'],
  },
} as const;

export type LogFigureKind = keyof typeof LOG_FIGURES;
