/**
 * The stream filter and the reanalysis triggers agree: every change that alters an analysis input
 * (a candidate analysable before or after, with a different analysis view) passes the filter, so
 * AWS never misses a reanalysis the local runner would make; and writes that cannot change an
 * analysis (records, events, screening moves of candidates that are not accepted) are dropped.
 * The filter patterns are checked against the predicate on marshalled images, as Lambda matches them.
 */
import fc from 'fast-check';
import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { passesStreamFilter, STREAM_FILTER_PATTERNS } from '../../core/analysis/stream-filter.js';
import { isAnalysable } from '../../core/evidence/candidate.js';

const STATUSES = ['screening', 'conflict', 'extraction', 'accepted', 'excluded', 'withdrawn'];
const extraction = { outcomes: [{ outcome: 'depression' }] };

const candidate = fc.record({
  entity: fc.constant('Candidate'),
  reviewId: fc.constantFrom('dep', 'toString'),
  studyId: fc.constant('s1'),
  status: fc.constantFrom(...STATUSES),
  retracted: fc.boolean(),
  year: fc.integer({ min: 2000, max: 2030 }),
  extraction: fc.option(fc.constant(extraction), { nil: undefined }),
});
const image = fc.oneof(fc.constant(null), candidate, fc.record({ entity: fc.constantFrom('Record', 'Event', 'Checkpoint'), status: fc.constantFrom(...STATUSES) }));

/** Lambda's matching of one pattern against a marshalled stream record (exact-value lists only). */
function matches(pattern: unknown, value: unknown): boolean {
  if (Array.isArray(pattern)) return pattern.includes(value);
  if (typeof pattern !== 'object' || pattern === null) return false;
  if (typeof value !== 'object' || value === null) return false;
  return Object.entries(pattern).every(([k, p]) => matches(p, (value as Record<string, unknown>)[k]));
}
const lambdaWouldInvoke = (oldImage: unknown, newImage: unknown) => {
  const record = { dynamodb: { ...(oldImage ? { OldImage: marshall(oldImage, { removeUndefinedValues: true }) } : {}), ...(newImage ? { NewImage: marshall(newImage, { removeUndefinedValues: true }) } : {}) } };
  return STREAM_FILTER_PATTERNS.some((p) => matches(p, record));
};

describe('stream filter', () => {
  it('property: an analysis-input change always passes; the patterns and the predicate agree', () => {
    fc.assert(
      fc.property(image, image, (oldImage, newImage) => {
        const change = { oldImage: oldImage as Record<string, unknown> | null, newImage: newImage as Record<string, unknown> | null };
        const analysable = (i: unknown) => !!i && (i as { entity?: string }).entity === 'Candidate' && isAnalysable(i as never);
        if (analysable(oldImage) || analysable(newImage)) expect(passesStreamFilter(change)).toBe(true);
        expect(lambdaWouldInvoke(oldImage, newImage)).toBe(passesStreamFilter(change));
      }),
      { numRuns: 2000, seed: 14 },
    );
  });

  it('drops screening moves, records and events; keeps accept, withdraw and edits of accepted studies', () => {
    const c = (status: string) => ({ entity: 'Candidate', reviewId: 'dep', studyId: 's', status, extraction });
    expect(passesStreamFilter({ oldImage: c('screening'), newImage: c('extraction') })).toBe(false);
    expect(passesStreamFilter({ oldImage: c('screening'), newImage: c('excluded') })).toBe(false);
    expect(passesStreamFilter({ oldImage: null, newImage: { entity: 'Record', status: 'accepted' } })).toBe(false);
    expect(passesStreamFilter({ oldImage: c('extraction'), newImage: c('accepted') })).toBe(true);
    expect(passesStreamFilter({ oldImage: c('accepted'), newImage: c('withdrawn') })).toBe(true);
    expect(passesStreamFilter({ oldImage: c('accepted'), newImage: c('accepted') })).toBe(true);
    expect(STREAM_FILTER_PATTERNS).toHaveLength(2);
  });
});
