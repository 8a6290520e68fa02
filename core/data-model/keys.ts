/**
 * Key builders for every entity of the single table (see docs/data-model.md). The only place that
 * knows how keys are spelled: adapters, handlers and tests call these, never build strings by hand.
 */
import type { CandidateStatus } from '../evidence/candidate.js';

export const ENTITY = {
  record: 'Record',
  recordHistory: 'RecordHistory',
  identifier: 'Identifier',
  study: 'Study',
  candidate: 'Candidate',
  event: 'Event',
  checkpoint: 'Checkpoint',
  quarantine: 'Quarantine',
  snapshot: 'Snapshot',
  grade: 'Grade',
  importJob: 'ImportJob',
  importChunk: 'ImportChunk',
} as const;

/** Source records as received: one item per (source, source id). */
export const recordKey = (source: string, sourceId: string) => ({
  pk: `RECORD#${source}#${sourceId}`,
  sk: 'RECORD',
});
export const recordHistoryKey = (source: string, sourceId: string, at: string) => ({
  pk: `RECORD#${source}#${sourceId}`,
  sk: `HISTORY#${at}`,
});

/** Uniqueness guard for an identifier (PMID, DOI, NCT…): conditional put, points to its study. */
export const identifierKey = (type: string, value: string) => ({
  pk: `ID#${type}#${value.toLowerCase()}`,
  sk: 'ID',
});

/** A study: one trial, possibly many records (registration + publications). */
export const studyKey = (studyId: string) => ({ pk: `STUDY#${studyId}`, sk: 'STUDY' });

/** A study as a candidate of one review, with its curation state. */
export const candidateKey = (reviewId: string, studyId: string) => ({
  pk: `REVIEW#${reviewId}`,
  sk: `CAND#${studyId}`,
});
export const candidatePrefix = (reviewId: string) => ({ pk: `REVIEW#${reviewId}`, skPrefix: 'CAND#' });

/**
 * GSI1 — the queue: candidates of a review in one status, highest triage score first, then oldest.
 * score is 0..100; it is inverted and zero-padded so that ascending order is best-first.
 */
export const queueIndexKeys = (reviewId: string, status: CandidateStatus, score: number, createdAt: string, studyId: string) => ({
  gsi1pk: `QUEUE#${reviewId}#${status}`,
  gsi1sk: `${String(1000 - Math.round(Math.max(0, Math.min(100, score)) * 10)).padStart(4, '0')}#${createdAt}#${studyId}`,
});
export const queuePartition = (reviewId: string, status: CandidateStatus) => `QUEUE#${reviewId}#${status}`;

/** GSI2 — a study's candidates across reviews. */
export const studyCandidatesIndexKeys = (studyId: string, reviewId: string) => ({
  gsi2pk: `STUDYREVIEWS#${studyId}`,
  gsi2sk: `REVIEW#${reviewId}`,
});

/** Append-only audit events of one candidate, in time order. */
export const eventKey = (reviewId: string, studyId: string, at: string, seq: string) => ({
  pk: `EVENTS#${reviewId}#${studyId}`,
  sk: `EVENT#${at}#${seq}`,
});
export const eventPartition = (reviewId: string, studyId: string) => `EVENTS#${reviewId}#${studyId}`;

/** Poll checkpoint per review and source. */
export const checkpointKey = (reviewId: string, source: string) => ({
  pk: `CHECKPOINT#${reviewId}#${source}`,
  sk: 'CHECKPOINT',
});

/** Malformed upstream records, kept with their raw body and the reason. */
export const quarantineKey = (source: string, at: string, id: string) => ({
  pk: `QUARANTINE#${source}`,
  sk: `${at}#${id}`,
});

/** Pointer to a review's latest published snapshot (the snapshot bodies live in the store). */
export const snapshotKey = (reviewId: string) => ({ pk: `SNAPSHOT#${reviewId}`, sk: 'LATEST' });

/** Leads' GRADE judgements of one outcome of a review (all domains, with their history). */
export const gradeKey = (reviewId: string, outcomeId: string) => ({ pk: `GRADE#${reviewId}`, sk: `OUTCOME#${outcomeId}` });
export const gradePartition = (reviewId: string) => `GRADE#${reviewId}`;
/** Audit events of GRADE judgements live beside candidate events, under this pseudo study id. */
export const gradeEventSubject = (outcomeId: string) => `grade:${outcomeId}`;

/** Import jobs of a review (curator UI imports run as background jobs); one item per job. */
export const importJobKey = (reviewId: string, jobId: string) => ({ pk: `IMPORTJOB#${reviewId}`, sk: `JOB#${jobId}` });
export const importJobPartition = (reviewId: string) => `IMPORTJOB#${reviewId}`;
/** The records of a job, in chunks (with each chunk's plan once a worker planned it). */
export const importChunkKey = (reviewId: string, jobId: string, index: number) => ({ pk: `IMPORTCHUNK#${reviewId}#${jobId}`, sk: `CHUNK#${String(index).padStart(6, '0')}` });
