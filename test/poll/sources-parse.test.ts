/**
 * Europe PMC JSON and ISRCTN XML → records (pure): what each field becomes, stated relations,
 * retraction flags, and which bodies are transport faults (retried) rather than bad records.
 */
import { describe, expect, it } from 'vitest';
import { EuropePmcResponseError, mapEuropePmcResult, mapEuropePmcResults, parseEuropePmcPage } from '../../core/evidence/europepmc.js';
import { IsrctnResponseError, parseIsrctnTrials, publicationIds, splitIsrctn } from '../../core/evidence/isrctn.js';
import { linkKeys, titleAuthorKey } from '../../core/evidence/identity.js';
import { triage } from '../../core/evidence/triage.js';
import { mergeRecord } from '../../core/evidence/merge.js';
import { registrationsOf } from '../../core/analysis/registration.js';
import { fakePreprint } from '../fakes/europepmc.js';
import { fullTrialXml } from '../fakes/isrctn.js';

describe('Europe PMC results', () => {
  it('maps a preprint: kind, server, ids, structured abstract without HTML, dates', () => {
    const r = mapEuropePmcResult(fakePreprint({ id: 'PPR654321', title: 'An <i>app</i> for low mood &amp; stress: a randomised trial', doi: '10.1101/2025.02.01.25321000', firstIndexDate: '2025-02-03', firstPublicationDate: '2025-02-01', server: 'medRxiv' }));
    expect(r).toMatchObject({ source: 'europepmc', sourceId: 'PPR654321', kind: 'preprint', server: 'medRxiv', title: 'An app for low mood & stress: a randomised trial', year: 2025, firstAuthor: 'Lindqvist' });
    expect(r.identifiers).toEqual([{ type: 'ppr', value: 'PPR654321' }, { type: 'doi', value: '10.1101/2025.02.01.25321000' }]);
    expect(r.abstractSections?.map((s) => s.label)).toEqual(['Background', 'Methods', 'Results']);
    expect(r.abstract).toMatch(/^Background: Depressive symptoms are common\.\nMethods: We randomly assigned 212 adults/);
    expect(r.dates).toMatchObject({ entrez: { iso: '2025-02-03' }, published: { iso: '2025-02-01' } });
    expect(r.publicationTypes).toEqual(['Preprint']);
    expect(r.retraction).toBeUndefined();
  });

  it('turns a stated "Preprint in" link into a published-as relation and the article PMID into an identifier', () => {
    const r = mapEuropePmcResult(fakePreprint({ id: 'PPR1', title: 'A long enough preprint title about an app trial', firstIndexDate: '2025-01-01', comments: [{ type: 'Preprint in', id: '39123456', source: 'MED' }] }));
    expect(r.relations).toEqual([{ kind: 'published-as', id: { type: 'pmid', value: '39123456' }, statedBy: 'Europe PMC commentCorrection "Preprint in"' }]);
    expect(r.identifiers).toContainEqual({ type: 'pmid', value: '39123456' });
    // The stated PMID comes right after the record's own id among the keys it claims its study by.
    expect(linkKeys(r).slice(0, 2)).toEqual([{ type: 'ppr', value: 'PPR1' }, { type: 'pmid', value: '39123456' }]);
  });

  it('reads retraction flags: a "Retraction in" link or the "Retracted Publication" type; a notice is not itself retracted', () => {
    const linked = mapEuropePmcResult(fakePreprint({ id: 'PPR2', title: 't', firstIndexDate: '2025-01-01', comments: [{ type: 'Retraction in', id: '39999001', source: 'MED', reference: 'medRxiv. 2025' }] }));
    expect(linked.retraction).toEqual({ retracted: true, notice: 'Retracted: medRxiv. 2025, PMID 39999001' });
    const typed = mapEuropePmcResult(fakePreprint({ id: 'PPR3', title: 't', firstIndexDate: '2025-01-01', pubTypes: ['Preprint', 'Retracted Publication'] }));
    expect(typed.retraction?.retracted).toBe(true);
    const notice = mapEuropePmcResult(fakePreprint({ id: '39999001', source: 'MED', title: 'Retraction notice', firstIndexDate: '2025-01-01', pubTypes: ['Retraction of Publication'], comments: [{ type: 'Retraction of', id: '39000002', source: 'MED' }] }));
    expect(notice.retraction).toBeUndefined();
    expect(notice.retracts).toEqual(['39000002']);
  });

  it('a preprint scores lower than the same text peer-reviewed, and says why', () => {
    const pre = mapEuropePmcResult(fakePreprint({ id: 'PPR4', title: 'A randomised trial of an app for depression', firstIndexDate: '2025-01-01' }));
    const terms = { population: ['depression'], intervention: ['app'] };
    const asPaper = triage({ ...pre, kind: 'publication' }, terms);
    const asPreprint = triage(pre, terms);
    expect(asPaper.score - asPreprint.score).toBe(10);
    expect(asPreprint.reasons).toContain('preprint: not peer-reviewed (-10)');
  });

  it('quarantines a result without id or title and keeps the rest; an error object or a non-page body is a transport fault', () => {
    const { records, malformed } = mapEuropePmcResults([fakePreprint({ id: 'PPR5', title: 'ok', firstIndexDate: '2025-01-01' }), { source: 'PPR', title: 'no id' }, { id: 'PPR6', source: 'PPR' }], 'page1');
    expect(records.map((r) => r.sourceId)).toEqual(['PPR5']);
    expect(malformed.map((m) => [m.id, m.reason])).toEqual([
      ['page1-result2', '"id" is missing or invalid (undefined)'],
      ['PPR6', 'PPR PPR6: "title" is empty'],
    ]);
    expect(() => parseEuropePmcPage({ version: '6.9', hitCount: 0, errCode: 500, errMsg: 'down' })).toThrow(EuropePmcResponseError);
    expect(() => parseEuropePmcPage([])).toThrow(/not a JSON object/);
    expect(() => parseEuropePmcPage({ version: '6.9' })).toThrow(/hitCount/);
    expect(parseEuropePmcPage({ version: '6.9', hitCount: 1, nextCursorMark: 'AoE', resultList: { result: [{ id: 'x' }] } })).toEqual({ hitCount: 1, nextCursorMark: 'AoE', results: [{ id: 'x' }] });
  });
});

describe('ISRCTN trials', () => {
  const page = (trials: string[], total = trials.length) => `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<allTrials xmlns="http://www.67bricks.com/isrctn" totalCount="${total}">${trials.join('')}</allTrials>\n`;

  it('maps a trial: ISRCTN id, CT.gov twin, publications from results and outputs, design as registry fields', () => {
    const xml = page([fullTrialXml({ isrctn: '12345678', title: 'Self-guided app for depression', lastEdited: '2025-03-02', dateAssigned: '2023-01-10', nct: 'NCT05000001', publicationDetails: '2025 results in https://pubmed.ncbi.nlm.nih.gov/39111222/ (added 01/03/2025); protocol doi:10.2196/40000', outputs: [{ url: 'https://doi.org/10.1186/s12888-025-01234-5' }] })]);
    const env = splitIsrctn(xml);
    expect(env).toMatchObject({ totalCount: 1, ids: ['ISRCTN12345678'] });
    const { records, malformed } = parseIsrctnTrials(env);
    expect(malformed).toEqual([]);
    const r = records[0];
    expect(r).toMatchObject({ source: 'isrctn', sourceId: 'ISRCTN12345678', kind: 'registration', title: 'Self-guided app for depression', year: 2023 });
    expect(r.identifiers).toEqual([
      { type: 'isrctn', value: 'ISRCTN12345678' },
      { type: 'nct', value: 'NCT05000001' },
      { type: 'pmid', value: '39111222' },
      { type: 'doi', value: '10.2196/40000' },
      { type: 'doi', value: '10.1186/s12888-025-01234-5' },
    ]);
    expect(r.registry).toMatchObject({ studyType: 'INTERVENTIONAL', allocation: 'RANDOMIZED', enrollment: { count: 240 }, conditions: ['Depression'], lastUpdatePosted: { iso: '2025-03-02' } });
    // Its own record DOI (10.1186/ISRCTN…) names the registration, not a paper: not an identifier.
    expect(r.identifiers.some((i) => /isrctn/i.test(i.value) && i.type === 'doi')).toBe(false);
  });

  it('a trial\'s registration date (dateAssigned), start and planned outcomes reach the candidate and the snapshot\'s registration', () => {
    const [r] = parseIsrctnTrials(splitIsrctn(page([fullTrialXml({ isrctn: '12345679', title: 'Self-guided app for anxiety', lastEdited: '2025-03-02', dateAssigned: '2023-01-10' })]))).records;
    const { candidate } = mergeRecord({ record: r, recordHash: 'h', reviewId: 'selfguided-depression', studyId: 'ISRCTN12345679', triage: { score: 50, reasons: [] }, now: '2026-12-01T00:00:00Z' });
    expect(candidate.isrctnRegistration).toMatchObject({ isrctn: 'ISRCTN12345679', registered: '2023-01-10', started: '2023-03-01' });
    const [reg] = registrationsOf(candidate);
    expect(reg).toMatchObject({ registry: 'ISRCTN', id: 'ISRCTN12345679', timing: 'prospective' });
    expect(reg.sentence).toMatch(/^Registered on 10 January 2023, before the trial started \(1 March 2023\)/);
    expect(reg.plannedOutcomes.map((o) => o.kind)).toEqual(['primary', 'secondary']);
    expect(reg.plannedOutcomes[0].measure).toMatch(/PHQ-9/);
  });

  it('finds PubMed ids and DOIs in free text, without the registry DOI', () => {
    expect(publicationIds('See PMID: 31415926 and https://www.ncbi.nlm.nih.gov/pubmed/27182818. https://doi.org/10.1186/ISRCTN12345678 10.1016/j.invent.2024.100700.')).toEqual([
      { type: 'pmid', value: '31415926' },
      { type: 'pmid', value: '27182818' },
      { type: 'doi', value: '10.1016/j.invent.2024.100700' },
    ]);
  });

  it('a truncated body or an HTML page is a transport fault; a trial without its number is set aside alone', () => {
    const good = fullTrialXml({ isrctn: '11111111', title: 'ok', lastEdited: '2025-01-01' });
    const xml = page([good, fullTrialXml({ isrctn: '22222222', title: 'x', lastEdited: '2025-01-01' }).replace(/<isrctn [^>]*>\d+<\/isrctn>/, '')]);
    expect(() => splitIsrctn(xml.slice(0, xml.length / 2))).toThrow(IsrctnResponseError);
    expect(() => splitIsrctn('<!DOCTYPE html><html><body>Service unavailable</body></html>')).toThrow(/not an allTrials document/);
    const { records, malformed } = parseIsrctnTrials(splitIsrctn(xml));
    expect(records.map((r) => r.sourceId)).toEqual(['ISRCTN11111111']);
    expect(malformed).toHaveLength(1);
    expect(malformed[0]).toMatchObject({ source: 'isrctn', id: 'unidentified', reason: 'trial/isrctn is missing or not 8 digits ("")' });
    expect(splitIsrctn('<allTrials xmlns="http://www.67bricks.com/isrctn" totalCount="0"/>')).toEqual({ totalCount: 0, trials: [], ids: [] });
  });
});

describe('title + first author key (preprint ↔ article without a stated link)', () => {
  it('ignores the year, diacritics and case; needs a distinctive title; registrations have none', () => {
    const a = titleAuthorKey({ kind: 'preprint', title: 'Online Mindfulness for Nurses With Burnout: A Randomised Trial', firstAuthor: 'Müller' });
    expect(a).toBe(titleAuthorKey({ kind: 'publication', title: 'Online mindfulness for nurses with burnout - a randomised trial', firstAuthor: 'Muller' }));
    expect(titleAuthorKey({ kind: 'publication', title: 'A short title here', firstAuthor: 'Muller' })).toBeUndefined();
    expect(titleAuthorKey({ kind: 'registration', title: 'Online mindfulness for nurses with burnout: a randomised trial', firstAuthor: 'Muller' })).toBeUndefined();
  });
});
