/**
 * Trial sequential analysis chart: the cumulative Z-curve over the accrued information, the
 * Lan–DeMets O'Brien–Fleming boundaries for benefit (above) and harm (below), the futility wedge,
 * the conventional ±1.96 lines and the required information size. Pure: data in, SVG text out
 * (build time, no JS), in both layouts of every chart and served as a `Chart` (tsaChart).
 */
import type { TsaResult } from '../../../../core/analysis/tsa.js';
import { svgOpen, textWidth, type Chart } from './svg.js';
import { esc, frame, grid, hline, num, ticks, xTitle, yTitle } from './frame.js';

const TSA_DESC = 'The cumulative Z-curve (blue) over the participants accrued, trials in publication order; crossing the red Lan–DeMets O\'Brien–Fleming boundary above (benefit) or below (harm) makes the result conclusive, entering the green wedge shows futility; the dashed vertical line is the required information size (RIS).';

/** The trial sequential analysis of one outcome as a chart (id `tsa-<outcome>`), or null without trials. */
export function tsaChart(tsa: TsaResult, opts: { id: string; label: string }): Chart | null {
  if (tsa.points.length === 0) return null;
  const fmtN = (v: number | null) => (v === null ? '' : Number(v.toFixed(4)));
  return {
    id: `tsa-${opts.id}`,
    title: `${opts.label}: conclusive yet? (trial sequential analysis)`,
    description: TSA_DESC,
    wide: tsaSvg(tsa, opts, 'w'),
    narrow: tsaSvg(tsa, opts, 'n'),
    table: {
      caption: `${opts.label}: cumulative Z and boundaries per trial`,
      columns: ['Trial', 'Participants (cumulative)', 'Information (%)', 'Z', 'Benefit boundary', 'Futility boundary'],
      rows: tsa.points.map((q) => [q.label, q.participants, Number((q.fraction * 100).toFixed(1)), fmtN(q.z), fmtN(q.efficacy), q.futility === null || q.futility <= 0 ? '' : fmtN(q.futility)]),
    },
    notes: [tsa.note],
  };
}

/**
 * The plot's Z range follows the Z-curve (a review of many trials reaches Z = 10 or more, which a
 * fixed ±8 drew as a flat line along the top), with room for ±1.96 and the boundary at the last
 * look; ZCAP bounds it for extreme data. The O'Brien–Fleming boundary at the first looks is very
 * high by design: above the range it runs along the plot's edge.
 */
const ZCAP = 40;

export function tsaSvg(tsa: TsaResult, opts: { id: string; label: string }, variant: 'w' | 'n' = 'n'): string {
  if (tsa.points.length === 0) return '';
  const fMax = Math.max(1.05, ...tsa.points.map((p) => p.fraction)) * 1.02;
  const lastBoundary = [...tsa.points].reverse().find((q) => q.efficacy !== null)?.efficacy ?? 1.96;
  const zTop = Math.min(ZCAP, Math.max(4.5, lastBoundary + 0.5, ...tsa.points.map((q) => Math.abs(q.z) * 1.05 + 0.3)));
  const clampZ = (z: number) => Math.max(-zTop, Math.min(zTop, z));
  // T: a row above the plot for the 'benefit' and RIS labels, which inside the plot would lie on a Z-curve that runs along the top
  const f = frame(variant, { w: 334, n: 274 }, { L: 34, R: 12, T: 28, B: 40 }, [0, fMax], [-zTop, zTop]);
  const { W, H, L, R, T, B, x } = f;
  const y = (z: number) => f.y(clampZ(z));
  const p: string[] = [];
  p.push(svgOpen(`tsa-${opts.id}`, variant, W, H, `Trial sequential analysis of ${opts.label}: ${tsa.statusText}`, TSA_DESC, 'tsa'));
  p.push(...grid(f, ticks(-zTop, zTop, 6), '#eee', 0));
  p.push(hline(f, 0, 'stroke="#333"'));
  for (const c of [1.96, -1.96]) p.push(hline(f, c, 'stroke="#888" stroke-dasharray="3 3"'));
  // required information size
  p.push(`<line x1="${x(1).toFixed(1)}" x2="${x(1).toFixed(1)}" y1="${T}" y2="${H - B}" stroke="#b35900" stroke-dasharray="5 3"/>`);
  // boundaries at the looks (extended flat past the RIS)
  const withB = tsa.points.filter((q) => q.efficacy !== null);
  const line = (pts: [number, number][], color: string, dash = '') =>
    pts.length > 1 ? p.push(`<polyline points="${pts.map(([f, z]) => `${x(f).toFixed(1)},${y(z).toFixed(1)}`).join(' ')}" fill="none" stroke="${color}" stroke-width="1.5"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`) : 0;
  const effPts: [number, number][] = withB.map((q) => [Math.min(1, q.fraction), q.efficacy!]);
  if (effPts.length && fMax > 1) effPts.push([fMax, effPts[effPts.length - 1][1]]);
  line(effPts, '#a00');
  line(effPts.map(([f, z]) => [f, -z]), '#a00');
  const fut: [number, number][] = tsa.points.filter((q) => q.futility !== null && q.futility > 0).map((q) => [Math.min(1, q.fraction), q.futility!]);
  line(fut, '#2a7a2a', '4 2');
  line(fut.map(([f, z]) => [f, -z]), '#2a7a2a', '4 2');
  // Z-curve
  const zc: [number, number][] = [[0, 0], ...tsa.points.map((q) => [q.fraction, q.z] as [number, number])];
  line(zc, '#1f5f99');
  for (const q of tsa.points) p.push(`<circle cx="${x(q.fraction).toFixed(1)}" cy="${y(q.z).toFixed(1)}" r="2.2" fill="#1f5f99"><title>${esc(q.label)}: Z ${num(q.z)}, ${q.participants} participants</title></circle>`);
  // Labels outside the plot, where no curve runs: 'benefit' above it (with the RIS line's label left of
  // it when there is room), 'harm' below it in the tick row (the RIS tick left out when they would meet:
  // the axis title carries the RIS too).
  const ris = String(Math.round(tsa.ris));
  const benefitX = W - R - textWidth('benefit');
  p.push(`<text x="${W - R}" y="${T - 8}" text-anchor="end" fill="#a00">benefit</text>`);
  if (x(1) - 3 - textWidth(`RIS ${ris}`) >= L && x(1) - 3 <= benefitX - 8) p.push(`<text x="${(x(1) - 3).toFixed(1)}" y="${T - 8}" text-anchor="end" fill="#b35900">RIS ${ris}</text>`);
  p.push(`<text x="${W - R}" y="${H - B + 14}" text-anchor="end" fill="#a00">harm</text>`);
  p.push(xTitle(f, `participants accrued (RIS = ${ris})`));
  p.push(`<text x="${L}" y="${H - B + 14}">0</text>`);
  const risHalf = textWidth(ris) / 2;
  if (x(1) - risHalf >= L + textWidth('0') + 6 && x(1) + risHalf <= W - R - textWidth('harm') - 6) p.push(`<text x="${x(1).toFixed(1)}" y="${H - B + 14}" text-anchor="middle">${ris}</text>`);
  p.push(yTitle(f, 'cumulative Z'));
  p.push('</svg>');
  return p.join('');
}
