/**
 * Reports over real HTTP with DynamoDB Local: the PRISMA diagram's boxes add up and match the
 * summary's counts (one definition, core/curation/prisma.ts); kappa and per-curator progress; the
 * stored outcome of the last poll in words with an injected clock; imports as background jobs
 * (preview → start → progress), resumed after a crash without writing anything twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prismaIdentities } from '../../core/curation/prisma-diagram.js';
import type { CuratedCandidate, ScreeningDecision } from '../../core/curation/workflow.js';
import { IngestStore } from '../../functions/adapters/ingest-store.js';
import { CurationStore } from '../../functions/adapters/curation-store.js';
import { ImportJobStore } from '../../functions/adapters/import-job-store.js';
import { runImportJob, type ImportWorkerDeps } from '../../functions/import-worker/worker.js';
import type { ImportCounts } from '../../core/curation/import-job.js';
import { DUAL_REVIEW, startHarness, type Harness } from './harness.js';

let h: Harness;
let lead: string;
let clock = new Date('2026-12-02T10:00:00.000Z');
const rid = DUAL_REVIEW.id;
const reasons = DUAL_REVIEW.exclusionReasons.map((r) => r.id);
const vote = (screener: string, decision: 'include' | 'exclude'): ScreeningDecision => ({ screener, name: screener.toUpperCase(), decision, at: '2026-01-01T00:00:00Z', ...(decision === 'exclude' ? { reason: reasons[0] } : {}) });

beforeAll(async () => {
  // Import jobs in these tests run only when the test says so (no background worker).
  h = await startHarness('reports', { now: () => clock, importDispatch: () => async () => undefined });
  lead = await h.token('lead', 'lead-1');
  const old = '2025-06-01T00:00:00.000Z';
  const recent = '2026-11-20T00:00:00.000Z';
  const seed = (studyId: string, status: CuratedCandidate['status'], extra: Partial<CuratedCandidate> = {}) => h.seed({ reviewId: rid, studyId, status, createdAt: old, ...extra } as never);
  await seed('p1', 'screening', { sources: ['pubmed', 'ctgov'] });
  await seed('p2', 'screening', { screening: { 'title-abstract': { decisions: [vote('ann', 'include')] } } } as never);
  await seed('p3', 'conflict', { conflictStage: 'title-abstract', screening: { 'title-abstract': { decisions: [vote('ann', 'include'), vote('bob', 'exclude')] } } } as never);
  await seed('p4', 'excluded', { exclusion: { stage: 'title-abstract', reason: reasons[0], by: 'x', at: old }, screening: { 'title-abstract': { decisions: [vote('ann', 'exclude'), vote('bob', 'exclude')] } } } as never);
  await seed('p5', 'fulltext', { sources: ['europepmc', 'pubmed'], screening: { 'title-abstract': { decisions: [vote('ann', 'include'), vote('bob', 'include')] } } } as never);
  await seed('p6', 'excluded', { exclusion: { stage: 'fulltext', reason: reasons[1], by: 'x', at: old } } as never);
  await seed('p7', 'excluded', { exclusion: { stage: 'fulltext', reason: reasons[1], by: 'x', at: old }, createdAt: recent } as never);
  await seed('p8', 'extraction', { createdAt: recent, screening: { 'title-abstract': { decisions: [vote('ann', 'include'), vote('bob', 'include')] } } } as never);
  await seed('p9', 'accepted');
  await seed('p10', 'accepted', { createdAt: recent, sources: ['ris'] });
  await seed('p11', 'withdrawn');
  await seed('p12', 'conflict', { conflictStage: 'fulltext' } as never);
});
afterAll(() => h?.close());

/** The number in "(n = X)" of the first line of an SVG box. */
function boxCount(svg: string, id: string): number {
  const g = svg.match(new RegExp(`<g data-box="${id}">([\\s\\S]*?)</g>`));
  if (!g) throw new Error(`no box ${id}`);
  return Number(g[1].match(/\(n\s=\s(\d+)\)/)![1]);
}

describe('PRISMA flow diagram', () => {
  it('boxes add up, and match the summary counts and the stored candidates', async () => {
    const r = await h.req('GET', `/api/reviews/${rid}/prisma`, { token: lead });
    expect(r.status, r.text).toBe(200);
    const p = r.json.cumulative;
    expect(r.json.identities).toEqual([]);
    expect(prismaIdentities(p)).toEqual([]);
    // independent count from what was seeded: 12 studies, 3 of them with two sources
    expect(p.screened).toBe(12);
    expect(p.recordsIdentified).toBe(14);
    expect(p.included).toBe(4); // p8 extraction, p9 + p10 accepted, p11 withdrawn
    expect(p.excludedFullText).toBe(2);
    const summary = await h.req('GET', `/api/reviews/${rid}/summary`, { token: lead });
    expect(summary.json.prisma).toEqual(p);
    const svg: string = r.json.svg;
    expect(boxCount(svg, 'identified')).toBe(p.recordsIdentified);
    expect(boxCount(svg, 'duplicates')).toBe(p.duplicatesRemoved);
    expect(boxCount(svg, 'screened')).toBe(p.screened);
    expect(boxCount(svg, 'excluded-ta')).toBe(p.excludedTitleAbstract);
    expect(boxCount(svg, 'assessed')).toBe(p.fullTextAssessed);
    expect(boxCount(svg, 'excluded-ft')).toBe(p.excludedFullText);
    expect(boxCount(svg, 'included')).toBe(p.included);
    expect(boxCount(svg, 'identified') - boxCount(svg, 'duplicates')).toBe(boxCount(svg, 'screened'));
    expect(boxCount(svg, 'excluded-ta') + p.awaitingTitleAbstract + boxCount(svg, 'assessed')).toBe(boxCount(svg, 'screened'));
  });

  it('this update: previous + new = total, new boxes count only records since the date', async () => {
    const r = await h.req('GET', `/api/reviews/${rid}/prisma?view=update&since=2026-11-01`, { token: lead });
    expect(r.status, r.text).toBe(200);
    const u = r.json.update;
    expect(u.update.screened).toBe(3); // p7, p8, p10
    expect(u.update.included).toBe(2);
    expect(u.previousIncluded).toBe(2); // p9, p11
    expect(u.totalIncluded).toBe(r.json.cumulative.included);
    expect(boxCount(r.json.svg, 'previous')).toBe(u.previousIncluded);
    expect(boxCount(r.json.svg, 'total')).toBe(u.totalIncluded);
    expect(prismaIdentities(u.update)).toEqual([]);
  });

  it('the SVG download and the page carry the same numbers', async () => {
    const svg = await h.req('GET', `/curate/reviews/${rid}/prisma.svg?view=cumulative`, { token: lead });
    expect(svg.status).toBe(200);
    expect(svg.headers.get('content-type')).toContain('image/svg+xml');
    expect(svg.headers.get('content-disposition')).toContain('attachment');
    expect(boxCount(svg.text, 'screened')).toBe(12);
    const page = await h.req('GET', `/curate/reviews/${rid}/prisma`, { token: lead });
    expect(page.text).toContain('<!DOCTYPE html>');
    expect(page.text).toMatch(/data-count="screened">12</);
    const bad = await h.req('GET', `/curate/reviews/${rid}/prisma?view=update&since=2026-13-45`, { token: lead });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('since');
  });
});

describe('kappa and per-curator progress', () => {
  it('kappa per stage rests on the records screened by two, with a sentence; to-do and conflicts per curator', async () => {
    const r = await h.req('GET', `/api/reviews/${rid}/progress`, { token: lead });
    expect(r.status, r.text).toBe(200);
    const ta = r.json.kappa.find((k: { stage: string }) => k.stage === 'title-abstract');
    // pairs: p3 (include, exclude), p4 (exclude, exclude), p5 (include, include), p8 (include, include)
    expect(ta.result.n).toBe(4);
    expect(ta.result.observed).toBeCloseTo(3 / 4, 12);
    // marginals: ann include 3/4, bob include 2/4 → pe = 3/4·2/4 + 1/4·2/4 = 1/2 → kappa = (0.75 − 0.5)/0.5
    expect(ta.result.kappa).toBeCloseTo(0.5, 12);
    expect(ta.sentence).toMatch(/agreed on 3 of 4 records/);
    expect(ta.sentence).toMatch(/moderate agreement/);
    const ft = r.json.kappa.find((k: { stage: string }) => k.stage === 'fulltext');
    expect(ft.result.n).toBe(0);
    expect(ft.sentence).toMatch(/cannot be measured/);
    const ann = r.json.progress.curators.find((c: { id: string }) => c.id === 'ann');
    const bob = r.json.progress.curators.find((c: { id: string }) => c.id === 'bob');
    expect(ann.decisions['title-abstract']).toBe(5);
    expect(bob.decisions['title-abstract']).toBe(4);
    // needing votes at title/abstract: p1 (none), p2 (ann only); at full text: p5 → ann has voted on p2 only
    expect(ann.todo).toBe(2);
    expect(bob.todo).toBe(3);
    expect(ann.conflicts).toBe(1);
    expect(r.json.progress.openConflicts).toBe(2);
    const me = r.json.progress.curators.find((c: { id: string }) => c.id === 'lead-1');
    expect(me.todo).toBe(3);
  });
});

describe('last poll of each source', () => {
  it('says when a source failed, why, and when it is tried next (stored outcome, injected clock)', async () => {
    const ingest = new IngestStore(h.doc, h.table);
    await ingest.putCheckpoint({ reviewId: rid, source: 'ctgov', lastRunAt: '2026-12-02T04:00:00.000Z' });
    await ingest.recordAttempt(rid, 'ctgov', { at: '2026-12-02T04:00:00.000Z', ok: true, summary: { fetched: 12, new: 3 } });
    await ingest.recordAttempt(rid, 'pubmed', { at: '2026-12-02T09:58:00.000Z', ok: false, error: 'esearch: gave up after 4 attempts (network error: getaddrinfo ENOTFOUND eutils.ncbi.nlm.nih.gov)' });
    const r = await h.req('GET', '/api/poll-status', { token: lead });
    expect(r.status, r.text).toBe(200);
    const pubmed = r.json.sources.find((s: { source: string }) => s.source === 'pubmed');
    expect(pubmed.sentence).toBe('PubMed: failed 2 min ago — host not found; next try in 13 min');
    const ctgov = r.json.slots.find((s: { source: string; reviewId: string }) => s.source === 'ctgov' && s.reviewId === rid);
    expect(ctgov.sentence).toBe('ClinicalTrials.gov: succeeded 6 h ago (12 fetched, 3 new); next poll in 18 h');
    const isrctn = r.json.sources.find((s: { source: string }) => s.source === 'isrctn');
    expect(isrctn.sentence).toBe('ISRCTN: not polled yet');
    const home = await h.req('GET', '/curate', { token: lead });
    expect(home.text).toContain('PubMed: failed 2 min ago — host not found; next try in 13 min');
    // the clock moves on: the retry time comes closer
    clock = new Date('2026-12-02T10:10:00.000Z');
    const later = await h.req('GET', '/api/poll-status', { token: lead });
    expect(later.json.sources.find((s: { source: string }) => s.source === 'pubmed').sentence).toBe('PubMed: failed 12 min ago — host not found; next try in 3 min');
    clock = new Date('2026-12-02T10:00:00.000Z');
  });
});

function ris(n: number, prefix: string): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push('TY  - JOUR', `TI  - ${prefix} trial number ${i} of an app for depression`, 'PY  - 2024', `DO  - 10.5555/${prefix}.${i}`, 'ER  - ');
  return out.join('\n');
}

async function countCandidates(): Promise<number> {
  return (await new CurationStore(h.doc, h.table).allCandidates(rid)).length;
}

describe('imports as background jobs', () => {
  it('preview says what will change and stores nothing in the review; start answers at once; the worker imports', async () => {
    const before = await countCandidates();
    const csv = ['title,year,doi,abstract', 'A new CSV trial of internet CBT,2024,10.5555/csv.1,', 'Study p1,,,An abstract the record lacked', 'A new CSV trial of internet CBT,2024,10.5555/csv.1,'].join('\r\n');
    const pre = await h.req('POST', `/api/reviews/${rid}/imports`, { token: lead, body: { format: 'csv', data: csv, fileName: 'x.csv' } });
    expect(pre.status, pre.text).toBe(201);
    expect(pre.json.job.status).toBe('preview');
    expect(pre.json.job.preview).toMatchObject({ records: 3, new: 1, updated: 1, duplicate: 1 });
    expect(pre.json.job.preview.sample.find((s: { kind: string }) => s.kind === 'updated')).toMatchObject({ studyId: 'p1', fields: ['abstract'] });
    expect(await countCandidates()).toBe(before);
    const start = await h.req('POST', `/api/reviews/${rid}/imports/${pre.json.job.jobId}/start`, { token: lead });
    expect(start.status, start.text).toBe(202);
    expect(start.json.job.status).toBe('queued');
    const again = await h.req('POST', `/api/reviews/${rid}/imports/${pre.json.job.jobId}/start`, { token: lead });
    expect(again.status).toBe(409);
    // the worker (dispatch is a no-op here: run it as the Lambda / runner would)
    const deps: ImportWorkerDeps = { store: new CurationStore(h.doc, h.table), jobs: new ImportJobStore(h.doc, h.table), now: () => clock };
    expect(await runImportJob(deps, { reviewId: rid, jobId: pre.json.job.jobId })).toBe('done');
    const done = await h.req('GET', `/api/reviews/${rid}/imports/${pre.json.job.jobId}`, { token: lead });
    expect(done.json.job).toMatchObject({ status: 'done', processed: 3, counts: { created: 1, updated: 1, duplicate: 1 } });
    expect(done.json.progress).toMatch(/^Done: 3 records imported: 1 new, 1 updated, 1 duplicate/);
    expect(await countCandidates()).toBe(before + 1);
    const p1 = await h.req('GET', `/api/reviews/${rid}/candidates/p1`, { token: lead });
    expect(p1.json.candidate.abstract).toBe('An abstract the record lacked');
    // re-running a finished job writes nothing
    const dump = await h.dump();
    expect(await runImportJob(deps, { reviewId: rid, jobId: pre.json.job.jobId })).toBe('done');
    expect(await h.dump()).toBe(dump);
  });

  it('a crash between a chunk’s writes and its checkpoint resumes there and writes nothing twice', async () => {
    const before = await countCandidates();
    const pre = await h.req('POST', `/api/reviews/${rid}/imports`, { token: lead, body: { format: 'ris', data: ris(130, 'crash') } });
    expect(pre.status, pre.text).toBe(201);
    const jobId = pre.json.job.jobId;
    expect(pre.json.job.chunks).toBe(3);
    expect((await h.req('POST', `/api/reviews/${rid}/imports/${jobId}/start`, { token: lead })).status).toBe(202);
    class CrashingJobs extends ImportJobStore {
      override async completeChunk(reviewId: string, j: string, index: number, counts: ImportCounts, processed: number, at: string): Promise<boolean> {
        if (index === 1) throw new Error('killed before the checkpoint');
        return super.completeChunk(reviewId, j, index, counts, processed, at);
      }
    }
    const store = new CurationStore(h.doc, h.table);
    await expect(runImportJob({ store, jobs: new CrashingJobs(h.doc, h.table), now: () => clock }, { reviewId: rid, jobId })).rejects.toThrow(/killed/);
    const mid = await h.req('GET', `/api/reviews/${rid}/imports/${jobId}`, { token: lead });
    expect(mid.json.job).toMatchObject({ status: 'running', chunksDone: 1, processed: 50 });
    expect(mid.json.progress).toMatch(/50 of 130 records \(38 %\)/);
    expect(await countCandidates()).toBe(before + 100); // chunk 2 was written, not checkpointed
    // a new worker resumes from the checkpoint, one chunk at a time (a Lambda whose time is up)
    const jobs = new ImportJobStore(h.doc, h.table);
    expect(await runImportJob({ store, jobs, now: () => clock }, { reviewId: rid, jobId }, () => true)).toBe('more');
    expect(await runImportJob({ store, jobs, now: () => clock }, { reviewId: rid, jobId })).toBe('done');
    const done = await h.req('GET', `/api/reviews/${rid}/imports/${jobId}`, { token: lead });
    expect(done.json.job).toMatchObject({ status: 'done', processed: 130, counts: { created: 130, updated: 0, duplicate: 0 } });
    expect(await countCandidates()).toBe(before + 130);
    // one 'imported' event per candidate
    const ev = await h.req('GET', `/api/reviews/${rid}/candidates/${done.json.job ? (await new CurationStore(h.doc, h.table).allCandidates(rid)).find((c) => c.title.startsWith('crash trial number 60 '))!.studyId : ''}`, { token: lead });
    expect(ev.json.events.filter((e: { type: string }) => e.type === 'imported')).toHaveLength(1);
  });

  it('the synchronous API form hands files over 200 records to a job (202)', async () => {
    const r = await h.req('POST', `/api/reviews/${rid}/import`, { token: lead, body: { ris: ris(201, 'big') } });
    expect(r.status, r.text).toBe(202);
    expect(r.json.job).toMatchObject({ status: 'queued', total: 201 });
  });

  it('a bad file names the line and stores nothing', async () => {
    const dump = await h.dump();
    const r = await h.req('POST', `/api/reviews/${rid}/imports`, { token: lead, body: { format: 'csv', data: 'title,year\nok,2024\nbad,20x4\n' } });
    expect(r.status).toBe(400);
    expect(r.json.fields.map((f: { path: string }) => f.path)).toContain('data (line 3)');
    const f = await h.req('POST', `/api/reviews/${rid}/imports`, { token: lead, body: { format: 'xls', data: 'x' } });
    expect(f.status).toBe(400);
    expect(f.json.fields.map((x: { path: string }) => x.path)).toContain('format');
    expect(await h.dump()).toBe(dump);
  });
});
