import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EfetchResponseError, parseEfetch, parsePubDate } from '../../core/evidence/pubmed.js';
import { parseXml } from '../../core/evidence/xml.js';
import { decodeXmlEntities } from '../../core/evidence/text.js';
import { articleXml, efetchXml, generateArticles } from '../fakes/pubmed.js';

const fixture = readFileSync(new URL('./fixtures/efetch-realistic.xml', import.meta.url), 'utf8');

describe('PubMed efetch XML', () => {
  const { records, malformed } = parseEfetch(fixture);
  const [rct, notice, plain] = records;

  it('parses every article of a realistic set', () => {
    expect(malformed).toEqual([]);
    expect(records.map((r) => r.sourceId)).toEqual(['36912345', '37000001', '35000003']);
  });

  it('reduces inline markup (i, b, sup, sub, MathML) to text and decodes entities once', () => {
    expect(rct.title).toBe('Effect of an app-based CBT programme on PHQ-9 scores & burnout in nurses (†): a randomized controlled trial <RCT>.');
    expect(plain.title).toBe('Internet CBT for insomnia: χ2 results');
    expect(plain.abstract).toBe('An unstructured abstract with an entity &lt; kept once.');
    expect(decodeXmlEntities('&amp;amp; &#x3b1; &#945; &nbsp; &#0;')).toBe('&amp; α α &nbsp; &#0;');
  });

  it('keeps structured abstract labels and categories', () => {
    expect(rct.abstractSections?.map((s) => s.label)).toEqual(['BACKGROUND', 'METHODS', 'RESULTS']);
    expect(rct.abstractSections?.[1]).toMatchObject({ category: 'METHODS' });
    expect(rct.abstractSections?.[1].text).toContain('We randomly assigned 240 nurses');
    expect(rct.abstractSections?.[1].text).toContain('(P<.001); CO2 not measured; α = 0.05');
    expect(rct.abstract?.split('\n')[0]).toBe('BACKGROUND: Nurses report high stress. Digital CBT may help.');
    expect(plain.abstractSections).toBeUndefined();
  });

  it('reads authors (incl. collective names), journal and every date form', () => {
    expect(rct.authors).toEqual(['Müller AM', 'Smith J', 'DIGI-NURSE Study Group']);
    expect(rct.firstAuthor).toBe('Müller');
    expect(plain.authors).toEqual(["O'Brien S"]); // initials derived from the fore name
    expect(rct.journal).toBe('Journal of medical Internet research');
    expect(rct.dates.published).toEqual({ iso: '2022-12', year: 2022, text: '2022 Dec-2023 Jan' }); // MedlineDate
    expect(rct.dates.electronic?.iso).toBe('2022-12-20');
    expect(rct.dates.entrez?.iso).toBe('2022-12-20');
    expect(notice.dates.published).toEqual({ iso: '2021', year: 2021, text: '2021 Summer' }); // season
    expect(plain.dates.published).toEqual({ iso: '2020-03-05', year: 2020, text: '2020 Mar 5' });
    expect(rct.year).toBe(2022);
  });

  it('takes DOI/PMCID from PubmedData/ArticleIdList only, and registry ids from Article/DataBankList', () => {
    expect(rct.identifiers).toEqual([
      { type: 'pmid', value: '36912345' },
      { type: 'pmcid', value: 'PMC9876543' },
      { type: 'doi', value: '10.2196/41234' },
      { type: 'nct', value: 'NCT04567890' },
      { type: 'isrctn', value: 'ISRCTN12345678' },
    ]);
    // The ReferenceList's DOI and PMID are the cited works', not this article's.
    expect(JSON.stringify(rct.identifiers)).not.toContain('not-this-one');
    expect(plain.identifiers).toContainEqual({ type: 'doi', value: '10.1186/s12888-020-0001-x' });
  });

  it('reads publication types, MeSH, keywords and CommentsCorrections; flags retraction both ways', () => {
    expect(rct.publicationTypes).toContain('Randomized Controlled Trial');
    expect(rct.mesh).toEqual(['Humans', 'Depression', 'Mobile Applications']);
    expect(rct.keywords).toEqual(['burnout', 'mHealth']);
    expect(rct.corrections).toEqual([
      { type: 'RetractionIn', refSource: 'J Med Internet Res. 2024 Feb 1;26:e55555', pmid: '38300001' },
      { type: 'ErratumIn', refSource: 'J Med Internet Res. 2023 Mar 3;25:e47000', pmid: '36900002' },
    ]);
    expect(rct.retraction).toEqual({ retracted: true, notice: 'Retracted: J Med Internet Res. 2024 Feb 1;26:e55555, PMID 38300001' });
    // The notice itself is not retracted; it names what it retracts.
    expect(notice.retraction).toBeUndefined();
    expect(notice.retracts).toEqual(['31000009']);
    expect(plain.retraction).toBeUndefined();
  });

  it('never resolves DOCTYPE entities, internal or external', () => {
    const evil = `<?xml version="1.0"?>
<!DOCTYPE PubmedArticleSet [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> <!ENTITY lol "lol"> <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"> ]>
<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID Version="1">123</PMID><Article><ArticleTitle>A &xxe; B &lol2;</ArticleTitle></Article></MedlineCitation></PubmedArticle></PubmedArticleSet>`;
    const { records: rs } = parseEfetch(evil);
    expect(rs[0].title).toBe('A &xxe; B &lol2;');
    expect(rs[0].title).not.toContain('root:');
  });

  it('sets a malformed article aside with its raw XML and keeps the others', () => {
    const arts = generateArticles({ count: 3, seed: 1 });
    const broken = articleXml(arts[1]).replace('</ArticleTitle>', '</ArticleTitl>');
    const xml = efetchXml([arts[0]]).replace('</PubmedArticleSet>', `${broken}\n${articleXml(arts[2])}\n</PubmedArticleSet>`);
    const r = parseEfetch(xml);
    expect(r.records.map((x) => x.sourceId)).toEqual([arts[0].pmid, arts[2].pmid]);
    expect(r.malformed).toHaveLength(1);
    expect(r.malformed[0].id).toBe(arts[1].pmid);
    expect(r.malformed[0].reason).toMatch(/malformed XML/);
    expect(r.malformed[0].raw).toContain('</ArticleTitl>');
  });

  it('treats a truncated body, an HTML page or an eFetchResult ERROR as a response fault (to retry)', () => {
    expect(() => parseEfetch(fixture.slice(0, fixture.length / 2))).toThrow(EfetchResponseError);
    expect(() => parseEfetch('<html><body>Bad Gateway</body></html>')).toThrow(/not a PubmedArticleSet/);
    expect(() => parseEfetch('<?xml version="1.0"?><eFetchResult><ERROR>Unable to obtain query #1</ERROR></eFetchResult>')).toThrow(/Unable to obtain query/);
    expect(parseEfetch('<?xml version="1.0"?>\n<PubmedArticleSet></PubmedArticleSet>').records).toEqual([]);
  });

  it('parses PubDate forms: numeric and text months, seasons, MedlineDate ranges', () => {
    const d = (xml: string) => parsePubDate(parseXml(`<PubDate>${xml}</PubDate>`)[0]);
    expect(d('<Year>2019</Year><Month>07</Month>')?.iso).toBe('2019-07');
    expect(d('<Year>2019</Year><Month>Sep</Month><Day>3</Day>')?.iso).toBe('2019-09-03');
    expect(d('<Year>2019</Year><Season>Winter</Season>')).toEqual({ iso: '2019', year: 2019, text: '2019 Winter' });
    expect(d('<MedlineDate>1998 Spring</MedlineDate>')).toEqual({ iso: '1998', year: 1998, text: '1998 Spring' });
    expect(d('<MedlineDate>2000 Nov 5-11</MedlineDate>')?.iso).toBe('2000-11-05');
    expect(d('<MedlineDate>Summer 2003</MedlineDate>')?.year).toBe(2003);
    expect(d('<MedlineDate>n.d.</MedlineDate>')).toEqual({ text: 'n.d.' });
  });

  it('round-trips every generated fake article (the fake writes what the parser reads)', () => {
    const arts = generateArticles({ count: 60, seed: 9 });
    const r = parseEfetch(efetchXml(arts));
    expect(r.malformed).toEqual([]);
    expect(r.records.map((x) => x.sourceId)).toEqual(arts.map((a) => a.pmid));
    r.records.forEach((rec, i) => {
      expect(rec.title).toBe(arts[i].title);
      expect(rec.identifiers.find((x) => x.type === 'nct')?.value).toBe(arts[i].dataBanks?.[0]?.[1]);
    });
  });
});

describe('PubmedBookArticle', () => {
  it('keeps the book chapter with its title, DOI and publication types', () => {
    const xml = `<?xml version="1.0" ?>
<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD PubMedArticle, 1st January 2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">
<PubmedArticleSet>
<PubmedBookArticle>
  <BookDocument>
    <PMID Version="1">30000001</PMID>
    <ArticleIdList><ArticleId IdType="bookaccession">NBK1</ArticleId></ArticleIdList>
    <Book><BookTitle>Digital Psychiatry</BookTitle><PubDate><Year>2021</Year><Month>Mar</Month></PubDate></Book>
    <ArticleTitle>Internet CBT for depression</ArticleTitle>
    <AuthorList Type="authors"><Author><LastName>Berg</LastName><ForeName>Ola</ForeName><Initials>O</Initials></Author></AuthorList>
    <PublicationType UI="D016454">Review</PublicationType>
    <PublicationType UI="D002363">Case Reports</PublicationType>
  </BookDocument>
  <PubmedBookData><ArticleIdList><ArticleId IdType="pubmed">30000001</ArticleId><ArticleId IdType="doi">10.1000/book.1</ArticleId></ArticleIdList></PubmedBookData>
</PubmedBookArticle>
</PubmedArticleSet>`;
    const { records, malformed } = parseEfetch(xml);
    expect(malformed).toEqual([]);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ sourceId: '30000001', title: 'Internet CBT for depression', year: 2021, publicationTypes: ['Review', 'Case Reports'] });
    expect(records[0].identifiers).toEqual(expect.arrayContaining([{ type: 'doi', value: '10.1000/book.1' }]));
  });
});
