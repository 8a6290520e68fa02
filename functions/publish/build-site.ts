/**
 * Publishing the Astro dashboard from a folder of snapshots into a folder of static files, the ONE
 * path of the local runner (scripts/lib/site-builder.ts) and the AWS site-build Lambda (which
 * then syncs the folder to S3):
 *  - `publishSite` with the reviews that changed re-renders only their pages, the home page and
 *    the feeds (./incremental.ts) into the site already built there; with no reviews named (first
 *    start, `npm run build:site`, CI), or when that site cannot be re-rendered page by page, it
 *    runs the full build;
 *  - `buildSite`, the full build: `astro build` into a fresh folder that replaces the served one
 *    only when complete (visitors never see a half-built site). It also keeps the build's server
 *    chunks beside the site (`<outDir>.renderer`, see site/keep-renderer.mjs) for the next
 *    incremental publish.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { NotIncremental, renderReviews, rendererDirOf, type RenderResult, type RendererMeta } from './incremental.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SITE_URL_DEFAULT = 'http://localhost:8787';

export interface BuildOptions {
  snapshotDir: string;
  outDir: string;
  siteUrl?: string;
  log?: (line: string) => void;
  /** The Astro project folder (default `<repo>/site`); the AWS build passes a writable copy. */
  siteRoot?: string;
}

export async function buildSite(opts: BuildOptions): Promise<{ ms: number }> {
  const started = Date.now();
  const out = resolve(opts.outDir);
  const siteUrl = opts.siteUrl ?? process.env.SITE_URL ?? SITE_URL_DEFAULT;
  const staging = `${out}.building-${process.pid}`;
  const rendererStaging = `${staging}.renderer`;
  for (const d of [staging, rendererStaging]) rmSync(d, { recursive: true, force: true });
  mkdirSync(dirname(out), { recursive: true });
  const astroDir = dirname(createRequire(import.meta.url).resolve('astro/package.json'));
  const astroBin = join(astroDir, 'astro.js');
  await new Promise<void>((res, rej) => {
    const child = spawn(process.execPath, [astroBin, 'build', '--root', opts.siteRoot ?? join(ROOT, 'site'), '--silent'], {
      env: {
        ...process.env,
        ASTRO_TELEMETRY_DISABLED: '1',
        SNAPSHOT_DIR: resolve(opts.snapshotDir),
        SITE_OUT_DIR: staging,
        SITE_RENDERER_DIR: rendererStaging,
        SITE_URL: siteUrl,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stdout.on('data', (d: Buffer) => opts.log?.(d.toString().trimEnd()));
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('error', rej);
    child.on('exit', (code) => (code === 0 ? res() : rej(new Error(`site build failed (exit ${code}): ${err.trim().split('\n').slice(-5).join(' | ')}`))));
  });
  // The kept chunks import astro's runtime packages by name: they resolve through this link.
  mkdirSync(rendererStaging, { recursive: true });
  symlinkSync(dirname(astroDir), join(rendererStaging, 'node_modules'), 'dir');
  writeFileSync(join(rendererStaging, 'meta.json'), `${JSON.stringify({ siteUrl, builtAt: new Date().toISOString() } satisfies RendererMeta)}\n`);
  const renderer = rendererDirOf(out);
  for (const [from, to] of [
    [staging, out],
    [rendererStaging, renderer],
  ]) {
    const old = `${to}.old-${process.pid}`;
    if (existsSync(to)) renameSync(to, old);
    renameSync(from, to);
    rmSync(old, { recursive: true, force: true });
  }
  return { ms: Date.now() - started };
}

export interface PublishOptions extends BuildOptions {
  /** The reviews whose snapshots changed; absent or empty: build the whole site. */
  reviewIds?: string[];
}

export type PublishResult =
  | { mode: 'full'; ms: number; why: string }
  | ({ mode: 'incremental' } & RenderResult);

/** Publishes what changed (see the file comment); falls back to the full build, saying why. */
export async function publishSite(opts: PublishOptions, build: typeof buildSite = buildSite): Promise<PublishResult> {
  const siteUrl = opts.siteUrl ?? process.env.SITE_URL ?? SITE_URL_DEFAULT;
  let why = 'no reviews named (first build)';
  if (opts.reviewIds?.length) {
    try {
      return { mode: 'incremental', ...(await renderReviews({ outDir: opts.outDir, snapshotDir: opts.snapshotDir, siteUrl, reviewIds: opts.reviewIds })) };
    } catch (err) {
      // Not possible (NotIncremental) or failed: the full build publishes the same pages anyway.
      why = err instanceof NotIncremental ? err.message : `incremental publish failed: ${(err as Error).message}`;
    }
  }
  opts.log?.(`site: full build (${why})`);
  const { ms } = await build({ ...opts, siteUrl });
  return { mode: 'full', ms, why };
}
