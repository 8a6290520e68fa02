/**
 * PubMed requests sent from the request worker thread (POLL_REQUEST_WORKER=1): same answers, same
 * retries (429, 500, reset, timeout), same limit at the server as from the main thread.
 */
import { describe, expect, it } from 'vitest';
import { PubmedClient, pubmedConfig } from '../../functions/adapters/pubmed/client.js';
import { startFakePubmed } from '../fakes/pubmed.js';
import { FAST_RETRY } from './helpers.js';

describe('request worker', () => {
  it('is used when POLL_REQUEST_WORKER=1, answers like the main thread and rides out faults', async () => {
    const pm = await startFakePubmed({ count: 30, seed: 9, faults: [{ kind: '429', times: 1 }, { kind: '500', endpoint: 'efetch', times: 1 }, { kind: 'reset', endpoint: 'efetch', times: 1 }, { kind: 'hang', endpoint: 'esearch', times: 1, after: 1 }] });
    try {
      const cfg = pubmedConfig({ PUBMED_EUTILS_URL: pm.url, NCBI_API_KEY: 'k', POLL_REQUEST_WORKER: '1' }, { retry: { ...FAST_RETRY, timeoutMs: 4000 } });
      expect(cfg.offThread).toBe(true);
      expect(pubmedConfig({ PUBMED_EUTILS_URL: pm.url }).offThread).toBe(false);
      const client = new PubmedClient(cfg);
      const es = await client.esearch({ term: 'x', datetype: 'edat', mindate: '2000/01/01', maxdate: '2100/01/01', retmax: 100 });
      expect(es.count).toBe(30);
      const again = await client.esearch({ term: 'x', datetype: 'edat', mindate: '2000/01/01', maxdate: '2100/01/01', retmax: 100 }); // the hung one, timed out in the worker and asked again
      expect(again.ids).toEqual(es.ids);
      const parsed = await client.efetch(es.ids);
      expect(parsed.records.map((r) => r.sourceId).sort()).toEqual([...es.ids].sort());
      expect(pm.faults).toHaveLength(0);
      expect(pm.requests.map((r) => r.params.get('api_key'))).toEqual(pm.requests.map(() => 'k'));
      expect(pm.maxInWindow(1000)).toBeLessThanOrEqual(10);
    } finally {
      await pm.close();
    }
  }, 300_000);
});
