/**
 * PubMed efetch XML (`<PubmedArticleSet>`) → SourceRecords. Pure.
 *
 * The document is split into its articles first, and each article is validated and mapped on its
 * own: one malformed article is set aside (MalformedRecord, with its raw XML) and the rest of the
 * batch is kept. A response that is not a complete `PubmedArticleSet` (truncated body, HTML error
 * page, an `<ERROR>` element) is a transport fault: `parseEfetch` throws EfetchResponseError and
 * the caller retries.
 */
import type { Identifier } from './candidate.js';
import { identifier, registryIdentifier, uniqueIdentifiers } from './identity.js';
import type { AbstractSection, Correction, MalformedRecord, PartialDate, SourceRecord } from './record.js';
import { collapseWhitespace, decodeXmlEntities } from './text.js';
import { all, at, attr, first, parseXml, text, type XmlNode } from './xml.js';

export class EfetchResponseError extends Error {
  override name = 'EfetchResponseError';
}

const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
  january: 1, february: 2, march: 3, april: 4, june: 6, july: 7, august: 8, september: 9, october: 10, november: 11, december: 12,
};

const pad = (n: number) => String(n).padStart(2, '0');

function monthOf(s: string | undefined): number | undefined {
  if (!s) return undefined;
  const t = s.trim().toLowerCase();
  if (/^\d{1,2}$/.test(t)) {
    const n = Number(t);
    return n >= 1 && n <= 12 ? n : undefined;
  }
  return MONTHS[t] ?? MONTHS[t.slice(0, 3)];
}

export function partialDate(year?: number, month?: number, day?: number, textValue?: string): PartialDate | undefined {
  if (!year || year < 1000 || year > 2999) return textValue ? { text: textValue } : undefined;
  let iso = String(year);
  if (month) {
    iso += `-${pad(month)}`;
    if (day && day >= 1 && day <= 31) iso += `-${pad(day)}`;
  }
  return { iso, year, ...(textValue ? { text: textValue } : {}) };
}

/**
 * A PubDate in any of its forms: Year [+ Month (name or number) [+ Day]], Year + Season, or one
 * free-text MedlineDate ("2019 Dec-2020 Jan", "1998 Spring", "2000 Nov 5-11"). The first year
 * and, where given, first month are taken; the text as written is kept.
 */
export function parsePubDate(node: XmlNode | undefined): PartialDate | undefined {
  if (!node) return undefined;
  const medline = text(first(node, 'MedlineDate'));
  if (medline) {
    const y = medline.match(/\b(1[89]\d{2}|2\d{3})\b/);
    if (!y) return { text: medline };
    const after = medline.slice((y.index ?? 0) + 4);
    const mm = after.match(/^\s*([A-Za-z]{3,9})\b(?:\s+(\d{1,2})\b)?/);
    const month = mm ? monthOf(mm[1]) : undefined;
    const day = month && mm?.[2] ? Number(mm[2]) : undefined;
    return partialDate(Number(y[1]), month, day, medline);
  }
  const year = Number(text(first(node, 'Year')));
  const monthText = text(first(node, 'Month'));
  const season = text(first(node, 'Season'));
  const month = monthOf(monthText);
  const day = Number(text(first(node, 'Day'))) || undefined;
  const written = [text(first(node, 'Year')), season || monthText, text(first(node, 'Day'))].filter(Boolean).join(' ');
  return partialDate(Number.isFinite(year) ? year : undefined, month, month ? day : undefined, written || undefined);
}

function numericDate(node: XmlNode | undefined): PartialDate | undefined {
  if (!node) return undefined;
  const y = Number(text(first(node, 'Year')));
  const m = monthOf(text(first(node, 'Month')));
  const d = Number(text(first(node, 'Day'))) || undefined;
  return partialDate(Number.isFinite(y) ? y : undefined, m, d);
}

const DATABANK_TYPES: Record<string, Identifier['type']> = {
  'clinicaltrials.gov': 'nct',
  isrctn: 'isrctn',
  chictr: 'chictr',
  anzctr: 'anzctr',
  drks: 'drks',
};

function authorsOf(list: XmlNode | undefined): { authors: string[]; first?: string } {
  const authors: string[] = [];
  let firstSurname: string | undefined;
  for (const a of all(list, 'Author')) {
    if (attr(a, 'ValidYN') === 'N') continue;
    const collective = text(first(a, 'CollectiveName'));
    const last = text(first(a, 'LastName'));
    const initials = text(first(a, 'Initials')) || text(first(a, 'ForeName')).split(/\s+/).map((p) => p[0] ?? '').join('');
    const name = last ? collapseWhitespace(`${last} ${initials}`) : collective;
    if (!name) continue;
    authors.push(name);
    firstSurname ??= last || collective;
  }
  return { authors, first: firstSurname };
}

function abstractOf(abs: XmlNode | undefined): { abstract?: string; sections?: AbstractSection[] } {
  const parts = all(abs, 'AbstractText');
  if (parts.length === 0) return {};
  const sections: AbstractSection[] = parts
    .map((p) => {
      const label = attr(p, 'Label');
      const category = attr(p, 'NlmCategory');
      return { ...(label ? { label } : {}), ...(category ? { category } : {}), text: text(p) };
    })
    .filter((s) => s.text || s.label);
  const abstract = sections.map((s) => (s.label ? `${s.label}: ${s.text}` : s.text)).join('\n');
  return { abstract: abstract || undefined, sections: sections.length > 1 || sections[0]?.label ? sections : undefined };
}

/** Thrown for an article that is well-formed XML but lacks what every record must have. */
class MappingError extends Error {}

function mapPubmedArticle(article: XmlNode): SourceRecord {
  const mc = first(article, 'MedlineCitation');
  if (!mc) throw new MappingError('MedlineCitation is missing');
  const pmid = text(first(mc, 'PMID'));
  if (!/^[1-9]\d{0,9}$/.test(pmid)) throw new MappingError(`MedlineCitation/PMID is missing or not a number ("${pmid.slice(0, 40)}")`);
  const art = first(mc, 'Article');
  if (!art) throw new MappingError(`PMID ${pmid}: MedlineCitation/Article is missing`);
  const title = text(first(art, 'ArticleTitle')) || text(first(art, 'VernacularTitle'));
  if (!title) throw new MappingError(`PMID ${pmid}: Article/ArticleTitle is empty`);

  const journal = first(art, 'Journal');
  const published = parsePubDate(at(journal, 'JournalIssue', 'PubDate'));
  const electronic = numericDate(all(art, 'ArticleDate').find((d) => (attr(d, 'DateType') ?? 'Electronic') === 'Electronic'));
  const pubmedData = first(article, 'PubmedData');
  const history = all(first(pubmedData, 'History'), 'PubMedPubDate');
  const entrez = numericDate(history.find((d) => attr(d, 'PubStatus') === 'entrez'));
  const revised = numericDate(first(mc, 'DateRevised'));

  const { authors, first: firstAuthor } = authorsOf(first(art, 'AuthorList'));
  const { abstract, sections } = abstractOf(first(art, 'Abstract'));

  const ids: (Identifier | undefined)[] = [{ type: 'pmid', value: pmid }];
  // DOI and PMCID from PubmedData/ArticleIdList only (ReferenceList holds the cited works' ids).
  for (const id of all(first(pubmedData, 'ArticleIdList'), 'ArticleId')) {
    const t = attr(id, 'IdType');
    if (t === 'doi') ids.push(identifier('doi', text(id)));
    else if (t === 'pmc') ids.push(identifier('pmcid', text(id)));
  }
  // Trial registrations: Article/DataBankList/DataBank.
  for (const db of all(first(art, 'DataBankList'), 'DataBank')) {
    const name = text(first(db, 'DataBankName')).toLowerCase();
    for (const acc of all(first(db, 'AccessionNumberList'), 'AccessionNumber')) {
      const v = text(acc);
      const recognised = registryIdentifier(v);
      if (recognised) ids.push(recognised);
      else if (DATABANK_TYPES[name]) ids.push(identifier(DATABANK_TYPES[name], v));
    }
  }

  const publicationTypes = all(first(art, 'PublicationTypeList'), 'PublicationType').map(text).filter(Boolean);
  const mesh = all(first(mc, 'MeshHeadingList'), 'MeshHeading')
    .map((h) => text(first(h, 'DescriptorName')))
    .filter(Boolean);
  const keywords = all(mc, 'KeywordList').flatMap((kl) => all(kl, 'Keyword').map(text)).filter(Boolean);
  const corrections: Correction[] = all(first(mc, 'CommentsCorrectionsList'), 'CommentsCorrections').map((c) => {
    const p = text(first(c, 'PMID'));
    const refSource = text(first(c, 'RefSource'));
    return { type: attr(c, 'RefType') ?? 'Unknown', ...(refSource ? { refSource } : {}), ...(/^\d+$/.test(p) ? { pmid: p } : {}) };
  });

  const retractionIn = corrections.filter((c) => c.type === 'RetractionIn');
  const typeRetracted = publicationTypes.some((t) => t.toLowerCase() === 'retracted publication');
  const retraction: SourceRecord['retraction'] =
    retractionIn.length > 0 || typeRetracted
      ? {
          retracted: true,
          notice: retractionIn.length
            ? `Retracted: ${retractionIn.map((c) => [c.refSource, c.pmid ? `PMID ${c.pmid}` : ''].filter(Boolean).join(', ')).join('; ')}`
            : 'Retracted: publication type "Retracted Publication" in PubMed',
        }
      : undefined;
  const retracts = corrections.filter((c) => c.type === 'RetractionOf' && c.pmid).map((c) => c.pmid as string);

  const year = published?.year ?? electronic?.year ?? entrez?.year;
  const language = all(art, 'Language').map(text).filter(Boolean);
  return {
    source: 'pubmed',
    sourceId: pmid,
    kind: 'publication',
    title,
    ...(abstract ? { abstract } : {}),
    ...(sections ? { abstractSections: sections } : {}),
    authors,
    ...(firstAuthor ? { firstAuthor } : {}),
    ...(text(first(journal, 'Title')) ? { journal: text(first(journal, 'Title')) } : {}),
    ...(text(first(journal, 'ISOAbbreviation')) ? { journalAbbrev: text(first(journal, 'ISOAbbreviation')) } : {}),
    ...(year ? { year } : {}),
    dates: {
      ...(published ? { published } : {}),
      ...(electronic ? { electronic } : {}),
      ...(entrez ? { entrez } : {}),
      ...(revised ? { revised } : {}),
    },
    identifiers: uniqueIdentifiers(ids),
    publicationTypes,
    mesh,
    keywords,
    corrections,
    ...(retraction ? { retraction } : {}),
    ...(retracts.length ? { retracts } : {}),
    ...(language.length ? { language } : {}),
  };
}

function mapBookArticle(book: XmlNode): SourceRecord {
  const bd = first(book, 'BookDocument');
  const pmid = text(first(bd, 'PMID'));
  if (!/^[1-9]\d{0,9}$/.test(pmid)) throw new MappingError('BookDocument/PMID is missing or not a number');
  const title = text(first(bd, 'ArticleTitle')) || text(at(bd, 'Book', 'BookTitle'));
  if (!title) throw new MappingError(`PMID ${pmid}: BookDocument has no ArticleTitle or BookTitle`);
  const { authors, first: firstAuthor } = authorsOf(first(bd, 'AuthorList'));
  const { abstract, sections } = abstractOf(first(bd, 'Abstract'));
  const published = parsePubDate(at(bd, 'Book', 'PubDate'));
  const ids: (Identifier | undefined)[] = [{ type: 'pmid', value: pmid }];
  for (const id of all(first(first(book, 'PubmedBookData'), 'ArticleIdList'), 'ArticleId')) {
    if (attr(id, 'IdType') === 'doi') ids.push(identifier('doi', text(id)));
  }
  return {
    source: 'pubmed',
    sourceId: pmid,
    kind: 'publication',
    title,
    ...(abstract ? { abstract } : {}),
    ...(sections ? { abstractSections: sections } : {}),
    authors,
    ...(firstAuthor ? { firstAuthor } : {}),
    ...(published?.year ? { year: published.year } : {}),
    dates: { ...(published ? { published } : {}) },
    identifiers: uniqueIdentifiers(ids),
    publicationTypes: all(bd, 'PublicationType').map(text).filter(Boolean),
    mesh: [],
    keywords: [],
    corrections: [],
  };
}

export interface EfetchParse {
  records: SourceRecord[];
  malformed: MalformedRecord[];
}

const ARTICLE_OPEN = /<(PubmedArticle|PubmedBookArticle)(?=[\s>])/g;

/** The articles of an efetch body whose envelope is whole: raw article slices, in order. */
export interface EfetchEnvelope {
  /** Each article's XML, trailing DeleteCitation and whitespace removed. */
  articles: string[];
  /** The PMID each article names first (MedlineCitation/PMID), or `unidentified` when none. */
  ids: string[];
  /** Unexpected content before the first article (not a comment or DeleteCitation), if any. */
  prefix?: string;
}

const FIRST_PMID = /<PMID[^>]*>\s*(\d+)\s*<\/PMID>/;

/** Drops trailing whitespace and a trailing <DeleteCitation> block (linear time). */
function trimArticleTail(raw: string): string {
  let out = raw.trimEnd();
  if (out.endsWith('</DeleteCitation>')) {
    const dc = out.indexOf('<DeleteCitation>');
    if (dc >= 0) out = out.slice(0, dc).trimEnd();
  }
  return out;
}

/**
 * Checks an efetch body as a whole, cheaply (no XML parse): an error element, a body that is not
 * a PubmedArticleSet, or a truncated set throw EfetchResponseError (the request is then retried).
 * Returns the article slices and the PMIDs they name, so a fetcher can see which ids came back.
 */
export function splitEfetch(xml: string): EfetchEnvelope {
  const body = xml.replace(/^\uFEFF/, '');
  const err = body.match(/<ERROR>([\s\S]*?)<\/ERROR>/);
  if (err) throw new EfetchResponseError(`efetch returned an error: ${collapseWhitespace(decodeXmlEntities(err[1])).slice(0, 200)}`);
  const openSet = body.search(/<PubmedArticleSet[\s>]/);
  if (openSet < 0) {
    if (/<PubmedArticleSet\s*\/>/.test(body)) return { articles: [], ids: [] };
    throw new EfetchResponseError(`efetch response is not a PubmedArticleSet (starts "${collapseWhitespace(body.slice(0, 80))}")`);
  }
  const closeSet = body.lastIndexOf('</PubmedArticleSet>');
  if (closeSet < 0 || body.slice(closeSet + '</PubmedArticleSet>'.length).trim() !== '') {
    throw new EfetchResponseError('efetch response is truncated (no closing </PubmedArticleSet>)');
  }
  const inner = body.slice(body.indexOf('>', openSet) + 1, closeSet);
  const starts: number[] = [];
  for (const m of inner.matchAll(ARTICLE_OPEN)) starts.push(m.index ?? 0);
  const pre = inner.slice(0, starts[0] ?? inner.length);
  const articles = starts.map((start, i) => trimArticleTail(inner.slice(start, starts[i + 1] ?? inner.length)));
  return {
    articles,
    ids: articles.map((raw) => raw.match(FIRST_PMID)?.[1] ?? 'unidentified'),
    ...(pre.trim() && !/^(\s|<!--[\s\S]*?-->|<DeleteCitation>[\s\S]*<\/DeleteCitation>)*$/.test(pre) ? { prefix: pre } : {}),
  };
}

/** Parses the articles of a checked envelope: each either a record or a quarantined malformed one. */
export function parseEfetchArticles(env: EfetchEnvelope): EfetchParse {
  const records: SourceRecord[] = [];
  const malformed: MalformedRecord[] = [];
  if (env.prefix !== undefined) {
    malformed.push({ source: 'pubmed', id: 'set-prefix', reason: 'unexpected content before the first article', raw: env.prefix.slice(0, 100_000) });
  }
  env.articles.forEach((raw, i) => {
    try {
      const nodes = parseXml(raw);
      const el = nodes.find((n) => n.PubmedArticle || n.PubmedBookArticle);
      if (!el || nodes.filter((n) => !('#text' in n)).length !== 1) throw new MappingError('expected exactly one article element');
      records.push(el.PubmedArticle ? mapPubmedArticle(el) : mapBookArticle(el));
    } catch (e) {
      malformed.push({ source: 'pubmed', id: env.ids[i], reason: (e as Error).message, raw: raw.slice(0, 300_000) });
    }
  });
  return { records, malformed };
}

/** Parses one efetch response body. Throws EfetchResponseError when the body is not a whole set. */
export function parseEfetch(xml: string): EfetchParse {
  return parseEfetchArticles(splitEfetch(xml));
}
