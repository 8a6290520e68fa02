import { describe, expect, it } from 'vitest';
import { decidePublish, parsePublishMessage, PublishMessageError, type BuildSummary, type PublishRequest } from './decide.js';

const T0 = Date.parse('2026-03-01T10:00:00Z');
const min = 60_000;
const req = (messageId: string, sentAt: number, ...reviewIds: string[]): PublishRequest => ({ messageId, sentAt, reviewIds });
const build = (id: string, status: string, startTime?: number): BuildSummary => ({ id, status, ...(startTime !== undefined ? { startTime } : {}) });

describe('decidePublish', () => {
  it('starts a build when nothing runs, naming every review once', () => {
    const d = decidePublish([req('m1', T0, 'b', 'a'), req('m2', T0 + min, 'a')], []);
    expect(d).toMatchObject({ action: 'start', reviewIds: ['a', 'b'], reason: 'no build in progress' });
  });

  it('skips when a running build started after the newest request was sent', () => {
    const d = decidePublish([req('m1', T0, 'a'), req('m2', T0 + 2 * min, 'b')], [build('p:new', 'IN_PROGRESS', T0 + 3 * min)]);
    expect(d).toMatchObject({ action: 'skip', coveredBy: 'p:new', reviewIds: ['a', 'b'] });
  });

  it('a build started exactly when the newest request was sent covers it (snapshots were written before the send)', () => {
    expect(decidePublish([req('m1', T0, 'a')], [build('p:x', 'IN_PROGRESS', T0)]).action).toBe('skip');
  });

  it('starts when the running build started after the oldest but before the newest request', () => {
    const d = decidePublish([req('m1', T0, 'a'), req('m2', T0 + 5 * min, 'b')], [build('p:mid', 'IN_PROGRESS', T0 + min)]);
    expect(d.action).toBe('start');
    expect(d.reason).toMatch(/1 build\(s\) in progress started before/);
  });

  it('starts when the only builds that started later have already finished (or failed)', () => {
    const builds = ['SUCCEEDED', 'FAILED', 'STOPPED', 'FAULT', 'TIMED_OUT'].map((s, i) => build(`p:${i}`, s, T0 + (i + 1) * min));
    expect(decidePublish([req('m1', T0, 'a')], builds).action).toBe('start');
  });

  it('ignores builds without a start time and picks the earliest covering build', () => {
    const d = decidePublish(
      [req('m1', T0, 'a')],
      [build('p:nostart', 'IN_PROGRESS'), build('p:later', 'IN_PROGRESS', T0 + 4 * min), build('p:sooner', 'IN_PROGRESS', T0 + 2 * min)],
    );
    expect(d).toMatchObject({ action: 'skip', coveredBy: 'p:sooner' });
  });

  it('refuses an empty batch', () => {
    expect(() => decidePublish([], [])).toThrow(/no requests/);
  });
});

describe('parsePublishMessage', () => {
  it('accepts {"reviewIds": [...]} and trims the ids', () => {
    expect(parsePublishMessage('{"reviewIds":[" a ","b"]}')).toEqual({ reviewIds: ['a', 'b'] });
  });

  it.each([
    ['not json', 'body'],
    ['[1]', 'body'],
    ['{"reviewId":"a"}', 'reviewIds'],
    ['{"reviewIds":[]}', 'reviewIds'],
    ['{"reviewIds":"a"}', 'reviewIds'],
    ['{"reviewIds":["a", 3]}', 'reviewIds[1]'],
    ['{"reviewIds":["a", " "]}', 'reviewIds[1]'],
  ])('rejects %s naming the field %s', (body, field) => {
    try {
      parsePublishMessage(body);
      expect.unreachable('should have thrown');
    } catch (err) {
      expect(err).toBeInstanceOf(PublishMessageError);
      expect((err as PublishMessageError).field).toBe(field);
      expect((err as Error).message).toContain(field);
    }
  });
});
