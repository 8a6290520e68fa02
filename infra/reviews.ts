/**
 * Reads the list of living reviews at synth time: review ids are the file names in reviews/
 * (without `.json`); each file is validated by the review schema (core/reviews: the only validator
 * of every field, `cadence` included), whose cadence sets the polling interval.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseReview } from '../core/reviews/index.js';
import { pollCadence, type PollCadence } from './schedule.js';

export interface ReviewSchedule {
  reviewId: string;
  cadence: PollCadence;
}

/** Scheduler names allow [0-9a-zA-Z-_.]; review ids become part of schedule names. */
const REVIEW_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,47}$/;

export function readReviewSchedules(reviewsDir: string): ReviewSchedule[] {
  if (!existsSync(reviewsDir)) return [];
  const files = readdirSync(reviewsDir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  return files.map((file) => {
    const reviewId = file.slice(0, -'.json'.length);
    const where = join('reviews', file);
    if (!REVIEW_ID.test(reviewId)) {
      throw new Error(`${where}: review id "${reviewId}" must match ${REVIEW_ID} (it becomes a schedule name)`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(join(reviewsDir, file), 'utf8'));
    } catch (err) {
      throw new Error(`${where}: not valid JSON (${(err as Error).message})`);
    }
    // Throws a ReviewValidationError naming the file and every wrong field (e.g. "reviews/x.json: cadence: …").
    const review = parseReview(parsed, where);
    return { reviewId, cadence: pollCadence(review.cadence) };
  });
}
