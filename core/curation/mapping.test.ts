/** Issue 16: a lead's mapping of "other" values, who resolves a conflict, and one assessment for preview and accept. */
import { describe, expect, it } from 'vitest';
import { ALL_REVIEWS } from '../../reviews/index.js';
import { curatedCandidate, formArms, linkedRow } from '../../test/fixtures/builders.js';
import { analysesEntered, notPooledReason } from '../analysis/entry.js';
import { analysisKey } from '../analysis/versions.js';
import { escalcSMD } from '../meta/effects.js';
import { assessExtraction } from './assess.js';
import { CurationError } from './errors.js';
import { buildExtraction } from './extraction.js';
import { applyMappings, checkMappingChoices, mappingQueue, otherValues, pendingOthers, type MappingChoice } from './mapping.js';
import { implausibleValues } from './plausibility.js';
import { applyCommand, resolveRule, type Actor, type CuratedCandidate } from './workflow.js';

const review = ALL_REVIEWS.find((r) => r.id === 'selfguided-depression')!;
const lee: Actor = { id: 'lee', role: 'lead' };
const lou: Actor = { id: 'lou', role: 'lead' };
const alice: Actor = { id: 'alice', role: 'curator' };
const bob: Actor = { id: 'bob', role: 'curator' };
const cat: Actor = { id: 'cat', role: 'curator' };
const now = new Date('2026-12-02T08:00:00Z');
const arms = formArms();
const row = linkedRow;
/** "after the course" is no spelling the review lists; "Own mood scale" is no instrument of it. */
const otherForm = () => ({
  arms,
  outcomes: [row({ timepoint: 'after the course' }), row({ outcome: 'qol', instrument: 'Own mood scale', instrumentOther: true, intervention: { n: 50, mean: 60, sd: 9 }, control: { n: 55, mean: 55, sd: 10 } })],
});
const cand = (over: Partial<CuratedCandidate> = {}) => curatedCandidate(review.id, { status: 'extraction', version: 4, ...over });
const accepted = () => {
  const ex = buildExtraction(otherForm(), review).extraction!;
  return applyCommand(cand(), { type: 'accept', extraction: ex }, alice, review, now).candidate;
};
const toPost: MappingChoice = { outcome: 'depression', field: 'timepoint', reported: 'after the course', to: 'post' };
const toSf36: MappingChoice = { outcome: 'qol', field: 'instrument', reported: 'Own mood scale', to: 'SF-36 MCS' };
const fieldsOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    if (e instanceof CurationError) return { code: e.code, paths: e.fields.map((x) => `${x.path}: ${x.message}`) };
    throw e;
  }
  throw new Error('expected a CurationError');
};

describe('"other" values', () => {
  it('are the time points neither analysed (nor a listed spelling) nor a follow-up, and the unlisted instruments', () => {
    const rows = [
      row({ timepoint: 'after the course' }),
      row({ timepoint: 'Post-Test' }), // a listed spelling
      row({ timepoint: 'fu1' }), // a recognised follow-up
      row({ timepoint: 'After the course', instrument: 'Own scale' }),
      row({ outcome: 'not-an-outcome', timepoint: 'whenever' }),
      null,
      'junk',
    ];
    expect(otherValues(review, rows)).toEqual([
      { outcome: 'depression', outcomeLabel: 'Depressive symptoms', field: 'timepoint', reported: 'after the course', rows: [1, 4], options: ['post'] },
      { outcome: 'depression', outcomeLabel: 'Depressive symptoms', field: 'instrument', reported: 'Own scale', rows: [4], options: review.outcomes[0].instruments.map((i) => i.name) },
    ]);
  });
  it('of a trial in extraction come from every extractor’s draft; of an accepted one from its extraction', () => {
    const c = cand({ drafts: { alice: { extractor: 'alice', form: otherForm(), savedAt: 'x' }, bob: { extractor: 'bob', form: { outcomes: 'not a list' }, savedAt: 'x' } } });
    expect(pendingOthers(review, c).map((o) => `${o.field}:${o.reported}`)).toEqual(['timepoint:after the course', 'instrument:Own mood scale']);
    expect(pendingOthers(review, accepted()).map((o) => `${o.field}:${o.reported}`)).toEqual(['timepoint:after the course', 'instrument:Own mood scale']);
    expect(pendingOthers(review, cand({ status: 'screening', drafts: c.drafts }))).toEqual([]);
  });
});

describe('checking a lead’s choices', () => {
  const pending = otherValues(review, otherForm().outcomes);
  it('accepts a value of the review’s list, or keeping out with a reason', () => {
    expect(() => checkMappingChoices(review, pending, [toPost, { outcome: 'qol', field: 'instrument', reported: 'own MOOD scale', keepOutReason: 'not a quality-of-life scale' }])).not.toThrow();
  });
  it('names the field of every wrong choice', () => {
    const r = fieldsOf(() =>
      checkMappingChoices(review, pending, [
        { ...toPost, to: 'fu1' },
        { outcome: 'nope', field: 'timepoint', reported: 'x', to: 'post' },
        { outcome: 'depression', field: 'instrument', reported: 'BDI-II', to: 'PHQ-9' },
        { ...toSf36, keepOutReason: 'both' },
        { outcome: 'depression', field: 'timepoint', reported: 'AFTER the course', to: 'post' },
      ]),
    );
    expect(r.code).toBe('invalid');
    expect(r.paths).toEqual([
      "mappings[0].to: must be one of the review's time points for Depressive symptoms: post",
      'mappings[1].outcome: must be one of depression, qol, wellbeing',
      'mappings[2].reported: this trial has no unmapped instrument "BDI-II" for Depressive symptoms (none is waiting)',
      'mappings[3].to: give either the review value it stands for ("to") or the reason it stays out of the analysis ("keepOutReason"), not both',
      'mappings[4].reported: "AFTER the course" is mapped twice',
    ]);
    expect(fieldsOf(() => checkMappingChoices(review, pending, [])).paths).toEqual(['mappings: at least one mapping is required']);
  });
});

describe('the map-values command', () => {
  it('on an accepted trial: the rows take the review’s values (the reported kept), the trial enters the analyses, the analysis input changes', () => {
    const a = accepted();
    expect(analysesEntered(review, a.extraction).map((e) => e.enters)).toEqual([false, false, false]);
    expect(notPooledReason(analysesEntered(review, a.extraction))).toMatch(/after the course/);
    const t = applyCommand(a, { type: 'map-values', mappings: [toPost, toSf36] }, lee, review, now);
    const rows = t.candidate.extraction!.outcomes;
    expect(rows[0]).toMatchObject({ timepoint: 'post', reported: { timepoint: 'after the course' } });
    expect(rows[1]).toMatchObject({ instrument: 'SF-36 MCS', reported: { instrument: 'Own mood scale' } });
    expect(t.candidate).toMatchObject({ status: 'accepted', version: a.version + 1 });
    expect(t.candidate.mappings).toEqual([
      { ...toPost, by: 'lee', at: now.toISOString() },
      { ...toSf36, by: 'lee', at: now.toISOString() },
    ]);
    const entries = analysesEntered(review, t.candidate.extraction);
    expect(entries.filter((e) => e.enters).map((e) => e.outcomeId)).toEqual(['depression', 'qol']);
    expect(notPooledReason(entries)).toBeNull();
    expect(analysisKey(t.candidate)).not.toBe(analysisKey(a));
    expect(t.event).toMatchObject({ type: 'values-mapped', actor: 'lee', role: 'lead', after: { mappings: [toPost, toSf36] } });
    expect(pendingOthers(review, t.candidate)).toEqual([]);
  });
  it('keeping a value out: the public reason is the lead’s', () => {
    const t = applyCommand(accepted(), { type: 'map-values', mappings: [{ ...toPost, to: undefined, keepOutReason: 'only a 6-month follow-up is reported' }] }, lee, review, now);
    const { to: _to, ...kept } = { ...toPost, keepOutReason: 'only a 6-month follow-up is reported' };
    expect(t.candidate.mappings).toEqual([{ ...kept, by: 'lee', at: now.toISOString() }]);
    expect(t.event.reason).toBe('after the course: only a 6-month follow-up is reported');
    expect(notPooledReason(analysesEntered(review, t.candidate.extraction))).toBe(
      'enters no analysis: Depressive symptoms: kept out by a lead: time point "after the course": only a 6-month follow-up is reported; Quality of life: instrument "Own mood scale" not in the review\'s list for Quality of life (a lead maps it)',
    );
    expect(pendingOthers(review, t.candidate).map((o) => o.reported)).toEqual(['Own mood scale']);
  });
  it('is a lead’s, in extraction or accepted only, and a wrong choice changes nothing', () => {
    const a = accepted();
    const before = structuredClone(a);
    expect(fieldsOf(() => applyCommand(a, { type: 'map-values', mappings: [toPost] }, alice, review, now)).code).toBe('forbidden');
    expect(fieldsOf(() => applyCommand(a, { type: 'map-values', mappings: [{ ...toPost, to: 'later' }] }, lee, review, now)).code).toBe('invalid');
    expect(fieldsOf(() => applyCommand(cand({ status: 'fulltext' }), { type: 'map-values', mappings: [toPost] }, lee, review, now)).code).toBe('state');
    expect(a).toEqual(before);
  });
  it('in extraction: kept on the candidate and applied at accept, as the preview says before', () => {
    const c = cand({ drafts: { alice: { extractor: 'alice', form: otherForm(), savedAt: 'x' } } });
    const m = applyCommand(c, { type: 'map-values', mappings: [toPost] }, lee, review, now).candidate;
    expect(m.drafts).toEqual(c.drafts);
    expect(m.extraction).toBeUndefined();
    const preview = assessExtraction(otherForm(), review, { mappings: m.mappings });
    expect(preview.analyses.filter((e) => e.enters).map((e) => e.outcomeId)).toEqual(['depression']);
    // Accept with the extraction the preview computed; the workflow applies the mappings again (idempotent).
    const acc = applyCommand(m, { type: 'accept', extraction: preview.extraction! }, alice, review, now).candidate;
    expect(acc.extraction).toEqual(preview.extraction);
    // An accept that did not apply them (a caller that skipped assess) still stores them applied.
    const raw = applyCommand(m, { type: 'accept', extraction: buildExtraction(otherForm(), review).extraction! }, alice, review, now).candidate;
    expect(raw.extraction).toEqual(preview.extraction);
    expect(analysesEntered(review, acc.extraction)).toEqual(preview.analyses);
  });
  it('applyMappings passes through what is not a row, and leaves rows it does not concern untouched', () => {
    const rows = [null, 'x', { outcome: 'depression', timepoint: 'post' }] as unknown[];
    expect(applyMappings(rows, [{ ...toPost, by: 'lee', at: 'x' }])).toEqual(rows);
  });
  it('the lead’s to-do lists accepted trials first, then those in extraction; fully mapped ones as done', () => {
    const a = { ...accepted(), studyId: 'z-acc' };
    const e = cand({ studyId: 'a-ext', drafts: { alice: { extractor: 'alice', form: otherForm(), savedAt: 'x' } } });
    const done = applyCommand(accepted(), { type: 'map-values', mappings: [toPost, toSf36] }, lee, review, now).candidate;
    const q = mappingQueue(review, [e, a, { ...done, studyId: 'done' }, cand({ studyId: 'plain', status: 'screening' })]);
    expect(q.waiting.map((t) => t.studyId)).toEqual(['z-acc', 'a-ext']);
    expect(q.done.map((t) => t.studyId)).toEqual(['done']);
  });
});

describe('one assessment for preview and accept', () => {
  it('a valid form: the extraction, implausible values and analyses are buildExtraction’s and entry.ts’s', () => {
    const form = { arms, outcomes: [row(), row({ outcome: 'wellbeing', instrument: 'WHO-5', intervention: { n: 50, mean: 60, sd: 0.1 }, control: { n: 55, mean: 50, sd: 10 } })] };
    const a = assessExtraction(form, review);
    const b = buildExtraction(form, review);
    expect(a.extraction).toEqual(b.extraction);
    expect(a.implausible).toEqual(implausibleValues(form as never, b));
    expect(a.implausible.map((f) => f.path)).toEqual(['outcomes[1].intervention']);
    expect(a.analyses).toEqual(analysesEntered(review, b.extraction));
    expect(a.analysesSummary).toBe('Depressive symptoms, post: yes; Quality of life: no data; Well-being, post: yes');
  });
  it('an unfinished form: the analyses from the rows computable so far, and the RoB proposal from the five domains', () => {
    const form = { arms: [{ id: 'a1', role: 'intervention' }], outcomes: [row({ interventionArm: undefined, controlArm: undefined }), { outcome: 'qol' }], rob: { domains: { D1: 'low', D2: 'some', D3: 'low', D4: 'low', D5: 'low' } } };
    const a = assessExtraction(form, review);
    expect(a.extraction).toBeUndefined();
    expect(a.implausible).toEqual([]);
    expect(a.result.outcomes[0]?.effect.yi).toBe(escalcSMD({ n1: 50, m1: 8.1, sd1: 4.2, n2: 55, m2: 10.3, sd2: 4.8 }).yi);
    expect(a.analyses.map((e) => e.enters)).toEqual([true, false, false]);
    expect(a.robProposal).toBe('some');
    expect(assessExtraction({ ...form, rob: { domains: { D1: 'high' } } }, review).robProposal).toBeNull();
    expect(assessExtraction({ ...form, rob: { domains: { D1: 'low', D2: 'low', D3: 'low', D4: 'low', D5: 'high' } } }, review).robProposal).toBe('high');
    expect(assessExtraction(null, review)).toMatchObject({ robProposal: null, implausible: [] });
  });
});

describe('who resolves a conflict (the review setting leadMayResolveOwnVote)', () => {
  const conflictBy = (x: Actor, y: Actor): CuratedCandidate => {
    const a = applyCommand(cand({ status: 'screening', version: 1 }), { type: 'screen', decision: 'include' }, x, review, now).candidate;
    return applyCommand(a, { type: 'screen', decision: 'exclude', reason: 'not-rct' }, y, review, now).candidate;
  };
  const allowing = { ...review, screening: { ...review.screening, leadMayResolveOwnVote: true } };
  const cases: [string, Actor, boolean, boolean][] = [
    // who, actor, may by default, may when the review allows a lead who voted
    ['a curator who did not vote', cat, true, true],
    ['a lead who did not vote', lou, true, true],
    ['a curator who voted', alice, false, false],
    ['a lead who voted', lee, false, true],
  ];
  for (const [who, actor, byDefault, allowed] of cases)
    it(`${who}: ${byDefault ? 'may' : 'may not'} by default; ${allowed ? 'may' : 'may not'} when the review allows a lead who voted`, () => {
      const c = conflictBy(alice, lee);
      expect(c.status).toBe('conflict');
      for (const [r, may] of [
        [review, byDefault],
        [allowing, allowed],
      ] as const) {
        expect(resolveRule(r, c, actor).may).toBe(may);
        if (may) expect(applyCommand(c, { type: 'resolve', decision: 'include' }, actor, r, now).candidate).toMatchObject({ status: 'fulltext', screening: { 'title-abstract': { resolution: { by: actor.id } } } });
        else {
          expect(resolveRule(r, c, actor).why).toMatch(/you voted on this record/i);
          expect(fieldsOf(() => applyCommand(c, { type: 'resolve', decision: 'include' }, actor, r, now)).code).toBe('forbidden');
        }
      }
    });
  it('two curators disagree: a third curator resolves', () => {
    const c = conflictBy(alice, bob);
    expect(applyCommand(c, { type: 'resolve', decision: 'exclude', reason: 'not-rct' }, cat, review, now).candidate).toMatchObject({ status: 'excluded', exclusion: { by: 'cat', reason: 'not-rct' } });
  });
});
