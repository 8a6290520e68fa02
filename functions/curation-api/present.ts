/** How candidates and events leave the app (API bodies and pages alike). */
import type { EventItem } from '../../core/data-model/items.js';
import { formFromExtraction, formFromOutcomeData } from '../../core/curation/extraction.js';
import type { Actor, CuratedCandidate } from '../../core/curation/workflow.js';
import { blindCandidate, blindEvents } from '../../core/curation/blinding.js';
import type { Review } from '../../core/reviews/schema.js';

/** A candidate as returned to `actor` (blinded dual screening: others' undecided-for votes hidden). */
export function publicCandidate(c: CuratedCandidate, actor: Actor, review: Review): Record<string, unknown> {
  return { ...blindCandidate(c, actor, review) };
}

/** A candidate's history as `actor` may see it. */
export function publicEvents(c: CuratedCandidate, events: readonly EventItem[], actor: Actor, review: Review): Record<string, unknown>[] {
  return blindEvents(c, events, actor, review).map((e) => {
    const { pk: _pk, sk: _sk, ...rest } = e;
    return rest;
  });
}

/** The form an extractor starts from: their draft, else the accepted extraction, else the proposal. */
export function initialForm(c: CuratedCandidate, actor: Actor): unknown {
  const mine = c.drafts?.[actor.id]?.form;
  if (mine !== undefined) return mine;
  if (c.extraction) return formFromExtraction(c.extraction);
  const proposed = (c as { proposedExtraction?: unknown }).proposedExtraction;
  return formFromOutcomeData(Array.isArray(proposed) ? (proposed as never) : undefined);
}
