import { describe, expect, it } from 'vitest';
import {
  applyJudgements,
  certaintyOf,
  imprecisionDomain,
  inconsistencyDomain,
  optimalInformationSize,
  proposeDomains,
  publicationBiasDomain,
  ratingOf,
  riskOfBiasDomain,
  type GradeInput,
} from './grade.js';
import type { GradeDomain, GradeJudgement } from './fields.js';

const sizeOf = (v: number) => (Math.abs(v) >= 0.8 ? 'large' : Math.abs(v) >= 0.5 ? 'moderate' : Math.abs(v) >= 0.24 ? 'small' : 'trivial');

describe('risk of bias: weight share at high risk / with concerns', () => {
  // [weights and judgements, expected downgrade]
  const cases: [string, GradeInput['studies'], 0 | 1 | 2][] = [
    ['all low', [{ weight: 50, rob: 'low' }, { weight: 50, rob: 'low' }], 0],
    ['25% high, rest low (at the threshold)', [{ weight: 25, rob: 'high' }, { weight: 75, rob: 'low' }], 0],
    ['26% high', [{ weight: 26, rob: 'high' }, { weight: 74, rob: 'low' }], 1],
    ['50% some concerns (at the threshold)', [{ weight: 50, rob: 'some' }, { weight: 50, rob: 'low' }], 0],
    ['51% some concerns', [{ weight: 51, rob: 'some' }, { weight: 49, rob: 'low' }], 1],
    ['51% not assessed counts as concerns', [{ weight: 51 }, { weight: 49, rob: 'low' }], 1],
    ['50% high (at the threshold for two)', [{ weight: 50, rob: 'high' }, { weight: 50, rob: 'low' }], 1],
    ['51% high', [{ weight: 51, rob: 'high' }, { weight: 49, rob: 'low' }], 2],
    ['weights are relative (sum 2)', [{ weight: 1.02, rob: 'high' }, { weight: 0.98, rob: 'low' }], 2],
  ];
  for (const [name, studies, expected] of cases) {
    it(name, () => {
      const d = riskOfBiasDomain(studies);
      expect(d.downgrade).toBe(expected);
      expect(d.reason).toMatch(/% of the weight/);
    });
  }
  it('no weights: nothing judged', () => expect(riskOfBiasDomain([{ weight: null, rob: 'high' }]).downgrade).toBe(0));
});

describe('inconsistency: I² and the prediction interval', () => {
  const base = { k: 10, ciLower: 0.3, ciUpper: 0.6, mid: 0.24 };
  const cases: [string, Partial<GradeInput>, 0 | 1 | 2][] = [
    ['I² 49%, PI above 0', { i2: 49, piLower: 0.05, piUpper: 0.9 }, 0],
    ['I² 50%', { i2: 50, piLower: 0.05, piUpper: 0.9 }, 1],
    ['I² 30%, PI crosses 0 while CI does not', { i2: 30, piLower: -0.1, piUpper: 1 }, 1],
    ['I² 30%, PI crosses 0 and so does the CI (imprecision, not inconsistency)', { i2: 30, piLower: -0.3, piUpper: 0.8, ciLower: -0.05, ciUpper: 0.5 }, 0],
    ['I² 80%, PI from important benefit to important harm', { i2: 80, piLower: -0.3, piUpper: 1.2 }, 2],
    ['I² 80%, PI crosses 0 but not the harm MID', { i2: 80, piLower: -0.2, piUpper: 1.2 }, 1],
    ['I² 74.9%, PI spans both MIDs', { i2: 74.9, piLower: -0.3, piUpper: 1.2 }, 1],
    ['I² 80%, PI not shown (k < 3)', { i2: 80, piLower: null, piUpper: null }, 1],
    ['single study', { k: 1, i2: null, piLower: null, piUpper: null }, 0],
  ];
  for (const [name, x, expected] of cases) {
    it(name, () => expect(inconsistencyDomain({ ...base, piLower: null, piUpper: null, i2: null, ...x } as GradeInput).downgrade).toBe(expected));
  }
});

describe('imprecision: CI against no effect and the MID; optimal information size', () => {
  it('OIS for the depression MID (SMD 0.24, α .05 two-sided, power .8) is 4(z.975 + z.8)²/d²', () => {
    expect(optimalInformationSize(0.24)).toBe(Math.ceil((4 * (1.959963984540054 + 0.8416212335729143) ** 2) / 0.24 ** 2));
    expect(optimalInformationSize(0.24)).toBe(546);
    expect(optimalInformationSize(0.5)).toBe(126);
  });
  const cases: [string, Partial<GradeInput>, 0 | 1 | 2][] = [
    ['CI clear of 0 and the MID, OIS met', { ciLower: 0.3, ciUpper: 0.6, participants: 600 }, 0],
    ['OIS met by the known participants alone', { ciLower: 0.3, ciUpper: 0.6, participants: null, participantsKnown: 546 }, 0],
    ['OIS unknown (some n missing, known below)', { ciLower: 0.3, ciUpper: 0.6, participants: null, participantsKnown: 100 }, 0],
    ['OIS not met', { ciLower: 0.3, ciUpper: 0.6, participants: 545 }, 1],
    ['CI crosses the MID', { ciLower: 0.1, ciUpper: 0.6, participants: 600 }, 1],
    ['CI crosses 0', { ciLower: -0.05, ciUpper: 0.2, participants: 600 }, 1],
    ['CI crosses 0 and the MID, OIS met', { ciLower: -0.05, ciUpper: 0.4, participants: 600 }, 1],
    ['CI crosses 0 and the MID, OIS not met', { ciLower: -0.05, ciUpper: 0.4, participants: 200 }, 2],
    ['CI includes important benefit and important harm', { ciLower: -0.3, ciUpper: 0.4, participants: 600 }, 2],
    ['no MID: only the CI against 0', { ciLower: 0.01, ciUpper: 0.3, participants: 20, mid: undefined }, 0],
    ['no MID, CI crosses 0', { ciLower: -0.01, ciUpper: 0.3, participants: 20, mid: undefined }, 1],
  ];
  for (const [name, x, expected] of cases) {
    it(name, () => {
      const d = imprecisionDomain({ mid: 0.24, participants: null, ciLower: 0, ciUpper: 0, ...x } as GradeInput);
      expect(d.downgrade).toBe(expected);
      expect(d.reason).toMatch(/95% CI/);
    });
  }
});

describe('reasons quote numbers on the scale the reader sees (shownSign)', () => {
  const lowerIsBetter = { k: 12, i2: 60, mid: 0.24, participants: 100, ciLower: 0.1, ciUpper: 0.7, piLower: -0.2, piUpper: 1.1, shownSign: -1 as const };
  it('a lower-is-better outcome: CI, prediction interval and MID with their signs turned back', () => {
    expect(inconsistencyDomain(lowerIsBetter).reason).toContain('the prediction interval runs from −1.10 to 0.20');
    const imp = imprecisionDomain(lowerIsBetter).reason;
    expect(imp).toContain('the 95% CI runs from −0.70 to −0.10');
    expect(imp).toContain('the minimal important difference (−0.24)');
    expect(imp).toContain('to detect an SMD of 0.24');
  });
  it('the default (and a higher-is-better outcome) quotes them as given; judgements do not change', () => {
    const higher = { ...lowerIsBetter, shownSign: 1 as const };
    expect(inconsistencyDomain(higher).reason).toContain('the prediction interval runs from −0.20 to 1.10');
    expect(imprecisionDomain(higher).reason).toContain('the 95% CI runs from 0.10 to 0.70');
    expect(inconsistencyDomain(higher).downgrade).toBe(inconsistencyDomain(lowerIsBetter).downgrade);
    expect(imprecisionDomain(higher).downgrade).toBe(imprecisionDomain(lowerIsBetter).downgrade);
  });
  it('trim-and-fill estimates, and no "−0.00"', () => {
    const pb = publicationBiasDomain({ k: 12, estimate: 0.1, eggerP: 0.5, trimFillEstimate: -0.001, sizeOf, shownSign: -1 });
    expect(pb.reason).toContain('from −0.10 (');
    expect(pb.reason).toContain(') to 0.00 (');
  });
});

describe('publication bias: Egger p < .10 with k ≥ 10, trim-and-fill across a threshold', () => {
  const cases: [string, Partial<GradeInput>, 0 | 1][] = [
    ['k = 9: not judged from the data', { k: 9, eggerP: 0.001, trimFillEstimate: 0 }, 0],
    ['Egger p .099', { eggerP: 0.099 }, 1],
    ['Egger p .10', { eggerP: 0.1 }, 0],
    ['trim-and-fill keeps the size class', { eggerP: 0.5, trimFillEstimate: 0.55 }, 0],
    ['trim-and-fill moves moderate → small', { eggerP: 0.5, trimFillEstimate: 0.45 }, 1],
    ['trim-and-fill moves across no effect', { estimate: 0.1, eggerP: 0.5, trimFillEstimate: -0.1 }, 1],
  ];
  for (const [name, x, expected] of cases) {
    it(name, () => expect(publicationBiasDomain({ k: 12, estimate: 0.6, eggerP: null, trimFillEstimate: null, sizeOf, ...x }).downgrade).toBe(expected));
  }
});

describe('rating and leads', () => {
  const d = (downgrades: number[]): GradeDomain[] =>
    downgrades.map((g, i) => ({ domain: (['risk-of-bias', 'inconsistency', 'imprecision', 'publication-bias', 'indirectness'] as const)[i], label: 'x', downgrade: g as 0 | 1 | 2, reason: 'r', source: 'data' }));
  it.each([
    [[0, 0, 0, 0, 0], 'high'],
    [[1, 0, 0, 0, 0], 'moderate'],
    [[1, 1, 0, 0, 0], 'low'],
    [[0, 2, 0, 0, 0], 'low'],
    [[1, 2, 0, 0, 0], 'very-low'],
    [[2, 2, 2, 1, 0], 'very-low'],
  ] as const)('downgrades %j → %s (floor very low)', (g, rating) => expect(ratingOf(d([...g]))).toBe(rating));

  const input: GradeInput = {
    k: 12, estimate: 0.6, ciLower: 0.4, ciUpper: 0.8, piLower: 0.1, piUpper: 1.1, i2: 20, participants: 1000, mid: 0.24,
    studies: [{ weight: 100, rob: 'low' }], eggerP: 0.5, trimFillEstimate: 0.6, sizeOf,
  };
  const j = (domain: GradeJudgement['domain'], action: GradeJudgement['action'], downgrade: 0 | 1 | 2, at = '2026-11-01T00:00:00Z'): GradeJudgement => ({ domain, action, downgrade, reason: `because ${domain}`, by: 'lead-1', at });

  it('without judgements: proposed, with the footnote saying so', () => {
    const c = certaintyOf(input);
    expect(c.rating).toBe('high');
    expect(c.status).toBe('proposed');
    expect(c.footnotes.at(-1)).toMatch(/not yet confirmed/);
    expect(proposeDomains(input).every((x) => x.source === 'data')).toBe(true);
  });
  it('an override sets the domain with the lead, time and reason; every domain judged → confirmed', () => {
    const all = [j('risk-of-bias', 'confirm', 0), j('inconsistency', 'confirm', 0), j('imprecision', 'confirm', 0), j('publication-bias', 'confirm', 0), j('indirectness', 'override', 1)];
    const c = certaintyOf(input, all);
    expect(c.status).toBe('confirmed');
    expect(c.rating).toBe('moderate');
    const ind = c.domains.find((x) => x.domain === 'indirectness')!;
    expect(ind).toMatchObject({ downgrade: 1, source: 'lead', by: 'lead-1', at: '2026-11-01T00:00:00Z' });
    expect(ind.reason).toMatch(/because indirectness/);
    expect(c.footnotes.join(' ')).toMatch(/Downgraded one level for indirectness/);
  });
  it('the latest judgement of a domain wins', () => {
    const r = applyJudgements(proposeDomains(input), [j('indirectness', 'override', 2, '2026-11-02T00:00:00Z'), j('indirectness', 'override', 1, '2026-11-01T00:00:00Z')]);
    expect(r.domains.find((x) => x.domain === 'indirectness')!.downgrade).toBe(2);
  });
  it('a confirmation the data no longer support is stale: back to the proposal, said in a footnote', () => {
    const c = certaintyOf({ ...input, i2: 60 }, [j('inconsistency', 'confirm', 0)]);
    const inc = c.domains.find((x) => x.domain === 'inconsistency')!;
    expect(inc).toMatchObject({ downgrade: 1, source: 'data' });
    expect(c.footnotes.join(' ')).toMatch(/awaiting a new judgement/);
  });
});
