/**
 * Europe PMC REST client: `GET search` (format=json, resultType=core) with cursorMark paging
 * (start at `*`, follow `nextCursorMark` until a page is empty or the mark repeats), its own
 * shared limiter (Europe PMC asks for 1–2 requests/s: 2 by default, EUROPE_PMC_RATE_PER_SEC up to
 * 2), retries on 429 (honouring Retry-After), 5xx, timeouts, truncated or malformed JSON and
 * error objects; 400/404 are not retried.
 */
import { EuropePmcResponseError, parseEuropePmcPage, type EuropePmcPage } from '../../../core/evidence/europepmc.js';
import { parseJsonBody, requestWithRetry, retryFromEnv, sharedLimiter, UpstreamError, type HttpDeps, type RetryPolicy } from '../../poll-common/http.js';

export const DEFAULT_EUROPE_PMC_URL = 'https://www.ebi.ac.uk/europepmc/webservices/rest/';

export interface EuropePmcConfig {
  baseUrl: string;
  rate: number;
  pageSize: number;
  retry: RetryPolicy;
}

export function europePmcConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<EuropePmcConfig> = {}): EuropePmcConfig {
  let baseUrl = env.EUROPE_PMC_URL?.trim() || DEFAULT_EUROPE_PMC_URL;
  if (!baseUrl.endsWith('/')) baseUrl += '/';
  const rate = Number(env.EUROPE_PMC_RATE_PER_SEC);
  const pageSize = Number(env.EUROPE_PMC_PAGE_SIZE);
  return {
    baseUrl,
    rate: Number.isFinite(rate) && rate > 0 ? Math.min(rate, 2) : 2,
    pageSize: Number.isInteger(pageSize) && pageSize > 0 ? Math.min(pageSize, 1000) : 1000,
    retry: retryFromEnv(env),
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
