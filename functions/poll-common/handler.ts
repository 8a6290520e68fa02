/**
 * Shared Lambda entry logic: event `{ reviewId?: string }` → one cycle of one source for that
 * review (all living reviews when absent). Returns the summary; throws only when every
 * (review, source) cycle failed, so the scheduler records a failed invocation and retries.
 */
import { createDocumentClient, tableName } from '../adapters/dynamo/client.js';
import { runPollCycle, type PollCycleResult, type PollSource } from './cycle.js';
import { resolveNcbiKey } from './secrets.js';
import { instrument, MetricUnit, observability } from '../observability.js';

export interface PollEvent {
  reviewId?: string;
}

export async function pollHandler(source: PollSource, event: PollEvent | undefined): Promise<PollCycleResult> {
  const reviewId = typeof event?.reviewId === 'string' && event.reviewId.trim() ? event.reviewId.trim() : undefined;
  // In AWS the NCBI key comes from Secrets Manager (NCBI_SECRET_ARN); locally from NCBI_API_KEY.
  const apiKey = source === 'pubmed' ? await resolveNcbiKey(process.env) : undefined;
  const result = await runPollCycle({
    sources: [source],
    ...(reviewId ? { reviewIds: [reviewId] } : {}),
    doc: createDocumentClient(),
    table: tableName(),
    env: apiKey ? { ...process.env, NCBI_API_KEY: apiKey } : process.env,
    log: (m) => console.log(m),
  });
  console.log(JSON.stringify({ source, reviewId: reviewId ?? 'all', ...result }));
  recordPollMetrics(source, result);
  if (result.attempted > 0 && result.failures.length >= result.attempted) {
    throw new Error(`every ${source} poll failed: ${result.failures.join(' | ')}`);
  }
  return result;
}

const observers = new Map<string, ReturnType<typeof observability>>();
const obsFor = (source: string) => {
  let o = observers.get(source);
  if (!o) observers.set(source, (o = observability(`poll-${source}`)));
  return o;
};

/**
 * Per-source metrics of one invocation (dimension `source`): records Fetched, New, Quarantined and
 * FailedPolls. The Operations stack alarms when Fetched stays 0 for longer than twice the cadence.
 */
export function recordPollMetrics(source: string, result: PollCycleResult): void {
  const { metrics } = obsFor(source);
  metrics.addDimension('source', source);
  metrics.addMetric('Fetched', MetricUnit.Count, result.fetched);
  metrics.addMetric('New', MetricUnit.Count, result.new);
  metrics.addMetric('Quarantined', MetricUnit.Count, result.quarantined);
  metrics.addMetric('FailedPolls', MetricUnit.Count, result.failures.length);
}

/** The Lambda entry of one source's poller, instrumented (logger context, cold start, metrics flushed). */
export function pollLambda(source: PollSource) {
  return instrument(obsFor(source), (event: PollEvent | undefined) => pollHandler(source, event), (event) => (event?.reviewId ? `${source}:${event.reviewId}` : undefined));
}
