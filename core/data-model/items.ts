/**
 * Item builders: the stored form of each entity, keys included. Every writer (pollers, curation,
 * importer) stores candidates through `candidateItem` so the queue index can never drift from the
 * candidate's status.
 */
import type { Candidate } from '../evidence/candidate.js';
import type { GradeJudgement } from '../analysis/fields.js';
import { candidateKey, ENTITY, gradeKey, queueIndexKeys, studyCandidatesIndexKeys } from './keys.js';

export type CandidateItem = Candidate & {
  pk: string;
  sk: string;
  gsi1pk: string;
  gsi1sk: string;
  gsi2pk: string;
  gsi2sk: string;
};

export function candidateItem(c: Candidate): CandidateItem {
  return {
    ...c,
    entity: 'Candidate',
    ...candidateKey(c.reviewId, c.studyId),
    ...queueIndexKeys(c.reviewId, c.status, c.triage?.score ?? 0, c.createdAt, c.studyId),
    ...studyCandidatesIndexKeys(c.studyId, c.reviewId),
  };
}

const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk'] as const;

/** The entity without its key attributes (for API responses and snapshots). */
export function stripKeys<T extends Record<string, unknown>>(item: T): Omit<T, (typeof KEY_ATTRIBUTES)[number]> {
  const out: Record<string, unknown> = { ...item };
  for (const k of KEY_ATTRIBUTES) delete out[k];
  return out as Omit<T, (typeof KEY_ATTRIBUTES)[number]>;
}

/** An audit event (append-only). */
export interface EventItem {
  entity: 'Event';
  pk: string;
  sk: string;
  reviewId: string;
  studyId: string;
  type: string; // e.g. 'queued', 'record-updated', 'screened', 'conflict-resolved', 'extracted', 'accepted', 'withdrawn', 'imported', 'retracted'
  actor: string; // user id / 'poller:pubmed' / 'importer'
  role?: string;
  at: string;
  before?: unknown;
  after?: unknown;
  reason?: string;
}

/** Leads' GRADE judgements of one outcome: the full history, latest per domain applies. */
export interface GradeItem {
  entity: 'Grade';
  pk: string;
  sk: string;
  reviewId: string;
  outcomeId: string;
  version: number;
  judgements: GradeJudgement[];
  updatedAt: string;
}

export function gradeItem(reviewId: string, outcomeId: string, judgements: GradeJudgement[], version: number, updatedAt: string): GradeItem {
  return { entity: ENTITY.grade, ...gradeKey(reviewId, outcomeId), reviewId, outcomeId, version, judgements, updatedAt };
}

/** The review of a stored GRADE item image (stream record), if it is one. */
export function gradeItemReview(img: Record<string, unknown> | null | undefined): string | null {
  return img && img.entity === ENTITY.grade && typeof img.reviewId === 'string' ? img.reviewId : null;
}
