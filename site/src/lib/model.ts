/**
 * The snapshot as the pages read it: core's types (core/analysis/snapshot.ts, THE contract) plus the
 * analysis fields that core adds in issue 11 (certainty, plain language, risk of bias, display rules,
 * headline, sources, evidence map). They are optional here so that pages render older snapshots and
 * newer ones alike; every meaning comes from the snapshot, the site only displays it.
 */
import type { ReviewSnapshot as CoreSnapshot, OutcomeSnapshot as CoreOutcome, OutcomeStudyRow as CoreRow, SnapshotStudy as CoreStudy, SubgroupView as CoreSubgroup } from '../../../core/analysis/snapshot.js';

export type Judgement = 'low' | 'some' | 'high';
export type RobDomainKey = 'D1' | 'D2' | 'D3' | 'D4' | 'D5' | 'overall';
export type RobJudgements = Partial<Record<RobDomainKey, Judgement>>;
export type CertaintyRating = 'high' | 'moderate' | 'low' | 'very-low';

export interface Certainty {
  rating: CertaintyRating;
  status: 'proposed' | 'confirmed';
  domains: Array<{
    domain: 'risk-of-bias' | 'inconsistency' | 'imprecision' | 'publication-bias' | 'indirectness';
    label: string;
    downgrade: 0 | 1 | 2;
    reason: string;
    source: 'data' | 'lead';
    by?: string;
    at?: string;
  }>;
  footnotes: string[];
}
export interface PlainLanguage {
  sentence: string;
  size: 'large' | 'moderate' | 'small' | 'trivial' | 'unclear';
  direction: 'benefit' | 'harm' | 'none';
  translation?: string;
}
export interface RobSummaryRow { domain: RobDomainKey; label: string; low: number; some: number; high: number; missing: number }
export interface LowRiskOnly { k: number; estimate: number; ciLower: number; ciUpper: number; note: string }
export interface MetaRegressionInfo { moderators: string[]; kUsed: number; kLeftOut: number; leftOut: string[]; note: string }
export interface DisplayRules { predictionInterval: boolean; subgroupTests: boolean; smallStudyTests: boolean; tau2UpperAtLimit: boolean; notes: string[] }

export type StudyRow = CoreRow & { rob?: RobJudgements };
export type SubgroupView = CoreSubgroup & { levels?: Array<{ level: string; label: string }> };
type MetaReg = NonNullable<NonNullable<CoreOutcome['result']>['metaRegression']>;
/** Coefficient covariance (metafor `vcov()`), in coefficient order, when core provides it. */
export type MetaRegression = MetaReg & { vcov?: number[][] };

export type OutcomeSnapshot = Omit<CoreOutcome, 'studies' | 'subgroups'> & {
  studies: StudyRow[];
  subgroups: SubgroupView[];
  certainty?: Certainty | null;
  plainLanguage?: PlainLanguage | null;
  robSummary?: RobSummaryRow[] | null;
  lowRiskOnly?: LowRiskOnly | null;
  metaRegressionInfo?: MetaRegressionInfo | null;
  display?: DisplayRules;
};

export type SnapshotStudy = CoreStudy & {
  robDomains?: RobJudgements;
  outcomes?: string[];
  preprint?: boolean;
  title?: string;
  retractionNotice?: string;
};

export interface Headline {
  outcomeId: string;
  label: string;
  sentence: string;
  certainty: string | null;
  estimate: number | null;
  previousEstimate: number | null;
}
export interface EvidenceMap {
  dimensions: Array<{ id: string; label: string; counts: Array<{ level: string; label: string; studies: number }> }>;
  cross: null | { rows: string; cols: string; rowLabels: Array<{ level: string; label: string }>; colLabels: Array<{ level: string; label: string }>; cells: number[][] };
}

export type ReviewSnapshot = Omit<CoreSnapshot, 'outcomes' | 'studies'> & {
  outcomes: OutcomeSnapshot[];
  studies: SnapshotStudy[];
  headline?: Headline | null;
  sources?: Array<{ source: string; lastSearchedAt: string | null }>;
  evidenceMap?: EvidenceMap | null;
  /** The review file's note on its published baseline. */
  baselineNote?: string;
};
