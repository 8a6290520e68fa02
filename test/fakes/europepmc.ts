/**
 * A fake Europe PMC REST API (real node:http): `GET /search?query=…&format=json&resultType=core&
 * pageSize=…&cursorMark=…`, answering in Europe PMC's JSON (`version`, `hitCount`,
 * `nextCursorMark`, `request`, `resultList.result[]` with core fields: `id`, `source`, `pmid`,
 * `doi`, `title` and `abstractText` with inline HTML, `authorList.author[]`, `pubTypeList.pubType[]`,
 * `bookOrReportDetails.publisher`, `firstIndexDate`, `firstPublicationDate`,
 * `commentCorrectionList.commentCorrection[]`). The query is evaluated only for `SRC:PPR` /
 * `SRC:MED`, `FIRST_IDATE:[a TO b]` and `INDEX_DATE:[a TO b]` (OR'ed; the re-index date is the
 * result's `dateOfRevision` here); other terms match everything. Cursor marks are opaque;
 * past the last page the list is empty and the mark repeats. Faults as for the other fakes
 * (429 with a Retry-After, 500/503 HTML pages, truncated bodies, malformed results).
 *
 *   const ep = await startFakeEuropePmc({ preprints: [fakePreprint({ id: 'PPR123456', … })] });
 *   process.env.EUROPE_PMC_URL = ep.url;
 */
import { startServer, type Fault, type FakeServerBase, type Handled } from './common.js';

export type EuropePmcResultJson = Record<string, unknown>;

export interface FakePreprintSpec {
  id: string; // PPR123456 (preprints) or a PMID (source MED)
  source?: 'PPR' | 'MED';
  title: string;
  abstract?: string;
  authors?: { first: string; last: string }[];
  doi?: string;
  pmid?: string;
  server?: string; // medRxiv, PsyArXiv, Research Square
  firstIndexDate: string; // YYYY-MM-DD
  firstPublicationDate?: string;
  pubTypes?: string[];
  /** Europe PMC's links: e.g. { type: 'Preprint in', id: '38000123', source: 'MED' } or { type: 'Retraction in', … }. */
  comments?: { type: string; id?: string; source?: string; reference?: string }[];
  /** Last (re-)indexed, YYYY-MM-DD (default: firstIndexDate). */
  revised?: string;
}

/** One `resultType=core` result as Europe PMC writes it (field order as in its answers). */
export function fakePreprint(s: FakePreprintSpec): EuropePmcResultJson {
  const source = s.source ?? 'PPR';
  const authors = s.authors ?? [{ first: 'Anna', last: 'Lindqvist' }, { first: 'Pim', last: 'Cuijpers' }];
  const pub = s.firstPublicationDate ?? s.firstIndexDate;
  return {
    id: s.id,
    source,
    ...(s.pmid ? { pmid: s.pmid } : {}),
    ...(s.doi ? { doi: s.doi } : {}),
    title: s.title,
    authorString: `${authors.map((a) => `${a.last} ${a.first[0]}`).join(', ')}.`,
    authorList: { author: authors.map((a) => ({ fullName: `${a.last} ${a.first[0]}`, firstName: a.first, lastName: a.last, initials: a.first[0] })) },
    pubYear: pub.slice(0, 4),
    ...(source === 'PPR' ? { bookOrReportDetails: { publisher: s.server ?? 'medRxiv', yearOfPublication: Number(pub.slice(0, 4)) } } : { journalInfo: { journal: { title: 'JMIR Mental Health', isoabbreviation: 'JMIR Ment Health' } } }),
    abstractText: s.abstract ?? `<h4>Background</h4>Depressive symptoms are common.<h4>Methods</h4>We <i>randomly assigned</i> 212 adults to a self-guided app or a wait-list control.<h4>Results</h4>The app reduced PHQ-9 scores.`,
    language: 'eng',
    pubModel: 'Undetermined',
    pubTypeList: { pubType: s.pubTypes ?? (source === 'PPR' ? ['Preprint'] : ['Randomized Controlled Trial', 'Journal Article']) },
    ...(s.comments?.length ? { commentCorrectionList: { commentCorrection: s.comments.map((c, i) => ({ ...(c.id ? { id: c.id } : {}), ...(c.source ? { source: c.source } : {}), ...(c.reference ? { reference: c.reference } : {}), type: c.type, orderIn: i + 1 })) } } : {}),
    isOpenAccess: 'N',
    inEPMC: 'N',
    inPMC: 'N',
    hasPDF: 'N',
    hasBook: 'N',
    hasSuppl: 'N',
    citedByCount: 0,
    hasReferences: 'N',
    hasTextMinedTerms: 'N',
    hasDbCrossReferences: 'N',
    hasLabsLinks: 'N',
    license: 'cc by',
    authMan: 'N',
    epmcAuthMan: 'N',
    nihAuthMan: 'N',
    hasTMAccessionNumbers: 'N',
    dateOfCreation: s.firstIndexDate,
    firstIndexDate: s.firstIndexDate,
    dateOfRevision: s.revised ?? s.firstIndexDate,
    firstPublicationDate: pub,
    versionNumber: 1,
  };
}

export interface FakeEuropePmcOptions {
  results: EuropePmcResultJson[];
  faults?: Fault[];
  /** Answer 429 when more than this many requests arrive within one second. */
  enforceRate?: number;
}

export interface FakeEuropePmc extends FakeServerBase {
  results: EuropePmcResultJson[];
  upsert(r: EuropePmcResultJson): void;
}

/** EBI's gateway answers an over-eager client with an HTML page. */
const TOO_MANY: Handled = { status: 429, contentType: 'text/html', body: '<html><head><title>429 Too Many Requests</title></head><body><h1>Too Many Requests</h1><p>Please slow down: at most a few requests per second.</p></body></html>\n' };

const MARK_PREFIX = 'AoIIP';
const markOf = (offset: number) => `${MARK_PREFIX}${Buffer.from(`o:${offset}`).toString('base64url')}`;
function offsetOf(mark: string): number | undefined {
  if (mark === '*') return 0;
  if (!mark.startsWith(MARK_PREFIX)) return undefined;
  const m = Buffer.from(mark.slice(MARK_PREFIX.length), 'base64url').toString().match(/^o:(\d+)$/);
  return m ? Number(m[1]) : undefined;
}

export async function startFakeEuropePmc(opts: FakeEuropePmcOptions): Promise<FakeEuropePmc> {
  const results = [...opts.results];
  const json = (status: number, body: unknown): Handled => ({ status, contentType: 'application/json;charset=UTF-8', body: JSON.stringify(body) });
  const handle = (_m: string, path: string, p: URLSearchParams): Handled => {
    if (!path.endsWith('/search')) return { status: 404, contentType: 'text/html', body: `<html><body><h1>404 Not Found</h1></body></html>` };
    const query = p.get('query') ?? '';
    if (!query.trim()) return json(400, { version: '6.9', hitCount: 0, request: { queryString: '', resultType: 'core', cursorMark: '*', pageSize: 25, sort: '', synonym: false }, errCode: 400, errMsg: 'query is required' });
    const pageSize = Math.min(1000, Math.max(1, Number(p.get('pageSize') ?? '25') || 25));
    const mark = p.get('cursorMark') ?? '*';
    const offset = offsetOf(mark);
    if (offset === undefined) return json(400, { version: '6.9', hitCount: 0, errCode: 400, errMsg: `Invalid cursorMark: ${mark}` });
    const src = query.match(/SRC:(\w+)/i)?.[1]?.toUpperCase();
    const range = (field: string) => query.match(new RegExp(`${field}:\\[(\\d{4}-\\d{2}-\\d{2}) TO (\\d{4}-\\d{2}-\\d{2})\\]`));
    const inRange = (m: RegExpMatchArray | null, v: unknown) => !!m && String(v) >= m[1] && String(v) <= m[2];
    const first = range('FIRST_IDATE');
    const indexed = range('INDEX_DATE'); // (re)indexed: dateOfRevision here
    const hits = results
      .filter((r) => !src || r.source === src)
      .filter((r) => (!first && !indexed) || inRange(first, r.firstIndexDate) || inRange(indexed, r.dateOfRevision))
      .sort((a, b) => String(a.id).localeCompare(String(b.id)));
    const page = hits.slice(offset, offset + pageSize);
    const next = page.length ? markOf(offset + page.length) : mark;
    return json(200, {
      version: '6.9',
      hitCount: hits.length,
      nextCursorMark: next,
      request: { queryString: query, resultType: p.get('resultType') ?? 'lite', cursorMark: mark, pageSize, sort: '', synonym: false },
      resultList: { result: page },
    });
  };
  const base = await startServer(handle, {
    faults: opts.faults,
    ...(opts.enforceRate ? { rateLimit: { perSecond: opts.enforceRate, body: () => TOO_MANY.body } } : {}),
    tooMany: () => TOO_MANY,
    errorDoc: () => ({ status: 200, contentType: 'application/json;charset=UTF-8', body: JSON.stringify({ version: '6.9', hitCount: 0, errCode: 500, errMsg: 'Search service temporarily unavailable' }) }),
    retryAfter: '1',
  });
  return {
    ...base,
    results,
    upsert(r) {
      const i = results.findIndex((x) => x.id === r.id);
      if (i >= 0) results[i] = r;
      else results.push(r);
    },
  };
}
