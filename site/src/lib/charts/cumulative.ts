/**
 * Cumulative meta-analysis on a time axis: the pooled estimate after each study, placed at its
 * publication year (studies of the same year spread evenly across it, since only the year is known),
 * with the 95% CI as one band. The y-range is chosen from the later steps (from the step with at
 * least `stableK` studies on), so early two-study intervals do not flatten the curve; intervals that
 * leave the range are clipped and marked with arrows.
 */
import type { OutcomeSnapshot } from '../model.js';
import { fmtCi } from '../format.js';
import { type Chart, c, legend, legendBottom, NARROW, pad, scale, svgOpen, text, tickCountFor, WIDE, xAxis, yAxis } from './svg.js';

export interface CumulativeStep { id: string; label: string; year: number; t: number; k: number; estimate: number; ciLower: number; ciUpper: number }

/** Steps with their time position; steps without a year or estimate are left out. */
export function cumulativeSteps(o: OutcomeSnapshot): CumulativeStep[] {
  const cum = o.result?.cumulative ?? [];
  const label = new Map(o.studies.map((s) => [s.id, s.label]));
  const usable = cum.filter((s) => s.year !== null && s.year < 9999 && s.estimate !== null && s.ciLower !== null && s.ciUpper !== null);
  const perYear = new Map<number, number>();
  for (const s of usable) perYear.set(s.year!, (perYear.get(s.year!) ?? 0) + 1);
  const seen = new Map<number, number>();
  return usable.map((s) => {
    const y = s.year!;
    const i = seen.get(y) ?? 0;
    seen.set(y, i + 1);
    return { id: s.id, label: label.get(s.id) ?? s.id, year: y, t: y + (i + 0.5) / perYear.get(y)!, k: s.k, estimate: s.estimate!, ciLower: s.ciLower!, ciUpper: s.ciUpper! };
  });
}

/** y-range from the later steps: those with k ≥ stableK (or the last half when there are few). */
export function cumulativeRange(steps: CumulativeStep[], stableK = 5): [number, number] {
  let later = steps.filter((s) => s.k >= stableK);
  if (later.length < 2) later = steps.slice(Math.floor(steps.length / 2));
  const lo = Math.min(...later.map((s) => s.ciLower), 0);
  const hi = Math.max(...later.map((s) => s.ciUpper), 0);
  return pad(lo, hi, 0.12, 0.4);
}

export function cumulativeChart(o: OutcomeSnapshot): Chart | null {
  const steps = cumulativeSteps(o);
  if (steps.length < 2) return null;
  const id = `cumulative-${o.id}`;
  const [ylo, yhi] = cumulativeRange(steps);
  const t0 = Math.floor(steps[0].t), t1 = Math.ceil(steps[steps.length - 1].t);
  const title = `Cumulative meta-analysis of ${o.label} by publication year`;
  const description = `The pooled SMD as each study was added in order of publication (line), with its 95% confidence interval (band). ${o.benefit}`;
  const clipped = steps.filter((s) => s.ciLower < ylo || s.ciUpper > yhi).length;

  const draw = (variant: 'w' | 'n'): string => {
    const wide = variant === 'w';
    const W = wide ? WIDE : NARROW;
    const L = wide ? 62 : 50, R = W - 12, T = 14, B = wide ? 264 : 214;
    const lg = legend(
      [
        { swatch: '<line x1="0" x2="16" y1="0" y2="0" class="line"/>', label: 'Pooled SMD after each study' },
        { swatch: '<rect x="0" y="-6" width="16" height="12" class="band"/>', label: '95% CI' },
        ...(clipped ? [{ swatch: '<path d="M8 -6l-5 8h10z" class="clip"/>', label: 'CI beyond the axis' }] : []),
      ],
      wide ? L : 4, B + 54, wide ? R - L : W - 8,
    );
    // as tall as its legend needs (it wraps to more lines on a phone)
    const H = Math.max(wide ? 340 : 300, legendBottom(B + 54, lg.height));
    const x = scale(t0, t1, L, R);
    const y = scale(ylo, yhi, B, T);
    const cy = (v: number) => Math.max(T, Math.min(B, y(v)));
    const p: string[] = [svgOpen(id, variant, W, H, title, description, 'cumulative')];
    p.push(yAxis(y, ylo, yhi, L, wide ? 6 : 5, 'Pooled SMD', R));
    p.push(`<line x1="${L}" x2="${R}" y1="${c(y(0))}" y2="${c(y(0))}" class="zero"/>`);
    const band = [...steps.map((s) => `${c(x(s.t))},${c(cy(s.ciUpper))}`), ...steps.slice().reverse().map((s) => `${c(x(s.t))},${c(cy(s.ciLower))}`)].join(' ');
    p.push(`<polygon points="${band}" class="band"/>`);
    for (const s of steps) {
      if (s.ciUpper > yhi) p.push(`<path d="M${c(x(s.t))} ${c(T)}l-4 6h8z" class="clip"/>`);
      if (s.ciLower < ylo) p.push(`<path d="M${c(x(s.t))} ${c(B)}l-4 -6h8z" class="clip"/>`);
    }
    p.push(`<polyline points="${steps.map((s) => `${c(x(s.t))},${c(cy(s.estimate))}`).join(' ')}" class="line"/>`);
    for (const s of steps) p.push(`<circle cx="${c(x(s.t))}" cy="${c(cy(s.estimate))}" r="2.5" class="dot"><title>${s.label}: k = ${s.k}, ${fmtCi(s.estimate, s.ciLower, s.ciUpper)}</title></circle>`);
    p.push(xAxis(x, t0, t1, B, wide ? 8 : tickCountFor(t0, t1, R - L, 44), 'Publication year', B + 34, W));
    p.push(lg.svg);
    p.push('</svg>');
    return p.join('');
  };
  const notes = [`The y-axis covers the steps with 5 or more studies${clipped ? `; ${clipped} earlier interval${clipped === 1 ? '' : 's'} reaching beyond it ${clipped === 1 ? 'is' : 'are'} clipped (arrows)` : ''}. Studies of the same year are spread evenly across it.`];
  return {
    id, title, description, wide: draw('w'), narrow: draw('n'), notes,
    table: {
      caption: `${o.label}: pooled estimate after each study, in order of publication`,
      columns: ['Step', 'Study added', 'Year', 'Studies (k)', 'Pooled SMD', '95% CI lower', '95% CI upper'],
      rows: steps.map((s, i) => [i + 1, s.label, s.year, s.k, Number(s.estimate.toFixed(4)), Number(s.ciLower.toFixed(4)), Number(s.ciUpper.toFixed(4))]),
    },
  };
}
