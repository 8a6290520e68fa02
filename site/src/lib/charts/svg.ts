/**
 * Shared pieces of the build-time SVG charts. Every chart function is pure (data in, strings out) and
 * draws two layouts from the same data: `wide` (shown at its natural size on a desktop) and `narrow`
 * (a 288-unit phone layout that drops or stacks columns). Text sizes are in user units equal to CSS
 * pixels at those sizes: the phone drawing is 288 px wide in the 288 px content box of a 320 px phone
 * (12-unit text at 12 px; about 14.9 px at 390 px), and its box is capped at PHONE_MAX so a tablet
 * below WIDE_FROM does not blow it up.
 */
import { csvEscape, esc } from '../format.js';
import { signedFixed } from '../../../../core/analysis/numbers.js';

export { esc };

export interface ChartTable {
  caption: string;
  columns: string[];
  rows: Array<Array<string | number>>;
  /** Optional link per row for the first cell (e.g. a study page). */
  links?: Array<string | null>;
}

/** Data tables up to this many rows sit under their chart; longer ones get their own page. */
export const INLINE_ROWS = 40;

export interface Chart {
  /** Anchor id on the page and the stem of its download files. */
  id: string;
  title: string;
  /** One sentence: what the chart shows and how to read it. */
  description: string;
  wide: string;
  narrow: string;
  table: ChartTable;
  /** Notes printed under the chart (approximations, what was left out). */
  notes: string[];
  /**
   * Forest plot: row i of the drawing links to `rowLinks[i].href` (a study page). The page lays these
   * links over the image's rows in CSS (forest.ts `forestRowLinkCss`), so they work without JavaScript.
   */
  rowLinks?: Array<{ href: string; label: string }>;
}

export const WIDE = 760;
export const NARROW = 288;
/** Widest the phone drawing is shown (CSS max-width of the chart box below WIDE_FROM): 400 px, 16.7 px text. */
export const PHONE_MAX = '25rem';
/**
 * The page shows a chart's desktop drawing (WIDE units) from this viewport width, its phone drawing
 * (NARROW) below. 60rem: the first width at which the desktop box (viewport − 3rem of page padding,
 * at most 58rem) is wide enough for a forest row (FOREST_ROWS.w.rowH units) to be 24 px tall, the
 * WCAG 2.5.8 minimum for the row links laid over it.
 */
export const WIDE_FROM = '60rem';
/** Phone-layout text size (user units = CSS px at 288 px wide). */
export const FONT = 12;

/** Number to short SVG coordinate text (one decimal). */
export const c = (v: number): string => (Math.round(v * 10) / 10).toString();

export function scale(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return (v: number) => r0 + (v - d0) * k;
}

export function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

/** Round tick values covering [min, max], about `count` of them. */
export function ticks(min: number, max: number, count = 5): number[] {
  const step = niceStep((max - min) / Math.max(1, count));
  const out: number[] = [];
  const start = Math.ceil(min / step - 1e-9) * step;
  for (let t = start; t <= max + step * 1e-9; t += step) out.push(Math.abs(t) < step * 1e-9 ? 0 : Number(t.toPrecision(12)));
  return out;
}

/** The largest tick count (from about one per 40 units down to 2) whose labels are ≥ `gap` units apart over `px`. */
export function tickCountFor(min: number, max: number, px: number, gap = 34): number {
  for (let n = Math.max(2, Math.floor(px / 40)); n > 2; n--) {
    const ts = ticks(min, max, n);
    if (ts.length < 2 || ((ts[1] - ts[0]) / (max - min)) * px >= gap) return n;
  }
  return 2;
}

export function tickLabel(t: number, step: number): string {
  const d = step >= 1 ? 0 : Math.min(3, Math.ceil(-Math.log10(step) - 1e-9));
  return signedFixed(t, d);
}

/** Expands [lo, hi] by a fraction of its span (and to a minimum span). */
export function pad(lo: number, hi: number, frac = 0.05, minSpan = 0.2): [number, number] {
  let a = lo, b = hi;
  if (b - a < minSpan) {
    const mid = (a + b) / 2;
    a = mid - minSpan / 2;
    b = mid + minSpan / 2;
  }
  const p = (b - a) * frac;
  return [a - p, b + p];
}

export function svgOpen(id: string, variant: 'w' | 'n', width: number, height: number, title: string, desc: string, cls: string): string {
  const tid = `${id}-${variant}-t`;
  const did = `${id}-${variant}-d`;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${c(width)} ${c(height)}" width="${c(width)}" height="${c(height)}" role="img" aria-labelledby="${tid} ${did}" class="chart-svg ${cls} ${variant === 'w' ? 'wide' : 'narrow'}" font-size="${FONT}"><title id="${tid}">${esc(title)}</title><desc id="${did}">${esc(desc)}</desc>`;
}

export function text(x: number, y: number, s: string, attrs = ''): string {
  return `<text x="${c(x)}" y="${c(y)}"${attrs ? ` ${attrs}` : ''}>${esc(s)}</text>`;
}

/** Truncates a label to fit roughly `px` at the given font size (average glyph ≈ 0.56 em). */
export function fit(s: string, px: number, font = FONT): string {
  const max = Math.max(3, Math.floor(px / (font * 0.56)));
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/** `head` + `tail` within `px`, shortening only the head: the tail (a count such as " (k = 21)") is always kept whole. */
export function fitKeepingTail(head: string, tail: string, px: number, font = FONT): string {
  const whole = `${head}${tail}`;
  if (whole === fit(whole, px, font)) return whole;
  return `${fit(head, Math.max(px - textWidth(tail, font), font * 0.56 * 3), font)}${tail}`;
}

/** Rough rendered width of a label (average glyph ≈ 0.56 em), as `fit` and `legend` assume. */
export const textWidth = (s: string, font = FONT): number => s.length * font * 0.56;

/**
 * A horizontal axis with ticks and labels at y. With `edge` (the drawing's width), a tick label that
 * would cross the drawing's left or right edge is moved inside it (the end ticks of a plot that runs
 * close to the edge).
 */
export function xAxis(x: (v: number) => number, lo: number, hi: number, y: number, count: number, label?: string, labelY?: number, edge?: number): string {
  const ts = ticks(lo, hi, count);
  const step = ts.length > 1 ? ts[1] - ts[0] : 1;
  const parts = [`<line x1="${c(x(lo))}" x2="${c(x(hi))}" y1="${c(y)}" y2="${c(y)}" class="axis"/>`];
  for (const t of ts) {
    parts.push(`<line x1="${c(x(t))}" x2="${c(x(t))}" y1="${c(y)}" y2="${c(y + 4)}" class="axis"/>`);
    const s = tickLabel(t, step);
    const half = textWidth(s) / 2 + 1;
    const tx = edge === undefined ? x(t) : Math.max(half + 1, Math.min(edge - half - 1, x(t)));
    parts.push(text(tx, y + 16, s, 'text-anchor="middle"'));
  }
  if (label) parts.push(text((x(lo) + x(hi)) / 2, labelY ?? y + 32, label, 'text-anchor="middle" class="axlab"'));
  return parts.join('');
}

/** A vertical axis with ticks and labels at x (grid lines across to `x2` when given). */
export function yAxis(y: (v: number) => number, lo: number, hi: number, x: number, count: number, label?: string, x2?: number): string {
  const ts = ticks(lo, hi, count);
  const step = ts.length > 1 ? ts[1] - ts[0] : 1;
  const parts = [`<line x1="${c(x)}" x2="${c(x)}" y1="${c(y(lo))}" y2="${c(y(hi))}" class="axis"/>`];
  for (const t of ts) {
    if (x2 !== undefined) parts.push(`<line x1="${c(x)}" x2="${c(x2)}" y1="${c(y(t))}" y2="${c(y(t))}" class="grid"/>`);
    parts.push(`<line x1="${c(x - 4)}" x2="${c(x)}" y1="${c(y(t))}" y2="${c(y(t))}" class="axis"/>`);
    parts.push(text(x - 6, y(t) + 4, tickLabel(t, step), 'text-anchor="end"'));
  }
  if (label) {
    const cy = (y(lo) + y(hi)) / 2;
    parts.push(`<text x="${c(12)}" y="${c(cy)}" transform="rotate(-90 12 ${c(cy)})" text-anchor="middle" class="axlab">${esc(label)}</text>`);
  }
  return parts.join('');
}

export function tableCsv(t: ChartTable): string {
  return `${[t.columns, ...t.rows].map((r) => r.map(csvEscape).join(',')).join('\n')}\n`;
}

/** Legend entries laid out left to right, wrapping at `width`. Returns markup and its height. */
export function legend(items: Array<{ swatch: string; label: string }>, x0: number, y0: number, width: number): { svg: string; height: number } {
  let x = x0, y = y0;
  const parts: string[] = [];
  for (const it of items) {
    const w = 22 + it.label.length * FONT * 0.56 + 14;
    if (x + w > x0 + width && x > x0) {
      x = x0;
      y += 18;
    }
    parts.push(`<g transform="translate(${c(x)} ${c(y)})">${it.swatch}${text(20, 4, it.label)}</g>`);
    x += w;
  }
  return { svg: parts.join(''), height: y - y0 + 18 };
}

/** Bottom of a drawing whose last content is a legend placed at y0 (`legend`'s height): its last line and a margin. */
export const legendBottom = (y0: number, height: number): number => y0 + height - 4;
