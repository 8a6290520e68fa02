/**
 * Every living review, statically imported (so bundled Lambdas carry them) and validated at load.
 * Adding a review: add reviews/<id>.json and one import + entry below (a test checks none is missing).
 */
import { parseReview, type Review } from '../core/reviews/index.js';
import cancerDigital from './cancer-digital.json' with { type: 'json' };
import chinaInternetMap from './china-internet-map.json' with { type: 'json' };
import hcpEmentalHealth from './hcp-emental-health.json' with { type: 'json' };
import selfguidedDepression from './selfguided-depression.json' with { type: 'json' };

/** File name → raw JSON, as imported. Exported for the completeness test. */
export const REVIEW_FILES: Readonly<Record<string, unknown>> = {
  'hcp-emental-health.json': hcpEmentalHealth,
  'cancer-digital.json': cancerDigital,
  'china-internet-map.json': chinaInternetMap,
  'selfguided-depression.json': selfguidedDepression,
};

export const ALL_REVIEWS: readonly Review[] = Object.entries(REVIEW_FILES).map(([file, raw]) =>
  parseReview(raw, `reviews/${file}`),
);

export const REVIEW_IDS: readonly string[] = ALL_REVIEWS.map((r) => r.id);

export class UnknownReviewError extends Error {
  override readonly name = 'UnknownReviewError';
  constructor(readonly reviewId: string) {
    super(`unknown review "${reviewId}" (known: ${REVIEW_IDS.join(', ')})`);
  }
}

/** The review with this id; throws UnknownReviewError when there is none. */
export function getReview(id: string): Review {
  const r = ALL_REVIEWS.find((x) => x.id === id);
  if (!r) throw new UnknownReviewError(id);
  return r;
}

/** The review with this id, or undefined. */
export function findReview(id: string): Review | undefined {
  return ALL_REVIEWS.find((x) => x.id === id);
}
