/**
 * `npm run bench`: runs every scripts/bench/*.bench.ts in turn; each prints its own figures.
 * `npm run bench -- --quick` runs smaller sizes; `npm run bench -- meta` runs only benches whose
 * file name contains "meta".
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runMain } from '../lib/errors.js';

runMain(async () => {
  const args = process.argv.slice(2);
  const quick = args.includes('--quick');
  const filters = args.filter((a) => !a.startsWith('--'));
  const dir = dirname(fileURLToPath(import.meta.url));
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
    .sort();
  for (const f of files) {
    console.log(`\n=== ${f.replace('.bench.ts', '')} ${'='.repeat(Math.max(0, 60 - f.length))}`);
    const mod = (await import(pathToFileURL(join(dir, f)).href)) as { default: (o: { quick: boolean }) => Promise<void> };
    const started = Date.now();
    await mod.default({ quick });
    console.log(`(${f}: ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
});
