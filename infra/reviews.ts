/**
 * Reads the list of living reviews at synth time: review ids are the file names in reviews/
 * (without `.json`), the optional `cadence` field sets the polling interval (default daily).
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { cadenceToSchedule, type PollCadence } from './schedule.js';

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
    const cadence =
      parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>).cadence : undefined;
    return { reviewId, cadence: cadenceToSchedule(cadence, `${where}: cadence`) };
  });
}
