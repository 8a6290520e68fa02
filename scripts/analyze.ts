/**
 * npm run analyze -- FILE            one request (FILE or "-" for stdin) → the result JSON on stdout
 * npm run analyze -- --batch FILE    newline-delimited requests → one result JSON per line, in order;
 *                                    a bad line gives {"error": "..."} on its line and the rest go on
 * Invalid single requests exit with status 2 and one line per problem on stderr. Bundled to
 * dist/cli/analyze.mjs by `npm ci` (prepare) so that it starts without compiling TypeScript.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createReadStream } from 'node:fs';
import { analyze } from '../core/meta/analyze.js';
import { formatIssues, MAX_REQUEST_BYTES, validateRequest } from '../core/meta/validate.js';

function fail(message: string, code = 2): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

const LIMIT_MB = MAX_REQUEST_BYTES / 1024 / 1024;

/** Reads the whole input, failing at once (before reading it) when it is above the size limit. */
function readInput(arg: string): string {
  let fd: number;
  try {
    fd = arg === '-' ? 0 : openSync(arg, 'r');
  } catch (e) {
    fail(`cannot read ${arg}: ${(e as Error).message}`);
  }
  try {
    const st = fstatSync(fd);
    if (st.isFile() && st.size > MAX_REQUEST_BYTES) fail(`request: ${arg} is ${(st.size / 1024 / 1024).toFixed(1)} MB; the limit is ${LIMIT_MB} MB per request`);
    const chunks: Buffer[] = [];
    let total = 0;
    const buf = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      let n: number;
      try {
        n = readSync(fd, buf, 0, buf.length, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue;
        if ((e as NodeJS.ErrnoException).code === 'EOF') break;
        throw e;
      }
      if (n === 0) break;
      total += n;
      if (total > MAX_REQUEST_BYTES) fail(`request: more than ${LIMIT_MB} MB; the limit is ${LIMIT_MB} MB per request`);
      chunks.push(Buffer.from(buf.subarray(0, n)));
    }
    return Buffer.concat(chunks).toString('utf8');
  } finally {
    if (fd !== 0) closeSync(fd);
  }
}

/** One request text → the result, or the error message (one line per problem). */
export function runOne(text: string): { result: unknown } | { error: string } {
  if (text.length > MAX_REQUEST_BYTES) return { error: `request: more than ${LIMIT_MB} MB; the limit is ${LIMIT_MB} MB per request` };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { error: `invalid JSON: ${(e as Error).message}` };
  }
  const v = validateRequest(raw);
  if (!v.ok) return { error: formatIssues(v.errors) };
  try {
    return { result: analyze(v.request) };
  } catch (e) {
    return { error: `analysis failed: ${(e as Error).message}` };
  }
}

async function batch(arg: string): Promise<void> {
  const input = arg === '-' ? process.stdin : createReadStream(arg);
  input.on('error', (e: Error) => fail(`cannot read ${arg}: ${e.message}`));
  const rl = createInterface({ input, crlfDelay: Infinity });
  let out: string[] = [];
  const flush = () => {
    if (out.length) process.stdout.write(out.join(''));
    out = [];
  };
  for await (const line of rl) {
    if (line.trim() === '') continue;
    const r = runOne(line);
    out.push(`${JSON.stringify('error' in r ? { error: r.error } : r.result)}\n`);
    if (out.length >= 256) flush();
  }
  flush();
}

const args = process.argv.slice(2).filter((a) => a !== '--');
if (args[0] === '--batch') {
  if (!args[1]) fail('usage: npm run analyze -- --batch FILE   (FILE or - for stdin; one JSON request per line)');
  await batch(args[1]);
} else {
  const arg = args[0];
  if (!arg) fail('usage: npm run analyze -- FILE   (FILE or - for stdin)');
  const r = runOne(readInput(arg));
  if ('error' in r) fail(r.error);
  process.stdout.write(`${JSON.stringify(r.result, null, 2)}\n`);
}
