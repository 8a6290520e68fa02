/**
 * Benchmark of the statistics engine: the full suite for one outcome (REML + HKSJ pooled, Q-profile
 * CIs, PI, leave-one-out, cumulative, Egger, trim-and-fill, one subgroup analysis, one
 * meta-regression) at k = 20, 200, 2000. When Rscript (with metafor) is on PATH the same suite runs
 * in metafor on the same data and the ratio is printed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyze, type AnalysisRequest } from '../../core/meta/index.js';

function dataset(k: number, seed = 42): AnalysisRequest {
  let s = seed >>> 0;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const norm = () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
  const formats = ['app', 'web', 'cd'];
  return {
    measure: 'GEN', method: 'REML', ci: 'knha', level: 0.95,
    subgroup: 'format', metaRegression: ['weeks'],
    studies: Array.from({ length: k }, (_, i) => {
      const vi = 0.01 + 0.2 * rnd();
      return {
        id: `s${i + 1}`, year: 2000 + Math.floor(rnd() * 25),
        yi: 0.4 + Math.sqrt(0.08) * norm() + Math.sqrt(vi) * norm(), vi,
        moderators: { format: formats[Math.floor(rnd() * 3)], weeks: 4 + Math.floor(rnd() * 12) },
      };
    }),
  };
}

function timeIt(fn: () => void, minMs: number, maxRuns: number): number {
  fn(); // warm-up
  const times: number[] = [];
  const start = performance.now();
  while (times.length < maxRuns && (times.length < 3 || performance.now() - start < minMs)) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const R_SUITE = String.raw`
suppressPackageStartupMessages(library(metafor))
args <- commandArgs(TRUE); d <- read.csv(args[1]); reps <- as.integer(args[2])
suite <- function() {
  res <- rma(yi, vi, data = d, method = "REML", test = "knha", slab = id)
  confint(res); predict(res); leave1out(res); cumul(res, order = d$year)
  regtest(res, model = "lm", predictor = "sei"); suppressWarnings(trimfill(res))
  est <- se <- c()
  for (lv in sort(unique(d$format))) { r <- rma(yi, vi, data = d[d$format == lv, ], method = "REML", test = "knha"); est <- c(est, r$beta[1]); se <- c(se, r$se) }
  rma(est, sei = se, method = "FE")
  rma(yi, vi, mods = ~ weeks, data = d, method = "REML", test = "knha")
}
invisible(suite())
t <- sapply(seq_len(reps), function(i) system.time(suite())[["elapsed"]])
cat(median(t) * 1000, "\n")
`;

/** Start-up of `npm run analyze` (the prebuilt bundle) and the --batch rate. */
function cliFigures(quick: boolean): void {
  const bundle = join(process.cwd(), 'dist', 'cli', 'analyze.mjs');
  const build = spawnSync(process.execPath, ['scripts/build-cli.mjs'], { encoding: 'utf8' });
  if (build.status !== 0) {
    console.log(`  cli: bundle could not be built (${build.stderr.trim()})`);
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'meta-cli-'));
  try {
    const one = join(dir, 'k200.json');
    writeFileSync(one, JSON.stringify(dataset(200)));
    const runs: number[] = [];
    for (let i = 0; i < (quick ? 3 : 7); i++) {
      const t0 = performance.now();
      spawnSync(process.execPath, [bundle, one], { encoding: 'utf8' });
      runs.push(performance.now() - t0);
    }
    runs.sort((a, b) => a - b);
    const med = runs[Math.floor(runs.length / 2)];
    console.log(`  cli: one k=200 request, whole process ${med.toFixed(0)} ms (target < 500 ms: ${med < 500 ? 'met' : 'MISSED'})`);
    const n = quick ? 500 : 2000;
    const lines = Array.from({ length: n }, (_, i) => JSON.stringify({ ...dataset(50, i + 1), subgroup: undefined, metaRegression: undefined })).join('\n');
    const file = join(dir, 'batch.ndjson');
    writeFileSync(file, lines);
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [bundle, '--batch', file], { encoding: 'utf8', maxBuffer: 1 << 30 });
    const ms = performance.now() - t0;
    const perMin = (n / ms) * 60000;
    console.log(`  cli --batch: ${n} requests of k=50 in ${ms.toFixed(0)} ms → ${perMin.toFixed(0)} per minute (target ≥ 10000: ${perMin >= 10000 && r.status === 0 ? 'met' : 'MISSED'})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function hasRscript(): boolean {
  const r = spawnSync('Rscript', ['-e', 'suppressPackageStartupMessages(library(metafor))'], { encoding: 'utf8' });
  return r.status === 0;
}

export default async function bench({ quick }: { quick: boolean }): Promise<void> {
  const ks = [20, 200, 2000];
  const ms: Record<number, number> = {};
  console.log('meta: full suite for one outcome (REML+HKSJ, Q-profile, PI, leave1out, cumul, Egger, trimfill, subgroups, meta-regression)');
  for (const k of ks) {
    const req = dataset(k);
    ms[k] = timeIt(() => analyze(req), quick ? 200 : 1000, k >= 2000 ? (quick ? 2 : 5) : 200);
    console.log(`  k=${String(k).padStart(4)}  ${ms[k].toFixed(2)} ms`);
  }
  {
    const req = dataset(20000);
    const t = timeIt(() => analyze(req), 0, quick ? 1 : 3);
    console.log(`  k=20000  ${t.toFixed(0)} ms (whole suite; target < 5000 ms: ${t < 5000 ? 'met' : 'MISSED'})`);
  }
  cliFigures(quick);
  console.log(`  growth: k 20→200 ×${(ms[200] / ms[20]).toFixed(1)}, 200→2000 ×${(ms[2000] / ms[200]).toFixed(1)} (O(k²) would be ×100 per step)`);
  console.log(`  targets: k=200 < 20 ms: ${ms[200] < 20 ? 'met' : 'MISSED'}; k=2000 < 2000 ms: ${ms[2000] < 2000 ? 'met' : 'MISSED'}`);
  if (!hasRscript()) {
    console.log('  metafor: Rscript with metafor not found, ratio skipped');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'meta-bench-'));
  try {
    const script = join(dir, 'suite.R');
    writeFileSync(script, R_SUITE);
    for (const k of quick ? [20, 200] : [20, 200]) {
      const req = dataset(k);
      const csv = ['id,year,yi,vi,format,weeks', ...req.studies.map((s) => `${s.id},${s.year},${s.yi},${s.vi},${s.moderators!.format},${s.moderators!.weeks}`)].join('\n');
      const file = join(dir, `k${k}.csv`);
      writeFileSync(file, csv);
      const r = spawnSync('Rscript', [script, file, String(k >= 200 ? 3 : 10)], { encoding: 'utf8' });
      const rms = Number.parseFloat(r.stdout.trim().split('\n').pop() ?? '');
      if (r.status !== 0 || !Number.isFinite(rms)) {
        console.log(`  metafor k=${k}: failed (${r.stderr.trim().split('\n').pop()})`);
        continue;
      }
      const ratio = rms / ms[k];
      console.log(`  metafor k=${String(k).padStart(4)}  ${rms.toFixed(1)} ms  → ${ratio.toFixed(0)}× faster ${ratio >= 100 ? '(target ≥100× met)' : '(target ≥100× MISSED)'}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
