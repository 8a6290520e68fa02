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

export interface Retraction { version: number | null; at: string | null; reason: string | null }

const retractionCache = new Map<string, Map<string, Retraction>>();

/**
 * When each retracted study of a review left its analyses: the first published version whose diff
 * lists it as retracted (its number and date), from the stored versions and the latest snapshot's
 * own diff. A study retracted before the first version (or in snapshots from before versioning) has
 * no version: it never entered a published analysis.
 */
export function retractions(s: ReviewSnapshot): Map<string, Retraction> {
  const key = `${snapshotDir()}|${s.reviewId}|${s.version ?? s.revision}|${s.generatedAt}`;
  const hit = retractionCache.get(key);
  if (hit) return hit;
  const out = new Map<string, Retraction>();
  const note = (v: { version?: number; revision: number; generatedAt: string; diff?: { retracted?: Array<{ id: string; reason?: string }> } }) => {
    for (const r of v.diff?.retracted ?? []) if (!out.has(r.id)) out.set(r.id, { version: v.version ?? v.revision, at: v.generatedAt, reason: r.reason ?? null });
  };
  for (const n of versionNumbers(s.reviewId)) {
    if (n >= (s.version ?? s.revision)) break;
    try {
      note(loadVersion(s.reviewId, n));
    } catch {
      // An unreadable old version does not stop the pages: its retractions are just not dated.
    }
  }
  note(s);
  for (const st of s.studies) if (st.retracted && !out.has(st.id)) out.set(st.id, { version: null, at: null, reason: null });
  retractionCache.set(key, out);
  return out;
}
