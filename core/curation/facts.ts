/**
 * One source of truth per fact. Some of a review's moderators restate a fact the extraction holds
 * anyway: a numeric moderator `year` is the publication year, a categorical moderator `rob` (levels
 * low / some / high) is the RoB overall judgement. The form asks for each such fact once (the year
 * field, the RoB section) and these moderators are DERIVED from it — in the accepted extraction
 * and again when the snapshot reads a stored study, so older entries cannot disagree either. Pure.
 */
import { ROB_JUDGEMENTS } from '../evidence/candidate.js';
import type { Review } from '../reviews/schema.js';

export type DerivedFact = 'year' | 'rob';

/** The review's moderators that are derived, with the fact each comes from (id → fact). */
export function derivedModerators(review: Pick<Review, 'moderators'>): Map<string, DerivedFact> {
  const out = new Map<string, DerivedFact>();
  for (const m of review.moderators) {
    if (m.id === 'year' && m.type === 'numeric') out.set(m.id, 'year');
    else if (m.id === 'rob' && m.type === 'categorical' && ROB_JUDGEMENTS.every((j) => m.levels.some((l) => l.id === j))) out.set(m.id, 'rob');
  }
  return out;
}

/** Where the form asks for a derived fact (for messages and the form's hint). */
export const FACT_FIELD: Record<DerivedFact, { path: string; label: string }> = {
  year: { path: 'year', label: 'Publication year' },
  rob: { path: 'rob.overall', label: 'Risk of bias, overall judgement' },
};

/**
 * `moderators` with every derived moderator set from its fact. When the fact is unknown a value
 * already coded is kept (seed data codes such moderators directly). A null-prototype copy:
 * moderator ids are data.
 */
export function withDerivedModerators(
  review: Pick<Review, 'moderators'>,
  moderators: Readonly<Record<string, string | number>> | undefined,
  facts: { year?: number; robOverall?: string },
): Record<string, string | number> {
  const out: Record<string, string | number> = Object.create(null);
  for (const [k, v] of Object.entries(moderators ?? {})) out[k] = v;
  for (const [id, fact] of derivedModerators(review)) {
    const v = fact === 'year' ? facts.year : facts.robOverall;
    if (v !== undefined) out[id] = v;
  }
  return out;
}
