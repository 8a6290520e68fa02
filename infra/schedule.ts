/**
 * Polling cadence of a living review → an EventBridge Scheduler rate expression.
 *
 * Pure: no fs, no CDK. `readReviewSchedules` in ./reviews.ts feeds it the `cadence` field of
 * each reviews/*.json file.
 *
 * Accepted values of `cadence`:
 *  - absent / null      → daily (the default)
 *  - "hourly" | "daily" | "weekly"
 *  - a positive whole number of hours (1 … 8760)
 */
export type CadenceName = 'hourly' | 'daily' | 'weekly';

export interface PollCadence {
  /** Interval between two polls, in hours. */
  hours: number;
  /** EventBridge Scheduler expression, e.g. `rate(1 day)`. */
  expression: string;
}

const NAMED: Record<CadenceName, number> = { hourly: 1, daily: 24, weekly: 168 };

/** CloudWatch limit: an alarm's period × evaluation periods may not exceed 7 days. */
export const MAX_ALARM_WINDOW_HOURS = 7 * 24;

export class CadenceError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'CadenceError';
  }
}

export function rateExpression(hours: number): string {
  if (hours % 24 === 0) {
    const days = hours / 24;
    return `rate(${days} ${days === 1 ? 'day' : 'days'})`;
  }
  return `rate(${hours} ${hours === 1 ? 'hour' : 'hours'})`;
}

/**
 * Maps the optional `cadence` field of a review to an interval and a rate expression.
 * `field` names the offending value in the error (e.g. `reviews/foo.json: cadence`).
 */
export function cadenceToSchedule(cadence: unknown, field = 'cadence'): PollCadence {
  let hours: number;
  if (cadence === undefined || cadence === null) {
    hours = NAMED.daily;
  } else if (typeof cadence === 'string') {
    if (!(cadence in NAMED)) {
      throw new CadenceError(field, `unknown cadence "${cadence}"; use "hourly", "daily", "weekly" or a number of hours`);
    }
    hours = NAMED[cadence as CadenceName];
  } else if (typeof cadence === 'number') {
    if (!Number.isInteger(cadence) || cadence < 1 || cadence > 8760) {
      throw new CadenceError(field, `must be a whole number of hours between 1 and 8760, got ${cadence}`);
    }
    hours = cadence;
  } else {
    throw new CadenceError(field, `must be a string or a number of hours, got ${typeof cadence}`);
  }
  return { hours, expression: rateExpression(hours) };
}

/**
 * The staleness window of a poller that serves reviews polled every `cadenceHours`:
 * "no successful poll in 2 × cadence", capped at the 7-day CloudWatch alarm limit.
 */
export function stalenessWindowHours(cadenceHours: number): number {
  return Math.min(2 * cadenceHours, MAX_ALARM_WINDOW_HOURS);
}
