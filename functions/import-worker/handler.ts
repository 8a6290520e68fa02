/**
 * The import-worker Lambda: one SQS message `{reviewId, jobId}` per job step. Runs the job from its
 * checkpoint until it is done or the remaining time gets short, then queues a continuation message.
 * A failure is reported as a batch item failure (SQS retries; the checkpoint makes the retry
 * resume); on the last receive the job is marked failed so the UI says so.
 */
import type { SQSBatchResponse, SQSEvent, Context } from 'aws-lambda';
import { createDocumentClient } from '../adapters/dynamo/client.js';
import { ENV } from './env.js';
import { instrument, observability } from '../observability.js';
import { CurationStore } from '../adapters/curation-store.js';
import { ImportJobStore } from '../adapters/import-job-store.js';
import { parseImportMessage, sqsImportDispatcher, type ImportDispatch } from './dispatch.js';
import { failImportJob, runImportJob, type ImportWorkerDeps } from './worker.js';

import { MAX_RECEIVES, SAFETY_MS } from './limits.js';

export { MAX_RECEIVES, SAFETY_MS };

export async function processImportBatch(event: SQSEvent, deps: ImportWorkerDeps, dispatch: ImportDispatch, remainingMs: () => number): Promise<SQSBatchResponse> {
  const failures: { itemIdentifier: string }[] = [];
  for (const rec of event.Records) {
    const msg = parseImportMessage(rec.body);
    if (!msg) {
      deps.log?.(`import worker: ignoring a message that is not an import job: ${rec.body.slice(0, 200)}`);
      continue;
    }
    try {
      const outcome = await runImportJob(deps, msg, () => remainingMs() < SAFETY_MS);
      if (outcome === 'more') await dispatch(msg);
    } catch (err) {
      deps.log?.(`import ${msg.reviewId}/${msg.jobId} failed: ${(err as Error).message}`);
      if (Number(rec.attributes?.ApproximateReceiveCount ?? 1) >= MAX_RECEIVES) await failImportJob(deps, msg, (err as Error).message).catch(() => undefined);
      failures.push({ itemIdentifier: rec.messageId });
    }
  }
  return { batchItemFailures: failures };
}

const obs = observability('import-worker');
let cached: { deps: ImportWorkerDeps; dispatch: ImportDispatch } | undefined;
export const handler = instrument(
  obs,
  async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    if (!cached) {
      const env = ENV.parse();
      const doc = createDocumentClient();
      cached = {
        deps: { store: new CurationStore(doc, env.TABLE_NAME), jobs: new ImportJobStore(doc, env.TABLE_NAME), now: () => new Date(), log: (m) => obs.logger.info(m) },
        dispatch: sqsImportDispatcher(env.IMPORT_QUEUE_URL),
      };
    }
    return processImportBatch(event, cached.deps, cached.dispatch, () => context.getRemainingTimeInMillis());
  },
  (event) => event.Records[0]?.messageId,
);
