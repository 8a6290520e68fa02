import { describe, expect, it } from 'vitest';
import { parsePublishMessage, planPublish, PublishMessageError } from './decide.js';

describe('planPublish', () => {
  it('names every review once and measures from the oldest request', () => {
    const plan = planPublish([
      { messageId: 'm1', sentAt: 2000, reviewIds: ['b', 'a'] },
      { messageId: 'm2', sentAt: 1000, reviewIds: ['a'] },
      { messageId: 'm3', sentAt: 3000, reviewIds: ['toString', 'constructor'] },
    ]);
    expect(plan).toEqual({ reviewIds: ['a', 'b', 'constructor', 'toString'], oldestSentAt: 1000, messages: 3 });
    expect(() => planPublish([])).toThrow(/no requests/);
  });
});

describe('parsePublishMessage', () => {
  it('accepts {"reviewIds": [...]} and trims the ids', () => {
    expect(parsePublishMessage('{"reviewIds":[" a ","b"]}')).toEqual({ reviewIds: ['a', 'b'] });
  });
  it.each([
    ['not json', 'body'],
    ['[1]', 'body'],
    ['{}', 'reviewIds'],
    ['{"reviewIds":[]}', 'reviewIds'],
    ['{"reviewIds":["a", 3]}', 'reviewIds[1]'],
    ['{"reviewIds":["a", "  "]}', 'reviewIds[1]'],
  ])('%s → an error naming %s', (body, field) => {
    try {
      parsePublishMessage(body);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(PublishMessageError);
      expect((err as PublishMessageError).field).toBe(field);
    }
  });
});
