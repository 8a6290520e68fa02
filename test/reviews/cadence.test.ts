import { describe, expect, it } from 'vitest';
import {
  cadenceHours,
  CadenceSchema,
  describeCadence,
  duePolls,
  isDue,
  parseReview,
  retryAfterMs,
  ReviewValidationError,
  slotKey,
  type Cadence,
} from '../../core/reviews/index.js';
import { ALL_REVIEWS, REVIEW_FILES } from '../../reviews/index.js';

const H = 3_600_000;
const NOW = new Date('2026-03-10T12:00:00.000Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();

describe('cadence: one definition', () => {
  it('maps names and whole hours to hours', () => {
    expect(cadenceHours('hourly')).toBe(1);
    expect(cadenceHours('daily')).toBe(24);
    expect(cadenceHours('weekly')).toBe(24 * 7);
    expect(cadenceHours(6)).toBe(6);
    expect(cadenceHours(8760)).toBe(8760);
  });

  it('cadenceHours refuses what the schema refuses', () => {
    for (const bad of [0, -1, 1.5, 8761, Number.NaN, 'monthly', 'Daily', 'toString']) {
      expect(CadenceSchema.safeParse(bad).success, String(bad)).toBe(false);
      expect(() => cadenceHours(bad as Cadence), String(bad)).toThrow(RangeError);
    }
  });

  it('describes a cadence for logs', () => {
    expect(describeCadence('weekly')).toBe('weekly');
    expect(describeCadence(6)).toBe('every 6 h');
  });

  it('every repository review has a valid cadence', () => {
    for (const r of ALL_REVIEWS) expect(cadenceHours(r.cadence)).toBeGreaterThanOrEqual(1);
  });
});

describe('the review schema is the validator of cadence (errors name the file and the field)', () => {
  const base = () => structuredClone(REVIEW_FILES['cancer-digital.json']) as Record<string, unknown>;
  const errorOf = (raw: unknown): ReviewValidationError => {
    try {
      parseReview(raw, 'reviews/cancer-digital.json');
    } catch (e) {
      expect(e).toBeInstanceOf(ReviewValidationError);
      return e as ReviewValidationError;
    }
    throw new Error('expected a ReviewValidationError');
  };

  it('accepts names and whole hours', () => {
    for (const c of ['hourly', 'daily', 'weekly', 1, 12, 8760]) expect(parseReview({ ...base(), cadence: c }).cadence).toBe(c);
  });

  it.each([
    ['fortnightly', 'got "fortnightly"'],
    [0, 'got 0'],
    [1.5, 'got 1.5'],
    [9000, 'got 9000'],
    [null, 'got null'],
    [true, 'got true'],
  ])('rejects %j', (bad, got) => {
    const e = errorOf({ ...base(), cadence: bad });
    expect(e.issues).toEqual([
      { path: 'cadence', message: `must be "hourly", "daily", "weekly" or a whole number of hours between 1 and 8760, ${got}` },
    ]);
    expect(e.message).toMatch(/^reviews\/cancer-digital\.json: cadence: must be /);
  });

  it('requires it', () => {
    const raw = base();
    delete raw.cadence;
    expect(errorOf(raw).issues).toEqual([{ path: 'cadence', message: expect.stringMatching(/^required: must be "hourly"/) }]);
  });
});

describe('isDue', () => {
  it('is due when never polled or when a full interval has passed', () => {
    expect(isDue(undefined, 24, NOW)).toBe(true);
    expect(isDue(ago(24 * H), 24, NOW)).toBe(true);
    expect(isDue(ago(30 * H), 24, NOW)).toBe(true);
  });

  it('is not due within the interval, nor for a time in the future', () => {
    expect(isDue(ago(24 * H - 1), 24, NOW)).toBe(false);
    expect(isDue(ago(0), 1, NOW)).toBe(false);
    expect(isDue(ago(-2 * H), 1, NOW)).toBe(false);
    expect(isDue(ago(-2 * H), 1, new Date(NOW.getTime() + 3 * H))).toBe(true);
  });

  it('treats an unreadable time as never polled, and rejects a non-positive interval', () => {
    expect(isDue('not a date', 24, NOW)).toBe(true);
    expect(() => isDue(undefined, 0, NOW)).toThrow(RangeError);
  });

  it('accepts fractional hours (POLL_INTERVAL_MINUTES override)', () => {
    expect(isDue(ago(4 * 60_000), 5 / 60, NOW)).toBe(false);
    expect(isDue(ago(5 * 60_000), 5 / 60, NOW)).toBe(true);
  });
});

describe('retryAfterMs', () => {
  it('is the interval, capped at 15 minutes', () => {
    expect(retryAfterMs(24)).toBe(15 * 60_000);
    expect(retryAfterMs(1)).toBe(15 * 60_000);
    expect(retryAfterMs(5 / 60)).toBe(5 * 60_000);
  });
});

describe('duePolls: the local runner scheduling decision', () => {
  const reviews = [
    { id: 'dep', cadence: 'daily' as const },
    { id: 'map', cadence: 'weekly' as const },
    { id: 'fast', cadence: 6 },
  ];
  const sources = ['pubmed', 'ctgov'];
  const runs = (entries: Record<string, string>) => new Map(Object.entries(entries));

  it('polls everything that never ran, in review then source order', () => {
    expect(duePolls({ reviews, sources, lastRunAt: new Map(), now: NOW })).toEqual([
      { reviewId: 'dep', source: 'pubmed' },
      { reviewId: 'dep', source: 'ctgov' },
      { reviewId: 'map', source: 'pubmed' },
      { reviewId: 'map', source: 'ctgov' },
      { reviewId: 'fast', source: 'pubmed' },
      { reviewId: 'fast', source: 'ctgov' },
    ]);
  });

  it('polls each review and source on its own cadence', () => {
    const lastRunAt = runs({
      [slotKey('dep', 'pubmed')]: ago(25 * H), // daily, 25 h ago → due
      [slotKey('dep', 'ctgov')]: ago(2 * H), // daily, 2 h ago → not due
      [slotKey('map', 'pubmed')]: ago(25 * H), // weekly, 25 h ago → not due
      [slotKey('map', 'ctgov')]: ago(8 * 24 * H), // weekly, 8 days ago → due
      [slotKey('fast', 'pubmed')]: ago(6 * H), // every 6 h, 6 h ago → due
      [slotKey('fast', 'ctgov')]: ago(5 * H), // every 6 h, 5 h ago → not due
    });
    expect(duePolls({ reviews, sources, lastRunAt, now: NOW })).toEqual([
      { reviewId: 'dep', source: 'pubmed' },
      { reviewId: 'map', source: 'ctgov' },
      { reviewId: 'fast', source: 'pubmed' },
    ]);
  });

  it('backs off after a failure: retried after min(cadence, 15 min), not every tick', () => {
    const lastRunAt = runs({ [slotKey('dep', 'pubmed')]: ago(30 * H) });
    const one = [{ id: 'dep', cadence: 'daily' as const }];
    const failedAt = (ms: number) => new Map([[slotKey('dep', 'pubmed'), new Date(NOW.getTime() - ms)]]);
    const due = (failures: Map<string, Date>) => duePolls({ reviews: one, sources: ['pubmed'], lastRunAt, failures, now: NOW });
    expect(due(failedAt(60_000))).toEqual([]);
    expect(due(failedAt(15 * 60_000 - 1))).toEqual([]);
    expect(due(failedAt(15 * 60_000))).toEqual([{ reviewId: 'dep', source: 'pubmed' }]);
    // A failure of another slot does not hold this one back.
    expect(duePolls({ reviews: one, sources: ['pubmed', 'ctgov'], lastRunAt, failures: failedAt(60_000), now: NOW })).toEqual([
      { reviewId: 'dep', source: 'ctgov' },
    ]);
  });

  it('with POLL_INTERVAL_MINUTES, every review every N minutes (and back-off capped at N)', () => {
    const lastRunAt = runs({
      [slotKey('map', 'pubmed')]: ago(10 * 60_000),
      [slotKey('map', 'ctgov')]: ago(9 * 60_000),
    });
    const one = [{ id: 'map', cadence: 'weekly' as const }];
    expect(duePolls({ reviews: one, sources, lastRunAt, now: NOW, overrideHours: 10 / 60 })).toEqual([{ reviewId: 'map', source: 'pubmed' }]);
    const failures = new Map([[slotKey('map', 'pubmed'), new Date(NOW.getTime() - 10 * 60_000)]]);
    expect(duePolls({ reviews: one, sources: ['pubmed'], lastRunAt, failures, now: NOW, overrideHours: 10 / 60 })).toEqual([
      { reviewId: 'map', source: 'pubmed' },
    ]);
  });

  it('with POLL_ON_START=0 (countFrom = start-up), nothing is due until one interval after start', () => {
    const start = new Date(NOW.getTime() - 2 * H);
    const lastRunAt = runs({ [slotKey('fast', 'pubmed')]: ago(100 * H) });
    const fast = [{ id: 'fast', cadence: 6 }];
    expect(duePolls({ reviews: fast, sources, lastRunAt, now: NOW, countFrom: start })).toEqual([]);
    const later = new Date(start.getTime() + 6 * H);
    expect(duePolls({ reviews: fast, sources, lastRunAt, now: later, countFrom: start })).toEqual([
      { reviewId: 'fast', source: 'pubmed' },
      { reviewId: 'fast', source: 'ctgov' },
    ]);
    // A run after start-up counts from that run.
    const ranSince = runs({ [slotKey('fast', 'pubmed')]: new Date(start.getTime() + 1 * H).toISOString() });
    expect(duePolls({ reviews: fast, sources: ['pubmed'], lastRunAt: ranSince, now: later, countFrom: start })).toEqual([]);
  });
});
