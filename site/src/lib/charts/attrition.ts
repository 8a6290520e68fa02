/**
 * Pooled dropout (snapshot.attrition, core/analysis/attrition.ts) as a chart: the pooled proportion
 * per role on a 0–100 % axis, the thick bar its 95% CI, the thin one its prediction interval. Both
 * layouts of every chart (svg.ts), at least 200 px tall on a phone; served like the others.
 */
import type { AttritionSnapshot } from '../../../../core/analysis/attrition.js';
import { type Chart, c, NARROW, svgOpen, text, WIDE } from './svg.js';

const pct = (x: number) => `${(x * 100).toFixed(x < 0.1 ? 1 : 0)} %`;

export function attritionChart(a: AttritionSnapshot | null | undefined): Chart | null {
  if (!a || a.k === 0) return null;
  type Pooled = NonNullable<AttritionSnapshot['intervention']>;
  const pooled: Array<[string, Pooled]> = [];
  if (a.intervention) pooled.push(['Intervention', a.intervention]);
  if (a.control) pooled.push(['Control', a.control]);
  if (pooled.length === 0) return null;
  const id = 'attrition-pooled';
  const title = 'Pooled dropout per arm';
  const description = 'The circle is the pooled share of randomised participants who dropped out, the thick bar its 95% confidence interval and the thin line its prediction interval (where a new trial\'s dropout is expected).';
  const draw = (variant: 'w' | 'n'): string => {
    const W = variant === 'w' ? WIDE : NARROW;
    const left = variant === 'w' ? 130 : 100;
    const right = 24;
    const top = 30;
    const rowH = variant === 'w' ? 56 : 60;
    const H = Math.max(220, top + pooled.length * rowH + 50);
    const axisY = H - 40;
    const x = (p: number) => left + p * (W - left - right);
    const out: string[] = [svgOpen(id, variant, W, H, title, description, 'attrition')];
    for (const t of [0, 0.25, 0.5, 0.75, 1]) {
      out.push(`<line x1="${c(x(t))}" x2="${c(x(t))}" y1="${top - 10}" y2="${axisY}" class="grid"/>`);
      out.push(text(x(t), axisY + 16, `${t * 100} %`, 'text-anchor="middle"'));
    }
    // the full wording is the table's; a phone's 288 units hold the short one
    out.push(text((left + W - right) / 2, axisY + 34, variant === 'w' ? 'dropout (share of randomised participants)' : 'dropout (% of randomised)', 'text-anchor="middle" class="axlab"'));
    pooled.forEach(([name, p], i) => {
      const y = top + i * rowH + rowH / 2;
      out.push(text(4, y + 4, name, 'class="hdr"'));
      if (p.piLower !== null && p.piUpper !== null) out.push(`<line x1="${c(x(p.piLower))}" x2="${c(x(p.piUpper))}" y1="${c(y)}" y2="${c(y)}" class="ci"/>`);
      out.push(`<line x1="${c(x(p.ciLower))}" x2="${c(x(p.ciUpper))}" y1="${c(y)}" y2="${c(y)}" stroke="#1f4e79" stroke-width="7"/>`);
      out.push(`<circle cx="${c(x(p.estimate))}" cy="${c(y)}" r="5" fill="#fff" stroke="#1f4e79" stroke-width="2"/>`);
      out.push(text(x(p.estimate), y - 10, pct(p.estimate), 'text-anchor="middle" class="num"'));
    });
    out.push('</svg>');
    return out.join('');
  };
  return {
    id,
    title,
    description,
    wide: draw('w'),
    narrow: draw('n'),
    table: {
      caption: 'Pooled dropout proportion per arm',
      columns: ['Arm', 'Studies', 'Dropout', '95% CI lower', '95% CI upper', 'PI lower', 'PI upper', 'I² (%)'],
      rows: pooled.map(([name, p]) => [name, p.k, Number(p.estimate.toFixed(4)), Number(p.ciLower.toFixed(4)), Number(p.ciUpper.toFixed(4)), p.piLower === null ? '' : Number(p.piLower.toFixed(4)), p.piUpper === null ? '' : Number(p.piUpper.toFixed(4)), Number(p.i2.toFixed(1))]),
    },
    notes: [],
  };
}
