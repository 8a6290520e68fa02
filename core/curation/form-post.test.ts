import { describe, expect, it } from 'vitest';
import { ALL_REVIEWS } from '../../reviews/index.js';
import { postedForm } from './form-post.js';

const base = ALL_REVIEWS[0];
// A review whose lead named moderators like built-in object members: valid names (data is never a key).
const review = {
  ...base,
  moderators: [...base.moderators, { id: '__proto__', label: 'Proto', type: 'continuous' }, { id: 'constructor', label: 'Ctor', type: 'categorical', levels: ['a', 'b'] }],
} as typeof base;

describe('postedForm (a no-JavaScript post of the extraction form)', () => {
  it('keeps moderators named __proto__ and constructor as own fields, numbers as numbers', () => {
    const p = postedForm({ 'moderators.__proto__': '3', 'moderators.constructor': 'b', 'arms[0].id': 'a1', 'arms[0].nRandomised': '40' }, review);
    const mods = p.form.moderators as Record<string, unknown>;
    expect(Object.hasOwn(mods, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(mods, '__proto__')?.value).toBe(3);
    expect(Object.getPrototypeOf(mods)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(mods, 'constructor')?.value).toBe('b');
    // what the JSON API would receive for the same values
    expect(JSON.stringify(p.form.moderators)).toBe(JSON.stringify(JSON.parse('{"__proto__":3,"constructor":"b"}')));
    expect(p.form.arms).toEqual([{ id: 'a1', nRandomised: 40 }]);
    expect(p.unknown).toEqual([]);
  });

  it('names a posted field the form does not have, and does not store it', () => {
    const p = postedForm({ __proto__x: '1', 'arms[99].label': 'x', 'moderators.nope': '1' }, review);
    expect(p.unknown.map((u) => u.path).sort()).toEqual(['__proto__x', 'arms[99].label', 'moderators.nope']);
    expect(p.form).toEqual({ arms: [], outcomes: [], moderators: {} });
  });
});
