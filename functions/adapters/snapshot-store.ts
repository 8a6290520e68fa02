/**
 * Where published versions live: a folder locally (DATA_DIR/snapshots), the snapshot bucket in AWS.
 * Layout (both):
 *   snapshots/<reviewId>/v<N>.json    version N, written once and never rewritten
 *   snapshots/<reviewId>/latest.json  a copy of the newest version (replaced atomically)
 *   snapshots/<reviewId>/counts.json  the curation counts (screening moves them without a version)
 * Snapshots from before versioning (`rev-<n>.json`) are still read by `getVersion`.
 */
import { link, mkdir, readFile, rename, unlink, writeFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, NoSuchKey } from '@aws-sdk/client-s3';
import type { ReviewSnapshot } from '../../core/analysis/snapshot.js';

/** The curation flow of a review as of `updatedAt` (not part of any version). */
export interface CountsFile {
  reviewId: string;
  /** The latest version when these counts were taken. */
  version: number;
  updatedAt: string;
  counts: Record<string, number>;
  /** When each source was last searched (moves with every poll, no version). */
  sources?: ReviewSnapshot['sources'];
}

export class VersionExistsError extends Error {
  constructor(reviewId: string, version: number) {
    super(`version ${version} of ${reviewId} already exists with other content (versions are never rewritten)`);
    this.name = 'VersionExistsError';
  }
}

export interface SnapshotStore {
  getLatest(reviewId: string): Promise<ReviewSnapshot | null>;
  getVersion(reviewId: string, version: number): Promise<ReviewSnapshot | null>;
  /** Version numbers stored for a review, ascending. */
  listVersions(reviewId: string): Promise<number[]>;
  /**
   * Stores a new version: v<N>.json is created once (an existing file with the same content hash is
   * taken as already written; with other content, VersionExistsError), then latest.json.
   */
  put(snapshot: ReviewSnapshot): Promise<void>;
  getCounts(reviewId: string): Promise<CountsFile | null>;
  putCounts(counts: CountsFile): Promise<void>;
  describe(): string;
}

export const versionFile = (n: number) => `v${n}.json`;
const VERSION_RE = /^(?:v|rev-)(\d+)\.json$/;

function body(snapshot: ReviewSnapshot): string {
  return `${JSON.stringify(snapshot)}\n`;
}

export function diskSnapshotStore(dir: string): SnapshotStore {
  const readJson = async <T>(file: string): Promise<T | null> => {
    try {
      return JSON.parse(await readFile(file, 'utf8')) as T;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  };
  const replace = async (folder: string, name: string, text: string) => {
    // Atomic replace: readers (the site build) never see a half-written file.
    const tmp = join(folder, `.${name}.${process.pid}.tmp`);
    await writeFile(tmp, text);
    await rename(tmp, join(folder, name));
  };
  return {
    describe: () => dir,
    getLatest: (reviewId) => readJson<ReviewSnapshot>(join(dir, reviewId, 'latest.json')),
    async getVersion(reviewId, n) {
      return (await readJson<ReviewSnapshot>(join(dir, reviewId, versionFile(n)))) ?? readJson<ReviewSnapshot>(join(dir, reviewId, `rev-${n}.json`));
    },
    async listVersions(reviewId) {
      let names: string[] = [];
      try {
        names = await readdir(join(dir, reviewId));
      } catch {
        return [];
      }
      return [...new Set(names.map((n) => n.match(VERSION_RE)?.[1]).filter((x): x is string => !!x).map(Number))].sort((a, b) => a - b);
    },
    async put(snapshot) {
      const folder = join(dir, snapshot.reviewId);
      await mkdir(folder, { recursive: true });
      const text = body(snapshot);
      const final = join(folder, versionFile(snapshot.version));
      const tmp = join(folder, `.v${snapshot.version}.${process.pid}.tmp`);
      await writeFile(tmp, text);
      try {
        // link() fails when the target exists: a version file is created once, complete, or not at all.
        await link(tmp, final);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const existing = await readJson<ReviewSnapshot>(final);
        if (existing?.contentHash !== snapshot.contentHash) throw new VersionExistsError(snapshot.reviewId, snapshot.version);
        // Written before a crash, latest.json not yet: finish that publication with the stored file.
        await unlink(tmp);
        await replace(folder, 'latest.json', await readFile(final, 'utf8'));
        return;
      }
      await unlink(tmp);
      await replace(folder, 'latest.json', text);
    },
    getCounts: (reviewId) => readJson<CountsFile>(join(dir, reviewId, 'counts.json')),
    async putCounts(counts) {
      const folder = join(dir, counts.reviewId);
      await mkdir(folder, { recursive: true });
      await replace(folder, 'counts.json', `${JSON.stringify(counts)}\n`);
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
  const getJson = async <T>(key: string): Promise<T | null> => {
    try {
      const r = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return JSON.parse(await r.Body!.transformToString()) as T;
    } catch (err) {
      if (err instanceof NoSuchKey || (err as { name?: string }).name === 'NoSuchKey') return null;
      throw err;
    }
  };
  const putJson = (key: string, text: string, ifNoneMatch = false) =>
    client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: text, ContentType: 'application/json', ...(ifNoneMatch ? { IfNoneMatch: '*' } : {}) }));
  const prefix = (reviewId: string) => `snapshots/${reviewId}/`;
  return {
    describe: () => `s3://${bucket}/snapshots`,
    getLatest: (reviewId) => getJson<ReviewSnapshot>(`${prefix(reviewId)}latest.json`),
    async getVersion(reviewId, n) {
      return (await getJson<ReviewSnapshot>(`${prefix(reviewId)}${versionFile(n)}`)) ?? getJson<ReviewSnapshot>(`${prefix(reviewId)}rev-${n}.json`);
    },
    async listVersions(reviewId) {
      const out = new Set<number>();
      let token: string | undefined;
      do {
        const r = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix(reviewId), ContinuationToken: token }));
        for (const o of r.Contents ?? []) {
          const m = o.Key?.slice(prefix(reviewId).length).match(VERSION_RE);
          if (m) out.add(Number(m[1]));
        }
        token = r.IsTruncated ? r.NextContinuationToken : undefined;
      } while (token);
      return [...out].sort((a, b) => a - b);
    },
    async put(snapshot) {
      const text = body(snapshot);
      const key = `${prefix(snapshot.reviewId)}${versionFile(snapshot.version)}`;
      try {
        // Conditional write: S3 refuses (412) to replace an existing version object.
        await putJson(key, text, true);
      } catch (err) {
        const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
        if (e.name !== 'PreconditionFailed' && e.$metadata?.httpStatusCode !== 412) throw err;
        const existing = await getJson<ReviewSnapshot>(key);
        if (existing?.contentHash !== snapshot.contentHash) throw new VersionExistsError(snapshot.reviewId, snapshot.version);
        await putJson(`${prefix(snapshot.reviewId)}latest.json`, body(existing));
        return;
      }
      await putJson(`${prefix(snapshot.reviewId)}latest.json`, text);
    },
    getCounts: (reviewId) => getJson<CountsFile>(`${prefix(reviewId)}counts.json`),
    async putCounts(counts) {
      await putJson(`${prefix(counts.reviewId)}counts.json`, `${JSON.stringify(counts)}\n`);
    },
  };
}
