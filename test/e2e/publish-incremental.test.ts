/**
 * Publishing only what changed (functions/publish/build-site.ts `publishSite`, the path of the
 * local runner and of the site-build Lambda) against the full Astro build, on real snapshots from
 * core (the Metapsy self-guided depression review and every other review, stored as versions by
 * the disk snapshot store).
 *
 * Version 1 is built in full; then one study is withdrawn and one accepted (version 2) and only
 * that review is published incrementally into the same folder. A second, full build of the same
 * snapshots into another folder is the reference: the incremental folder must hold exactly the
 * same files with exactly the same bytes (nothing needs normalising: the container renders the
 * very chunks the build compiled, with the same site URL), the withdrawn study's page must be gone,
 * and no file of another review may have been written (same inode, mtime and bytes as after the
 * first build).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSnapshot, planVersion } from '../../core/analysis/snapshot.js';
import type { Candidate } from '../../core/evidence/candidate.js';
import { diskSnapshotStore } from '../../functions/adapters/snapshot-store.js';
import { buildSite, publishSite, type PublishResult } from '../../functions/publish/build-site.js';
import { ownerOf, rendererDirOf } from '../../functions/publish/incremental.js';
import { ALL_REVIEWS, getReview } from '../../reviews/index.js';
import { metapsyCandidates } from '../site/sample.js';

const SITE_URL = 'https://evidence.example.org';
const DEP = 'selfguided-depression';
const work = mkdtempSync(join(tmpdir(), 'le-publish-'));
const snapshotDir = join(work, 'snapshots');
const incDir = join(work, 'inc', 'site');
const fullDir = join(work, 'full', 'site');

function files(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const p = join(e.parentPath, e.name);
    out.set(relative(dir, p).split(sep).join('/'), createHash('sha256').update(readFileSync(p)).digest('hex'));
  }
  return out;
}

const review = getReview(DEP);
const all = metapsyCandidates(review);
const added = all[all.length - 1];
const withdrawn = all[0];
const otherIds = ALL_REVIEWS.map((r) => r.id).filter((id) => id !== DEP);
let otherBefore: Map<string, { ino: number; mtimeMs: number; hash: string }>;
let result: PublishResult;

beforeAll(async () => {
  const store = diskSnapshotStore(snapshotDir);
  for (const r of ALL_REVIEWS) if (r.id !== DEP) await store.put(buildSnapshot(r, [], new Date('2026-11-01T08:00:00Z')));
  const v1 = buildSnapshot(review, all.slice(0, -1), new Date('2026-11-01T08:00:00Z'));
  await store.put(v1);
  await buildSite({ snapshotDir, outDir: incDir, siteUrl: SITE_URL });

  otherBefore = new Map();
  for (const [key, hash] of files(incDir)) {
    if (otherIds.includes(ownerOf(key, ALL_REVIEWS.map((r) => r.id)) ?? '')) {
      const st = statSync(join(incDir, key));
      otherBefore.set(key, { ino: st.ino, mtimeMs: st.mtimeMs, hash });
    }
  }

  const next: Candidate[] = all.map((c) => (c === withdrawn ? { ...c, status: 'withdrawn' as const } : c));
  const plan = planVersion(review, next, new Date('2026-11-02T09:30:00Z'), v1);
  if (!plan.publish) throw new Error('withdraw + accept made no version');
  await store.put(plan.snapshot);

  result = await publishSite({ snapshotDir, outDir: incDir, siteUrl: SITE_URL, reviewIds: [DEP] });
  await buildSite({ snapshotDir, outDir: fullDir, siteUrl: SITE_URL });
}, 600_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('incremental publish of one review', () => {
  it('is incremental (the full build kept its render chunks beside the site, not inside it)', () => {
    expect(result.mode).toBe('incremental');
    expect(existsSync(join(rendererDirOf(incDir), 'routes.json'))).toBe(true);
    expect([...files(incDir).keys()].some((k) => k.endsWith('.mjs') || k === 'routes.json')).toBe(false);
  });

  it('leaves exactly the files a full build of the same snapshots writes, byte for byte', () => {
    const inc = files(incDir);
    const full = files(fullDir);
    expect([...inc.keys()].sort()).toEqual([...full.keys()].sort());
    const differing = [...full].filter(([k, h]) => inc.get(k) !== h).map(([k]) => k);
    for (const k of differing.slice(0, 3)) {
      const a = readFileSync(join(incDir, k), 'utf8');
      const b = readFileSync(join(fullDir, k), 'utf8');
      let i = 0;
      while (a[i] === b[i]) i++;
      console.error('DIFF', k, JSON.stringify(a.slice(i - 200, i + 200)), '\n-----\n', JSON.stringify(b.slice(i - 200, i + 200)));
    }
    expect(differing).toEqual([]);
    // Not vacuous: version 2 is there, with the study it added, on the pages and in the feeds.
    expect(full.has(`reviews/${DEP}/versions/2/index.html`)).toBe(true);
    expect(readFileSync(join(incDir, 'feed.xml'), 'utf8')).toContain(`${SITE_URL}/reviews/${DEP}/versions/2/`);
    expect(readFileSync(join(incDir, `reviews/${DEP}/index.html`), 'utf8')).toContain(`data-study="${added.studyId}"`);
  });

  it('rendered the review, its study and version pages, the home page and the feeds; deleted the withdrawn study page', () => {
    if (result.mode !== 'incremental') throw new Error('not incremental');
    for (const k of ['index.html', 'feed.xml', `reviews/${DEP}/index.html`, `reviews/${DEP}/feed.xml`, `reviews/${DEP}/versions/index.html`, `reviews/${DEP}/versions/1/index.html`, `reviews/${DEP}/versions/2/index.html`, `reviews/${DEP}/studies/${added.studyId}/index.html`, `data/${DEP}.json`]) {
      expect(result.written, k).toContain(k);
    }
    expect(result.deleted).toContain(`reviews/${DEP}/studies/${withdrawn.studyId}/index.html`);
    expect(existsSync(join(incDir, `reviews/${DEP}/studies/${withdrawn.studyId}`))).toBe(false);
    expect(result.inScope(`reviews/${DEP}/studies/${withdrawn.studyId}/index.html`)).toBe(true);
    expect(result.inScope(`reviews/${otherIds[0]}/index.html`)).toBe(false);
  });

  it('did not write any file of the other reviews', () => {
    if (result.mode !== 'incremental') throw new Error('not incremental');
    expect(otherBefore.size).toBeGreaterThan(otherIds.length * 3);
    for (const [key, before] of otherBefore) {
      const st = statSync(join(incDir, key));
      expect({ key, ino: st.ino, mtimeMs: st.mtimeMs }).toEqual({ key, ino: before.ino, mtimeMs: before.mtimeMs });
      expect(result.written).not.toContain(key);
    }
  });
});
