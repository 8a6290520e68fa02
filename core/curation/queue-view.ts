/**
 * What a screener's queue shows (pure): their vote or "maybe" on a card, their to-do, search and
 * filters, and near-duplicates grouped on one card.
 *
 * Near-duplicates are records with the same normalised title and the same year but no shared
 * identifier (de-duplication links records by PMID / DOI / NCT id, so these slipped through: a
 * preprint and its journal version, a record indexed twice). They are grouped on ONE card and a
 * decision on the card applies to every record of the group (each record gets its own decision
 * and audit event): screening the same report twice costs time and invites two different
 * answers. A record that is not the same study is taken out of the group by deciding it on its
 * own page.
 */
import { titleYearKey } from './dedup.js';
import { labelsOf } from './labels.js';
import { stageOf, type CuratedCandidate, type MaybeMark, type ScreeningDecision } from './workflow.js';

export function myVote(c: CuratedCandidate, actorId: string): ScreeningDecision | undefined {
  const st = stageOf(c);
  return st ? c.screening?.[st]?.decisions.find((d) => d.screener === actorId) : undefined;
}

export function myMaybe(c: CuratedCandidate, actorId: string): MaybeMark | undefined {
  const st = stageOf(c);
  return st ? c.screening?.[st]?.maybe?.find((m) => m.screener === actorId) : undefined;
}

/** Which cards of a screening queue to show: my to-do (no vote yet; "maybe" stays), my votes, my maybes, or all. */
export const QUEUE_VIEWS = ['todo', 'voted', 'maybe', 'all'] as const;
export type QueueView = (typeof QUEUE_VIEWS)[number];

export interface QueueFilter {
  /** Words that must all occur in the title, abstract, authors, journal or identifiers (case- and accent-insensitive). */
  q?: string;
  /** A label on one of the (visible) decisions, case-insensitive. */
  label?: string;
  view?: QueueView;
}

const fold = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();

function searchable(c: CuratedCandidate): string {
  return fold([c.title, c.abstract ?? '', c.firstAuthor ?? '', c.journal ?? '', String(c.year ?? ''), ...c.identifiers.map((i) => i.value)].join(' \u0000 '));
}

/** Does a candidate pass the filter for `actorId`? (Views other than "all" apply to screening stages only.) */
export function matchesFilter(c: CuratedCandidate, f: QueueFilter, actorId: string): boolean {
  const view = f.view ?? 'todo';
  if (stageOf(c) && c.status !== 'conflict' && view !== 'all') {
    const vote = myVote(c, actorId);
    if (view === 'todo' && vote) return false;
    if (view === 'voted' && !vote) return false;
    if (view === 'maybe' && !myMaybe(c, actorId)) return false;
  }
  if (f.label) {
    const want = f.label.trim().toLowerCase();
    if (!labelsOf(c).some((l) => l.toLowerCase() === want)) return false;
  }
  if (f.q?.trim()) {
    const text = searchable(c);
    if (!fold(f.q).split(/\s+/).filter(Boolean).every((w) => text.includes(w))) return false;
  }
  return true;
}

export interface CardGroup {
  /** The records on the card: the first is the one shown in full. */
  members: CuratedCandidate[];
}

function identifierSet(c: CuratedCandidate): Set<string> {
  return new Set(c.identifiers.map((i) => `${i.type}:${i.value.toLowerCase()}`));
}

/**
 * Cards for a page of candidates, near-duplicates grouped (see above): same normalised title and
 * year, no identifier in common. Order: by each group's first member. Titles that normalise to
 * nothing are never grouped.
 */
export function groupNearDuplicates(items: readonly CuratedCandidate[]): CardGroup[] {
  const groups: CardGroup[] = [];
  const byKey = new Map<string, CardGroup[]>();
  for (const c of items) {
    const key = titleYearKey(c.title, c.year);
    if (key.startsWith('|')) {
      groups.push({ members: [c] });
      continue;
    }
    const ids = identifierSet(c);
    const candidates = byKey.get(key) ?? [];
    // Join a group only if no member shares an identifier with this record ("different identifiers").
    const g = candidates.find((x) => x.members.every((m) => ![...identifierSet(m)].some((id) => ids.has(id))));
    if (g) g.members.push(c);
    else {
      const ng: CardGroup = { members: [c] };
      groups.push(ng);
      byKey.set(key, [...candidates, ng]);
    }
  }
  return groups;
}
