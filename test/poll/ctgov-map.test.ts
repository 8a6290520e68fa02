import { describe, expect, it } from 'vitest';
import { MAX_PLANNED_OUTCOMES, OutcomeDataSchema } from '../../core/evidence/candidate.js';
import { mergeRecord } from '../../core/evidence/merge.js';
import { registrationsOf } from '../../core/analysis/registration.js';
import { CtgovMappingError, ctgovDate, mapCtgovStudy } from '../../core/evidence/ctgov.js';
import { groupSd, proposeExtraction, tQuantile, normalQuantile } from '../../core/evidence/extraction.js';
import { registryIdentifier, resolveStudy, titleKey } from '../../core/evidence/identity.js';
import { reviewTerms, termsOf, triage } from '../../core/evidence/triage.js';
import { ctgovAdvanced, nextWindow, splitWindow, windowDays } from '../../core/evidence/windows.js';
import { parseEfetch } from '../../core/evidence/pubmed.js';
import { efetchXml, generateArticles } from '../fakes/pubmed.js';
import { fakeStudy } from '../fakes/ctgov.js';
import { REVIEW } from './helpers.js';

const OUTCOMES = REVIEW.outcomes.map((o) => ({ id: o.id, instruments: o.instruments }));

describe('ClinicalTrials.gov study mapping', () => {
  const study = fakeStudy({
    nctId: 'NCT04567890',
    orgStudyId: 'DIGI-2021-01',
    secondaryIds: [
      { id: 'ISRCTN12345678', type: 'REGISTRY', domain: 'ISRCTN' },
      { id: 'ChiCTR2000031234', type: 'REGISTRY', domain: 'ChiCTR' },
      { id: 'R01MH123456', type: 'NIH' },
    ],
    startDate: '2021',
    completionDate: '2022-06',
    lastUpdate: '2024-02-10',
    official: 'Jane Doe, PhD',
    references: [
      { pmid: '36912345', type: 'RESULT', citation: 'Doe J. JMIR 2022.', retractions: [{ pmid: '38300001', source: 'J Med Internet Res. 2024' }] },
      { pmid: '11111111', type: 'BACKGROUND', citation: 'Background.' },
    ],
    results: [
      {
        title: 'Depressive Symptoms (PHQ-9) at 8 Weeks',
        paramType: 'MEAN',
        dispersionType: 'Standard Deviation',
        groups: [
          { id: 'OG000', title: 'App', n: 80, value: '7.9', spread: '4.1' },
          { id: 'OG001', title: 'Wait-list control', n: 78, value: '10.2', spread: '4.6' },
        ],
      },
    ],
  });
  const r = mapCtgovStudy(study);

  it('maps identification, secondary registry ids and RESULT publications to identifiers', () => {
    expect(r.source).toBe('ctgov');
    expect(r.sourceId).toBe('NCT04567890');
    expect(r.kind).toBe('registration');
    expect(r.identifiers).toEqual([
      { type: 'nct', value: 'NCT04567890' },
      { type: 'isrctn', value: 'ISRCTN12345678' },
      { type: 'chictr', value: 'ChiCTR2000031234' },
      { type: 'pmid', value: '36912345' },
    ]);
    expect(r.registry?.secondaryIds?.map((s) => s.id)).toContain('R01MH123456'); // kept, not an identifier
    expect(r.registry?.orgStudyId).toBe('DIGI-2021-01');
    expect(r.firstAuthor).toBe('Doe');
  });

  it('maps status, design and dates of every precision', () => {
    expect(r.registry).toMatchObject({ studyType: 'INTERVENTIONAL', allocation: 'RANDOMIZED', overallStatus: 'COMPLETED', enrollment: { count: 200, type: 'ACTUAL' }, hasResults: true });
    expect(r.registry?.startDate).toMatchObject({ iso: '2021', year: 2021 });
    expect(r.registry?.completionDate).toMatchObject({ iso: '2022-06' });
    expect(r.registry?.lastUpdatePosted).toMatchObject({ iso: '2024-02-10' });
    expect(r.registry?.arms?.map((a) => a.label)).toEqual(['Digital intervention', 'Wait-list control']);
    expect(r.registry?.interventions?.[0]).toMatchObject({ type: 'BEHAVIORAL', name: 'App' });
    expect(r.registry?.outcomes?.[0]).toMatchObject({ kind: 'primary', measure: 'Depressive symptoms (PHQ-9)', timeFrame: '8 weeks' });
    expect(ctgovDate('March 2019')).toEqual({ iso: '2019-03', year: 2019, text: 'March 2019' });
    expect(ctgovDate({ date: '2020-02-29', type: 'ESTIMATED' })).toEqual({ iso: '2020-02-29', year: 2020 });
  });

  it('a registration\'s dates and planned outcomes reach the candidate and the snapshot\'s registration (registered 13 whole months after the start)', () => {
    const late = mapCtgovStudy(fakeStudy({ nctId: 'NCT04567891', startDate: '2021-05-17', firstSubmitted: '2022-07-15', primaryOutcomes: [{ measure: 'Depressive symptoms (PHQ-9)', timeFrame: '8 weeks' }, { measure: 'Anxiety (GAD-7)' }] }));
    const { candidate } = mergeRecord({ record: late, recordHash: 'h', reviewId: REVIEW.id, studyId: 'NCT04567891', triage: { score: 50, reasons: [] }, now: '2026-12-01T00:00:00Z' });
    expect(candidate.registration).toMatchObject({ nctId: 'NCT04567891', registered: '2022-07-15', started: '2021-05-17' });
    const [reg] = registrationsOf(candidate);
    expect(reg).toMatchObject({ registry: 'ClinicalTrials.gov', id: 'NCT04567891', status: 'COMPLETED', timing: 'retrospective', monthsLate: 13 });
    expect(reg.plannedOutcomes).toEqual([
      { kind: 'primary', measure: 'Depressive symptoms (PHQ-9)', timeFrame: '8 weeks' },
      { kind: 'primary', measure: 'Anxiety (GAD-7)' },
    ]);
    // Bounded: a registry listing hundreds of outcomes keeps the first MAX_PLANNED_OUTCOMES, each measure cut at 1,000 characters.
    const many = mapCtgovStudy(fakeStudy({ nctId: 'NCT04567892', primaryOutcomes: Array.from({ length: 300 }, (_, i) => ({ measure: `${'x'.repeat(1500)} ${i}` })) }));
    const big = mergeRecord({ record: many, recordHash: 'h', reviewId: REVIEW.id, studyId: 'NCT04567892', triage: { score: 50, reasons: [] }, now: '2026-12-01T00:00:00Z' }).candidate;
    expect(big.registration!.plannedOutcomes).toHaveLength(MAX_PLANNED_OUTCOMES);
    expect(big.registration!.plannedOutcomes!.every((o) => o.measure.length === 1000 && o.measure.endsWith('…'))).toBe(true);
  });

  it('flags a retracted RESULT publication', () => {
    expect(r.retraction?.retracted).toBe(true);
    expect(r.retraction?.notice).toMatch(/PMID 36912345.*PMID 38300001/);
  });

  it('turns posted MEAN + SD into proposed extraction data that validates as OutcomeData', () => {
    const p = proposeExtraction(r.sourceId, r.postedResults, OUTCOMES);
    expect(p).toHaveLength(1);
    expect(p[0]).toMatchObject({ outcome: 'depression', instrument: 'PHQ-9', interventionArm: 'OG000', controlArm: 'OG001', n1: 80, m1: 7.9, sd1: 4.1, n2: 78, m2: 10.2, sd2: 4.6 });
    expect(OutcomeDataSchema.safeParse(p[0]).success).toBe(true);
    expect(p[0].source).toMatch(/NCT04567890/);
  });

  it('converts SE and confidence intervals to SD, and skips medians and unmatched instruments', () => {
    expect(groupSd('Standard Error', { n: 25, spread: 2 })).toEqual({ sd: 10, conversion: 'SD from SE: SD = SE × √n' });
    const big = groupSd('95% Confidence Interval', { n: 100, lowerLimit: 8, upperLimit: 12 })!;
    expect(big.sd).toBeCloseTo((10 * 4) / (2 * 1.959964), 4);
    const small = groupSd('95% Confidence Interval', { n: 20, lowerLimit: 8, upperLimit: 12 })!;
    expect(small.sd).toBeCloseTo((Math.sqrt(20) * 4) / (2 * 2.093024), 2); // qt(0.975, 19)
    expect(tQuantile(0.975, 19)).toBeCloseTo(2.093024, 2);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 6);
    const mk = (paramType: string, title: string) =>
      mapCtgovStudy(
        fakeStudy({
          nctId: 'NCT00000001',
          results: [{ title, paramType, dispersionType: 'Inter-Quartile Range', groups: [{ id: 'OG000', title: 'App', n: 30, value: '5', lowerLimit: '3', upperLimit: '8' }, { id: 'OG001', title: 'Usual care', n: 30, value: '6', lowerLimit: '4', upperLimit: '9' }] }],
        }),
      );
    expect(proposeExtraction('NCT00000001', mk('MEDIAN', 'PHQ-9').postedResults, OUTCOMES)).toEqual([]);
    const unmatched = mapCtgovStudy(fakeStudy({ nctId: 'NCT00000002', results: [{ title: 'Step count', paramType: 'MEAN', dispersionType: 'Standard Deviation', groups: [{ id: 'OG000', title: 'App', n: 30, value: '5000', spread: '900' }, { id: 'OG001', title: 'Control', n: 30, value: '4000', spread: '800' }] }] }));
    expect(proposeExtraction('NCT00000002', unmatched.postedResults, OUTCOMES)).toEqual([]);
  });

  it('refuses a study without an NCT id or title, naming the field', () => {
    expect(() => mapCtgovStudy({ protocolSection: { identificationModule: { briefTitle: 'x' } } })).toThrow(/identificationModule\.nctId/);
    expect(() => mapCtgovStudy({ protocolSection: { identificationModule: { nctId: 'NCT01234567' } } })).toThrow(/briefTitle/);
    expect(() => mapCtgovStudy('nope')).toThrow(CtgovMappingError);
  });
});

describe('identity, triage and windows', () => {
  it('recognises registry numbers in their usual spellings', () => {
    expect(registryIdentifier('NCT 01234567')).toEqual({ type: 'nct', value: 'NCT01234567' });
    expect(registryIdentifier('isrctn12345678')).toEqual({ type: 'isrctn', value: 'ISRCTN12345678' });
    expect(registryIdentifier('ChiCTR-IOR-17013456')).toEqual({ type: 'chictr', value: 'ChiCTRIOR-17013456' });
    expect(registryIdentifier('ACTRN12619000123456')).toEqual({ type: 'anzctr', value: 'ACTRN12619000123456' });
    expect(registryIdentifier('DRKS00012345')).toEqual({ type: 'drks', value: 'DRKS00012345' });
    expect(registryIdentifier('2017-001234-56')).toEqual({ type: 'registry', value: '2017-001234-56' });
    expect(registryIdentifier('R01MH123456')).toBeUndefined();
  });

  it('joins a record to the study that owns its strongest identifier and claims the rest', () => {
    const [a] = parseEfetch(efetchXml(generateArticles({ count: 1, seed: 5 }).map((x) => ({ ...x, dataBanks: [['ClinicalTrials.gov', 'NCT01234567']] as [string, string][] })))).records;
    const owners = new Map([['nct:nct01234567', 'NCT01234567']]);
    const res = resolveStudy(a, owners);
    expect(res.studyId).toBe('NCT01234567');
    expect(res.toClaim.map((k) => k.type)).toEqual(expect.arrayContaining(['pmid', 'titlekey']));
    expect(res.toClaim.some((k) => k.type === 'nct')).toBe(false);
    const fresh = resolveStudy(a, new Map());
    expect(fresh.studyId).toBe('NCT01234567'); // founded under its registration, whichever source comes first
    expect(titleKey({ title: 'Short', year: 2020, firstAuthor: 'X' })).toBeUndefined();
  });

  it('scores RCT signals with reasons, and penalises reviews and protocols', () => {
    const terms = reviewTerms(REVIEW);
    expect(terms.population).toContain('depression');
    expect(termsOf('(self-guided OR unguided) AND (app OR "mobile phone*")')).toEqual(['self-guided', 'unguided', 'app', 'mobile phone']);
    const [rct] = parseEfetch(efetchXml(generateArticles({ count: 40, seed: 8 }).filter((x) => x.publicationTypes.includes('Randomized Controlled Trial')).slice(0, 1))).records;
    const t = triage(rct, terms);
    expect(t.score).toBeGreaterThanOrEqual(70);
    expect(t.reasons[0]).toBe('publication type: Randomized Controlled Trial (+50)');
    const review = triage({ ...rct, title: 'Apps for depression: a systematic review and meta-analysis', publicationTypes: ['Systematic Review'], abstract: '' }, terms);
    expect(review.score).toBeLessThan(20);
    expect(review.reasons.join('|')).toMatch(/review or meta-analysis/);
    const reg = triage(mapCtgovStudy(fakeStudy({ nctId: 'NCT01111111' })), terms);
    expect(reg.reasons).toContain('registry: allocation randomised (+50)');
  });

  it('computes poll windows with overlap, clamps, and splits by whole days', () => {
    expect(nextWindow(undefined, '2025-01-10', { overlapDays: 3, backfillFrom: '2024-01-01' })).toEqual({ from: '2024-01-01', to: '2025-01-10' });
    expect(nextWindow('2025-01-08', '2025-01-10', { overlapDays: 3, backfillFrom: '2024-01-01' })).toEqual({ from: '2025-01-05', to: '2025-01-10' });
    expect(nextWindow('2026-01-08', '2025-01-10', { overlapDays: 0, backfillFrom: '2024-01-01' })).toEqual({ from: '2025-01-10', to: '2025-01-10' });
    const halves = splitWindow({ from: '2024-02-27', to: '2024-03-02' })!;
    expect(halves).toEqual([
      { from: '2024-02-27', to: '2024-02-29' },
      { from: '2024-03-01', to: '2024-03-02' },
    ]);
    expect(windowDays(halves[0]) + windowDays(halves[1])).toBe(5);
    expect(splitWindow({ from: '2024-01-01', to: '2024-01-01' })).toBeUndefined();
    expect(ctgovAdvanced('AREA[StudyType]INTERVENTIONAL AND AREA[DesignAllocation]RANDOMIZED', '2025-01-01')).toBe(
      '(AREA[StudyType]INTERVENTIONAL AND AREA[DesignAllocation]RANDOMIZED) AND AREA[LastUpdatePostDate]RANGE[2025-01-01,MAX]',
    );
    expect(ctgovAdvanced(undefined, '2025-01-01')).toBe('AREA[StudyType]INTERVENTIONAL AND AREA[DesignAllocation]RANDOMIZED AND AREA[LastUpdatePostDate]RANGE[2025-01-01,MAX]');
  });
});
