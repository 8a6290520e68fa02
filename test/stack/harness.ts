/**
 * Runs the real local stack (`scripts/start.ts`, exactly what `npm start` runs) as a child process
 * with its own DATA_DIR and port, for the end-to-end tests.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort } from '../../scripts/lib/dynamo-local.js';

export const ROOT = resolve(__dirname, '..', '..');
export const TSX_CLI = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');

export interface Stack {
  url: string;
  port: number;
  dataDir: string;
  child: ChildProcess;
  output(): string;
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Ctrl-C; resolves with the exit code. */
  stop(): Promise<number | null>;
  /** kill -9 (the Java child is orphaned on purpose: the next start must cope). */
  kill9(): Promise<void>;
  signInToken(role: 'lead' | 'curator'): string;
  dynamoEndpoint(): string;
}

export async function startStack(opts: { dataDir: string; env?: NodeJS.ProcessEnv; port?: number }): Promise<Stack> {
  const port = opts.port ?? (await freePort());
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DYNAMODB_ENDPOINT: '',
      PORT: String(port),
      DATA_DIR: opts.dataDir,
      ASTRO_TELEMETRY_DISABLED: '1',
      ...opts.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d.toString();
    if (process.env.STACK_DEBUG) process.stderr.write(d);
    for (const l of listeners) l();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));

  const waitFor = (re: RegExp, timeoutMs = 300_000) =>
    new Promise<RegExpMatchArray>((res, rej) => {
      const check = () => {
        const m = out.match(re);
        if (m) {
          listeners.delete(check);
          clearTimeout(t);
          res(m);
        }
      };
      const t = setTimeout(() => {
        listeners.delete(check);
        rej(new Error(`timed out waiting for ${re} in stack output:\n${out.slice(-3000)}`));
      }, timeoutMs);
      listeners.add(check);
      void exited.then((code) => {
        if (listeners.has(check)) {
          listeners.delete(check);
          clearTimeout(t);
          rej(new Error(`stack exited (${code}) before ${re}:\n${out.slice(-3000)}`));
        }
      });
      check();
    });

  await waitFor(/Press Ctrl-C to stop/, 450_000);
  const url = `http://localhost:${port}`;
  return {
    url,
    port,
    dataDir: opts.dataDir,
    child,
    output: () => out,
    waitFor,
    async stop() {
      child.kill('SIGINT');
      return exited;
    },
    async kill9() {
      child.kill('SIGKILL');
      await exited;
    },
    signInToken(role) {
      const m = out.match(new RegExp(`sign in \\(${role}\\)\\s+\\S+token=(\\S+)`));
      if (!m) throw new Error(`no ${role} sign-in link in the output`);
      return m[1];
    },
    dynamoEndpoint() {
      const f = join(opts.dataDir, 'dynamodb', 'endpoint');
      if (!existsSync(f)) throw new Error('no published DynamoDB endpoint');
      return readFileSync(f, 'utf8').trim();
    },
  };
}

/** Polls `fn` until it returns a truthy value. */
export async function eventually<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs = 240_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

/** Kills any DynamoDB Local still running on `dataDir` (after a failed test left one behind). */
export function killDynamoOn(dataDir: string): void {
  for (const line of execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).split('\n')) {
    const m = line.trim().match(/^(\d+)\s+(.*)$/);
    if (m && m[2].includes('DynamoDBLocal') && m[2].includes(dataDir)) {
      try {
        process.kill(Number(m[1]), 'SIGKILL');
      } catch {
        /* gone */
      }
    }
  }
}
