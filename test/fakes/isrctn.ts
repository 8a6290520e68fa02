/**
 * A fake ISRCTN query API (real node:http): `GET /query/format/default?q=…&limit=…&offset=…`
 * answering `<allTrials totalCount="N" xmlns="http://www.67bricks.com/isrctn">` with one
 * `<fullTrial>` per trial in ISRCTN's default format (trial/@lastUpdated, @version, isrctn,
 * trialDescription, externalRefs, trialDesign, participants, conditions, interventions, results,
 * outputs, then contact / sponsor / funder). Of `q` only `lastEdited GE <date>T…` is evaluated;
 * other terms match everything. A missing `q` is a 400. Faults as for the other fakes (429, 500 /
 * 503 HTML pages, truncated XML, a malformed trial via `rawXml`).
 *
 *   const is = await startFakeIsrctn({ trials: [fakeTrial({ isrctn: '12345678', … })] });
 *   process.env.ISRCTN_API_URL = is.url;
 */
import { startServer, type Fault, type FakeServerBase, type Handled } from './common.js';

export interface FakeTrial {
  isrctn: string; // 8 digits
  title: string;
  scientificTitle?: string;
  acronym?: string;
  lastEdited: string; // YYYY-MM-DD
  dateAssigned?: string;
  nct?: string;
  design?: string; // "Randomised controlled trial"
  condition?: string;
  intervention?: string;
  targetEnrolment?: number;
  /** Free text of results/publicationDetails (PubMed links, DOIs). */
  publicationDetails?: string;
  /** Output links (journal articles). */
  outputs?: { url: string; type?: string }[];
  /** Raw XML served instead of the generated fullTrial (malformed-record tests). */
  rawXml?: string;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function fullTrialXml(t: FakeTrial): string {
  if (t.rawXml) return t.rawXml;
  const assigned = t.dateAssigned ?? t.lastEdited;
  const outputs = (t.outputs ?? [])
    .map((o, i) => `<output id="${t.isrctn}-out${i + 1}" outputType="${o.type ?? 'journalarticle'}" artefactType="ExternalLink" dateCreated="${t.lastEdited}" dateUploaded="${t.lastEdited}T09:00:00.000Z" peerReviewed="true" patientFacing="false" createdBy="ISRCTN"><externalLink url="${esc(o.url)}"/><description>Results article</description><productionNotes/></output>`)
    .join('');
  return `<fullTrial>
    <trial lastUpdated="${t.lastEdited}T10:15:30.123Z" version="3">
      <isrctn dateAssigned="${assigned}T09:00:00.000Z">${t.isrctn}</isrctn>
      <trialDescription>
        <acknowledgment>false</acknowledgment>
        <title>${esc(t.title)}</title>
        <scientificTitle>${esc(t.scientificTitle ?? `A randomised controlled trial: ${t.title}`)}</scientificTitle>
        <acronym>${esc(t.acronym ?? '')}</acronym>
        <studyHypothesis>A self-guided digital programme reduces depressive symptoms compared with a wait-list control.</studyHypothesis>
        <plainEnglishSummary>Background and study aims: many adults have depressive symptoms. This study tests whether a self-guided app helps.</plainEnglishSummary>
        <primaryOutcome>Depressive symptoms measured with the PHQ-9 at baseline and 8 weeks</primaryOutcome>
        <secondaryOutcome>Anxiety (GAD-7) and well-being (WEMWBS) at 8 weeks</secondaryOutcome>
        <trialWebsite/>
        <ethicsApproval>Approved 01/02/2023, University Research Ethics Committee (ref: 23/EE/0001)</ethicsApproval>
      </trialDescription>
      <externalRefs>
        <doi>10.1186/ISRCTN${t.isrctn}</doi>
        <eudraCTNumber>Nil known</eudraCTNumber>
        <irasNumber>312345</irasNumber>
        <clinicalTrialsGovNumber>${t.nct ?? 'Nil known'}</clinicalTrialsGovNumber>
        <protocolSerialNumber>CPMS ${t.isrctn.slice(-5)}</protocolSerialNumber>
      </externalRefs>
      <trialDesign>
        <studyDesign>${esc(t.design ?? 'Randomised controlled trial')}</studyDesign>
        <primaryStudyDesign>Interventional</primaryStudyDesign>
        <secondaryStudyDesign>${esc(t.design ?? 'Randomised controlled trial')}</secondaryStudyDesign>
        <trialSetting>Internet/virtual</trialSetting>
        <trialType>Treatment</trialType>
        <overallStatusOverride/>
        <reasonAbandoned/>
        <overallStartDate>2023-03-01T00:00:00.000Z</overallStartDate>
        <overallEndDate>2025-06-30T00:00:00.000Z</overallEndDate>
      </trialDesign>
      <participants>
        <participantType>Patient</participantType>
        <inclusion>Adults aged 18 or over with PHQ-9 of 10 or more</inclusion>
        <ageRange>Adult</ageRange>
        <gender>Both</gender>
        <targetEnrolment>${t.targetEnrolment ?? 240}</targetEnrolment>
        <totalFinalEnrolment/>
        <exclusion>Current psychotherapy</exclusion>
        <recruitmentStart>2023-04-01T00:00:00.000Z</recruitmentStart>
        <recruitmentEnd>2024-12-31T00:00:00.000Z</recruitmentEnd>
        <recruitmentCountries><country>United Kingdom</country></recruitmentCountries>
      </participants>
      <conditions><condition><description>${esc(t.condition ?? 'Depression')}</description><diseaseClass1>Mental and Behavioural Disorders</diseaseClass1><diseaseClass2>Depression</diseaseClass2></condition></conditions>
      <interventions><intervention><description>${esc(t.intervention ?? 'Self-guided smartphone app (8 weeks) versus wait-list control')}</description><interventionType>Behavioural</interventionType><phase>Not Applicable</phase></intervention></interventions>
      <results>
        <publicationPlan>Planned publication in a high-impact peer-reviewed journal</publicationPlan>
        <ipdSharingStatement>Available on request</ipdSharingStatement>
        <intentToPublish>2025-12-31T00:00:00.000Z</intentToPublish>
        <publicationDetails>${esc(t.publicationDetails ?? '')}</publicationDetails>
        <publicationStage>${t.publicationDetails || t.outputs?.length ? 'Results' : 'Protocol'}</publicationStage>
        <biomedRelated>false</biomedRelated>
        <basicReport/>
        <plainEnglishReport/>
      </results>
      <outputs>${outputs}</outputs>
      <parties><funderId>f-${t.isrctn}</funderId><contactId>c-${t.isrctn}</contactId><sponsorId>s-${t.isrctn}</sponsorId></parties>
      <attachedFiles/>
    </trial>
    <contact id="c-${t.isrctn}"><title>Dr</title><forename>Anna</forename><surname>Lindqvist</surname><orcid/><contactType>Scientific</contactType><contactDetails><address>Department of Psychology</address><city>London</city><state/><country>United Kingdom</country><zip>WC1E 6BT</zip><telephone/><email>a.lindqvist@example.ac.uk</email></contactDetails><privacy>Public</privacy></contact>
    <sponsor id="s-${t.isrctn}"><organisation>Example University</organisation><website>https://www.example.ac.uk</website><sponsorType>University/education</sponsorType><privacy>Public</privacy></sponsor>
    <funder id="f-${t.isrctn}"><name>National Institute for Health and Care Research</name><fundRef>http://dx.doi.org/10.13039/501100000272</fundRef></funder>
  </fullTrial>`;
}

export interface FakeIsrctnOptions {
  trials: FakeTrial[];
  faults?: Fault[];
  enforceRate?: number;
}

export interface FakeIsrctn extends FakeServerBase {
  trials: FakeTrial[];
  upsert(t: FakeTrial): void;
}

const HTML_429: Handled = { status: 429, contentType: 'text/html;charset=utf-8', body: '<!DOCTYPE html><html><head><title>Too Many Requests</title></head><body><h1>429 Too Many Requests</h1></body></html>\n' };

export async function startFakeIsrctn(opts: FakeIsrctnOptions): Promise<FakeIsrctn> {
  const trials = [...opts.trials];
  const handle = (_m: string, path: string, p: URLSearchParams): Handled => {
    if (!/\/query\/format\/default$/.test(path)) return { status: 404, contentType: 'text/html;charset=utf-8', body: '<!DOCTYPE html><html><body><h1>Page not found</h1></body></html>' };
    const q = p.get('q');
    if (!q) return { status: 400, contentType: 'text/plain;charset=utf-8', body: 'Missing required query parameter: q' };
    const limit = Math.max(1, Number(p.get('limit') ?? '10') || 10);
    const offset = Math.max(0, Number(p.get('offset') ?? '0') || 0);
    const ge = q.match(/lastEdited GE (\d{4}-\d{2}-\d{2})/)?.[1];
    const hits = trials.filter((t) => !ge || t.lastEdited >= ge).sort((a, b) => a.isrctn.localeCompare(b.isrctn));
    const page = hits.slice(offset, offset + limit);
    const body = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<allTrials xmlns="http://www.67bricks.com/isrctn" totalCount="${hits.length}">${page.length ? `\n  ${page.map(fullTrialXml).join('\n  ')}\n` : ''}</allTrials>\n`;
    return { status: 200, contentType: 'application/xml;charset=UTF-8', body };
  };
  const base = await startServer(handle, {
    faults: opts.faults,
    ...(opts.enforceRate ? { rateLimit: { perSecond: opts.enforceRate, body: () => HTML_429.body } } : {}),
    tooMany: () => HTML_429,
    errorDoc: () => ({ status: 200, contentType: 'text/html;charset=utf-8', body: '<!DOCTYPE html><html><head><title>ISRCTN - Service unavailable</title></head><body><p>The service is temporarily unavailable. Please try again later.</p></body></html>' }),
  });
  return {
    ...base,
    trials,
    upsert(t) {
      const i = trials.findIndex((x) => x.isrctn === t.isrctn);
      if (i >= 0) trials[i] = t;
      else trials.push(t);
    },
  };
}
