import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { dropTestTable } from '../../functions/adapters/dynamo/testing.js';
import { parsePollArgs } from '../../scripts/poll.js';
import { generateArticles, startFakePubmed } from '../fakes/pubmed.js';
import { fakePreprint, startFakeEuropePmc } from '../fakes/europepmc.js';
import { startFakeIsrctn } from '../fakes/isrctn.js';
import { startFakeCtgov } from '../fakes/ctgov.js';
import { freshTable } from './helpers.js';

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((res) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/poll.ts', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => res({ code, stdout, stderr }));
  });
}

const tables: string[] = [];
afterAll(async () => {
  for (const t of tables) await dropTestTable(t);
});

describe('npm run poll', () => {
  it('polls the configured upstreams and prints the contract summary as the last stdout line', async () => {
    const { table } = await freshTable('cli');
    tables.push(table);
    const pm = await startFakePubmed({ corpus: generateArticles({ count: 12, seed: 3 }).map((a) => ({ ...a, dataBanks: undefined })) });
    const ct = await startFakeCtgov({ count: 3, seed: 2 });
    const today = new Date().toISOString().slice(0, 10);
    const ep = await startFakeEuropePmc({ results: [fakePreprint({ id: 'PPR900001', title: 'A preprint of a randomised trial of an app for depressive symptoms', firstIndexDate: today })] });
    const is = await startFakeIsrctn({ trials: [{ isrctn: '31415926', title: 'Online CBT for depression in UK adults', lastEdited: today }] });
    try {
      const env = { TABLE_NAME: table, PUBMED_EUTILS_URL: pm.url, CTGOV_API_URL: ct.url, EUROPE_PMC_URL: ep.url, ISRCTN_API_URL: is.url, NCBI_API_KEY: 'k', CTGOV_RATE_PER_SEC: '10', POLL_BACKFILL_FROM: '2020-01-01' };
      const r = await run(['--source', 'all', '--review', 'selfguided-depression'], env);
      expect(r.code, r.stderr).toBe(0);
      const lines = r.stdout.trim().split('\n');
      const summary = JSON.parse(lines[lines.length - 1]);
      expect(Object.keys(summary)).toEqual(['fetched', 'new', 'updated', 'unchanged', 'quarantined', 'candidates']);
      const ctNew = ct.studies.filter((s) => (s.protocolSection.designModule as { designInfo: { allocation: string } }).designInfo.allocation === 'RANDOMIZED').length;
      // 12 articles, the randomised CT.gov studies, one Europe PMC preprint, one ISRCTN trial.
      expect(summary).toEqual({ fetched: 14 + ctNew, new: 14 + ctNew, updated: 0, unchanged: 0, quarantined: 0, candidates: 14 + ctNew });
      expect(ep.requests.length).toBeGreaterThan(0);
      expect(is.requests.length).toBeGreaterThan(0);
      expect(r.stderr).toMatch(/pubmed selfguided-depression edat/);
      const again = await run(['--source=pubmed', '--review=selfguided-depression'], env);
      const s2 = JSON.parse(again.stdout.trim().split('\n').pop()!);
      expect(s2).toMatchObject({ new: 0, updated: 0, candidates: 14 + ctNew });
      expect(s2.unchanged).toBe(s2.fetched);
    } finally {
      await pm.close();
      await ct.close();
      await ep.close();
      await is.close();
    }
  }, 300_000);

  it('with no upstream reachable: one clear line per failed source, the summary still prints, exit 1', async () => {
    const { table } = await freshTable('cli');
    tables.push(table);
    const dead = 'http://127.0.0.1:9/'; // discard port: connection refused
    const r = await run(['--review', 'selfguided-depression'], { TABLE_NAME: table, PUBMED_EUTILS_URL: dead, CTGOV_API_URL: dead, EUROPE_PMC_URL: dead, ISRCTN_API_URL: dead, POLL_RETRY_ATTEMPTS: '2', POLL_RETRY_BASE_MS: '10' });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout.trim().split('\n').pop()!)).toEqual({ fetched: 0, new: 0, updated: 0, unchanged: 0, quarantined: 0, candidates: 0 });
    const failed = r.stderr.split('\n').filter((l) => /cycle failed/.test(l));
    expect(failed).toHaveLength(4); // one line per source: pubmed, ctgov, europepmc, isrctn
    expect(failed[0]).toMatch(/^pubmed selfguided-depression: cycle failed: .*network error/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  }, 300_000);

  it('rejects bad arguments with a clear message', () => {
    expect(() => parsePollArgs(['--source', 'embase'])).toThrow(/--source must be pubmed, ctgov, europepmc, isrctn or all/);
    expect(parsePollArgs(['--source', 'europepmc']).sources).toEqual(['europepmc']);
    expect(parsePollArgs(['--source=isrctn']).sources).toEqual(['isrctn']);
    expect(() => parsePollArgs(['--review', 'nope'])).toThrow(/unknown review "nope"/);
    expect(() => parsePollArgs(['--frobnicate'])).toThrow(/unknown argument/);
    expect(parsePollArgs([])).toEqual({ sources: ['pubmed', 'ctgov', 'europepmc', 'isrctn'], reviewIds: [] });
    expect(parsePollArgs(['--source', 'all']).sources).toEqual(['pubmed', 'ctgov', 'europepmc', 'isrctn']);
  });
});
