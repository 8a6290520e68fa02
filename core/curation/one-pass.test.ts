/** Extraction in one pass: one source per fact, RoB 2 in the form, previews of what is computable, labels, adjudication. */
import { describe, expect, it } from 'vitest';
import { ALL_REVIEWS } from '../../reviews/index.js';
import { formArms, formRow } from '../../test/fixtures/builders.js';
import { analysesEntered } from '../analysis/entry.js';
import { escalcSMD } from '../meta/effects.js';
import { adjudicate, compareDrafts } from './adjudicate.js';
import { buildExtraction } from './extraction.js';
import { derivedModerators, withDerivedModerators } from './facts.js';
import { fieldLabel } from './field-labels.js';

const review = ALL_REVIEWS.find((r) => r.id === 'selfguided-depression')!;
const row = formRow;
const arms = formArms();

describe('one source of truth per fact', () => {
  it('the year and RoB moderators of the review are derived, not entered', () => {
    expect([...derivedModerators(review)]).toEqual([
      ['rob', 'rob'],
      ['year', 'year'],
    ]);
  });
  it('the accepted extraction carries them from the year field and the RoB section', () => {
    const r = buildExtraction({ arms, outcomes: [row()], year: 2021, rob: { domains: { D1: 'low', D2: 'some', D3: 'low', D4: 'some', D5: 'low' } }, moderators: { format: review.moderators.find((m) => m.id === 'format' && m.type === 'categorical') ? 'internet' : 'x' } }, review);
    expect(r.errors).toEqual([]);
    expect(r.extraction!.moderators).toMatchObject({ year: 2021, rob: 'some' });
    expect(r.extraction!.rob).toMatchObject({ overall: 'some', proposed: 'some', basis: 'algorithm' });
  });
  it('a moderator restating a fact differently is refused, naming where the fact is entered', () => {
    const r = buildExtraction({ arms, outcomes: [row()], year: 2021, moderators: { year: 2019 } }, review);
    expect(r.errors).toContainEqual({ path: 'moderators["year"]', message: 'entered once, as "Publication year" (2021): leave this moderator out' });
  });
  it('stored studies: the fact wins over a stale moderator; an imported value stays when the fact is unknown', () => {
    expect(withDerivedModerators(review, { year: 1999, rob: 'low', format: 'x' }, { year: 2020, robOverall: 'high' })).toEqual({ year: 2020, rob: 'high', format: 'x' });
    expect(withDerivedModerators(review, { rob: 'low' }, {})).toEqual({ rob: 'low' });
  });
});

describe('the preview computes whatever is computable', () => {
  it('an unfinished RoB section and a missing arm name do not hide the effect size', () => {
    const r = buildExtraction({ arms: [{ id: 'a1', role: 'intervention' }], outcomes: [row()], rob: { domains: { D1: 'low' }, overall: 'low' } }, review);
    expect(r.extraction).toBeUndefined();
    expect(r.outcomes[0]?.effect.yi).toBe(escalcSMD({ n1: 50, m1: 8.1, sd1: 4.2, n2: 55, m2: 10.3, sd2: 4.8 }).yi);
    expect(r.errors.map((e) => `${e.path}: ${e.message}`)).toEqual(
      expect.arrayContaining(['arms[0].label: required', 'rob.domains.D2: judge D2 (deviations from intended interventions): RoB 2 needs all five domains']),
    );
    expect(r.errors.some((e) => /Invalid input|expected/.test(e.message))).toBe(false);
  });
  it('an instrument outside the review’s list is kept when marked "other", and enters no analysis until a lead maps it', () => {
    expect(buildExtraction({ arms, outcomes: [row({ instrument: 'My own scale' })] }, review).errors.map((e) => e.path)).toEqual(['outcomes[0].instrument']);
    const r = buildExtraction({ arms, outcomes: [row({ instrument: 'My own scale', instrumentOther: true, interventionArm: 'a1', controlArm: 'a2' })] }, review);
    expect(r.errors).toEqual([]);
    const entries = analysesEntered(review, r.extraction);
    expect(entries.find((e) => e.outcomeId === 'depression')).toMatchObject({ enters: false, reason: expect.stringMatching(/"My own scale" not in the review's list .*a lead maps it/) });
  });
});

describe('field labels', () => {
  const form = { arms, outcomes: [row()] };
  it.each([
    ['arms[1].dropouts', 'Arm 2 (Waitlist): dropouts (attrition)'],
    ['outcomes[0].control.sd', 'Outcome row 1 (Depressive symptoms, post, PHQ-9): SD, control arm'.replace('Depressive symptoms', review.outcomes[0].label)],
    ['outcomes[0].timepoint', `Outcome row 1 (${review.outcomes[0].label}, post, PHQ-9): Time point`],
    ['rob.domains.D3', 'Risk of bias: D3 missing outcome data'],
    ['moderators.year', 'Moderator: Publication year'],
    ['year', 'Publication year'],
  ])('%s → %s', (path, want) => {
    expect(fieldLabel(path, review, form)).toBe(want);
  });
});

describe('adjudication', () => {
  const alice = { arms: [arms[0], { ...arms[1], dropouts: 5 }], outcomes: [row()], year: 2021 };
  const bob = { arms: [arms[0], { ...arms[1], dropouts: 7 }], outcomes: [row({ control: { n: 55, mean: 10.5, sd: 4.8 } })], year: 2021 };
  it('lists the differing fields only', () => {
    expect(compareDrafts({ alice, bob }).map((d) => [d.path, d.values.alice, d.values.bob])).toEqual([
      ['arms[1].dropouts', 5, 7],
      ['outcomes[0].control.mean', 10.3, 10.5],
    ]);
  });
  it('adopts a value per field or a typed third one', () => {
    const r = adjudicate({ alice, bob }, 'alice', [
      { path: 'arms[1].dropouts', from: 'bob' },
      { path: 'outcomes[0].control.mean', from: 'typed', value: 10.4 },
    ]);
    expect(r.errors).toEqual([]);
    expect(r.form).toMatchObject({ arms: [arms[0], { dropouts: 7 }], outcomes: [{ control: { mean: 10.4 } }], year: 2021 });
  });
  it('every differing field needs a choice, named by its label', () => {
    const r = adjudicate({ alice, bob }, 'alice', [{ path: 'year', from: 'bob' }], (p) => fieldLabel(p, review, alice));
    expect(r.form).toBeUndefined();
    expect(r.errors.map((e) => e.message)).toEqual([
      '"Publication year" does not differ between the drafts',
      'choose a value for "Arm 2 (Waitlist): dropouts (attrition)"',
      expect.stringMatching(/^choose a value for "Outcome row 1 .*: Mean, control arm"$/),
    ]);
  });
  it('needs two drafts', () => {
    expect(adjudicate({ alice }, 'alice', []).errors[0].message).toMatch(/two extractors/);
  });
});
