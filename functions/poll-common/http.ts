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
 * Slack against arrival jitter at the server (ms): any `k + 1` consecutive starts (k = the whole
 * requests allowed per second) span at least `1000 + JITTER_TOLERANCE_MS` ms on the poller's
 * clock, so a one-second window at the server holds at most `rate` requests as long as two
 * requests' delays on the way (the poller's event loop between release and socket write, the
 * network, the server's own loop) differ by less than this. `npm run bench -- poll` prints the
 * largest such difference seen ("span shrank on the way") and the count in any 1-s window at the fake.
 */
export const JITTER_TOLERANCE_MS = 50;

/**
 * Where request starts may fall: a pure rule, shared verbatim by the limiter below and the request
 * worker thread (request-worker.ts embeds this class's source), so it is written once.
 *
 *  - Starts are scheduled against absolute slots `t0 + i × spacing` (spacing = window / k + 1 ms):
 *    a release that comes late (a timer firing late, a busy event loop) does not push every later
 *    slot back, as spacing each start from the last release did (there every few ms of lateness
 *    were lost for good, 6–7 % of the rate at 10/s). A start up to `maxCatchUp` (a quarter of a
 *    spacing) late is made up by the next one coming that much sooner; a start later than that
 *    (a stall) restarts the slots a whole spacing after it, so a stall never turns into a burst
 *    (a test run that made stalls up put 15 requests into one second at the fake).
 *  - Hard rule, whatever the slots say: any k + 1 consecutive starts span at least `windowMs`
 *    (k × 1000 / rate + JITTER_TOLERANCE_MS), so no one-second window holds more than `rate`.
 *  - A limiter found idle (nobody asked when the slot came) restarts its slots at the request:
 *    time nobody used is not made up either.
 * Throughput with punctual timers: 1000 / (1000 + JITTER_TOLERANCE_MS + k) of the rate per
 * second (94.3 % at 10/s, 95.0 % at 3/s).
 */
export class StartSchedule {
  /** Requests allowed in one window (the whole number of requests per second, at least 1). */
  readonly perWindow: number;
  /** Any perWindow + 1 consecutive starts span at least this (ms). */
  readonly windowMs: number;
  /** Distance of two slots (ms). */
  readonly spacingMs: number;
  /** Lateness of a start that the next one makes up (ms); a start later than this restarts the slots. */
  readonly maxCatchUpMs: number;
  /** Slot of the next start. */
  nextSlot = -Infinity;
  /** The last perWindow starts, oldest first. */
  recent: number[] = [];
  constructor(ratePerSecond: number, toleranceMs: number) {
    this.perWindow = Math.max(1, Math.floor(ratePerSecond));
    this.windowMs = (this.perWindow * 1000) / ratePerSecond + toleranceMs;
    this.spacingMs = this.windowMs / this.perWindow + 1;
    this.maxCatchUpMs = this.spacingMs / 4;
  }
  /** The earliest start allowed for a request made at `requestedAt` that is next in line. */
  allowedAt(requestedAt: number): number {
    if (requestedAt > this.nextSlot) this.nextSlot = requestedAt;
    const windowAt = this.recent.length >= this.perWindow ? this.recent[0] + this.windowMs : -Infinity;
    return Math.max(this.nextSlot, windowAt);
  }
  /** A start happened at `at` (not before allowedAt). */
  started(at: number): void {
    this.recent.push(at);
    if (this.recent.length > this.perWindow) this.recent.shift();
    // Lateness up to maxCatchUp (timers, a busy loop) is made up by the next start; a longer stall
    // is not: requests released just before it may only leave (or reach the server) after it, and
    // starts made up on top of them would bunch at the server.
    this.nextSlot = at - this.nextSlot > this.maxCatchUpMs ? at + this.spacingMs : this.nextSlot + this.spacingMs;
  }
}

/**
 * How a start came about: the request asked at `requestedAt`; the schedule allowed a start from
 * `allowedAt`. A start later than both was released late (timer or event loop); one at
 * `requestedAt` > `allowedAt` found the limiter idle (no request was ready).
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

/** Releases request starts one at a time, in call order, by the StartSchedule rule. */
export class RateLimiter {
  /** Distance of two scheduled starts (ms). */
  readonly intervalMs: number;
  /** Any `perWindow` + 1 consecutive starts span `windowMs` or more. */
  readonly perWindow: number;
  readonly windowMs: number;
  /** Two consecutive starts are never closer than this (a late one made up by at most a quarter of a spacing). */
  readonly minGapMs: number;
  private readonly schedule: StartSchedule;
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
    this.schedule = new StartSchedule(ratePerSecond, JITTER_TOLERANCE_MS);
    this.intervalMs = this.schedule.spacingMs;
    this.perWindow = this.schedule.perWindow;
    this.windowMs = this.schedule.windowMs;
    this.minGapMs = this.schedule.spacingMs - this.schedule.maxCatchUpMs;
  }
  acquire(): Promise<void> {
    const requestedAt = this.clock.now();
    const p = this.chain.then(async () => {
      const allowedAt = this.schedule.allowedAt(requestedAt);
      // setTimeout may fire a little early by the monotonic clock: wait until the moment has come.
      let rest = allowedAt - this.clock.now();
      while (rest > 0) {
        await this.clock.sleep(Math.ceil(rest));
        rest = allowedAt - this.clock.now();
      }
      const at = this.clock.now();
      this.schedule.started(at);
      for (const f of this.onStart) f(at, { requestedAt, allowedAt });
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
export function requestWithRetry<T>(spec: RequestSpec, deps: HttpDeps, parse: (body: string) => T): Promise<T> {
  return send(spec, deps, 'text', parse);
}

/**
 * As requestWithRetry, with the body as bytes: for large bodies that are checked and then passed on
 * (written to disk) rather than kept, so that no long-lived large string is made of them.
 */
export function requestBytesWithRetry<T>(spec: RequestSpec, deps: HttpDeps, parse: (body: Buffer) => T): Promise<T> {
  return send(spec, deps, 'bytes', parse);
}

async function send<T>(spec: RequestSpec, deps: HttpDeps, mode: 'text', parse: (body: string) => T): Promise<T>;
async function send<T>(spec: RequestSpec, deps: HttpDeps, mode: 'bytes', parse: (body: Buffer) => T): Promise<T>;
async function send<T>(spec: RequestSpec, deps: HttpDeps, mode: 'text' | 'bytes', parse: (body: never) => T): Promise<T> {
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
    let body: string | Buffer;
    try {
      const method = spec.method ?? 'GET';
      const headers = { 'user-agent': 'living-evidence-poller/0.1', ...(spec.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}), ...spec.headers };
      const form = spec.form ? new URLSearchParams(spec.form).toString() : undefined;
      if (deps.offThread && !deps.fetchImpl) {
        const r = await RequestWorker.shared().send({ key: deps.limiter.key, rate: deps.limiter.ratePerSecond, toleranceMs: JITTER_TOLERANCE_MS, url: spec.url, method, headers, ...(form !== undefined ? { body: form } : {}), timeoutMs: deps.retry.timeoutMs });
        res = r;
        body = mode === 'bytes' ? Buffer.from(r.body) : r.body;
      } else {
        await deps.limiter.acquire();
        const got = await f(spec.url, { method, headers, signal: AbortSignal.timeout(deps.retry.timeoutMs), ...(form !== undefined ? { body: form } : {}) });
        res = { status: got.status, retryAfter: got.headers.get('retry-after') };
        body = mode === 'bytes' ? Buffer.from(await got.arrayBuffer()) : await got.text();
      }
    } catch (err) {
      const e = err as Error;
      const reason = e.name === 'TimeoutError' || e.name === 'AbortError' ? `timed out after ${deps.retry.timeoutMs} ms` : `network error: ${(e.cause as Error)?.message ?? e.message}`;
      lastError = new UpstreamError(`${spec.what}: ${reason}`, true, undefined, true);
      continue;
    }
    // Error statuses are described from the start of the body.
    const head = () => (typeof body === 'string' ? body : body.subarray(0, 4096).toString('utf8'));
    if (res.status === 429 || res.status >= 500) {
      lastError = Object.assign(new UpstreamError(`HTTP ${res.status}${res.status === 429 ? ' (rate limited)' : ''}: ${head().replace(/\s+/g, ' ').slice(0, 120)}`, true, res.status), {
        retryAfter: res.retryAfter,
      });
      continue;
    }
    if (res.status >= 400) {
      throw new UpstreamError(`${spec.what}: HTTP ${res.status}: ${head().replace(/\s+/g, ' ').slice(0, 300)}`, false, res.status);
    }
    try {
      return parse(body as never);
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
