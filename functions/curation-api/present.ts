/** How candidates and events leave the app (API bodies and pages alike). */
import type { EventItem } from '../../core/data-model/items.js';
import { formFromExtraction, formFromOutcomeData } from '../../core/curation/extraction.js';
import type { Actor, CuratedCandidate } from '../../core/curation/workflow.js';

/** A candidate as returned by the API. */
export function publicCandidate(c: CuratedCandidate): Record<string, unknown> {
  return { ...c };
}

export function publicEvent(e: EventItem): Record<string, unknown> {
  const { pk: _pk, sk: _sk, ...rest } = e;
  return rest;
}

/** The form an extractor starts from: their draft, else the accepted extraction, else the proposal. */
export function initialForm(c: CuratedCandidate, actor: Actor): unknown {
  const mine = c.drafts?.[actor.id]?.form;
  if (mine !== undefined) return mine;
  if (c.extraction) return formFromExtraction(c.extraction);
  const proposed = (c as { proposedExtraction?: unknown }).proposedExtraction;
  return formFromOutcomeData(Array.isArray(proposed) ? (proposed as never) : undefined);
}
