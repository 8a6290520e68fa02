/**
 * The polling cadence of a living review: THE one definition, used by the review schema (the only
 * validator of the `cadence` field), by infra (EventBridge Scheduler rates) and by the local runner
 * (which decides here, purely, which (review, source) polls are due).
 *
 * A cadence is "hourly" | "daily" | "weekly" or a whole number of hours between 1 and 8760.
 *
 * Pure module: no I/O, no clock (callers pass `now`).
 */
import { z } from 'zod';

export const CADENCE_NAMES = ['hourly', 'daily', 'weekly'] as const;
export type CadenceName = (typeof CADENCE_NAMES)[number];

/** Hours between two polls of each named cadence. */
export const CADENCE_HOURS: Readonly<Record<CadenceName, number>> = { hourly: 1, daily: 24, weekly: 168 };

/** Longest numeric cadence: one year. */
export const MAX_CADENCE_HOURS = 8760;

const CADENCE_HELP = `must be "hourly", "daily", "weekly" or a whole number of hours between 1 and ${MAX_CADENCE_HOURS}`;

const cadenceError = (issue: { input?: unknown }): string =>
  issue.input === undefined ? `required: ${CADENCE_HELP}` : `${CADENCE_HELP}, got ${typeof issue.input === 'string' ? JSON.stringify(issue.input) : String(issue.input)}`;

/** The `cadence` field of a review. Every rejection carries the same message, naming what is allowed. */
export const CadenceSchema = z.union(
  [
    z.enum(CADENCE_NAMES),
    z.number({ error: cadenceError }).int({ error: cadenceError }).min(1, { error: cadenceError }).max(MAX_CADENCE_HOURS, { error: cadenceError }),
  ],
  { error: cadenceError },
);
export type Cadence = z.infer<typeof CadenceSchema>;

/** Hours between two polls. Throws a RangeError for a value the schema would reject. */
export function cadenceHours(cadence: Cadence): number {
  if (typeof cadence === 'number') {
    if (!Number.isInteger(cadence) || cadence < 1 || cadence > MAX_CADENCE_HOURS) throw new RangeError(`cadence ${CADENCE_HELP}, got ${cadence}`);
    return cadence;
  }
  if (!Object.hasOwn(CADENCE_HOURS, cadence)) throw new RangeError(`cadence ${CADENCE_HELP}, got ${JSON.stringify(cadence)}`);
  return CADENCE_HOURS[cadence];
}

/** "daily", "weekly", "every 6 h": for logs and banners. */
export function describeCadence(cadence: Cadence): string {
  return typeof cadence === 'number' ? `every ${cadence} h` : cadence;
}

const HOUR_MS = 3_600_000;

/**
 * Is a poll last completed at `lastRunAt` (ISO time; undefined = never) due at `now`, for a cadence
 * of `intervalHours`? Never polled, or an unreadable time → due. A `lastRunAt` in the future (clock
 * skew) is not due until a full interval after it.
 */
export function isDue(lastRunAt: string | undefined, intervalHours: number, now: Date): boolean {
  if (!(intervalHours > 0)) throw new RangeError(`intervalHours must be positive, got ${intervalHours}`);
  if (lastRunAt === undefined) return true;
  const last = Date.parse(lastRunAt);
  if (Number.isNaN(last)) return true;
  return now.getTime() - last >= intervalHours * HOUR_MS;
}

/** A failed poll is retried after its interval, but at most this long after the failure. */
export const MAX_RETRY_AFTER_MINUTES = 15;

/** Milliseconds to wait after a failed poll before trying it again: min(interval, 15 min). */
export function retryAfterMs(intervalHours: number): number {
  return Math.min(intervalHours * HOUR_MS, MAX_RETRY_AFTER_MINUTES * 60_000);
}

/** One (review, source) poll. */
export interface PollSlot {
  reviewId: string;
  source: string;
}

/** Key of a slot in the checkpoint and failure maps. */
export function slotKey(reviewId: string, source: string): string {
  return `${reviewId}/${source}`;
}

export interface DuePollsInput {
  reviews: readonly { id: string; cadence: Cadence }[];
  sources: readonly string[];
  /** `lastRunAt` of each slot's checkpoint, by `slotKey` (absent: never polled). */
  lastRunAt: ReadonlyMap<string, string | undefined>;
  /** Time of the last failed attempt of a slot whose latest attempt failed, by `slotKey`. */
  failures?: ReadonlyMap<string, Date>;
  now: Date;
  /** Poll every review every this many hours instead of on its own cadence (POLL_INTERVAL_MINUTES). */
  overrideHours?: number;
  /**
   * Polls are counted from no earlier than this time (POLL_ON_START=0: the start-up stands in for
   * a poll, so nothing is polled before one interval has passed since it).
   */
  countFrom?: Date;
}

/**
 * The polls due at `now`, in review order then source order: a slot is due when one interval has
 * passed since its last completed run (or it never ran) and, if its latest attempt failed, the
 * retry delay (`retryAfterMs`) has passed since that failure.
 */
export function duePolls(input: DuePollsInput): PollSlot[] {
  const due: PollSlot[] = [];
  const now = input.now.getTime();
  for (const review of input.reviews) {
    const hours = input.overrideHours ?? cadenceHours(review.cadence);
    for (const source of input.sources) {
      const key = slotKey(review.id, source);
      let last = input.lastRunAt.get(key);
      if (input.countFrom && (last === undefined || Number.isNaN(Date.parse(last)) || Date.parse(last) < input.countFrom.getTime())) {
        last = input.countFrom.toISOString();
      }
      if (!isDue(last, hours, input.now)) continue;
      const failedAt = input.failures?.get(key);
      if (failedAt && now - failedAt.getTime() < retryAfterMs(hours)) continue;
      due.push({ reviewId: review.id, source });
    }
  }
  return due;
}

/**
 * The sources each living review is polled from, each on the review's cadence with its own
 * checkpoint: THE one list, used by the pollers (`npm run poll -- --source …`), the local runner
 * and the AWS schedules (one EventBridge schedule per review × source).
 */
export const POLL_SOURCES = ['pubmed', 'ctgov', 'europepmc', 'isrctn'] as const;
export type PollSource = (typeof POLL_SOURCES)[number];

/** Derived search of a source that a review does not spell out: its ClinicalTrials.gov condition AND intervention. */
export function defaultSearch(review: { searches: { ctgov: { condition: string; intervention: string } } }): string {
  return `(${review.searches.ctgov.condition}) AND (${review.searches.ctgov.intervention})`;
}
