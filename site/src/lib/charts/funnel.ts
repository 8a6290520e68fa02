/**
 * Contour-enhanced funnel plot, as metafor's `funnel(res, refline = 0, level = c(90, 95, 99),
 * shade = …)`: standard error (0 at the top) against effect, with regions of two-sided significance
 * p > .10, .10–.05, .05–.01 and < .01 around zero, the pooled estimate as a dashed line, and the
 * studies trim-and-fill imputed as open circles.
 */
import type { OutcomeSnapshot } from '../model.js';
import { fmt } from '../format.js';
import { type Chart, c, legend, legendBottom, NARROW, pad, scale, svgOpen, tickCountFor, WIDE, xAxis, yAxis } from './svg.js';

/** Two-sided normal quantiles for p = .10, .05, .01. */
export const CONTOUR_Z = { p10: 1.6448536269514722, p05: 1.959963984540054, p01: 2.5758293035489004 } as const;

export function funnelChart(o: OutcomeSnapshot): Chart | null {
  const r = o.result;
  if (!r || r.estimate === null || o.studies.length < 3) return null;
  const id = `funnel-${o.id}`;
  const pts = o.studies.map((s) => ({ label: s.label, yi: s.yi, se: Math.sqrt(s.vi) }));
  const filled = (r.trimFill?.filled ?? []).map((f) => ({ yi: f.yi, se: Math.sqrt(f.vi) }));
  const all = [...pts, ...filled];
  const seMax = Math.max(...all.map((p) => p.se)) * 1.05;
  const lim = CONTOUR_Z.p01 * seMax;
  const [xlo, xhi] = pad(Math.min(...all.map((p) => p.yi), -lim * 0.6, r.estimate), Math.max(...all.map((p) => p.yi), lim * 0.6, r.estimate), 0.04, 0.5);
  const title = `Contour-enhanced funnel plot of ${o.label}`;
  const description = 'Each dot is a study: its effect (SMD) across, its standard error down (larger studies at the top). Shaded regions show where a study would be statistically significant (two-sided, against zero); a gap in the white region on one side can suggest missing small studies.';

  const draw = (variant: 'w' | 'n'): string => {
    const wide = variant === 'w';
    const W = wide ? WIDE : NARROW;
    const L = wide ? 62 : 50, R = W - 12, T = 12, B = wide ? 298 : 230;
    const x = scale(xlo, xhi, L, R);
    const y = scale(0, seMax, T, B);
    const lg = legend(
      [
        { swatch: '<rect x="0" y="-6" width="14" height="12" class="fns"/>', label: 'p > .10' },
        { swatch: '<rect x="0" y="-6" width="14" height="12" class="f10"/>', label: '.10 > p > .05' },
        { swatch: '<rect x="0" y="-6" width="14" height="12" class="f05"/>', label: '.05 > p > .01' },
        { swatch: '<rect x="0" y="-6" width="14" height="12" class="f01"/>', label: 'p < .01' },
        { swatch: '<line x1="0" x2="14" y1="0" y2="0" class="est"/>', label: 'pooled estimate' },
        ...(filled.length ? [{ swatch: '<circle cx="7" cy="0" r="3.5" class="filled"/>', label: 'imputed (trim-and-fill)' }] : []),
      ],
      wide ? L : 4, B + 50, wide ? R - L : W - 8,
    );
    // as tall as its legend needs (it wraps to more lines on a phone)
    const H = Math.max(wide ? 380 : 330, legendBottom(B + 50, lg.height));
    const p: string[] = [svgOpen(id, variant, W, H, title, description, 'funnel')];
    p.push(`<defs><clipPath id="${id}-${variant}-clip"><rect x="${L}" y="${T}" width="${c(R - L)}" height="${c(B - T)}"/></clipPath></defs>`);
    p.push(`<g clip-path="url(#${id}-${variant}-clip)">`);
    p.push(`<rect x="${L}" y="${T}" width="${c(R - L)}" height="${c(B - T)}" class="f01"/>`);
    const wedge = (z: number, cls: string) => `<polygon points="${c(x(0))},${c(y(0))} ${c(x(-z * seMax))},${c(y(seMax))} ${c(x(z * seMax))},${c(y(seMax))}" class="${cls}"/>`;
    p.push(wedge(CONTOUR_Z.p01, 'f05'), wedge(CONTOUR_Z.p05, 'f10'), wedge(CONTOUR_Z.p10, 'fns'));
    p.push('</g>');
    p.push(`<line x1="${c(x(0))}" x2="${c(x(0))}" y1="${T}" y2="${c(B)}" class="axis"/>`);
    p.push(`<line x1="${c(x(r.estimate!))}" x2="${c(x(r.estimate!))}" y1="${T}" y2="${c(B)}" class="est"/>`);
    for (const f of filled) p.push(`<circle cx="${c(x(f.yi))}" cy="${c(y(f.se))}" r="3.5" class="filled"/>`);
    for (const s of pts) p.push(`<circle cx="${c(x(s.yi))}" cy="${c(y(s.se))}" r="3.5" class="dot"><title>${s.label}: SMD ${fmt(s.yi)}, SE ${fmt(s.se, 3)}</title></circle>`);
    p.push(yAxis(y, 0, seMax, L, 5, 'Standard error'));
    p.push(xAxis(x, xlo, xhi, B, wide ? 7 : tickCountFor(xlo, xhi, R - L, 44), 'SMD', B + 32, W));
    p.push(lg.svg, '</svg>');
    return p.join('');
  };
  const notes = ['Contours are centred on zero (no effect), as metafor draws them with refline = 0; the dashed line is the pooled estimate.'];
  return {
    id, title, description, wide: draw('w'), narrow: draw('n'), notes,
    table: {
      caption: `${o.label}: effect and standard error per study${filled.length ? ' (and studies imputed by trim-and-fill)' : ''}`,
      columns: ['Study', 'SMD', 'Standard error', 'Imputed'],
      rows: [...pts.map((s) => [s.label, Number(s.yi.toFixed(4)), Number(s.se.toFixed(4)), 'no']), ...filled.map((f, i) => [`imputed ${i + 1}`, Number(f.yi.toFixed(4)), Number(f.se.toFixed(4)), 'yes'])],
    },
  };
}
