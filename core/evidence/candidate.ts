/**
 * A candidate is one study in one review's curation pipeline. This module holds the shape shared
 * by the pollers (which create candidates), the curation API (which moves them through screening
 * and extraction), the importer, and the reanalysis handler (which pools accepted ones).
 */
import { z } from 'zod';

export const CANDIDATE_STATUSES = [
  'screening', // title/abstract screening
  'fulltext', // full-text screening
  'conflict', // screeners disagree: a lead resolves
  'extraction', // included, data being extracted
  'accepted', // published to the analysis
  'excluded',
  'withdrawn', // was accepted, withdrawn by a lead (with a reason)
] as const;
export type CandidateStatus = (typeof CANDIDATE_STATUSES)[number];
/** How each status reads on a page (curator UI): one definition. */
export const STATUS_LABELS: Readonly<Record<CandidateStatus, string>> = {
  screening: 'Screening',
  fulltext: 'Full text',
  conflict: 'Conflict',
  extraction: 'Extraction',
  accepted: 'Accepted',
  excluded: 'Excluded',
  withdrawn: 'Withdrawn',
};
/** A status inside a sentence ("now full text"). */
export const statusWord = (s: CandidateStatus): string => STATUS_LABELS[s].toLowerCase();

export const SOURCES = ['pubmed', 'ctgov', 'europepmc', 'isrctn', 'ris', 'metapsy', 'manual'] as const;
export type Source = (typeof SOURCES)[number];

/** `ppr`: a Europe PMC preprint id (PPR123456). */
export const IDENTIFIER_TYPES = ['pmid', 'doi', 'pmcid', 'ppr', 'nct', 'isrctn', 'chictr', 'anzctr', 'drks', 'registry', 'metapsy'] as const;
export type IdentifierType = (typeof IDENTIFIER_TYPES)[number];
export const IdentifierSchema = z.object({ type: z.enum(IDENTIFIER_TYPES), value: z.string().min(1).max(200) });
export type Identifier = z.infer<typeof IdentifierSchema>;

const finite = z.number().refine(Number.isFinite, { message: 'must be a finite number' });
const positive = finite.refine((v) => v > 0, { message: 'must be greater than 0' });
const count = z.number().int().min(0);

/** One arm of a trial as extracted. */
export const ArmSchema = z.object({
  id: z.string().min(1).max(40),
  label: z.string().min(1).max(500),
  role: z.enum(['intervention', 'control']),
  nRandomised: count.optional(),
  nAnalysed: count.optional(),
  dropouts: count.optional(),
});
export type Arm = z.infer<typeof ArmSchema>;

/**
 * Analysable data for one outcome × time point × instrument comparison, after any conversion.
 * Either arm-level continuous data (n, mean, SD per arm) or a precomputed effect (yi, vi) on the
 * SMD scale, arm 1 (intervention) minus arm 2 (control), in the instrument's own direction.
 */
export const OutcomeDataSchema = z
  .object({
    outcome: z.string().min(1).max(80),
    timepoint: z.string().min(1).max(40),
    instrument: z.string().min(1).max(120),
    interventionArm: z.string().min(1).max(40).optional(),
    controlArm: z.string().min(1).max(40).optional(),
    n1: z.number().int().min(2).optional(),
    m1: finite.optional(),
    sd1: positive.optional(),
    n2: z.number().int().min(2).optional(),
    m2: finite.optional(),
    sd2: positive.optional(),
    yi: finite.optional(),
    vi: positive.optional(),
    /** How the numbers were obtained (e.g. "SD from SE", "mean/SD from median+IQR (Wan 2014)"). */
    conversions: z.array(z.string().max(300)).max(20).optional(),
    /** The raw numbers as reported, before conversion (kept for audit and display). */
    raw: z.record(z.string(), z.union([z.number(), z.string(), z.null()])).optional(),
    source: z.string().max(300).optional(),
    /**
     * A lead's mapping of a value typed as "other" (core/curation/mapping.ts): the value as the
     * curator reported it, where the row now holds the review's value it stands for.
     */
    reported: z.object({ timepoint: z.string().max(40).optional(), instrument: z.string().max(120).optional() }).optional(),
    /** A lead confirmed that this row stays out of every analysis, with this reason (shown on the public page). */
    unpooled: z.string().min(1).max(500).optional(),
  })
  .superRefine((o, ctx) => {
    const arm = [o.n1, o.m1, o.sd1, o.n2, o.m2, o.sd2];
    const hasArm = arm.every((v) => v !== undefined);
    const hasEffect = o.yi !== undefined && o.vi !== undefined;
    if (!hasArm && !hasEffect) {
      const missing = (['n1', 'm1', 'sd1', 'n2', 'm2', 'sd2'] as const).filter((k) => o[k] === undefined);
      ctx.addIssue({
        code: 'custom',
        path: [missing[0] ?? 'yi'],
        message: `arm data incomplete (missing ${missing.join(', ')}) and no yi/vi given`,
      });
    }
  });
export type OutcomeData = z.infer<typeof OutcomeDataSchema>;

export const ROB_JUDGEMENTS = ['low', 'some', 'high'] as const;
export const RobSchema = z.object({
  tool: z.enum(['rob2', 'rob1']).default('rob2'),
  domains: z.record(z.string().max(60), z.enum(ROB_JUDGEMENTS)),
  overall: z.enum(ROB_JUDGEMENTS),
  /** RoB 2: what the tool's algorithm gave, and on what basis `overall` stands (core/curation/rob2.ts). */
  proposed: z.enum(ROB_JUDGEMENTS).optional(),
  basis: z.enum(['algorithm', 'several-concerns', 'override']).optional(),
  overrideReason: z.string().max(2000).optional(),
});

export const ExtractionSchema = z.object({
  arms: z.array(ArmSchema).max(20).default([]),
  outcomes: z.array(OutcomeDataSchema).min(1).max(200),
  moderators: z.record(z.string().max(60), z.union([z.string().max(200), finite])).default({}),
  rob: RobSchema.optional(),
  notes: z.string().max(20_000).optional(),
  sourceLocation: z.string().max(500).optional(),
  /** Publication year used for cumulative (living) ordering. */
  year: z.number().int().min(1900).max(2100).optional(),
});
export type Extraction = z.infer<typeof ExtractionSchema>;

export interface TriageResult {
  score: number; // 0..100
  reasons: string[];
}

/** An outcome a trial registration names as planned (primary, secondary or other). */
export interface PlannedOutcome {
  kind: 'primary' | 'secondary' | 'other';
  measure: string;
  timeFrame?: string;
}

/** What the candidate keeps of a registration record (ClinicalTrials.gov or ISRCTN). */
export interface RegistrationFacts {
  status?: string;
  allocation?: string;
  enrollment?: number;
  /** When the trial was registered: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, as precise as the registry says. */
  registered?: string;
  /** When the trial started (its first participant), as the registry states it; same format. */
  started?: string;
  /** The outcomes the registration names as planned (at most MAX_PLANNED_OUTCOMES). */
  plannedOutcomes?: PlannedOutcome[];
}

export const MAX_PLANNED_OUTCOMES = 40;

/** The candidate item as stored (without key attributes). */
export interface Candidate {
  entity: 'Candidate';
  reviewId: string;
  studyId: string;
  status: CandidateStatus;
  version: number;
  title: string;
  abstract?: string;
  year?: number;
  firstAuthor?: string;
  journal?: string;
  sources: Source[];
  identifiers: Identifier[];
  triage: TriageResult;
  retracted?: boolean;
  retractionNotice?: string;
  /** The study's main record is a preprint: not peer-reviewed (yet). */
  preprint?: boolean;
  extraction?: Extraction;
  /** Licence / attribution text for imported data (e.g. Metapsy ODC-By). */
  attribution?: string;
  /** The study's ClinicalTrials.gov registration (core/evidence/merge.ts). */
  registration?: RegistrationFacts & { nctId: string; arms?: string[]; hasResults: boolean };
  /** The study's ISRCTN registration. */
  isrctnRegistration?: RegistrationFacts & { isrctn: string };
  createdAt: string;
  updatedAt: string;
  acceptedAt?: string;
  [extra: string]: unknown;
}

/** Whether a candidate contributes to its review's analysis. */
export function isAnalysable(c: Pick<Candidate, 'status' | 'retracted' | 'extraction'>): boolean {
  return c.status === 'accepted' && !c.retracted && !!c.extraction && c.extraction.outcomes.length > 0;
}
