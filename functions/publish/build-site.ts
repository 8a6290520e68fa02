/**
 * Builds the Astro dashboard from a folder of snapshots into a folder of static files. Used by the
 * local runner after every reanalysis and by the publish job in AWS (which then syncs it to S3).
 * The build goes to a fresh folder that replaces the served one only when complete, so visitors
 * never see a half-built site.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

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
  const staging = `${out}.building-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(dirname(out), { recursive: true });
  const astroBin = join(dirname(createRequire(import.meta.url).resolve('astro/package.json')), 'astro.js');
  await new Promise<void>((res, rej) => {
    const child = spawn(process.execPath, [astroBin, 'build', '--root', opts.siteRoot ?? join(ROOT, 'site'), '--silent'], {
      env: {
        ...process.env,
        ASTRO_TELEMETRY_DISABLED: '1',
        SNAPSHOT_DIR: resolve(opts.snapshotDir),
        SITE_OUT_DIR: staging,
        SITE_URL: opts.siteUrl ?? process.env.SITE_URL ?? 'http://localhost:8787',
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
  const old = `${out}.old-${process.pid}`;
  if (existsSync(out)) renameSync(out, old);
  renameSync(staging, out);
  rmSync(old, { recursive: true, force: true });
  return { ms: Date.now() - started };
}
