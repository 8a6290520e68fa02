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
import { join, relative, sep } from 'node:path';
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

export async function listLocalFiles(dir: string): Promise<LocalFile[]> {
  const out: LocalFile[] = [];
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const path = join(e.parentPath, e.name);
    out.push({ key: relative(dir, path).split(sep).join('/'), md5: createHash('md5').update(await readFile(path)).digest('hex'), path });
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

export async function syncSite(s3: S3Client, bucket: string, dir: string): Promise<SyncPlan> {
  const plan = planSiteSync(await listLocalFiles(dir), await listBucket(s3, bucket));
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

/**
 * Downloads `snapshots/<review>/latest.json` of every review into `dir/<review>/latest.json` (the
 * layout buildSite reads) and nothing else. Returns the review ids.
 */
export async function fetchLatestSnapshots(s3: S3Client, bucket: string, dir: string): Promise<string[]> {
  const reviews: string[] = [];
  let token: string | undefined;
  do {
    const r = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'snapshots/', Delimiter: '/', ContinuationToken: token }));
    for (const p of r.CommonPrefixes ?? []) {
      const id = p.Prefix?.slice('snapshots/'.length, -1);
      if (id) reviews.push(id);
    }
    token = r.IsTruncated ? r.NextContinuationToken : undefined;
  } while (token);
  const found: string[] = [];
  await inBatches(reviews, 8, async (id) => {
    try {
      const obj = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: `snapshots/${id}/latest.json` }));
      await mkdir(join(dir, id), { recursive: true });
      await writeFile(join(dir, id, 'latest.json'), await obj.Body!.transformToString());
      found.push(id);
    } catch (err) {
      if ((err as { name?: string }).name !== 'NoSuchKey') throw err;
    }
  });
  return found.sort();
}
