/** Import and export: the review's records as CSV or RIS, and hand-searched records from RIS. */
import { z } from '@hono/zod-openapi';
import type { CuratedCandidate } from '../../../core/curation/workflow.js';
import { formatRis } from '../../../core/curation/ris.js';
import { toCsv } from '../../../core/curation/csv.js';
import { INLINE_IMPORT_LIMIT } from '../../../core/curation/import-job.js';
import { jobResults, runImportJob } from '../../import-worker/worker.js';
import { jobView, previewImport, startJob } from './imports.js';
import type { AppContext } from '../context.js';
import { ExportQuery, ImportBody, ReviewIdParam } from '../schemas.js';
import { json, jsonBody, router, signedInRoute } from './shared.js';

/** The two export formats: one route each, the same reading and filtering. */
const EXPORTS = [
  {
    ext: 'csv',
    type: 'text/csv',
    description: "The review's records as CSV",
    render: (all: CuratedCandidate[]) => toCsv(CSV_HEADER, all.map(csvRow)),
  },
  {
    ext: 'ris',
    type: 'application/x-research-info-systems',
    description: "The review's records as RIS",
    render: (all: CuratedCandidate[]) =>
      formatRis(
        all.map((x) => ({
          title: x.title,
          ...(x.abstract ? { abstract: x.abstract } : {}),
          ...(x.firstAuthor ? { firstAuthor: x.firstAuthor } : {}),
          ...(x.year !== undefined ? { year: x.year } : {}),
          ...(x.journal ? { journal: x.journal } : {}),
          identifiers: x.identifiers,
          notes: [`status: ${x.status}`, `study: ${x.studyId}`],
        })),
      ),
  },
] as const;

export function transferRoutes(ctx: AppContext) {
  const app = router();
  const { store } = ctx;
  for (const f of EXPORTS) {
    app.openapi(
      signedInRoute(ctx, {
        method: 'get',
        path: `/api/reviews/{reviewId}/export.${f.ext}`,
        request: { params: ReviewIdParam, query: ExportQuery },
        responses: { 200: { description: f.description, content: { [f.type]: { schema: z.string() } } } },
      }),
      async (c) => {
        const { reviewId } = c.req.valid('param');
        ctx.review(reviewId);
        const { status } = c.req.valid('query');
        const all = (await store.allCandidates(reviewId)).filter((x) => !status || x.status === status);
        c.header('Content-Disposition', `attachment; filename="${reviewId}.${f.ext}"`);
        return c.body(f.render(all), 200, { 'Content-Type': `${f.type}; charset=utf-8` });
      },
    );
  }
  app.openapi(
    signedInRoute(ctx, {
      method: 'post',
      path: '/api/reviews/{reviewId}/import',
      request: { params: ReviewIdParam, body: jsonBody(ImportBody) },
      responses: {
        200: { description: `Records imported as new candidates (up to ${INLINE_IMPORT_LIMIT} records, within the request); updates and duplicates reported`, ...json() },
        202: { description: `More than ${INLINE_IMPORT_LIMIT} records: stored as an import job that a worker runs in the background (poll /api/reviews/{reviewId}/imports/{jobId})`, ...json() },
      },
      conflict: true,
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
