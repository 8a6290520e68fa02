/**
 * The import worker: THE code that creates an import job (with its preview) and processes it,
 * chunk by chunk, with the checkpoint in the job item. The same functions run in every place:
 * the curation API (creating and, for small files, running a job inline), the local runner
 * (in-process dispatch, and resuming unfinished jobs at start-up) and the import-worker Lambda
 * (SQS messages on AWS). Only the dispatch (how "please run job X" travels) differs: dispatch.ts.
 */
import { randomUUID } from 'node:crypto';
import type { Candidate } from '../../core/evidence/candidate.js';
import { CurationError } from '../../core/curation/errors.js';
import {
  addCounts,
  chunkRecords,
  classifyImport,
  countsOf,
  fillableFields,
  previewOf,
  readImportFile,
  type ImportFormat,
  type ImportJob,
  type PlannedRecord,
} from '../../core/curation/import-job.js';
import { planImport } from '../../core/curation/import-plan.js';
import { titleYearKey } from '../../core/curation/dedup.js';
import type { RisRecord } from '../../core/curation/ris.js';
import type { Actor, CuratedCandidate } from '../../core/curation/workflow.js';
import { CurationStore, VersionConflictError } from '../adapters/curation-store.js';
import { ImportJobStore } from '../adapters/import-job-store.js';

export interface ImportMessage {
  reviewId: string;
  jobId: string;
}

export interface ImportWorkerDeps {
  store: CurationStore;
  jobs: ImportJobStore;
  now: () => Date;
  /** Called after each chunk's writes (the API invalidates its queue cache). */
  onWrite?: (reviewId: string) => void;
  log?: (msg: string) => void;
}

/** Plan records against the review as stored now: new / update / duplicate per record. */
async function plan(store: CurationStore, reviewId: string, records: RisRecord[]): Promise<PlannedRecord[]> {
  const existing = await store.allCandidates(reviewId);
  const owners = await store.lookupIdentifiers(records.flatMap((r) => r.identifiers));
  const actions = planImport(records, {
    identifierOwners: owners,
    reviewStudies: new Set(existing.map((x) => x.studyId)),
    reviewTitles: new Map(existing.map((x) => [titleYearKey(x.title, x.year), x.studyId])),
  });
  return classifyImport(actions, new Map(existing.map((x) => [x.studyId, x])));
}

/**
 * Read, validate and preview an import file and store it as a job in status `preview` (nothing is
 * imported yet). Any problem in the file → CurationError('invalid') naming the lines; nothing stored.
 */
export async function createImportJob(
  deps: ImportWorkerDeps,
  input: { reviewId: string; format: ImportFormat; text: string; fileName?: string; actor: Actor; /** the request field holding the file, for error paths (default "data") */ field?: string },
): Promise<ImportJob> {
  const { records, problems } = readImportFile(input.format, input.text);
  if (problems.length) {
    const field = input.field ?? 'data';
    throw new CurationError('invalid', `the ${input.format.toUpperCase()} file is not valid; nothing was imported`, problems.slice(0, 50).map((p) => ({ ...p, path: p.path.replace(/^data/, field) })));
  }
  const planned = await plan(deps.store, input.reviewId, records);
  const chunks = chunkRecords(records);
  const at = deps.now().toISOString();
  const job: ImportJob = {
    reviewId: input.reviewId,
    jobId: `${at.replace(/[-:.]/g, '').slice(0, 15)}-${randomUUID().slice(0, 8)}`,
    format: input.format,
    ...(input.fileName ? { fileName: input.fileName.slice(0, 200) } : {}),
    status: 'preview',
    total: records.length,
    chunks: chunks.length,
    chunksDone: 0,
    processed: 0,
    counts: { created: 0, updated: 0, duplicate: 0 },
    preview: previewOf(planned),
    createdBy: input.actor.id,
    createdAt: at,
    updatedAt: at,
  };
  await deps.jobs.create(job, chunks);
  return job;
}

function newCandidate(reviewId: string, p: PlannedRecord, source: ImportFormat, at: string): Candidate {
  return {
    entity: 'Candidate',
    reviewId,
    studyId: p.studyId,
    status: 'screening',
    version: 1,
    title: p.title,
    ...(p.fields ?? {}),
    sources: ['ris'],
    identifiers: p.claim ?? [],
    triage: { score: 50, reasons: [`hand-searched record (${source.toUpperCase()} import): not scored`] },
    createdAt: at,
    updatedAt: at,
  };
}

/** Apply one planned record. Creates are conditional; updates fill only fields still empty: a redo writes nothing twice. */
async function apply(deps: ImportWorkerDeps, job: ImportJob, p: PlannedRecord, at: string): Promise<PlannedRecord['kind']> {
  const actor = job.createdBy;
  if (p.kind === 'duplicate') return 'duplicate';
  if (p.kind === 'create') {
    const ok = await deps.store.createCandidate(
      newCandidate(job.reviewId, p, job.format, at),
      { type: 'imported', actor, role: 'curator', at, before: {}, after: { status: 'screening', version: 1, source: job.format, line: p.line, job: job.jobId } },
      p.claim ?? [],
    );
    if (ok) return 'create';
    // Already there: written by this plan before a crash (or by a concurrent import of the same record).
    return (await deps.store.getCandidate(job.reviewId, p.studyId)) ? 'create' : 'duplicate';
  }
  for (let attempt = 0; attempt < 3; attempt++) {
    const cur = await deps.store.getCandidate(job.reviewId, p.studyId);
    if (!cur) return 'duplicate';
    const fields = fillableFields({ type: 'JOUR', authors: p.fields?.firstAuthor ? [p.fields.firstAuthor] : [], identifiers: [], line: p.line, ...p.fields }, cur);
    if (!fields) return 'update'; // already filled (by this plan before a crash, or by someone else)
    const next: CuratedCandidate = { ...cur, ...fields, version: cur.version + 1, updatedAt: at };
    try {
      await deps.store.commit(next, cur.version, {
        type: 'import-updated',
        actor,
        role: 'curator',
        at,
        before: { version: cur.version, status: cur.status },
        after: { version: next.version, status: next.status, fields: Object.keys(fields), source: job.format, line: p.line, job: job.jobId },
      });
      return 'update';
    } catch (err) {
      if (!(err instanceof VersionConflictError)) throw err;
    }
  }
  throw new Error(`import job ${job.jobId}: candidate ${p.studyId} kept changing; try again`);
}

export type RunOutcome = 'done' | 'more' | 'not-runnable';

/**
 * Process a queued or running job from its checkpoint until it is done, or until `stop()` says the
 * time is up (a Lambda's remaining time): 'more' then means "dispatch me again".
 */
export async function runImportJob(deps: ImportWorkerDeps, msg: ImportMessage, stop: () => boolean = () => false): Promise<RunOutcome> {
  let job = await deps.jobs.get(msg.reviewId, msg.jobId);
  if (!job) throw new Error(`import job ${msg.jobId} of ${msg.reviewId} not found`);
  if (job.status === 'queued') {
    await deps.jobs.transition(job.reviewId, job.jobId, ['queued'], 'running', deps.now().toISOString(), { startedAt: deps.now().toISOString() });
    job = (await deps.jobs.get(msg.reviewId, msg.jobId))!;
  }
  if (job.status !== 'running') return job.status === 'done' ? 'done' : 'not-runnable';
  for (let i = job.chunksDone; i < job.chunks; i++) {
    const chunk = await deps.jobs.chunk(job.reviewId, job.jobId, i);
    const planned = chunk.plan ?? (await deps.jobs.savePlan(job.reviewId, job.jobId, i, await plan(deps.store, job.reviewId, chunk.records)));
    const at = deps.now().toISOString();
    const kinds: PlannedRecord['kind'][] = [];
    for (const p of planned) kinds.push(await apply(deps, job, p, at));
    deps.onWrite?.(job.reviewId);
    const counts = addCounts(job.counts, countsOf(kinds.map((kind, j) => ({ ...planned[j], kind }))));
    const processed: number = job.processed + chunk.records.length;
    if (!(await deps.jobs.completeChunk(job.reviewId, job.jobId, i, counts, processed, deps.now().toISOString()))) return 'more'; // another worker moved it on
    job = { ...job, chunksDone: i + 1, counts, processed };
    deps.log?.(`import ${job.reviewId}/${job.jobId}: ${processed}/${job.total} records`);
    if (i + 1 < job.chunks && stop()) return 'more';
  }
  await deps.jobs.transition(job.reviewId, job.jobId, ['running'], 'done', deps.now().toISOString(), { finishedAt: deps.now().toISOString() });
  return 'done';
}

/** Mark a job failed (it can be restarted and resumes from its checkpoint). */
export async function failImportJob(deps: ImportWorkerDeps, msg: ImportMessage, error: string): Promise<void> {
  await deps.jobs.transition(msg.reviewId, msg.jobId, ['queued', 'running'], 'failed', deps.now().toISOString(), { error: error.slice(0, 500) });
}

/** The per-record results of a finished job (the synchronous API's answer), from the stored plans. */
export async function jobResults(deps: ImportWorkerDeps, job: ImportJob): Promise<PlannedRecord[]> {
  const out: PlannedRecord[] = [];
  for (let i = 0; i < job.chunks; i++) out.push(...((await deps.jobs.chunk(job.reviewId, job.jobId, i)).plan ?? []));
  return out;
}
