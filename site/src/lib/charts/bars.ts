/**
 * Horizontal bar charts: the weighted risk-of-bias summary (robvis style: one stacked bar per RoB 2
 * domain, share of the pooled weight at low risk / some concerns / high risk / not assessed) and the
 * evidence-map counts (studies per level of a dimension).
 */
import type { OutcomeSnapshot, RobSummaryRow } from '../model.js';
import { fmt, inSentence } from '../format.js';
import { type Chart, c, fit, legend, legendBottom, NARROW, scale, svgOpen, text, WIDE, xAxis } from './svg.js';

const SEGMENTS = [
  ['low', 'Low risk', 'rob-low'],
  ['some', 'Some concerns', 'rob-some'],
  ['high', 'High risk', 'rob-high'],
  ['missing', 'Not assessed', 'rob-none'],
] as const;

const robRowLabel = (r: RobSummaryRow) => (r.domain === 'overall' ? 'Overall' : `${r.domain}: ${r.label}`);

export function robSummaryChart(o: OutcomeSnapshot): Chart | null {
  const rows: RobSummaryRow[] = o.robSummary ?? [];
  if (rows.length === 0) return null;
  const id = `rob-${o.id}`;
  const title = `Risk of bias (RoB 2) across the studies of ${o.label}, weighted`;
  const description = 'One bar per RoB 2 domain: the share of the pooled weight that comes from studies at low risk, with some concerns, at high risk, or not assessed.';

  const draw = (variant: 'w' | 'n'): string => {
    const wide = variant === 'w';
    const W = wide ? WIDE : NARROW;
    const rowH = wide ? 28 : 42;
    const L = wide ? 300 : 8, R = W - 12, top = 10;
    const x = scale(0, 100, L, R);
    const end = top + rows.length * rowH;
    const lg = legend(SEGMENTS.map(([, name, cls]) => ({ swatch: `<rect x="0" y="-6" width="14" height="12" class="${cls}"/>`, label: name })), wide ? L : 4, end + 58, R - (wide ? L : 4));
    // as tall as its legend needs (two lines on a phone)
    const H = Math.max(216, end + 84, legendBottom(end + 58, lg.height));
    const p: string[] = [svgOpen(id, variant, W, H, title, description, 'bars rob-summary')];
    rows.forEach((r, i) => {
      const y0 = top + i * rowH;
      const barY = wide ? y0 + 5 : y0 + 18;
      p.push(text(wide ? L - 8 : 4, wide ? y0 + 18 : y0 + 13, fit(robRowLabel(r), wide ? L - 16 : W - 8), wide ? 'text-anchor="end"' : ''));
      let acc = 0;
      for (const [k, name, cls] of SEGMENTS) {
        const v = r[k];
        if (v > 0) p.push(`<rect x="${c(x(acc))}" y="${c(barY)}" width="${c(x(acc + v) - x(acc))}" height="18" class="${cls}"><title>${name}: ${fmt(v, 0)}%</title></rect>`);
        acc += v;
      }
    });
    p.push(xAxis(x, 0, 100, end + 4, wide ? 5 : 4, 'Share of the pooled weight (%)', end + 36, W));
    p.push(lg.svg);
    p.push('</svg>');
    return p.join('');
  };
  return {
    id, title, description, wide: draw('w'), narrow: draw('n'), notes: [],
    table: {
      caption: `${o.label}: share of the pooled weight per RoB 2 judgement (%)`,
      columns: ['Domain', 'Low risk', 'Some concerns', 'High risk', 'Not assessed'],
      rows: rows.map((r) => [robRowLabel(r), Number(r.low.toFixed(1)), Number(r.some.toFixed(1)), Number(r.high.toFixed(1)), Number(r.missing.toFixed(1))]),
    },
  };
}

/** Studies per level of one evidence-map dimension. */
export function countBarsChart(idStem: string, dimLabel: string, counts: Array<{ level: string; label: string; studies: number }>): Chart | null {
  if (counts.length === 0) return null;
  const id = `map-${idStem}`;
  // Counts are whole studies: an axis to at least 4 keeps every tick a whole number (0, 1, 2, 3, 4; then steps of 2, 5, 10 …).
  const max = Math.max(...counts.map((x) => x.studies), 4);
  const total = counts.reduce((s, x) => s + x.studies, 0);
  const title = `Studies by ${inSentence(dimLabel)}`;
  const description = `Number of included studies per ${inSentence(dimLabel)} (${total} in all).`;

  const draw = (variant: 'w' | 'n'): string => {
    const wide = variant === 'w';
    const W = wide ? WIDE : NARROW;
    const rowH = wide ? 24 : 38;
    const L = wide ? 230 : 8, R = W - 44, top = 8;
    const x = scale(0, max, L, R);
    const end = top + counts.length * rowH;
    const H = Math.max(216, end + 44);
    const p: string[] = [svgOpen(id, variant, W, H, title, description, 'bars counts')];
    counts.forEach((k, i) => {
      const y0 = top + i * rowH;
      const barY = wide ? y0 + 4 : y0 + 17;
      p.push(text(wide ? L - 8 : 4, wide ? y0 + 16 : y0 + 12, fit(k.label, wide ? L - 16 : W - 8), wide ? 'text-anchor="end"' : ''));
      p.push(`<rect x="${L}" y="${c(barY)}" width="${c(Math.max(1, x(k.studies) - L))}" height="16" class="bar"/>`);
      p.push(text(x(k.studies) + 4, barY + 12, String(k.studies), 'class="num"'));
    });
    p.push(xAxis(x, 0, max, end + 4, 4, 'Studies', end + 36, W));
    p.push('</svg>');
    return p.join('');
  }
  return {
    id, title, description, wide: draw('w'), narrow: draw('n'), notes: [],
    table: { caption: `Studies by ${inSentence(dimLabel)}`, columns: [dimLabel, 'Studies'], rows: counts.map((k) => [k.label, k.studies]) },
  };
}
