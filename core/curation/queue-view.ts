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
import { queueIndexKeys } from '../data-model/keys.js';
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

/**
 * Which cards of a screening queue to show, by my own decision: my to-do (no vote yet; "maybe"
 * stays), undecided (neither a vote nor a maybe), my maybes, my votes, my includes, my excludes,
 * or all.
 */
export const QUEUE_VIEWS = ['todo', 'undecided', 'maybe', 'voted', 'included', 'excluded', 'all'] as const;
export type QueueView = (typeof QUEUE_VIEWS)[number];

export interface QueueFilter {
  /** Words that must all occur in the title, abstract, authors, journal, year, record id or identifiers (case- and accent-insensitive). */
  q?: string;
  /** A label on one of the (visible) decisions, case-insensitive. */
  label?: string;
  view?: QueueView;
  /** A source the record came from (pubmed, ctgov, …). */
  source?: string;
  /** Publication year. */
  year?: number;
}

/** Letters that carry no combining mark to strip (NFKD leaves them whole): "Øberg" is found by "oberg". */
const LETTERS = new Map([
  ['ø', 'o'],
  ['æ', 'ae'],
  ['œ', 'oe'],
  ['ß', 'ss'],
  ['ł', 'l'],
  ['đ', 'd'],
  ['ð', 'd'],
  ['þ', 'th'],
  ['ı', 'i'],
]);

const fold = (s: string) =>
  s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[øæœßłđðþı]/g, (ch) => LETTERS.get(ch) ?? ch);

function searchable(c: CuratedCandidate): string {
  return fold([c.title, c.abstract ?? '', c.firstAuthor ?? '', c.journal ?? '', String(c.year ?? ''), c.studyId, ...c.identifiers.map((i) => i.value)].join(' \u0000 '));
}

/** The search words of a query: folded, split on white space, empty ones dropped. */
export function searchWords(q: string | undefined): string[] {
  return q ? fold(q).split(/\s+/).filter(Boolean) : [];
}

function viewMatches(c: CuratedCandidate, view: QueueView, actorId: string): boolean {
  if (view === 'all' || !stageOf(c) || c.status === 'conflict') return true;
  const vote = myVote(c, actorId);
  switch (view) {
    case 'todo':
      return !vote;
    case 'undecided':
      return !vote && !myMaybe(c, actorId);
    case 'maybe':
      return Boolean(myMaybe(c, actorId));
    case 'voted':
      return Boolean(vote);
    case 'included':
      return vote?.decision === 'include';
    case 'excluded':
      return vote?.decision === 'exclude';
  }
}

/** Does a candidate pass the filter for `actorId`? (Views other than "all" apply to screening stages only.) */
export function matchesFilter(c: CuratedCandidate, f: QueueFilter, actorId: string, words: readonly string[] = searchWords(f.q)): boolean {
  if (!viewMatches(c, f.view ?? 'todo', actorId)) return false;
  if (f.source && !c.sources.includes(f.source as never)) return false;
  if (f.year !== undefined && c.year !== f.year) return false;
  if (f.label) {
    const want = f.label.trim().toLowerCase();
    if (!labelsOf(c).some((l) => l.toLowerCase() === want)) return false;
  }
  if (words.length) {
    const text = searchable(c);
    if (!words.every((w) => text.includes(w))) return false;
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

/** A candidate's place in its queue (the queue index's sort key: best triage score first, then oldest, then id). */
export function queueOrderKey(c: CuratedCandidate): string {
  return queueIndexKeys(c.reviewId, c.status, c.triage?.score ?? 0, c.createdAt, c.studyId).gsi1sk;
}

export interface QueueSearchOptions {
  /** Cards per page. */
  limit: number;
  /** Show the cards after this one (the `next` of the page before: a queue order key). */
  after?: string;
  /** Group near-duplicates (screening stages); otherwise one record per card. */
  group?: boolean;
}

export interface QueueSearchResult {
  /** This page's cards, in queue order. */
  cards: CardGroup[];
  /** Records read (the whole queue of the status). */
  records: number;
  /** Cards (and the records on them) that match the filter, over the whole queue. */
  matchedCards: number;
  matchedRecords: number;
  /** How many matching cards come before this page (this page shows cards position+1 … position+cards.length). */
  position: number;
  /** Where the next page starts (`after`), when there is one. */
  next?: string;
  /** Records in a screening stage I have voted on (what the to-do leaves out). */
  voted: number;
}

/**
 * Search, filter and group a WHOLE queue (every record of one status, in queue order) for
 * `actorId`, and cut one page of cards out of it (input in any order; cards come in queue order). Near-duplicates are grouped over the whole
 * queue first, so two records that sit far apart in the queue still share a card; a card matches
 * when any of its records matches. Paging is by position in the queue (`after` = the order key
 * of the last card shown), not by offset: cards decided on one page leave the to-do without
 * making the next page skip any.
 *
 * Cost: O(n log n) for n records (sorting into queue order; one pass to group through a Map keyed by the normalised title and
 * year, one pass to match), plus O(n·w) text comparisons for w search words.
 */
export function searchQueue(items: readonly CuratedCandidate[], f: QueueFilter, actorId: string, o: QueueSearchOptions): QueueSearchResult {
  const words = searchWords(f.q);
  // Queue order (the store reads it in this order already; sorting keeps the paging right whatever the input).
  const keyed = items.map((c) => ({ c, k: queueOrderKey(c) }));
  keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0));
  const ordered = keyed.map((x) => x.c);
  const groups = o.group === false ? ordered.map((c) => ({ members: [c] })) : groupNearDuplicates(ordered);
  const matched = groups.filter((g) => g.members.some((m) => matchesFilter(m, f, actorId, words)));
  let start = 0;
  if (o.after !== undefined) {
    const after = o.after;
    start = matched.findIndex((g) => queueOrderKey(g.members[0]) > after);
    if (start < 0) start = matched.length;
  }
  const cards = matched.slice(start, start + o.limit);
  const end = start + cards.length;
  return {
    cards,
    records: items.length,
    matchedCards: matched.length,
    matchedRecords: matched.reduce((n, g) => n + g.members.length, 0),
    position: start,
    ...(end < matched.length && cards.length ? { next: queueOrderKey(cards[cards.length - 1].members[0]) } : {}),
    voted: items.filter((c) => stageOf(c) && c.status !== 'conflict' && myVote(c, actorId)).length,
  };
}
