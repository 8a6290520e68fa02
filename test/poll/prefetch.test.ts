import { describe, expect, it } from 'vitest';
import { RateLimiter, type LimiterClock } from '../../functions/poll-common/http.js';
import { Prefetcher } from '../../functions/poll-common/prefetch.js';
import { pubmedAhead } from '../../functions/poll-common/cycle.js';

/**
 * A virtual clock driving both the limiter's waits and the responses' latencies: time moves only
 * to the next timer once every promise has settled, so nothing here depends on the machine's speed.
 */
function virtualClock() {
  let t = 0;
  let seq = 0;
  const timers: { at: number; seq: number; fire: () => void }[] = [];
  const after = (ms: number) => new Promise<void>((fire) => timers.push({ at: t + Math.max(0, ms), seq: seq++, fire }));
  const clock: LimiterClock = { now: () => t, sleep: after };
  /** Runs until `p` settles, advancing virtual time from timer to timer. */
  async function run<T>(p: Promise<T>): Promise<T> {
    let settled = false;
    void p.then(
      () => (settled = true),
      () => (settled = true),
    );
    for (;;) {
      await new Promise((r) => setImmediate(r));
      if (settled) return p;
      if (!timers.length) throw new Error('nothing left to wait for, and the run has not finished');
      timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = timers.shift()!;
      t = Math.max(t, next.at);
      next.fire();
    }
  }
  return { clock, after, run, now: () => t };
}

/**
 * The PubMed fetch side's shape: tasks taken in order, each request through the one limiter, a
 * response arriving `latency(task)` after its start; the consumer spends `storeMs` per batch.
 */
async function backfill(opts: { rate: number; tasks: number; ahead: number; latency: (task: number) => number; storeMs?: number; announceInSteps?: number }) {
  const v = virtualClock();
  const limiter = new RateLimiter(opts.rate, v.clock);
  const starts: number[] = [];
  let inFlightAtStart = 0;
  const pf: Prefetcher<number> = new Prefetcher(async (task) => {
    await limiter.acquire();
    starts[task] = v.now();
    inFlightAtStart = Math.max(inFlightAtStart, pf.inFlight);
    await v.after(opts.latency(task));
    return task;
  }, opts.ahead);
  const taken: number[] = [];
  const takenAt: number[] = [];
  const work = (async () => {
    // Planning announces tasks as it finds them (all at once unless asked otherwise).
    const step = opts.announceInSteps ?? opts.tasks;
    pf.available(Math.min(step, opts.tasks));
    for (let i = 0; i < opts.tasks; i++) {
      if (i % step === 0) pf.available(Math.min(i + step, opts.tasks));
      expect(pf.inFlight).toBeLessThanOrEqual(opts.ahead);
      taken.push(await pf.take());
      takenAt.push(v.now());
      if (opts.storeMs) await v.after(opts.storeMs);
    }
  })();
  await v.run(work);
  const gaps = starts.slice(1).map((s, i) => s - starts[i]);
  return { starts, gaps, taken, takenAt, peak: pf.peakInFlight, inFlightAtStart, limiter };
}

describe('requests in flight ahead of the batch being stored (Prefetcher), on a virtual clock', () => {
  it('a slow response does not delay the starts behind it: every start one limiter spacing after the last', async () => {
    // Task 3 answers after 2 s, the rest after 300 ms; 22 may be in flight at 10/s.
    const r = await backfill({ rate: 10, tasks: 60, ahead: pubmedAhead(10), latency: (i) => (i === 3 ? 2000 : 300) });
    expect(r.taken).toEqual(Array.from({ length: 60 }, (_, i) => i));
    for (const g of r.gaps) {
      expect(g).toBeGreaterThanOrEqual(r.limiter.intervalMs); // never above the rate
      expect(g).toBeLessThan(r.limiter.intervalMs + 1); // and not slower: nothing waited for task 3
    }
    // Task 4 … were answered long before task 3, and were handed over in order just after it.
    expect(r.takenAt[4] - r.takenAt[3]).toBe(0);
  });

  it('sent one after another (ahead = 1) each latency is added to the spacing: what in-flight requests avoid', async () => {
    const r = await backfill({ rate: 10, tasks: 20, ahead: 1, latency: () => 300 });
    for (const g of r.gaps) expect(g).toBeGreaterThanOrEqual(300);
  });

  it('in flight never exceeds the cap, and a head of line slower than the cap allows stops the starts (memory bound) until it answers', async () => {
    const ahead = 5;
    const r = await backfill({ rate: 10, tasks: 40, ahead, latency: (i) => (i === 2 ? 5000 : 200) });
    expect(r.peak).toBe(ahead);
    expect(r.inFlightAtStart).toBeLessThanOrEqual(ahead);
    // Tasks 0–1 are taken, 2 … 6 fill the cap; task 7 starts only once task 2 has answered.
    expect(r.starts[7]).toBeGreaterThanOrEqual(r.starts[2] + 5000);
    expect(r.starts[6] - r.starts[2]).toBeLessThan(5 * r.limiter.intervalMs);
    for (const g of r.gaps) expect(g).toBeGreaterThanOrEqual(r.limiter.intervalMs);
  });

  it('a slow store holds the starts back by the cap only (back-pressure), the rate is never exceeded', async () => {
    const ahead = 4;
    // Storing a batch takes 1 s, ten limiter spacings: fetching may run at most `ahead` batches ahead.
    const r = await backfill({ rate: 10, tasks: 30, ahead, latency: () => 150, storeMs: 1000 });
    expect(r.peak).toBeLessThanOrEqual(ahead);
    for (let i = ahead + 1; i < 30; i++) expect(r.starts[i]).toBeGreaterThanOrEqual(r.takenAt[i - ahead - 1]);
    for (const g of r.gaps) expect(g).toBeGreaterThanOrEqual(r.limiter.intervalMs);
  });

  it('tasks announced while planning goes on are started as they come, in order, under the cap', async () => {
    const r = await backfill({ rate: 3, tasks: 25, ahead: pubmedAhead(3), latency: (i) => 100 + ((i * 37) % 900), announceInSteps: 7 });
    expect(r.taken).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(r.peak).toBeLessThanOrEqual(pubmedAhead(3));
    for (const g of r.gaps) expect(g).toBeGreaterThanOrEqual(r.limiter.intervalMs);
  });

  it('a failed task fails its take, in order; later tasks still arrive', async () => {
    const v = virtualClock();
    const pf = new Prefetcher<number>(async (task) => {
      await v.after(10);
      if (task === 1) throw new Error('upstream gave up');
      return task;
    }, 3);
    pf.available(4);
    const got = await v.run(
      (async () => {
        const out: (number | string)[] = [];
        for (let i = 0; i < 4; i++) out.push(await pf.take().catch((e: Error) => e.message));
        return out;
      })(),
    );
    expect(got).toEqual([0, 'upstream gave up', 2, 3]);
    expect(pf.inFlight).toBe(0);
  });
});
