/**
 * Shared Lambda entry logic: event `{ reviewId?: string }` → one cycle of one source for that
 * review (all living reviews when absent). Returns the summary; throws only when every
 * (review, source) cycle failed, so the scheduler records a failed invocation and retries.
 */
import { createDocumentClient, tableName } from '../adapters/dynamo/client.js';
import { runPollCycle, type PollCycleResult, type PollSource } from './cycle.js';
import { resolveNcbiKey } from './secrets.js';
import { emitMetrics, instrument, observability, type Observability } from '../observability.js';
import { LOG_FIGURES, pollServiceName } from '../app-metrics.js';
import { pollEnv } from './env.js';

export interface PollEvent {
  reviewId?: string;
}

export async function pollHandler(source: PollSource, event: PollEvent | undefined, obs: Observability = obsFor(source)): Promise<PollCycleResult> {
  const reviewId = typeof event?.reviewId === 'string' && event.reviewId.trim() ? event.reviewId.trim() : undefined;
  // In AWS the NCBI key comes from Secrets Manager (NCBI_SECRET_ARN); locally from NCBI_API_KEY.
  const apiKey = source === 'pubmed' ? await resolveNcbiKey(process.env) : undefined;
  const result = await runPollCycle({
    sources: [source],
    ...(reviewId ? { reviewIds: [reviewId] } : {}),
    doc: createDocumentClient(),
    table: tableName(),
    env: apiKey ? { ...process.env, NCBI_API_KEY: apiKey } : process.env,
    log: (m) => obs.logger.info(m),
  });
  recordPollFigures(source, reviewId, result, obs);
  if (result.attempted > 0 && result.failures.length >= result.attempted) {
    throw new Error(`every ${source} poll failed: ${result.failures.join(' | ')}`);
  }
  return result;
}

const observers = new Map<string, Observability>();
function obsFor(source: string): Observability {
  let o = observers.get(source);
  if (!o) observers.set(source, (o = observability(pollServiceName(source))));
  return o;
}

/**
 * The figures of one invocation: the poll metrics of functions/app-metrics.ts (Fetched, New,
 * Quarantined, FailedPolls; dimensions service + source, never the review: that would be a billed
 * metric per review) and the `poll summary` log line, which also names the review and carries
 * updated/unchanged and the failure texts (the saved Logs Insights query reads it). The Operations
 * stack alarms on `Fetched` staying 0 for longer than twice the cadence.
 */
export function recordPollFigures(source: string, reviewId: string | undefined, result: PollCycleResult, obs: Observability = obsFor(source)): void {
  emitMetrics(obs, 'poll', { fetched: result.fetched, new: result.new, quarantined: result.quarantined, failedPolls: result.failures.length }, { source });
  obs.logger.info(LOG_FIGURES.poll.message, {
    source,
    reviewId: reviewId ?? 'all',
    fetched: result.fetched,
    new: result.new,
    updated: result.updated,
    unchanged: result.unchanged,
    quarantined: result.quarantined,
    failedPolls: result.failures.length,
    failures: result.failures,
  });
}

/**
 * The Lambda entry of one source's poller, instrumented (logger context, cold start, metrics
 * flushed). The environment is checked against the source's contract (./env.ts) at the first call.
 */
export function pollLambda(source: PollSource) {
  let checked = false;
  return instrument(
    obsFor(source),
    (event: PollEvent | undefined) => {
      if (!checked) {
        pollEnv(source).parse();
        checked = true;
      }
      return pollHandler(source, event);
    },
    (event) => (event?.reviewId ? `${source}:${event.reviewId}` : undefined),
  );
}
