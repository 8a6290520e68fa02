/**
 * GRADE certainty of one pooled outcome, proposed from the data and confirmed or overridden by a
 * lead. Pure. Every threshold is a named constant here and stated in docs/methods.md ("Certainty").
 *
 * Randomised trials start at high certainty; each domain downgrades 0, 1 or 2 levels; the rating
 * never falls below very low. Effects are read in the benefit direction (positive = the
 * intervention is better), so the same rules serve lower- and higher-is-better outcomes.
 */
import { qnorm } from '../meta/special.js';
import { signedFixed } from './numbers.js';
import {
  CERTAINTY_RATINGS,
  GRADE_DOMAINS,
  type Certainty,
  type CertaintyRating,
  type GradeDomain,
  type GradeDomainId,
  type GradeJudgement,
  type RobJudgement,
} from './fields.js';

export const GRADE_LABELS: Record<GradeDomainId, string> = {
  'risk-of-bias': 'Risk of bias',
  inconsistency: 'Inconsistency',
  imprecision: 'Imprecision',
  'publication-bias': 'Publication bias',
  indirectness: 'Indirectness',
};

/** Thresholds (docs/methods.md states each one). */
export const GRADE_RULES = {
  /** Risk of bias: weight share (percent) from studies at high risk above which to downgrade 1 / 2. */
  robHighOne: 25,
  robHighTwo: 50,
  /** … and from studies at high risk or with some concerns (or not assessed) above which to downgrade 1. */
  robConcernsOne: 50,
  /** Inconsistency: I² (percent) at or above which heterogeneity is substantial / considerable. */
  i2Substantial: 50,
  i2Considerable: 75,
  /** Optimal information size: two-sided α and power for detecting the MID. */
  oisAlpha: 0.05,
  oisPower: 0.8,
  /** Publication bias: Egger p below this, only with at least `smallStudyK` studies. */
  eggerP: 0.1,
  smallStudyK: 10,
} as const;

export interface GradeInput {
  k: number;
  /** pooled estimate and CI in the benefit direction (positive favours the intervention) */
  estimate: number;
  ciLower: number;
  ciUpper: number;
  /** prediction interval in the benefit direction, null when not shown as a finding */
  piLower: number | null;
  piUpper: number | null;
  i2: number | null;
  participants: number | null;
  /** minimal important difference (positive, SMD scale); undefined when the review sets none */
  mid?: number;
  /** sum of the participants of the studies that report them (for the optimal information size when `participants` is null) */
  participantsKnown?: number;
  /** per study: analysis weight (percent) and RoB 2 overall judgement */
  studies: { weight: number | null; rob?: RobJudgement }[];
  /** Egger p-value and trim-and-fill estimate (benefit direction), null when not computed or below k */
  eggerP: number | null;
  trimFillEstimate: number | null;
  /** the size class of an estimate (plain-language rules): a trim-and-fill that changes it moves across a threshold */
  sizeOf: (benefitEstimate: number) => string;
  /**
   * How the reasons quote numbers: 1 (default) as given, −1 with the sign turned back to the scale the
   * reader sees next to them (a lower-is-better outcome's SMD, as in the summary table). The rules
   * themselves always read the benefit direction.
   */
  shownSign?: 1 | -1;
}

const pct = (x: number) => `${Math.round(x)}%`;
/** Two decimals, as the tables print them. */
const f2 = (x: number) => signedFixed(x, 2);
/** An interval given in the benefit direction, as the reader sees it (lower bound first). */
const shownInterval = (sign: 1 | -1, lo: number, hi: number) => (sign === 1 ? `${f2(lo)} to ${f2(hi)}` : `${f2(-hi)} to ${f2(-lo)}`);

/** Total participants needed to detect `mid` (SMD) in a two-arm trial, 1:1 (normal approximation). */
export function optimalInformationSize(mid: number, alpha: number = GRADE_RULES.oisAlpha, power: number = GRADE_RULES.oisPower): number {
  const z = qnorm(1 - alpha / 2) + qnorm(power);
  return Math.ceil((4 * z * z) / (mid * mid));
}

function domain(d: GradeDomainId, downgrade: 0 | 1 | 2, reason: string): GradeDomain {
  return { domain: d, label: GRADE_LABELS[d], downgrade, reason, source: 'data' };
}

export function riskOfBiasDomain(studies: GradeInput['studies']): GradeDomain {
  const total = studies.reduce((s, x) => s + (x.weight ?? 0), 0);
  if (!(total > 0)) return domain('risk-of-bias', 0, 'No study weights: risk of bias could not be judged from the data.');
  const share = (pred: (r: RobJudgement | undefined) => boolean) => (100 * studies.filter((s) => pred(s.rob)).reduce((a, s) => a + (s.weight ?? 0), 0)) / total;
  const high = share((r) => r === 'high');
  const concerns = share((r) => r !== 'low');
  const missing = share((r) => r === undefined);
  const what = `${pct(high)} of the weight comes from studies at high risk of bias and ${pct(concerns)} from studies at high risk or with some concerns${missing > 0 ? ` (including ${pct(missing)} not assessed)` : ''}`;
  if (high > GRADE_RULES.robHighTwo) return domain('risk-of-bias', 2, `${what}: most of the evidence is at high risk of bias.`);
  if (high > GRADE_RULES.robHighOne || concerns > GRADE_RULES.robConcernsOne) return domain('risk-of-bias', 1, `${what}.`);
  return domain('risk-of-bias', 0, `${what}: not serious.`);
}

export function inconsistencyDomain(x: Pick<GradeInput, 'k' | 'i2' | 'piLower' | 'piUpper' | 'ciLower' | 'ciUpper' | 'mid' | 'shownSign'>): GradeDomain {
  if (x.k < 2 || x.i2 === null) return domain('inconsistency', 0, 'A single study: inconsistency cannot be assessed.');
  const i2 = `I² = ${pct(x.i2)}`;
  const piShown = x.piLower !== null && x.piUpper !== null;
  const piCrossesZero = piShown && x.piLower! < 0 && x.piUpper! > 0;
  const ciCrossesZero = x.ciLower < 0 && x.ciUpper > 0;
  // Very serious: true effects range from an important benefit to an important harm (± the MID, or ± the small threshold without one).
  const important = x.mid ?? 0.2;
  const piSpansImportant = piShown && x.piUpper! > important && x.piLower! < -important;
  const piText = piShown ? `the prediction interval runs from ${shownInterval(x.shownSign ?? 1, x.piLower!, x.piUpper!)}` : 'no prediction interval (too few studies)';
  if (x.i2 >= GRADE_RULES.i2Considerable && piSpansImportant)
    return domain('inconsistency', 2, `${i2} and ${piText}: true effects may range from an important benefit to an important harm.`);
  if (x.i2 >= GRADE_RULES.i2Substantial)
    return domain('inconsistency', 1, `${i2} (substantial heterogeneity); ${piText}.`);
  if (piCrossesZero && !ciCrossesZero)
    return domain('inconsistency', 1, `${i2}, but ${piText}: in some settings there may be no benefit.`);
  return domain('inconsistency', 0, `${i2}; ${piText}: not serious.`);
}

export function imprecisionDomain(x: Pick<GradeInput, 'ciLower' | 'ciUpper' | 'participants' | 'participantsKnown' | 'mid' | 'shownSign'>): GradeDomain {
  const sign = x.shownSign ?? 1;
  const ci = `the 95% CI runs from ${shownInterval(sign, x.ciLower, x.ciUpper)}`;
  const crossesZero = x.ciLower < 0 && x.ciUpper > 0;
  const crossesMid = x.mid !== undefined && x.ciLower < x.mid && x.ciUpper > x.mid;
  const crossesHarmMid = x.mid !== undefined && x.ciLower < -x.mid && x.ciUpper > x.mid;
  let oisMet: boolean | null = null;
  let ois: number | null = null;
  if (x.mid !== undefined) {
    ois = optimalInformationSize(x.mid);
    // Met when the participants known already reach it; not met only when every study's n is known.
    const known = x.participants ?? x.participantsKnown ?? 0;
    oisMet = known >= ois ? true : x.participants !== null ? false : null;
  }
  const n = x.participants ?? x.participantsKnown;
  const parts: string[] = [];
  if (crossesZero) parts.push('includes no effect');
  if (crossesMid) parts.push(`includes both effects above and below the minimal important difference (${f2(sign * x.mid!)})`);
  if (oisMet === false) parts.push(`${n} participants are fewer than the optimal information size of ${ois} (to detect an SMD of ${f2(x.mid!)} with α = .05 two-sided and power .8)`);
  const oisNote = x.mid === undefined ? ' No minimal important difference is set, so the optimal information size is not computed.' : oisMet === null ? ' The number of participants is not known for every study, so the optimal information size is not checked.' : '';
  if (crossesHarmMid || (crossesZero && crossesMid && oisMet === false))
    return domain('imprecision', 2, `${ci}: it ${parts.join('; ')}${crossesHarmMid ? '; it includes important benefit and important harm' : ''}.${oisNote}`);
  if (parts.length) return domain('imprecision', 1, `${ci}: it ${parts.join('; ')}.${oisNote}`);
  return domain('imprecision', 0, `${ci}${ois !== null && oisMet ? ` and ${x.participants === null ? 'at least ' : ''}${n} participants meet the optimal information size of ${ois}` : ''}: not serious.${oisNote}`);
}

export function publicationBiasDomain(x: Pick<GradeInput, 'k' | 'estimate' | 'eggerP' | 'trimFillEstimate' | 'sizeOf' | 'shownSign'>): GradeDomain {
  const sign = x.shownSign ?? 1;
  if (x.k < GRADE_RULES.smallStudyK)
    return domain('publication-bias', 0, `Fewer than ${GRADE_RULES.smallStudyK} studies: small-study tests are not meaningful, so publication bias is not judged from the data.`);
  const reasons: string[] = [];
  if (x.eggerP !== null && x.eggerP < GRADE_RULES.eggerP) reasons.push(`Egger's test p ${x.eggerP < 0.001 ? '< .001' : `= ${x.eggerP.toFixed(3).replace(/^0/, '')}`} (below .10) suggests small-study effects`);
  if (x.trimFillEstimate !== null) {
    const before = x.sizeOf(x.estimate);
    const after = x.sizeOf(x.trimFillEstimate);
    const signFlip = Math.sign(x.estimate) !== Math.sign(x.trimFillEstimate) && x.trimFillEstimate !== 0;
    if (before !== after || signFlip)
      reasons.push(`trim-and-fill moves the estimate from ${f2(sign * x.estimate)} (${before}) to ${f2(sign * x.trimFillEstimate)} (${after})`);
  }
  if (reasons.length) return domain('publication-bias', 1, `${reasons.join('; ')}.`);
  return domain('publication-bias', 0, `Egger's test p ${x.eggerP === null ? 'not computable' : `= ${x.eggerP.toFixed(2).replace(/^0/, '')}`} and trim-and-fill does not move the estimate across a threshold: not detected.`);
}

export function indirectnessDomain(): GradeDomain {
  return domain('indirectness', 0, 'Not judged from the data: a lead assesses whether the populations, interventions, comparators and outcomes match the question.');
}

/** The data's proposal, one entry per domain in GRADE_DOMAINS order. */
export function proposeDomains(x: GradeInput): GradeDomain[] {
  return [riskOfBiasDomain(x.studies), inconsistencyDomain(x), imprecisionDomain(x), publicationBiasDomain(x), indirectnessDomain()];
}

/** Applies leads' judgements (latest per domain wins). A confirmation that no longer matches the data is stale. */
export function applyJudgements(proposed: GradeDomain[], judgements: readonly GradeJudgement[] = []): { domains: GradeDomain[]; stale: string[] } {
  const latest = new Map<GradeDomainId, GradeJudgement>();
  for (const j of [...judgements].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))) latest.set(j.domain, j);
  const stale: string[] = [];
  const domains = proposed.map((d) => {
    const j = latest.get(d.domain);
    if (!j) return d;
    if (j.action === 'confirm' && j.downgrade !== d.downgrade) {
      stale.push(`${d.label}: a lead confirmed ${j.downgrade} level(s) on ${j.at.slice(0, 10)}, but the data now propose ${d.downgrade}; awaiting a new judgement.`);
      return d;
    }
    const reason = j.action === 'confirm' ? `${d.reason} Confirmed by a lead: ${j.reason}` : `Lead's judgement: ${j.reason} (the data proposed ${d.downgrade}: ${d.reason})`;
    return { ...d, downgrade: j.downgrade, reason, source: 'lead' as const, by: j.by, at: j.at };
  });
  return { domains, stale };
}

export function ratingOf(domains: readonly GradeDomain[]): CertaintyRating {
  const total = domains.reduce((s, d) => s + d.downgrade, 0);
  return CERTAINTY_RATINGS[Math.min(3, total)];
}

const LEVELS = ['', 'one level', 'two levels'];

export function certaintyOf(x: GradeInput, judgements?: readonly GradeJudgement[]): Certainty {
  return certaintyFrom(proposeDomains(x), judgements);
}

/** The certainty from the data's proposed domains and the leads' judgements. */
export function certaintyFrom(proposed: GradeDomain[], judgements?: readonly GradeJudgement[]): Certainty {
  const { domains, stale } = applyJudgements(proposed, judgements);
  const footnotes = domains.filter((d) => d.downgrade > 0).map((d) => `Downgraded ${LEVELS[d.downgrade]} for ${d.label.toLowerCase()}: ${d.reason}`);
  footnotes.push(...stale);
  const confirmed = GRADE_DOMAINS.every((id) => domains.find((d) => d.domain === id)?.source === 'lead');
  if (!confirmed) footnotes.push('Proposed from the data; not yet confirmed by a lead.');
  return { rating: ratingOf(domains), status: confirmed ? 'confirmed' : 'proposed', domains, footnotes };
}

// ------------------------------------------------------------------ a lead's judgement as input

export interface JudgementInput {
  domain: GradeDomainId;
  action: 'confirm' | 'override';
  /** required for 'override'; for 'confirm' the data's current proposal is recorded */
  downgrade?: 0 | 1 | 2;
  reason: string;
}

export const MAX_REASON_CHARS = 2000;

/** Validates a judgement from outside (API body or form); errors name the field. */
export function parseJudgementInput(raw: unknown): { value: JudgementInput | null; errors: { path: string; message: string }[] } {
  const errors: { path: string; message: string }[] = [];
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { value: null, errors: [{ path: '(body)', message: 'must be an object' }] };
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!['domain', 'action', 'downgrade', 'reason'].includes(k)) errors.push({ path: k, message: 'unknown field' });
  const domain = o.domain;
  if (typeof domain !== 'string' || !(GRADE_DOMAINS as readonly string[]).includes(domain))
    errors.push({ path: 'domain', message: `expected one of ${GRADE_DOMAINS.join(', ')}` });
  const action = o.action;
  if (action !== 'confirm' && action !== 'override') errors.push({ path: 'action', message: 'expected "confirm" or "override"' });
  let downgrade: 0 | 1 | 2 | undefined;
  if (o.downgrade !== undefined && o.downgrade !== '') {
    const n = typeof o.downgrade === 'string' ? Number(o.downgrade) : o.downgrade;
    if (n === 0 || n === 1 || n === 2) downgrade = n;
    else errors.push({ path: 'downgrade', message: 'expected 0, 1 or 2 (levels)' });
  } else if (action === 'override') errors.push({ path: 'downgrade', message: 'required when overriding (0, 1 or 2)' });
  const reason = typeof o.reason === 'string' ? o.reason.trim() : '';
  if (typeof o.reason !== 'string') errors.push({ path: 'reason', message: 'required: a written reason' });
  else if (!reason) errors.push({ path: 'reason', message: 'must not be empty' });
  else if (reason.length > MAX_REASON_CHARS) errors.push({ path: 'reason', message: `at most ${MAX_REASON_CHARS} characters` });
  if (errors.length) return { value: null, errors };
  return { value: { domain: domain as GradeDomainId, action: action as 'confirm' | 'override', ...(downgrade !== undefined ? { downgrade } : {}), reason }, errors };
}

/** The stored judgement: a confirmation records the downgrade the data propose now. */
export function judgementOf(input: JudgementInput, proposed: readonly GradeDomain[], by: string, at: string): GradeJudgement {
  const current = proposed.find((d) => d.domain === input.domain)!;
  const downgrade = input.action === 'confirm' ? current.downgrade : input.downgrade!;
  return { domain: input.domain, action: input.action, downgrade, reason: input.reason, by, at };
}
