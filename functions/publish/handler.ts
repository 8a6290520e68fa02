/**
 * Lambda entry of the site build (AWS): a batch of publish requests from the FIFO publish queue →
 * ONE publish of the reviews they name from the latest snapshots → the site bucket. The same
 * publish function as the local runner (./build-site.ts `publishSite`): on a warm instance the
 * site built by its previous publish is kept in /tmp and only the named reviews' pages, the home
 * page and the feeds are re-rendered (./incremental.ts), and only those keys are compared with the
 * bucket and uploaded; a cold instance (or a site that cannot be re-rendered page by page) builds
 * the whole site and syncs all of it. This file only brings the snapshots in and the pages out
 * (./s3-site.ts), and measures.
 *  - malformed messages are reported as batch item failures (retried, then the DLQ, alarmed) and
 *    do not block the others;
 *  - a failed build or upload fails every valid message of the batch (SQS retries it; the site
 *    keeps its previous, complete state: uploads never delete before every new file is up), and
 *    the instance forgets its local site, so its next publish is a full build.
 * Figures: the publish metrics of functions/app-metrics.ts (Publishes, PublishDuration, BuildDuration,
 * AcceptToPublishedLatency from the oldest request of the batch; PublishFailures), dimension
 * `service` only, and the same figures plus uploaded/deleted/unchanged and the reviews as fields
 * of the `site published` / `publish failed` log lines (saved Logs Insights queries).
 */
import { cpSync, existsSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { S3Client } from '@aws-sdk/client-s3';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { emitMetrics, instrument, observability, type Observability } from '../observability.js';
import { LOG_FIGURES } from '../app-metrics.js';
import { buildSite, publishSite } from './build-site.js';
import { rendererDirOf } from './incremental.js';
import { parsePublishMessage, planPublish, type PublishRequest } from './decide.js';
import { fetchSnapshots, syncSite } from './s3-site.js';
import { ENV } from './env.js';

export interface PublishDeps {
  s3: S3Client;
  snapshotBucket: string;
  siteBucket: string;
  siteUrl: string;
  /** A writable Astro project folder (Lambda: a copy of the bundled one under /tmp). */
  siteRoot?: string;
  /** Where snapshots are kept between builds of this instance (immutable versions are not read again). */
  snapshotDir: string;
  /**
   * Where this instance keeps the site it published last (default: beside the Astro project, whose
   * node_modules the build's chunks import through).
   */
  siteDir?: string;
  now: () => number;
  obs: Observability;
  build?: typeof buildSite;
}

export function parseBatch(event: SQSEvent, obs: Observability): { requests: PublishRequest[]; failures: string[] } {
  const requests: PublishRequest[] = [];
  const failures: string[] = [];
  for (const record of event.Records) {
    try {
      const { reviewIds } = parsePublishMessage(record.body);
      const sentAt = Number(record.attributes?.SentTimestamp);
      if (!Number.isFinite(sentAt)) throw new Error('attributes.SentTimestamp: missing or not a number');
      requests.push({ messageId: record.messageId, reviewIds, sentAt });
    } catch (err) {
      failures.push(record.messageId);
      obs.logger.error('rejected publish message', { messageId: record.messageId, error: (err as Error).message });
    }
  }
  return { requests, failures };
}

export async function handlePublish(deps: PublishDeps, event: SQSEvent): Promise<SQSBatchResponse> {
  const { obs } = deps;
  const { requests, failures } = parseBatch(event, obs);
  const itemFailures = (ids: string[]): SQSBatchResponse => ({ batchItemFailures: ids.map((itemIdentifier) => ({ itemIdentifier })) });
  if (requests.length === 0) return itemFailures(failures);
  const plan = planPublish(requests);
  const started = deps.now();
  const outDir = deps.siteDir ?? join(deps.siteRoot ? dirname(deps.siteRoot) : tmpdir(), 'published', 'site');
  try {
    const { reviews, downloaded } = await fetchSnapshots(deps.s3, deps.snapshotBucket, deps.snapshotDir);
    const published = await publishSite(
      { snapshotDir: deps.snapshotDir, outDir, siteUrl: deps.siteUrl, reviewIds: plan.reviewIds, ...(deps.siteRoot ? { siteRoot: deps.siteRoot } : {}), log: (line) => obs.logger.info(line) },
      deps.build ?? buildSite,
    );
    const sync = await syncSite(deps.s3, deps.siteBucket, outDir, published.mode === 'incremental' ? published.inScope : undefined);
    const done = deps.now();
    const buildMs = Math.round(published.ms);
    emitMetrics(obs, 'publish', { publishes: 1, publishDuration: done - started, buildDuration: buildMs, acceptToPublished: done - plan.oldestSentAt });
    // The log line also names the reviews (never a metric dimension: functions/app-metrics.ts).
    obs.logger.info(LOG_FIGURES.publish.message, {
      requested: plan.reviewIds,
      messages: plan.messages,
      reviews,
      snapshotsDownloaded: downloaded,
      mode: published.mode,
      ...(published.mode === 'full' ? { fullBuildBecause: published.why } : { rendered: published.written.length }),
      buildMs,
      publishMs: done - started,
      uploaded: sync.put.length,
      deleted: sync.delete.length,
      unchanged: sync.unchanged,
      latencyMs: done - plan.oldestSentAt,
    });
    return itemFailures(failures);
  } catch (err) {
    emitMetrics(obs, 'publish', { failures: 1 });
    obs.logger.error(LOG_FIGURES.publishFailed.message, { publishMs: deps.now() - started, error: (err as Error).message });
    // The local site may now differ from the bucket: the next publish builds everything again.
    for (const d of [outDir, rendererDirOf(outDir)]) rmSync(d, { recursive: true, force: true });
    throw err;
  }
}

/**
 * The bundled Astro project is read-only (/var/task): Astro writes `.astro/` and its cache inside
 * the project, so each instance copies `site/` once to /tmp and links `node_modules` and `core`
 * (read-only is fine for those) beside it.
 */
export function writableSiteRoot(bundleRoot: string, into = join(tmpdir(), 'site-project')): string {
  const site = join(into, 'site');
  if (existsSync(site)) return site;
  cpSync(join(bundleRoot, 'site'), site, { recursive: true });
  for (const dir of ['node_modules', 'core']) if (existsSync(join(bundleRoot, dir))) symlinkSync(join(bundleRoot, dir), join(into, dir), 'dir');
  return site;
}

const obs = observability('publish');
let deps: PublishDeps | undefined;

export const handler = instrument(
  obs,
  async (event: SQSEvent, _context: Context): Promise<SQSBatchResponse> => {
    if (!deps) {
      const env = ENV.parse();
      deps = {
        s3: new S3Client({}),
        snapshotBucket: env.SNAPSHOT_BUCKET,
        siteBucket: env.SITE_BUCKET,
        siteUrl: env.SITE_URL,
        snapshotDir: join(tmpdir(), 'snapshots'),
        siteRoot: writableSiteRoot(env.SITE_BUNDLE_ROOT ?? process.env.LAMBDA_TASK_ROOT ?? process.cwd()),
        now: Date.now,
        obs,
      };
    }
    return handlePublish(deps, event);
  },
  (event) => event.Records[0]?.messageId,
);
