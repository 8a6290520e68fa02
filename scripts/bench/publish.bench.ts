/**
 * Accept → public page, for a 200-study review: the reanalysis (load-free: candidates in memory,
 * the version plan, pooling, TSA, the diff) and the publish (the site build the local runner and
 * the AWS publish job run) timed apart. Target (issue 12): under 5 s in all on a laptop.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSnapshot, planVersion } from '../../core/analysis/snapshot.js';
import type { Candidate } from '../../core/evidence/candidate.js';
import { getReview } from '../../reviews/index.js';
import { diskSnapshotStore } from '../../functions/adapters/snapshot-store.js';
import { buildSite } from '../../functions/publish/build-site.js';

function candidates(k: number): Candidate[] {
  let s = 7;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  return Array.from({ length: k }, (_, i) => {
    const n = 20 + Math.floor(rnd() * 200);
    return {
      entity: 'Candidate',
      reviewId: 'selfguided-depression',
      studyId: `bench-${i + 1}`,
      status: 'accepted',
      version: 1,
      title: `Synthetic trial ${i + 1}`,
      firstAuthor: `Author${i + 1}`,
      year: 2000 + Math.floor(rnd() * 26),
      sources: ['manual'],
      identifiers: [],
      triage: { score: 50, reasons: [] },
      extraction: {
        arms: [],
        moderators: {},
        outcomes: [{ outcome: 'depression', timepoint: 'post', instrument: 'PHQ-9', n1: n, m1: 10 - 2 * rnd(), sd1: 4 + rnd(), n2: n, m2: 11, sd2: 4 + rnd() }],
      },
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:00.000Z',
    } as Candidate;
  });
}

export default async function bench({ quick }: { quick: boolean }): Promise<void> {
  const k = quick ? 50 : 200;
  const review = getReview('selfguided-depression');
  const all = candidates(k);
  const dir = mkdtempSync(join(tmpdir(), 'le-bench-publish-'));
  try {
    const store = diskSnapshotStore(join(dir, 'snapshots'));
    const v1 = buildSnapshot(review, all.slice(0, k - 1), new Date('2026-11-01T00:00:00Z'));
    await store.put(v1);
    const t0 = performance.now();
    const plan = planVersion(review, all, new Date('2026-11-02T00:00:00Z'), v1);
    if (!plan.publish) throw new Error('the accept made no version');
    await store.put(plan.snapshot);
    const reanalysis = performance.now() - t0;
    const t1 = performance.now();
    await buildSite({ snapshotDir: join(dir, 'snapshots'), outDir: join(dir, 'site') });
    const render = performance.now() - t1;
    const total = reanalysis + render;
    console.log(`accept → public page, ${k}-study review (version ${plan.snapshot.version}):`);
    console.log(`  total         ${(total / 1000).toFixed(2)} s   (target < 5 s)`);
    console.log(`  reanalysis    ${(reanalysis / 1000).toFixed(2)} s   ${((100 * reanalysis) / total).toFixed(0)} %  (hash, pooling of every outcome, TSA, diff, store)`);
    console.log(`  render        ${(render / 1000).toFixed(2)} s   ${((100 * render) / total).toFixed(0)} %  (full Astro site build)`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
