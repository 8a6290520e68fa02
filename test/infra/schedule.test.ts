import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReviewValidationError } from '../../core/reviews/index.js';
import { readReviewSchedules } from '../../infra/reviews.js';
import { pollCadence, rateExpression, stalenessWindowHours } from '../../infra/schedule.js';
import { reviewJson } from './helpers.js';

describe('pollCadence (core cadence → Scheduler rate)', () => {
  it('maps the named cadences', () => {
    expect(pollCadence('hourly')).toEqual({ hours: 1, expression: 'rate(1 hour)' });
    expect(pollCadence('daily')).toEqual({ hours: 24, expression: 'rate(1 day)' });
    expect(pollCadence('weekly')).toEqual({ hours: 168, expression: 'rate(7 days)' });
  });

  it('maps a number of hours, using days when it divides evenly', () => {
    expect(pollCadence(1).expression).toBe('rate(1 hour)');
    expect(pollCadence(6)).toEqual({ hours: 6, expression: 'rate(6 hours)' });
    expect(pollCadence(36).expression).toBe('rate(36 hours)');
    expect(pollCadence(48).expression).toBe('rate(2 days)');
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

  it('takes review ids from the file names and the cadence of each validated review', () => {
    const d = dir({
      'b-review.json': JSON.stringify(reviewJson('b-review', 'weekly')),
      'a-review.json': JSON.stringify(reviewJson('a-review', 'daily')),
      'c.json': JSON.stringify(reviewJson('c', 12)),
      'index.ts': 'export {}',
      'notes.md': '# not a review',
    });
    expect(readReviewSchedules(d)).toEqual([
      { reviewId: 'a-review', cadence: { hours: 24, expression: 'rate(1 day)' } },
      { reviewId: 'b-review', cadence: { hours: 168, expression: 'rate(7 days)' } },
      { reviewId: 'c', cadence: { hours: 12, expression: 'rate(12 hours)' } },
    ]);
  });

  it('reads the repository reviews', () => {
    const ids = readReviewSchedules(join(__dirname, '../../reviews')).map((r) => r.reviewId);
    expect(ids).toContain('selfguided-depression');
  });

  it('returns no reviews for a missing folder', () => {
    expect(readReviewSchedules(join(tmpdir(), 'does-not-exist-reviews'))).toEqual([]);
  });

  it('names the file on invalid JSON, and the file and field on an invalid or missing cadence (the review schema validates)', () => {
    expect(() => readReviewSchedules(dir({ 'broken.json': '{ nope' }))).toThrow(/reviews\/broken\.json: not valid JSON/);
    const odd = dir({ 'odd.json': JSON.stringify(reviewJson('odd', 'fortnightly' as never)) });
    expect(() => readReviewSchedules(odd)).toThrow(ReviewValidationError);
    expect(() => readReviewSchedules(odd)).toThrow(/reviews\/odd\.json: cadence: must be "hourly", "daily", "weekly" or a whole number of hours between 1 and 8760, got "fortnightly"/);
    const half = dir({ 'half.json': JSON.stringify(reviewJson('half', 1.5)) });
    expect(() => readReviewSchedules(half)).toThrow(/reviews\/half\.json: cadence: .* got 1\.5/);
    const { cadence: _, ...noCadence } = reviewJson('none', 'daily');
    expect(() => readReviewSchedules(dir({ 'none.json': JSON.stringify(noCadence) }))).toThrow(/reviews\/none\.json: cadence: required/);
  });

  it('rejects a file that is not a whole review (every field is validated, not only cadence)', () => {
    expect(() => readReviewSchedules(dir({ 'thin.json': JSON.stringify({ id: 'thin', cadence: 'daily' }) }))).toThrow(/reviews\/thin\.json: title: required/);
    const wrongId = dir({ 'x.json': JSON.stringify(reviewJson('y', 'daily')) });
    expect(() => readReviewSchedules(wrongId)).toThrow(/reviews\/x\.json: id: must equal the file name/);
  });

  it('rejects file names that cannot be schedule names', () => {
    expect(() => readReviewSchedules(dir({ 'bad name!.json': '{}' }))).toThrow(/review id "bad name!"/);
  });
});
