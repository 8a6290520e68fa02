/**
 * The site-build Lambda's bundle, as CDK builds it, really builds the site (issue 14 §2).
 *
 * The bundle is made by the asset's own local bundling step (`writeSiteBundle`, which
 * `siteBundleCode().tryBundle` calls at synth) into a folder outside the repository, so that Node
 * cannot fall back on the repository's node_modules: only what the bundle carries is on disk for
 * it (no dev dependencies, nothing installed). Its handler (`functions/publish/handler.mjs`, the
 * Lambda entry) then runs in a separate node process, with the environment the stack gives it
 * (SNAPSHOT_BUCKET, SITE_BUCKET, SITE_URL, LAMBDA_TASK_ROOT) and S3 replaced by the smallest honest
 * stand-in: the fake S3 of test/fakes/s3.ts (S3's REST/XML wire format on a real HTTP server), reached
 * through the SDK's standard endpoint override `AWS_ENDPOINT_URL_S3`. The snapshot bucket holds the
 * latest snapshots of every review (core's builder, test/site/sample.ts) plus old `rev-N` history that
 * a build must never read. The pages must appear in the site bucket, with the snapshot's numbers.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dependencyClosure, siteImports, writeSiteBundle } from '../../infra/constructs/site-bundle.js';
import { startFakeS3, type FakeS3 } from '../fakes/s3.js';
import { APP_METRICS } from '../../functions/app-metrics.js';
import { sampleSnapshots, writeSnapshots } from '../site/sample.js';

const work = mkdtempSync(join(tmpdir(), 'le-site-bundle-'));
const bundle = join(work, 'bundle');
let s3: FakeS3;
const snaps = sampleSnapshots();

function files(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out;
}

/** Runs the bundled handler in its own node process (cwd = the bundle, as /var/task in Lambda). */
function invoke(event: unknown): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const script = `
    const { handler } = await import(${JSON.stringify(join(bundle, 'functions/publish/handler.mjs'))});
    const context = { functionName: 'site-build', functionVersion: '$LATEST', awsRequestId: 'req-1', memoryLimitInMB: '2048', invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:site-build', getRemainingTimeInMillis: () => 600000 };
    const r = await handler(${JSON.stringify(event)}, context);
    process.stdout.write('RESULT ' + JSON.stringify(r) + '\\n');
  `;
  const lambdaTmp = mkdtempSync(join(work, 'tmp-'));
  return new Promise((res) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      cwd: bundle,
      // What the stack sets (infra/stacks/site-stack.ts) plus what the Lambda runtime sets; nothing of the repo.
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        TMPDIR: lambdaTmp,
        // As the Analysis stack sets it (Astro writes under HOME; functions/publish/env.ts requires it).
        HOME: lambdaTmp,
        LAMBDA_TASK_ROOT: bundle,
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_ENDPOINT_URL_S3: s3.url,
        AWS_LAMBDA_FUNCTION_NAME: 'site-build',
        SNAPSHOT_BUCKET: 'snapshots-bucket',
        SITE_BUCKET: 'site-bucket',
        SITE_URL: 'https://evidence.example.org',
        POWERTOOLS_SERVICE_NAME: 'site-build',
        POWERTOOLS_METRICS_NAMESPACE: 'LivingEvidence',
        ASTRO_TELEMETRY_DISABLED: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => res({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  writeSiteBundle(bundle);
  s3 = await startFakeS3();
  const local = join(work, 'snapshots');
  writeSnapshots(local, snaps);
  for (const f of files(local)) s3.put('snapshots-bucket', `snapshots/${f}`, readFileSync(join(local, f), 'utf8'));
  // History a build never reads (only the latest snapshot of each review is published).
  for (const s of snaps) for (let r = 1; r <= 3; r++) s3.put('snapshots-bucket', `snapshots/${s.reviewId}/rev-${r}.json`, '{"not":"a snapshot"}');
  s3.put('site-bucket', 'stale/index.html', '<p>a page the new build no longer has</p>');
}, 900_000);

afterAll(async () => {
  await s3?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('site-build bundle (what CDK uploads as the Lambda code)', () => {
  it('carries the site, core, the handler and the production packages the site imports — no dev dependencies', () => {
    for (const p of ['functions/publish/handler.mjs', 'site/astro.config.mjs', 'site/src', 'core', 'node_modules/astro/package.json']) expect(existsSync(join(bundle, p)), p).toBe(true);
    const imports = siteImports();
    expect(imports).toContain('astro');
    for (const name of imports) expect(name, 'a package name').toMatch(/^(@[\w.-]+\/)?[\w.-]+$/);
    for (const name of imports) expect(existsSync(join(bundle, 'node_modules', name, 'package.json')), name).toBe(true);
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    // Dev dependencies that no site package needs at run time (esbuild is one Astro's Vite does need).
    const production = new Set(dependencyClosure(siteImports()).map((d) => d.slice(d.lastIndexOf('node_modules/') + 'node_modules/'.length)));
    const devOnly = Object.keys(pkg.devDependencies).filter((d) => !production.has(d));
    expect(devOnly).toContain('vitest');
    expect(devOnly.filter((d) => existsSync(join(bundle, 'node_modules', d)))).toEqual([]);
    expect(existsSync(join(bundle, 'node_modules', 'vitest'))).toBe(false);
    expect(existsSync(join(bundle, 'node_modules', 'aws-cdk-lib'))).toBe(false);
  });

  it('run on its own in a separate process, builds every review page from the latest snapshots into the site bucket', async () => {
    const sentAt = Date.now();
    const event = { Records: [{ messageId: 'm1', body: JSON.stringify({ reviewIds: ['selfguided-depression'] }), attributes: { SentTimestamp: String(sentAt) } }] };
    const r = await invoke(event);
    expect(r.code, r.stderr.slice(-3000)).toBe(0);
    const result = JSON.parse(r.stdout.split('\n').find((l) => l.startsWith('RESULT '))!.slice('RESULT '.length));
    expect(result).toEqual({ batchItemFailures: [] });

    // Only the latest snapshots were read, never rev-N history.
    const gets = s3.requests.filter((q) => q.method === 'GET' && q.bucket === 'snapshots-bucket' && q.key);
    expect(gets.map((g) => g.key).sort()).toEqual(snaps.map((s) => `snapshots/${s.reviewId}/latest.json`).sort());

    const site = s3.buckets.get('site-bucket')!;
    const page = (key: string) => site.get(key)?.body.toString('utf8');
    expect(page('index.html')).toBeDefined();
    for (const s of snaps) {
      const html = page(`reviews/${s.reviewId}/index.html`);
      expect(html, `reviews/${s.reviewId}/index.html`).toBeDefined();
      // The published-page contract: one section per outcome of the snapshot.
      for (const o of s.outcomes) expect(html).toContain(`data-outcome-id="${o.id}"`);
    }
    // The pooled number of the Metapsy review appears as the snapshot has it.
    const dep = snaps.find((s) => s.reviewId === 'selfguided-depression')!;
    const pooled = dep.outcomes.find((o) => o.result !== null)!;
    expect(pooled.k).toBeGreaterThan(2);
    expect(page('reviews/selfguided-depression/index.html')).toContain(Math.abs(pooled.result!.estimate!).toFixed(2));
    // Study pages, the feed and downloads are there with their types and cache headers.
    expect([...site.keys()].some((k) => k.startsWith('reviews/selfguided-depression/studies/') && k.endsWith('index.html'))).toBe(true);
    expect(site.get('feed.xml')?.contentType).toMatch(/atom\+xml/);
    expect(site.get('index.html')?.cacheControl).toBe('public, max-age=60');
    // What the build no longer has is gone.
    expect(site.has('stale/index.html')).toBe(false);
    // Structured logs of the run (Powertools) say what was published.
    expect(r.stdout).toMatch(/"message":"site published"/);
    // …and the bundled handler sends the publish metrics of functions/app-metrics.ts as EMF, under the
    // namespace the stack sets, with the `service` dimension only (no review id).
    const emf = r.stdout.split('\n').filter((l) => l.includes('"_aws"')).map((l) => JSON.parse(l) as Record<string, any>);
    expect(emf).toHaveLength(1);
    const [directive] = emf[0]._aws.CloudWatchMetrics as { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[];
    expect(directive.Namespace).toBe('LivingEvidence');
    expect(directive.Dimensions).toEqual([['service']]);
    expect(emf[0].service).toBe(APP_METRICS.publish.service);
    const sent = Object.values(APP_METRICS.publish.metrics).filter((m) => m.sent === 'always');
    expect(directive.Metrics.map((m) => m.Name).sort()).toEqual(sent.map((m) => m.name).sort());
    expect(emf[0].Publishes).toBe(1);
    expect(emf[0].AcceptToPublishedLatency).toBeGreaterThanOrEqual(emf[0].PublishDuration);
    expect(emf[0].PublishDuration).toBeGreaterThanOrEqual(emf[0].BuildDuration);
    expect(JSON.stringify(emf[0])).not.toContain('selfguided-depression');
  }, 900_000);
});
