/**
 * Build-time access to a review's published versions (snapshots/<review>/v<N>.json, immutable).
 * Versions from before versioning (rev-<n>.json) have no diff and are not listed.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { snapshotDir, type ReviewSnapshot } from './snapshots';

export function versionNumbers(reviewId: string): number[] {
  const dir = join(snapshotDir(), reviewId);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((f) => f.match(/^v(\d+)\.json$/)?.[1])
    .filter((x): x is string => !!x)
    .map(Number)
    .sort((a, b) => a - b);
}

export function loadVersion(reviewId: string, n: number): ReviewSnapshot {
  const file = join(snapshotDir(), reviewId, `v${n}.json`);
  const s = JSON.parse(readFileSync(file, 'utf8')) as ReviewSnapshot;
  if (s.reviewId !== reviewId || (s.version ?? s.revision) !== n) throw new Error(`${file}: holds ${s.reviewId} version ${s.version ?? s.revision}`);
  return s;
}

/** "2026-11-22 10:15 UTC" */
export const when = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;

/** A stable Atom entry id for a version: tag URI with the site's host, the review and the number. */
export function entryId(site: URL | undefined, reviewId: string, version: number): string {
  const host = site?.hostname || 'localhost';
  return `tag:${host},2026:reviews/${reviewId}/versions/${version}`;
}
