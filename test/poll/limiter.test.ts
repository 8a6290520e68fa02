import { describe, expect, it } from 'vitest';
import { PubmedClient, pubmedConfig } from '../../functions/adapters/pubmed/client.js';
import { startFakePubmed } from '../fakes/pubmed.js';
import { FAST_RETRY } from './helpers.js';

/** Requests per second measured at the server: max in any 1-s window, and the mean over the run. */
async function measure(rate: number, key: string | undefined, n: number) {
  // The fake answers 429 (NCBI's JSON body) above the rate, as NCBI does: none may be seen.
  const pm = await startFakePubmed({ count: 50, seed: 1, enforceRate: rate });
  try {
    const env = { PUBMED_EUTILS_URL: pm.url, ...(key ? { NCBI_API_KEY: key } : {}) };
    // Several clients and many concurrent calls: the limit is per upstream identity, process-wide.
    const clients = [new PubmedClient(pubmedConfig(env, { retry: FAST_RETRY })), new PubmedClient(pubmedConfig(env, { retry: FAST_RETRY }))];
    await Promise.all(
      Array.from({ length: n }, (_, i) =>
        i % 3 === 0
          ? clients[i % 2].efetch(pm.corpus.slice(0, 5).map((a) => a.pmid))
          : clients[i % 2].esearch({ term: 'depression', datetype: 'edat', mindate: '2000/01/01', maxdate: '2100/01/01', retmax: 10 }),
      ),
    );
    const t = pm.requests.map((r) => r.at).sort((a, b) => a - b);
    return { max: pm.maxInWindow(1000), statuses: pm.requests.map((r) => r.status), mean: ((t.length - 1) / (t[t.length - 1] - t[0])) * 1000, count: t.length };
  } finally {
    await pm.close();
  }
}

describe('E-utilities rate limiter', () => {
  it('never exceeds 3 requests/s without a key, measured at the server, while staying near the rate', async () => {
    const m = await measure(3, undefined, 13);
    expect(m.statuses.filter((s) => s !== 200), 'answers other than 200 (429 = over the rate)').toEqual([]);
    expect(m.count).toBe(13);
    expect(m.max).toBeLessThanOrEqual(3);
    expect(m.mean).toBeLessThanOrEqual(3);
    expect(m.mean).toBeGreaterThan(2.5);
  }, 60_000);

  it('never exceeds 10 requests/s with an API key', async () => {
    const m = await measure(10, 'secret-key', 41);
    expect(m.statuses.filter((s) => s !== 200)).toEqual([]);
    expect(m.max).toBeLessThanOrEqual(10);
    expect(m.mean).toBeGreaterThan(8.2);
  }, 60_000);

  it('an explicit lower rate is honoured, a higher one is clamped to the allowed maximum', () => {
    expect(pubmedConfig({ PUBMED_RATE_PER_SEC: '1' }).rate).toBe(1);
    expect(pubmedConfig({ PUBMED_RATE_PER_SEC: '50' }).rate).toBe(3);
    expect(pubmedConfig({ PUBMED_RATE_PER_SEC: '50', NCBI_API_KEY: 'k' }).rate).toBe(10);
    expect(pubmedConfig({ NCBI_TOOL: 'my tool', NCBI_EMAIL: ' a b@x.org ' })).toMatchObject({ tool: 'my_tool', email: 'ab@x.org' });
  });
});
