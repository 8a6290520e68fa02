/**
 * Which reviews a batch of table changes concerns. Pure: fed with the old and new images of stream
 * records (already unmarshalled).
 *  - `analysis`: an analysis input moved (a study entered or left the accepted set, or an accepted
 *    study's extracted data, moderators, risk of bias, year or retraction changed — the same
 *    definition as the content hash, core/analysis/versions `analysisKey`). These may make a version.
 *  - `counts`: only the curation flow moved (screening, queue movement): the page's counts are
 *    refreshed, no version is made.
 */
import type { Candidate } from '../evidence/candidate.js';
import { gradeItemReview } from '../data-model/items.js';
import { analysisKey } from './versions.js';

export interface ChangeImage {
  oldImage?: Record<string, unknown> | null;
  newImage?: Record<string, unknown> | null;
}

function asCandidate(img: Record<string, unknown> | null | undefined): Candidate | null {
  if (!img || img.entity !== 'Candidate' || typeof img.reviewId !== 'string') return null;
  return img as unknown as Candidate;
}

export interface ClassifiedChanges {
  analysis: string[];
  counts: string[];
}

export function classifyChanges(changes: ChangeImage[]): ClassifiedChanges {
  const analysis = new Set<string>();
  const counts = new Set<string>();
  for (const ch of changes) {
    // A lead's GRADE judgement enters the next snapshot.
    const graded = gradeItemReview(ch.newImage) ?? gradeItemReview(ch.oldImage);
    if (graded) {
      analysis.add(graded);
      continue;
    }
    const before = asCandidate(ch.oldImage);
    const after = asCandidate(ch.newImage);
    const reviewId = after?.reviewId ?? before?.reviewId;
    if (!reviewId) continue;
    if ((before ? analysisKey(before) : null) !== (after ? analysisKey(after) : null)) analysis.add(reviewId);
    else if (before?.status !== after?.status) counts.add(reviewId);
  }
  for (const id of analysis) counts.delete(id);
  return { analysis: [...analysis].sort(), counts: [...counts].sort() };
}

/** Every review a batch concerns (analysis or counts): each is re-checked by the reanalysis. */
export function reviewsToReanalyse(changes: ChangeImage[]): string[] {
  const { analysis, counts } = classifyChanges(changes);
  return [...new Set([...analysis, ...counts])].sort();
}
