/**
 * `npm start`: the whole stack on one machine (the embedded default).
 *
 *   DynamoDB Local (DATA_DIR/dynamodb) ── stream ──▶ reanalyse (same code as the Lambda)
 *        ▲                                               │ snapshots (DATA_DIR/snapshots)
 *        │ pollers, each review on its cadence           ▼
 *   curation API + UI (Hono, /api, /curate)        Astro build (DATA_DIR/site) served at /
 *
 * Ctrl-C stops everything (the Java child included). A second start finds the data it left and
 * resumes the stream from its checkpoint; it also re-pools every review once at start-up, so no
 * accepted decision is lost even after a kill -9, and resumes import jobs left unfinished.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createServer } from 'node:net';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describeCadence, duePolls, slotKey, type PollSlot } from '../core/reviews/index.js';
import { ALL_REVIEWS } from '../reviews/index.js';
import { createDocumentClient, createDynamoClient, tableName } from '../functions/adapters/dynamo/client.js';
import { ensureTable } from '../functions/adapters/dynamo/tables.js';
import { diskSnapshotStore } from '../functions/adapters/snapshot-store.js';
import { handleChanges } from '../functions/reanalyse/handler.js';
import { reanalyseReview } from '../functions/reanalyse/reanalyse.js';
import { createCurationApp } from '../functions/curation-api/app.js';
import { inProcessImportDispatcher, resumeUnfinishedImports, type InProcessDispatch } from '../functions/import-worker/dispatch.js';
import { issueLocalToken } from '../functions/curation-api/auth.js';
import { IngestStore } from '../functions/adapters/ingest-store.js';
import { ImportJobStore } from '../functions/adapters/import-job-store.js';
import { emptySummary, POLL_SOURCES, runPollCycle, type PollSource } from '../functions/poll-common/cycle.js';
import { dataDir, startDynamoLocal } from './lib/dynamo-local.js';
import { StartupError, runMain } from './lib/errors.js';
import { createSiteBuilder } from './lib/site-builder.js';
import { staticSite } from './lib/static.js';
import { startStreamConsumer } from './lib/stream-consumer.js';
import { registerStack } from './lib/stack-registry.js';

const log = (msg: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${msg}\n`);

export interface RunnerConfig {
  port: number;
  dataDir: string;
  /** POLL_INTERVAL_MINUTES: when set, every review is polled every this many minutes instead of on its cadence. */
  pollIntervalMinutes?: number;
  /** POLL_ON_START (default on): poll the due reviews at start-up; off: the start-up counts as a poll. */
  pollOnStart: boolean;
  /** POLL_TICK_SECONDS (60): how often the scheduler looks for due polls. */
  pollTickSeconds: number;
}

export function parseConfig(env: NodeJS.ProcessEnv): RunnerConfig {
  const port = Number(env.PORT ?? 8787);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new StartupError(`PORT must be an integer between 1 and 65535 (got "${env.PORT}").`);
  let interval: number | undefined;
  if (env.POLL_INTERVAL_MINUTES !== undefined && env.POLL_INTERVAL_MINUTES.trim() !== '') {
    interval = Number(env.POLL_INTERVAL_MINUTES);
    if (!Number.isFinite(interval) || interval <= 0) throw new StartupError(`POLL_INTERVAL_MINUTES must be a positive number of minutes (got "${env.POLL_INTERVAL_MINUTES}"); leave it unset to poll each review on its own cadence.`);
  }
  const tick = Number(env.POLL_TICK_SECONDS || 60);
  if (!Number.isFinite(tick) || tick <= 0) throw new StartupError(`POLL_TICK_SECONDS must be a positive number (got "${env.POLL_TICK_SECONDS}").`);
  return {
    port,
    dataDir: dataDir(env),
    ...(interval !== undefined ? { pollIntervalMinutes: interval } : {}),
    pollOnStart: env.POLL_ON_START !== '0',
    pollTickSeconds: tick,
  };
}

async function checkPortFree(port: number): Promise<void> {
  await new Promise<void>((res, rej) => {
    const srv = createServer();
    srv.once('error', (err: NodeJS.ErrnoException) =>
      rej(new StartupError(err.code === 'EADDRINUSE' ? `Port ${port} is already in use. Stop the other process or start with PORT=<another port>.` : `Cannot listen on port ${port}: ${err.code ?? err.message}.`)),
    );
    srv.listen(port, () => srv.close(() => res()));
  });
}

function localSecret(dir: string): string {
  const file = join(dir, 'local-jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const s = randomBytes(32).toString('hex');
  writeFileSync(file, s, { mode: 0o600 });
  return s;
}

async function main(): Promise<void> {
  const cfg = parseConfig(process.env);
  await checkPortFree(cfg.port);
  try {
    mkdirSync(cfg.dataDir, { recursive: true });
  } catch (err) {
    throw new StartupError(`The data folder ${cfg.dataDir} cannot be created (${(err as NodeJS.ErrnoException).code}). Set DATA_DIR to a writable folder.`);
  }
  const baseUrl = `http://localhost:${cfg.port}`;
  log(`data folder: ${cfg.dataDir}`);
  log('starting DynamoDB Local …');
  // Signals are handled from here on: until everything runs, a Ctrl-C stops what has started.
  const cleanups: (() => Promise<void>)[] = [];
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping …`);
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch (err) {
        log(`while stopping: ${(err as Error).message}`);
      }
    }
    log(`stopped cleanly; data kept in ${cfg.dataDir}`);
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  const db = await startDynamoLocal({ dir: join(cfg.dataDir, 'dynamodb'), publish: true });
  cleanups.push(() => db.stop());
  process.env.DYNAMODB_ENDPOINT = db.endpoint;
  const table = tableName();
  const created = await ensureTable(createDynamoClient(), table);
  log(`DynamoDB Local at ${db.endpoint}, table "${table}" ${created ? 'created' : 'found (data kept from the last run)'}`);

  const doc = createDocumentClient();
  const snapshotDir = join(cfg.dataDir, 'snapshots');
  const siteDir = join(cfg.dataDir, 'site');
  const store = diskSnapshotStore(snapshotDir);
  const builder = createSiteBuilder({ snapshotDir, outDir: siteDir, siteUrl: baseUrl, log });

  // Catch up: every review re-pooled from the table as it is now (covers anything a crash left).
  for (const review of ALL_REVIEWS) {
    const { snapshot: snap, published } = await reanalyseReview({ doc, table, store }, review);
    const o = snap.outcomes.find((x) => x.primary) ?? snap.outcomes[0];
    log(`pooled ${review.id}: version ${snap.version}${published ? ' (new)' : ' (unchanged)'}, ${snap.studies.length} accepted${o?.result?.estimate != null ? `, ${o.label} SMD ${o.result.estimate.toFixed(2)} (k=${o.k})` : ''}`);
  }
  builder.schedule('start-up');

  const consumer = await startStreamConsumer({
    table,
    checkpointFile: join(cfg.dataDir, 'stream-checkpoint.json'),
    log,
    // A burst (an import, several accepts in a row) becomes one batch, hence one version.
    settleMs: Number(process.env.STREAM_SETTLE_MS ?? 1000),
    onBatch: async (changes) => {
      const done = await handleChanges({ doc, table, store, log }, changes);
      if (done.length) builder.schedule(`reanalysed ${done.join(', ')}`, done);
    },
  });
  cleanups.push(async () => {
    await consumer.stop();
    await builder.idle();
  });
  log('stream consumer running (reanalysis on every accepted or withdrawn study)');

  const secret = process.env.LOCAL_JWT_SECRET || localSecret(cfg.dataDir);
  const app = new Hono();
  // Import jobs run in this process; the dispatcher is kept to resume what a stopped run left.
  let imports: InProcessDispatch | undefined;
  app.route(
    '/',
    createCurationApp({
      doc,
      table,
      reviews: [...ALL_REVIEWS],
      auth: { localSecret: secret },
      snapshots: store,
      importDispatch: (worker) => (imports = inProcessImportDispatcher({ ...worker, log })),
    }),
  );
  let firstBuildDone = false;
  void builder.idle().then(() => {
    firstBuildDone = true;
  });
  app.get('*', staticSite(siteDir, () => !firstBuildDone));
  const server = serve({ fetch: app.fetch, port: cfg.port });
  await new Promise<void>((res, rej) => {
    server.once('listening', () => res());
    server.once('error', (err: NodeJS.ErrnoException) => rej(new StartupError(`Cannot listen on port ${cfg.port}: ${err.code ?? err.message}.`)));
  });

  cleanups.push(() => new Promise<void>((res) => server.close(() => res())));
  // Runs before the server and DynamoDB Local stop: a running import finishes its chunk, writes
  // its checkpoint and stays "running"; the next start resumes it.
  cleanups.push(async () => {
    imports!.stop();
    await imports!.idle();
  });

  // Import jobs left "queued" or "running" by a stopped (or killed) run resume from their checkpoint.
  const resumed = await resumeUnfinishedImports({ jobs: new ImportJobStore(doc, table), log }, ALL_REVIEWS.map((r) => r.id), imports!);
  if (resumed.length) log(`resumed ${resumed.length} unfinished import job(s); progress on their pages under /curate/reviews/<review>/import`);

  // Pollers: a scheduler tick looks up each (review, source) checkpoint and runs the due polls one
  // after another (never two cycles at once). The decision is core's `duePolls`.
  const ingest = new IngestStore(doc, table);
  const failures = new Map<string, Date>();
  const startedAt = new Date();
  const overrideHours = cfg.pollIntervalMinutes !== undefined ? cfg.pollIntervalMinutes / 60 : undefined;
  const cadenceOf = new Map(ALL_REVIEWS.map((r) => [r.id, describeCadence(r.cadence)]));
  let pollTimer: NodeJS.Timeout | undefined;
  let pollStopped = false;
  const pollDue = async () => {
    const lastRunAt = new Map<string, string | undefined>();
    for (const r of ALL_REVIEWS) for (const src of POLL_SOURCES) lastRunAt.set(slotKey(r.id, src), (await ingest.getCheckpoint(r.id, src))?.lastRunAt);
    const due: PollSlot[] = duePolls({
      reviews: ALL_REVIEWS,
      sources: POLL_SOURCES,
      lastRunAt,
      failures,
      now: new Date(),
      ...(overrideHours !== undefined ? { overrideHours } : {}),
      ...(cfg.pollOnStart ? {} : { countFrom: startedAt }),
    });
    if (!due.length) return;
    const total = { ...emptySummary(), polled: [] as string[], failures: [] as string[] };
    const candidates = new Map<string, number>();
    for (const slot of due) {
      if (pollStopped) break;
      const key = slotKey(slot.reviewId, slot.source);
      const name = `${slot.source} ${slot.reviewId}`;
      const last = lastRunAt.get(key);
      const every = overrideHours !== undefined ? `every ${cfg.pollIntervalMinutes} min` : cadenceOf.get(slot.reviewId);
      log(`polling ${name} (${every}; ${failures.has(key) ? 'retry after a failure' : last ? `last run ${last}` : 'never polled'})`);
      total.polled.push(name);
      try {
        const res = await runPollCycle({ doc, table, env: process.env, log, reviewIds: [slot.reviewId], sources: [slot.source as PollSource] });
        for (const k of ['fetched', 'new', 'updated', 'unchanged', 'quarantined'] as const) total[k] += res[k];
        candidates.set(slot.reviewId, res.candidates);
        if (res.failures.length) {
          failures.set(key, new Date());
          total.failures.push(...res.failures);
        } else failures.delete(key);
      } catch (err) {
        failures.set(key, new Date());
        total.failures.push(`${name}: cycle failed: ${(err as Error).message}`);
        log(`${name}: cycle failed: ${(err as Error).message}`);
      }
    }
    total.candidates = [...candidates.values()].reduce((a, b) => a + b, 0);
    log(`poll: ${JSON.stringify(total)}`);
    if (total.failures.length) log(`poll: failed polls are retried after min(their interval, 15 min)`);
  };
  const pollLoop = async () => {
    try {
      await pollDue();
    } catch (err) {
      log(`poll: scheduler tick failed: ${(err as Error).message}`);
    } finally {
      if (!pollStopped) pollTimer = setTimeout(() => void pollLoop(), cfg.pollTickSeconds * 1000);
    }
  };
  // With POLL_ON_START=0 nothing is due at the first tick (the start-up counts as a poll).
  pollTimer = setTimeout(() => void pollLoop(), 2_000);
  cleanups.push(async () => {
    pollStopped = true;
    clearTimeout(pollTimer);
  });
  const pollersLine =
    cfg.pollIntervalMinutes !== undefined
      ? `every review every ${cfg.pollIntervalMinutes} min (POLL_INTERVAL_MINUTES)`
      : `each review on its cadence (${ALL_REVIEWS.map((r) => `${r.id} ${describeCadence(r.cadence)}`).join(', ')})`;
  const startLine = cfg.pollOnStart ? 'due polls run at start-up' : 'none at start-up (POLL_ON_START=0)';

  // Lets `npm run import` find this stack by its DATA_DIR (scripts/lib/stack-registry.ts). Registered
  // before the "running" banner below: whoever waits for the banner (a user, the test harness) then
  // finds the entry (written after it, an import started at once could miss the stack).
  const unregister = registerStack({ dataDir: cfg.dataDir, endpoint: db.endpoint, url: `${baseUrl}/` });
  cleanups.push(async () => unregister());
  process.once('exit', unregister);

  const leadToken = await issueLocalToken({ sub: 'local-lead', name: 'Local lead', role: 'lead' }, secret);
  const curatorToken = await issueLocalToken({ sub: 'local-curator', name: 'Local curator', role: 'curator' }, secret);
  process.stdout.write(
    [
      '',
      'Living evidence is running:',
      `  dashboard        ${baseUrl}/`,
      `  API              ${baseUrl}/api  (OpenAPI: ${baseUrl}/api/openapi.json)`,
      `  curator UI       ${baseUrl}/curate`,
      `  sign in (lead)   ${baseUrl}/curate/signin?token=${leadToken}`,
      `  sign in (curator) ${baseUrl}/curate/signin?token=${curatorToken}`,
      `  DynamoDB Local   ${db.endpoint}`,
      `  pollers          ${pollersLine}; ${startLine}`,
      `                   (PubMed: ${process.env.PUBMED_EUTILS_URL ?? 'NCBI'}, ClinicalTrials.gov: ${process.env.CTGOV_API_URL ?? 'public API'})`,
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );

}

runMain(main);
