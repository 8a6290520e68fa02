/**
 * NCBI E-utilities client: esearch (JSON, usehistory) and efetch (XML, POST), identity on every
 * call, one shared rate limiter (3 req/s, 10 with an API key), retries on 429/5xx/timeouts and on
 * error bodies inside a 200.
 */
import { ESEARCH_CAP } from '../../../core/evidence/windows.js';
import { EfetchResponseError, parseEfetch, splitEfetch, type EfetchParse } from '../../../core/evidence/pubmed.js';
import { parseJsonBody, requestBytesWithRetry, requestWithRetry, retryFromEnv, sharedLimiter, UpstreamError, type HttpDeps, type RateLimiter, type RetryPolicy } from '../../poll-common/http.js';
import { baseUrlFromEnv, rateFromEnv } from '../source-config.js';

export const DEFAULT_EUTILS_URL = 'https://eutils.ncbi.nlm.nih.gov/entrez/eutils/';

export interface PubmedConfig {
  baseUrl: string;
  tool: string;
  email?: string;
  apiKey?: string;
  /** Requests per second: 3 without a key, 10 with one (a lower value may be configured). */
  rate: number;
  retry: RetryPolicy;
  /** The most ids one esearch result set can list (NCBI: 9,999); windows are split below it. */
  esearchCap: number;
  /** Send from the request worker thread (POLL_REQUEST_WORKER=1; default: this thread). */
  offThread: boolean;
}

export function pubmedConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<PubmedConfig> = {}): PubmedConfig {
  const apiKey = env.NCBI_API_KEY?.trim() || undefined;
  const max = apiKey ? 10 : 3;
  return {
    baseUrl: baseUrlFromEnv(env.PUBMED_EUTILS_URL, DEFAULT_EUTILS_URL),
    tool: (env.NCBI_TOOL?.trim() || 'living-evidence').replace(/\s+/g, '_'),
    email: env.NCBI_EMAIL?.trim().replace(/\s+/g, '') || undefined,
    apiKey,
    rate: rateFromEnv(env.PUBMED_RATE_PER_SEC, max, max),
    retry: retryFromEnv(env),
    esearchCap: ESEARCH_CAP,
    offThread: env.POLL_REQUEST_WORKER === '1',
    ...overrides,
  };
}

/** The process-wide limiter of one E-utilities identity (base URL + key): every client of it shares it. */
export function pubmedLimiter(config: Pick<PubmedConfig, 'baseUrl' | 'apiKey' | 'rate'>): RateLimiter {
  return sharedLimiter(`pubmed:${config.baseUrl}:${config.apiKey ?? ''}`, config.rate);
}

export interface EsearchResult {
  count: number;
  ids: string[];
  webenv?: string;
  querykey?: string;
}

export interface EsearchParams {
  term: string;
  datetype: 'edat' | 'mdat' | 'pdat';
  mindate: string; // YYYY/MM/DD
  maxdate: string;
  retmax: number;
  retstart?: number;
}

/** An error JSON (`{"error": "API rate limit exceeded", …}`) may arrive with status 200. */
function checkErrorJson(parsed: unknown): void {
  const o = parsed as Record<string, unknown> | null;
  if (o && typeof o === 'object' && typeof o.error === 'string') {
    throw new UpstreamError(`error body: ${o.error}`, true);
  }
}

/**
 * The PMIDs of an efetch body whose envelope is whole; a retryable UpstreamError for error bodies
 * (an error JSON, possibly inside a 200), non-sets and truncated sets.
 */
function checkEfetchBody(body: string): string[] {
  const head = body.trimStart();
  if (head.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(head);
    } catch {
      throw new UpstreamError('efetch returned JSON that does not parse', true);
    }
    checkErrorJson(parsed);
    throw new UpstreamError('efetch returned JSON instead of XML', true);
  }
  try {
    return splitEfetch(body).ids;
  } catch (err) {
    if (err instanceof EfetchResponseError) throw new UpstreamError(err.message, true);
    throw err;
  }
}

export class PubmedClient {
  private readonly deps: HttpDeps;
  constructor(
    readonly config: PubmedConfig,
    log?: (msg: string) => void,
  ) {
    this.deps = {
      limiter: pubmedLimiter(config),
      retry: config.retry,
      // Optionally (POLL_REQUEST_WORKER=1) requests leave from the request worker thread, where the
      // store side's work cannot delay them (not the default: no gain could be shown on a loaded machine).
      offThread: config.offThread,
      log,
    };
  }

  private identity(): Record<string, string> {
    return {
      tool: this.config.tool,
      ...(this.config.email ? { email: this.config.email } : {}),
      ...(this.config.apiKey ? { api_key: this.config.apiKey } : {}),
    };
  }

  async esearch(p: EsearchParams): Promise<EsearchResult> {
    const form = {
      db: 'pubmed',
      term: p.term,
      retmode: 'json',
      usehistory: 'y',
      datetype: p.datetype,
      mindate: p.mindate,
      maxdate: p.maxdate,
      retmax: String(p.retmax),
      retstart: String(p.retstart ?? 0),
      ...this.identity(),
    };
    return requestWithRetry(
      { url: `${this.config.baseUrl}esearch.fcgi`, method: 'POST', form, what: `esearch ${p.datetype} ${p.mindate}..${p.maxdate}` },
      this.deps,
      (body) => {
        const parsed = parseJsonBody(body, 'esearch');
        checkErrorJson(parsed);
        const r = (parsed as { esearchresult?: Record<string, unknown> }).esearchresult;
        if (!r || typeof r !== 'object') throw new UpstreamError('esearch response has no esearchresult', true);
        if (typeof r.ERROR === 'string') {
          // Query-syntax errors are not transient; back-end hiccups are.
          const transient = !/syntax|invalid|unknown field|cannot parse/i.test(r.ERROR);
          throw new UpstreamError(`esearch error: ${r.ERROR}`, transient);
        }
        const count = Number(r.count);
        if (!Number.isInteger(count) || count < 0) throw new UpstreamError(`esearch count is not a number (${JSON.stringify(r.count)})`, true);
        const ids = Array.isArray(r.idlist) ? r.idlist.map(String) : [];
        if (ids.some((id) => !/^\d+$/.test(id))) throw new UpstreamError('esearch idlist holds a non-numeric id', true);
        const expected = Math.max(0, Math.min(count, this.config.esearchCap) - (p.retstart ?? 0));
        const wanted = Math.min(expected, p.retmax);
        if (ids.length < wanted) throw new UpstreamError(`esearch returned ${ids.length} ids of the ${wanted} expected`, true);
        return {
          count,
          ids,
          ...(typeof r.webenv === 'string' ? { webenv: r.webenv } : {}),
          ...(typeof r.querykey === 'string' ? { querykey: r.querykey } : {}),
        };
      },
    );
  }

  /**
   * Fetches full records by id (POST: lists of hundreds of ids do not fit a URL) and returns the
   * body once its envelope is whole (retrying error bodies, non-sets and truncated sets), with the
   * PMIDs it holds. The articles themselves are not parsed here: the caller parses them where it
   * stores them, so fetching at the allowed rate never waits for parsing.
   */
  async efetchBody(ids: string[]): Promise<{ xml: string; ids: string[] }> {
    const form = { db: 'pubmed', retmode: 'xml', id: ids.join(','), ...this.identity() };
    return requestWithRetry({ url: `${this.config.baseUrl}efetch.fcgi`, method: 'POST', form, what: `efetch ${ids.length} ids (${ids[0]}…)` }, this.deps, (body) => ({ xml: body, ids: checkEfetchBody(body) }));
  }

  /**
   * As efetchBody, with the body as bytes (UTF-8), for a caller that writes it to disk: the text
   * is decoded only for the check, and dropped at once, so that no large string outlives it.
   */
  async efetchBytes(ids: string[]): Promise<{ bytes: Buffer; ids: string[] }> {
    const form = { db: 'pubmed', retmode: 'xml', id: ids.join(','), ...this.identity() };
    return requestBytesWithRetry({ url: `${this.config.baseUrl}efetch.fcgi`, method: 'POST', form, what: `efetch ${ids.length} ids (${ids[0]}…)` }, this.deps, (bytes) => ({ bytes, ids: checkEfetchBody(bytes.toString('utf8')) }));
  }

  /** Fetches and parses full records by id. */
  async efetch(ids: string[]): Promise<EfetchParse> {
    return parseEfetch((await this.efetchBody(ids)).xml);
  }
}
