/**
 * Europe PMC REST client: `GET search` (format=json, resultType=core) with cursorMark paging
 * (start at `*`, follow `nextCursorMark` until a page is empty or the mark repeats), its own
 * shared limiter (Europe PMC asks for 1–2 requests/s: 2 by default, EUROPE_PMC_RATE_PER_SEC up to
 * 2), retries on 429 (honouring Retry-After), 5xx, timeouts, truncated or malformed JSON and
 * error objects; 400/404 are not retried.
 */
import { EuropePmcResponseError, parseEuropePmcPage, type EuropePmcPage } from '../../../core/evidence/europepmc.js';
import { parseJsonBody, requestWithRetry, sharedLimiter, UpstreamError, type HttpDeps } from '../../poll-common/http.js';
import { pagedSourceConfig, type PagedSourceConfig } from '../source-config.js';

export const DEFAULT_EUROPE_PMC_URL = 'https://www.ebi.ac.uk/europepmc/webservices/rest/';

export type EuropePmcConfig = PagedSourceConfig;

export function europePmcConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<EuropePmcConfig> = {}): EuropePmcConfig {
  return {
    ...pagedSourceConfig(env, { urlVar: 'EUROPE_PMC_URL', rateVar: 'EUROPE_PMC_RATE_PER_SEC', pageSizeVar: 'EUROPE_PMC_PAGE_SIZE', defaultUrl: DEFAULT_EUROPE_PMC_URL, rate: 2, maxRate: 2, maxPageSize: 1000 }),
    ...overrides,
  };
}

export class EuropePmcClient {
  private readonly deps: HttpDeps;
  constructor(
    readonly config: EuropePmcConfig,
    log?: (msg: string) => void,
  ) {
    this.deps = { limiter: sharedLimiter(`europepmc:${config.baseUrl}`, config.rate), retry: config.retry, log };
  }

  /** One page of a search; `cursorMark` `*` for the first. */
  async search(query: string, cursorMark: string): Promise<EuropePmcPage> {
    const p = new URLSearchParams({ query, format: 'json', resultType: 'core', pageSize: String(this.config.pageSize), cursorMark });
    return requestWithRetry(
      { url: `${this.config.baseUrl}search?${p.toString()}`, what: `europepmc search${cursorMark === '*' ? '' : ` page ${cursorMark.slice(0, 12)}`}`, headers: { accept: 'application/json' } },
      this.deps,
      (body) => {
        try {
          return parseEuropePmcPage(parseJsonBody(body, 'europepmc'));
        } catch (err) {
          if (err instanceof EuropePmcResponseError) throw new UpstreamError(err.message, true);
          throw err;
        }
      },
    );
  }
}
