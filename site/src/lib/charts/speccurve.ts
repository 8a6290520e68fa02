/**
 * Specification curve (issue 13 §6): every estimated specification of the outcome's multiverse
 * (snapshot `multiverse`, computed in core/analysis/multiverse.ts), sorted by estimate, with its 95%
 * CI; below, the choices of each specification as a grid (one row per option, grouped by
 * dimension). The main analysis is marked. The y-range covers the estimates and most intervals;
 * intervals reaching beyond it are clipped and marked with arrows.
 */
import type { OutcomeSnapshot } from '../model.js';
import { fmtCi } from '../format.js';
import { type Chart, c, esc, legend, NARROW, pad, scale, svgOpen, text, WIDE, yAxis } from './svg.js';

/** Short option labels for the phone layout. */
const SHORT: Record<string, string> = {
  REML: 'REML', DL: 'DL', PM: 'PM', knha: 'HKSJ', z: 'Wald',
  'aggregate-0.2': 'ρ 0.2', 'aggregate-0.6': 'ρ 0.6', 'aggregate-0.8': 'ρ 0.8', multilevel: '3-level', 'che-rve': 'CHE-RVE',
  all: 'all', 'no-high': 'no high RoB', low: 'low RoB', kept: 'kept', removed: 'removed', post: 'post', 'follow-up': 'follow-up',
};
const WORD = { benefit: 'benefit', harm: 'harm', unclear: 'no clear difference' } as const;

function quantile(xs: number[], p: number): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.floor(p * (s.length - 1))))];
}

export function specCurveChart(o: OutcomeSnapshot): Chart | null {
  const mv = o.multiverse;
  if (!mv || mv.specifications.length === 0) return null;
  const specs = mv.specifications;
  const n = specs.length;
  const id = `speccurve-${o.id}`;
  const title = `Specification curve of ${o.label}`;
  const description = `Each column is one way of analysing the same trials, sorted by estimate: the dot is its pooled SMD with the 95% CI, the grid below marks the choices it makes. ${o.benefit}`;
  const ests = specs.map((s) => s.estimate);
  const [ylo, yhi] = pad(Math.min(0, ...ests, quantile(specs.map((s) => s.ciLower), 0.05)), Math.max(0, ...ests, quantile(specs.map((s) => s.ciUpper), 0.95)), 0.08, 0.3);
  const clipped = specs.filter((s) => s.ciLower < ylo || s.ciUpper > yhi).length;
  const dims = mv.dimensions;

  const draw = (variant: 'w' | 'n'): string => {
    const wide = variant === 'w';
    const W = wide ? WIDE : NARROW;
    const L = wide ? 176 : 112, R = W - 10;
    const T = 14, curveH = wide ? 230 : 200, B = T + curveH;
    const rowH = 13, headH = 16;
    const gridTop = B + 14;
    let gy = gridTop;
    const rows: Array<{ dim: number; opt: string; y: number }> = [];
    const heads: Array<{ label: string; y: number }> = [];
    dims.forEach((d, di) => {
      heads.push({ label: d.label, y: gy + 11 });
      gy += headH;
      for (const opt of d.options) {
        rows.push({ dim: di, opt: opt.id, y: gy + rowH / 2 });
        gy += rowH;
      }
      gy += 4;
    });
    const lg = legend(
      [
        { swatch: '<circle cx="8" cy="0" r="3" class="sc-benefit"/>', label: 'benefit (CI excludes no effect)' },
        { swatch: '<circle cx="8" cy="0" r="3" class="sc-unclear"/>', label: 'no clear difference' },
        ...(mv.harm ? [{ swatch: '<circle cx="8" cy="0" r="3" class="sc-harm"/>', label: 'harm' }] : []),
        ...(mv.main !== null ? [{ swatch: '<path d="M8 -6l5 9h-10z" class="sc-main"/>', label: 'main analysis' }] : []),
      ],
      wide ? L : 8, gy + 12, wide ? R - L : W - 16,
    );
    const H = gy + 12 + lg.height + 4;
    const x0 = L + 2, x1 = R - 2;
    const step = (x1 - x0) / n;
    const x = (i: number) => x0 + step * (i + 0.5);
    const y = scale(ylo, yhi, B, T);
    const cy = (v: number) => Math.max(T, Math.min(B, y(v)));
    const p: string[] = [svgOpen(id, variant, W, H, title, description, 'speccurve')];
    p.push(yAxis(y, ylo, yhi, L, wide ? 6 : 5, wide ? 'Pooled SMD' : 'SMD', R));
    p.push(`<line x1="${L}" x2="${R}" y1="${c(y(0))}" y2="${c(y(0))}" class="zero"/>`);
    const ciW = Math.max(0.6, Math.min(2, step * 0.6));
    specs.forEach((s, i) => {
      const cls = `sc-${s.conclusion}`;
      p.push(`<line x1="${c(x(i))}" x2="${c(x(i))}" y1="${c(cy(s.ciLower))}" y2="${c(cy(s.ciUpper))}" class="sc-ci ${cls}" stroke-width="${c(ciW)}"/>`);
      if (s.ciUpper > yhi) p.push(`<path d="M${c(x(i))} ${c(T)}l-3 5h6z" class="clip"/>`);
      if (s.ciLower < ylo) p.push(`<path d="M${c(x(i))} ${c(B)}l-3 -5h6z" class="clip"/>`);
    });
    const r = Math.max(1, Math.min(2.5, step * 0.45));
    specs.forEach((s, i) => {
      const label = `${s.choices.map((ch) => SHORT[ch] ?? ch).join(', ')}: ${fmtCi(s.estimate, s.ciLower, s.ciUpper)}, k = ${s.k}`;
      p.push(`<circle cx="${c(x(i))}" cy="${c(cy(s.estimate))}" r="${c(r)}" class="sc-pt sc-${s.conclusion}"><title>${esc(label)}</title></circle>`);
    });
    if (mv.main !== null) {
      const mx = x(mv.main);
      p.push(`<path d="M${c(mx)} ${c(B + 2)}l5 9h-10z" class="sc-main"/>`);
    }
    // the grid of choices
    for (const h of heads) p.push(text(wide ? 8 : 4, h.y, h.label, 'class="hdr"'));
    rows.forEach((row, ri) => {
      const d = dims[row.dim];
      const opt = d.options.find((q) => q.id === row.opt)!;
      if (ri % 2 === 0) p.push(`<rect x="${c(L)}" y="${c(row.y - rowH / 2)}" width="${c(R - L)}" height="${rowH}" class="sc-band"/>`);
      p.push(text(L - 6, row.y + 4, wide ? opt.label : SHORT[opt.id] ?? opt.label, 'text-anchor="end"'));
      const marks: string[] = [];
      specs.forEach((s, i) => {
        if (s.choices[row.dim] === row.opt) marks.push(`M${c(x(i) - Math.max(0.5, step * 0.4))} ${c(row.y - 4)}h${c(Math.max(1, step * 0.8))}v8h-${c(Math.max(1, step * 0.8))}z`);
      });
      if (marks.length) p.push(`<path d="${marks.join('')}" class="sc-mark"/>`);
    });
    p.push(lg.svg);
    p.push('</svg>');
    return p.join('');
  };

  const notes = [...mv.notes];
  if (clipped) notes.push(`${clipped} interval${clipped === 1 ? '' : 's'} reaching beyond the axis ${clipped === 1 ? 'is' : 'are'} clipped (arrows); the table has every value.`);
  return {
    id, title, description, wide: draw('w'), narrow: draw('n'), notes,
    table: {
      caption: `${o.label}: every estimated specification, sorted by estimate`,
      columns: ['Rank', 'Pooled SMD', '95% CI lower', '95% CI upper', 'Finds', 'Studies (k)', 'Effects', 'Outliers removed', ...dims.map((d) => d.label), 'Main analysis'],
      rows: specs.map((s, i) => [
        i + 1, Number(s.estimate.toFixed(4)), Number(s.ciLower.toFixed(4)), Number(s.ciUpper.toFixed(4)), WORD[s.conclusion], s.k, s.effects, s.outliers,
        ...s.choices.map((ch, di) => dims[di].options.find((q) => q.id === ch)?.label ?? ch),
        i === mv.main ? 'yes' : '',
      ]),
    },
  };
}
