/**
 * A poller Lambda's environment, per source (each poll-<source>/env.ts exports `pollEnv(source)`),
 * checked against the deployed function by the infra tests. Only TABLE_NAME (and, for PubMed, the
 * NCBI secret's ARN) is required; the rest are optional knobs with defaults (README, CONTRACTS).
 */
import { z } from 'zod';
import { envContract, requiredVar } from '../env.js';
import type { PollSource } from './cycle.js';

const optional = z.string().optional();

/** Knobs every poller reads (cycle.ts, http.ts). */
const COMMON = {
  TABLE_NAME: requiredVar('TABLE_NAME'),
  POLL_OVERLAP_DAYS: optional,
  POLL_SPOOL_MAX_MB: optional,
  POLL_BACKFILL_FROM: optional,
  POLL_RETRY_ATTEMPTS: optional,
  POLL_RETRY_BASE_MS: optional,
  POLL_TIMEOUT_MS: optional,
  POLL_LOG_RETRIES: optional,
};

/** Per source: its client's variables (functions/adapters/<source>/client.ts). */
const BY_SOURCE = {
  pubmed: {
    /** The NCBI key's secret (its value is read at run time; empty secret = no key). */
    NCBI_SECRET_ARN: requiredVar('NCBI_SECRET_ARN'),
    NCBI_API_KEY: optional,
    NCBI_TOOL: optional,
    NCBI_EMAIL: optional,
    PUBMED_EUTILS_URL: optional,
    PUBMED_RATE_PER_SEC: optional,
    POLL_REQUEST_WORKER: optional,
  },
  ctgov: { CTGOV_API_URL: optional, CTGOV_RATE_PER_SEC: optional, CTGOV_PAGE_SIZE: optional },
  europepmc: { EUROPE_PMC_URL: optional, EUROPE_PMC_RATE_PER_SEC: optional, EUROPE_PMC_PAGE_SIZE: optional },
  isrctn: { ISRCTN_API_URL: optional, ISRCTN_RATE_PER_SEC: optional, ISRCTN_PAGE_SIZE: optional },
} satisfies Record<PollSource, z.ZodRawShape>;

export function pollEnv(source: PollSource) {
  return envContract(`poll-${source}`, { ...COMMON, ...BY_SOURCE[source] });
}
