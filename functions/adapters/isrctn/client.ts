/**
 * ISRCTN query API client: `GET query/format/default?q=…&limit=…&offset=…` (XML, no key), its own
 * shared limiter (no published limit: 1 request/s by default, ISRCTN_RATE_PER_SEC up to 2),
 * retries on 429, 5xx, timeouts and truncated or non-allTrials bodies; 400/404 not retried.
 */
import { IsrctnResponseError, splitIsrctn, type IsrctnEnvelope } from '../../../core/evidence/isrctn.js';
import { requestWithRetry, sharedLimiter, UpstreamError, type HttpDeps } from '../../poll-common/http.js';
import { pagedSourceConfig, type PagedSourceConfig } from '../source-config.js';

export const DEFAULT_ISRCTN_URL = 'https://www.isrctn.com/api/';

export type IsrctnConfig = PagedSourceConfig;

export function isrctnConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<IsrctnConfig> = {}): IsrctnConfig {
  return {
    ...pagedSourceConfig(env, { urlVar: 'ISRCTN_API_URL', rateVar: 'ISRCTN_RATE_PER_SEC', pageSizeVar: 'ISRCTN_PAGE_SIZE', defaultUrl: DEFAULT_ISRCTN_URL, rate: 1, maxRate: 2, maxPageSize: 100 }),
    ...overrides,
  };
}

export class IsrctnClient {
  private readonly deps: HttpDeps;
  constructor(
    readonly config: IsrctnConfig,
    log?: (msg: string) => void,
  ) {
    this.deps = { limiter: sharedLimiter(`isrctn:${config.baseUrl}`, config.rate), retry: config.retry, log };
  }

  /** One page of a query: the envelope checked, trials not yet parsed. */
  async query(q: string, offset: number): Promise<{ xml: string; envelope: IsrctnEnvelope }> {
    const p = new URLSearchParams({ q, limit: String(this.config.pageSize), offset: String(offset) });
    return requestWithRetry(
      { url: `${this.config.baseUrl}query/format/default?${p.toString()}`, what: `isrctn query offset ${offset}`, headers: { accept: 'application/xml' } },
      this.deps,
      (body) => {
        try {
          return { xml: body, envelope: splitIsrctn(body) };
        } catch (err) {
          if (err instanceof IsrctnResponseError) throw new UpstreamError(err.message, true);
          throw err;
        }
      },
    );
  }
}
