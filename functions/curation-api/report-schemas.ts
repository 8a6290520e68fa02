/** Request schemas of the reports, PRISMA, poll-status and import-job routes (zod, in the OpenAPI document). */
import { z } from '@hono/zod-openapi';
import { IMPORT_FORMATS } from '../../core/curation/import-job.js';
import { ReviewIdParam } from './schemas.js';

export const ImportJobParams = ReviewIdParam.extend({
  jobId: z
    .string()
    .regex(/^\d{8}T\d{6}-[0-9a-f]{8}$/, { message: 'must be an import job id (as returned when the import was created)' })
    .openapi({ param: { name: 'jobId', in: 'path' }, example: '20261202T073350-1a2b3c4d' }),
});

export const ImportCreateBody = z.strictObject({
  format: z.enum(IMPORT_FORMATS).openapi({ description: 'ris, or csv with a header row (title, abstract, year, firstAuthor, journal, doi, pmid, nct: the CSV export\'s columns)' }),
  data: z.string().min(1, { message: 'the file is empty' }).max(3_000_000, { message: 'at most 3,000,000 characters' }).openapi({ description: 'The file content' }),
  fileName: z.string().max(200).optional(),
});

/** Starting a previewed job needs nothing but the confirmation. */
export const ImportStartBody = z.strictObject({});

const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date (YYYY-MM-DD)' }).refine((v) => !Number.isNaN(Date.parse(v)), { message: 'must be a real date' });

export const PrismaQuery = z.object({
  view: z.enum(['cumulative', 'update']).default('cumulative'),
  since: isoDay.optional().openapi({ description: 'This update: records identified from this day on (default: 30 days before today)' }),
});
