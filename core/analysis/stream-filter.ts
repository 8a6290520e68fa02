/**
 * Which table changes reach the reanalysis in AWS: the event-source filter of the DynamoDB stream
 * (infra/stacks/analysis-stack.ts turns STREAM_FILTER_PATTERNS into FilterCriteria). Only a
 * candidate that is accepted before or after the write can change an analysis input (a study
 * entering, leaving, or changing inside the accepted set — the inputs core/analysis/triggers and
 * the version hash look at); every other write (records, events, checkpoints, leases, screening
 * and queue moves of candidates that are not accepted) never invokes the function.
 *
 * Screening moves still change the curation counts a review page shows: in AWS those are
 * refreshed by the hourly counts schedule (functions/reanalyse/handler.ts), not per write.
 * Pure data + the same predicate for tests and any consumer that reads the stream itself.
 */
import type { ChangeImage } from './triggers.js';

/** Candidate statuses whose candidates are analysis inputs. */
export const ANALYSIS_STATUSES = ['accepted'] as const;

/** EventBridge-style filter patterns on the stream record (OR of the two). */
export const STREAM_FILTER_PATTERNS: Record<string, unknown>[] = (['NewImage', 'OldImage'] as const).map((image) => ({
  dynamodb: { [image]: { entity: { S: ['Candidate'] }, status: { S: [...ANALYSIS_STATUSES] } } },
}));

const inAnalysis = (img: Record<string, unknown> | null | undefined): boolean =>
  !!img && img.entity === 'Candidate' && (ANALYSIS_STATUSES as readonly unknown[]).includes(img.status);

/** The filter as a predicate on an (unmarshalled) change: true when the function would be invoked for it. */
export function passesStreamFilter(change: ChangeImage): boolean {
  return inAnalysis(change.newImage) || inAnalysis(change.oldImage);
}
