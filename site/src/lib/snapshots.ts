/**
 * Build-time access to the published snapshots. The site reads nothing else: not the database,
 * not the review files. Each snapshot is checked for the fields the pages use, so a broken file
 * fails the build with its path instead of rendering wrong numbers.
 */
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import type { ReviewSnapshot, OutcomeSnapshot } from './model.js';

export type { ReviewSnapshot, OutcomeSnapshot };
export { fmt, fmtP, csvEscape } from './format.js';

const SnapshotShape = z.looseObject({
  schemaVersion: z.literal(1),
  reviewId: z.string().min(1),
  title: z.string(),
  shortTitle: z.string(),
  kind: z.enum(['meta-analysis', 'evidence-map']),
  revision: z.number().int(),
  generatedAt: z.string(),
  outcomes: z.array(z.looseObject({ id: z.string(), label: z.string(), k: z.number().int(), studies: z.array(z.any()) })),
  studies: z.array(z.any()),
  changes: z.array(z.object({ at: z.string(), text: z.string() })),
});

export function snapshotDir(): string {
  return resolve(process.env.SNAPSHOT_DIR || join(process.cwd(), '..', '.data', 'snapshots'));
}

let cache: { key: string; snapshots: ReviewSnapshot[] } | undefined;

/**
 * What the loaded snapshots depend on: the folder and the identity (inode, size, mtime) of every
 * review's latest.json and counts.json. A build reads them once; a publish that re-renders some
 * pages in a long-lived process (functions/publish/incremental.ts) sees replaced files at once.
 */
function cacheKey(dir: string): string {
  if (!existsSync(dir)) return dir;
  const parts = [dir];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    for (const f of ['latest.json', 'counts.json']) {
      const st = statSync(join(dir, entry.name, f), { throwIfNoEntry: false });
      parts.push(st ? `${entry.name}/${f}:${st.ino}:${st.size}:${st.mtimeMs}` : `${entry.name}/${f}:-`);
    }
  }
  return parts.join('|');
}

export function loadSnapshots(): ReviewSnapshot[] {
  const dir = snapshotDir();
  const key = cacheKey(dir);
  if (cache?.key === key) return cache.snapshots;
  const out: ReviewSnapshot[] = [];
  if (existsSync(dir)) {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const file = join(dir, entry.name, 'latest.json');
      if (!existsSync(file)) continue;
      const raw = JSON.parse(readFileSync(file, 'utf8'));
      const parsed = SnapshotShape.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new Error(`${file}: ${issue.path.join('.')}: ${issue.message}`);
      }
      // Curation counts move with screening without a new version (snapshot store counts.json).
      const countsFile = join(dir, entry.name, 'counts.json');
      if (existsSync(countsFile)) {
        const live = JSON.parse(readFileSync(countsFile, 'utf8'));
        raw.counts = live.counts ?? raw.counts;
        raw.sources = live.sources ?? raw.sources;
      }
      out.push(raw as ReviewSnapshot);
    }
  }
  out.sort((a, b) => (a.kind === b.kind ? a.title.localeCompare(b.title) : a.kind === 'meta-analysis' ? -1 : 1));
  cache = { key, snapshots: out };
  return out;
}

export function primaryOutcome(s: ReviewSnapshot): OutcomeSnapshot | undefined {
  return s.outcomes.find((o) => o.primary && o.k > 0) ?? s.outcomes.find((o) => o.k > 0) ?? s.outcomes.find((o) => o.primary) ?? s.outcomes[0];
}

