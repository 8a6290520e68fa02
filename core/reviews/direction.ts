/**
 * Direction of benefit: the ONE definition everybody uses.
 *
 * Dashboard convention: an SMD is arm 1 (intervention) minus arm 2 (control), computed in the
 * instrument's own scale. Before pooling, every effect is aligned to its OUTCOME's direction: when an
 * instrument's direction differs from the outcome's (e.g. a burnout outcome measured with MBI personal
 * accomplishment), the sign of its SMD is flipped. After alignment, for a lower-is-better outcome a
 * negative SMD means benefit; for a higher-is-better outcome a positive SMD means benefit.
 */
import { normaliseInstrumentName, type Direction, type Outcome, type Review } from './schema.js';

export class UnknownOutcomeError extends Error {
  override readonly name = 'UnknownOutcomeError';
  constructor(reviewId: string, outcomeId: string) {
    super(`review "${reviewId}" has no outcome "${outcomeId}"`);
  }
}

export function getOutcome(review: Review, outcomeId: string): Outcome {
  const o = review.outcomes.find((x) => x.id === outcomeId);
  if (!o) throw new UnknownOutcomeError(review.id, outcomeId);
  return o;
}

/** The review's instrument entry matching `instrumentName` by name or alias (case-insensitive). */
export function findInstrument(review: Review, outcomeId: string, instrumentName: string) {
  const o = getOutcome(review, outcomeId);
  const key = normaliseInstrumentName(instrumentName);
  return o.instruments.find((i) => [i.name, ...(i.aliases ?? [])].some((n) => normaliseInstrumentName(n) === key));
}

/** Direction of an instrument's own scale, or undefined when the review does not list it. */
export function instrumentDirection(review: Review, outcomeId: string, instrumentName: string): Direction | undefined {
  return findInstrument(review, outcomeId, instrumentName)?.direction;
}

/**
 * Sign of benefit for an outcome after alignment: -1 when negative SMDs favour the intervention
 * (lower-is-better outcome), +1 when positive ones do. `displaySign * estimate > 0` means benefit.
 */
export function displaySign(review: Review, outcomeId: string): -1 | 1 {
  return getOutcome(review, outcomeId).direction === 'lower-is-better' ? -1 : 1;
}

/** Whether an aligned estimate favours the intervention (false for 0). */
export function favoursIntervention(review: Review, outcomeId: string, estimate: number): boolean {
  return displaySign(review, outcomeId) * estimate > 0;
}

export interface Alignment {
  yi: number;
  /** The sign was flipped because the instrument runs opposite to the outcome. */
  flipped: boolean;
  /** False when the instrument is not listed in the review: it is then assumed to share the outcome's direction. */
  known: boolean;
}

export function alignToOutcomeDetailed(review: Review, outcomeId: string, instrument: string, yi: number): Alignment {
  const outcome = getOutcome(review, outcomeId);
  const dir = instrumentDirection(review, outcomeId, instrument);
  if (dir === undefined) return { yi, flipped: false, known: false };
  const flipped = dir !== outcome.direction;
  return { yi: flipped ? -yi : yi, flipped, known: true };
}

/**
 * An SMD (arm1 − arm2 in the instrument's own scale) expressed in the outcome's direction.
 * Unlisted instruments are assumed to share the outcome's direction (use `alignToOutcomeDetailed`
 * to find out).
 */
export function alignToOutcome(review: Review, outcomeId: string, instrument: string, yi: number): number {
  return alignToOutcomeDetailed(review, outcomeId, instrument, yi).yi;
}
