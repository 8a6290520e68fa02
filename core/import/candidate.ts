/**
 * Imported studies as accepted candidates, and how a re-import decides what changed (pure).
 */
import type { Candidate } from '../evidence/candidate.js';
import type { ImportedStudy } from './metapsy.js';

/** The fields an import owns; a re-import compares only these. */
export function importedContent(c: Pick<Candidate, 'title' | 'year' | 'firstAuthor' | 'identifiers' | 'extraction' | 'attribution' | 'sources'>) {
  return {
    title: c.title,
    year: c.year,
    firstAuthor: c.firstAuthor,
    identifiers: c.identifiers,
    extraction: c.extraction,
    attribution: c.attribution,
    sources: c.sources,
  };
}

/** JSON with object keys sorted and undefined dropped: equal content ⇔ equal string. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_k, val) => {
    if (val && typeof val === 'object' && !Array.isArray(val)) {
      return Object.fromEntries(Object.keys(val).sort().filter((k) => val[k] !== undefined).map((k) => [k, val[k]]));
    }
    return val;
  });
}

export function sameImportedContent(a: Parameters<typeof importedContent>[0], b: Parameters<typeof importedContent>[0]): boolean {
  return canonicalJson(importedContent(a)) === canonicalJson(importedContent(b));
}

export const IMPORT_TRIAGE = { score: 100, reasons: ['imported from a curated open database of randomised trials (Metapsy)'] };

/**
 * The candidate to store for an imported study. With `existing`, keeps its identity fields
 * (createdAt, acceptedAt) and bumps the version.
 */
export function toImportedCandidate(reviewId: string, study: ImportedStudy, now: string, existing?: Candidate): Candidate {
  return {
    entity: 'Candidate',
    reviewId,
    studyId: study.studyId,
    status: 'accepted',
    version: existing ? existing.version + 1 : 1,
    title: study.title,
    ...(study.year !== undefined ? { year: study.year } : {}),
    ...(study.firstAuthor ? { firstAuthor: study.firstAuthor } : {}),
    sources: ['metapsy'],
    identifiers: [{ type: 'metapsy', value: study.label }],
    triage: IMPORT_TRIAGE,
    extraction: study.extraction,
    attribution: study.attribution,
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
    acceptedAt: existing?.acceptedAt ?? now,
  };
}

export type ImportDecision =
  | { action: 'create'; candidate: Candidate }
  | { action: 'update'; candidate: Candidate; before: Candidate }
  | { action: 'unchanged' }
  | { action: 'kept'; reason: string };

/** What a (re-)import does with one study given what is stored. */
export function decideImport(reviewId: string, study: ImportedStudy, now: string, existing?: Candidate): ImportDecision {
  if (!existing) return { action: 'create', candidate: toImportedCandidate(reviewId, study, now) };
  if (existing.status !== 'accepted') {
    return { action: 'kept', reason: `stored candidate is "${existing.status}" (a curator's decision is not overwritten)` };
  }
  const next = toImportedCandidate(reviewId, study, now, existing);
  if (sameImportedContent(existing, next)) return { action: 'unchanged' };
  return { action: 'update', candidate: next, before: existing };
}
