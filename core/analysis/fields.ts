/**
 * Types of the snapshot fields that say what the evidence means (issue 11): certainty (GRADE),
 * the plain-language reading, risk of bias, the low-risk-only sensitivity analysis, what the
 * meta-regression left out, what is shown as a finding, the headline, the sources' last search and
 * the evidence map. `snapshot.ts` re-exports them; the site codes against these names.
 */

export const CERTAINTY_RATINGS = ['high', 'moderate', 'low', 'very-low'] as const;
export type CertaintyRating = (typeof CERTAINTY_RATINGS)[number];

export const GRADE_DOMAINS = ['risk-of-bias', 'inconsistency', 'imprecision', 'publication-bias', 'indirectness'] as const;
export type GradeDomainId = (typeof GRADE_DOMAINS)[number];

export interface GradeDomain {
  domain: GradeDomainId;
  label: string;
  downgrade: 0 | 1 | 2;
  reason: string;
  source: 'data' | 'lead';
  by?: string;
  at?: string;
}

export interface Certainty {
  rating: CertaintyRating;
  /** 'confirmed' once a lead has confirmed or overridden every domain; else 'proposed' (from the data). */
  status: 'proposed' | 'confirmed';
  domains: GradeDomain[];
  footnotes: string[];
}

export type EffectSize = 'large' | 'moderate' | 'small' | 'trivial' | 'unclear';

export interface PlainLanguage {
  sentence: string;
  size: EffectSize;
  direction: 'benefit' | 'harm' | 'none';
  translation?: string;
}

export const ROB_DOMAINS = ['D1', 'D2', 'D3', 'D4', 'D5'] as const;
export type RobJudgement = 'low' | 'some' | 'high';
export type RobDomains = Partial<Record<(typeof ROB_DOMAINS)[number] | 'overall', RobJudgement>>;

export interface RobSummaryRow {
  domain: (typeof ROB_DOMAINS)[number] | 'overall';
  label: string;
  /** percent of the analysis weight */
  low: number;
  some: number;
  high: number;
  missing: number;
}

export interface LowRiskOnly {
  k: number;
  estimate: number;
  ciLower: number;
  ciUpper: number;
  note: string;
}

export interface MetaRegressionInfo {
  moderators: string[];
  kUsed: number;
  kLeftOut: number;
  leftOut: string[];
  note: string;
}

export interface DisplayRules {
  predictionInterval: boolean;
  subgroupTests: boolean;
  smallStudyTests: boolean;
  tau2UpperAtLimit: boolean;
  notes: string[];
}

export interface Headline {
  outcomeId: string;
  label: string;
  sentence: string;
  certainty: string | null;
  estimate: number | null;
  previousEstimate: number | null;
}

export interface SourceSearched {
  source: string;
  lastSearchedAt: string | null;
}

export interface EvidenceMap {
  dimensions: Array<{ id: string; label: string; counts: Array<{ level: string; label: string; studies: number }> }>;
  cross: null | {
    rows: string;
    cols: string;
    rowLabels: Array<{ level: string; label: string }>;
    colLabels: Array<{ level: string; label: string }>;
    cells: number[][];
  };
}

/** A lead's judgement on one GRADE domain of one outcome (stored per review × outcome). */
export interface GradeJudgement {
  domain: GradeDomainId;
  /** 'confirm' keeps the data's proposal; 'override' sets `downgrade`. */
  action: 'confirm' | 'override';
  downgrade: 0 | 1 | 2;
  reason: string;
  by: string;
  at: string;
}

/** All judgements of a review, by outcome id (input to buildSnapshot). */
export type GradeJudgements = ReadonlyMap<string, readonly GradeJudgement[]>;
