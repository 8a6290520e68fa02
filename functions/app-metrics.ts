/**
 * The app's own CloudWatch figures, in one place (the functions emit them, infra alarms on them and
 * saves the Logs Insights queries over them).
 *
 * Custom METRICS are only those an alarm needs: each distinct metric name + dimension set costs
 * $0.30 a month (docs/deploy.md, Monthly cost). Today that is one: `Fetched` per poll source (the
 * "poll fetched nothing for 2 × its cadence" alarm), 4 metrics in all. Every other figure (records
 * new/quarantined, failed polls, reanalyses, publishes, build duration, accept → published latency,
 * pages uploaded) is a field of ONE structured log line per invocation (Powertools Logger, JSON),
 * queried with CloudWatch Logs Insights (saved queries: the Operations stack's QueryDefinitions).
 * No module here imports anything: infra reads it too.
 */

/** The alarmed metric of every poller: records received from upstream in one invocation. */
export const POLL_FETCHED_METRIC = { name: 'Fetched', sourceDimension: 'source' } as const;

/** The Powertools service name (and `service` metric dimension) of a source's poller. */
export const pollServiceName = (source: string): string => `poll-${source}`;

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
