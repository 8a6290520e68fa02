/**
 * Summary of a V8 CPU profile (`node --cpu-prof`) of `astro build`, for `npm run bench -- site
 * --profile`: where the build's time goes — start-up, the Vite/Rollup compile of the site (fixed,
 * independent of the data), and page generation (per route, and our own chart/page functions) —
 * plus garbage collection and idle (waiting for the file system). Samples are wall-clock ticks of
 * the build process, so on a loaded machine all shares stretch alike; the shares, not the seconds,
 * are what to compare between runs.
 */
import { readFileSync } from 'node:fs';

interface CallFrame { functionName: string; url: string; lineNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; children?: number[] }
interface CpuProfile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] }

export interface ProfileSummary {
  totalS: number;
  phases: Array<{ name: string; s: number; share: number }>;
  routes: Array<{ route: string; s: number; share: number }>;
  ownFunctions: Array<{ fn: string; s: number; share: number }>;
}

/** The route a built page module stands for: `.astro/pages/reviews/_id_/studies/_study_.astro.mjs` → `reviews/[id]/studies/[study]`. */
function routeOf(url: string): string | null {
  const m = url.match(/\/pages\/(.+?)\.astro\.mjs/);
  return m ? m[1].replace(/_([a-z]+)_/g, '[$1]') : null;
}

/** Our own code in the built bundle (site chunks and page modules, not Astro's or a dependency's). */
const ownCode = (url: string) => /\/\.astro\/(chunks|pages)\//.test(url) && !/\/chunks\/astro\//.test(url) && !/_@astro|astro-designed|node_modules/.test(url);

export function summariseProfile(file: string, top = 12): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const ch of n.children ?? []) parent.set(ch, n.id);
  const stackCache = new Map<number, { names: string[]; route: string | null; own: Set<string> }>();
  const stackOf = (id: number) => {
    let hit = stackCache.get(id);
    if (hit) return hit;
    const names: string[] = [];
    let route: string | null = null;
    const own = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const cf = byId.get(cur)!.callFrame;
      names.push(`${cf.functionName}@${cf.url}`);
      route ??= routeOf(cf.url);
      if (ownCode(cf.url) && cf.functionName) own.add(`${cf.functionName} (${cf.url.split('/').pop()!.replace(/\?.*$/, '').replace(/(_[A-Za-z0-9-]{8})?\.mjs$/, '')})`);
    }
    hit = { names, route, own };
    stackCache.set(id, hit);
    return hit;
  };
  let total = 0;
  let genStart = Infinity;
  let now = 0;
  // First pass: when page generation starts (Astro's generatePages on the stack).
  for (let i = 0; i < p.samples.length; i++) {
    now += p.timeDeltas[i] ?? 0;
    if (now < genStart && stackOf(p.samples[i]).names.some((n) => n.startsWith('generatePages@'))) genStart = now;
  }
  let viteStart = Infinity;
  now = 0;
  for (let i = 0; i < p.samples.length; i++) {
    now += p.timeDeltas[i] ?? 0;
    if (now < viteStart && stackOf(p.samples[i]).names.some((n) => /rollup\/dist/.test(n))) viteStart = now;
  }
  const phases = new Map<string, number>();
  const routes = new Map<string, number>();
  const own = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  now = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const us = p.timeDeltas[i] ?? 0;
    now += us;
    total += us;
    const leaf = byId.get(p.samples[i])!.callFrame.functionName;
    const st = stackOf(p.samples[i]);
    if (leaf === '(garbage collector)') add(phases, 'garbage collection', us);
    else if (leaf === '(idle)') add(phases, 'idle (waiting for I/O)', us);
    else add(phases, now < viteStart ? 'start-up (config, content sync)' : now < genStart ? 'Vite/Rollup compile of the site (fixed)' : 'page generation', us);
    if (now >= genStart) {
      if (st.route) add(routes, st.route, us);
      for (const f of st.own) add(own, f, us);
    }
  }
  const rows = <K extends string>(m: Map<string, number>, key: K, n: number) =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => ({ [key]: k, s: v / 1e6, share: v / total }) as { [P in K]: string } & { s: number; share: number });
  return { totalS: total / 1e6, phases: rows(phases, 'name', 10), routes: rows(routes, 'route', top), ownFunctions: rows(own, 'fn', top) };
}

export function printProfile(sum: ProfileSummary, log: (l: string) => void = console.log): void {
  const pct = (x: number) => `${(100 * x).toFixed(1).padStart(5)} %`;
  log(`profile of the build (${sum.totalS.toFixed(1)} s sampled; shares of the whole):`);
  for (const ph of sum.phases) log(`  ${pct(ph.share)}  ${ph.name}`);
  log('  page generation: time with a route module on the stack (its getStaticPaths, endpoints; async rendering is not attributed):');
  for (const r of sum.routes) log(`    ${pct(r.share)}  ${r.route}`);
  log('  our own functions during page generation (inclusive):');
  for (const f of sum.ownFunctions) log(`    ${pct(f.share)}  ${f.fn}`);
}
