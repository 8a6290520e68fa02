/**
 * Accept → public page, for a 200-study review: the reanalysis (load-free: candidates in memory,
 * the version plan, pooling, TSA, the diff, the store) and the publish (`publishSite`, what the
 * local runner and the AWS site build run) timed apart. Target (issue 12): under 5 s in all.
 *
 * The site holds every review (the others from their definitions, without trials). It is first
 * built in full (what `npm start` does at start-up); then one trial is accepted and only that
 * review, the home page and the feeds are published (the first such publish in a process also
 * loads Astro's container and the page chunks); then a second trial is accepted (steady state of a
 * running stack: the figure).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSnapshot, planVersion } from '../../core/analysis/snapshot.js';
import type { ReviewSnapshot } from '../../core/analysis/snapshot.js';
import type { Candidate } from '../../core/evidence/candidate.js';
import { ALL_REVIEWS, getReview } from '../../reviews/index.js';
import { diskSnapshotStore } from '../../functions/adapters/snapshot-store.js';
import { publishSite } from '../../functions/publish/build-site.js';

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

const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

export default async function bench({ quick }: { quick: boolean }): Promise<void> {
  const k = quick ? 50 : 200;
  const review = getReview('selfguided-depression');
  const all = candidates(k + 1);
  const dir = mkdtempSync(join(tmpdir(), 'le-bench-publish-'));
  const snapshotDir = join(dir, 'snapshots');
  const outDir = join(dir, 'site');
  try {
    const store = diskSnapshotStore(snapshotDir);
    for (const r of ALL_REVIEWS) if (r.id !== review.id) await store.put(buildSnapshot(r, [], new Date('2026-11-01T00:00:00Z')));
    let previous: ReviewSnapshot = buildSnapshot(review, all.slice(0, k - 1), new Date('2026-11-01T00:00:00Z'));
    await store.put(previous);
    const first = await publishSite({ snapshotDir, outDir });
    console.log(`load average at the start: ${loadavg().map((x) => x.toFixed(1)).join(', ')} (${availableParallelism()} cores)`);
    console.log(`first start: full build of the site (${ALL_REVIEWS.length} reviews, ${k - 1} trials in one): ${secs(first.ms)}`);

    const accept = async (n: number, day: number) => {
      const t0 = performance.now();
      const plan = planVersion(review, all.slice(0, n), new Date(`2026-11-0${day}T00:00:00Z`), previous);
      if (!plan.publish) throw new Error('the accept made no version');
      await store.put(plan.snapshot);
      previous = plan.snapshot;
      const reanalysis = performance.now() - t0;
      const t1 = performance.now();
      const published = await publishSite({ snapshotDir, outDir, reviewIds: [review.id] });
      const render = performance.now() - t1;
      if (published.mode !== 'incremental') throw new Error(`not published incrementally: ${published.why}`);
      return { reanalysis, render, total: reanalysis + render, files: published.written.length, version: plan.snapshot.version };
    };
    const cold = await accept(k, 2);
    const warm = await accept(k + 1, 3);
    console.log(`accept → public page, ${k}-study review (version ${warm.version}; ${warm.files} files rendered: the review's pages, its versions, home, feeds):`);
    console.log(`  total         ${secs(warm.total)}   (target < 5 s)`);
    console.log(`  reanalysis    ${secs(warm.reanalysis)}   ${((100 * warm.reanalysis) / warm.total).toFixed(0)} %  (hash, pooling of every outcome, TSA, diff, store)`);
    console.log(`  render        ${secs(warm.render)}   ${((100 * warm.render) / warm.total).toFixed(0)} %  (Astro container: this review's pages, home, feeds)`);
    console.log(`  first accept after start-up: ${secs(cold.total)} (reanalysis ${secs(cold.reanalysis)}, render ${secs(cold.render)} incl. loading Astro's container and the page chunks)`);
    console.log(`  for comparison, the full build: ${secs(first.ms)}; load average now ${loadavg()[0].toFixed(1)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
