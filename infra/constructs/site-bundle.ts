/**
 * The site-only bundle of the site-build Lambda (functions/publish/handler.ts): the Astro project
 * (`site/`), the `core/` sources it imports, the production dependency closure of the packages the
 * site imports (astro, chart.js, zod, …; nothing else, no dev dependencies) copied from the local
 * node_modules, and the handler bundled by esbuild at `functions/publish/handler.mjs` (so that
 * build-site.ts finds `astro` in the bundle's node_modules). Made at synth time by local bundling,
 * offline; nothing is installed when a site is published.
 *
 * The native parts (rollup, esbuild) are the ones npm installed on the synth machine, so the
 * function runs on x86_64 and synth must run on linux-x64 (CI and this machine are); the bundler
 * refuses otherwise.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { AssetHashType, DockerImage } from 'aws-cdk-lib';
import { Code } from 'aws-cdk-lib/aws-lambda';
import { REPO_ROOT } from './lambda.js';

/** Packages the site always needs beyond what its sources import by name. */
const ALWAYS = ['astro'];
const NATIVE = ['@rollup/rollup-linux-x64-gnu', '@esbuild/linux-x64'];

/** Bare package names imported by the site's sources (and by the core modules they reach). */
export function siteImports(root = REPO_ROOT): string[] {
  const names = new Set(ALWAYS);
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (!['node_modules', 'dist', '.astro'].includes(e.name)) walk(p);
      } else if (/\.(astro|ts|tsx|mjs|js)$/.test(e.name) && !e.name.endsWith('.test.ts')) {
        for (const m of readFileSync(p, 'utf8').matchAll(/(?:from|import)\s*\(?\s*['"]([^'"./\s][^'"\s]*)['"]/g)) {
          const spec = m[1];
          if (spec.startsWith('node:') || spec.startsWith('astro:')) continue;
          names.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
        }
      }
    }
  };
  walk(join(root, 'site'));
  walk(join(root, 'core'));
  return [...names].sort();
}

/** Folders of the production dependency closure of `names` (dependencies + installed optional ones). */
export function dependencyClosure(names: string[], root = REPO_ROOT): string[] {
  const seen = new Set<string>();
  const find = (name: string, from: string): string | undefined => {
    for (let d = from; ; d = dirname(d)) {
      const c = join(d, 'node_modules', name);
      if (existsSync(join(c, 'package.json'))) return c;
      if (d === dirname(d)) return undefined;
    }
  };
  const visit = (name: string, from: string) => {
    const dir = find(name, from);
    if (!dir || seen.has(dir)) return;
    seen.add(dir);
    const pj = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
    for (const dep of Object.keys({ ...pj.dependencies, ...pj.optionalDependencies })) visit(dep, dir);
  };
  for (const n of names) visit(n, root);
  return [...seen].sort();
}

/** Writes the bundle into `out`. */
export function writeSiteBundle(out: string, root = REPO_ROOT): void {
  if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error('site bundle: synth on linux-x64 (the bundle carries the native rollup/esbuild npm installed here)');
  for (const n of NATIVE) if (!existsSync(join(root, 'node_modules', n))) throw new Error(`site bundle: ${n} is not installed (npm ci on linux-x64)`);
  const skip = new Set(['dist', '.astro', 'node_modules']);
  cpSync(join(root, 'site'), join(out, 'site'), { recursive: true, filter: (src) => !skip.has(src.split('/').pop()!) });
  cpSync(join(root, 'core'), join(out, 'core'), { recursive: true, filter: (src) => !src.endsWith('.test.ts') });
  for (const dir of dependencyClosure(siteImports(root), root)) {
    const rel = dir.slice(root.length + 1);
    cpSync(dir, join(out, rel), { recursive: true });
  }
  mkdirSync(join(out, 'functions', 'publish'), { recursive: true });
  const esbuild = join(dirname(createRequire(import.meta.url).resolve('esbuild/package.json')), 'bin', 'esbuild');
  execFileSync(esbuild, [
    join(root, 'functions/publish/handler.ts'),
    '--bundle',
    '--platform=node',
    '--format=esm',
    '--target=node24',
    `--outfile=${join(out, 'functions/publish/handler.mjs')}`,
    '--minify',
    '--sourcemap',
    '--sources-content=false',
    // The site's own packages stay in node_modules (Astro runs them in a child process).
    ...['astro', 'chart.js'].map((p) => `--external:${p}`),
    "--banner:js=import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
  ]);
  writeFileSync(join(out, 'package.json'), `${JSON.stringify({ type: 'module', private: true }, null, 1)}\n`);
}

/** The Lambda code of the site build: bundled locally at synth (skipped, like every bundle, in tests). */
export function siteBundleCode(): Code {
  return Code.fromAsset(join(REPO_ROOT, 'site'), {
    assetHashType: AssetHashType.OUTPUT,
    exclude: ['dist', '.astro', 'node_modules'],
    bundling: {
      image: DockerImage.fromRegistry('docker-bundling-is-disabled-in-this-app'),
      local: {
        tryBundle(outputDir: string) {
          writeSiteBundle(outputDir);
          return true;
        },
      },
    },
  });
}
