/**
 * The site's chart functions (pure TS → SVG strings) on the real snapshot of the Metapsy
 * self-guided depression review (core's snapshot builder; test/site/sample.ts) and on small
 * hand-made outcomes for the edge cases.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { sampleSnapshots } from './sample.js';
import type { OutcomeSnapshot, ReviewSnapshot } from '../../site/src/lib/model.js';
import { forestChart, favours, FOREST_ROWS, forestRowLinkCss } from '../../site/src/lib/charts/forest.js';
import { cumulativeChart, cumulativeRange, cumulativeSteps } from '../../site/src/lib/charts/cumulative.js';
import { CONTOUR_Z, funnelChart } from '../../site/src/lib/charts/funnel.js';
import { bandCritical, bubbleChart, fittedBand } from '../../site/src/lib/charts/bubble.js';
import { subgroupChart } from '../../site/src/lib/charts/subgroup.js';
import { inSentence } from '../../site/src/lib/format.js';
import { countBarsChart, robSummaryChart } from '../../site/src/lib/charts/bars.js';
import { reviewCharts, standaloneSvg, chartCsv } from '../../site/src/lib/charts/index.js';
import { NARROW, textWidth, ticks, xAxis } from '../../site/src/lib/charts/svg.js';
import { tsaSvg } from '../../site/src/lib/charts/tsa.js';
import { analyze } from '../../core/meta/analyze.js';
import { tau2Text, footnoteNumbers } from '../../site/src/lib/present.js';

const snaps = sampleSnapshots();
const dep: ReviewSnapshot = snaps.find((s) => s.reviewId === 'selfguided-depression')!;
const depression = dep.outcomes.find((o) => o.id === 'depression')!;
const wellbeing = dep.outcomes.find((o) => o.id === 'wellbeing')!;

const count = (svg: string, re: RegExp) => (svg.match(re) ?? []).length;
const attrNums = (svg: string, name: string) => [...svg.matchAll(new RegExp(`${name}="([0-9.]+)"`, 'g'))].map((m) => Number(m[1]));
const viewBox = (svg: string) => svg.match(/viewBox="0 0 ([0-9.]+) ([0-9.]+)"/)!.slice(1).map(Number);

function tiny(over: Partial<OutcomeSnapshot> = {}): OutcomeSnapshot {
  const rows = [
    { id: '__proto__', label: 'toString 2001', year: 2001, yi: -0.8, vi: 0.09 },
    { id: 'constructor', label: 'Smith, "A" 2003', year: 2003, yi: -0.2, vi: 0.04 },
    { id: 's3', label: 'Lee 2003', year: 2003, yi: -0.4, vi: 0.02 },
  ].map((r) => ({ ...r, ciLower: r.yi - 1.96 * Math.sqrt(r.vi), ciUpper: r.yi + 1.96 * Math.sqrt(r.vi), weight: 100 / 3, n: 80, rows: 1, instruments: ['PHQ-9'], flipped: false, moderators: { year: r.year } }));
  return {
    ...depression, id: 'tiny', label: 'Tiny', k: 3, participants: 240, studies: rows, subgroups: [],
    result: { ...depression.result!, estimate: -0.4, ciLower: -0.9, ciUpper: 0.1, piLower: -1.5, piUpper: 0.7, cumulative: null, trimFill: null, metaRegression: null },
    robSummary: null, ...over,
  } as OutcomeSnapshot;
}

describe('forest plot', () => {
  const ch = forestChart(depression, { studyHref: (id) => `/reviews/x/studies/${id}/` })!;
  it('one square, whisker and study link per study; the pooled diamond; a labelled prediction interval', () => {
    for (const svg of [ch.wide, ch.narrow]) {
      expect(count(svg, /<g class="row"/g)).toBe(depression.k);
      expect(count(svg, /class="diamond"/g)).toBe(1);
      expect(count(svg, /class="pi"/g)).toBe(1);
      expect(count(svg, /href="\/reviews\/x\/studies\//g)).toBe(depression.k);
    }
    expect(ch.wide).toMatch(/Prediction interval/);
    // Every study's effect is printed as the snapshot has it.
    for (const s of depression.studies) expect(ch.narrow).toContain(`${s.yi.toFixed(2).replace('-', '−')} [`);
  });
  it('weight, n and six RoB 2 marks per row on the wide layout; the phone layout drops them', () => {
    expect(count(ch.wide, /<use href="#forest-depression-w-r[lsh]"/g)).toBe(6 * depression.studies.filter((s) => s.rob).length);
    expect(ch.wide).toMatch(/>Weight</);
    expect(ch.narrow).not.toMatch(/<use /);
    expect(ch.table.columns).toEqual(expect.arrayContaining(['n', 'Weight (%)', 'RoB D1', 'RoB overall']));
    expect(ch.table.rows).toHaveLength(depression.k + 1);
  });
  it('favours-labels follow the outcome direction', () => {
    expect(favours('lower-is-better')).toEqual(['favours intervention', 'favours control']);
    expect(favours('higher-is-better')).toEqual(['favours control', 'favours intervention']);
    const qol = dep.outcomes.find((o) => o.id === 'qol')!;
    expect(qol.direction).toBe('higher-is-better');
    expect(forestChart(qol)!.wide).toMatch(/← favours control.*favours intervention →/);
  });
  it('no prediction interval when the snapshot says it is not meaningful (k = 2)', () => {
    expect(wellbeing.k).toBe(2);
    const w = forestChart({ ...wellbeing, display: { ...wellbeing.display!, predictionInterval: false } })!;
    expect(w.wide).not.toMatch(/class="pi"/);
  });
  it('phone layout: 288 wide (its 12-unit text is 12 px in the 288 px box of a 320 px phone), at least 216 tall, no text below 11 px', () => {
    const [w, h] = viewBox(ch.narrow);
    expect(w).toBe(288);
    expect(h).toBeGreaterThanOrEqual(216);
    expect(Math.min(...attrNums(ch.narrow, 'font-size'))).toBeGreaterThanOrEqual(11);
  });
  it('study ids and labels are data: __proto__, quotes and commas survive into SVG and CSV', () => {
    const t = forestChart(tiny(), { studyHref: (id) => `/s/${id}/` })!;
    expect(t.wide).toContain('data-study="__proto__"');
    expect(t.wide).toContain('Smith, &quot;A&quot; 2003');
    expect(chartCsv(t).split('\n')[2]).toMatch(/^"Smith, ""A"" 2003",2003,/);
  });
  it('row links for the page: one per study in row order, laid out by the geometry the drawing uses', () => {
    expect(ch.rowLinks!.map((l) => l.href)).toEqual(depression.studies.map((s) => `/reviews/x/studies/${s.id}/`));
    expect(ch.rowLinks!.map((l) => l.label)).toEqual(depression.studies.map((s) => s.label));
    expect(forestChart(depression)!.rowLinks).toBeUndefined();
    const css = forestRowLinkCss();
    for (const [svg, g] of [[ch.wide, FOREST_ROWS.w], [ch.narrow, FOREST_ROWS.n]] as const) {
      expect(viewBox(svg)[0]).toBe(g.width);
      // row i (its label, numbers and interval) lies within top + i·rowH … top + (i + 1)·rowH of the drawing
      const groups = [...svg.matchAll(/<g class="row" data-study="[^"]*">(.*?)<\/g>/g)].map((m) => m[1]);
      expect(groups).toHaveLength(depression.k);
      groups.forEach((inner, i) => {
        const ys = [...inner.matchAll(/ (?:y|y1|y2)="([0-9.]+)"/g)].map((m) => Number(m[1]));
        expect(ys.length, `row ${i}`).toBeGreaterThanOrEqual(3);
        for (const y of ys) {
          expect(y, `row ${i}`).toBeGreaterThan(g.top + i * g.rowH);
          expect(y, `row ${i}`).toBeLessThan(g.top + (i + 1) * g.rowH);
        }
      });
      // … and the CSS puts link i at the same share of the image's width
      expect(css).toContain(`padding-top:${((100 * g.top) / g.width).toFixed(4)}%`);
      expect(css).toContain(`padding-bottom:${((100 * g.rowH) / g.width).toFixed(4)}%`);
    }
    expect(css).toMatch(/@media \(min-width:60rem\)\{[^}]*padding-top:3\.9474%/);
    // a phone row is ≥ 24 px tall from a 231 px box (the 288 px box of a 320 px phone: 30 px)
    expect((FOREST_ROWS.n.rowH * 231) / FOREST_ROWS.n.width).toBeGreaterThanOrEqual(24);
    // below the breakpoint the chart box is capped at 25rem, so a tablet shows the phone drawing at most 400 px wide
    expect(css.split('@media')[0]).toContain('.fig .chart-box{max-width:25rem}');
  });
  it('phone rows are two lines: the label with its numbers above, the interval below it across the plot', () => {
    const rowsN = [...ch.narrow.matchAll(/<g class="row" data-study="[^"]*">(.*?)<\/g>/g)].map((m) => m[1]);
    for (const [i, inner] of rowsN.entries()) {
      const texts = [...inner.matchAll(/<text x="([0-9.]+)" y="([0-9.]+)"/g)].map((m) => Number(m[2]));
      const ci = Number(inner.match(/<line [^>]*y1="([0-9.]+)"[^>]*class="ci"/)![1]);
      expect(texts, `row ${i}`).toHaveLength(2);
      expect(texts[0], `row ${i}: label and numbers on one line`).toBe(texts[1]);
      expect(ci - texts[0], `row ${i}: interval below the text`).toBeGreaterThanOrEqual(8);
    }
  });
  it('axis tick labels stand at least 34 units apart in both layouts (no overlapping "−3.0 −2.5")', () => {
    for (const o of [depression, tiny()]) {
      const f = forestChart(o)!;
      for (const svg of [f.wide, f.narrow]) {
        const xs = [...svg.matchAll(/<text x="([0-9.]+)" y="[0-9.]+" text-anchor="middle">[−0-9.]+<\/text>/g)].map((m) => Number(m[1]));
        expect(xs.length).toBeGreaterThanOrEqual(2);
        for (let i = 1; i < xs.length; i++) expect(xs[i] - xs[i - 1]).toBeGreaterThanOrEqual(33.9);
      }
    }
  });
  it('an interval beyond the axis ends in an arrow and says so', () => {
    const o = tiny();
    o.studies[0] = { ...o.studies[0], yi: -0.5, ciLower: -9, ciUpper: 8 };
    const t = forestChart(o)!;
    expect(count(t.wide, /class="clip"/g)).toBe(2);
    expect(t.notes.join(' ')).toMatch(/arrow/);
  });
});

describe('cumulative plot', () => {
  const ch = cumulativeChart(depression)!;
  const steps = cumulativeSteps(depression);
  it('one step per study on a publication-year axis, same-year studies spread within the year', () => {
    expect(steps).toHaveLength(depression.result!.cumulative!.filter((c) => c.estimate !== null && c.ciLower !== null).length);
    for (const s of steps) expect(s.t).toBeGreaterThan(s.year);
    for (const s of steps) expect(s.t).toBeLessThan(s.year + 1);
    expect(ch.wide).toMatch(/Publication year/);
    expect(ch.table.rows.map((r) => r[1])).not.toContain(undefined);
  });
  it('the y-range comes from the later steps (k ≥ 5): the early two-study interval is clipped, not scaled to', () => {
    const [lo, hi] = cumulativeRange(steps);
    const later = steps.filter((s) => s.k >= 5);
    expect(lo).toBeLessThanOrEqual(Math.min(...later.map((s) => s.ciLower)));
    expect(hi).toBeGreaterThanOrEqual(Math.max(...later.map((s) => s.ciUpper)));
    const early = steps.find((s) => s.k === 2)!;
    expect(early.ciLower < lo || early.ciUpper > hi).toBe(true);
    expect(hi - lo).toBeLessThan(3);
    expect(count(ch.wide, /class="clip"/g)).toBeGreaterThan(0);
  });
  it('the CI is one band and one legend entry, not "upper"/"lower" lines', () => {
    expect(count(ch.wide, /class="band"/g)).toBe(2); // the band and its legend swatch
    expect(ch.wide).toContain('>95% CI<');
    expect(ch.wide).not.toMatch(/upper|lower/i);
  });
});

describe('funnel plot', () => {
  const ch = funnelChart(depression)!;
  it('contours of p = .10/.05/.01 around zero: apexes on the zero line, half-widths in the ratio of the z quantiles', () => {
    const wedges = ['fns', 'f10', 'f05'].map((cls) => {
      const m = ch.wide.match(new RegExp(`<polygon points="([^"]+)" class="${cls}"/>`))!;
      return m[1].split(' ').map((p) => p.split(',').map(Number));
    });
    const zeroX = Number(ch.wide.match(/<line x1="([0-9.]+)" x2="\1" y1="12" y2="[0-9.]+" class="axis"\/>/)![1]);
    for (const w of wedges) expect(w[0][0]).toBeCloseTo(zeroX, 0);
    const half = wedges.map((w) => (w[2][0] - w[1][0]) / 2);
    expect(half[1] / half[0]).toBeCloseTo(CONTOUR_Z.p05 / CONTOUR_Z.p10, 2);
    expect(half[2] / half[0]).toBeCloseTo(CONTOUR_Z.p01 / CONTOUR_Z.p10, 2);
    expect(ch.notes.join(' ')).toMatch(/centred on zero/);
    expect(ch.wide).not.toMatch(/p = \.05 contour/);
  });
  it('one dot per study plus open circles for trim-and-fill studies', () => {
    expect(count(ch.wide, /class="dot"/g)).toBe(depression.k);
    expect(count(ch.wide, /<circle [^>]*class="filled"/g)).toBe((depression.result!.trimFill?.filled.length ?? 0) + ((depression.result!.trimFill?.filled.length ?? 0) > 0 ? 1 : 0));
  });
});

describe('meta-regression bubble plot', () => {
  type Fit = { test: string; moderators: string | string[]; coef: number[]; vcov: number[][]; df: number | null; x: number[]; held: number | null; pred: number[]; ciLower: number[]; ciUpper: number[] };
  const ref = JSON.parse(readFileSync(resolve(__dirname, '../fixtures/site/metareg-band.json'), 'utf8')) as { studies: Array<{ id: string; yi: number; vi: number; year: number; ablat: number }>; fits: Fit[] };
  for (const r of ref.fits) {
    const mods = ([] as string[]).concat(r.moderators);
    it(`band from metafor's own vcov() equals its predict() (${mods.join(' + ')}, ${r.test})`, () => {
      const q = bandCritical(r.test, r.df);
      r.x.forEach((x, i) => {
        const b = fittedBand(r.coef, r.vcov, q, mods.length === 1 ? x : [1, x, r.held!]);
        expect(b.fit).toBeCloseTo(r.pred[i], 8);
        expect(Math.abs(b.lower - r.ciLower[i])).toBeLessThan(1e-6);
        expect(Math.abs(b.upper - r.ciUpper[i])).toBeLessThan(1e-6);
      });
    });
    it(`core's meta-regression carries vcov() and the chart's band equals metafor predict() (${mods.join(' + ')}, ${r.test})`, () => {
      const res = analyze({ measure: 'GEN', method: 'REML', ci: r.test as 'z' | 'knha', level: 0.95, metaRegression: mods, studies: ref.studies.map((s) => ({ id: s.id, yi: s.yi, vi: s.vi, moderators: { year: s.year, ablat: s.ablat } })) });
      const mr = res.metaRegression!;
      expect(mr.vcov).toHaveLength(r.coef.length);
      mr.vcov!.forEach((row, i) => row.forEach((v, j) => expect(Math.abs(v - r.vcov[i][j])).toBeLessThan(1e-6 * Math.max(1, Math.abs(r.vcov[i][j])))));
      const weights = new Map(res.studies.map((s) => [s.id, s.weight]));
      const o = {
        ...depression, id: 'bcg', label: 'BCG', k: ref.studies.length, subgroups: [], result: { ...res, metaRegression: mr },
        studies: ref.studies.map((s) => ({ id: s.id, label: s.id, year: s.year, yi: s.yi, vi: s.vi, ciLower: s.yi, ciUpper: s.yi, weight: weights.get(s.id) ?? null, n: null, rows: 1, instruments: [], flipped: false, moderators: { year: s.year, ablat: s.ablat } })),
      } as OutcomeSnapshot;
      const ch = bubbleChart(o, r.test, 'Year')!;
      expect(ch.wide).toMatch(/<polygon [^>]*class="band"/);
      expect(ch.table.columns.slice(-3)).toEqual(['Fitted SMD', 'Fitted 95% CI lower', 'Fitted 95% CI upper']);
      const byStudy = new Map(ch.table.rows.map((row) => [row[0], row]));
      ref.studies.forEach((s, i) => {
        const row = byStudy.get(s.id)!;
        expect(row[4]).toBeCloseTo(r.pred[i], 4);
        expect(row[5]).toBeCloseTo(r.ciLower[i], 4);
        expect(row[6]).toBeCloseTo(r.ciUpper[i], 4);
      });
    });
  }
  it('the real snapshot carries the covariance: the depression bubble plot has its band', () => {
    const mr = depression.result!.metaRegression!;
    expect(mr.vcov).toHaveLength(mr.coefficients.length);
    const ch = bubbleChart(depression, 'knha', 'Year')!;
    expect(ch.wide).toMatch(/<polygon [^>]*class="band"/);
    expect(count(ch.wide, /class="bub"/g)).toBe(depression.k - mr.excluded.length + 1);
    if (mr.moderators.length > 1) expect(ch.notes.join(' ')).toMatch(/held at its mean/);
  });
  it('without the covariance (an older snapshot) no band is drawn and the chart says why', () => {
    const { vcov: _omit, ...mr } = depression.result!.metaRegression!;
    const ch = bubbleChart({ ...depression, result: { ...depression.result!, metaRegression: mr } }, 'knha', 'Year')!;
    expect(ch.wide).not.toMatch(/class="band"/);
    expect(ch.notes.join(' ')).toMatch(/covariance/);
    expect(ch.table.columns).not.toContain('Fitted 95% CI lower');
  });
});

describe('subgroups, RoB summary, evidence map', () => {
  it('one diamond per level, named by the review file label, never the code', () => {
    const g = depression.subgroups.find((x) => x.moderator === 'targetGroup')!;
    const ch = subgroupChart(depression, g)!;
    expect(count(ch.wide, /class="diamond"/g)).toBe(g.result!.groups.length);
    expect(ch.wide).toContain('Adults (k = ');
    expect(ch.table.rows.map((r) => r[0])).not.toContain('adul');
  });
  it('a label inside a sentence keeps its acronyms: "by risk of bias (RoB 2 overall)", not "(rob 2 overall)"', () => {
    expect(inSentence('Risk of bias (RoB 2 overall)')).toBe('risk of bias (RoB 2 overall)');
    expect(inSentence('Anxiety (GAD-7)')).toBe('anxiety (GAD-7)');
    expect(inSentence('Well-being')).toBe('well-being');
    expect(inSentence('iCBT format')).toBe('iCBT format');
    expect(inSentence('Über Ärzte')).toBe('über ärzte');
    const g = depression.subgroups.find((x) => x.moderator === 'rob')!;
    const ch = subgroupChart(depression, g)!;
    expect(ch.title).toBe(`Depressive symptoms by ${inSentence(g.label)}`);
    expect(ch.title).toMatch(/RoB 2/);
  });
  it('a level name too long for the phone drawing is shortened, never its count: every row ends "(k = n)" with the table\'s n', () => {
    for (const g of depression.subgroups) {
      const ch = subgroupChart(depression, g);
      if (!ch) continue;
      for (const svg of [ch.narrow, ch.wide]) {
        const names = [...svg.matchAll(/<text x="[0-9.]+" y="[0-9.]+">([^<]*\(k = [^<]*)<\/text>/g)].map((m) => m[1]);
        expect(names.length, g.moderator).toBe(ch.table.rows.length);
        names.forEach((n, i) => expect(n, g.moderator).toMatch(new RegExp(`\\(k = ${ch.table.rows[i][1]}\\)$`)));
      }
    }
    // … and some phone names were long enough to need it.
    expect(depression.subgroups.some((g) => subgroupChart(depression, g)?.narrow.includes('… (k = '))).toBe(true);
  });
  it('RoB summary: one stacked bar per domain, segments in proportion to the weight shares', () => {
    const ch = robSummaryChart(depression)!;
    expect(ch.table.rows).toHaveLength(6);
    const widths = [...ch.wide.matchAll(/width="([0-9.]+)" height="18" class="rob-(low|some|high|none)"/g)].map((m) => Number(m[1]));
    const total = widths.reduce((a, b) => a + b, 0);
    expect(total / 6).toBeCloseTo(760 - 12 - 300, -1);
  });
  it('evidence-map bars: one bar per level with its count', () => {
    const ch = countBarsChart('disorder', 'Disorder', [{ level: 'dep', label: 'Depression', studies: 12 }, { level: 'anx', label: 'Anxiety', studies: 3 }])!;
    expect(count(ch.narrow, /class="bar"/g)).toBe(2);
    expect(ch.narrow).toContain('>12<');
    expect(chartCsv(ch)).toBe('Disorder,Studies\nDepression,12\nAnxiety,3\n');
  });
  it('evidence-map bars count whole studies: every tick label is a whole number, for no, few and many studies', () => {
    for (const n of [0, 1, 2, 3, 7, 13, 150]) {
      const ch = countBarsChart('region', 'Region', [{ level: 'a', label: 'East', studies: n }, { level: 'b', label: 'West', studies: 0 }])!;
      for (const svg of [ch.wide, ch.narrow]) {
        // tick labels sit under the axis, centred: <text … text-anchor="middle">label</text> (the axis title has class="axlab")
        const ticks = [...svg.matchAll(/<text [^>]*text-anchor="middle"[^>]*>([^<]*)<\/text>/g)].filter((m) => !m[0].includes('axlab')).map((m) => m[1]);
        expect(ticks.length, `${n} studies`).toBeGreaterThanOrEqual(2);
        for (const t of ticks) expect(t, `${n} studies: tick ${t}`).toMatch(/^\d+$/);
      }
    }
  });
});

describe('review charts and downloads', () => {
  it('every chart id is unique within a review and every download SVG is standalone with its styles', () => {
    const all = reviewCharts(dep, '/').all;
    expect(new Set(all.map((c) => c.id)).size).toBe(all.length);
    const svg = standaloneSvg(all[0]);
    expect(svg).toMatch(/^<\?xml/);
    expect(svg).toMatch(/<style>.*\.chart-svg/s);
  });
  it('every phone drawing is NARROW (288) units wide, and every legend line lies inside its drawing (the drawing grows to hold a wrapped legend)', () => {
    let legends = 0;
    for (const s of snaps) for (const ch of reviewCharts(s, '/').all) {
      const [w, h] = viewBox(ch.narrow);
      expect(w, ch.id).toBe(NARROW);
      // legend entries: <g transform="translate(x y)"><swatch/><text x="20" y="4">label</text></g>
      for (const m of ch.narrow.matchAll(/<g transform="translate\(([0-9.]+) ([0-9.]+)\)">.*?<text x="20" y="4">([^<]*)<\/text><\/g>/g)) {
        legends++;
        const [x, y, label] = [Number(m[1]), Number(m[2]), m[3]];
        expect(y + 8, `${ch.id}: "${label}" below the drawing`).toBeLessThanOrEqual(h);
        expect(x + 20 + textWidth(label), `${ch.id}: "${label}" past the right edge`).toBeLessThanOrEqual(w);
      }
    }
    expect(legends).toBeGreaterThan(10);
  });
  it('x-axis end tick labels are moved inside the drawing when given its width', () => {
    const x = (v: number) => 4 + v * 280; // a plot running to 4 units from either edge
    const labels = (svg: string) => [...svg.matchAll(/<text x="([0-9.]+)" y="[0-9.]+" text-anchor="middle">([^<]+)<\/text>/g)].map((m) => ({ x: Number(m[1]), s: m[2] }));
    const free = labels(xAxis(x, 0, 1, 100, 4));
    expect(free[0].x - textWidth(free[0].s) / 2).toBeLessThan(0); // "0.0" centred on x = 4 crosses the left edge
    for (const l of labels(xAxis(x, 0, 1, 100, 4, undefined, undefined, 288))) {
      expect(l.x - textWidth(l.s) / 2, l.s).toBeGreaterThanOrEqual(0);
      expect(l.x + textWidth(l.s) / 2, l.s).toBeLessThanOrEqual(288);
    }
  });
  it('TSA: "benefit" above the plot and "harm" below it, where the Z-curve cannot run (it runs along the top when Z is large)', () => {
    const tsa = dep.outcomes.find((o) => o.primary && o.tsa)!.tsa!;
    for (const v of ['w', 'n'] as const) {
      const svg = tsaSvg(tsa, { id: 'd', label: 'D' }, v);
      const [, h] = viewBox(svg);
      const top = Math.min(...[...svg.matchAll(/<line x1="[0-9.]+" x2="[0-9.]+" y1="([0-9.]+)" y2="([0-9.]+)" stroke="#b35900"/g)].map((m) => Number(m[1])));
      const bottom = Math.max(...[...svg.matchAll(/<line x1="[0-9.]+" x2="[0-9.]+" y1="[0-9.]+" y2="([0-9.]+)" stroke="#b35900"/g)].map((m) => Number(m[1])));
      const y = (word: string) => Number(svg.match(new RegExp(`<text x="[0-9.]+" y="([0-9.]+)" text-anchor="end" fill="#a00">${word}</text>`))![1]);
      expect(y('benefit'), v).toBeLessThan(top - 4);
      expect(y('harm') - 12, v).toBeGreaterThan(bottom);
      expect(y('harm'), v).toBeLessThanOrEqual(h);
      // the curve's points, clamped to the plot, stay between the two
      for (const m of svg.matchAll(/<circle cx="[0-9.]+" cy="([0-9.]+)" r="2.2"/g)) expect(Number(m[1])).toBeGreaterThanOrEqual(top);
    }
  });
  it('TSA: the Z-curve is drawn at its own values, also beyond Z = 8 (no flat line along the top)', () => {
    const tsa = dep.outcomes.find((o) => o.primary && o.tsa)!.tsa!;
    expect(Math.max(...tsa.points.map((q) => q.z))).toBeGreaterThan(9);
    for (const v of ['w', 'n'] as const) {
      const svg = tsaSvg(tsa, { id: 'd', label: 'D' }, v);
      const cys = [...svg.matchAll(/<circle cx="[0-9.]+" cy="([0-9.]+)" r="2.2"/g)].map((m) => Number(m[1]));
      expect(cys).toHaveLength(tsa.points.length);
      // cy is one straight line of Z: fit it on two points, every other point lies on it (to the 0.1 the SVG rounds to).
      const [a, b] = [0, tsa.points.length - 1];
      const slope = (cys[b] - cys[a]) / (tsa.points[b].z - tsa.points[a].z);
      expect(slope).toBeLessThan(0);
      tsa.points.forEach((q, i) => expect(Math.abs(cys[a] + slope * (q.z - tsa.points[a].z) - cys[i]), `${q.label} Z ${q.z}`).toBeLessThan(0.2));
    }
  });
  it('ticks are round numbers covering the range', () => {
    expect(ticks(-1.1, 0.3, 5)).toEqual([-1, -0.8, -0.6, -0.4, -0.2, 0, 0.2]);
    expect(ticks(1990, 2024, 4)).toEqual([1990, 2000, 2010, 2020]);
  });
  it('τ² upper bound at the search limit is printed "> 100"', () => {
    expect(tau2Text({ ...wellbeing, display: { ...wellbeing.display!, tau2UpperAtLimit: true } })).toMatch(/, > 100\]$/);
    expect(tau2Text({ ...depression, display: { ...depression.display!, tau2UpperAtLimit: false } })).not.toMatch(/100/);
  });
  it('summary-of-findings footnotes are numbered once across outcomes', () => {
    const { numbers, notes } = footnoteNumbers(dep.outcomes);
    expect(notes.length).toBe(new Set(notes).size);
    for (const o of dep.outcomes) expect((numbers.get(o.id) ?? []).map((n) => notes[n - 1])).toEqual(o.certainty?.footnotes ?? []);
    expect(notes.length).toBeGreaterThan(0);
  });
});
