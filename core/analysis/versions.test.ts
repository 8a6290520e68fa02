import { describe, expect, it } from 'vitest';
import { buildSnapshot, planVersion } from './snapshot.js';
import { analysisInputs, canonicalJson, contentHash, diffVersions, displayed, summaryLine, citationLine, type DiffOutcome, type DiffSnapshot } from './versions.js';
import { getReview } from '../../reviews/index.js';
import { stressCandidate } from '../../test/fixtures/builders.js';
import type { Candidate, OutcomeData } from '../evidence/candidate.js';

const review = getReview('hcp-emental-health');
const NOW = new Date('2026-11-22T10:15:00Z');

const cand = (id: string, rows: Partial<OutcomeData>[], extra: Partial<Candidate> = {}) => stressCandidate(review, id, rows, extra);

const base = [cand('s1', [{ yi: -0.5, vi: 0.04 }]), cand('s2', [{ yi: -0.3, vi: 0.05 }]), cand('s3', [{ yi: -0.1, vi: 0.03 }])];

describe('content hash of the analysis inputs', () => {
  const h = contentHash(analysisInputs(review, base));
  it('ignores what is not an analysis input: order, titles, identifiers, notes, screening candidates', () => {
    const shuffled = [base[2], { ...base[0], title: 'Other title', identifiers: [{ type: 'pmid' as const, value: '1' }], updatedAt: 'later' }, base[1]];
    shuffled[2] = { ...base[1], extraction: { ...base[1].extraction!, notes: 'checked' } };
    const screening = cand('s9', [{ yi: 1, vi: 1 }], { status: 'screening' });
    expect(contentHash(analysisInputs(review, [...shuffled, screening]))).toBe(h);
  });
  it('changes with an extracted value, a risk-of-bias judgement, a retraction, a setting or the statistics version', () => {
    const edited = [base[0], base[1], cand('s3', [{ yi: -0.1, vi: 0.031 }])];
    expect(contentHash(analysisInputs(review, edited))).not.toBe(h);
    const rob = [base[0], base[1], cand('s3', [{ yi: -0.1, vi: 0.03 }], {})];
    rob[2].extraction!.rob = { tool: 'rob2', domains: {}, overall: 'high' };
    expect(contentHash(analysisInputs(review, rob))).not.toBe(h);
    expect(contentHash(analysisInputs(review, [base[0], base[1], { ...base[2], retracted: true }]))).not.toBe(h);
    expect(contentHash(analysisInputs({ ...review, analysis: { ...review.analysis, method: 'DL' } }, base))).not.toBe(h);
    expect(contentHash(analysisInputs(review, base), '1999.1')).not.toBe(h);
    // ...but not with a display text of the review
    expect(contentHash(analysisInputs({ ...review, title: 'New title' }, base))).toBe(h);
  });
  it('hashes data-named keys such as __proto__ like any other key', () => {
    const m = JSON.parse('{"__proto__": "x", "constructor": 1}');
    expect(canonicalJson(m)).toBe('{"__proto__":"x","constructor":1}');
    const a = cand('s1', [{ yi: -0.5, vi: 0.04 }]);
    a.extraction!.moderators = m;
    expect(contentHash(analysisInputs(review, [a]))).not.toBe(contentHash(analysisInputs(review, [base[0]])));
  });
});

describe('planVersion: a version only when an analysis input changed', () => {
  it('same inputs → no version (replay, restart); a screening move only changes the counts', () => {
    const v1 = buildSnapshot(review, base, NOW);
    const again = planVersion(review, [...base, cand('s9', [], { status: 'screening' })], new Date('2026-11-23T00:00:00Z'), v1);
    expect(again.publish).toBe(false);
    expect(again.counts).toMatchObject({ accepted: 3, screening: 1, total: 4 });
  });
  it('an accept → version N+1 naming the study with before → after values; a withdrawal → N+2 with the reason', () => {
    const v1 = buildSnapshot(review, base, NOW);
    const p2 = planVersion(review, [...base, cand('s4', [{ yi: -0.9, vi: 0.02 }])], new Date('2026-11-22T11:00:00Z'), v1);
    if (!p2.publish) throw new Error('expected a version');
    const v2 = p2.snapshot;
    expect(v2.version).toBe(2);
    expect(v2.diff.added).toEqual([{ id: 's4', label: 'Authors4 2024' }]);
    const o = v2.diff.outcomes.find((x) => x.id === 'stress')!;
    const est = o.changes.find((c) => c.field === 'estimate')!;
    const before = v1.outcomes.find((x) => x.id === 'stress')!.result!.estimate!;
    const after = v2.outcomes.find((x) => x.id === 'stress')!.result!.estimate!;
    expect(est).toEqual({ field: 'estimate', label: 'pooled SMD', before: displayed('estimate', before), after: displayed('estimate', after) });
    expect(o.changes.find((c) => c.field === 'k')).toMatchObject({ before: '3', after: '4' });
    expect(v2.summary).toContain('1 study added (Authors4 2024)');
    const withdrawn = { ...cand('s4', [{ yi: -0.9, vi: 0.02 }]), status: 'withdrawn' as const, withdrawal: { by: 'lead', reason: 'duplicate publication', at: 'x' } };
    const p3 = planVersion(review, [...base, withdrawn], new Date('2026-11-22T12:00:00Z'), v2);
    if (!p3.publish) throw new Error('expected a version');
    expect(p3.snapshot.version).toBe(3);
    expect(p3.snapshot.diff.removed).toEqual([{ id: 's4', label: 'Authors4 2024', reason: 'withdrawn: duplicate publication' }]);
    expect(p3.snapshot.studies.map((s) => s.id)).not.toContain('s4');
    expect(p3.snapshot.history.map((h) => h.version)).toEqual([1, 2, 3]);
  });
  it('a correction invisible at the displayed precision lists no outcome change, but names the corrected study', () => {
    const v1 = buildSnapshot(review, base, NOW);
    const p = planVersion(review, [base[0], base[1], cand('s3', [{ yi: -0.1000001, vi: 0.03 }])], NOW, v1);
    if (!p.publish) throw new Error('the hash sees the correction');
    expect(p.snapshot.diff.outcomes).toEqual([]);
    expect(p.snapshot.diff.corrected).toEqual([{ id: 's3', label: 'Authors3 2023', reason: 'outcome data corrected' }]);
    expect(p.snapshot.summary).toBe('1 study corrected (Authors3 2023)');
  });
  it('a risk-of-bias correction says before → after; a retraction is flagged', () => {
    const v1 = buildSnapshot(review, base, NOW);
    const s3 = cand('s3', [{ yi: -0.1, vi: 0.03 }]);
    s3.extraction!.rob = { tool: 'rob2', domains: {}, overall: 'high' };
    const b = cand('s3', [{ yi: -0.1, vi: 0.03 }]);
    b.extraction!.rob = { tool: 'rob2', domains: {}, overall: 'low' };
    const v1b = buildSnapshot(review, [base[0], base[1], b], NOW);
    const v2 = buildSnapshot(review, [base[0], base[1], s3], NOW, v1b);
    expect(v2.diff.corrected[0].reason).toBe('risk of bias low → high');
    const v3 = buildSnapshot(review, [base[0], base[1], { ...s3, retracted: true, retractionNotice: 'PMID 1' }], NOW, v2);
    expect(v3.diff.retracted).toEqual([{ id: 's3', label: 'Authors3 2023', reason: 'retracted: PMID 1' }]);
    expect(v3.diff.flags[0]).toEqual({ kind: 'retracted', text: 'Authors3 2023 was retracted and left the analysis (notice: PMID 1)' });
    expect(v3.summary).toMatch(/^Authors3 2023 was retracted and left the analysis \(notice: PMID 1\); Stress SMD −0\.28 → −0\.41/);
    void v1;
  });
});

function snap(o: Partial<DiffOutcome> & { result: DiffOutcome['result'] }, extra: Partial<DiffSnapshot> = {}): DiffSnapshot {
  return {
    revision: 1,
    studies: [],
    excluded: [],
    outcomes: [{ id: 'dep', label: 'Depression', primary: true, direction: 'lower-is-better', k: 5, participants: 500, mid: 0.24, ...o }],
    ...extra,
  };
}
const r = (estimate: number, ciLower: number, ciUpper: number, piLower = -1, piUpper = 0.5) => ({ estimate, ciLower, ciUpper, piLower, piUpper, tau2: 0.01, i2: 20 });

describe('flags: a conclusion moved', () => {
  it('CI now excludes / includes no effect', () => {
    const d = diffVersions(snap({ result: r(-0.1, -0.3, 0.1) }), snap({ result: r(-0.3, -0.5, -0.1) }));
    expect(d.flags.map((f) => f.kind)).toContain('ci-excludes-null');
    expect(d.flags.find((f) => f.kind === 'ci-excludes-null')!.text).toMatch(/favours the intervention/);
    const back = diffVersions(snap({ result: r(-0.3, -0.5, -0.1) }), snap({ result: r(-0.1, -0.3, 0.1) }));
    expect(back.flags.map((f) => f.kind)).toContain('ci-includes-null');
  });
  it('estimate crossed the MID (in the outcome direction), not when both sides agree', () => {
    expect(diffVersions(snap({ result: r(-0.2, -0.4, -0.1) }), snap({ result: r(-0.3, -0.5, -0.1) })).flags.map((f) => f.kind)).toEqual(['crossed-mid']);
    expect(diffVersions(snap({ result: r(-0.3, -0.4, -0.2) }), snap({ result: r(-0.35, -0.5, -0.2) })).flags).toEqual([]);
  });
  it('prediction interval changed sign; certainty changed', () => {
    const d = diffVersions(snap({ result: r(-0.5, -0.7, -0.3, -0.9, 0.1) }), snap({ result: r(-0.5, -0.7, -0.3, -0.9, -0.1) }));
    expect(d.flags.map((f) => f.kind)).toEqual(['pi-sign']);
    const c = diffVersions(snap({ result: r(-0.5, -0.7, -0.3), certainty: { rating: 'moderate' } }), snap({ result: r(-0.5, -0.7, -0.3), certainty: { rating: 'low' } }));
    expect(c.flags).toEqual([{ kind: 'certainty', outcome: 'dep', text: 'Depression: certainty moderate → low' }]);
    expect(c.outcomes[0].changes).toEqual([{ field: 'certainty', label: 'certainty', before: 'moderate', after: 'low' }]);
  });
  it('a first pooled estimate is given with its interval, once (no "SMD – → −0.55")', () => {
    const next = snap({ result: r(-0.55, -0.65, -0.44) });
    const d = diffVersions(snap({ result: null }), next);
    expect(d.flags).toEqual([{ kind: 'first-estimate', outcome: 'dep', text: 'Depression: first pooled estimate, SMD −0.55 [−0.65, −0.44]' }]);
    const line = summaryLine(d, next);
    expect(line).toContain('Depression: first pooled estimate, SMD −0.55 [−0.65, −0.44]');
    expect(line).not.toMatch(/– →/);
    expect(line.match(/−0\.55/g)).toHaveLength(1);
    // A later change still reads before → after.
    const later = snap({ result: r(-0.5, -0.6, -0.4) });
    expect(summaryLine(diffVersions(next, later), later)).toContain('Depression SMD −0.55 → −0.50');
  });
  it('a meta-regression that disappears is named', () => {
    const withReg = { ...r(-0.5, -0.7, -0.3), metaRegression: { coefficients: [{ name: 'intercept' }, { name: 'weeks' }] } };
    const d = diffVersions(snap({ result: withReg }), snap({ result: r(-0.5, -0.7, -0.3) }));
    expect(d.outcomes[0].analyses).toEqual(['meta-regression on weeks no longer fitted']);
  });
  it('−0.004 and 0.004 both display as 0.00: no change', () => {
    expect(displayed('estimate', -0.004)).toBe('0.00');
    expect(displayed('estimate', -0.55)).toBe('−0.55');
    const d = diffVersions(snap({ result: r(-0.551, -0.7, -0.3) }), snap({ result: r(-0.549, -0.7, -0.3) }));
    expect(d.outcomes).toEqual([]);
    expect(summaryLine(d, snap({ result: null }))).toBe('recomputed; no change at displayed precision');
  });
  it('citation line: title, version, date, URL', () => {
    expect(citationLine({ title: 'T', version: 4, revision: 4, generatedAt: '2026-11-22T10:15:00Z' }, 'https://x/reviews/a/versions/4/')).toBe('T. Living review, version 4 (2026-11-22). https://x/reviews/a/versions/4/');
  });
});

describe('numbers as printed (signedFixed: one definition for sentences, tables and charts)', () => {
  it('fixed decimals, a true minus sign, no "−0.00"', async () => {
    const { signedFixed } = await import('./numbers.js');
    expect(signedFixed(-0.551, 2)).toBe('−0.55');
    expect(signedFixed(0.551, 2)).toBe('0.55');
    expect(signedFixed(-0.004, 2)).toBe('0.00');
    expect(signedFixed(-0.04, 1)).toBe('0.0');
    expect(signedFixed(-12.5, 0)).toBe('−13');
    expect(displayed('estimate', -0.004)).toBe(signedFixed(-0.004, 2));
  });
});
