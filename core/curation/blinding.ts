/**
 * Blinded dual screening (pure): until a screener has decided at the current stage, they see
 * neither another screener's decision on the candidate nor its trace in the history. Once they
 * have decided (or the stage is over: conflict, next stage), everything is visible again.
 */
import type { Review } from '../reviews/schema.js';
import { stageOf, type Actor, type CuratedCandidate, type Stage } from './workflow.js';

/** The stage whose other decisions `actor` may not see yet, if any. */
export function blindStage(c: CuratedCandidate, actor: Actor, review: Review): Stage | undefined {
  if (!review.screening.dual || (c.status !== 'screening' && c.status !== 'fulltext')) return undefined;
  const stage = stageOf(c)!;
  const decisions = c.screening?.[stage]?.decisions ?? [];
  if (decisions.some((d) => d.screener === actor.id)) return undefined;
  // Another screener's "maybe" is hidden too (it hints at their leaning).
  const othersMaybe = (c.screening?.[stage]?.maybe ?? []).some((m) => m.screener !== actor.id);
  return decisions.length || othersMaybe ? stage : undefined;
}

/** The candidate as `actor` may see it: others' decisions at a blinded stage removed (counted). */
export function blindCandidate(c: CuratedCandidate, actor: Actor, review: Review): CuratedCandidate {
  const stage = blindStage(c, actor, review);
  if (!stage) return c;
  const st = c.screening![stage]!;
  const { maybe, ...rest } = st;
  const mine = (maybe ?? []).filter((m) => m.screener === actor.id);
  return { ...c, screening: { ...c.screening, [stage]: { ...rest, decisions: [], blinded: st.decisions.length, ...(mine.length ? { maybe: mine } : {}) } } };
}

interface EventLike {
  type: string;
  actor: string;
  after?: unknown;
  reason?: string;
}

/** History as `actor` may see it: others' screening decisions at a blinded stage show only that someone screened. */
export function blindEvents<E extends EventLike>(c: CuratedCandidate, events: readonly E[], actor: Actor, review: Review): E[] {
  const stage = blindStage(c, actor, review);
  if (!stage) return [...events];
  return events.map((e) => {
    if ((e.type !== 'screened' && e.type !== 'screening-undone') || e.actor === actor.id || (e.after as { stage?: string } | undefined)?.stage !== stage) return e;
    const { reason: _r, ...rest } = e;
    const after = (e.after ?? {}) as Record<string, unknown>;
    return { ...rest, actor: 'another screener', before: {}, after: { status: after.status, version: after.version, stage, blinded: true } } as unknown as E;
  });
}
