/** Request and response schemas of the curation API (zod, registered in the OpenAPI document). */
import { z } from '@hono/zod-openapi';
import { CANDIDATE_STATUSES, SOURCES } from '../../core/evidence/candidate.js';
import { DraftFormSchema, ExtractionFormSchema } from '../../core/curation/extraction.js';
import { LABEL_PATTERN, MAX_LABEL_LENGTH, MAX_LABELS } from '../../core/curation/labels.js';
import { MAX_BATCH } from '../../core/curation/batch.js';
import { ChoiceSchema } from '../../core/curation/adjudicate.js';
import { MappingChoiceSchema } from '../../core/curation/mapping.js';
import { QUEUE_VIEWS } from '../../core/curation/queue-view.js';

export const ReviewIdParam = z.object({
  reviewId: z
    .string()
    .min(1)
    .max(80)
    .regex(/^[a-z0-9]+(?:[-_][a-z0-9]+)*$/, { message: 'must be a review id (lower-case slug)' })
    .openapi({ param: { name: 'reviewId', in: 'path' }, example: 'depression-apps' }),
});

const studyId = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9._:#-]+$/, { message: 'must be a study id (letters, digits, . _ : # -)' });

export const CandidateParams = ReviewIdParam.extend({
  studyId: studyId.openapi({ param: { name: 'studyId', in: 'path' } }),
});

const isoDate = z
  .string()
  .max(40)
  .regex(/^\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?$/, { message: 'must be an ISO date (YYYY-MM-DD or full timestamp)' });
const score = z.coerce
  .number()
  .refine(Number.isFinite, { message: 'must be a finite number' })
  .refine((v) => v >= 0 && v <= 100, { message: 'must be between 0 and 100' });

export const QueueQuerySchema = z.object({
  status: z.enum(CANDIDATE_STATUSES).default('screening'),
  source: z.enum(SOURCES).optional(),
  minScore: score.optional(),
  maxScore: score.optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  limit: z.coerce.number().int({ message: 'must be a whole number' }).min(1).max(200).default(25),
  cursor: z.string().min(1).max(2048).optional(),
});

/** An empty query parameter (what a GET form sends for an unused field) counts as absent. */
const optionalParam = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

/** GET /api/reviews/{reviewId}/queue/search and the queue page (/curate/reviews/{reviewId}): one definition of the parameters. */
export const QueueSearchQuerySchema = z.object({
  status: optionalParam(z.enum(CANDIDATE_STATUSES)).openapi({ description: 'The queue (status) searched; default screening.' }),
  q: optionalParam(z.string().max(200)).openapi({ description: 'Words that must all occur in the title, abstract, authors, journal, year, record id or identifiers (case- and accent-insensitive).' }),
  label: optionalParam(
    z
      .string()
      .trim()
      .max(MAX_LABEL_LENGTH)
      .regex(LABEL_PATTERN, { message: "must be a label (letters, digits, spaces and _ . : ' / + & ( ) -, starting with a letter or digit)" }),
  ).openapi({ description: 'A label on a decision (case-insensitive).' }),
  source: optionalParam(z.enum(SOURCES)),
  year: optionalParam(z.coerce.number().int({ message: 'must be a whole number' }).min(1900).max(2100)).openapi({ description: 'Publication year.' }),
  view: optionalParam(z.enum(QUEUE_VIEWS)).openapi({ description: 'By my own decision: todo (no vote; maybes stay), undecided, maybe, voted, included, excluded, all. Default todo.' }),
  after: optionalParam(z.string().max(400)).openapi({ description: 'Start after this queue position (the `next` of the page before).' }),
  limit: optionalParam(z.coerce.number().int({ message: 'must be a whole number' }).min(1).max(200)).openapi({ description: 'Cards per page (default 25).' }),
});

const version = z.number().int().min(1).openapi({ description: 'The version of the candidate you are changing (optimistic concurrency).' });
const shortText = (max: number) => z.string().max(max);

const labels = z
  .array(
    z
      .string()
      .trim()
      .min(1, { message: 'must not be empty' })
      .max(MAX_LABEL_LENGTH)
      .regex(LABEL_PATTERN, { message: "letters, digits, spaces and _ . : ' / + & ( ) - only, starting with a letter or digit" }),
  )
  .max(MAX_LABELS)
  .openapi({ description: 'Free labels on the decision (reusable across records, filterable in the queue).' });
const screenFields = {
  decision: z.enum(['include', 'exclude', 'maybe']).openapi({ description: '"maybe" is not a vote: the record stays in your to-do, marked maybe.' }),
  reason: z.string().min(1).max(80).optional().openapi({ description: 'An exclusion reason id of the review (with "exclude" only).' }),
  note: shortText(2000).optional(),
  labels: labels.optional(),
};

export const ScreenBody = z.strictObject({ version, ...screenFields });

/** A lead's resolution of a screening conflict: include or exclude (with a reason). */
export const ResolveBody = z.strictObject({
  version,
  decision: z.enum(['include', 'exclude']),
  reason: z.string().min(1).max(80).optional(),
  note: shortText(2000).optional(),
});

/** One decision on several records (batch exclusion of a selection; a near-duplicate group). */
export const BatchScreenBody = z.strictObject({
  items: z
    .array(z.strictObject({ studyId, version }))
    .min(1)
    .max(MAX_BATCH)
    .openapi({ description: `The records (each at the version you saw), at most ${MAX_BATCH}. All are decided or none.` }),
  ...screenFields,
});

/** A command that needs nothing but the version (undo). */
export const VersionBody = z.strictObject({ version });

export const ReasonBody = z.strictObject({
  version,
  reason: z.string().trim().min(1, { message: 'required' }).max(2000),
});

/** Accept: the complete extraction form (the one zod definition in core/curation/extraction.ts). */
export const AcceptBody = z.strictObject({
  version,
  form: ExtractionFormSchema,
  confirmImplausible: z
    .string()
    .trim()
    .min(1, { message: 'must not be empty' })
    .max(2000)
    .optional()
    .openapi({ description: "A lead's reason for letting implausible values (|SMD| > 5, a tiny SD or variance, an outlier) enter the analysis." }),
});

/** Adjudication of two extractors' drafts by a lead: per differing field, whose value (or a typed one). */
export const AdjudicateBody = z.strictObject({
  version,
  base: z.string().min(1).max(200).optional().openapi({ description: "The extractor whose draft the agreed fields come from (default: the first)" }),
  choices: z.array(ChoiceSchema).max(2000),
  confirmImplausible: AcceptBody.shape.confirmImplausible,
});

/** A lead's mappings of a trial's values typed as "other" (core/curation/mapping.ts). */
export const MapValuesBody = z.strictObject({
  version,
  mappings: z
    .array(MappingChoiceSchema)
    .min(1)
    .max(200)
    .openapi({ description: 'Per value typed as "other": the review value it stands for (`to`) or why it stays out of the analysis (`keepOutReason`).' }),
});

/** GET /api/reviews/{reviewId}/mappings and the mapping page: one page of the lead's to-do. */
export const MappingsQuery = z.object({
  limit: optionalParam(z.coerce.number().int({ message: 'must be a whole number' }).min(1).max(100)).openapi({ description: 'Trials with values waiting per page (default: all, unpaged; the page shows 25).' }),
  cursor: optionalParam(z.string().max(2048).regex(/^[A-Za-z0-9_-]+$/, { message: 'must be a cursor from an earlier page (`next`)' })).openapi({ description: 'Where the page starts: the `next` of the page before.' }),
});

/** Draft: the same form with every field optional, each present field typed as strictly as on accept. */
export const DraftBody = z.strictObject({ version, form: DraftFormSchema });

/** Preview takes any form as typed so far and answers with field errors (nothing is stored). */
export const PreviewBody = z.strictObject({ form: z.unknown().openapi({ description: 'The form as typed so far (see the accept body for its schema)' }) });

export const ImportBody = z.strictObject({
  ris: z
    .string()
    .min(1)
    .max(3_000_000)
    .openapi({ description: 'An RIS file (hand-searched records)' }),
});

export const ExportQuery = z.object({ status: z.enum(CANDIDATE_STATUSES).optional() });

export const ErrorSchema = z
  .object({
    status: z.number().int(),
    error: z.string(),
    fields: z.array(z.object({ path: z.string(), message: z.string(), in: z.string().optional() })).optional(),
    currentVersion: z.number().int().optional(),
  })
  .openapi('Error');

export const AnyObject = z.looseObject({}).openapi('Object');
