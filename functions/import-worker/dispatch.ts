/**
 * How "run import job X" travels to the worker. Locally (the runner, tests): in this process, in
 * the background, chunk after chunk, retried with backoff. On AWS: a message on the import queue
 * (SQS), which the import-worker Lambda consumes (handler.ts); both end in worker.ts's runImportJob.
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { failImportJob, runImportJob, type ImportMessage, type ImportWorkerDeps } from './worker.js';

export type ImportDispatch = (msg: ImportMessage) => Promise<void>;

export function importMessageBody(msg: ImportMessage): string {
  return JSON.stringify({ reviewId: msg.reviewId, jobId: msg.jobId });
}

/** Parse a queue message body; undefined when it is not an import message. */
export function parseImportMessage(body: string): ImportMessage | undefined {
  try {
    const v = JSON.parse(body) as Record<string, unknown>;
    return typeof v?.reviewId === 'string' && typeof v.jobId === 'string' ? { reviewId: v.reviewId, jobId: v.jobId } : undefined;
  } catch {
    return undefined;
  }
}

export function sqsImportDispatcher(queueUrl: string, client: SQSClient = new SQSClient({})): ImportDispatch {
  return async (msg) => {
    await client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: importMessageBody(msg) }));
  };
}

export interface InProcessOptions {
  attempts?: number;
  backoffMs?: number;
  /** Resolves when the job has settled (tests). */
  onSettled?: (msg: ImportMessage, outcome: string) => void;
}

/**
 * Runs the job in this process, after the request has answered. A failure is retried (the
 * checkpoint makes a retry resume where it stopped); after the last attempt the job is marked
 * failed with the error, and can be restarted from the UI.
 */
export function inProcessImportDispatcher(deps: ImportWorkerDeps, opts: InProcessOptions = {}): ImportDispatch {
  const attempts = opts.attempts ?? 5;
  const backoff = opts.backoffMs ?? 500;
  return async (msg) => {
    void (async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          const outcome = await runImportJob(deps, msg);
          if (outcome === 'more') continue; // another worker raced us on a chunk: look again
          opts.onSettled?.(msg, outcome);
          return;
        } catch (err) {
          deps.log?.(`import ${msg.reviewId}/${msg.jobId}: attempt ${attempt} failed: ${(err as Error).message}`);
          if (attempt >= attempts) {
            await failImportJob(deps, msg, (err as Error).message).catch(() => undefined);
            opts.onSettled?.(msg, 'failed');
            return;
          }
          await new Promise((r) => setTimeout(r, backoff * 2 ** (attempt - 1)));
        }
      }
    })();
  };
}
