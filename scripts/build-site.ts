/**
 * `npm run build:site`: builds the dashboard from a folder of snapshots (the publish job in AWS runs
 * this after syncing the snapshot bucket). SNAPSHOT_DIR (default DATA_DIR/snapshots) → SITE_OUT_DIR
 * (default DATA_DIR/site).
 */
import { join } from 'node:path';
import { buildSite } from '../functions/publish/build-site.js';
import { dataDir } from './lib/dynamo-local.js';
import { runMain } from './lib/errors.js';

runMain(async () => {
  const snapshotDir = process.env.SNAPSHOT_DIR || join(dataDir(), 'snapshots');
  const outDir = process.env.SITE_OUT_DIR || join(dataDir(), 'site');
  process.stderr.write(`building the dashboard from ${snapshotDir} into ${outDir} …\n`);
  const { ms } = await buildSite({ snapshotDir, outDir, siteUrl: process.env.SITE_URL, log: (l) => process.stderr.write(`${l}\n`) });
  process.stderr.write(`built in ${(ms / 1000).toFixed(1)} s\n`);
});
