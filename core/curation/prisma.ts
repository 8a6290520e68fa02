/**
 * PRISMA 2020 flow counts for a review, derived from its candidates' statuses and screening state
 * (pure). Records vs studies: a candidate is one study, possibly found through several sources;
 * the extra records of a study are the duplicates removed before screening.
 */
import type { Review } from '../reviews/schema.js';
import type { CuratedCandidate } from './workflow.js';

export interface PrismaCounts {
  recordsIdentified: number;
  recordsBySource: Record<string, number>;
  duplicatesRemoved: number;
  /** Studies screened on title/abstract (all candidates). */
  screened: number;
  awaitingTitleAbstract: number;
  excludedTitleAbstract: number;
  /** Studies that passed title/abstract screening (full texts sought). */
  fullTextAssessed: number;
  awaitingFullText: number;
  excludedFullText: number;
  excludedFullTextByReason: { id: string; label: string; count: number }[];
  conflicts: number;
  /** Included studies (in extraction, accepted or withdrawn). */
  included: number;
  inExtraction: number;
  accepted: number;
  withdrawn: number;
}

export function prismaCounts(review: Pick<Review, 'exclusionReasons'>, candidates: Iterable<CuratedCandidate>): PrismaCounts {
  const bySource: Record<string, number> = {};
  const byReason = new Map<string, number>();
  const out: PrismaCounts = {
    recordsIdentified: 0,
    recordsBySource: bySource,
    duplicatesRemoved: 0,
    screened: 0,
    awaitingTitleAbstract: 0,
    excludedTitleAbstract: 0,
    fullTextAssessed: 0,
    awaitingFullText: 0,
    excludedFullText: 0,
    excludedFullTextByReason: [],
    conflicts: 0,
    included: 0,
    inExtraction: 0,
    accepted: 0,
    withdrawn: 0,
  };
  for (const c of candidates) {
    const sources = c.sources.length ? c.sources : ['manual'];
    for (const s of sources) bySource[s] = (bySource[s] ?? 0) + 1;
    out.recordsIdentified += sources.length;
    out.duplicatesRemoved += sources.length - 1;
    out.screened++;
    const stageOfConflict = c.status === 'conflict' ? (c.conflictStage ?? 'title-abstract') : undefined;
    const passedTA =
      c.status === 'fulltext' ||
      c.status === 'extraction' ||
      c.status === 'accepted' ||
      c.status === 'withdrawn' ||
      stageOfConflict === 'fulltext' ||
      (c.status === 'excluded' && c.exclusion?.stage === 'fulltext');
    if (c.status === 'screening') out.awaitingTitleAbstract++;
    if (c.status === 'conflict') out.conflicts++;
    if (stageOfConflict === 'title-abstract') out.awaitingTitleAbstract++;
    if (c.status === 'excluded' && c.exclusion?.stage !== 'fulltext') out.excludedTitleAbstract++;
    if (passedTA) out.fullTextAssessed++;
    if (c.status === 'fulltext' || stageOfConflict === 'fulltext') out.awaitingFullText++;
    if (c.status === 'excluded' && c.exclusion?.stage === 'fulltext') {
      out.excludedFullText++;
      byReason.set(c.exclusion.reason, (byReason.get(c.exclusion.reason) ?? 0) + 1);
    }
    if (c.status === 'extraction') out.inExtraction++;
    if (c.status === 'accepted') out.accepted++;
    if (c.status === 'withdrawn') out.withdrawn++;
  }
  out.included = out.inExtraction + out.accepted + out.withdrawn;
  const known = new Set(review.exclusionReasons.map((r) => r.id));
  out.excludedFullTextByReason = review.exclusionReasons.map((r) => ({ id: r.id, label: r.label, count: byReason.get(r.id) ?? 0 }));
  for (const [id, count] of byReason) if (!known.has(id)) out.excludedFullTextByReason.push({ id, label: id, count });
  return out;
}
