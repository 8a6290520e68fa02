/**
 * Meta-regression bubble plot (one moderator): each study's effect against the moderator, bubble
 * area by its weight in the main model, the fitted line from the meta-regression coefficients, and
 * the 95% confidence band of the fitted line computed from the coefficient covariance the snapshot
 * carries (x'Vx, as metafor's `predict()`; with several moderators the line and band are the slice
 * with the others held at their mean); without the covariance (older snapshots) no band is drawn
 * and the chart says so. The data table carries the fitted value and its CI at each study.
 */
import { qnorm, qt } from '../../../../core/meta/special.js';
import type { MetaRegression, OutcomeSnapshot } from '../model.js';
import { fmt } from '../format.js';
import { type Chart, c, fit as fitLabel, legend, legendBottom, NARROW, pad, scale, svgOpen, tickCountFor, WIDE, xAxis, yAxis } from './svg.js';

/** Critical value of the band: t(df) under Knapp-Hartung (metafor's `predict()`), else normal. */
export function bandCritical(ci: string, df: number | null | undefined): number {
  return ci === 'knha' && df ? qt(0.975, df) : qnorm(0.975);
}

/**
 * Fitted value and its 95% CI at the design row x (1, x1, x2, … in coefficient order; a number is
 * the row (1, x) of a one-moderator model): b'x ± crit·√(x'Vx) — metafor's `predict()`.
 */
export function fittedBand(coef: readonly number[], vcov: readonly (readonly number[])[], crit: number, x: number | readonly number[]): { fit: number; lower: number; upper: number } {
  const row = typeof x === 'number' ? [1, x] : x;
  let fit = 0;
  let v = 0;
  for (let i = 0; i < row.length; i++) {
    fit += coef[i] * row[i];
    for (let j = 0; j < row.length; j++) v += row[i] * vcov[i][j] * row[j];
  }
  const se = Math.sqrt(Math.max(0, v));
  return { fit, lower: fit - crit * se, upper: fit + crit * se };
}

export function bubbleChart(o: OutcomeSnapshot, ci: string, moderatorLabel?: string): Chart | null {
  const mr = o.result?.metaRegression as MetaRegression | null | undefined;
  if (!mr || mr.moderators.length < 1 || mr.error) return null;
  const coef = new Map(mr.coefficients.map((c) => [c.name, c.estimate]));
  const b0 = mr.coefficients.find((c) => c.name === 'intercept');
  const mod = mr.moderators[0];
  const b1 = mr.coefficients.find((c) => c.name === mod);
  if (!b0 || !b1 || b0.estimate === null || b1.estimate === null || mr.coefficients.length !== mr.moderators.length + 1) return null;
  if (mr.moderators.some((m) => coef.get(m) === undefined || coef.get(m) === null)) return null;
  const modLabel = moderatorLabel ?? mod;
  const others = mr.moderators.slice(1);
  const excluded = new Set(mr.excluded);
  const used = o.studies.filter((s) => !excluded.has(s.id) && mr.moderators.every((m) => typeof s.moderators[m] === 'number'));
  const pts = used.map((s) => ({ label: s.label, x: s.moderators[mod] as number, yi: s.yi, w: s.weight ?? 0 }));
  if (pts.length < 3) return null;
  // Other moderators held at their mean over the studies in the model (the line is a slice of the fit).
  const held = others.map((m) => ({ m, v: used.reduce((a, s) => a + (s.moderators[m] as number), 0) / used.length }));
  const offset = held.reduce((a, h) => a + (coef.get(h.m) as number) * h.v, 0);
  const id = `metareg-${o.id}`;
  const [xlo, xhi] = pad(Math.min(...pts.map((p) => p.x)), Math.max(...pts.map((p) => p.x)), 0.05, 1);
  const fit = (v: number) => b0.estimate! + offset + b1.estimate! * v;
  // Band: x'Vx over the full design row (intercept 1, the moderator at v, the others at their mean),
  // as metafor's predict(fit, newmods = …) for that slice.
  const k = mr.coefficients.length;
  const V = mr.vcov && mr.vcov.length === k && mr.vcov.every((r) => r.length === k && r.every(Number.isFinite)) ? mr.vcov : null;
  const q = bandCritical(ci, mr.qmDf2);
  const heldOf = new Map(held.map((h) => [h.m, h.v]));
  const betas = mr.coefficients.map((cf) => cf.estimate as number);
  const row = (v: number) => mr.coefficients.map((cf) => (cf.name === 'intercept' ? 1 : cf.name === mod ? v : (heldOf.get(cf.name) as number)));
  const ciAt = (v: number) => (V ? fittedBand(betas, V, q, row(v)) : null);
  const band = (v: number) => (V ? ciAt(v)!.upper - fit(v) : 0);
  const grid = Array.from({ length: 41 }, (_, i) => xlo + ((xhi - xlo) * i) / 40);
  const ys = [...pts.map((p) => p.yi), ...grid.map((g) => fit(g) + band(g)), ...grid.map((g) => fit(g) - band(g)), 0];
  const [ylo, yhi] = pad(Math.min(...ys), Math.max(...ys), 0.06, 0.4);
  const maxW = Math.max(...pts.map((p) => p.w), 1e-9);
  const title = `Meta-regression of ${o.label} on ${modLabel}`;
  const description = `Each bubble is a study (area by weight): its SMD against ${modLabel}. The line is the fitted meta-regression${V ? ' with its 95% confidence band' : ''}; slope ${fmt(b1.estimate, 3)} per unit (p ${b1.pValue === null ? '–' : b1.pValue < 0.001 ? '< 0.001' : b1.pValue.toFixed(3)}).`;

  const draw = (variant: 'w' | 'n'): string => {
    const wide = variant === 'w';
    const W = wide ? WIDE : NARROW;
    const L = wide ? 62 : 50, R = W - 12, T = 12, B = wide ? 270 : 216;
    const x = scale(xlo, xhi, L, R);
    const y = scale(ylo, yhi, B, T);
    const lg = legend(
      [
        { swatch: '<circle cx="7" cy="0" r="5" class="bub"/>', label: 'study (area by weight)' },
        { swatch: '<line x1="0" x2="16" y1="0" y2="0" class="line"/>', label: 'fitted line' },
        ...(V ? [{ swatch: '<rect x="0" y="-6" width="16" height="12" class="band"/>', label: '95% CI of the line' }] : []),
      ],
      wide ? L : 4, B + 50, wide ? R - L : W - 8,
    );
    // as tall as its legend needs (it wraps to more lines on a phone)
    const H = Math.max(wide ? 340 : 300, legendBottom(B + 50, lg.height));
    const p: string[] = [svgOpen(id, variant, W, H, title, description, 'bubble')];
    p.push(yAxis(y, ylo, yhi, L, 5, 'SMD', R));
    p.push(`<line x1="${L}" x2="${R}" y1="${c(y(0))}" y2="${c(y(0))}" class="zero"/>`);
    if (V) p.push(`<polygon points="${[...grid.map((g) => `${c(x(g))},${c(y(fit(g) + band(g)))}`), ...grid.slice().reverse().map((g) => `${c(x(g))},${c(y(fit(g) - band(g)))}`)].join(' ')}" class="band"/>`);
    for (const s of pts) p.push(`<circle cx="${c(x(s.x))}" cy="${c(y(s.yi))}" r="${c(2 + (wide ? 10 : 7) * Math.sqrt(s.w / maxW))}" class="bub"><title>${s.label}: ${modLabel} ${s.x}, SMD ${fmt(s.yi)}</title></circle>`);
    p.push(`<line x1="${c(x(xlo))}" x2="${c(x(xhi))}" y1="${c(y(fit(xlo)))}" y2="${c(y(fit(xhi)))}" class="line"/>`);
    p.push(xAxis(x, xlo, xhi, B, wide ? 8 : tickCountFor(xlo, xhi, R - L, 44), wide ? modLabel : fitLabel(modLabel, W - 8), B + 32, W));
    p.push(lg.svg, '</svg>');
    return p.join('');
  };
  const notes = [
    ...(held.length ? [`Model with ${mr.moderators.join(' and ')}: the line shows the fit against ${modLabel} with ${held.map((h) => `${h.m} held at its mean (${h.v.toFixed(1)})`).join(', ')}.`] : []),
    ...(V ? [] : ['No confidence band: this snapshot does not carry the coefficient covariance needed to compute it.']),
  ];
  return {
    id, title, description, wide: draw('w'), narrow: draw('n'), notes,
    table: {
      caption: `${o.label}: SMD per study against ${modLabel} (fitted: ${fmt(b0.estimate! + offset, 3)} + ${fmt(b1.estimate, 3)} × ${modLabel})`,
      columns: ['Study', modLabel, 'SMD', 'Weight (%)', 'Fitted SMD', ...(V ? ['Fitted 95% CI lower', 'Fitted 95% CI upper'] : [])],
      rows: pts.map((s) => {
        const b = ciAt(s.x);
        return [s.label, s.x, Number(s.yi.toFixed(4)), Number(s.w.toFixed(2)), Number(fit(s.x).toFixed(4)), ...(b ? [Number(b.lower.toFixed(4)), Number(b.upper.toFixed(4))] : [])];
      }),
    },
  };
}
