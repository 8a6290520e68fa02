/**
 * The plot frame shared by the charts drawn over a value axis with horizontal grid lines (the
 * living curve and the trial sequential analysis): the drawing's size per layout, its margins, the
 * two linear scales, the grid with its tick labels, full-width reference lines and the axis titles.
 * One definition, so both charts place and label their axes the same way.
 */
import { NARROW, WIDE } from './svg.js';
import { signedFixed } from '../../../../core/analysis/numbers.js';

export const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
export const num = (x: number, d = 2) => signedFixed(x, d);

/** About five round tick values covering [lo, hi]. */
export function ticks(lo: number, hi: number, n = 5): number[] {
  const span = hi - lo || 1;
  const raw = span / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => span / s <= n) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-12; v += step) out.push(Number(v.toFixed(10)));
  return out;
}

export interface Frame {
  W: number;
  H: number;
  L: number;
  R: number;
  T: number;
  B: number;
  /** data → x (left margin to right margin) */
  x: (v: number) => number;
  /** data → y (top margin to bottom margin; larger values higher) */
  y: (v: number) => number;
}

/**
 * A frame for one layout: `heights` per layout (wide, narrow), margins, and the x and y domains.
 * Wide layouts are WIDE units across, narrow ones NARROW (svg.ts).
 */
export function frame(variant: 'w' | 'n', heights: { w: number; n: number }, m: { L: number; R: number; T: number; B: number }, xd: [number, number], yd: [number, number]): Frame {
  const W = variant === 'w' ? WIDE : NARROW;
  const H = heights[variant];
  const { L, R, T, B } = m;
  const [x0, x1] = xd;
  const [y0, y1] = yd;
  return {
    W, H, L, R, T, B,
    x: (v) => L + ((v - x0) / (x1 - x0)) * (W - L - R),
    y: (v) => T + ((y1 - v) / (y1 - y0)) * (H - T - B),
  };
}

/** A line across the plot at value `v` of the y axis. */
export const hline = (f: Frame, v: number, attrs: string): string =>
  `<line x1="${f.L}" x2="${f.W - f.R}" y1="${f.y(v).toFixed(1)}" y2="${f.y(v).toFixed(1)}" ${attrs}/>`;

/** Grid lines at `values`, each with its label left of the plot (`decimals` places). */
export function grid(f: Frame, values: number[], stroke: string, decimals: number): string[] {
  return values.flatMap((v) => [hline(f, v, `stroke="${stroke}"`), `<text x="${f.L - 4}" y="${(f.y(v) + 3).toFixed(1)}" text-anchor="end">${num(v, decimals)}</text>`]);
}

/** The x axis title, centred under the plot. */
export const xTitle = (f: Frame, label: string): string => `<text x="${(f.L + f.W - f.R) / 2}" y="${f.H - 6}" text-anchor="middle">${label}</text>`;

/** The y axis title, turned up the left edge. */
export function yTitle(f: Frame, label: string): string {
  const mid = (f.T + f.H - f.B) / 2;
  return `<text x="10" y="${mid}" text-anchor="middle" transform="rotate(-90 10 ${mid})">${label}</text>`;
}
