/**
 * A study's longest follow-up for one outcome (the "longest follow-up" time point of the multiverse,
 * core/analysis/multiverse.ts). Follow-up time points are recognised by name: "fu1", "FU 2",
 * "follow-up 3" (the Metapsy convention: a higher number is later), "12 weeks", "6 months"
 * (months as 4.35 weeks). Others (and the preferred time point with its aliases) are not follow-ups.
 * The rows of the latest recognised follow-up then enter as the analysed time point would
 * (core/analysis/entry.ts: listed instrument, usable data, aligned to the outcome's direction);
 * when none of its rows enters, the next-latest is tried. Pure.
 */
import type { Extraction } from '../evidence/candidate.js';
import type { Outcome, Review } from '../reviews/index.js';
import { outcomeEffects, timepointMatches, type RowEffect } from './entry.js';

/** Order of a follow-up time point (higher is later), or null when it is not one. */
export function followUpOrder(timepoint: unknown): number | null {
  if (typeof timepoint !== 'string') return null;
  const t = timepoint.trim().toLowerCase();
  const fu = /^(?:fu|follow[\s-]?up)\s*[-_]?\s*(\d+)$/.exec(t);
  if (fu) return Number(fu[1]);
  const span = /^(\d+(?:\.\d+)?)\s*[-_]?\s*(weeks?|wks?|months?|mo)\b/.exec(t);
  if (span) return Number(span[1]) * (span[2].startsWith('m') ? 4.35 : 1);
  return null;
}

/** Effects of `ex` at its longest follow-up for `outcome` (empty when it has none that enters). */
export function longestFollowUpEffects(review: Review, outcome: Outcome, ex: Pick<Extraction, 'outcomes'> | null | undefined): { timepoint: string | null; effects: RowEffect[] } {
  const rows = Array.isArray(ex?.outcomes) ? ex!.outcomes.filter((o) => o && typeof o === 'object' && o.outcome === outcome.id) : [];
  const byOrder = new Map<number, typeof rows>();
  for (const r of rows) {
    if (timepointMatches(outcome, r.timepoint)) continue;
    const order = followUpOrder(r.timepoint);
    if (order === null) continue;
    byOrder.set(order, [...(byOrder.get(order) ?? []), r]);
  }
  for (const order of [...byOrder.keys()].sort((a, b) => b - a)) {
    const at = byOrder.get(order)!;
    // the same entry rule as the analysed time point: relabel the rows to it
    const { effects } = outcomeEffects(review, outcome, { outcomes: at.map((r) => ({ ...r, timepoint: outcome.timepoint.preferred })) });
    if (effects.length) return { timepoint: at[0].timepoint, effects };
  }
  return { timepoint: null, effects: [] };
}
