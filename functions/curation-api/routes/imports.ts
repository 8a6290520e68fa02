/**
 * Imports as background jobs (issue 16 §4, §7):
 *   POST /api/reviews/{reviewId}/imports                   store the file, answer with the preview (nothing imported)
 *   POST /api/reviews/{reviewId}/imports/{jobId}/start     confirm: 202 at once, a worker imports in chunks
 *   GET  /api/reviews/{reviewId}/imports/{jobId}           progress
 *   GET  /api/reviews/{reviewId}/imports                   the review's recent jobs
 * The logic is the worker's (functions/import-worker) and core's (core/curation/import-job.ts).
 */
import { CurationError } from '../../../core/curation/errors.js';
import { describeJob, type ImportJob } from '../../../core/curation/import-job.js';
import type { Actor } from '../../../core/curation/workflow.js';
import { createImportJob } from '../../import-worker/worker.js';
import type { AppContext } from '../context.js';
import { NotFoundError } from '../context.js';
import { ImportCreateBody, ImportJobParams, ImportStartBody } from '../report-schemas.js';
import { ReviewIdParam } from '../schemas.js';
import { json, jsonBody, router, signedInRoute } from './shared.js';

export const jobView = (job: ImportJob) => ({ job, progress: describeJob(job) });

export async function getJob(ctx: AppContext, reviewId: string, jobId: string): Promise<ImportJob> {
  ctx.review(reviewId);
  const job = await ctx.jobs.get(reviewId, jobId);
  if (!job) throw new NotFoundError(`unknown import job "${jobId}" in review "${reviewId}"`);
  return job;
}

/** Confirm a previewed job (or restart a failed one, from its checkpoint) and hand it to the worker. */
export async function startJob(ctx: AppContext, reviewId: string, jobId: string): Promise<ImportJob> {
  const job = await getJob(ctx, reviewId, jobId);
  if (!(await ctx.jobs.transition(reviewId, jobId, ['preview', 'failed'], 'queued', ctx.now().toISOString()))) {
    throw new CurationError('state', `the import is already ${job.status === 'done' ? 'done' : 'under way'} (status ${job.status}); it cannot be started again`);
  }
  await ctx.dispatchImport({ reviewId, jobId });
  return (await ctx.jobs.get(reviewId, jobId))!;
}

export async function previewImport(ctx: AppContext, actor: Actor, reviewId: string, body: { format: 'ris' | 'csv'; data: string; fileName?: string | undefined }, field = 'data'): Promise<ImportJob> {
  ctx.review(reviewId);
  return createImportJob(ctx.importWorker, { reviewId, format: body.format, text: body.data, ...(body.fileName ? { fileName: body.fileName } : {}), actor, field });
}

export function importJobRoutes(ctx: AppContext) {
  const app = router();
  app.openapi(
    signedInRoute(ctx, {
      method: 'post',
      path: '/api/reviews/{reviewId}/imports',
      request: { params: ReviewIdParam, body: jsonBody(ImportCreateBody) },
      responses: { 201: { description: 'The file is stored as an import job in status "preview": what it would change (new / updated / duplicate, with a sample). Nothing is imported until it is started.', ...json() } },
    }),
    async (c) => {
      const { reviewId } = c.req.valid('param');
      const job = await previewImport(ctx, c.get('actor'), reviewId, c.req.valid('json'));
      return c.json(jobView(job), 201);
    },
  );
  app.openapi(
    signedInRoute(ctx, {
      method: 'post',
      path: '/api/reviews/{reviewId}/imports/{jobId}/start',
      request: { params: ImportJobParams, body: jsonBody(ImportStartBody, false) },
      responses: { 202: { description: 'Started: a worker imports the records in chunks (poll the job for progress)', ...json() } },
      conflict: true,
    }),
    async (c) => {
      const { reviewId, jobId } = c.req.valid('param');
      return c.json(jobView(await startJob(ctx, reviewId, jobId)), 202);
    },
  );
  app.openapi(
    signedInRoute(ctx, {
      method: 'get',
      path: '/api/reviews/{reviewId}/imports/{jobId}',
      request: { params: ImportJobParams },
      responses: { 200: { description: 'The job: status, records processed, counts, and its progress in words', ...json() } },
    }),
    async (c) => {
      const { reviewId, jobId } = c.req.valid('param');
      return c.json(jobView(await getJob(ctx, reviewId, jobId)), 200);
    },
  );
  app.openapi(
    signedInRoute(ctx, {
      method: 'get',
      path: '/api/reviews/{reviewId}/imports',
      request: { params: ReviewIdParam },
      responses: { 200: { description: "The review's 20 most recent import jobs, newest first", ...json() } },
    }),
    async (c) => {
      const { reviewId } = c.req.valid('param');
      ctx.review(reviewId);
      return c.json({ jobs: (await ctx.jobs.list(reviewId)).map(jobView) }, 200);
    },
  );
  return app;
}
