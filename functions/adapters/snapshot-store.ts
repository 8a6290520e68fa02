/**
 * Where published snapshots live: a folder locally (DATA_DIR/snapshots), the snapshot bucket in AWS.
 * Layout (both): snapshots/<reviewId>/latest.json and snapshots/<reviewId>/rev-<n>.json (history).
 */
import { mkdir, readFile, rename, writeFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand, S3Client, NoSuchKey } from '@aws-sdk/client-s3';
import type { ReviewSnapshot } from '../../core/analysis/snapshot.js';

export interface SnapshotStore {
  getLatest(reviewId: string): Promise<ReviewSnapshot | null>;
  put(snapshot: ReviewSnapshot): Promise<void>;
  describe(): string;
}

export function diskSnapshotStore(dir: string): SnapshotStore {
  return {
    describe: () => dir,
    async getLatest(reviewId) {
      try {
        return JSON.parse(await readFile(join(dir, reviewId, 'latest.json'), 'utf8')) as ReviewSnapshot;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
    },
    async put(snapshot) {
      const folder = join(dir, snapshot.reviewId);
      await mkdir(folder, { recursive: true });
      const body = `${JSON.stringify(snapshot, null, 1)}\n`;
      await writeFile(join(folder, `rev-${snapshot.revision}.json`), body);
      // Atomic replace: readers (the site build) never see a half-written latest.json.
      const tmp = join(folder, `.latest.${process.pid}.tmp`);
      await writeFile(tmp, body);
      await rename(tmp, join(folder, 'latest.json'));
    },
  };
}

export async function listSnapshotReviews(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  } catch {
    return [];
  }
}

export function s3SnapshotStore(bucket: string, client = new S3Client({})): SnapshotStore {
  return {
    describe: () => `s3://${bucket}/snapshots`,
    async getLatest(reviewId) {
      try {
        const r = await client.send(new GetObjectCommand({ Bucket: bucket, Key: `snapshots/${reviewId}/latest.json` }));
        return JSON.parse(await r.Body!.transformToString()) as ReviewSnapshot;
      } catch (err) {
        if (err instanceof NoSuchKey || (err as { name?: string }).name === 'NoSuchKey') return null;
        throw err;
      }
    },
    async put(snapshot) {
      const body = JSON.stringify(snapshot);
      for (const key of [`snapshots/${snapshot.reviewId}/rev-${snapshot.revision}.json`, `snapshots/${snapshot.reviewId}/latest.json`]) {
        await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'application/json' }));
      }
    },
  };
}
