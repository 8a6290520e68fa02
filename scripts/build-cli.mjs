// Bundles the analysis CLI (scripts/analyze.ts) to dist/cli/analyze.mjs with esbuild, so that
// `npm run analyze` starts without compiling TypeScript. Run by `npm ci` (prepare) and on demand by
// scripts/analyze-cli.mjs when the bundle is missing. The output is not committed (.gitignore).
import { build } from 'esbuild';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export async function buildCli() {
  await build({
    entryPoints: [join(root, 'scripts', 'analyze.ts')],
    outfile: join(root, 'dist', 'cli', 'analyze.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
  });
}
if (process.argv[1] === fileURLToPath(import.meta.url)) await buildCli();
