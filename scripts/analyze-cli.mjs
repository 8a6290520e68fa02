// `npm run analyze`: runs the prebuilt bundle (dist/cli/analyze.mjs, made by `npm ci`); builds it
// first if it is missing (e.g. a checkout where install scripts did not run).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const bundle = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli', 'analyze.mjs');
if (!existsSync(bundle)) await (await import('./build-cli.mjs')).buildCli();
await import(pathToFileURL(bundle).href);
