/**
 * All charts of a review, computed once per build (the review page draws them, the /data/ endpoint
 * serves their CSV and SVG downloads from the same objects).
 */
import type { OutcomeSnapshot, ReviewSnapshot } from '../model.js';
import { bubbleChart } from './bubble.js';
import { countBarsChart, robSummaryChart } from './bars.js';
import { cumulativeChart } from './cumulative.js';
import { forestChart } from './forest.js';
import { funnelChart } from './funnel.js';
import { subgroupChart } from './subgroup.js';
import { specCurveChart } from './speccurve.js';
import { livingChart, livingRows } from './living.js';
import { tsaChart } from './tsa.js';
import { attritionChart } from './attrition.js';
import { CHART_CSS } from './style.js';
import type { Chart } from './svg.js';
import { INLINE_ROWS, tableCsv, type ChartTable } from './svg.js';
import { fmt } from '../format.js';

export type { Chart };

export interface OutcomeCharts {
  forest: Chart | null;
  rob: Chart | null;
  cumulative: Chart | null;
  funnel: Chart | null;
  bubble: Chart | null;
  subgroups: Map<string, Chart>;
  /** specification curve of a primary outcome's multiverse */
  specCurve: Chart | null;
  /** primary outcomes: the pooled estimate at each published version, and the trial sequential analysis */
  living: Chart | null;
  tsa: Chart | null;
}

export interface ReviewCharts {
  outcomes: Map<string, OutcomeCharts>;
  map: Chart[];
  /** pooled dropout per arm (snapshot.attrition) */
  attrition: Chart | null;
  all: Chart[];
}

const cache = new Map<string, ReviewCharts>();

export const studyPath = (base: string, reviewId: string, studyId: string) => `${base}reviews/${encodeURIComponent(reviewId)}/studies/${encodeURIComponent(studyId)}/`;

const humanize = (id: string) => id.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (m) => m.toUpperCase()).toLowerCase().replace(/^./, (m) => m.toUpperCase());

export function outcomeCharts(s: ReviewSnapshot, o: OutcomeSnapshot, base: string): OutcomeCharts {
  const subgroups = new Map<string, Chart>();
  for (const g of o.subgroups) {
    const ch = subgroupChart(o, g);
    if (ch) subgroups.set(g.moderator, ch);
  }
  const mod = o.result?.metaRegression?.moderators[0];
  return {
    forest: forestChart(o, { studyHref: (id) => studyPath(base, s.reviewId, id) }),
    rob: robSummaryChart(o),
    cumulative: cumulativeChart(o),
    funnel: funnelChart(o),
    bubble: bubbleChart(o, s.settings.ci, mod ? humanize(mod) : undefined),
    subgroups,
    specCurve: specCurveChart(o),
    living: o.primary ? livingChart(livingRows(s.history ?? [], o.id), { id: o.id, label: o.label, mid: o.mid, direction: o.direction }, (n) => `${base}reviews/${encodeURIComponent(s.reviewId)}/versions/${n}/`) : null,
    tsa: o.primary && o.tsa ? tsaChart(o.tsa, { id: o.id, label: o.label }) : null,
  };
}

export function reviewCharts(s: ReviewSnapshot, base: string): ReviewCharts {
  const key = `${s.reviewId}@${s.revision}@${s.generatedAt}@${base}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const outcomes = new Map<string, OutcomeCharts>();
  const all: Chart[] = [];
  for (const o of s.outcomes) {
    const oc = outcomeCharts(s, o, base);
    outcomes.set(o.id, oc);
    for (const ch of [oc.forest, oc.rob, oc.cumulative, oc.funnel, oc.bubble, ...oc.subgroups.values(), oc.specCurve, oc.living, oc.tsa]) if (ch) all.push(ch);
  }
  const map = (s.evidenceMap?.dimensions ?? []).map((d) => countBarsChart(d.id, d.label, d.counts)).filter((x): x is Chart => x !== null);
  all.push(...map);
  const attrition = attritionChart(s.attrition);
  if (attrition) all.push(attrition);
  const out = { outcomes, map, attrition, all };
  cache.set(key, out);
  return out;
}

/** One layout as a standalone SVG file (styles inlined, XML declaration): the page shows these. */
export function standaloneSvg(ch: Chart, variant: 'wide' | 'narrow' = 'wide'): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n${ch[variant].replace(/^<svg ([^>]*)>/, (_m, attrs: string) => `<svg ${attrs.replace(/ class="[^"]*"/, ' class="chart-svg"')}><style>${CHART_CSS}</style><rect width="100%" height="100%" fill="#fff"/>`)}\n`;
}

/** Intrinsic size of a layout (its viewBox). */
export function svgSize(svg: string): { width: number; height: number } {
  const m = svg.match(/viewBox="0 0 ([0-9.]+) ([0-9.]+)"/)!;
  return { width: Math.round(Number(m[1])), height: Math.round(Number(m[2])) };
}

/** Leave-one-out results as a table (study left out → re-pooled estimate). */
export function looTable(s: ReviewSnapshot, o: OutcomeSnapshot, base: string): { id: string; title: string; table: ChartTable } | null {
  const loo = o.result?.leaveOneOut;
  if (!loo || loo.length === 0) return null;
  const label = new Map(o.studies.map((x) => [x.id, x.label]));
  return {
    id: `loo-${o.id}`,
    title: `Leave-one-out sensitivity analysis of ${o.label}`,
    table: {
      caption: `${o.label}: pooled SMD with each study left out in turn`,
      columns: ['Study left out', 'SMD', '95% CI', 'τ²', 'I² (%)'],
      rows: loo.map((l) => [label.get(l.id) ?? l.id, fmt(l.estimate), `${fmt(l.ciLower)} to ${fmt(l.ciUpper)}`, fmt(l.tau2, 3), l.i2 === null ? '–' : fmt(l.i2, 0)]),
      links: loo.map((l) => studyPath(base, s.reviewId, l.id)),
    },
  };
}

/** Tables with their own page (/reviews/<id>/data/<table>/): those over INLINE_ROWS rows. */
export function tablePages(s: ReviewSnapshot, base: string): Array<{ id: string; title: string; table: ChartTable }> {
  const charts = reviewCharts(s, base).all.map((ch) => ({ id: ch.id, title: ch.title, table: ch.table }));
  const loo = s.outcomes.map((o) => looTable(s, o, base)).filter((x): x is NonNullable<typeof x> => x !== null);
  return [...charts, ...loo].filter((t) => t.table.rows.length > INLINE_ROWS);
}

/** Name of an evidence-map dimension: its label in the snapshot, else the moderator id in words. */
export function mapDimensionLabel(s: ReviewSnapshot, id: string): string {
  return s.evidenceMap?.dimensions.find((d) => d.id === id)?.label ?? humanize(id);
}

/**
 * The evidence map's cross-table (studies by one dimension × another) as a data table: the page
 * shows it and /data/<review>/map-cross.csv serves it, like every chart's data. Null without one.
 */
export function mapCrossTable(s: ReviewSnapshot): { id: string; title: string; table: ChartTable } | null {
  const cross = s.evidenceMap?.cross;
  if (!cross) return null;
  const rows = mapDimensionLabel(s, cross.rows);
  const cols = mapDimensionLabel(s, cross.cols);
  const title = `Studies by ${rows.toLowerCase()} and ${cols.toLowerCase()}`;
  return {
    id: 'map-cross',
    title,
    table: {
      caption: `${title} (number of studies in each cell)`,
      columns: [`${rows} (rows) × ${cols} (columns)`, ...cross.colLabels.map((l) => l.label)],
      rows: cross.rowLabels.map((l, i) => [l.label, ...cross.colLabels.map((_, j) => cross.cells[i]?.[j] ?? 0)]),
    },
  };
}

export function chartCsv(ch: Chart): string {
  return tableCsv(ch.table);
}
