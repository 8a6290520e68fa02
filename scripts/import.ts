/**
 * npm run import -- metapsy FILE_OR_URL --review ID [--dry-run] [--force]
 *
 * Maps a Metapsy-standard CSV into a review (core/import/metapsy.ts) and stores each study as an
 * accepted candidate (functions/adapters/import-store.ts). --dry-run maps and reports only: it
 * touches no database. Progress goes to stderr; the report to stdout, its last line a JSON summary.
 *
 * Which database (scripts/lib/stack-registry.ts), said on stdout and in the summary's `database`:
 * DYNAMODB_ENDPOINT when set; else the running stack on the same DATA_DIR; else its own DynamoDB
 * Local on DATA_DIR — refused (exit 2, nothing written) when a stack runs on another DATA_DIR,
 * unless --force.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatReport, importMetapsyCsv } from '../core/import/metapsy.js';
import { createDocumentClient, tableName } from '../functions/adapters/dynamo/client.js';
import { storeImportedStudies } from '../functions/adapters/import-store.js';
import { findReview, REVIEW_IDS } from '../reviews/index.js';
import { dataDir, publishedEndpoint, withDatabase } from './lib/dynamo-local.js';
import { chooseDatabase, MismatchError } from './lib/stack-registry.js';
import { runMain, StartupError } from './lib/errors.js';

const USAGE = 'usage: npm run import -- metapsy FILE_OR_URL --review ID [--dry-run] [--force]';

async function readSource(src: string): Promise<string> {
  if (/^https?:\/\//i.test(src)) {
    const res = await fetch(src);
    if (!res.ok) throw new StartupError(`could not download ${src}: HTTP ${res.status}`, 2);
    return res.text();
  }
  try {
    return await readFile(resolve(src), 'utf8');
  } catch (e) {
    throw new StartupError(`cannot read ${src}: ${(e as Error).message}`, 2);
  }
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: process.argv.slice(2),
      allowPositionals: true,
      options: { review: { type: 'string' }, 'dry-run': { type: 'boolean', default: false }, force: { type: 'boolean', default: false } },
    });
  } catch (e) {
    throw new StartupError(`${(e as Error).message}\n${USAGE}`, 2);
  }
  const [format, src] = parsed.positionals;
  if (format !== 'metapsy') throw new StartupError(`unknown import format "${format ?? ''}" (supported: metapsy)\n${USAGE}`, 2);
  if (!src) throw new StartupError(`missing FILE_OR_URL\n${USAGE}`, 2);
  const reviewId = parsed.values.review;
  if (!reviewId) throw new StartupError(`missing --review ID (one of: ${REVIEW_IDS.join(', ')})\n${USAGE}`, 2);
  const review = findReview(reviewId);
  if (!review) throw new StartupError(`unknown review "${reviewId}" (one of: ${REVIEW_IDS.join(', ')})`, 2);

  process.stderr.write(`reading ${src} …\n`);
  const text = await readSource(src);
  let mapped;
  try {
    mapped = importMetapsyCsv(text, review);
  } catch (e) {
    throw new StartupError(`${src}: ${(e as Error).message}`, 2);
  }
  const { studies, report } = mapped;
  process.stdout.write(`${formatReport(report)}\n`);
  const dryRun = parsed.values['dry-run'];
  if (dryRun) {
    process.stdout.write(`dry run: ${studies.length} studies would be imported as accepted candidates; nothing written\n`);
    process.stdout.write(`${JSON.stringify({ dryRun: true, ...summary(report) })}\n`);
    return 0;
  }
  let choice;
  try {
    choice = await chooseDatabase({
      dataDir: dataDir(),
      force: parsed.values.force,
      endpoint: process.env.DYNAMODB_ENDPOINT || undefined,
      published: process.env.DYNAMODB_ENDPOINT ? undefined : await publishedEndpoint(dataDir()),
    });
  } catch (e) {
    if (e instanceof MismatchError) throw new StartupError(e.message, 2);
    throw e;
  }
  process.stdout.write(`database: ${choice.message}\n`);
  if (choice.kind === 'running-stack') process.env.DYNAMODB_ENDPOINT = choice.endpoint;
  const database = {
    kind: choice.kind,
    dataDir: dataDir(),
    ...(choice.kind === 'own' ? {} : { endpoint: choice.endpoint }),
    ...(choice.kind === 'running-stack' && choice.stack ? { dashboard: choice.stack.url } : {}),
  };
  const result = await withDatabase(async () => {
    const client = createDocumentClient();
    try {
      return await storeImportedStudies(studies, {
        client,
        table: tableName(),
        reviewId: review.id,
        onProgress: (done, total) => {
          if (done % 10 === 0 || done === total) process.stderr.write(`stored ${done}/${total} studies\n`);
        },
      });
    } finally {
      client.destroy();
    }
  });
  process.stdout.write(
    `stored: ${result.created} new, ${result.updated} updated, ${result.unchanged} unchanged, ${result.kept} kept as curated; ${result.itemsWritten} items written\n`,
  );
  for (const c of [...result.conflicts, ...result.keptReasons]) process.stdout.write(`  ${c}\n`);
  process.stdout.write(`${JSON.stringify({ dryRun: false, ...summary(report), ...result, database })}\n`);
  return result.conflicts.length ? 1 : 0;
}

function summary(r: ReturnType<typeof importMetapsyCsv>['report']) {
  return { rowsRead: r.rowsRead, rowsMapped: r.rowsMapped, rowsSkipped: r.rowsSkipped, studies: r.studies, skipped: r.skipped };
}

runMain(main);
