/**
 * One assessment of an extraction form, used by the live preview AND by accept (issue 16): the
 * validated extraction (with the lead's mappings of "other" values applied), the field errors,
 * the effect size per row, the implausible values, the RoB 2 proposal for the overall judgement,
 * and which analyses the trial will enter — so that what the preview says before accepting is
 * exactly what accept stores and the snapshot pools (core/analysis/entry.ts). Pure.
 */
import type { Extraction, OutcomeData } from '../evidence/candidate.js';
import { analysesEntered, describeEntries, type AnalysisEntry } from '../analysis/entry.js';
import type { Review } from '../reviews/schema.js';
import type { FieldError } from './errors.js';
import { buildExtraction, DraftFormSchema, type ExtractionForm, type ExtractionResult } from './extraction.js';
import { applyMappings, type ValueMapping } from './mapping.js';
import { implausibleValues } from './plausibility.js';
import { proposeRob2Overall, type RobJudgement } from './rob2.js';

export interface ExtractionAssessment {
  /** buildExtraction's result, rows and extraction with the mappings applied. */
  result: ExtractionResult;
  /** The extraction accept stores (present only when the form is valid). */
  extraction?: Extraction;
  errors: FieldError[];
  /** Values needing a lead's confirmation (plausibility.ts); computed only for a valid form. */
  implausible: FieldError[];
  /** RoB 2's proposal from the domains entered so far (null when not every domain is judged). */
  robProposal: RobJudgement | null;
  /** For each outcome of the review: does the trial enter its analysis (from the rows computable so far). */
  analyses: AnalysisEntry[];
  analysesSummary: string;
}

export interface AssessContext {
  /** Other accepted studies' SMDs per `outcome|timepoint` (plausibility.acceptedEffects). */
  others?: ReadonlyMap<string, readonly number[]>;
  /** The candidate's mappings of "other" values (mapping.ts). */
  mappings?: readonly ValueMapping[];
}

export function assessExtraction(form: unknown, review: Review, context: AssessContext = {}): ExtractionAssessment {
  const built = buildExtraction(form, review);
  const mapRows = (rows: OutcomeData[]) => applyMappings(rows, context.mappings);
  const result: ExtractionResult = {
    errors: built.errors,
    outcomes: built.outcomes.map((o) => (o ? { ...o, data: mapRows([o.data])[0] } : null)),
    ...(built.extraction ? { extraction: { ...built.extraction, outcomes: mapRows(built.extraction.outcomes) } } : {}),
  };
  const implausible = result.extraction ? implausibleValues(form as ExtractionForm, result, context.others) : [];
  // The analyses: from the stored extraction when valid, else from whatever rows are computable already.
  const rows = result.extraction ? result.extraction.outcomes : result.outcomes.flatMap((o) => (o ? [o.data] : []));
  const analyses = analysesEntered(review, { outcomes: rows });
  // The RoB section alone (an unfinished row elsewhere never hides the proposal).
  const rob = DraftFormSchema.shape.rob.safeParse(form !== null && typeof form === 'object' ? (form as { rob?: unknown }).rob : undefined);
  const domains = rob.success ? rob.data?.domains : undefined;
  return {
    result,
    ...(result.extraction ? { extraction: result.extraction } : {}),
    errors: result.errors,
    implausible,
    robProposal: domains ? (proposeRob2Overall(domains) ?? null) : null,
    analyses,
    analysesSummary: describeEntries(analyses),
  };
}
