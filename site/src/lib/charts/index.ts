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
import { CHART_CSS } from './style.js';
import type { Chart } from './svg.js';
import { tableCsv } from './svg.js';

export type { Chart };

export interface OutcomeCharts {
  forest: Chart | null;
  rob: Chart | null;
  cumulative: Chart | null;
  funnel: Chart | null;
  bubble: Chart | null;
  subgroups: Map<string, Chart>;
}

export interface ReviewCharts {
  outcomes: Map<string, OutcomeCharts>;
  map: Chart[];
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
    for (const ch of [oc.forest, oc.rob, oc.cumulative, oc.funnel, oc.bubble, ...oc.subgroups.values()]) if (ch) all.push(ch);
  }
  const map = (s.evidenceMap?.dimensions ?? []).map((d) => countBarsChart(d.id, d.label, d.counts)).filter((x): x is Chart => x !== null);
  all.push(...map);
  const out = { outcomes, map, all };
  cache.set(key, out);
  return out;
}

/** The wide layout as a standalone SVG file (styles inlined, XML declaration). */
export function standaloneSvg(ch: Chart): string {
  return `<?xml version="1.0" encoding="utf-8"?>\n${ch.wide.replace(/^<svg ([^>]*)>/, (_m, attrs: string) => `<svg ${attrs.replace(/ class="[^"]*"/, ' class="chart-svg"')}><style>${CHART_CSS}</style><rect width="100%" height="100%" fill="#fff"/>`)}\n`;
}

export function chartCsv(ch: Chart): string {
  return tableCsv(ch.table);
}
