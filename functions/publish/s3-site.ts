/**
 * The AWS ends of a site build: fetch the LATEST snapshot of every review from the snapshot bucket
 * (never the rev-N history), and bring the site bucket in line with a freshly built folder.
 *
 * Upload plan (pure, `planSiteSync`): a file is uploaded when its MD5 differs from the object's
 * ETag (single-part uploads: ETag = MD5) or the object is missing; objects the build no longer has
 * are deleted, after every upload. Hashed assets (`/_astro/…`) go first, then everything else, so a
 * page never points at an asset that is not there yet. Cache-Control: hashed assets immutable for a
 * year; every other file 60 s, so CloudFront and browsers pick a publish up within a minute without
 * an invalidation (infra/stacks/site-stack.ts honours the origin's max-age).
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import {
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';

export const PAGE_MAX_AGE_SECONDS = 60;
const IMMUTABLE = 'public, max-age=31536000, immutable';

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  json: 'application/json; charset=utf-8',
  xml: 'application/atom+xml; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  txt: 'text/plain; charset=utf-8',
  svg: 'image/svg+xml',
  png: 'image/png',
  jpg: 'image/jpeg',
  ico: 'image/x-icon',
  webp: 'image/webp',
  woff2: 'font/woff2',
  map: 'application/json; charset=utf-8',
};

export function contentType(key: string): string {
  const ext = key.slice(key.lastIndexOf('.') + 1).toLowerCase();
  return (key.includes('.') && TYPES[ext]) || 'application/octet-stream';
}

export function cacheControl(key: string): string {
  return key.startsWith('_astro/') ? IMMUTABLE : `public, max-age=${PAGE_MAX_AGE_SECONDS}`;
}

export interface LocalFile {
  key: string;
  md5: string;
  path: string;
}

export interface SyncPlan {
  /** Uploads in order: hashed assets first. */
  put: LocalFile[];
  delete: string[];
  unchanged: number;
}

export function planSiteSync(local: LocalFile[], remote: Map<string, string>): SyncPlan {
  const wanted = new Set(local.map((f) => f.key));
  const put = local.filter((f) => remote.get(f.key) !== f.md5);
  put.sort((a, b) => Number(!a.key.startsWith('_astro/')) - Number(!b.key.startsWith('_astro/')) || a.key.localeCompare(b.key));
  return { put, delete: [...remote.keys()].filter((k) => !wanted.has(k)).sort(), unchanged: local.length - put.length };
}

export async function listLocalFiles(dir: string, wanted: (key: string) => boolean = () => true): Promise<LocalFile[]> {
  const out: LocalFile[] = [];
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const path = join(e.parentPath, e.name);
    const key = relative(dir, path).split(sep).join('/');
    if (wanted(key)) out.push({ key, md5: createHash('md5').update(await readFile(path)).digest('hex'), path });
  }
  return out.sort((a, b) => a.key.localeCompare(b.key));
}

/** key → ETag (without quotes) of every object in the bucket. */
export async function listBucket(s3: S3Client, bucket: string, prefix = ''): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let token: string | undefined;
  do {
    const r = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix || undefined, ContinuationToken: token }));
    for (const o of r.Contents ?? []) if (o.Key) out.set(o.Key, (o.ETag ?? '').replace(/"/g, ''));
    token = r.IsTruncated ? r.NextContinuationToken : undefined;
  } while (token);
  return out;
}

async function inBatches<T>(items: T[], size: number, fn: (x: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(fn));
}

/**
 * `inScope` (an incremental publish): only the keys the publish decided are compared and synced;
 * every other object is left as it is, whatever this instance's folder holds for it.
 */
export async function syncSite(s3: S3Client, bucket: string, dir: string, inScope?: (key: string) => boolean): Promise<SyncPlan> {
  const wanted = inScope ?? (() => true);
  const remote = [...(await listBucket(s3, bucket))].filter(([k]) => wanted(k));
  const plan = planSiteSync(await listLocalFiles(dir, wanted), new Map(remote));
  const assets = plan.put.filter((f) => f.key.startsWith('_astro/'));
  const rest = plan.put.filter((f) => !f.key.startsWith('_astro/'));
  for (const group of [assets, rest]) {
    await inBatches(group, 16, async (f) => {
      await s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: f.key, Body: await readFile(f.path), ContentType: contentType(f.key), CacheControl: cacheControl(f.key) }),
      );
    });
  }
  for (let i = 0; i < plan.delete.length; i += 1000) {
    await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: plan.delete.slice(i, i + 1000).map((Key) => ({ Key })), Quiet: true } }));
  }
  return plan;
}

/** Files re-read on every build (they are replaced in place). */
const MUTABLE = /^snapshots\/([^/]+)\/(latest|counts)\.json$/;
/** Published versions: written once, never rewritten, so a copy already on disk is still right. */
const IMMUTABLE_VERSION = /^snapshots\/([^/]+)\/v\d+\.json$/;

/**
 * Brings `dir` (laid out as buildSite reads it: `<review>/latest.json`, `counts.json`, `v<N>.json`)
 * in line with the snapshot bucket, reading as little as possible: `latest.json` and `counts.json`
 * of every review on every build; a version file only when it is not on disk yet (a warm instance
 * keeps `dir` between builds, so in steady state a build reads the latest files and the new
 * version only). Legacy `rev-<n>.json` history is never read. Returns the review ids and how many
 * objects were downloaded.
 */
export async function fetchSnapshots(s3: S3Client, bucket: string, dir: string): Promise<{ reviews: string[]; downloaded: number }> {
  const keys = [...(await listBucket(s3, bucket, 'snapshots/')).keys()];
  const reviews = new Set<string>();
  const wanted: string[] = [];
  for (const key of keys) {
    const m = MUTABLE.exec(key) ?? IMMUTABLE_VERSION.exec(key);
    if (!m) continue;
    reviews.add(m[1]);
    if (MUTABLE.test(key) || !existsSync(join(dir, key.slice('snapshots/'.length)))) wanted.push(key);
  }
  await inBatches(wanted, 8, async (key) => {
    const obj = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const file = join(dir, key.slice('snapshots/'.length));
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, await obj.Body!.transformToString());
  });
  return { reviews: [...reviews].sort(), downloaded: wanted.length };
}
