import { describe, expect, it } from 'vitest';
import { concernsCount, decideRob2, proposeRob2Overall, type RobJudgement } from './rob2.js';

const d = (s: string) => Object.fromEntries([...s].map((c, i) => [`D${i + 1}`, ({ L: 'low', S: 'some', H: 'high' } as const)[c as 'L' | 'S' | 'H']])) as Record<string, RobJudgement>;

describe('RoB 2 algorithm: the proposed overall judgement', () => {
  // domains D1..D5 as L(ow) / S(ome concerns) / H(igh) → proposal
  const table: [string, RobJudgement][] = [
    ['LLLLL', 'low'],
    ['SLLLL', 'some'],
    ['LLLLS', 'some'],
    ['SSLLL', 'some'],
    ['SSSSS', 'some'],
    ['HLLLL', 'high'],
    ['LLLLH', 'high'],
    ['SSSSH', 'high'],
    ['HHHHH', 'high'],
  ];
  it.each(table)('%s → %s', (domains, want) => {
    expect(proposeRob2Overall(d(domains))).toBe(want);
  });
  it('proposes nothing while a domain is unjudged', () => {
    expect(proposeRob2Overall({ D1: 'low', D2: 'low', D3: 'low', D4: 'low' })).toBeUndefined();
    expect(proposeRob2Overall({})).toBeUndefined();
  });
  it('counts the domains with some concerns', () => {
    expect(concernsCount(d('SSLHS'))).toBe(3);
  });
});

describe('RoB 2: the curator’s overall judgement', () => {
  // domains, chosen overall, reason → overall that counts and its basis, or the field that errs
  const table: [string, RobJudgement | undefined, string | undefined, RobJudgement | string, string?][] = [
    ['LLLLL', undefined, undefined, 'low', 'algorithm'],
    ['SLLLL', 'some', undefined, 'some', 'algorithm'],
    ['SSLLL', 'high', undefined, 'high', 'several-concerns'], // the guidance's option: several concerns → high
    ['SLLLL', 'high', undefined, 'rob.overrideReason'], // one concern: raising it is an override
    ['SLLLL', 'high', 'blinding failed badly', 'high', 'override'],
    ['HLLLL', 'low', undefined, 'rob.overrideReason'],
    ['HLLLL', 'low', '  ', 'rob.overrideReason'],
    ['LLLLL', 'some', 'industry funding', 'some', 'override'],
  ];
  it.each(table)('%s, chosen %s, reason %s → %s (%s)', (domains, chosen, reason, want, basis) => {
    const r = decideRob2(d(domains), chosen, reason);
    if (basis) {
      expect(r.errors).toEqual([]);
      expect(r.decision).toMatchObject({ overall: want, basis, proposed: proposeRob2Overall(d(domains)) });
    } else {
      expect(r.decision).toBeUndefined();
      expect(r.errors.map((e) => e.path)).toEqual([want]);
      expect(r.errors[0].message).toMatch(/say why/);
    }
  });
  it('names each missing domain in plain words, and unknown domains', () => {
    const r = decideRob2({ D1: 'low', D3: 'high', D9: 'low' }, 'high', undefined);
    expect(r.decision).toBeUndefined();
    expect(r.errors.map((e) => e.path)).toEqual(['rob.domains.D2', 'rob.domains.D4', 'rob.domains.D5', 'rob.domains.D9']);
    expect(r.errors[0].message).toBe('judge D2 (deviations from intended interventions): RoB 2 needs all five domains');
  });
});
