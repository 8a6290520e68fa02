/**
 * Forest plot: one row per study (square sized by weight, 95% CI whisker, n, weight, RoB 2 traffic
 * lights), the pooled diamond, the prediction interval as a labelled bar when the snapshot says it
 * may be shown, and favours-labels in the outcome's direction.
 */
import type { OutcomeSnapshot, RobDomainKey, RobJudgements } from '../model.js';
import { fmt, fmtCi } from '../format.js';
import { type Chart, c, esc, fit, FONT, NARROW, pad, PHONE_MAX, scale, svgOpen, text, textWidth, tickCountFor, WIDE, WIDE_FROM, xAxis } from './svg.js';

export const ROB_KEYS: RobDomainKey[] = ['D1', 'D2', 'D3', 'D4', 'D5', 'overall'];
const ROB_WORD = { low: 'low risk', some: 'some concerns', high: 'high risk' } as const;
const ROB_MARK = { low: '+', some: '−', high: '×' } as const;

export interface ForestOptions {
  /** Link target for a study row (its study page). */
  studyHref?: (id: string) => string;
  /** Chart id (anchor); default `forest-<outcome>`. */
  id?: string;
}

/**
 * Row geometry of both layouts in SVG user units: row i spans y = top + i·rowH … top + (i+1)·rowH of
 * a drawing `width` wide. Shared by the drawing and the CSS that lays the row links over the image.
 * Row heights are chosen so that each row's link is at least 24 CSS px tall (WCAG 2.5.8, target size):
 * the phone drawing (two lines a row: the label with its numbers, then the interval) at 30 units per
 * 288 is 24 px from a 231 px wide box, so from a 320 px viewport (288 px box: 30 px; 37.3 px at
 * 390 px), the desktop drawing at 20 units per 760 from a 912 px box, which it has from the
 * WIDE_FROM breakpoint (24.4 px at 1280 px).
 */
export const FOREST_ROWS = { w: { width: WIDE, top: 30, rowH: 20 }, n: { width: NARROW, top: 28, rowH: 30 } } as const;

/**
 * CSS that places one link per forest row over the chart image (no JavaScript, no inline styles, so
 * the strict CSP holds). Vertical padding in % is relative to the box's width, and a layout's rows
 * are a fixed share of its width, so the same rules fit every forest plot at any rendered size.
 * The desktop layout applies from the same WIDE_FROM breakpoint as the <picture> source, and so does
 * the desktop width of the chart box; below it the box is capped at PHONE_MAX (every chart's phone
 * drawing, so a tablet shows it at most 400 px wide).
 */
export function forestRowLinkCss(): string {
  const pct = (v: number, w: number) => `${((100 * v) / w).toFixed(4)}%`;
  const rules = (g: { width: number; top: number; rowH: number }) => `.row-links{padding-top:${pct(g.top, g.width)}}.row-links a{padding-bottom:${pct(g.rowH, g.width)}}`;
  return [
    '.chart-box{position:relative}',
    '.row-links{position:absolute;top:0;left:0;right:0;margin:0;padding-left:0;padding-right:0;padding-bottom:0;list-style:none}',
    '.row-links li{margin:0;padding:0}',
    '.row-links a{display:block;height:0;border-radius:2px}',
    '.row-links a:hover{background:rgba(31,95,153,.10)}',
    '.row-links a:focus-visible{outline:3px solid #1f5f99;outline-offset:-2px;background:rgba(31,95,153,.10)}',
    `.fig .chart-box{max-width:${PHONE_MAX}}`,
    rules(FOREST_ROWS.n),
    `@media (min-width:${WIDE_FROM}){${rules(FOREST_ROWS.w)}.fig .chart-box{max-width:58rem}}`,
  ].join('\n');
}

/** Left and right favours-labels in the outcome's direction. */
export function favours(direction: OutcomeSnapshot['direction']): [string, string] {
  return direction === 'lower-is-better' ? ['favours intervention', 'favours control'] : ['favours control', 'favours intervention'];
}

/** RoB 2 marks as reusable defs; colours as attributes (CSS does not reach into <use> copies). */
export const ROB_COLOURS = { low: ['#15803d', '#ffffff'], some: ['#facc15', '#111827'], high: ['#b91c1c', '#ffffff'] } as const;

export function robDefs(id: string): string {
  const parts = (['low', 'some', 'high'] as const).map(
    (j) => `<g id="${id}-r${j[0]}"><circle r="7" fill="${ROB_COLOURS[j][0]}"/><text y="4" text-anchor="middle" font-size="11" font-weight="700" fill="${ROB_COLOURS[j][1]}">${ROB_MARK[j]}</text></g>`,
  );
  parts.push(`<g id="${id}-rn"><circle r="6.5" fill="#e5e7eb" stroke="#6b7280"/></g>`);
  return `<defs>${parts.join('')}</defs>`;
}

export function robUse(id: string, j: RobJudgements[RobDomainKey], x: number, y: number): string {
  return `<use href="#${id}-r${j ? j[0] : 'n'}" x="${c(x)}" y="${c(y)}"/>`;
}

export function robWord(j: RobJudgements[RobDomainKey] | undefined): string {
  return j ? ROB_WORD[j] : 'not assessed';
}

export function forestChart(o: OutcomeSnapshot, opts: ForestOptions = {}): Chart | null {
  const r = o.result;
  if (!r || o.studies.length === 0 || r.estimate === null || r.ciLower === null || r.ciUpper === null) return null;
  const id = opts.id ?? `forest-${o.id}`;
  const rows = o.studies;
  const hasRob = rows.some((s) => s.rob && Object.keys(s.rob).length > 0);
  const showPi = (o.display?.predictionInterval ?? true) && r.piLower !== null && r.piUpper !== null;
  const [favL, favR] = favours(o.direction);

  // x-range: the pooled result and (most) whiskers, capped so one huge interval cannot flatten the rest.
  const lows = rows.map((s) => s.ciLower);
  const highs = rows.map((s) => s.ciUpper);
  let lo = Math.min(...lows, r.ciLower, 0);
  let hi = Math.max(...highs, r.ciUpper, 0);
  if (showPi) {
    lo = Math.min(lo, r.piLower!);
    hi = Math.max(hi, r.piUpper!);
  }
  lo = Math.max(lo, Math.min(-1, r.estimate - 3));
  hi = Math.min(hi, Math.max(1, r.estimate + 3));
  const [xmin, xmax] = pad(lo, hi, 0.04, 1);
  const title = `Forest plot of ${o.label}: ${rows.length} stud${rows.length === 1 ? 'y' : 'ies'}`;
  const description = `Each row is one study: the square is its standardised mean difference (size by weight), the line its 95% confidence interval; the diamond is the pooled estimate${showPi ? ' and the bar below it the prediction interval' : ''}. Effects left of zero ${favL}.`;

  const link = (sid: string, inner: string) => (opts.studyHref ? `<a href="${esc(opts.studyHref(sid))}">${inner}</a>` : inner);
  const maxW = Math.max(...rows.map((s) => s.weight ?? 0), 1e-9);

  const draw = (variant: 'w' | 'n'): string => (variant === 'w' ? drawWide() : drawNarrow());

  const drawWide = (): string => {
    const variant = 'w' as const;
    const W = WIDE;
    const { rowH, top } = FOREST_ROWS[variant];
    const labelR = 196;
    const nR = 232, wR = 286, robX0 = 306;
    const plotL = hasRob ? 412 : 312;
    const plotR = 598;
    const textR = W - 6;
    const x = scale(xmin, xmax, plotL, plotR);
    const cx = (v: number) => Math.max(plotL, Math.min(plotR, x(v)));
    const extra = showPi ? 2 : 1;
    const yEnd = top + (rows.length + extra) * rowH + 8;
    const H = Math.max(226, yEnd + 50);
    const p: string[] = [svgOpen(id, variant, W, H, title, description, 'forest')];
    if (hasRob) p.push(robDefs(`${id}-${variant}`));
    // header
    p.push(text(8, 18, 'Study', 'class="hdr"'));
    p.push(text(nR, 18, 'n', 'class="hdr" text-anchor="end"'));
    p.push(text(wR, 18, 'Weight', 'class="hdr" text-anchor="end"'));
    if (hasRob) ROB_KEYS.forEach((k, i) => p.push(text(robX0 + i * 18, 18, k === 'overall' ? 'All' : k, 'class="hdr" text-anchor="middle" font-size="11"')));
    p.push(text(textR, 18, 'SMD [95% CI]', 'class="hdr" text-anchor="end"'));
    p.push(`<line x1="${c(x(0))}" x2="${c(x(0))}" y1="${top - 6}" y2="${c(yEnd)}" class="zero"/>`);
    rows.forEach((s, i) => {
      const y = top + i * rowH + rowH / 2;
      p.push(`<g class="row" data-study="${esc(s.id)}">`);
      p.push(link(s.id, text(8, y + 4, fit(s.label, labelR - 8))));
      p.push(text(nR, y + 4, s.n === null ? '–' : String(s.n), 'text-anchor="end"'));
      p.push(text(wR, y + 4, s.weight === null ? '–' : `${fmt(s.weight, 1)}%`, 'text-anchor="end"'));
      if (hasRob) ROB_KEYS.forEach((k, j) => p.push(robUse(`${id}-${variant}`, s.rob?.[k], robX0 + j * 18, y)));
      p.push(interval(s, x, cx, plotL, plotR, y));
      p.push(text(textR, y + 4, fmtCi(s.yi, s.ciLower, s.ciUpper), 'text-anchor="end" class="num"'));
      p.push('</g>');
    });
    const yd = top + rows.length * rowH + rowH / 2 + 4;
    p.push(`<line x1="8" x2="${textR}" y1="${c(yd - rowH / 2)}" y2="${c(yd - rowH / 2)}" class="sep"/>`);
    p.push(text(8, yd + 4, `Pooled estimate (${o.k} studies)`, 'class="hdr"'));
    if (o.participants) p.push(text(nR, yd + 4, String(o.participants), 'text-anchor="end" class="hdr"'));
    p.push(text(wR, yd + 4, '100%', 'text-anchor="end" class="hdr"'));
    p.push(diamond(cx, yd, 7));
    p.push(text(textR, yd + 4, fmtCi(r.estimate, r.ciLower, r.ciUpper), 'text-anchor="end" class="hdr num"'));
    if (showPi) {
      const yp = yd + rowH;
      p.push(text(8, yp + 4, 'Prediction interval (a new study)', 'class="pil"'));
      p.push(`<line x1="${c(cx(r.piLower!))}" x2="${c(cx(r.piUpper!))}" y1="${c(yp)}" y2="${c(yp)}" class="pi"/>`);
      p.push(text(textR, yp + 4, `${fmt(r.piLower)} to ${fmt(r.piUpper)}`, 'text-anchor="end" class="pil num"'));
    }
    // as many ticks as fit with their labels ("−2.5") apart
    p.push(xAxis(x, xmin, xmax, yEnd, tickCountFor(xmin, xmax, plotR - plotL), undefined, undefined, W));
    p.push(text(x(0) - 4, yEnd + 34, `← ${favL}`, 'text-anchor="end" class="fav"'));
    p.push(text(x(0) + 4, yEnd + 34, `${favR} →`, 'class="fav"'));
    p.push('</svg>');
    return p.join('');
  };

  /**
   * Phone: two lines a row (FOREST_ROWS.n.rowH units): the label with its numbers right-aligned,
   * then the interval across the full width, so the text keeps 12 units at 288 across.
   */
  const drawNarrow = (): string => {
    const variant = 'n' as const;
    const W = NARROW;
    const { rowH, top } = FOREST_ROWS[variant];
    const plotL = 10, plotR = W - 10;
    const x = scale(xmin, xmax, plotL, plotR);
    const cx = (v: number) => Math.max(plotL, Math.min(plotR, x(v)));
    const lines = rows.length + (showPi ? 2 : 1);
    const yEnd = top + lines * rowH + 4;
    const favOneLine = textWidth(`← ${favL}`) + textWidth(`${favR} →`) + 12 <= W - 8;
    const H = Math.max(226, yEnd + (favOneLine ? 50 : 66));
    const p: string[] = [svgOpen(id, variant, W, H, title, description, 'forest')];
    p.push(text(4, 18, 'Study', 'class="hdr"'));
    p.push(text(W - 4, 18, 'SMD [95% CI]', 'class="hdr" text-anchor="end"'));
    // the zero line on the interval lines only (it would cross the labels)
    p.push(`<path d="${Array.from({ length: lines }, (_, i) => `M${c(x(0))} ${c(top + i * rowH + 14)}v${rowH - 14}`).join('')}" class="zero"/>`);
    const labelLine = (y0: number, label: string, numbers: string, cls: string, wrap = (t: string) => t) => {
      const room = W - 8 - textWidth(numbers) - 10;
      return wrap(text(4, y0 + 12, fit(label, room), cls)) + text(W - 4, y0 + 12, numbers, `text-anchor="end" class="num${cls ? ` ${cls.replace(/^class="|"$/g, '')}` : ''}"`);
    };
    rows.forEach((s, i) => {
      const y0 = top + i * rowH;
      p.push(`<g class="row" data-study="${esc(s.id)}">`);
      p.push(labelLine(y0, s.label, fmtCi(s.yi, s.ciLower, s.ciUpper), '', (t) => link(s.id, t)));
      p.push(interval(s, x, cx, plotL, plotR, y0 + 22));
      p.push('</g>');
    });
    const yd = top + rows.length * rowH;
    p.push(`<line x1="4" x2="${W - 4}" y1="${c(yd)}" y2="${c(yd)}" class="sep"/>`);
    p.push(labelLine(yd, `Pooled (k = ${o.k})`, fmtCi(r.estimate, r.ciLower, r.ciUpper), 'class="hdr"'));
    p.push(diamond(cx, yd + 22, 5));
    if (showPi) {
      const yp = yd + rowH;
      p.push(labelLine(yp, 'Prediction interval', `${fmt(r.piLower)} to ${fmt(r.piUpper)}`, 'class="pil"'));
      p.push(`<line x1="${c(cx(r.piLower!))}" x2="${c(cx(r.piUpper!))}" y1="${c(yp + 22)}" y2="${c(yp + 22)}" class="pi"/>`);
    }
    p.push(xAxis(x, xmin, xmax, yEnd, tickCountFor(xmin, xmax, plotR - plotL), undefined, undefined, W));
    p.push(text(4, yEnd + 34, `← ${favL}`, 'class="fav"'));
    p.push(text(W - 4, yEnd + (favOneLine ? 34 : 50), `${favR} →`, 'text-anchor="end" class="fav"'));
    p.push('</svg>');
    return p.join('');
  };

  /** A study's 95% CI whisker (arrows where it leaves the axis) and its weight-sized square, at y. */
  const interval = (s: OutcomeSnapshot['studies'][number], x: (v: number) => number, cx: (v: number) => number, plotL: number, plotR: number, y: number): string => {
    const out = [`<line x1="${c(cx(s.ciLower))}" x2="${c(cx(s.ciUpper))}" y1="${c(y)}" y2="${c(y)}" class="ci"/>`];
    if (x(s.ciLower) < plotL) out.push(`<path d="M${c(plotL)} ${c(y)}l5 -4v8z" class="clip"/>`);
    if (x(s.ciUpper) > plotR) out.push(`<path d="M${c(plotR)} ${c(y)}l-5 -4v8z" class="clip"/>`);
    const size = 3 + 7 * Math.sqrt((s.weight ?? 0) / maxW);
    if (x(s.yi) >= plotL && x(s.yi) <= plotR) out.push(`<rect x="${c(x(s.yi) - size / 2)}" y="${c(y - size / 2)}" width="${c(size)}" height="${c(size)}" class="pt"/>`);
    return out.join('');
  };
  /** The pooled estimate's diamond (half-height h) at y. */
  const diamond = (cx: (v: number) => number, y: number, h: number): string =>
    `<polygon points="${c(cx(r.ciLower!))},${c(y)} ${c(cx(r.estimate!))},${c(y - h)} ${c(cx(r.ciUpper!))},${c(y)} ${c(cx(r.estimate!))},${c(y + h)}" class="diamond"/>`;

  const columns = ['Study', 'Year', 'n', 'Weight (%)', 'SMD', '95% CI lower', '95% CI upper', ...(hasRob ? ROB_KEYS.map((k) => `RoB ${k}`) : [])];
  const tableRows = rows.map((s) => [
    s.label, s.year ?? '', s.n ?? '', s.weight === null ? '' : Number(s.weight.toFixed(2)),
    Number(s.yi.toFixed(4)), Number(s.ciLower.toFixed(4)), Number(s.ciUpper.toFixed(4)),
    ...(hasRob ? ROB_KEYS.map((k) => robWord(s.rob?.[k])) : []),
  ]);
  tableRows.push(['Pooled estimate', '', o.participants ?? '', 100, Number(r.estimate.toFixed(4)), Number(r.ciLower.toFixed(4)), Number(r.ciUpper.toFixed(4)), ...(hasRob ? ROB_KEYS.map(() => '') : [])]);
  const notes: string[] = [];
  if (rows.some((s) => s.ciLower < xmin || s.ciUpper > xmax)) notes.push('Intervals reaching beyond the axis end in an arrow; their full values are in the table.');
  if (!showPi && r.piLower !== null) notes.push(...(o.display?.notes.filter((n) => /prediction/i.test(n)) ?? []));
  const links = opts.studyHref ? [...rows.map((s) => opts.studyHref!(s.id)), null] : undefined;
  const rowLinks = opts.studyHref ? rows.map((s) => ({ href: opts.studyHref!(s.id), label: s.label })) : undefined;
  return { id, title, description, wide: draw('w'), narrow: draw('n'), table: { caption: `${o.label}: effect per study (SMD, ${o.benefit.replace(/\.$/, '').toLowerCase()})`, columns, rows: tableRows, ...(links ? { links } : {}) }, notes, ...(rowLinks ? { rowLinks } : {}) };
}
