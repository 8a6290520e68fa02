/**
 * Screening progress of a review (pure): per curator, the decisions made, the to-do left and the
 * conflicts they are part of; and the kappa of each stage in words. Names are data, so every
 * per-person table is a Map.
 */
import type { Review } from '../reviews/schema.js';
import type { KappaResult } from './kappa.js';
import { stageOf, STAGES, type CuratedCandidate, type Stage } from './workflow.js';

export interface CuratorProgress {
  id: string;
  name?: string;
  /** Decisions recorded, per stage. */
  decisions: Record<Stage, number>;
  /** Records waiting for this person's vote (in a screening stage, still needing a vote, not yet voted on by them). */
  todo: number;
  /** Open conflicts this person voted in. */
  conflicts: number;
}

export interface ReviewProgress {
  curators: CuratorProgress[];
  /** Records still needing at least one vote, per stage. */
  needingVotes: Record<Stage, number>;
  openConflicts: number;
}

/** Votes a stage needs before it decides: two with dual screening, else one. */
export const votesNeeded = (review: Pick<Review, 'screening'>) => (review.screening.dual ? 2 : 1);

/**
 * `people`: ids (and names) of curators to list even with no decision yet (e.g. the one looking).
 * Everyone who has decided anything in this review is listed too.
 */
export function reviewProgress(review: Pick<Review, 'screening'>, candidates: Iterable<CuratedCandidate>, people: { id: string; name?: string }[] = []): ReviewProgress {
  const all = [...candidates];
  const byId = new Map<string, CuratorProgress>();
  const person = (id: string, name?: string) => {
    let p = byId.get(id);
    if (!p) byId.set(id, (p = { id, decisions: { 'title-abstract': 0, fulltext: 0 }, todo: 0, conflicts: 0 }));
    if (name && !p.name) p.name = name;
    return p;
  };
  for (const x of people) person(x.id, x.name);
  const needed = votesNeeded(review);
  const needingVotes: Record<Stage, number> = { 'title-abstract': 0, fulltext: 0 };
  let openConflicts = 0;
  const open: { stage: Stage; voters: Set<string> }[] = [];
  for (const c of all) {
    for (const st of STAGES) for (const d of c.screening?.[st]?.decisions ?? []) person(d.screener, d.name).decisions[st]++;
    const st = stageOf(c);
    if (c.status === 'conflict' && st) {
      openConflicts++;
      for (const d of c.screening?.[st]?.decisions ?? []) person(d.screener).conflicts++;
    } else if (st && (c.screening?.[st]?.decisions.length ?? 0) < needed) {
      needingVotes[st]++;
      open.push({ stage: st, voters: new Set((c.screening?.[st]?.decisions ?? []).map((d) => d.screener)) });
    }
  }
  for (const p of byId.values()) p.todo = open.filter((o) => !o.voters.has(p.id)).length;
  const curators = [...byId.values()].sort((a, b) => (a.name ?? a.id).localeCompare(b.name ?? b.id));
  return { curators, needingVotes, openConflicts };
}

/** Landis & Koch's words for a kappa. */
export function kappaWord(k: number): string {
  if (k < 0) return 'less agreement than chance';
  if (k <= 0.2) return 'slight agreement';
  if (k <= 0.4) return 'fair agreement';
  if (k <= 0.6) return 'moderate agreement';
  if (k <= 0.8) return 'substantial agreement';
  return 'almost perfect agreement';
}

/** What a stage's kappa means, with the count it rests on. */
export function describeKappa(k: KappaResult, stageLabel: string): string {
  if (k.n === 0) return `No record has been screened by two people at ${stageLabel} yet, so agreement cannot be measured.`;
  const agreed = Math.round(k.observed * k.n);
  const pct = Math.round(k.observed * 100);
  const base = `At ${stageLabel}, the two screeners agreed on ${agreed} of ${k.n} record${k.n === 1 ? '' : 's'} screened by both (${pct} %)`;
  if (k.kappa === null) return `${base}; kappa is undefined because both used a single, identical decision throughout, so chance agreement cannot be told apart.`;
  const small = k.n < 20 ? ' It rests on fewer than 20 records, so it can still move a lot.' : '';
  return `${base}. Cohen's kappa ${k.kappa.toFixed(2)} corrects for the agreement expected by chance (${Math.round(k.expected * 100)} %): ${kappaWord(k.kappa)}.${small}`;
}
