/**
 * npm run reproduce -- --review ID [--version N]
 * Recomputes a stored version (default: the latest) from its own inputs and compares every number.
 * Reads DATA_DIR/snapshots (or SNAPSHOT_DIR). Progress and differences on stderr; the last stdout
 * line is {"review": ID, "version": N, "values": n, "differing": 0}. Exit 0 when nothing differs,
 * 1 when something does, 2 on bad arguments or a missing version.
 */
import { join } from 'node:path';
import { reproduceVersion, NotReproducibleError } from '../core/analysis/reproduce.js';
import { STATS_VERSION } from '../core/analysis/versions.js';
import { diskSnapshotStore } from '../functions/adapters/snapshot-store.js';
import { dataDir } from './lib/dynamo-local.js';
import { StartupError, runMain } from './lib/errors.js';

export function parseArgs(argv: string[]): { review: string; version?: number } {
  let review: string | undefined;
  let version: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') continue;
    if (a === '--review') review = argv[++i];
    else if (a === '--version') {
      const v = argv[++i];
      version = Number(v);
      if (!Number.isInteger(version) || version < 1) throw new StartupError(`--version must be a positive integer (got "${v}")`, 2);
    } else throw new StartupError(`unknown argument "${a}" (usage: npm run reproduce -- --review ID [--version N])`, 2);
  }
  if (!review) throw new StartupError('--review is required (usage: npm run reproduce -- --review ID [--version N])', 2);
  return { review, ...(version !== undefined ? { version } : {}) };
}

runMain(async () => {
  const args = parseArgs(process.argv.slice(2));
  const dir = process.env.SNAPSHOT_DIR || join(dataDir(), 'snapshots');
  const store = diskSnapshotStore(dir);
  const snap = args.version !== undefined ? await store.getVersion(args.review, args.version) : await store.getLatest(args.review);
  if (!snap) {
    const have = await store.listVersions(args.review);
    throw new StartupError(
      `review "${args.review}" has no ${args.version !== undefined ? `version ${args.version}` : 'published version'} in ${dir}${have.length ? ` (stored: ${have.join(', ')})` : ''}`,
      2,
    );
  }
  const version = snap.version ?? snap.revision;
  process.stderr.write(`reproducing ${args.review} version ${version} (${snap.generatedAt}, statistics ${snap.software?.stats ?? 'unknown'}) from ${snap.inputs?.studies?.length ?? 0} stored studies …\n`);
  if (snap.software?.stats && snap.software.stats !== STATS_VERSION)
    process.stderr.write(`note: stored with statistics version ${snap.software.stats}, recomputed with ${STATS_VERSION}\n`);
  let res;
  try {
    res = reproduceVersion(snap);
  } catch (err) {
    if (err instanceof NotReproducibleError) throw new StartupError(err.message, 2);
    throw err;
  }
  for (const d of res.differing.slice(0, 50)) process.stderr.write(`differs: ${d.path}: stored ${JSON.stringify(d.stored)}, recomputed ${JSON.stringify(d.recomputed)}\n`);
  if (!res.hashMatches) process.stderr.write('warning: the stored content hash does not match the stored inputs\n');
  process.stdout.write(`${JSON.stringify({ review: args.review, version, values: res.values, differing: res.differing.length })}\n`);
  return res.differing.length === 0 && res.hashMatches ? 0 : 1;
});
