/**
 * RoB 2 (Sterne et al. 2019): the five domains and the tool's algorithm for the overall judgement,
 * which the form proposes and the curator may override only with a reason. Pure.
 *
 *  - low risk        only if every domain is at low risk;
 *  - high risk       if any domain is at high risk;
 *  - some concerns   otherwise — and the curator may raise that to high risk when several domains
 *                    have some concerns that together substantially lower confidence in the result
 *                    (the guidance's own option; recorded with the number of concerns);
 *  - any other overall judgement than the proposal is an override and needs a reason.
 */
import { ROB_JUDGEMENTS } from '../evidence/candidate.js';
import type { FieldError } from './errors.js';

export type RobJudgement = (typeof ROB_JUDGEMENTS)[number];

/** RoB 2 domains for randomised trials. */
export const ROB2_DOMAINS = [
  { id: 'D1', label: 'Randomisation process' },
  { id: 'D2', label: 'Deviations from intended interventions' },
  { id: 'D3', label: 'Missing outcome data' },
  { id: 'D4', label: 'Measurement of the outcome' },
  { id: 'D5', label: 'Selection of the reported result' },
] as const;
export type Rob2DomainId = (typeof ROB2_DOMAINS)[number]['id'];

export const ROB_LABELS: Record<RobJudgement, string> = { low: 'Low risk', some: 'Some concerns', high: 'High risk' };

/** The algorithm's overall judgement for five complete domain judgements (undefined while any is missing). */
export function proposeRob2Overall(domains: Readonly<Record<string, RobJudgement | undefined>>): RobJudgement | undefined {
  const js = ROB2_DOMAINS.map((d) => (Object.hasOwn(domains, d.id) ? domains[d.id] : undefined));
  if (js.some((j) => j === undefined)) return undefined;
  if (js.includes('high')) return 'high';
  if (js.every((j) => j === 'low')) return 'low';
  return 'some';
}

/** How many domains have some concerns. */
export function concernsCount(domains: Readonly<Record<string, RobJudgement | undefined>>): number {
  return ROB2_DOMAINS.filter((d) => Object.hasOwn(domains, d.id) && domains[d.id] === 'some').length;
}

export interface RobDecision {
  /** The overall judgement that counts. */
  overall: RobJudgement;
  proposed: RobJudgement;
  /** 'algorithm' (as proposed), 'several-concerns' (some → high, the guidance's option), 'override' (with a reason). */
  basis: 'algorithm' | 'several-concerns' | 'override';
}

/**
 * The overall judgement from the five domains and the curator's choice. `chosen` undefined → the
 * proposal. Errors (paths under `rob`) when a domain is missing, or an override has no reason.
 */
export function decideRob2(
  domains: Readonly<Record<string, RobJudgement | undefined>>,
  chosen: RobJudgement | undefined,
  overrideReason: string | undefined,
): { decision?: RobDecision; errors: FieldError[] } {
  const errors: FieldError[] = [];
  for (const d of ROB2_DOMAINS)
    if (!Object.hasOwn(domains, d.id) || domains[d.id] === undefined)
      errors.push({ path: `rob.domains.${d.id}`, message: `judge ${d.id} (${d.label.toLowerCase()}): RoB 2 needs all five domains` });
  const known = new Set<string>(ROB2_DOMAINS.map((d) => d.id));
  for (const k of Object.keys(domains)) if (!known.has(k)) errors.push({ path: `rob.domains.${k}`, message: 'not a RoB 2 domain (D1–D5)' });
  const proposed = proposeRob2Overall(domains);
  if (!proposed || errors.length) return { errors };
  const overall = chosen ?? proposed;
  if (overall === proposed) return { decision: { overall, proposed, basis: 'algorithm' }, errors };
  if (proposed === 'some' && overall === 'high' && concernsCount(domains) >= 2) return { decision: { overall, proposed, basis: 'several-concerns' }, errors };
  if (!overrideReason?.trim())
    return {
      errors: [
        {
          path: 'rob.overrideReason',
          message: `the domains give "${ROB_LABELS[proposed].toLowerCase()}"; to judge "${ROB_LABELS[overall].toLowerCase()}" instead, say why`,
        },
      ],
    };
  return { decision: { overall, proposed, basis: 'override' }, errors };
}
