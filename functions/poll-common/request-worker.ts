/**
 * Sends rate-limited requests from a worker thread.
 *
 * The limiter schedules request starts by the StartSchedule rule (see http.ts). On the poller's
 * main thread a release can come late whenever the store side holds the event loop (parsing, hashing, the DynamoDB client, garbage collection):
 * every late start costs throughput (the 10/s backfill reached 88 % of the rate that way). In a
 * worker thread the limiter and the socket writes have an event loop of their own with nothing
 * else on it, so releases come on time; the main thread only hands requests over and takes the
 * answers back. The worker's limiter is the same rule (StartSchedule's own source, embedded below,
 * one per upstream key with the main thread's rate), so the rule is still defined once, in http.ts.
 *
 * The worker's code is a plain-JavaScript string (`eval: true`): it needs no loader and survives
 * bundling into a Lambda as is. The worker is unref'd while idle, so it never keeps a process
 * alive.
 */
import { Worker } from 'node:worker_threads';
import { StartSchedule } from './http.js';

export interface WorkerRequest {
  /** Limiter key (one per upstream identity), its rate and jitter tolerance (StartSchedule). */
  key: string;
  rate: number;
  toleranceMs: number;
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

export interface WorkerResponse {
  status: number;
  retryAfter: string | null;
  body: string;
}

/** Built on first use: http.ts (StartSchedule) and this module import each other. */
const workerSource = () => `
const { parentPort } = require('node:worker_threads');
const { performance } = require('node:perf_hooks');
const StartSchedule = (${StartSchedule.toString()});
const limiters = new Map();
function acquire(key, rate, toleranceMs) {
  let l = limiters.get(key);
  if (!l) { l = { schedule: new StartSchedule(rate, toleranceMs), chain: Promise.resolve() }; limiters.set(key, l); }
  const requestedAt = performance.now();
  const p = l.chain.then(async () => {
    const allowedAt = l.schedule.allowedAt(requestedAt);
    let rest = allowedAt - performance.now();
    while (rest > 0) {
      await new Promise((r) => setTimeout(r, Math.ceil(rest)));
      rest = allowedAt - performance.now();
    }
    l.schedule.started(performance.now());
  });
  l.chain = p.catch(() => undefined);
  return p;
}
parentPort.on('message', async (m) => {
  try {
    await acquire(m.key, m.rate, m.toleranceMs);
    const res = await fetch(m.url, { method: m.method, headers: m.headers, body: m.body, signal: AbortSignal.timeout(m.timeoutMs) });
    const body = await res.text();
    parentPort.postMessage({ id: m.id, status: res.status, retryAfter: res.headers.get('retry-after'), body });
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: { name: e && e.name, message: String(e && e.message), cause: e && e.cause ? String(e.cause.message || e.cause) : undefined } });
  }
});
`;

type Pending = { resolve: (r: WorkerResponse) => void; reject: (e: Error) => void };

export class RequestWorker {
  private static instance: RequestWorker | undefined;
  /** The process's one request worker (created on first use). */
  static shared(): RequestWorker {
    RequestWorker.instance ??= new RequestWorker();
    return RequestWorker.instance;
  }

  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private seq = 0;

  private start(): Worker {
    const w = new Worker(workerSource(), { eval: true });
    w.on('message', (m: { id: number; status?: number; retryAfter?: string | null; body?: string; error?: { name?: string; message: string; cause?: string } }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (this.pending.size === 0) w.unref();
      if (m.error) {
        const err = new Error(m.error.message, m.error.cause ? { cause: new Error(m.error.cause) } : undefined);
        err.name = m.error.name ?? 'Error';
        p.reject(err);
      } else p.resolve({ status: m.status ?? 0, retryAfter: m.retryAfter ?? null, body: m.body ?? '' });
    });
    const fail = (err: Error) => {
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
      this.worker = undefined;
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`request worker exited (${code})`)));
    w.unref();
    return w;
  }

  send(req: WorkerRequest): Promise<WorkerResponse> {
    this.worker ??= this.start();
    const w = this.worker;
    const id = ++this.seq;
    return new Promise<WorkerResponse>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) w.ref();
      w.postMessage({ id, ...req });
    });
  }
}
