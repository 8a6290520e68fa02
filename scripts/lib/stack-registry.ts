/**
 * Which local stacks (`npm start`) are running on this machine, and on which DATA_DIR.
 *
 * A running stack writes one small JSON file, `<registry>/<pid>.json`, holding its DATA_DIR, its
 * DynamoDB Local endpoint and its dashboard URL, and removes it when it stops. `npm run import`
 * reads the registry to write into the running stack's database, or to refuse (unless --force) when
 * the only stacks running are on another DATA_DIR: a second database that no dashboard reads is
 * never written silently. A file left by a killed stack is recognised (its process is gone or its
 * database does not answer) and removed.
 *
 * The registry folder is STACK_REGISTRY_DIR, by default `<os tmpdir>/living-evidence-stacks`
 * (the test run sets its own, so tests never see a developer's stack, nor one another's).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isAnswering } from './dynamo-local.js';

export interface StackEntry {
  pid: number;
  dataDir: string;
  /** DynamoDB Local endpoint of the stack */
  endpoint: string;
  /** dashboard URL */
  url: string;
  startedAt: string;
}

export function registryDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.STACK_REGISTRY_DIR || join(tmpdir(), 'living-evidence-stacks'));
}

/** Registers this process's stack; returns the function that removes the entry again. */
export function registerStack(entry: Omit<StackEntry, 'pid' | 'startedAt'>, env: NodeJS.ProcessEnv = process.env): () => void {
  const dir = registryDir(env);
  const file = join(dir, `${process.pid}.json`);
  const full: StackEntry = { pid: process.pid, startedAt: new Date().toISOString(), ...entry, dataDir: resolve(entry.dataDir) };
  try {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, `${JSON.stringify(full)}\n`);
  } catch {
    return () => {}; // best effort: a stack without a registry entry still runs
  }
  return () => rmSync(file, { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parseEntry(text: string): StackEntry | null {
  try {
    const e = JSON.parse(text) as Partial<StackEntry>;
    if (typeof e.pid === 'number' && typeof e.dataDir === 'string' && typeof e.endpoint === 'string' && typeof e.url === 'string') {
      return { pid: e.pid, dataDir: e.dataDir, endpoint: e.endpoint, url: e.url, startedAt: String(e.startedAt ?? '') };
    }
  } catch {
    /* a half-written or foreign file */
  }
  return null;
}

/** The stacks running now (process alive and database answering); stale entries are removed. */
export async function runningStacks(env: NodeJS.ProcessEnv = process.env): Promise<StackEntry[]> {
  const dir = registryDir(env);
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => /^\d+\.json$/.test(n));
  } catch {
    return [];
  }
  const out: StackEntry[] = [];
  for (const n of names) {
    const file = join(dir, n);
    let entry: StackEntry | null = null;
    try {
      entry = parseEntry(readFileSync(file, 'utf8'));
    } catch {
      continue; // removed meanwhile
    }
    if (!entry) continue;
    if (!alive(entry.pid)) {
      rmSync(file, { force: true });
      continue;
    }
    // Alive but its database not answering (starting, stopping or stalled): not listed, entry kept.
    if (!(await isAnswering(entry.endpoint))) continue;
    out.push(entry);
  }
  return out.sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}

export type DatabaseChoice =
  | { kind: 'endpoint'; endpoint: string; message: string }
  | { kind: 'running-stack'; endpoint: string; stack: StackEntry | null; message: string }
  | { kind: 'own'; message: string; others: StackEntry[] };

/**
 * Where a CLI tool on `dataDir` writes: DYNAMODB_ENDPOINT when set; the stack running on the same
 * DATA_DIR; else a DynamoDB Local of its own on DATA_DIR — refused (MismatchError) when stacks run on
 * other DATA_DIRs, unless `force`.
 */
export async function chooseDatabase(opts: {
  dataDir: string;
  force: boolean;
  /** DYNAMODB_ENDPOINT */
  endpoint?: string;
  /** the endpoint a stack on dataDir published (DATA_DIR/dynamodb/endpoint), if it answers */
  published?: string;
  env?: NodeJS.ProcessEnv;
}): Promise<DatabaseChoice> {
  const dataDir = resolve(opts.dataDir);
  if (opts.endpoint) return { kind: 'endpoint', endpoint: opts.endpoint, message: `writing to the DynamoDB at ${opts.endpoint} (DYNAMODB_ENDPOINT)` };
  const stacks = await runningStacks(opts.env);
  const mine = stacks.find((s) => s.dataDir === dataDir) ?? null;
  const endpoint = mine?.endpoint ?? opts.published;
  if (endpoint) {
    return {
      kind: 'running-stack',
      endpoint,
      stack: mine,
      message: `writing to the running stack's database: DATA_DIR=${dataDir}, DynamoDB Local at ${endpoint}${mine ? ` (dashboard ${mine.url}, pid ${mine.pid})` : ''}`,
    };
  }
  const others = stacks.filter((s) => s.dataDir !== dataDir);
  if (others.length && !opts.force) {
    throw new MismatchError(
      [
        `a stack is running on another DATA_DIR than this command's:`,
        ...others.map((s) => `  running stack: DATA_DIR=${s.dataDir} (dashboard ${s.url}, DynamoDB Local ${s.endpoint}, pid ${s.pid})`),
        `  this command:  DATA_DIR=${dataDir} (no stack running there)`,
        `Writing here would fill a second database that the running dashboard never reads. Nothing was written.`,
        `Run it again with DATA_DIR=${others[0].dataDir} to write into the running stack, or add --force to write to ${dataDir} anyway.`,
      ].join('\n'),
    );
  }
  const db = join(dataDir, 'dynamodb');
  return {
    kind: 'own',
    others,
    message: others.length
      ? `--force: writing to DATA_DIR=${dataDir} (its own DynamoDB Local on ${db}, stopped when done), NOT to the running stack on DATA_DIR=${others.map((s) => s.dataDir).join(', ')}`
      : `no stack is running on DATA_DIR=${dataDir}: starting its own DynamoDB Local on ${db} (stopped when done; a stack started later on this DATA_DIR shows the data)`,
  };
}

export class MismatchError extends Error {
  override readonly name = 'MismatchError';
}
