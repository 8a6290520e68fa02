/**
 * `npm run poll -- [--source pubmed|ctgov|europepmc|isrctn|all] [--review ID]`
 *
 * One polling cycle against the configured upstreams (PUBMED_EUTILS_URL, CTGOV_API_URL, EUROPE_PMC_URL, ISRCTN_API_URL) into the
 * configured database (DYNAMODB_ENDPOINT, else the running stack's or a DynamoDB Local on DATA_DIR).
 * Progress goes to stderr; the LAST line of stdout is the summary JSON of CONTRACTS.md.
 *
 * Exit status: 0 when at least one (review, source) cycle succeeded — failed ones are reported as
 * one line each on stderr and the summary still prints; 1 when every cycle failed (e.g. no
 * network), also after printing the summary; 2 for bad arguments or an unknown review.
 */
import { createDocumentClient, tableName } from '../functions/adapters/dynamo/client.js';
import { POLL_SOURCES, runPollCycle, summaryLine, type PollSource } from '../functions/poll-common/cycle.js';
import { REVIEW_IDS } from '../reviews/index.js';
import { withDatabase } from './lib/dynamo-local.js';
import { runMain, StartupError } from './lib/errors.js';

const USAGE = `usage: npm run poll -- [--source ${POLL_SOURCES.join('|')}|all] [--review ID]`;

export interface PollArgs {
  sources: PollSource[];
  reviewIds: string[];
}

export function parsePollArgs(argv: string[]): PollArgs {
  let sources: PollSource[] = [...POLL_SOURCES];
  const reviewIds: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v.startsWith('--')) throw new StartupError(`${flag} needs a value`, 2);
      return v;
    };
    if (flag === '--source') {
      const v = value();
      if (v === 'all') sources = [...POLL_SOURCES];
      else if ((POLL_SOURCES as readonly string[]).includes(v)) sources = [v as PollSource];
      else throw new StartupError(`--source must be ${POLL_SOURCES.join(', ')} or all (got "${v}")`, 2);
    } else if (flag === '--review') {
      const v = value();
      if (!REVIEW_IDS.includes(v)) throw new StartupError(`--review: unknown review "${v}" (known: ${REVIEW_IDS.join(', ')})`, 2);
      reviewIds.push(v);
    } else if (flag === '--help' || flag === '-h') {
      throw new StartupError(USAGE, 0);
    } else {
      throw new StartupError(`unknown argument "${a}" (${USAGE})`, 2);
    }
  }
  return { sources, reviewIds };
}

async function main(): Promise<number> {
  const args = parsePollArgs(process.argv.slice(2));
  const log = (m: string) => process.stderr.write(`${m}\n`);
  return withDatabase(async () => {
    const doc = createDocumentClient();
    try {
      log(`polling ${args.sources.join(' + ')} for ${args.reviewIds.length ? args.reviewIds.join(', ') : 'every review'} …`);
      const result = await runPollCycle({ sources: args.sources, reviewIds: args.reviewIds, doc, table: tableName(), env: process.env, log });
      if (result.failures.length) log(`${result.failures.length} of ${result.attempted} source cycle(s) failed`);
      process.stdout.write(`${summaryLine(result)}\n`);
      return result.attempted > 0 && result.failures.length >= result.attempted ? 1 : 0;
    } finally {
      doc.destroy();
    }
  }, log);
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('scripts/poll.ts')) runMain(main);
