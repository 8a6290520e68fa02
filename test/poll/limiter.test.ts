import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PubmedClient, pubmedConfig, pubmedLimiter } from '../../functions/adapters/pubmed/client.js';
import { JITTER_TOLERANCE_MS, RateLimiter, type LimiterClock } from '../../functions/poll-common/http.js';
import { maxInWindow, type LoggedRequest } from '../fakes/common.js';
import { startFakePubmed } from '../fakes/pubmed.js';
import { FAST_RETRY } from './helpers.js';

/**
 * Real requests from two clients through the one process-wide limiter to the fake E-utilities,
 * which answers 429 (NCBI's JSON body) above the rate. What is checked does not depend on how busy
 * the machine is: every request the server saw started through the limiter (one start per arrival),
 * the limiter's real-clock starts never put more than `rate` into any second, and every call ends
 * in a 200. Arrival times at the server are not asserted: on a loaded machine the fake's own event
 * loop may read two requests sent 1,075 ms apart within one second (the client then retries the
 * 429, as it must with NCBI); how close to the rate a run gets, and how often arrival jitter costs
 * a retry, is printed by `npm run bench -- poll`.
 */
async function measure(rate: number, key: string | undefined, n: number) {
  const pm = await startFakePubmed({ count: 50, seed: 1, enforceRate: rate });
  try {
    const env = { PUBMED_EUTILS_URL: pm.url, ...(key ? { NCBI_API_KEY: key } : {}) };
    // Arrival jitter at the fake (same event loop as the clients) may cost a 429 and a retry; many
    // attempts so that a busy machine can never exhaust them (what is asserted is the limiter's starts).
    const retry = { ...FAST_RETRY, attempts: 20 };
    const config = pubmedConfig(env, { retry });
    const limiter = pubmedLimiter(config);
    const starts: number[] = [];
    const watch = (at: number) => void starts.push(at);
    limiter.onStart.add(watch);
    try {
      // Several clients and many concurrent calls: the limit is per upstream identity, process-wide.
      const clients = [new PubmedClient(config), new PubmedClient(pubmedConfig(env, { retry }))];
      const results = await Promise.all(
        Array.from({ length: n }, (_, i) =>
          i % 3 === 0
            ? clients[i % 2].efetch(pm.corpus.slice(0, 5).map((a) => a.pmid)).then((r) => r.records.length)
            : clients[i % 2].esearch({ term: 'depression', datetype: 'edat', mindate: '2000/01/01', maxdate: '2100/01/01', retmax: 10 }).then((r) => r.ids.length),
        ),
      );
      return {
        results,
        starts,
        maxStartsPerSecond: maxInWindow(starts.map((at) => ({ at }) as LoggedRequest), 1000),
        okAtServer: pm.requests.filter((r) => r.status === 200).length,
        atServer: pm.requests.length,
      };
    } finally {
      limiter.onStart.delete(watch);
    }
  } finally {
    await pm.close();
  }
}

describe('rate limiter on a virtual clock', () => {
  it('property: k + 1 consecutive starts span the window (at most `rate` in any second) and no two come closer than three quarters of a spacing, whatever timers and stalls do', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(1, 3, 10, 2.5, 0.5),
        fc.array(fc.nat({ max: 200 }), { minLength: 1, maxLength: 20 }),
        fc.array(fc.nat({ max: 400 }), { minLength: 1, maxLength: 20 }),
        fc.integer({ min: 5, max: 60 }),
        async (rate, lateness, stalls, n) => {
          let t = 1000;
          let sleeps = 0;
          // A timer fires `lateness` ms late (0: up to 1 ms early); work between releases stalls the loop.
          const clock: LimiterClock = {
            now: () => t,
            sleep: async (ms) => {
              const late = lateness[sleeps++ % lateness.length];
              t += late === 0 ? Math.max(ms / 2, ms - 1) : ms + late;
            },
          };
          const lim = new RateLimiter(rate, clock);
          const starts: number[] = [];
          for (let i = 0; i < n; i++) {
            await lim.acquire();
            starts.push(t);
            t += stalls[i % stalls.length];
          }
          const k = lim.perWindow;
          expect(lim.windowMs).toBeGreaterThanOrEqual((k * 1000) / rate + JITTER_TOLERANCE_MS - 1e-9);
          for (let i = k; i < n; i++) expect(starts[i] - starts[i - k]).toBeGreaterThanOrEqual(lim.windowMs - 1e-9);
          for (let i = 1; i < n; i++) expect(starts[i] - starts[i - 1]).toBeGreaterThanOrEqual(lim.minGapMs - 1e-9);
          // Never more than the rate: on average over the run, and (whole rates) in any one second.
          expect(((n - 1) / (starts[n - 1] - starts[0])) * 1000).toBeLessThanOrEqual(rate);
          if (Number.isInteger(rate)) expect(maxInWindow(starts.map((at) => ({ at }) as LoggedRequest), 1000)).toBeLessThanOrEqual(rate);
        },
      ),
      { numRuns: 300, seed: 424242 },
    );
  });

  it('property: with many callers waiting and punctual timers the n-th start is at t0 + n × spacing (no drift), at 94–96 % of the rate', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(1, 3, 10, 2.5, 0.5), fc.integer({ min: 2, max: 80 }), async (rate, n) => {
        let t = 0;
        const clock: LimiterClock = { now: () => t, sleep: async (ms) => void (t += ms) };
        const lim = new RateLimiter(rate, clock);
        const starts: number[] = [];
        await Promise.all(Array.from({ length: n }, () => lim.acquire().then(() => starts.push(t))));
        starts.forEach((at, i) => expect(at).toBeCloseTo(i * lim.intervalMs, 6));
        expect(lim.intervalMs).toBeCloseTo(lim.windowMs / lim.perWindow + 1, 9);
        if (Number.isInteger(rate)) expect(maxInWindow(starts.map((at) => ({ at }) as LoggedRequest), 1000)).toBeLessThanOrEqual(rate);
      }),
      { numRuns: 100, seed: 77 },
    );
    // The share of the rate reached: 1000 / (1000 + tolerance + k).
    for (const rate of [3, 10]) expect(1000 / rate / new RateLimiter(rate).intervalMs).toBeGreaterThan(0.94);
  });

  // The slots leave k × 1 ms per window beyond the window rule: that much lateness per window (3 ms
  // at 3/s, 10 ms at 10/s) is absorbed for good; with the old rule every ms of it was lost. (A
  // timer here is late by up to k − 1 ms, plus up to 1 ms from the limiter's whole-ms sleeps.)
  it('property: lateness does not add up: with timers up to k ms late (k = rate) every start stays within k ms of its slot t0 + n × spacing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(3, 10), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 30 }), fc.integer({ min: 20, max: 120 }), async (rate, lateness, n) => {
        let t = 0;
        let sleeps = 0;
        const clock: LimiterClock = { now: () => t, sleep: async (ms) => void (t += ms + (rate - 1) * lateness[sleeps++ % lateness.length]) };
        const lim = new RateLimiter(rate, clock);
        const starts: number[] = [];
        await Promise.all(Array.from({ length: n }, () => lim.acquire().then(() => starts.push(t))));
        starts.forEach((at, i) => {
          expect(at).toBeGreaterThanOrEqual(i * lim.intervalMs - 1e-6);
          expect(at).toBeLessThanOrEqual(i * lim.intervalMs + rate + 1e-6);
        });
        for (let i = lim.perWindow; i < n; i++) expect(starts[i] - starts[i - lim.perWindow]).toBeGreaterThanOrEqual(lim.windowMs - 1e-9);
      }),
      { numRuns: 200, seed: 99 },
    );
  });

  it('small lateness is made up by the next start; a stall is not (no burst after it), and the window holds throughout', async () => {
    let t = 0;
    let sleeps = 0;
    // The 3rd wait overruns by 300 ms (a stalled event loop), the 20th by 20 ms (under a quarter of
    // the 106 ms spacing); every other timer is punctual.
    const clock: LimiterClock = { now: () => t, sleep: async (ms) => void (t += ms + (++sleeps === 3 ? 300 : sleeps === 20 ? 20 : 0)) };
    const lim = new RateLimiter(10, clock);
    const starts: number[] = [];
    await Promise.all(Array.from({ length: 40 }, () => lim.acquire().then(() => starts.push(t))));
    const stalled = starts.findIndex((at, i) => i > 0 && at - starts[i - 1] > lim.intervalMs + 250);
    expect(stalled).toBeGreaterThan(0);
    // After the stall: a whole spacing between starts, as before it.
    for (let i = stalled + 1; i < stalled + 10; i++) expect(starts[i] - starts[i - 1]).toBeCloseTo(lim.intervalMs, 6);
    const late = starts.findIndex((at, i) => i > stalled + 1 && at - starts[i - 1] > lim.intervalMs + 10);
    expect(late).toBeGreaterThan(stalled);
    // The 20 ms are made up by the next start: the one after is back on its slot.
    expect(starts[late + 1] - starts[late]).toBeCloseTo(lim.intervalMs - 20, 6);
    expect(starts[late + 1] - starts[late - 1]).toBeCloseTo(2 * lim.intervalMs, 6);
    for (let i = 1; i < 40; i++) expect(starts[i] - starts[i - 1]).toBeGreaterThanOrEqual(lim.minGapMs - 1e-9);
    for (let i = 10; i < 40; i++) expect(starts[i] - starts[i - 10]).toBeGreaterThanOrEqual(lim.windowMs - 1e-9);
  });

  it('a request after a pause starts at once, the next one a spacing later: idle time is not made up', async () => {
    let t = 0;
    const clock: LimiterClock = { now: () => t, sleep: async (ms) => void (t += ms) };
    const lim = new RateLimiter(3, clock);
    await lim.acquire();
    t += 10_000;
    const before = t;
    await lim.acquire();
    expect(t).toBe(before);
    await Promise.all([lim.acquire(), lim.acquire()]);
    expect(t - before).toBeCloseTo(2 * lim.intervalMs, 6);
  });
});

describe('E-utilities rate limiter', () => {
  for (const [label, rate, key, n] of [
    ['3 requests/s without a key', 3, undefined, 13],
    ['10 requests/s with an API key', 10, 'secret-key', 41],
  ] as const) {
    it(`never starts more than ${label}; every request the server saw went through the one limiter`, async () => {
      const m = await measure(rate, key, n);
      expect(m.results.every((x) => x > 0), 'every call returned data').toBe(true);
      expect(m.okAtServer).toBe(n);
      // One limiter start per request that reached the server (retries included): none bypassed it.
      expect(m.starts).toHaveLength(m.atServer);
      expect(m.maxStartsPerSecond).toBeLessThanOrEqual(rate);
      for (let i = rate; i < m.starts.length; i++) expect(m.starts[i] - m.starts[i - rate]).toBeGreaterThanOrEqual(1000);
    }, 300_000);
  }

  it('an explicit lower rate is honoured, a higher one is clamped to the allowed maximum', () => {
    expect(pubmedConfig({ PUBMED_RATE_PER_SEC: '1' }).rate).toBe(1);
    expect(pubmedConfig({ PUBMED_RATE_PER_SEC: '50' }).rate).toBe(3);
    expect(pubmedConfig({ PUBMED_RATE_PER_SEC: '50', NCBI_API_KEY: 'k' }).rate).toBe(10);
    expect(pubmedConfig({ NCBI_TOOL: 'my tool', NCBI_EMAIL: ' a b@x.org ' })).toMatchObject({ tool: 'my_tool', email: 'ab@x.org' });
  });
});
