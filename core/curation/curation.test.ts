import { describe, expect, it } from 'vitest';
import { ALL_REVIEWS } from '../../reviews/index.js';
import { curatedCandidate } from '../../test/fixtures/builders.js';
import { escalcSMD } from '../meta/effects.js';
import { cohensKappa } from './kappa.js';
import { meanSdFromMedianIqr, sdFromCi } from '../meta/conversions.js';
import { buildExtraction, compareDrafts } from './extraction.js';
import { formatRis, parseRis } from './ris.js';
import { planImport } from './import-plan.js';
import { identifierKey } from '../data-model/keys.js';
import { applyCommand, type Actor, type CuratedCandidate } from './workflow.js';
import { prismaCounts } from './prisma.js';
import { csvCell, toCsv } from './csv.js';
import { CurationError } from './errors.js';

const review = ALL_REVIEWS.find((r) => r.id === 'selfguided-depression')!;
const single = { ...review, screening: { dual: false } };

describe("Cohen's kappa", () => {
  const table = (yy: number, yn: number, ny: number, nn: number) => [
    ...Array.from({ length: yy }, () => ['yes', 'yes'] as const),
    ...Array.from({ length: yn }, () => ['yes', 'no'] as const),
    ...Array.from({ length: ny }, () => ['no', 'yes'] as const),
    ...Array.from({ length: nn }, () => ['no', 'no'] as const),
  ];
  it('worked example (Wikipedia "Cohen\'s kappa", 50 grant proposals): κ = 0.4', () => {
    const r = cohensKappa(table(20, 5, 10, 15));
    expect(r.observed).toBeCloseTo(0.7, 12);
    expect(r.expected).toBeCloseTo(0.5, 12);
    expect(r.kappa).toBeCloseTo(0.4, 12);
  });
  it('second worked example: 45/15/25/15 → κ = 0.06/0.46', () => {
    expect(cohensKappa(table(45, 15, 25, 15)).kappa).toBeCloseTo(0.06 / 0.46, 12);
  });
  it('perfect agreement is 1, no items or a single shared category is undefined', () => {
    expect(cohensKappa(table(3, 0, 0, 4)).kappa).toBe(1);
    expect(cohensKappa([]).kappa).toBeNull();
    expect(cohensKappa(table(5, 0, 0, 0)).kappa).toBeNull();
  });
});

const baseForm = () => ({
  arms: [
    { id: 'a', label: 'App', role: 'intervention', nRandomised: 40 },
    { id: 'c', label: 'Control', role: 'control', nRandomised: 40 },
  ],
  outcomes: [
    { outcome: 'depression', timepoint: 'post', instrument: 'phq 9', interventionArm: 'a', controlArm: 'c', format: 'mean-se', intervention: { n: 36, mean: 8, se: 0.5 }, control: { n: 36, mean: 10, se: 0.6 } },
  ],
  moderators: {},
});

describe('extraction', () => {
  it('converts SE to SD, canonicalises the instrument and computes the SMD with core/meta', () => {
    const r = buildExtraction(baseForm(), review);
    expect(r.errors).toEqual([]);
    const o = r.extraction!.outcomes[0];
    expect(o.instrument).toBe('PHQ-9');
    expect(o.sd1).toBeCloseTo(3, 12);
    expect(o.sd2).toBeCloseTo(3.6, 12);
    expect(o.conversions?.length).toBe(2);
    expect(o.raw).toMatchObject({ 'intervention.se': 0.5, 'control.se': 0.6, format: 'mean-se' });
    const es = escalcSMD({ n1: 36, m1: 8, sd1: 3, n2: 36, m2: 10, sd2: 3.6 });
    expect(r.outcomes[0]!.effect.yi).toBeCloseTo(es.yi, 12);
    expect(r.outcomes[0]!.effect.ciUpper - r.outcomes[0]!.effect.yi).toBeCloseTo(1.959963985 * Math.sqrt(es.vi), 8);
  });
  it('applies core/meta conversions for CI and median/IQR rows, keeping the raw numbers', () => {
    const f = baseForm() as any;
    f.outcomes[0] = { outcome: 'depression', timepoint: 'post', instrument: 'BDI-II', format: 'mean-ci', intervention: { n: 30, mean: 20, ciLower: 17, ciUpper: 23 }, control: { n: 30, mean: 24, ciLower: 21, ciUpper: 27.5 } };
    f.outcomes[1] = { outcome: 'depression', timepoint: '6 months', instrument: 'BDI-II', format: 'median-iqr', intervention: { n: 30, median: 18, q1: 12, q3: 25 }, control: { n: 30, median: 22, q1: 15, q3: 28 } };
    const r = buildExtraction(f, review);
    expect(r.errors).toEqual([]);
    const [ci, iqr] = r.extraction!.outcomes;
    expect(ci.sd1).toBe(sdFromCi(17, 23, 30));
    expect(ci.sd2).toBe(sdFromCi(21, 27.5, 30));
    const m = meanSdFromMedianIqr(18, 12, 25, 30);
    expect([iqr.m1, iqr.sd1]).toEqual([m.mean, m.sd]);
    expect(iqr.raw).toMatchObject({ 'intervention.median': 18, 'intervention.q1': 12, 'intervention.q3': 25 });
    expect(r.outcomes[1]!.effect.yi).toBe(escalcSMD({ n1: 30, m1: iqr.m1!, sd1: iqr.sd1!, n2: 30, m2: iqr.m2!, sd2: iqr.sd2! }).yi);
  });
  it('names every wrong field', () => {
    const f = baseForm() as any;
    f.arms[0].nAnalysed = 41;
    f.outcomes[0].intervention.n = 45;
    f.outcomes[0].control.se = 0;
    f.moderators = { format: 'not-a-level', nope: 1 };
    const paths = buildExtraction(f, review).errors.map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['arms[0].nAnalysed', 'outcomes[0].intervention.n', 'outcomes[0].control.se', 'moderators["format"]', 'moderators["nope"]']));
  });
  it('compares drafts leaf by leaf', () => {
    expect(compareDrafts({ a: { x: [1, 2], y: 's' }, b: { x: [1, 3], y: 's', z: true } })).toEqual([
      { path: 'x[1]', segments: ['x', 1], values: { a: 2, b: 3 } },
      { path: 'z', segments: ['z'], values: { a: undefined, b: true } },
    ]);
  });
});

describe('RIS', () => {
  it('parses tags, identifiers and wrapped lines; round-trips through formatRis', () => {
    const text = '\uFEFFTY  - JOUR\r\nTI  - An app\r\n  for depression\r\nAU  - Doe, A\r\nPY  - 2021///\r\nDO  - https://doi.org/10.1234/ABC\r\nAN  - 34567890\r\nN1  - Registered NCT01234567\r\nER  - \r\n';
    const { records, errors } = parseRis(text);
    expect(errors).toEqual([]);
    expect(records[0]).toMatchObject({ title: 'An app for depression', year: 2021, authors: ['Doe, A'] });
    expect(records[0].identifiers).toEqual([
      { type: 'doi', value: '10.1234/abc' },
      { type: 'pmid', value: '34567890' },
      { type: 'nct', value: 'NCT01234567' },
    ]);
    const again = parseRis(formatRis([{ title: 'An app for depression', year: 2021, authors: ['Doe, A'], identifiers: records[0].identifiers }]));
    expect(again.records[0]).toMatchObject({ title: 'An app for depression', year: 2021, identifiers: records[0].identifiers });
  });
  it('reports lines that are not RIS', () => {
    expect(parseRis('hello\nTY  - JOUR\nTI  - x\n').errors.map((e) => e.line)).toEqual([1, 2]);
  });
  it('plans an import: identifier match, title+year match, in-file duplicates', () => {
    const { records } = parseRis(['TY  - JOUR', 'TI  - Known by DOI', 'DO  - 10.1000/a', 'ER  - ', 'TY  - JOUR', 'TI  - Known   TITLE.', 'PY  - 2020', 'ER  - ', 'TY  - JOUR', 'TI  - New', 'PY  - 2020', 'ER  - ', 'TY  - JOUR', 'TI  - new', 'PY  - 2020', 'ER  - ', 'TY  - JOUR', 'TI  - Elsewhere', 'DO  - 10.1000/b', 'ER  - '].join('\n'));
    const plan = planImport(records, {
      identifierOwners: new Map([
        [identifierKey('doi', '10.1000/a').pk, 'S1'],
        [identifierKey('doi', '10.1000/b').pk, 'S9'],
      ]),
      reviewStudies: new Set(['S1', 'S2']),
      reviewTitles: new Map([['known title|2020', 'S2']]),
    });
    expect(plan.map((p) => [p.kind, p.studyId])).toEqual([
      ['duplicate', 'S1'],
      ['duplicate', 'S2'],
      ['create', plan[2].studyId],
      ['duplicate', plan[2].studyId],
      ['attach', 'S9'],
    ]);
  });
});

describe('workflow', () => {
  const cand = (over: Partial<CuratedCandidate> = {}) => curatedCandidate(review.id, { studyId: 's', title: 't', sources: ['pubmed', 'ctgov'], triage: { score: 1, reasons: [] }, ...over });
  const alice: Actor = { id: 'alice', role: 'curator' };
  const bob: Actor = { id: 'bob', role: 'curator' };
  const lead: Actor = { id: 'lena', role: 'lead' };
  const now = new Date('2025-03-01T00:00:00Z');

  it('single screening: include → fulltext → extraction; the event records before/after', () => {
    const t1 = applyCommand(cand(), { type: 'screen', decision: 'include' }, alice, single, now);
    expect(t1.candidate.status).toBe('fulltext');
    expect(t1.candidate.version).toBe(2);
    expect(t1.event).toMatchObject({ type: 'screened', actor: 'alice', before: { status: 'screening', version: 1 }, after: { status: 'fulltext', version: 2, decision: 'include' } });
    expect(applyCommand(t1.candidate, { type: 'screen', decision: 'include' }, alice, single, now).candidate.status).toBe('extraction');
  });
  it('dual screening: agreement advances, disagreement → conflict resolved by someone who did not vote', () => {
    const a = applyCommand(cand(), { type: 'screen', decision: 'exclude', reason: 'not-rct' }, alice, review, now).candidate;
    expect(a.status).toBe('screening');
    expect(() => applyCommand(a, { type: 'screen', decision: 'include' }, alice, review, now)).toThrow(CurationError);
    const agreed = applyCommand(a, { type: 'screen', decision: 'exclude', reason: 'not-rct' }, bob, review, now).candidate;
    expect(agreed).toMatchObject({ status: 'excluded', exclusion: { stage: 'title-abstract', reason: 'not-rct' } });
    const conflict = applyCommand(a, { type: 'screen', decision: 'include' }, bob, review, now).candidate;
    expect(conflict.status).toBe('conflict');
    expect(() => applyCommand(conflict, { type: 'resolve', decision: 'include' }, bob, review, now)).toThrow(/you voted on this record/i);
    expect(applyCommand(conflict, { type: 'resolve', decision: 'include' }, lead, review, now).candidate.status).toBe('fulltext');
  });
  it('refuses commands in the wrong state, and accept only from extraction', () => {
    const ext = buildExtraction(baseForm(), review).extraction!;
    expect(() => applyCommand(cand(), { type: 'accept', extraction: ext }, alice, review, now)).toThrow(/cannot accept/);
    const acc = applyCommand(cand({ status: 'extraction' }), { type: 'accept', extraction: ext }, alice, review, now).candidate;
    expect(acc).toMatchObject({ status: 'accepted', acceptedAt: now.toISOString(), acceptedBy: 'alice' });
    const wd = applyCommand(acc, { type: 'withdraw', reason: 'error' }, lead, review, now).candidate;
    expect(wd.status).toBe('withdrawn');
    expect(applyCommand(wd, { type: 'reinstate', reason: 'fixed' }, lead, review, now).candidate.status).toBe('extraction');
  });
  it('PRISMA counts from statuses', () => {
    const p = prismaCounts(review, [
      cand(),
      cand({ status: 'excluded', exclusion: { stage: 'title-abstract', reason: 'not-rct', by: 'a', at: 'x' } }),
      cand({ status: 'excluded', exclusion: { stage: 'fulltext', reason: 'no-data', by: 'a', at: 'x' } }),
      cand({ status: 'accepted' }),
      cand({ status: 'conflict', conflictStage: 'fulltext' }),
    ]);
    expect(p).toMatchObject({ recordsIdentified: 10, duplicatesRemoved: 5, screened: 5, awaitingTitleAbstract: 1, excludedTitleAbstract: 1, fullTextAssessed: 3, awaitingFullText: 1, excludedFullText: 1, included: 1, accepted: 1, conflicts: 1 });
    expect(p.excludedFullTextByReason.find((r) => r.id === 'no-data')?.count).toBe(1);
  });
});

describe('CSV', () => {
  it('quotes and neutralises formulas', () => {
    expect(csvCell('a,"b"')).toBe('"a,""b"""');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(toCsv(['a', 'b'], [[1, undefined]])).toBe('a,b\r\n1,\r\n');
  });
});
