import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readReviewSchedules } from '../../infra/reviews.js';
import { CadenceError, cadenceToSchedule, rateExpression, stalenessWindowHours } from '../../infra/schedule.js';

describe('cadenceToSchedule', () => {
  it('defaults to daily when the review has no cadence', () => {
    expect(cadenceToSchedule(undefined)).toEqual({ hours: 24, expression: 'rate(1 day)' });
    expect(cadenceToSchedule(null)).toEqual({ hours: 24, expression: 'rate(1 day)' });
  });

  it('maps the named cadences', () => {
    expect(cadenceToSchedule('hourly')).toEqual({ hours: 1, expression: 'rate(1 hour)' });
    expect(cadenceToSchedule('daily')).toEqual({ hours: 24, expression: 'rate(1 day)' });
    expect(cadenceToSchedule('weekly')).toEqual({ hours: 168, expression: 'rate(7 days)' });
  });

  it('maps a number of hours, using days when it divides evenly', () => {
    expect(cadenceToSchedule(1).expression).toBe('rate(1 hour)');
    expect(cadenceToSchedule(6)).toEqual({ hours: 6, expression: 'rate(6 hours)' });
    expect(cadenceToSchedule(36).expression).toBe('rate(36 hours)');
    expect(cadenceToSchedule(48).expression).toBe('rate(2 days)');
  });

  it('rejects bad values with an error naming the field', () => {
    for (const bad of [0, -3, 1.5, 9000, Number.NaN, 'monthly', 'Daily', true, {}, []]) {
      expect(() => cadenceToSchedule(bad, 'reviews/x.json: cadence')).toThrow(CadenceError);
      expect(() => cadenceToSchedule(bad, 'reviews/x.json: cadence')).toThrow(/^reviews\/x\.json: cadence: /);
    }
  });

  it('rate expressions use singular units for one', () => {
    expect(rateExpression(24)).toBe('rate(1 day)');
    expect(rateExpression(72)).toBe('rate(3 days)');
    expect(rateExpression(5)).toBe('rate(5 hours)');
  });

  it('staleness window is twice the cadence, capped at the 7-day alarm limit', () => {
    expect(stalenessWindowHours(1)).toBe(2);
    expect(stalenessWindowHours(24)).toBe(48);
    expect(stalenessWindowHours(84)).toBe(168);
    expect(stalenessWindowHours(168)).toBe(168);
  });
});

describe('readReviewSchedules', () => {
  function dir(files: Record<string, string>): string {
    const d = mkdtempSync(join(tmpdir(), 'reviews-'));
    for (const [name, body] of Object.entries(files)) writeFileSync(join(d, name), body);
    return d;
  }

  it('takes review ids from the file names and the optional cadence field', () => {
    const d = dir({
      'b-review.json': JSON.stringify({ title: 'B', cadence: 'weekly' }),
      'a-review.json': JSON.stringify({ title: 'A' }),
      'c.json': JSON.stringify({ cadence: 12 }),
      'index.ts': 'export {}',
      'notes.md': '# not a review',
    });
    expect(readReviewSchedules(d)).toEqual([
      { reviewId: 'a-review', cadence: { hours: 24, expression: 'rate(1 day)' } },
      { reviewId: 'b-review', cadence: { hours: 168, expression: 'rate(7 days)' } },
      { reviewId: 'c', cadence: { hours: 12, expression: 'rate(12 hours)' } },
    ]);
  });

  it('returns no reviews for a missing folder', () => {
    expect(readReviewSchedules(join(tmpdir(), 'does-not-exist-reviews'))).toEqual([]);
  });

  it('names the file on invalid JSON or an invalid cadence', () => {
    expect(() => readReviewSchedules(dir({ 'broken.json': '{ nope' }))).toThrow(/reviews\/broken\.json: not valid JSON/);
    expect(() => readReviewSchedules(dir({ 'odd.json': '{"cadence":"fortnightly"}' }))).toThrow(
      /reviews\/odd\.json: cadence: unknown cadence "fortnightly"/,
    );
  });

  it('rejects file names that cannot be schedule names', () => {
    expect(() => readReviewSchedules(dir({ 'bad name!.json': '{}' }))).toThrow(/review id "bad name!"/);
  });
});
