/**
 * The Metapsy importer on the real open data in ../shared/data (ODC-By 1.0, see PROVENANCE.md there).
 * Reference numbers come from PROVENANCE.md (computed with R metafor 3.8-1), not from this code.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ExtractionSchema } from '../../core/evidence/candidate.js';
import { importMetapsyCsv, MetapsyFormatError, slugify } from '../../core/import/metapsy.js';
import { analyze, escalcSMD } from '../../core/meta/index.js';
import { alignToOutcome } from '../../core/reviews/index.js';
import { getReview } from '../../reviews/index.js';

const repo = join(dirname(fileURLToPath(import.meta.url)), '../..');
const dataFile = (db: string) => join(repo, '../shared/data', db, 'data.csv');
const depressionCsv = readFileSync(dataFile('metapsy-depression-selfguided-psyctr'), 'utf8');
const gadCsv = readFileSync(dataFile('metapsy-gad-psyctr'), 'utf8');
const sg = getReview('selfguided-depression');

describe('Metapsy self-guided depression database → selfguided-depression', () => {
  const { studies, report } = importMetapsyCsv(depressionCsv, sg);
  const all = studies.flatMap((s) => s.extraction.outcomes.map((o) => ({ s, o })));

  it('reports rows read, mapped and skipped with reasons', () => {
    expect(report.rowsRead).toBe(361); // PROVENANCE: 361 rows
    expect(report.rowsMapped + report.rowsSkipped).toBe(361);
    expect(report.rowsMapped).toBe(all.length);
    // PROVENANCE: book 84, audio 3, video 5, other 13 rows are not digital
    expect(report.skipped['format_unguided not in internet/mobile/computer']).toBe(84 + 3 + 5 + 13);
    expect(Object.keys(report.skipped).sort()).toEqual([
      'format_unguided not in internet/mobile/computer',
      'not the primary calculation (primary_calc != 1)',
      'outcome domain "treatment satisfaction" not in review',
    ]);
    expect(report.warnings['instrument not listed in review (outcome direction assumed)']).toBeUndefined();
  });

  it('one study per Metapsy study label, ~69 digital studies, deterministic ids, attribution on each', () => {
    expect(studies.length).toBe(69); // PROVENANCE: ~69 studies in the digital subset
    expect(new Set(studies.map((s) => s.studyId)).size).toBe(studies.length);
    expect(studies.find((s) => s.label === 'Gräfe, 2020')?.studyId).toBe('metapsy-grafe-2020');
    for (const s of studies) {
      expect(s.studyId).toBe(`metapsy-${slugify(s.label)}`);
      expect(s.attribution).toContain('10.5281/zenodo.12705748');
      expect(s.attribution).toContain('ODC-By');
      expect(() => ExtractionSchema.parse(s.extraction)).not.toThrow();
      for (const o of s.extraction.outcomes) {
        expect(s.extraction.arms.map((a) => a.id)).toContain(o.interventionArm);
        expect(s.extraction.arms.map((a) => a.id)).toContain(o.controlArm);
      }
    }
    const again = importMetapsyCsv(depressionCsv, sg);
    expect(again.studies).toEqual(studies);
  });

  it('codes moderators, RoB 2 and year from the database', () => {
    const a = studies.find((s) => s.label === 'Addington, 2019')!;
    expect(a.year).toBe(2019);
    expect(a.extraction.moderators).toMatchObject({ format: 'internet', support: 'pure', targetGroup: 'adul', country: 'us', rob: 'some', year: 2019, comparator: 'mixed' });
    expect(a.extraction.rob).toEqual({ tool: 'rob2', domains: { D1: 'some', D2: 'low', D3: 'low', D4: 'low', D5: 'some' }, overall: 'some' });
    expect(a.extraction.arms.filter((x) => x.role === 'control')).toHaveLength(2);
    const levels = new Map(sg.moderators.map((m) => [m.id, m]));
    for (const s of studies)
      for (const [k, v] of Object.entries(s.extraction.moderators)) {
        const m = levels.get(k)!;
        if (m.type === 'categorical') expect(m.levels.map((l) => l.id)).toContain(v);
        else expect(typeof v).toBe('number');
      }
  });

  it('yi follows our convention: recomputing the SMD from the arm data gives the same sign and size', () => {
    let both = 0;
    for (const { o } of all) {
      if (o.n1 === undefined || o.yi === undefined) continue;
      both++;
      const e = escalcSMD({ n1: o.n1, m1: o.m1!, sd1: o.sd1!, n2: o.n2!, m2: o.m2!, sd2: o.sd2! });
      // PROVENANCE: |.g| reproduced to 0.00023 at post-test; two follow-up rows with n < 8 per arm differ by ~1e-3
      expect(Math.abs(e.yi - o.yi)).toBeLessThan(o.timepoint === 'post' ? 2.5e-4 : 2e-3);
    }
    expect(both).toBeGreaterThan(150);
    // the three well-being rows whose .g sign contradicts their means keep arm data only
    expect(report.warnings['sign of .g contradicts the arm means (arm data kept, .g dropped)']).toBe(3);
    const wb = all.filter(({ o }) => o.outcome === 'wellbeing');
    expect(wb.length).toBe(3);
    for (const { o } of wb) {
      expect(o.m1! > o.m2!).toBe(true); // WHO-5 / WEMWBS higher in the intervention arms
      expect(o.yi).toBeUndefined();
    }
  });

  it('pooling the imported digital post-test depression rows reproduces metafor (PROVENANCE reference)', () => {
    const rows = all.filter(({ o }) => o.outcome === 'depression' && o.timepoint === 'post');
    expect(rows.length).toBe(108);
    expect(new Set(rows.map(({ s }) => s.studyId)).size).toBe(69);
    const yi = rows.map(({ o }) => alignToOutcome(sg, 'depression', o.instrument, o.yi!));
    const res = analyze({
      measure: 'GEN',
      method: 'REML',
      ci: 'z',
      studies: rows.map(({ s, o }, i) => ({ id: `${s.studyId}#${i}`, yi: yi[i], vi: o.vi! })),
    } as Parameters<typeof analyze>[0]);
    // metafor on yi = .g (positive = benefit); ours is arm1 − arm2, so the sign is reversed
    expect(res.k).toBe(108);
    expect(-res.estimate!).toBeCloseTo(0.5846, 4);
    expect(-res.ciUpper!).toBeCloseTo(0.4979, 4);
    expect(-res.ciLower!).toBeCloseTo(0.6714, 4);
    expect(res.tau2).toBeCloseTo(0.1597, 4);
    expect(res.i2).toBeCloseTo(86.6, 1);
    expect(res.q).toBeCloseTo(655.0, 2);
    const dl = analyze({ measure: 'GEN', method: 'DL', ci: 'z', studies: rows.map(({ o }, i) => ({ id: String(i), yi: yi[i], vi: o.vi! })) } as Parameters<typeof analyze>[0]);
    expect(-dl.estimate!).toBeCloseTo(0.5781, 4);
    expect(dl.tau2).toBeCloseTo(0.1267, 4);
  });
});

describe('Metapsy GAD database (sign convention arm1 − arm2)', () => {
  it('keeps .g as yi, consistent with the arm data', () => {
    const review = getReview('cancer-digital'); // has an anxiety outcome; no seed → database defaults
    const { studies, report } = importMetapsyCsv(gadCsv, review);
    expect(report.database).toBe('gad-psyctr');
    expect(report.rowsRead).toBe(126);
    expect(report.skipped['outcome domain "global clin" not in review']).toBe(9);
    expect(studies.every((s) => s.attribution.includes('10.5281/zenodo.10185216'))).toBe(true);
    let checked = 0;
    for (const s of studies)
      for (const o of s.extraction.outcomes) {
        if (o.n1 === undefined || o.yi === undefined) continue;
        const e = escalcSMD({ n1: o.n1, m1: o.m1!, sd1: o.sd1!, n2: o.n2!, m2: o.m2!, sd2: o.sd2! });
        expect(Math.abs(e.yi - o.yi)).toBeLessThan(5e-4); // PROVENANCE: matches escalc to 3e-4
        checked++;
      }
    expect(checked).toBeGreaterThan(100);
  });
});

describe('bad input', () => {
  it('a file that is not Metapsy-standard is refused naming the missing columns', () => {
    expect(() => importMetapsyCsv('"";"a";"b"\n"1";2;3\n', sg)).toThrow(MetapsyFormatError);
    expect(() => importMetapsyCsv('"";"a";"b"\n"1";2;3\n', sg)).toThrow(/missing column\(s\) study, \.g, \.g_se/);
  });

  it('rows without any usable effect are skipped with their reason', () => {
    const lines = depressionCsv.split('\n');
    const header = lines[0].split(';');
    const cells = lines[1].split(';');
    for (const c of ['.g', '.g_se', 'mean_arm1']) cells[header.indexOf(`"${c}"`)] = 'NA';
    const { report, studies } = importMetapsyCsv([lines[0], cells.join(';'), lines[2]].join('\n'), sg);
    expect(report.skipped).toEqual({ 'no effect size (.g/.g_se missing, arm data incomplete)': 1 });
    expect(report.examples['no effect size (.g/.g_se missing, arm data incomplete)']).toEqual(['line 2 (Addington, 2019)']);
    expect(studies).toHaveLength(1);
    expect(studies[0].extraction.outcomes).toHaveLength(1);
  });
});
