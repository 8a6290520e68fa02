/**
 * Benchmark of the statistics engine, each figure beside metafor on the same inputs (when Rscript
 * with metafor is on PATH; skipped with a note otherwise):
 * - the full suite for one outcome (REML + HKSJ pooled, Q-profile CIs, PI, leave-one-out,
 *   cumulative, Egger, trim-and-fill, one subgroup analysis, one meta-regression) at k = 20, 200,
 *   2000 (median of warm runs) and 20,000 (a fresh process: the first call, then warm runs);
 * - start-up: `npm run analyze` on one k = 200 request, the whole process (prebuilt bundle) vs
 *   Rscript loading metafor and running the same suite;
 * - batch: `--batch` requests of k = 50 per minute vs one R session running the suite per request.
 * Every figure is wall-clock on a shared machine: the load average is printed beside them, and CPU
 * time where the figure is in-process.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
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
/** a batch line: the suite without subgroups and meta-regression */
const batchRequest = (i: number) => ({ ...dataset(50, i + 1), subgroup: undefined, metaRegression: undefined });

const load = () => loadavg().map((x) => x.toFixed(1)).join(' ');

function timeIt(fn: () => void, minMs: number, maxRuns: number): number {
  fn(); // warm-up
  const times: number[] = [];
  const start = performance.now();
  while (times.length < maxRuns && (times.length < 3 || performance.now() - start < minMs)) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return median(times);
}
function median(a: number[]): number {
  const s = a.slice().sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)];
}

function csvOf(req: AnalysisRequest): string {
  return ['id,year,yi,vi,format,weeks', ...req.studies.map((s) => `${s.id},${s.year},${s.yi},${s.vi},${s.moderators!.format},${s.moderators!.weeks}`)].join('\n');
}

const R_SUITE = String.raw`
suppressPackageStartupMessages(library(metafor))
# trimfill() stops R ("Fisher scoring algorithm did not converge") when the filled model's REML fit
# does not converge (2 of the first 100 batch requests); the engine returns trimFill = null then.
fill <- function(res) tryCatch(suppressWarnings(trimfill(res)), error = function(e) NULL)
suite <- function(d, groups = TRUE) {
  res <- rma(yi, vi, data = d, method = "REML", test = "knha", slab = id)
  confint(res); predict(res); leave1out(res); cumul(res, order = d$year)
  regtest(res, model = "lm", predictor = "sei"); fill(res)
  if (groups) {
    est <- se <- c()
    for (lv in sort(unique(d$format))) { r <- rma(yi, vi, data = d[d$format == lv, ], method = "REML", test = "knha"); est <- c(est, r$beta[1]); se <- c(se, r$se) }
    rma(est, sei = se, method = "FE")
    rma(yi, vi, mods = ~ weeks, data = d, method = "REML", test = "knha")
  }
}
`;

/**
 * The suite at large k, in parts: its single fits (rma, confint, predict, regtest, trimfill,
 * subgroups, meta-regression) timed whole, then `n` of leave1out()'s refits (rma without study i)
 * and `n` of cumul()'s (rma on the first i by year), i evenly spaced over 1..k. Prints the three
 * times and n, then the estimate of the whole suite: single fits + (refit times) × k / n.
 */
const R_PARTS = String.raw`
args <- commandArgs(TRUE); d <- read.csv(args[1]); n <- as.integer(args[2]); k <- nrow(d)
fit <- function(x) tryCatch(rma(yi, vi, data = x, method = "REML", test = "knha"), error = function(e) NULL)
single <- system.time({
  res <- rma(yi, vi, data = d, method = "REML", test = "knha", slab = id)
  confint(res); predict(res); regtest(res, model = "lm", predictor = "sei"); fill(res)
  est <- se <- c()
  for (lv in sort(unique(d$format))) { r <- rma(yi, vi, data = d[d$format == lv, ], method = "REML", test = "knha"); est <- c(est, r$beta[1]); se <- c(se, r$se) }
  rma(est, sei = se, method = "FE")
  rma(yi, vi, mods = ~ weeks, data = d, method = "REML", test = "knha")
})[["elapsed"]]
idx <- unique(round(seq(1, k, length.out = n))); o <- order(d$year)
l1o <- system.time(for (i in idx) fit(d[-i, ]))[["elapsed"]]
cum <- system.time(for (i in idx) fit(d[o[seq_len(i)], ]))[["elapsed"]]
cat(single * 1000, l1o * 1000, cum * 1000, length(idx), "\n")
cat((single + (l1o + cum) * k / length(idx)) * 1000, "\n")
`;

/** Runs R code with a time limit; stdout's last line as a number (ms) or null. */
function runR(dir: string, name: string, code: string, args: string[], timeoutMs: number): { ms: number | null; wallMs: number; note?: string; lines: string[] } {
  const file = join(dir, name);
  writeFileSync(file, R_SUITE + code);
  const t0 = performance.now();
  // one BLAS thread: R's threaded BLAS on a loaded 2-core machine measures contention, not metafor
  const r = spawnSync('Rscript', [file, ...args], { encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1' } });
  const wallMs = performance.now() - t0;
  const lines = (r.stdout ?? '').trim().split('\n');
  if (r.error || r.signal) return { ms: null, wallMs, note: `not finished within ${(timeoutMs / 1000).toFixed(0)} s (stopped)`, lines };
  const ms = Number.parseFloat(lines[lines.length - 1] ?? '');
  if (r.status !== 0 || !Number.isFinite(ms)) return { ms: null, wallMs, note: `failed (${errorLine(r.stderr)})`, lines };
  return { ms, wallMs, lines };
}

/** R's own error message (the "Error in …" line and the one after it), not its closing "Execution halted". */
function errorLine(stderr: string): string {
  const l = stderr.trim().split('\n');
  const i = l.findIndex((x) => x.startsWith('Error'));
  return (i < 0 ? l[l.length - 1] : l.slice(i, i + 2).join(' ')).replace(/\s+/g, ' ').trim();
}

function hasRscript(): boolean {
  const r = spawnSync('Rscript', ['-e', 'suppressPackageStartupMessages(library(metafor))'], { encoding: 'utf8' });
  return r.status === 0;
}

/** The k = 20,000 suite in a fresh process (the bundle's engine, nothing warm): first call and warm calls. */
async function bigFresh(dir: string, runs: number): Promise<{ first: number; firstCpu: number; warm: number; warmCpu: number } | null> {
  const file = join(dir, 'k20000.json');
  writeFileSync(file, JSON.stringify(dataset(20000)));
  const script = join(dir, 'bench-k20000.mjs');
  // one small bundle of core/meta (esbuild is a dev dependency): what a fresh CLI process runs
  try {
    await build({
      stdin: {
        contents: `
          import { readFileSync } from 'node:fs';
          import { analyze } from './core/meta/analyze.ts';
          const req = JSON.parse(readFileSync(process.argv[2], 'utf8'));
          const out = [];
          for (let i = 0; i < Number(process.argv[3]); i++) {
            const c0 = process.cpuUsage(); const t0 = performance.now();
            analyze(req);
            const c = process.cpuUsage(c0);
            out.push([performance.now() - t0, (c.user + c.system) / 1000]);
          }
          console.log(JSON.stringify(out));`,
        resolveDir: process.cwd(),
        loader: 'ts',
      },
      bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: script, logLevel: 'warning',
    });
  } catch (e) {
    console.log(`  k=20000 fresh process: could not bundle (${(e as Error).message.split('\n')[0]})`);
    return null;
  }
  const r = spawnSync(process.execPath, [script, file, String(runs)], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) {
    console.log(`  k=20000 fresh process failed: ${r.stderr.trim().split('\n').pop()}`);
    return null;
  }
  const t = JSON.parse(r.stdout.trim().split('\n').pop()!) as [number, number][];
  const rest = t.slice(1);
  return { first: t[0][0], firstCpu: t[0][1], warm: median(rest.map((x) => x[0])), warmCpu: median(rest.map((x) => x[1])) };
}

export default async function bench({ quick }: { quick: boolean }): Promise<void> {
  const withR = hasRscript();
  const dir = mkdtempSync(join(tmpdir(), 'meta-bench-'));
  try {
    console.log(`meta: load average ${load()} on ${cpus().length} cores at start (figures are wall-clock on a shared machine)`);
    console.log('full suite for one outcome (REML+HKSJ, Q-profile, PI, leave1out, cumul, Egger, trimfill, subgroups, meta-regression)');
    const ks = [20, 200, 2000];
    const ms = new Map<number, number>();
    for (const k of ks) {
      const req = dataset(k);
      ms.set(k, timeIt(() => analyze(req), quick ? 200 : 1000, k >= 2000 ? (quick ? 2 : 5) : 200));
    }
    const big = await bigFresh(dir, quick ? 2 : 4);
    const rByK = new Map<number, string>();
    if (withR) {
      // k = 20 and 200: metafor runs the whole suite. k = 2000: its leave1out() and cumul() are
      // 2 × 2000 REML refits, each O(k²) in metafor (see R_PARTS): stopped at 300 s before; it runs the
      // suite's single fits whole and an evenly spaced sample of those refits, scaled to all k.
      for (const k of ks) {
        writeFileSync(join(dir, `k${k}.csv`), csvOf(dataset(k)));
        if (k < 2000) {
          const r = runR(dir, `suite${k}.R`, String.raw`
d <- read.csv(commandArgs(TRUE)[1]); reps <- as.integer(commandArgs(TRUE)[2])
if (reps > 1) invisible(suite(d)); t <- sapply(seq_len(reps), function(i) system.time(suite(d))[["elapsed"]]); cat(median(t) * 1000, "\n")`, [join(dir, `k${k}.csv`), String(k >= 200 ? 1 : 5)], quick ? 60_000 : 120_000);
          rByK.set(k, r.ms === null ? `metafor ${r.note}` : `metafor ${r.ms.toFixed(0)} ms (${(r.ms / ms.get(k)!).toFixed(0)}× ours)`);
          continue;
        }
        const sample = quick ? 4 : 10;
        const r = runR(dir, `parts${k}.R`, R_PARTS, [join(dir, `k${k}.csv`), String(sample)], quick ? 120_000 : 180_000);
        const parts = r.lines.length > 1 ? r.lines[r.lines.length - 2].trim().split(/\s+/).map(Number) : [];
        rByK.set(
          k,
          r.ms === null || parts.length < 4
            ? `metafor ${r.note ?? 'gave no figures'}`
            : `metafor ≈ ${(r.ms / 1000).toFixed(0)} s (${(r.ms / ms.get(k)!).toFixed(0)}× ours; estimated: single fits ${(parts[0] / 1000).toFixed(1)} s timed whole, leave1out and cumul from ${parts[3]} of their ${k} refits each, ${(parts[1] / 1000).toFixed(1)} + ${(parts[2] / 1000).toFixed(1)} s, × ${(k / parts[3]).toFixed(0)})`,
        );
      }
    }
    for (const k of ks) console.log(`  k=${String(k).padStart(5)}  ${ms.get(k)!.toFixed(2)} ms   ${withR ? rByK.get(k) : ''}`);
    if (big) {
      // metafor's REML fit forms k × k matrices (P = W − W X (X'WX)⁻¹ X'W): at k = 20,000 each is
      // 3.2 GB, and the suite refits it 40,000 times; not run (the k = 2000 estimate shows the trend).
      const rNote = withR ? `metafor not run at k=20000: each REML fit forms ${20000}×${20000} matrices (3.2 GB each), the suite refits 40,000 times` : '';
      console.log(`  k=20000  fresh process, first call ${big.first.toFixed(0)} ms (CPU ${big.firstCpu.toFixed(0)} ms); warm ${big.warm.toFixed(0)} ms (CPU ${big.warmCpu.toFixed(0)} ms); target < 5000 ms: ${big.first < 5000 ? 'met' : 'MISSED'} (first call)   ${rNote}`);
    }
    console.log(`  growth: k 20→200 ×${(ms.get(200)! / ms.get(20)!).toFixed(1)}, 200→2000 ×${(ms.get(2000)! / ms.get(200)!).toFixed(1)} (O(k²) would be ×100 per step)`);
    console.log(`  load average ${load()}`);
    cliFigures(dir, quick, withR);
    if (!withR) console.log('  metafor: Rscript with metafor not found, comparisons skipped');
    console.log(`  load average ${load()} at end`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Start-up of `npm run analyze` (the prebuilt bundle) and the --batch rate, beside Rscript + metafor. */
function cliFigures(dir: string, quick: boolean, withR: boolean): void {
  const bundle = join(process.cwd(), 'dist', 'cli', 'analyze.mjs');
  const build = spawnSync(process.execPath, ['scripts/build-cli.mjs'], { encoding: 'utf8' });
  if (build.status !== 0) {
    console.log(`  cli: bundle could not be built (${build.stderr.trim()})`);
    return;
  }
  const one = join(dir, 'k200.json');
  writeFileSync(one, JSON.stringify(dataset(200)));
  const runs: number[] = [];
  for (let i = 0; i < (quick ? 3 : 7); i++) {
    const t0 = performance.now();
    spawnSync(process.execPath, [bundle, one], { encoding: 'utf8' });
    runs.push(performance.now() - t0);
  }
  const med = median(runs);
  let rStart = '';
  if (withR) {
    writeFileSync(join(dir, 'k200.csv'), csvOf(dataset(200)));
    const rr: number[] = [];
    let note: string | undefined;
    for (let i = 0; i < (quick ? 2 : 3) && note === undefined; i++) {
      const r = runR(dir, 'start.R', 'invisible(suite(read.csv(commandArgs(TRUE)[1]))); cat(0, "\\n")', [join(dir, 'k200.csv')], 60_000);
      if (r.ms === null) note = r.note;
      else rr.push(r.wallMs);
    }
    rStart = rr.length ? `   Rscript + metafor, same request: ${median(rr).toFixed(0)} ms (median of ${rr.length})` : `   Rscript + metafor, same request: ${note}`;
  }
  console.log(`  cli: one k=200 request, whole process ${med.toFixed(0)} ms (median of ${runs.length}; target < 500 ms: ${med < 500 ? 'met' : 'MISSED'})${rStart}`);

  const n = quick ? 1000 : 3000;
  const file = join(dir, 'batch.ndjson');
  writeFileSync(file, Array.from({ length: n }, (_, i) => JSON.stringify(batchRequest(i))).join('\n'));
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [bundle, '--batch', file], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = performance.now() - t0;
  const lines = r.stdout.trim().split('\n').length;
  const perMin = (n / ms) * 60000;
  let rBatch = '';
  if (withR) {
    // One R session runs the same requests in order for a fixed time (not a fixed count: at this
    // machine's load 300 requests took over 10 min); the rate is requests done / time taken.
    const m = Math.min(n, 1000);
    const budgetS = quick ? 20 : 60;
    const csv = ['req,id,year,yi,vi', ...Array.from({ length: m }, (_, i) => batchRequest(i).studies.map((s) => `${i},${s.id},${s.year},${s.yi},${s.vi}`).join('\n'))].join('\n');
    writeFileSync(join(dir, 'batch.csv'), csv);
    const rb = runR(dir, 'batch.R', String.raw`
args <- commandArgs(TRUE); d <- read.csv(args[1]); budget <- as.numeric(args[2]); parts <- split(d, d$req)
parts <- parts[order(as.integer(names(parts)))]
done <- 0; t0 <- proc.time()[["elapsed"]]
for (p in parts) { suite(p, groups = FALSE); done <- done + 1; if (proc.time()[["elapsed"]] - t0 >= budget) break }
cat(done, "\n"); cat((proc.time()[["elapsed"]] - t0) * 1000, "\n")`, [join(dir, 'batch.csv'), String(budgetS)], (budgetS + 60) * 1000);
    const done = Number(rb.lines[rb.lines.length - 2]);
    rBatch = rb.ms === null || !(done > 0) ? `   metafor ${rb.note ?? 'gave no figures'}` : `   one R session, same suite per request: ${((done / rb.ms) * 60000).toFixed(0)} per minute (${done} requests in ${(rb.ms / 1000).toFixed(1)} s)`;
  }
  console.log(`  cli --batch: ${n} requests of k=50 in ${ms.toFixed(0)} ms → ${perMin.toFixed(0)} per minute, ${lines} result lines (target ≥ 10000: ${perMin >= 10000 && r.status === 0 && lines === n ? 'met' : 'MISSED'})${rBatch}`);
}
