/**
 * `npm run import` and a running stack (`npm start`, real DynamoDB Local): the import writes into the
 * running stack's database when both share DATA_DIR (and the stack's dashboard data moves); against a
 * stack on another DATA_DIR it refuses, names both and writes nothing — unless --force, which says
 * where it writes; with no stack running it says it starts its own.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runningStacks } from '../../scripts/lib/stack-registry.js';
import { eventually, killDynamoOn, ROOT, startStack, type Stack } from '../stack/harness.js';

const csv = join(ROOT, '../shared/data/metapsy-depression-selfguided-psyctr/data.csv');
const REVIEW = 'selfguided-depression';
const registry = mkdtempSync(join(tmpdir(), 'le-registry-'));
const dirA = mkdtempSync(join(tmpdir(), 'le-import-a-'));
const dirB = join(mkdtempSync(join(tmpdir(), 'le-import-b-')), 'data');
let stack: Stack | undefined;

const run = (args: string[], dataDir: string) =>
  promisify(execFile)(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/import.ts'), 'metapsy', csv, '--review', REVIEW, ...args], {
    cwd: ROOT,
    env: { ...process.env, DYNAMODB_ENDPOINT: '', DATA_DIR: dataDir, STACK_REGISTRY_DIR: registry },
    maxBuffer: 16 * 1024 * 1024,
  }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );
const summary = (stdout: string) => JSON.parse(stdout.trim().split('\n').pop()!);

beforeAll(async () => {
  stack = await startStack({ dataDir: dirA, env: { STACK_REGISTRY_DIR: registry, POLL_ON_START: '0', PUBMED_EUTILS_URL: 'http://127.0.0.1:9/', CTGOV_API_URL: 'http://127.0.0.1:9/' } });
}, 600_000);

afterAll(async () => {
  await stack?.stop();
  killDynamoOn(dirA);
  killDynamoOn(dirB);
}, 300_000);

describe('npm run import with a running stack', () => {
  it('the running stack registers its DATA_DIR, database and dashboard', async () => {
    const stacks = await runningStacks({ STACK_REGISTRY_DIR: registry });
    expect(stacks).toEqual([expect.objectContaining({ dataDir: dirA, endpoint: stack!.dynamoEndpoint(), url: `${stack!.url}/` })]);
  });

  it('another DATA_DIR: refused with both DATA_DIRs named, nothing written, no second database created', { timeout: 300_000 }, async () => {
    const r = await run([], dirB);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`running stack: DATA_DIR=${dirA} (dashboard ${stack!.url}/`);
    expect(r.stderr).toContain(`this command:  DATA_DIR=${dirB}`);
    expect(r.stderr).toMatch(/Nothing was written\.\nRun it again with DATA_DIR=.* or add --force/);
    expect(existsSync(join(dirB, 'dynamodb'))).toBe(false);
  });

  it('the same DATA_DIR: writes into the running stack, says so, and the stack re-pools (attrition included)', { timeout: 600_000 }, async () => {
    const r = await run([], dirA);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`database: writing to the running stack's database: DATA_DIR=${dirA}, DynamoDB Local at ${stack!.dynamoEndpoint()} (dashboard ${stack!.url}/`);
    expect(summary(r.stdout)).toMatchObject({ created: 69, database: { kind: 'running-stack', dataDir: dirA, endpoint: stack!.dynamoEndpoint(), dashboard: `${stack!.url}/` } });
    // the stack's own stream consumer picks the studies up: its published snapshot moves
    const latest = join(dirA, 'snapshots', REVIEW, 'latest.json');
    const snap = await eventually(async () => {
      if (!existsSync(latest)) return null;
      const s = JSON.parse(readFileSync(latest, 'utf8'));
      return s.outcomes.find((o: { id: string; k: number }) => o.id === 'depression').k > 0 && s.attrition?.k > 0 ? s : null;
    }, 300_000, 'the running stack to publish the imported studies');
    expect(snap.attrition.sentence).toMatch(/^dropout: \d+ % \[\d+, \d+\] in the intervention arms/);
  });

  it('--force writes to the other DATA_DIR, saying it is not the running stack', { timeout: 450_000 }, async () => {
    const r = await run(['--force'], dirB);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`database: --force: writing to DATA_DIR=${dirB} (its own DynamoDB Local on ${join(dirB, 'dynamodb')}, stopped when done), NOT to the running stack on DATA_DIR=${dirA}`);
    expect(summary(r.stdout)).toMatchObject({ created: 69, database: { kind: 'own', dataDir: dirB } });
  });

  it('no stack running: says it starts its own; stale registry entries are dropped', { timeout: 600_000 }, async () => {
    await stack!.stop();
    stack = undefined;
    mkdirSync(registry, { recursive: true });
    writeFileSync(join(registry, '999999.json'), JSON.stringify({ pid: 999999, dataDir: '/nowhere', endpoint: 'http://127.0.0.1:9', url: 'http://localhost:9/', startedAt: '' }));
    const r = await run([], dirA);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`database: no stack is running on DATA_DIR=${dirA}: starting its own DynamoDB Local on ${join(dirA, 'dynamodb')}`);
    // the same database files the stack used: everything is already there
    expect(summary(r.stdout)).toMatchObject({ created: 0, unchanged: 69, itemsWritten: 0, database: { kind: 'own', dataDir: dirA } });
    expect(readdirSync(registry)).toEqual([]);
  });
});
