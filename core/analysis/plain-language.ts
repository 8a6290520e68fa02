/**
 * One plain-language sentence per pooled outcome, in the wording of GRADE guidance 26 (Santesso et
 * al., J Clin Epidemiol 2020;119:126-135): certainty × size of the effect. Pure. Rules in
 * docs/methods.md ("Plain language").
 */
import type { CertaintyRating, EffectSize, PlainLanguage } from './fields.js';
import { signedFixed } from './numbers.js';
import { inSentence } from '../evidence/text.js';

/** Conventional SMD boundaries (Cohen) used when a review sets no thresholds of its own. */
export const DEFAULT_SIZE_THRESHOLDS = { small: 0.2, moderate: 0.5, large: 0.8 } as const;
export const DEFAULT_SUBJECT = 'digital interventions';

export interface SizeThresholds {
  small: number;
  moderate: number;
  large: number;
}

export interface PlainLanguageInput {
  certainty: CertaintyRating;
  /** pooled SMD as analysed (sign on the scale of the outcome) */
  estimate: number;
  ciLower: number;
  ciUpper: number;
  direction: 'lower-is-better' | 'higher-is-better';
  outcomeLabel: string;
  /** plural noun phrase, e.g. "self-guided digital interventions" */
  subject?: string;
  mid?: number;
  thresholds?: SizeThresholds;
  reference?: { instrument: string; sd: number; source?: string };
}

/**
 * The boundaries used: an effect below `small` is trivial. `small` is the MID when set (the
 * smallest difference that matters), else the review's small threshold, else 0.2.
 */
export function sizeThresholds(mid?: number, thresholds?: SizeThresholds): SizeThresholds {
  const t = thresholds ?? DEFAULT_SIZE_THRESHOLDS;
  return { small: mid ?? t.small, moderate: t.moderate, large: t.large };
}

/** Size class of an SMD by its magnitude. */
export function sizeOf(smd: number, t: SizeThresholds): Exclude<EffectSize, 'unclear'> {
  const a = Math.abs(smd);
  if (a >= t.large) return 'large';
  if (a >= t.moderate) return 'moderate';
  if (a >= t.small) return 'small';
  return 'trivial';
}

function upperFirst(s: string): string {
  return s ? s[0].toUpperCase() + s.slice(1) : s;
}

const HEDGE: Record<Exclude<CertaintyRating, 'very-low'>, string> = { high: '', moderate: 'probably ', low: 'may ' };

/** The GRADE 26 statement. `size` 'unclear' only with very low certainty. */
export function statement(certainty: CertaintyRating, size: EffectSize, verb: 'reduce' | 'increase', outcome: string, subject = DEFAULT_SUBJECT): string {
  const s = upperFirst(subject);
  const o = inSentence(outcome);
  if (certainty === 'very-low') return `The evidence is very uncertain about the effect of ${subject} on ${o}.`;
  const hedge = HEDGE[certainty];
  if (size === 'trivial' || size === 'unclear') return `${s} ${hedge}make little or no difference to ${o}.`;
  return `${s} ${hedge}${verb} ${o}${size === 'small' ? ' slightly' : ''}.`;
}

const f1 = (x: number) => (Math.abs(x) < 0.05 ? '0' : signedFixed(x, 1));

export function plainLanguage(x: PlainLanguageInput): PlainLanguage {
  const t = sizeThresholds(x.mid, x.thresholds);
  const measured = sizeOf(x.estimate, t);
  const size: EffectSize = x.certainty === 'very-low' ? 'unclear' : measured;
  const benefitSign = x.direction === 'lower-is-better' ? -1 : 1;
  const direction: PlainLanguage['direction'] = measured === 'trivial' ? 'none' : Math.sign(x.estimate) === benefitSign ? 'benefit' : 'harm';
  const verb = x.estimate < 0 ? 'reduce' : 'increase';
  const out: PlainLanguage = { sentence: statement(x.certainty, size, verb, x.outcomeLabel, x.subject), size, direction };
  if (x.reference) {
    const { instrument, sd } = x.reference;
    const pts = x.estimate * sd;
    const lo = x.ciLower * sd;
    const hi = x.ciUpper * sd;
    const word = (v: number) => (v < 0 ? 'lower' : 'higher');
    const range = `95% CI ${f1(lo)} to ${f1(hi)} points`;
    out.translation =
      `On the ${instrument} (standard deviation about ${sd} points), an SMD of ${signedFixed(x.estimate, 2)} is about ${f1(Math.abs(pts))} points ${word(pts)} ` +
      `with the intervention than with the comparison (${range})${x.mid !== undefined ? `; the minimal important difference of ${x.mid} SMD is about ${f1(x.mid * sd)} points` : ''}.`;
  }
  return out;
}
