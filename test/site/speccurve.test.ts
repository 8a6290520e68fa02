/**
 * The specification curve (site/src/lib/charts/speccurve.ts) on the real multiverse of the Metapsy
 * self-guided depression review (core's snapshot builder) and on a hand-made one for the edge cases.
 */
import { describe, expect, it } from 'vitest';
import { sampleSnapshots } from './sample.js';
import type { OutcomeSnapshot, ReviewSnapshot } from '../../site/src/lib/model.js';
import { specCurveChart } from '../../site/src/lib/charts/speccurve.js';
import { chartCsv, reviewCharts, standaloneSvg, tablePages } from '../../site/src/lib/charts/index.js';

const dep: ReviewSnapshot = sampleSnapshots().find((s) => s.reviewId === 'selfguided-depression')!;
const depression = dep.outcomes.find((o) => o.id === 'depression')!;
const count = (svg: string, re: RegExp) => (svg.match(re) ?? []).length;
const viewBox = (svg: string) => svg.match(/viewBox="0 0 ([0-9.]+) ([0-9.]+)"/)!.slice(1).map(Number);

describe('specification curve', () => {
  const mv = depression.multiverse!;
  const ch = specCurveChart(depression)!;
  it('one point and one interval per estimated specification, the main analysis marked, on both layouts', () => {
    for (const svg of [ch.wide, ch.narrow]) {
      expect(count(svg, /<circle [^>]*class="sc-pt /g)).toBe(mv.estimated);
      expect(count(svg, /class="sc-ci /g)).toBe(mv.estimated);
      expect(count(svg, /<path d="M[^"]*" class="sc-main"\/>/g)).toBe(2); // marker + legend swatch
    }
    expect(viewBox(ch.wide)[0]).toBe(760);
    expect(viewBox(ch.narrow)[0]).toBe(288);
  });
  it('the grid has a row per option with one mark per specification in each dimension', () => {
    const optionRows = mv.dimensions.reduce((a, d) => a + d.options.length, 0);
    expect(count(ch.wide, /text-anchor="end">[^<]+<\/text>/g)).toBeGreaterThanOrEqual(optionRows);
    for (const d of mv.dimensions) expect(ch.wide).toContain(`>${d.label}</text>`);
    // every specification marks exactly one option per dimension: marks = estimated × dimensions
    const marks = [...ch.wide.matchAll(/<path d="([^"]*)" class="sc-mark"\/>/g)].reduce((a, m) => a + count(m[1], /M/g), 0);
    expect(marks).toBe(mv.estimated * mv.dimensions.length);
  });
  it('data table: every specification with its choices, sorted, CSV and a table page (> 40 rows)', () => {
    expect(ch.table.rows.length).toBe(mv.estimated);
    expect(ch.table.columns).toEqual(expect.arrayContaining(['Pooled SMD', '95% CI lower', '95% CI upper', 'τ² estimator', 'Time point', 'Main analysis']));
    const est = ch.table.rows.map((r) => r[1] as number);
    expect(est).toEqual(est.slice().sort((a, b) => a - b));
    expect(ch.table.rows.filter((r) => r[r.length - 1] === 'yes').length).toBe(1);
    expect(chartCsv(ch).trim().split('\n').length).toBe(mv.estimated + 1);
    expect(standaloneSvg(ch)).toMatch(/^<\?xml/);
    expect(reviewCharts(dep, '/').all.map((c) => c.id)).toContain('speccurve-depression');
    expect(tablePages(dep, '/').map((t) => t.id)).toContain('speccurve-depression');
    expect(ch.notes.join(' ')).toMatch(/96 not applicable/);
  });
  it('no chart without a multiverse (secondary outcomes) or without estimated specifications', () => {
    const qol = dep.outcomes.find((o) => !o.primary)!;
    expect(specCurveChart(qol)).toBeNull();
    expect(specCurveChart({ ...depression, multiverse: { ...mv, specifications: [], estimated: 0 } } as OutcomeSnapshot)).toBeNull();
  });
  it('intervals beyond the axis are clipped with arrows and said so; harm gets its own colour and legend entry', () => {
    const wild = {
      ...mv,
      specifications: [
        { ...mv.specifications[0], estimate: -0.5, ciLower: -0.6, ciUpper: -0.4, conclusion: 'benefit' as const },
        ...Array.from({ length: 30 }, (_, i) => ({ ...mv.specifications[0], estimate: -0.4 + i * 0.01, ciLower: -0.5 + i * 0.01, ciUpper: -0.3 + i * 0.01, conclusion: 'benefit' as const })),
        { ...mv.specifications[0], estimate: 0.3, ciLower: 0.1, ciUpper: 0.32, conclusion: 'harm' as const },
        { ...mv.specifications[0], estimate: -0.2, ciLower: -9, ciUpper: 8, conclusion: 'unclear' as const },
      ],
      main: null,
      harm: 1,
    };
    const c = specCurveChart({ ...depression, multiverse: wild } as OutcomeSnapshot)!;
    expect(count(c.wide, /class="clip"/g)).toBe(2);
    expect(c.notes.join(' ')).toMatch(/1 interval reaching beyond the axis is clipped/);
    expect(c.wide).toMatch(/class="sc-pt sc-harm"/);
    expect(c.wide).toMatch(/>harm<\/text>/);
    expect(c.wide).not.toMatch(/main analysis/);
  });
});
