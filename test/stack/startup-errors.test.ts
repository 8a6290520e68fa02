/**
 * `npm start` refuses to start with one clear line and a non-zero exit (no stack trace) when the
 * port is taken, Java is missing, or the data folder is not writable.
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../../scripts/lib/dynamo-local.js';

const ROOT = resolve(__dirname, '..', '..');
const TSX_CLI = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

function runStart(env: NodeJS.ProcessEnv, timeoutMs = 240_000): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((res) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], { cwd: ROOT, env: { ...process.env, DYNAMODB_ENDPOINT: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let stdout = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.on('data', (d) => (stdout += d));
    const t = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(t);
      res({ code, stderr, stdout });
    });
  });
}

const noStack = (s: string) => expect(s).not.toMatch(/\n\s+at .+:\d+:\d+/);

describe('npm start refuses bad environments clearly', () => {
  it('port already taken', async () => {
    const srv = createServer();
    await new Promise<void>((r) => srv.listen(0, r));
    const port = (srv.address() as { port: number }).port;
    try {
      const r = await runStart({ PORT: String(port), DATA_DIR: mkdtempSync(join(tmpdir(), 'le-port-')) });
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(new RegExp(`Port ${port} is already in use`));
      noStack(r.stderr);
    } finally {
      srv.close();
    }
  });

  it('Java missing', async () => {
    // An empty PATH: node is started by its absolute path, java cannot be found.
    const bin = mkdtempSync(join(tmpdir(), 'le-nojava-'));
    const r = await runStart({ PATH: bin, PORT: String(await freePort()), DATA_DIR: mkdtempSync(join(tmpdir(), 'le-j-')) });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/Java 17 or newer is required/);
    noStack(r.stderr);
  });

  it('invalid PORT', async () => {
    const r = await runStart({ PORT: 'eighty', DATA_DIR: mkdtempSync(join(tmpdir(), 'le-p-')) });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/PORT must be an integer/);
    noStack(r.stderr);
  });

  it('data folder not writable', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'le-ro-'));
    // A regular file where the data folder should be: unwritable even for root.
    const dataDir = join(parent, 'data');
    writeFileSync(dataDir, 'not a folder');
    chmodSync(dataDir, 0o444);
    const r = await runStart({ PORT: String(await freePort()), DATA_DIR: join(dataDir, 'sub') });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/data folder .* (cannot be created|is not writable)/);
    noStack(r.stderr);
    mkdirSync(join(parent, 'ok'));
  });
});
