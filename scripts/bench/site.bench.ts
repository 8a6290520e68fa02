/**
 * Benchmark of the dashboard build: 4 reviews × 5 outcomes × 200 synthetic studies (snapshots from
 * core's builder, with the issue-11 analysis fields added as in test/site/sample.ts), then the real
 * `astro build` (functions/publish/build-site.ts). Prints the build time (target < 60 s), bytes per
 * page raw and gzipped (target: a 200-study review page ≤ 150 KB gzipped) and JavaScript shipped
 * (target ≤ 60 KB gzipped on any page; none on pages without interactive charts).
 * `--quick`: 2 reviews × 2 outcomes × 50 studies. The machine is shared, so the build time is printed
 * with the load average before and after and with the build's own CPU time (user + system of the
 * `astro build` process, which load stretches far less than wall time). `--profile`: the build runs
 * under V8's CPU profiler (lib/cpu-prof-preload.mjs) and a summary says where its time went
 * (lib/cpuprofile.ts).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { buildSnapshot } from '../../core/analysis/snapshot.js';
import type { Candidate } from '../../core/evidence/candidate.js';
import type { Review } from '../../core/reviews/index.js';
import { getReview } from '../../reviews/index.js';
import { buildSite } from '../../functions/publish/build-site.js';
import { withAnalysisFields, writeSnapshots } from '../../test/site/sample.js';
import { printProfile, summariseProfile } from './lib/cpuprofile.js';
import type { ReviewSnapshot } from '../../site/src/lib/model.js';

function syntheticReview(i: number, outcomes: number): Review {
  const base = getReview('selfguided-depression');
  const dep = base.outcomes.find((o) => o.id === 'depression')!;
  return {
    ...base,
    id: `bench-review-${i + 1}`,
    title: `Synthetic review ${i + 1}`,
    shortTitle: `Synthetic ${i + 1}`,
    outcomes: Array.from({ length: outcomes }, (_, j) => ({ ...dep, id: `outcome-${j + 1}`, label: `Outcome ${j + 1}`, primary: j === 0 })),
  };
}

function candidates(review: Review, k: number, seed: number): Candidate[] {
  let s = seed >>> 0;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const norm = () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
  const levels = ['adul', 'old', 'stud'];
  const judg = ['low', 'some', 'high'] as const;
  return Array.from({ length: k }, (_, i) => {
    const year = 2000 + Math.floor(rnd() * 25);
    const pick = () => judg[Math.floor(rnd() * 3)];
    return {
      entity: 'Candidate', reviewId: review.id, studyId: `study-${i + 1}`, status: 'accepted', version: 1,
      title: `Synthetic trial ${i + 1}`, firstAuthor: `Author${i + 1}`, year, sources: ['pubmed'],
      identifiers: [{ type: 'pmid', value: String(30000000 + i) }], triage: { score: 90, reasons: [] },
      extraction: {
        arms: [], year,
        moderators: { targetGroup: levels[Math.floor(rnd() * 3)], year },
        rob: { tool: 'rob2', domains: { D1: pick(), D2: pick(), D3: pick(), D4: pick(), D5: pick() }, overall: pick() },
        outcomes: review.outcomes.map((o) => {
          const vi = 0.01 + 0.15 * rnd();
          return { outcome: o.id, timepoint: o.timepoint.preferred, instrument: 'PHQ-9', yi: -0.4 + 0.3 * norm() + Math.sqrt(vi) * norm(), vi };
        }),
      },
      createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z',
    } as unknown as Candidate;
  });
}

/** Synthetic snapshots: `nReviews` reviews × `nOutcomes` outcomes × `k` studies. */
export function syntheticSnapshots(nReviews: number, nOutcomes: number, k: number, progress?: (i: number) => void): ReviewSnapshot[] {
  const snaps: ReviewSnapshot[] = [];
  for (let i = 0; i < nReviews; i++) {
    const review = syntheticReview(i, nOutcomes);
    const cands = candidates(review, k, 7 + i);
    snaps.push(withAnalysisFields(buildSnapshot(review, cands, new Date('2026-11-22T00:00:00Z')) as unknown as ReviewSnapshot, review, cands));
    progress?.(i);
  }
  return snaps;
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;

/** CPU seconds (user + system) of this process's finished children: /proc/self/stat cutime + cstime. */
function childCpuSeconds(): number | null {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[13]) + Number(f[14])) / 100; // fields 16 and 17; USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

const load = () => loadavg().map((x) => x.toFixed(1)).join(' / ');

export default async function run({ quick }: { quick: boolean }): Promise<void> {
  const profile = process.argv.includes('--profile');
  const [nReviews, nOutcomes, k] = quick ? [2, 2, 50] : [4, 5, 200];
  const work = mkdtempSync(join(tmpdir(), 'le-site-bench-'));
  try {
    const t = Date.now();
    const snaps = syntheticSnapshots(nReviews, nOutcomes, k, (i) => process.stdout.write(`  snapshot ${i + 1}/${nReviews} built\n`));
    writeSnapshots(join(work, 'snapshots'), snaps);
    console.log(`snapshots: ${nReviews} reviews × ${nOutcomes} outcomes × ${k} studies in ${((Date.now() - t) / 1000).toFixed(1)} s (core analysis, not part of the site build)`);
    const profDir = join(work, 'profile');
    const nodeOptions = process.env.NODE_OPTIONS;
    if (profile) {
      mkdirSync(profDir, { recursive: true });
      // node refuses --cpu-prof in NODE_OPTIONS: a preload starts the profiler instead
      process.env.CPU_PROF_DIR = profDir;
      process.env.NODE_OPTIONS = `${nodeOptions ?? ''} --import=${pathToFileURL(join(dirname(fileURLToPath(import.meta.url)), 'lib', 'cpu-prof-preload.mjs')).href}`.trim();
    }
    const loadBefore = load();
    const cpu0 = childCpuSeconds();
    let ms: number;
    try {
      ({ ms } = await buildSite({ snapshotDir: join(work, 'snapshots'), outDir: join(work, 'site') }));
    } finally {
      if (profile) {
        delete process.env.CPU_PROF_DIR;
        if (nodeOptions === undefined) delete process.env.NODE_OPTIONS;
        else process.env.NODE_OPTIONS = nodeOptions;
      }
    }
    const cpu1 = childCpuSeconds();
    const loadAfter = load();
    const out = join(work, 'site');
    const all = files(out);
    const html = all.filter((f) => f.endsWith('.html'));
    const js = all.filter((f) => /\.m?js$/.test(f));
    console.log(`site build: ${(ms / 1000).toFixed(1)} s for ${html.length} pages and ${all.length - html.length} other files (target < 60 s); CPU ${cpu0 === null || cpu1 === null ? '–' : `${(cpu1 - cpu0).toFixed(1)} s`} (user + system); load average (1 / 5 / 15 min) ${loadBefore} before, ${loadAfter} after, on ${cpus().length} cores`);
    if (profile) {
      const prof = readdirSync(profDir).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(profDir, f)).sort((a, b) => statSync(b).size - statSync(a).size)[0];
      if (prof) printProfile(summariseProfile(prof));
    }
    const size = (f: string) => {
      const b = readFileSync(f);
      return { raw: b.length, gz: gzipSync(b).length };
    };
    const review = html.filter((f) => /reviews\/[^/]+\/index\.html$/.test(f)).map((f) => ({ f, ...size(f) }));
    const study = html.filter((f) => /studies\//.test(f)).map((f) => ({ f, ...size(f) }));
    const home = size(join(out, 'index.html'));
    const worst = review.sort((a, b) => b.gz - a.gz)[0];
    console.log(`home page: ${kb(home.raw)} raw, ${kb(home.gz)} gzipped`);
    console.log(`review page (${k} studies × ${nOutcomes} outcomes), largest: ${kb(worst.raw)} raw, ${kb(worst.gz)} gzipped (target ≤ 150 KB gzipped) — ${relative(out, worst.f)}`);
    const sg = study.map((s) => s.gz);
    console.log(`study pages: ${study.length}, mean ${kb(sg.reduce((a, b) => a + b, 0) / Math.max(1, sg.length))} gzipped`);
    const jsGz = js.reduce((s, f) => s + size(f).gz, 0);
    const withScript = html.filter((f) => /<script(?![^>]*type="application\/(ld\+)?json")/.test(readFileSync(f, 'utf8'))).length;
    console.log(`JavaScript: ${js.length} files, ${kb(jsGz)} gzipped in all; ${withScript} of ${html.length} pages load a script (target ≤ 60 KB gzipped; none without interactive charts)`);
    const css = all.filter((f) => f.endsWith('.css')).reduce((s, f) => s + size(f).gz, 0);
    console.log(`CSS: ${kb(css)} gzipped`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
