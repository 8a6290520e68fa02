/**
 * How "run import job X" travels to the worker. Locally (the runner, tests): in this process, in
 * the background, chunk after chunk, retried with backoff. On AWS: a message on the import queue
 * (SQS), which the import-worker Lambda consumes (handler.ts); both end in worker.ts's runImportJob.
 * A local start resumes the jobs a stopped runner left unfinished (resumeUnfinishedImports); on AWS
 * SQS redelivers the message instead.
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { ImportJob } from '../../core/curation/import-job.js';
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

/** The in-process dispatch, with what the local runner's shutdown (and a test harness's close) needs. */
export interface InProcessDispatch extends ImportDispatch {
  /**
   * Stop taking new chunks: each job returns after the chunk it is in (its checkpoint written) and
   * stays `running`, so the next start resumes it; no retry starts after this.
   */
  stop(): void;
  /** Resolves when no job runs in this process any more. */
  idle(): Promise<void>;
}

/**
 * Runs the job in this process, after the request has answered. A failure is retried (the
 * checkpoint makes a retry resume where it stopped); after the last attempt the job is marked
 * failed with the error, and can be restarted from the UI. A job already running here is not
 * started a second time.
 */
export function inProcessImportDispatcher(deps: ImportWorkerDeps, opts: InProcessOptions = {}): InProcessDispatch {
  const attempts = opts.attempts ?? 5;
  const backoff = opts.backoffMs ?? 500;
  const active = new Map<string, Promise<void>>();
  let stopped = false;
  const wake = new Set<() => void>();
  const sleep = (ms: number) =>
    new Promise<void>((res) => {
      const done = () => {
        clearTimeout(t);
        wake.delete(done);
        res();
      };
      const t = setTimeout(done, ms);
      wake.add(done);
    });
  const run = async (msg: ImportMessage): Promise<string> => {
    for (let attempt = 1; ; attempt++) {
      if (stopped) return 'stopped';
      try {
        const outcome = await runImportJob(deps, msg, () => stopped);
        if (outcome === 'more') {
          if (stopped) return 'stopped'; // left `running` at its checkpoint: the next start resumes it
          continue; // another worker raced us on a chunk: look again
        }
        return outcome;
      } catch (err) {
        deps.log?.(`import ${msg.reviewId}/${msg.jobId}: attempt ${attempt} failed: ${(err as Error).message}`);
        // Stopping (the database may already be going away): left as it is, resumed at the next start.
        if (stopped) return 'stopped';
        if (attempt >= attempts) {
          await failImportJob(deps, msg, (err as Error).message).catch(() => undefined);
          return 'failed';
        }
        await sleep(backoff * 2 ** (attempt - 1)); // cut short by stop()
      }
    }
  };
  const dispatch = async (msg: ImportMessage): Promise<void> => {
    const key = JSON.stringify([msg.reviewId, msg.jobId]);
    if (stopped || active.has(key)) return;
    const p = run(msg)
      .catch((err: Error) => `error: ${err.message}`)
      .then((outcome) => {
        active.delete(key);
        opts.onSettled?.(msg, outcome);
      });
    active.set(key, p);
  };
  return Object.assign(dispatch, {
    stop() {
      stopped = true;
      for (const w of [...wake]) w();
    },
    async idle() {
      while (active.size) await Promise.all([...active.values()]);
    },
  });
}

/**
 * At the start of the local runner: every job of these reviews that a stopped process left
 * `queued` or `running` is handed to `dispatch` again and resumes from its checkpoint (a chunk cut
 * short is redone from its stored plan, writing nothing twice). Returns the jobs resumed.
 */
export async function resumeUnfinishedImports(
  deps: Pick<ImportWorkerDeps, 'jobs' | 'log'>,
  reviewIds: readonly string[],
  dispatch: ImportDispatch,
): Promise<ImportJob[]> {
  const resumed: ImportJob[] = [];
  for (const reviewId of reviewIds) {
    for (const job of await deps.jobs.unfinished(reviewId)) {
      deps.log?.(`import ${job.reviewId}/${job.jobId}: resuming (${job.status}; ${job.processed}/${job.total} records done, chunk ${job.chunksDone + 1} of ${job.chunks} next)`);
      await dispatch({ reviewId: job.reviewId, jobId: job.jobId });
      resumed.push(job);
    }
  }
  return resumed;
}
