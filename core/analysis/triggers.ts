/**
 * Which reviews a batch of table changes requires to re-pool. Pure: fed with the old and new
 * images of stream records (already unmarshalled). A review is re-pooled when a candidate enters or
 * leaves the analysis, or when an analysable candidate's data, retraction or moderators change.
 */
import { isAnalysable, type Candidate } from '../evidence/candidate.js';
import { gradeItemReview } from '../data-model/items.js';

export interface ChangeImage {
  oldImage?: Record<string, unknown> | null;
  newImage?: Record<string, unknown> | null;
}

function asCandidate(img: Record<string, unknown> | null | undefined): Candidate | null {
  if (!img || img.entity !== 'Candidate' || typeof img.reviewId !== 'string') return null;
  return img as unknown as Candidate;
}

function analysisView(c: Candidate | null): string | null {
  if (!c || !isAnalysable(c)) return null;
  return JSON.stringify({ e: c.extraction, y: c.year, a: c.firstAuthor, t: c.title, r: c.retracted ?? false });
}

export function reviewsToReanalyse(changes: ChangeImage[]): string[] {
  const out = new Set<string>();
  for (const ch of changes) {
    // A lead's GRADE judgement enters the next snapshot.
    const graded = gradeItemReview(ch.newImage) ?? gradeItemReview(ch.oldImage);
    if (graded) out.add(graded);
    const before = asCandidate(ch.oldImage);
    const after = asCandidate(ch.newImage);
    const reviewId = after?.reviewId ?? before?.reviewId;
    if (!reviewId) continue;
    const statusChanged = before?.status !== after?.status;
    if (analysisView(before) !== analysisView(after)) out.add(reviewId);
    // Counts shown on the dashboard (PRISMA flow) change with any status move.
    else if (statusChanged) out.add(reviewId);
  }
  return [...out].sort();
}
