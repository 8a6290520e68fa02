/**
 * Polling cadence of a living review → an EventBridge Scheduler rate expression.
 *
 * Pure: no fs, no CDK. The cadence itself (names, hours, validation) is defined once, in
 * core/reviews/cadence.ts, and validated by the review schema; this module only turns its hours
 * into Scheduler and CloudWatch terms. `readReviewSchedules` in ./reviews.ts feeds it validated reviews.
 */
import { cadenceHours, type Cadence } from '../core/reviews/index.js';

export interface PollCadence {
  /** Interval between two polls, in hours. */
  hours: number;
  /** EventBridge Scheduler expression, e.g. `rate(1 day)`. */
  expression: string;
}

/** CloudWatch limit: an alarm's period × evaluation periods may not exceed 7 days. */
export const MAX_ALARM_WINDOW_HOURS = 7 * 24;

export function rateExpression(hours: number): string {
  if (hours % 24 === 0) {
    const days = hours / 24;
    return `rate(${days} ${days === 1 ? 'day' : 'days'})`;
  }
  return `rate(${hours} ${hours === 1 ? 'hour' : 'hours'})`;
}

/** A review's (validated) cadence → its interval and rate expression. */
export function pollCadence(cadence: Cadence): PollCadence {
  const hours = cadenceHours(cadence);
  return { hours, expression: rateExpression(hours) };
}

/**
 * The staleness window of a poller that serves reviews polled every `intervalHours`:
 * "no successful poll in 2 × cadence", capped at the 7-day CloudWatch alarm limit.
 */
export function stalenessWindowHours(intervalHours: number): number {
  return Math.min(2 * intervalHours, MAX_ALARM_WINDOW_HOURS);
}
