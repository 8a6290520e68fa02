import { describe, expect, it } from 'vitest';
import { plainLanguage, sizeOf, sizeThresholds, statement } from './plain-language.js';
import type { CertaintyRating, EffectSize } from './fields.js';

describe('size against the MID and the review thresholds', () => {
  const cases: [number, number | undefined, { small: number; moderate: number; large: number } | undefined, EffectSize][] = [
    [0.23, 0.24, undefined, 'trivial'],
    [0.24, 0.24, undefined, 'small'],
    [-0.49, 0.24, undefined, 'small'],
    [-0.5, 0.24, undefined, 'moderate'],
    [0.8, 0.24, undefined, 'large'],
    [0.19, undefined, undefined, 'trivial'],
    [0.2, undefined, undefined, 'small'],
    [0.35, undefined, { small: 0.1, moderate: 0.3, large: 0.6 }, 'moderate'],
    [0.35, 0.4, { small: 0.1, moderate: 0.3, large: 0.6 }, 'moderate'],
    [0.09, undefined, { small: 0.1, moderate: 0.3, large: 0.6 }, 'trivial'],
    [0.6, undefined, { small: 0.1, moderate: 0.3, large: 0.6 }, 'large'],
  ];
  it.each(cases)('SMD %d with MID %s and thresholds %j → %s', (smd, mid, t, size) => expect(sizeOf(smd, sizeThresholds(mid, t))).toBe(size));
});

describe('GRADE guidance 26 wording: every certainty × size', () => {
  // [certainty, estimate on a lower-is-better outcome (MID 0.24), size, sentence]
  const cases: [CertaintyRating, number, EffectSize, string][] = [
    ['high', -0.9, 'large', 'Self-guided apps reduce depressive symptoms.'],
    ['high', -0.6, 'moderate', 'Self-guided apps reduce depressive symptoms.'],
    ['high', -0.3, 'small', 'Self-guided apps reduce depressive symptoms slightly.'],
    ['high', -0.1, 'trivial', 'Self-guided apps make little or no difference to depressive symptoms.'],
    ['moderate', -0.9, 'large', 'Self-guided apps probably reduce depressive symptoms.'],
    ['moderate', -0.6, 'moderate', 'Self-guided apps probably reduce depressive symptoms.'],
    ['moderate', -0.3, 'small', 'Self-guided apps probably reduce depressive symptoms slightly.'],
    ['moderate', -0.1, 'trivial', 'Self-guided apps probably make little or no difference to depressive symptoms.'],
    ['low', -0.9, 'large', 'Self-guided apps may reduce depressive symptoms.'],
    ['low', -0.6, 'moderate', 'Self-guided apps may reduce depressive symptoms.'],
    ['low', -0.3, 'small', 'Self-guided apps may reduce depressive symptoms slightly.'],
    ['low', -0.1, 'trivial', 'Self-guided apps may make little or no difference to depressive symptoms.'],
    ['very-low', -0.9, 'unclear', 'The evidence is very uncertain about the effect of self-guided apps on depressive symptoms.'],
    ['very-low', -0.6, 'unclear', 'The evidence is very uncertain about the effect of self-guided apps on depressive symptoms.'],
    ['very-low', -0.3, 'unclear', 'The evidence is very uncertain about the effect of self-guided apps on depressive symptoms.'],
    ['very-low', -0.1, 'unclear', 'The evidence is very uncertain about the effect of self-guided apps on depressive symptoms.'],
  ];
  it.each(cases)('%s certainty, SMD %d (%s)', (certainty, estimate, size, sentence) => {
    const p = plainLanguage({ certainty, estimate, ciLower: estimate - 0.1, ciUpper: estimate + 0.1, direction: 'lower-is-better', outcomeLabel: 'Depressive symptoms', subject: 'self-guided apps', mid: 0.24 });
    expect(p.size).toBe(size);
    expect(p.sentence).toBe(sentence);
    expect(p.direction).toBe(size === 'trivial' ? 'none' : Math.abs(estimate) >= 0.24 ? 'benefit' : 'none');
  });

  it('direction follows the outcome: a rise in well-being is a benefit, a rise in symptoms a harm', () => {
    const wb = plainLanguage({ certainty: 'moderate', estimate: 0.3, ciLower: 0.1, ciUpper: 0.5, direction: 'higher-is-better', outcomeLabel: 'Well-being' });
    expect(wb).toMatchObject({ direction: 'benefit', sentence: 'Digital interventions probably increase well-being slightly.' });
    const harm = plainLanguage({ certainty: 'low', estimate: 0.6, ciLower: 0.1, ciUpper: 1.1, direction: 'lower-is-better', outcomeLabel: 'Anxiety symptoms' });
    expect(harm).toMatchObject({ direction: 'harm', sentence: 'Digital interventions may increase anxiety symptoms.' });
  });

  it('keeps acronyms and capitalises the subject', () => {
    expect(statement('high', 'small', 'reduce', 'PTSD symptoms', 'internet CBT programmes')).toBe('Internet CBT programmes reduce PTSD symptoms slightly.');
  });
});

describe('clinician translation with a reference instrument', () => {
  it('SMD × SD in points, with the CI and the MID in points', () => {
    const p = plainLanguage({
      certainty: 'low', estimate: -0.56, ciLower: -0.67, ciUpper: -0.45, direction: 'lower-is-better', outcomeLabel: 'Depressive symptoms', mid: 0.24,
      reference: { instrument: 'PHQ-9', sd: 5 },
    });
    expect(p.translation).toBe(
      'On the PHQ-9 (standard deviation about 5 points), an SMD of −0.56 is about 2.8 points lower with the intervention than with the comparison (95% CI −3.4 to −2.3 points); the minimal important difference of 0.24 SMD is about 1.2 points.',
    );
  });
  it('no reference, no translation', () => {
    expect(plainLanguage({ certainty: 'high', estimate: -0.5, ciLower: -0.6, ciUpper: -0.4, direction: 'lower-is-better', outcomeLabel: 'Stress' }).translation).toBeUndefined();
  });
});
