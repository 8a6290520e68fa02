/**
 * ClinicalTrials.gov API v2 client: `GET studies` with pageToken paging (every later page repeats
 * the first page's parameters), one shared limiter (about 1 request/s by default), retries on
 * 429/5xx/timeouts/malformed JSON. 400/404 (text/plain) are not retried.
 */
import { parseJsonBody, requestWithRetry, sharedLimiter, UpstreamError, type HttpDeps } from '../../poll-common/http.js';
import { pagedSourceConfig, type PagedSourceConfig } from '../source-config.js';

export const DEFAULT_CTGOV_URL = 'https://clinicaltrials.gov/api/v2/';

export type CtgovConfig = PagedSourceConfig;

export function ctgovConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<CtgovConfig> = {}): CtgovConfig {
  return {
    ...pagedSourceConfig(env, { urlVar: 'CTGOV_API_URL', rateVar: 'CTGOV_RATE_PER_SEC', pageSizeVar: 'CTGOV_PAGE_SIZE', defaultUrl: DEFAULT_CTGOV_URL, rate: 1, maxRate: 10, maxPageSize: 1000 }),
    ...overrides,
  };
}

export interface StudiesQuery {
  cond?: string;
  intr?: string;
  term?: string;
  advanced: string;
}

export interface StudiesPage {
  /** Raw study objects (mapped by the caller, so one bad study can be quarantined alone). */
  studies: unknown[];
  nextPageToken?: string;
  totalCount?: number;
}

export class CtgovClient {
  private readonly deps: HttpDeps;
  constructor(
    readonly config: CtgovConfig,
    log?: (msg: string) => void,
  ) {
    this.deps = { limiter: sharedLimiter(`ctgov:${config.baseUrl}`, config.rate), retry: config.retry, log };
  }

  /** The parameters of the first page; later pages repeat them and add pageToken. */
  params(q: StudiesQuery): URLSearchParams {
    const p = new URLSearchParams();
    p.set('format', 'json');
    if (q.cond) p.set('query.cond', q.cond);
    if (q.intr) p.set('query.intr', q.intr);
    if (q.term) p.set('query.term', q.term);
    p.set('filter.advanced', q.advanced);
    p.set('sort', 'LastUpdatePostDate:asc');
    p.set('countTotal', 'true');
    p.set('pageSize', String(this.config.pageSize));
    return p;
  }

  async page(q: StudiesQuery, pageToken?: string): Promise<StudiesPage> {
    const p = this.params(q);
    if (pageToken) p.set('pageToken', pageToken);
    return requestWithRetry(
      { url: `${this.config.baseUrl}studies?${p.toString()}`, what: `ctgov studies${pageToken ? ` page ${pageToken.slice(0, 12)}` : ''}`, headers: { accept: 'application/json' } },
      this.deps,
      (body) => {
        const parsed = parseJsonBody(body, 'ctgov');
        const o = parsed as Record<string, unknown>;
        if (!o || typeof o !== 'object' || Array.isArray(o)) throw new UpstreamError('ctgov response is not a JSON object', true);
        if (typeof o.error === 'string' || (o.error && typeof o.error === 'object')) {
          throw new UpstreamError(`ctgov error body: ${JSON.stringify(o.error).slice(0, 200)}`, true);
        }
        if (o.studies !== undefined && !Array.isArray(o.studies)) throw new UpstreamError('ctgov "studies" is not a list', true);
        const studies = (o.studies as unknown[] | undefined) ?? [];
        const next = typeof o.nextPageToken === 'string' && o.nextPageToken ? o.nextPageToken : undefined;
        return { studies, ...(next ? { nextPageToken: next } : {}), ...(typeof o.totalCount === 'number' ? { totalCount: o.totalCount } : {}) };
      },
    );
  }
}
