/** Test helper: an accepted candidate of the hcp-emental-health review with rows for its stress outcome. */
import type { Candidate, OutcomeData } from '../evidence/candidate.js';
import type { Review } from '../reviews/index.js';

export function stressCandidate(review: Review, id: string, rows: Partial<OutcomeData>[], extra: Partial<Candidate> = {}): Candidate {
  const stress = review.outcomes.find((o) => o.id === 'stress')!;
  return {
    entity: 'Candidate',
    reviewId: review.id,
    studyId: id,
    status: 'accepted',
    version: 1,
    title: `Trial ${id}`,
    firstAuthor: `Author${id}`,
    year: 2020 + Number(id.replace(/\D/g, '') || 0),
    sources: ['pubmed'],
    identifiers: [],
    triage: { score: 50, reasons: [] },
    extraction: { arms: [], moderators: {}, outcomes: rows.map((r) => ({ outcome: 'stress', timepoint: 'post', instrument: stress.instruments[0].name, ...r }) as OutcomeData) },
    createdAt: '2026-01-01T00:00:00Z',
    updatedAt: '2026-01-01T00:00:00Z',
    ...extra,
  };
}
