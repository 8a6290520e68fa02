/**
 * The snapshot as the pages read it: core's types (core/analysis/snapshot.ts, THE contract) plus the
 * analysis fields that core adds in issue 11 (certainty, plain language, risk of bias, display rules,
 * headline, sources, evidence map). They are optional here so that pages render older snapshots and
 * newer ones alike; every meaning comes from the snapshot, the site only displays it.
 */
import type { ReviewSnapshot as CoreSnapshot, OutcomeSnapshot as CoreOutcome, OutcomeStudyRow as CoreRow, SnapshotStudy as CoreStudy, SubgroupView as CoreSubgroup } from '../../../core/analysis/snapshot.js';

import type {
  Certainty,
  CertaintyRating,
  DisplayRules,
  EvidenceMap,
  Headline,
  LowRiskOnly,
  MetaRegressionInfo,
  PlainLanguage,
  RobDomains,
  RobJudgement,
  RobSummaryRow,
} from '../../../core/analysis/fields.js';

// The analysis fields are core's own types (core/analysis/fields.ts): one definition, re-exported
// under the names the pages use.
export type { Certainty, CertaintyRating, DisplayRules, EvidenceMap, Headline, LowRiskOnly, MetaRegressionInfo, PlainLanguage, RobSummaryRow };
export type Judgement = RobJudgement;
export type RobDomainKey = RobSummaryRow['domain'];
export type RobJudgements = RobDomains;

export type StudyRow = CoreRow & { rob?: RobJudgements };
export type SubgroupView = CoreSubgroup & { levels?: Array<{ level: string; label: string }> };
/** Core's meta-regression result, incl. the coefficient covariance (`vcov`, absent in older snapshots). */
export type MetaRegression = NonNullable<NonNullable<CoreOutcome['result']>['metaRegression']>;

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
};

export type ReviewSnapshot = Omit<CoreSnapshot, 'outcomes' | 'studies'> & {
  outcomes: OutcomeSnapshot[];
  studies: SnapshotStudy[];
  headline?: Headline | null;
  sources?: Array<{ source: string; lastSearchedAt: string | null }>;
  evidenceMap?: EvidenceMap | null;
  /** The review file's note on its published baseline. */
  baselineNote?: string;
};
