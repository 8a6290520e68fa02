/**
 * HTTP for the pollers: a request-rate limiter shared by all concurrent work against one upstream,
 * and retries with exponential backoff + full jitter on 429, 5xx, network errors, timeouts, and
 * on bodies the caller recognises as errors (an error JSON inside a 200, a truncated document).
 */
import { RequestWorker } from './request-worker.js';

export class UpstreamError extends Error {
  override name = 'UpstreamError';
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
    /** No answer at all (connection refused, DNS, reset, timeout): the upstream is unreachable. */
    readonly unreachable = false,
  ) {
    super(message);
  }
}

/** Retry settings from the environment (POLL_RETRY_ATTEMPTS, POLL_RETRY_BASE_MS, POLL_TIMEOUT_MS). */
export function retryFromEnv(env: NodeJS.ProcessEnv): RetryPolicy {
  const n = (v: string | undefined, min: number, max: number, d: number) => {
    const x = Number(v);
    return v !== undefined && v !== '' && Number.isFinite(x) ? Math.max(min, Math.min(max, Math.round(x))) : d;
  };
  return {
    attempts: n(env.POLL_RETRY_ATTEMPTS, 1, 20, DEFAULT_RETRY.attempts),
    baseDelayMs: n(env.POLL_RETRY_BASE_MS, 0, 60_000, DEFAULT_RETRY.baseDelayMs),
    maxDelayMs: DEFAULT_RETRY.maxDelayMs,
    timeoutMs: n(env.POLL_TIMEOUT_MS, 100, 600_000, DEFAULT_RETRY.timeoutMs),
    logRetries: env.POLL_LOG_RETRIES === '1',
  };
}

/**
 * Spaces request starts `(1000 + 75) / rate` ms apart, measured from the moment each request is
 * actually released: a start that comes late (a timer fired late, the event loop was busy) is
 * never made up by starting the next one sooner, so any k + 1 consecutive starts span at least
 * `k × (1000 + 75) / rate` ms (1,075 ms for 3 at 3/s, for 10 at 10/s), plus whatever lateness
 * came in between. Any one-second window at the server then holds at most `rate` requests as
 * long as arrival delays differ by less than 75 ms plus that lateness. (A limiter that made up
 * late starts, tried here, ran nearer the rate at 10/s but left no such slack: on a 2-core machine
 * shared with DynamoDB Local, stalls of 100–270 ms put 11 requests into one second in 3 runs of
 * 4.) The CPU-heavy steps of the poller's store side (parsing, hashing) run in small chunks so
 * that its event loop stays well under that. Throughput is at most 1000/1075 ≈ 93% of the
 * allowed rate; `npm run bench -- poll` prints the rate reached and the closest span seen at the
 * server.
 */
export const JITTER_TOLERANCE_MS = 75;

/**
 * How a start came about: the request asked at `requestedAt`; the spacing allowed a start from
 * `allowedAt` (−Infinity for the first). A start later than both was released late (timer or
 * event loop); one at `requestedAt` > `allowedAt` found the limiter idle (no request was ready).
 */
export interface StartWait {
  requestedAt: number;
  allowedAt: number;
}

/** Time source of the limiter (a virtual one in tests). */
export interface LimiterClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const REAL_CLOCK: LimiterClock = { now: () => performance.now(), sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };

let limiterSeq = 0;

export class RateLimiter {
  /** Least spacing of two consecutive request starts. */
  readonly intervalMs: number;
  /** Any `perWindow` + 1 consecutive starts span `windowMs` or more. */
  readonly perWindow: number;
  readonly windowMs: number;
  private last = -Infinity;
  private chain: Promise<void> = Promise.resolve();
  /** Identity of the upstream (sharedLimiter's key): the request worker keeps one limiter per key. */
  key = `limiter-${++limiterSeq}`;
  /**
   * Observers of each start (clock time): metrics, the benchmark (which reads from `wait` whether
   * the rate was lost to an idle limiter or to late releases), tests checking the spacing of real runs.
   */
  readonly onStart = new Set<(at: number, wait: StartWait) => void>();
  constructor(
    readonly ratePerSecond: number,
    private readonly clock: LimiterClock = REAL_CLOCK,
  ) {
    if (!(ratePerSecond > 0)) throw new Error(`rate must be positive (got ${ratePerSecond})`);
    this.intervalMs = (1000 + JITTER_TOLERANCE_MS) / ratePerSecond;
    this.perWindow = Math.max(1, Math.floor(ratePerSecond));
    this.windowMs = this.perWindow * this.intervalMs;
  }
  acquire(): Promise<void> {
    const requestedAt = this.clock.now();
    const p = this.chain.then(async () => {
      const allowedAt = this.last + this.intervalMs;
      // setTimeout may fire a little early by the monotonic clock: wait until the moment has come.
      let rest = allowedAt - this.clock.now();
      while (rest > 0) {
        await this.clock.sleep(Math.ceil(rest));
        rest = this.last + this.intervalMs - this.clock.now();
      }
      this.last = this.clock.now();
      for (const f of this.onStart) f(this.last, { requestedAt, allowedAt });
    });
    this.chain = p.catch(() => undefined);
    return p;
  }
}

const limiters = new Map<string, RateLimiter>();
/** One limiter per upstream identity (base URL + key) for the whole process. */
export function sharedLimiter(key: string, rate: number): RateLimiter {
  const k = `${key}@${rate}`;
  let l = limiters.get(k);
  if (!l) {
    l = new RateLimiter(rate);
    l.key = k;
    limiters.set(k, l);
  }
  return l;
}

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Log every retry (POLL_LOG_RETRIES=1); by default only the final failure of a cycle is logged. */
  logRetries?: boolean;
  timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseDelayMs: 500, maxDelayMs: 30_000, timeoutMs: 60_000 };

export interface RequestSpec {
  url: string;
  method?: 'GET' | 'POST';
  /** Form fields for a POST (application/x-www-form-urlencoded). */
  form?: Record<string, string>;
  headers?: Record<string, string>;
  /** Short description for log lines, e.g. "esearch edat 2024-01-01..2024-01-31". */
  what: string;
}

export interface HttpDeps {
  limiter: RateLimiter;
  /**
   * Wait for the limiter and send from the request worker thread (request-worker.ts), away from
   * whatever holds this thread's event loop. Ignored when `fetchImpl` is given.
   */
  offThread?: boolean;
  retry: RetryPolicy;
  log?: (msg: string) => void;
  fetchImpl?: typeof fetch;
}

function backoff(attempt: number, policy: RetryPolicy, retryAfter?: string | null): number {
  const ra = retryAfter ? Number(retryAfter) : NaN;
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  const jittered = Math.random() * exp;
  return Number.isFinite(ra) && ra >= 0 ? Math.min(policy.maxDelayMs, Math.max(ra * 1000, jittered)) : jittered;
}

/**
 * Sends a request and hands the body to `parse`. `parse` throws UpstreamError(retryable) for an
 * error body; any other exception from `parse` is treated as a malformed (retryable) body too.
 * Throws UpstreamError once attempts are exhausted or for a non-retryable status (4xx but 429).
 */
export async function requestWithRetry<T>(spec: RequestSpec, deps: HttpDeps, parse: (body: string) => T): Promise<T> {
  const f = deps.fetchImpl ?? fetch;
  let lastError: UpstreamError | undefined;
  for (let attempt = 0; attempt < deps.retry.attempts; attempt++) {
    if (attempt > 0) {
      const delay = backoff(attempt - 1, deps.retry, lastError && 'retryAfter' in lastError ? String((lastError as { retryAfter?: string }).retryAfter) : undefined);
      // One line per failed cycle is what an operator wants; each retry only when asked for.
      if (deps.retry.logRetries) deps.log?.(`${lastError?.message ?? spec.what}; retry ${attempt}/${deps.retry.attempts - 1} in ${Math.round(delay)} ms`);
      await new Promise((r) => setTimeout(r, delay));
    }
    let res: { status: number; retryAfter: string | null };
    let body: string;
    try {
      const method = spec.method ?? 'GET';
      const headers = { 'user-agent': 'living-evidence-poller/0.1', ...(spec.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}), ...spec.headers };
      const form = spec.form ? new URLSearchParams(spec.form).toString() : undefined;
      if (deps.offThread && !deps.fetchImpl) {
        const r = await RequestWorker.shared().send({ key: deps.limiter.key, intervalMs: deps.limiter.intervalMs, url: spec.url, method, headers, ...(form !== undefined ? { body: form } : {}), timeoutMs: deps.retry.timeoutMs });
        res = r;
        body = r.body;
      } else {
        await deps.limiter.acquire();
        const got = await f(spec.url, { method, headers, signal: AbortSignal.timeout(deps.retry.timeoutMs), ...(form !== undefined ? { body: form } : {}) });
        res = { status: got.status, retryAfter: got.headers.get('retry-after') };
        body = await got.text();
      }
    } catch (err) {
      const e = err as Error;
      const reason = e.name === 'TimeoutError' || e.name === 'AbortError' ? `timed out after ${deps.retry.timeoutMs} ms` : `network error: ${(e.cause as Error)?.message ?? e.message}`;
      lastError = new UpstreamError(`${spec.what}: ${reason}`, true, undefined, true);
      continue;
    }
    if (res.status === 429 || res.status >= 500) {
      lastError = Object.assign(new UpstreamError(`HTTP ${res.status}${res.status === 429 ? ' (rate limited)' : ''}: ${body.replace(/\s+/g, ' ').slice(0, 120)}`, true, res.status), {
        retryAfter: res.retryAfter,
      });
      continue;
    }
    if (res.status >= 400) {
      throw new UpstreamError(`${spec.what}: HTTP ${res.status}: ${body.replace(/\s+/g, ' ').slice(0, 300)}`, false, res.status);
    }
    try {
      return parse(body);
    } catch (err) {
      if (err instanceof UpstreamError && !err.retryable) throw err;
      lastError = err instanceof UpstreamError ? err : new UpstreamError(`malformed response: ${(err as Error).message}`, true, res.status);
    }
  }
  throw new UpstreamError(`${spec.what}: gave up after ${deps.retry.attempts} attempts (${lastError?.message ?? 'unknown error'})`, false, lastError?.status, lastError?.unreachable ?? false);
}

/** A JSON body, or a retryable UpstreamError naming the source and showing how the body starts. */
export function parseJsonBody(body: string, what: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw new UpstreamError(`${what} returned invalid JSON (${body.length} bytes, starts "${body.slice(0, 60).replace(/\s+/g, ' ')}")`, true);
  }
}
