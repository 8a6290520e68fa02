/**
 * npm run analyze -- FILE   (FILE or "-" for stdin)
 * Prints only the result JSON on stdout; invalid input exits with status 2 and messages on stderr.
 */
import { readFileSync } from 'node:fs';
import { analyze, formatIssues, validateRequest } from '../core/meta/index.js';

function fail(message: string, code = 2): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

const arg = process.argv.slice(2).find((a) => a !== '--');
if (!arg) fail('usage: npm run analyze -- FILE   (FILE or - for stdin)');
let text: string;
try {
  text = readFileSync(arg === '-' ? 0 : arg, 'utf8');
} catch (e) {
  fail(`cannot read ${arg}: ${(e as Error).message}`);
}
let raw: unknown;
try {
  raw = JSON.parse(text);
} catch (e) {
  fail(`invalid JSON: ${(e as Error).message}`);
}
const v = validateRequest(raw);
if (!v.ok) fail(formatIssues(v.errors));
const result = analyze(v.request);
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
