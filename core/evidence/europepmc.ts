/**
 * Europe PMC REST search (`format=json`, `resultType=core`) → SourceRecords. Pure.
 *
 * A page is `{"version", "hitCount", "nextCursorMark", "request", "resultList": {"result": [...]}}`.
 * A body that is not such a page (truncated JSON, an HTML error page, an error object) is a
 * transport fault: `parseEuropePmcPage` throws EuropePmcResponseError and the caller retries. Each
 * result is mapped on its own: one without an id or a title is set aside (MalformedRecord) and the
 * rest of the page is kept.
 *
 * Preprints (`source: "PPR"`) become records of kind `preprint`; Europe PMC's statement that a
 * preprint became a journal article (a `commentCorrectionList` entry naming the article, types
 * such as "Preprint in" / "Published in"; exact wording reported, not documented, so matched
 * loosely) becomes a `published-as` relation and the article's PMID / DOI an identifier, which
 * links both to one study. Retraction: publication type "Retracted Publication" or a "Retraction
 * in" entry; a "Retraction of" entry makes the record a notice, never itself retracted.
 */
import type { Identifier } from './candidate.js';
import { identifier, uniqueIdentifiers } from './identity.js';
import type { AbstractSection, Correction, MalformedRecord, PartialDate, RecordRelation, SourceRecord } from './record.js';
import { collapseWhitespace, decodeXmlEntities } from './text.js';

export class EuropePmcResponseError extends Error {
  override name = 'EuropePmcResponseError';
}

export interface EuropePmcPage {
  hitCount: number;
  /** The mark of the next page; absent or equal to the one asked with at the end. */
  nextCursorMark?: string;
  /** Raw results (mapped one by one, so one bad result is quarantined alone). */
  results: unknown[];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
/** A list that Europe PMC may give as one object instead of an array of one. */
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

/** Checks a parsed search body and returns its page. */
export function parseEuropePmcPage(parsed: unknown): EuropePmcPage {
  if (!isObj(parsed)) throw new EuropePmcResponseError('Europe PMC response is not a JSON object');
  if (parsed.errCode !== undefined || parsed.errMsg !== undefined) {
    throw new EuropePmcResponseError(`Europe PMC error ${str(parsed.errCode) ?? ''}: ${str(parsed.errMsg) ?? ''}`.trim());
  }
  const hitCount = Number(parsed.hitCount);
  if (!Number.isInteger(hitCount) || hitCount < 0) throw new EuropePmcResponseError(`Europe PMC hitCount is not a number (${JSON.stringify(parsed.hitCount)})`);
  const rl = parsed.resultList;
  if (rl !== undefined && !isObj(rl)) throw new EuropePmcResponseError('Europe PMC "resultList" is not an object');
  const results = rl === undefined ? [] : list(rl.result);
  const next = str(parsed.nextCursorMark);
  return { hitCount, ...(next ? { nextCursorMark: next } : {}), results };
}

/** Inline HTML of titles and abstracts (`<i>`, `<sup>`, `<h4>Background</h4><p>…`) → text. */
export function stripHtml(html: string): string {
  return collapseWhitespace(decodeXmlEntities(html.replace(/<\/(?:p|h\d|div|li)>|<br\s*\/?>/gi, ' ').replace(/<[^>]*>/g, '')));
}

/** Structured abstracts come as `<h4>Label</h4><p>text</p>…`. */
function abstractOf(raw: string | undefined): { abstract?: string; sections?: AbstractSection[] } {
  if (!raw) return {};
  const parts = [...raw.matchAll(/<h4>([\s\S]*?)<\/h4>([\s\S]*?)(?=<h4>|$)/gi)];
  if (parts.length > 1) {
    const sections = parts.map((m) => ({ label: stripHtml(m[1]), text: stripHtml(m[2]) })).filter((s) => s.text || s.label);
    return { abstract: sections.map((s) => `${s.label}: ${s.text}`).join('\n'), sections };
  }
  const abstract = stripHtml(raw);
  return abstract ? { abstract } : {};
}

function isoDate(v: unknown): PartialDate | undefined {
  const s = str(v);
  const m = s?.match(/^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?/);
  if (!m) return undefined;
  return { iso: m[0], year: Number(m[1]) };
}

class MappingError extends Error {}

const PUBLISHED_RELATION = /preprint|published/i;

/** One Europe PMC core result → a SourceRecord. Throws MappingError when it lacks an id or title. */
export function mapEuropePmcResult(raw: unknown): SourceRecord {
  if (!isObj(raw)) throw new MappingError('result is not an object');
  const id = str(raw.id)?.trim();
  const src = str(raw.source)?.trim().toUpperCase();
  if (!id || !/^[A-Za-z0-9]{1,20}$/.test(id)) throw new MappingError(`"id" is missing or invalid (${JSON.stringify(raw.id)?.slice(0, 40)})`);
  if (!src) throw new MappingError(`${id}: "source" is missing`);
  const title = stripHtml(str(raw.title) ?? '');
  if (!title) throw new MappingError(`${src} ${id}: "title" is empty`);
  const preprint = src === 'PPR';

  const authors: string[] = [];
  let firstAuthor: string | undefined;
  for (const a of list(isObj(raw.authorList) ? raw.authorList.author : undefined)) {
    if (!isObj(a)) continue;
    const last = str(a.lastName)?.trim();
    const collective = str(a.collectiveName)?.trim();
    const name = last ? collapseWhitespace(`${last} ${str(a.initials) ?? ''}`) : (collective ?? str(a.fullName)?.trim());
    if (!name) continue;
    authors.push(name);
    firstAuthor ??= last ?? collective ?? name.split(' ')[0];
  }
  if (authors.length === 0 && str(raw.authorString)) {
    for (const s of str(raw.authorString)!.replace(/\.$/, '').split(/,\s*/)) if (s.trim()) authors.push(s.trim());
    firstAuthor = authors[0]?.split(' ')[0];
  }

  const ids: (Identifier | undefined)[] = [];
  if (preprint) ids.push({ type: 'ppr', value: id.toUpperCase() });
  else if (src === 'MED') ids.push(identifier('pmid', id));
  ids.push(identifier('pmid', str(raw.pmid)), identifier('pmcid', str(raw.pmcid)), identifier('doi', str(raw.doi)));

  const corrections: Correction[] = [];
  const relations: RecordRelation[] = [];
  for (const c of list(isObj(raw.commentCorrectionList) ? raw.commentCorrectionList.commentCorrection : undefined)) {
    if (!isObj(c)) continue;
    const type = str(c.type)?.trim() ?? 'Unknown';
    const cid = str(c.id)?.trim();
    const csrc = str(c.source)?.trim().toUpperCase();
    const pmid = csrc === 'MED' ? identifier('pmid', cid) : undefined;
    const reference = str(c.reference) ?? str(c.note);
    corrections.push({ type, ...(reference ? { refSource: collapseWhitespace(reference).slice(0, 500) } : {}), ...(pmid ? { pmid: pmid.value } : {}) });
    if (preprint && PUBLISHED_RELATION.test(type) && csrc !== 'PPR') {
      const target = pmid ?? identifier('doi', reference?.match(/10\.\d{4,9}\/[^\s"<>;,]+/)?.[0]);
      if (target) {
        relations.push({ kind: 'published-as', id: target, statedBy: `Europe PMC commentCorrection "${type}"` });
        ids.push(target);
      }
    } else if (!preprint && /preprint/i.test(type) && csrc === 'PPR' && cid) {
      const target: Identifier = { type: 'ppr', value: cid.toUpperCase() };
      relations.push({ kind: 'preprint-of', id: target, statedBy: `Europe PMC commentCorrection "${type}"` });
      ids.push(target);
    }
  }

  const publicationTypes = list(isObj(raw.pubTypeList) ? raw.pubTypeList.pubType : undefined).map(str).filter((t): t is string => !!t);
  if (preprint && !publicationTypes.some((t) => /preprint/i.test(t))) publicationTypes.push('Preprint');
  const retractionIn = corrections.filter((c) => /^retraction in$/i.test(c.type));
  const typeRetracted = publicationTypes.some((t) => /^retracted publication$/i.test(t)) || str(raw.isRetracted) === 'Y';
  const retracts = corrections.filter((c) => /^retraction of$/i.test(c.type) && c.pmid).map((c) => c.pmid as string);
  const retraction: SourceRecord['retraction'] =
    !retracts.length && (retractionIn.length > 0 || typeRetracted)
      ? {
          retracted: true,
          notice: retractionIn.length ? `Retracted: ${retractionIn.map((c) => [c.refSource, c.pmid ? `PMID ${c.pmid}` : ''].filter(Boolean).join(', ')).join('; ')}` : 'Retracted: flagged "Retracted Publication" in Europe PMC',
        }
      : undefined;

  const { abstract, sections } = abstractOf(str(raw.abstractText));
  const published = isoDate(raw.firstPublicationDate);
  const entrez = isoDate(raw.firstIndexDate);
  const revised = isoDate(raw.dateOfRevision);
  const pubYear = Number(str(raw.pubYear));
  const year = Number.isInteger(pubYear) && pubYear > 1000 ? pubYear : (published?.year ?? entrez?.year);
  const journalInfo = isObj(raw.journalInfo) && isObj(raw.journalInfo.journal) ? raw.journalInfo.journal : undefined;
  const server = preprint && isObj(raw.bookOrReportDetails) ? str(raw.bookOrReportDetails.publisher)?.trim() : undefined;
  const keywords = list(isObj(raw.keywordList) ? raw.keywordList.keyword : undefined).map(str).filter((k): k is string => !!k);
  const mesh = list(isObj(raw.meshHeadingList) ? raw.meshHeadingList.meshHeading : undefined)
    .map((h) => (isObj(h) ? str(h.descriptorName) : undefined))
    .filter((k): k is string => !!k);

  return {
    source: 'europepmc',
    sourceId: preprint ? id.toUpperCase() : id,
    kind: preprint ? 'preprint' : 'publication',
    title,
    ...(abstract ? { abstract } : {}),
    ...(sections ? { abstractSections: sections } : {}),
    authors,
    ...(firstAuthor ? { firstAuthor } : {}),
    ...(journalInfo && str(journalInfo.title) ? { journal: str(journalInfo.title) } : {}),
    ...(server ? { server } : {}),
    ...(year ? { year } : {}),
    dates: { ...(published ? { published } : {}), ...(entrez ? { entrez } : {}), ...(revised ? { revised } : {}) },
    identifiers: uniqueIdentifiers(ids),
    publicationTypes,
    mesh,
    keywords,
    corrections,
    ...(retraction ? { retraction } : {}),
    ...(retracts.length ? { retracts } : {}),
    ...(relations.length ? { relations } : {}),
    ...(str(raw.language) ? { language: [str(raw.language) as string] } : {}),
  };
}

/** Maps every result of a page: each either a record or a quarantined malformed one. */
export function mapEuropePmcResults(results: unknown[], label: string): { records: SourceRecord[]; malformed: MalformedRecord[] } {
  const records: SourceRecord[] = [];
  const malformed: MalformedRecord[] = [];
  results.forEach((r, i) => {
    try {
      records.push(mapEuropePmcResult(r));
    } catch (err) {
      const id = isObj(r) ? str(r.id) : undefined;
      malformed.push({ source: 'europepmc', id: id && /^[A-Za-z0-9]{1,20}$/.test(id) ? id : `${label}-result${i + 1}`, reason: (err as Error).message, raw: (JSON.stringify(r) ?? String(r)).slice(0, 300_000) });
    }
  });
  return { records, malformed };
}

/**
 * The preprint search of one window, in Europe PMC's date-range syntax. The backfill asks for
 * records first indexed in the window (`FIRST_IDATE:[2025-01-01 TO 2025-01-07]`); later polls also
 * for records re-indexed in it (`INDEX_DATE`), which is how a new retraction or "published as"
 * link on an older preprint is seen (as PubMed's mdat pass does for articles).
 */
export function europePmcQuery(query: string, from: string, to: string, changed = false): string {
  const first = `FIRST_IDATE:[${from} TO ${to}]`;
  return `(${query}) AND SRC:PPR AND ${changed ? `(${first} OR INDEX_DATE:[${from} TO ${to}])` : first}`;
}
