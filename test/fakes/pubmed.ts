/**
 * A fake NCBI E-utilities server (real node:http) answering esearch (JSON, all numbers as strings,
 * usehistory, the 9,999-id cap, errors inside a 200) and efetch (PubmedArticleSet XML with the
 * NLM DOCTYPE) from a corpus of articles, generated from a seed or given explicitly.
 *
 *   const pm = await startFakePubmed({ count: 500, seed: 1 });
 *   process.env.PUBMED_EUTILS_URL = pm.url;
 *   … pm.requests (timestamps), pm.faults.push({ kind: '429', times: 3 }), pm.corpus …
 *   await pm.close();
 *
 * Every article matches every term (the fake does not evaluate PubMed query syntax) unless
 * `match` is given.
 */
import { rng, startServer, type Fault, type FakeServerBase, type Handled } from './common.js';

export interface FakeArticle {
  pmid: string;
  title: string;
  /** Sections (label optional); a single unlabeled section is an unstructured abstract. */
  abstract?: { label?: string; text: string }[];
  authors: { last?: string; fore?: string; initials?: string; collective?: string }[];
  journal: string;
  /** Journal issue date: Year [+ Month + Day], Year + Season, or MedlineDate. */
  pubDate: { year?: number; month?: string; day?: number; season?: string; medlineDate?: string };
  /** Entry date (edat) and modification date (mdat), YYYY-MM-DD. */
  edat: string;
  mdat: string;
  doi?: string;
  pmcid?: string;
  /** Trial registrations for Article/DataBankList: [databank name, accession]. */
  dataBanks?: [string, string][];
  publicationTypes: string[];
  mesh?: string[];
  keywords?: string[];
  comments?: { refType: string; refSource: string; pmid?: string }[];
  /** Raw XML to serve instead of the generated article (for malformed-record tests). */
  rawXml?: string;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const PT_UI: Record<string, string> = {
  'Journal Article': 'D016428',
  'Randomized Controlled Trial': 'D016449',
  'Retracted Publication': 'D016441',
  'Retraction of Publication': 'D016440',
  Review: 'D016454',
  'Systematic Review': 'D000078182',
  'Clinical Trial Protocol': 'D000078325',
};

/** One PubmedArticle element as efetch writes it. Title and abstract may contain inline markup. */
export function articleXml(a: FakeArticle, opts: { titleMarkup?: boolean } = {}): string {
  if (a.rawXml) return a.rawXml;
  const [ey, em, ed] = a.edat.split('-');
  const [my, mm, md] = a.mdat.split('-');
  const pd = a.pubDate;
  const pubDate = pd.medlineDate
    ? `<MedlineDate>${esc(pd.medlineDate)}</MedlineDate>`
    : `<Year>${pd.year}</Year>${pd.season ? `<Season>${pd.season}</Season>` : ''}${pd.month ? `<Month>${pd.month}</Month>` : ''}${pd.day ? `<Day>${String(pd.day).padStart(2, '0')}</Day>` : ''}`;
  const title = opts.titleMarkup === false ? esc(a.title) : esc(a.title).replace(/\bapp\b/, '<i>app</i>');
  const abs = a.abstract?.length
    ? `<Abstract>${a.abstract.map((s) => `<AbstractText${s.label ? ` Label="${esc(s.label)}" NlmCategory="${esc(s.label.toUpperCase())}"` : ''}>${esc(s.text)}</AbstractText>`).join('')}</Abstract>`
    : '';
  const authors = a.authors
    .map((x) =>
      x.collective
        ? `<Author ValidYN="Y"><CollectiveName>${esc(x.collective)}</CollectiveName></Author>`
        : `<Author ValidYN="Y"><LastName>${esc(x.last ?? '')}</LastName><ForeName>${esc(x.fore ?? '')}</ForeName><Initials>${esc(x.initials ?? '')}</Initials><AffiliationInfo><Affiliation>Department of Psychology, Example University.</Affiliation></AffiliationInfo></Author>`,
    )
    .join('');
  const dataBanks = a.dataBanks?.length
    ? `<DataBankList CompleteYN="Y">${a.dataBanks.map(([n, acc]) => `<DataBank><DataBankName>${esc(n)}</DataBankName><AccessionNumberList><AccessionNumber>${esc(acc)}</AccessionNumber></AccessionNumberList></DataBank>`).join('')}</DataBankList>`
    : '';
  const pts = a.publicationTypes.map((t) => `<PublicationType UI="${PT_UI[t] ?? 'D016428'}">${esc(t)}</PublicationType>`).join('');
  const comments = a.comments?.length
    ? `<CommentsCorrectionsList>${a.comments.map((c) => `<CommentsCorrections RefType="${c.refType}"><RefSource>${esc(c.refSource)}</RefSource>${c.pmid ? `<PMID Version="1">${c.pmid}</PMID>` : ''}</CommentsCorrections>`).join('')}</CommentsCorrectionsList>`
    : '';
  const mesh = a.mesh?.length ? `<MeshHeadingList>${a.mesh.map((m) => `<MeshHeading><DescriptorName UI="D000000" MajorTopicYN="N">${esc(m)}</DescriptorName></MeshHeading>`).join('')}</MeshHeadingList>` : '';
  const kw = a.keywords?.length ? `<KeywordList Owner="NOTNLM">${a.keywords.map((k) => `<Keyword MajorTopicYN="N">${esc(k)}</Keyword>`).join('')}</KeywordList>` : '';
  const ids = [`<ArticleId IdType="pubmed">${a.pmid}</ArticleId>`, a.pmcid ? `<ArticleId IdType="pmc">${a.pmcid}</ArticleId>` : '', a.doi ? `<ArticleId IdType="doi">${esc(a.doi)}</ArticleId>` : ''].join('');
  return `<PubmedArticle>
    <MedlineCitation Status="MEDLINE" Owner="NLM" IndexingMethod="Automated">
        <PMID Version="1">${a.pmid}</PMID>
        <DateRevised><Year>${my}</Year><Month>${mm}</Month><Day>${md}</Day></DateRevised>
        <Article PubModel="Print-Electronic">
            <Journal>
                <ISSN IssnType="Electronic">1234-5678</ISSN>
                <JournalIssue CitedMedium="Internet"><Volume>12</Volume><Issue>3</Issue><PubDate>${pubDate}</PubDate></JournalIssue>
                <Title>${esc(a.journal)}</Title>
                <ISOAbbreviation>${esc(a.journal.slice(0, 20))}</ISOAbbreviation>
            </Journal>
            <ArticleTitle>${title}</ArticleTitle>
            <Pagination><StartPage>e${a.pmid.slice(-5)}</StartPage><MedlinePgn>e${a.pmid.slice(-5)}</MedlinePgn></Pagination>
            ${a.doi ? `<ELocationID EIdType="doi" ValidYN="Y">${esc(a.doi)}</ELocationID>` : ''}
            ${abs}
            <AuthorList CompleteYN="Y">${authors}</AuthorList>
            <Language>eng</Language>
            ${dataBanks}
            <PublicationTypeList>${pts}</PublicationTypeList>
            <ArticleDate DateType="Electronic"><Year>${ey}</Year><Month>${em}</Month><Day>${ed}</Day></ArticleDate>
        </Article>
        <MedlineJournalInfo><Country>England</Country><MedlineTA>${esc(a.journal.slice(0, 20))}</MedlineTA><NlmUniqueID>101234567</NlmUniqueID></MedlineJournalInfo>
        ${comments}
        ${mesh}
        ${kw}
    </MedlineCitation>
    <PubmedData>
        <History>
            <PubMedPubDate PubStatus="received"><Year>${ey}</Year><Month>${Number(em)}</Month><Day>${Number(ed)}</Day></PubMedPubDate>
            <PubMedPubDate PubStatus="entrez"><Year>${ey}</Year><Month>${Number(em)}</Month><Day>${Number(ed)}</Day><Hour>6</Hour><Minute>2</Minute></PubMedPubDate>
            <PubMedPubDate PubStatus="pubmed"><Year>${ey}</Year><Month>${Number(em)}</Month><Day>${Number(ed)}</Day><Hour>6</Hour><Minute>2</Minute></PubMedPubDate>
        </History>
        <PublicationStatus>epublish</PublicationStatus>
        <ArticleIdList>${ids}</ArticleIdList>
        <ReferenceList><Reference><Citation>Andersson G, et al. Internet-based CBT. World Psychiatry. 2019.</Citation><ArticleIdList><ArticleId IdType="doi">10.1002/wps.20610</ArticleId><ArticleId IdType="pubmed">31496095</ArticleId></ArticleIdList></Reference></ReferenceList>
    </PubmedData>
</PubmedArticle>`;
}

export const EFETCH_PROLOG = `<?xml version="1.0" ?>
<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">
`;

export function efetchXml(articles: FakeArticle[]): string {
  return `${EFETCH_PROLOG}<PubmedArticleSet>\n${articles.map((a) => articleXml(a)).join('\n')}\n</PubmedArticleSet>`;
}

const SURNAMES = ['Andersson', 'Cuijpers', 'Karyotaki', 'Ebert', 'Müller', 'Zhang', 'Wang', "O'Connor", 'García', 'Nguyen', 'Smith', 'Kumar', 'Berger', 'Lindqvist', 'Tanaka'];
const TOPICS = ['depressive symptoms', 'anxiety', 'stress', 'burnout', 'insomnia', 'well-being', 'psychological distress'];
const POPS = ['nurses', 'physicians', 'university students', 'adults with cancer', 'older adults', 'health care workers', 'pregnant women', 'adults in China'];
const FORMATS = ['a smartphone app', 'an internet-based CBT programme', 'a web-based mindfulness course', 'an online stress management course', 'a self-guided digital intervention'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function isoFromDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}
function dayOf(iso: string): number {
  return Math.floor(Date.parse(`${iso}T00:00:00Z`) / 86_400_000);
}

export interface CorpusOptions {
  count: number;
  seed?: number;
  /** Entry dates are spread over [from, to] (YYYY-MM-DD); default the last 365 days. */
  from?: string;
  to?: string;
  firstPmid?: number;
}

/** A deterministic corpus of realistic articles (mixed date forms, structured abstracts, RCTs and not). */
export function generateArticles(opts: CorpusOptions): FakeArticle[] {
  const r = rng(opts.seed ?? 1);
  const today = Math.floor(Date.now() / 86_400_000);
  const from = opts.from ? dayOf(opts.from) : today - 365;
  const to = opts.to ? dayOf(opts.to) : today - 1;
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const out: FakeArticle[] = [];
  for (let i = 0; i < opts.count; i++) {
    const pmid = String((opts.firstPmid ?? 38_000_000) + i * 7 + 3);
    const edatDay = from + Math.floor(r() * (to - from + 1));
    const edat = isoFromDay(edatDay);
    const y = Number(edat.slice(0, 4));
    const rct = r() < 0.6;
    const topic = pick(TOPICS);
    const pop = pick(POPS);
    const fmt = pick(FORMATS);
    const dateForm = r();
    const pubDate: FakeArticle['pubDate'] =
      dateForm < 0.1
        ? { medlineDate: `${y} ${MONTHS[11]}-${y + 1} ${MONTHS[0]}` }
        : dateForm < 0.18
          ? { year: y, season: pick(['Spring', 'Summer', 'Fall', 'Winter']) }
          : dateForm < 0.25
            ? { year: y, month: String(1 + Math.floor(r() * 12)).padStart(2, '0') }
            : { year: y, month: pick(MONTHS), day: 1 + Math.floor(r() * 28) };
    const nAuthors = 1 + Math.floor(r() * 6);
    const authors: FakeArticle['authors'] = Array.from({ length: nAuthors }, () => {
      const last = pick(SURNAMES);
      const fore = pick(['Anna', 'Pim', 'Eirini', 'David', 'Wei', 'Hiroshi', 'María', 'Siobhán']);
      return { last, fore, initials: fore[0] };
    });
    if (r() < 0.05) authors.push({ collective: 'DIGI-MH Trial Group' });
    const hasNct = rct && r() < 0.5;
    out.push({
      pmid,
      title: rct
        ? `Effect of ${fmt} on ${topic} in ${pop}: a randomized controlled trial (${pmid})`
        : `${pick(['Use of', 'Experiences with', 'Acceptability of'])} ${fmt} among ${pop}: ${pick(['a qualitative study', 'a cross-sectional survey', 'a systematic review'])} (${pmid})`,
      abstract: rct
        ? [
            { label: 'Background', text: `${topic[0].toUpperCase()}${topic.slice(1)} is common among ${pop}.` },
            { label: 'Methods', text: `We randomly assigned ${40 + Math.floor(r() * 400)} participants to ${fmt} or a wait-list control.` },
            { label: 'Results', text: `The intervention reduced ${topic} (d = ${(r() * 0.8).toFixed(2)}; P < .05).` },
          ]
        : [{ text: `We studied ${fmt} among ${pop}; outcomes included ${topic}.` }],
      authors,
      journal: pick(['Journal of Medical Internet Research', 'JMIR Mental Health', 'Internet Interventions', 'BMC Psychiatry', 'Psycho-Oncology']),
      pubDate,
      edat,
      mdat: isoFromDay(Math.min(to, edatDay + Math.floor(r() * 20))),
      doi: r() < 0.9 ? `10.2196/${pmid}` : undefined,
      pmcid: r() < 0.3 ? `PMC${Number(pmid) - 28_000_000}` : undefined,
      dataBanks: hasNct ? [['ClinicalTrials.gov', `NCT0${String(4_000_000 + i).padStart(7, '0')}`]] : undefined,
      publicationTypes: rct ? ['Journal Article', 'Randomized Controlled Trial'] : ['Journal Article'],
      mesh: ['Humans', pick(['Depression', 'Anxiety', 'Stress, Psychological', 'Burnout, Professional']), 'Internet-Based Intervention'],
      keywords: ['mHealth', topic],
    });
  }
  return out;
}

export interface FakePubmedOptions {
  /** Articles to serve (default: generated from count/seed). */
  corpus?: FakeArticle[];
  count?: number;
  seed?: number;
  from?: string;
  to?: string;
  faults?: Fault[];
  /** Answer 429 (NCBI's JSON body) when more than this many requests arrive within one second. */
  enforceRate?: number;
  /** Ids one result set can list (NCBI: 9,999; smaller values make cap tests cheap). */
  cap?: number;
  /** Decide whether an article matches a search term (default: all match). */
  match?: (term: string, a: FakeArticle) => boolean;
  /**
   * The articles are never changed in place (the benchmark's fake process): each one's XML is
   * rendered once, up front, so an efetch answer is a join and the fake's event loop is free
   * sooner to timestamp the next arrival (rendering 200 articles per answer held it 15–90 ms).
   */
  frozen?: boolean;
}

export interface FakePubmed extends FakeServerBase {
  corpus: FakeArticle[];
  /** Replaces or adds an article (e.g. a retraction link appearing, with a new mdat). */
  upsert(a: FakeArticle): void;
}

function inRange(d: string, min?: string, max?: string): boolean {
  const norm = (s: string) => {
    const p = s.split('/');
    return `${p[0]}-${(p[1] ?? '01').padStart(2, '0')}-${(p[2] ?? '01').padStart(2, '0')}`;
  };
  const normMax = (s: string) => {
    const p = s.split('/');
    return `${p[0]}-${(p[1] ?? '12').padStart(2, '0')}-${(p[2] ?? '31').padStart(2, '0')}`;
  };
  if (min && d < norm(min)) return false;
  if (max && d > normMax(max)) return false;
  return true;
}

export async function startFakePubmed(opts: FakePubmedOptions = {}): Promise<FakePubmed> {
  const corpus: FakeArticle[] = opts.corpus ? [...opts.corpus] : generateArticles({ count: opts.count ?? 100, seed: opts.seed, from: opts.from, to: opts.to });
  let webenvSeq = 0;
  // PMID → position in the corpus, rebuilt only when a lookup finds it stale (tests may add,
  // replace or reorder articles): building it for every efetch held the fake's event loop long
  // enough at 20,000 articles to bunch the arrival times it records.
  const rendered = opts.frozen ? new Map(corpus.map((a) => [a, articleXml(a)])) : undefined;
  const renderedXml = (a: FakeArticle): string => {
    let x = rendered!.get(a);
    if (x === undefined) rendered!.set(a, (x = articleXml(a)));
    return x;
  };
  let positions = new Map<string, number>();
  const articlesOf = (ids: string[]): FakeArticle[] => {
    const find = () => ids.map((id) => {
      const i = positions.get(id);
      return i !== undefined && corpus[i]?.pmid === id ? corpus[i] : undefined;
    });
    let found = find();
    if (found.some((a) => !a)) {
      positions = new Map(corpus.map((a, j) => [a.pmid, j]));
      found = find();
    }
    return found.filter((a): a is FakeArticle => !!a);
  };
  const rateBody = () => JSON.stringify({ error: 'API rate limit exceeded', 'api-key': '127.0.0.1', count: '4', limit: '3' });

  const handle = (_method: string, path: string, p: URLSearchParams): Handled => {
    if (path.endsWith('/esearch.fcgi')) {
      const term = p.get('term') ?? '';
      const datetype = p.get('datetype') ?? 'pdat';
      const mindate = p.get('mindate') ?? undefined;
      const maxdate = p.get('maxdate') ?? undefined;
      const retmax = Math.min(Number(p.get('retmax') ?? '20'), 10_000);
      const retstart = Number(p.get('retstart') ?? '0');
      if (!term.trim()) {
        return { status: 200, contentType: 'application/json; charset=UTF-8', body: JSON.stringify({ header: { type: 'esearch', version: '0.3' }, esearchresult: { ERROR: 'Empty term and query_key - nothing todo' } }) };
      }
      const cap = opts.cap ?? 9_999;
      if (retstart > cap - 1) {
        return {
          status: 200,
          contentType: 'application/json; charset=UTF-8',
          body: JSON.stringify({ header: { type: 'esearch', version: '0.3' }, esearchresult: { ERROR: `Search Backend failed: Exception:\n'retstart' cannot be larger than ${cap - 1}. For PubMed, ESearch can only retrieve the first ${cap.toLocaleString('en-US')} records matching the query.` } }),
        };
      }
      const hits = corpus
        .filter((a) => (opts.match ? opts.match(term, a) : true))
        .filter((a) => inRange(datetype === 'mdat' ? a.mdat : a.edat, mindate, maxdate))
        .sort((a, b) => Number(b.pmid) - Number(a.pmid));
      const listable = hits.slice(0, cap);
      const ids = listable.slice(retstart, retstart + retmax).map((a) => a.pmid);
      const res = {
        header: { type: 'esearch', version: '0.3' },
        esearchresult: {
          count: String(hits.length),
          retmax: String(ids.length),
          retstart: String(retstart),
          ...(p.get('usehistory') === 'y' ? { querykey: '1', webenv: `MCID_fake${String(++webenvSeq).padStart(6, '0')}` } : {}),
          idlist: ids,
          translationset: [],
          querytranslation: `${term} AND ${mindate ?? ''}:${maxdate ?? ''}[${datetype}]`,
          ...(hits.length === 0 ? { errorlist: { phrasesnotfound: [], fieldsnotfound: [] }, warninglist: { phrasesignored: [], quotedphrasesnotfound: [], outputmessages: ['No items found.'] } } : {}),
        },
      };
      return { status: 200, contentType: 'application/json; charset=UTF-8', body: JSON.stringify(res) };
    }
    if (path.endsWith('/efetch.fcgi')) {
      const ids = (p.get('id') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
      if (ids.length === 0) return { status: 400, contentType: 'text/plain', body: 'Empty id list - nothing todo' };
      const arts = articlesOf(ids);
      const body = rendered ? `${EFETCH_PROLOG}<PubmedArticleSet>\n${arts.map(renderedXml).join('\n')}\n</PubmedArticleSet>` : efetchXml(arts);
      return { status: 200, contentType: 'text/xml; charset=UTF-8', body };
    }
    return { status: 404, contentType: 'text/plain', body: `Not Found: ${path}` };
  };

  const base = await startServer(handle, {
    faults: opts.faults,
    ...(opts.enforceRate ? { rateLimit: { perSecond: opts.enforceRate, body: rateBody } } : {}),
    errorDoc: (path) =>
      path.includes('efetch')
        ? { status: 200, contentType: 'text/xml; charset=UTF-8', body: `<?xml version="1.0" encoding="UTF-8" ?>\n<!DOCTYPE eFetchResult PUBLIC "-//NLM//DTD efetch 20131226//EN" "https://eutils.ncbi.nlm.nih.gov/eutils/dtd/20131226/efetch.dtd">\n<eFetchResult>\n\t<ERROR>Unable to obtain query #1</ERROR>\n</eFetchResult>\n` }
        : { status: 200, contentType: 'application/json; charset=UTF-8', body: JSON.stringify({ header: { type: 'esearch', version: '0.3' }, esearchresult: { ERROR: 'Search Backend failed: read timeout' } }) },
  });
  return {
    ...base,
    corpus,
    upsert(a: FakeArticle) {
      const i = corpus.findIndex((x) => x.pmid === a.pmid);
      if (i >= 0) corpus[i] = a;
      else corpus.push(a);
    },
  };
}
