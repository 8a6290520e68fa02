/** Import and export: the review's records as CSV or RIS, and hand-searched records from RIS. */
import { createRoute, z } from '@hono/zod-openapi';
import type { CuratedCandidate } from '../../../core/curation/workflow.js';
import { formatRis } from '../../../core/curation/ris.js';
import { toCsv } from '../../../core/curation/csv.js';
import { INLINE_IMPORT_LIMIT } from '../../../core/curation/import-job.js';
import { jobResults, runImportJob } from '../../import-worker/worker.js';
import { jobView, previewImport, startJob } from './imports.js';
import type { AppContext } from '../context.js';
import { ExportQuery, ImportBody, ReviewIdParam } from '../schemas.js';
import { conflict, errors, json, router, security, signedIn } from './shared.js';

export function transferRoutes(ctx: AppContext) {
  const app = router();
  const auth = signedIn(ctx);
  const { store } = ctx;
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/reviews/{reviewId}/export.csv',
      security,
      middleware: [auth] as const,
      request: { params: ReviewIdParam, query: ExportQuery },
      responses: { 200: { description: "The review's records as CSV", content: { 'text/csv': { schema: z.string() } } }, ...errors },
    }),
    async (c) => {
      const { reviewId } = c.req.valid('param');
      ctx.review(reviewId);
      const { status } = c.req.valid('query');
      const all = (await store.allCandidates(reviewId)).filter((x) => !status || x.status === status);
      const csv = toCsv(CSV_HEADER, all.map(csvRow));
      c.header('Content-Disposition', `attachment; filename="${reviewId}.csv"`);
      return c.body(csv, 200, { 'Content-Type': 'text/csv; charset=utf-8' });
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/reviews/{reviewId}/export.ris',
      security,
      middleware: [auth] as const,
      request: { params: ReviewIdParam, query: ExportQuery },
      responses: { 200: { description: "The review's records as RIS", content: { 'application/x-research-info-systems': { schema: z.string() } } }, ...errors },
    }),
    async (c) => {
      const { reviewId } = c.req.valid('param');
      ctx.review(reviewId);
      const { status } = c.req.valid('query');
      const all = (await store.allCandidates(reviewId)).filter((x) => !status || x.status === status);
      const ris = formatRis(
        all.map((x) => ({
          title: x.title,
          ...(x.abstract ? { abstract: x.abstract } : {}),
          ...(x.firstAuthor ? { firstAuthor: x.firstAuthor } : {}),
          ...(x.year !== undefined ? { year: x.year } : {}),
          ...(x.journal ? { journal: x.journal } : {}),
          identifiers: x.identifiers,
          notes: [`status: ${x.status}`, `study: ${x.studyId}`],
        })),
      );
      c.header('Content-Disposition', `attachment; filename="${reviewId}.ris"`);
      return c.body(ris, 200, { 'Content-Type': 'application/x-research-info-systems; charset=utf-8' });
    },
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/reviews/{reviewId}/import',
      security,
      middleware: [auth] as const,
      request: { params: ReviewIdParam, body: { required: true, content: { 'application/json': { schema: ImportBody } } } },
      responses: {
        200: { description: `Records imported as new candidates (up to ${INLINE_IMPORT_LIMIT} records, within the request); updates and duplicates reported`, ...json() },
        202: { description: `More than ${INLINE_IMPORT_LIMIT} records: stored as an import job that a worker runs in the background (poll /api/reviews/{reviewId}/imports/{jobId})`, ...json() },
        ...errors,
        ...conflict,
      },
    }),
    async (c) => {
      const { reviewId } = c.req.valid('param');
      // The same job as the UI's imports (import-worker): small files run here, large ones in the background.
      const job = await previewImport(ctx, c.get('actor'), reviewId, { format: 'ris', data: c.req.valid('json').ris }, 'ris');
      if (job.total > INLINE_IMPORT_LIMIT) return c.json({ records: job.total, ...jobView(await startJob(ctx, reviewId, job.jobId)) }, 202);
      await ctx.jobs.transition(reviewId, job.jobId, ['preview'], 'queued', ctx.now().toISOString());
      await runImportJob(ctx.importWorker, { reviewId, jobId: job.jobId });
      const results = await jobResults(ctx.importWorker, job);
      return c.json(
        {
          records: job.total,
          created: results.filter((r) => r.kind === 'create').map((r) => r.studyId),
          updated: results.filter((r) => r.kind === 'update').map((r) => ({ line: r.line, title: r.title, studyId: r.studyId, fields: Object.keys(r.fields ?? {}) })),
          duplicates: results.filter((r) => r.kind === 'duplicate').map((r) => ({ line: r.line, ...(r.title ? { title: r.title } : {}), studyId: r.studyId, matchedBy: r.matchedBy ?? 'title-year' })),
          jobId: job.jobId,
        },
        200,
      );
    },
  );
  return app;
}

const CSV_HEADER = [
  'studyId',
  'status',
  'title',
  'year',
  'firstAuthor',
  'journal',
  'sources',
  'doi',
  'pmid',
  'nct',
  'triageScore',
  'exclusionStage',
  'exclusionReason',
  'acceptedAt',
  'outcomes',
  'createdAt',
  'updatedAt',
  'abstract',
];
function csvRow(x: CuratedCandidate) {
  const id = (t: string) =>
    x.identifiers
      .filter((i) => i.type === t)
      .map((i) => i.value)
      .join(' ');
  return [
    x.studyId,
    x.status,
    x.title,
    x.year,
    x.firstAuthor,
    x.journal,
    x.sources.join(' '),
    id('doi'),
    id('pmid'),
    id('nct'),
    x.triage?.score,
    x.exclusion?.stage,
    x.exclusion?.reason,
    x.acceptedAt,
    x.extraction?.outcomes.length ?? '',
    x.createdAt,
    x.updatedAt,
    x.abstract,
  ];
}
