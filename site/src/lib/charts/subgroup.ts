/**
 * Subgroup forest: one diamond per level (pooled within the level, 95% CI), level labels from the
 * review file, k per level, and the overall estimate for reference.
 */
import type { OutcomeSnapshot, SubgroupView } from '../model.js';
import { fmtCi, inSentence } from '../format.js';
import { favours } from './forest.js';
import { type Chart, c, fit, fitKeepingTail, NARROW, pad, scale, svgOpen, text, textWidth, WIDE, xAxis } from './svg.js';

export function levelLabel(g: SubgroupView, level: string): string {
  return g.levels?.find((l) => l.level === level)?.label ?? level;
}

export function subgroupChart(o: OutcomeSnapshot, g: SubgroupView): Chart | null {
  const res = g.result;
  if (!res) return null;
  const lv = res.groups.filter((l) => l.estimate !== null && l.ciLower !== null && l.ciUpper !== null);
  if (lv.length === 0) return null;
  const id = `subgroup-${o.id}-${g.moderator}`;
  const r = o.result;
  const overall = r && r.estimate !== null ? r.estimate : null;
  const [favL, favR] = favours(o.direction);
  const [xlo, xhi] = pad(Math.max(-3, Math.min(...lv.map((l) => l.ciLower!), 0)), Math.min(3, Math.max(...lv.map((l) => l.ciUpper!), 0)), 0.05, 1);
  const title = `${o.label} by ${inSentence(g.label)}`;
  const description = `One diamond per ${inSentence(g.label)}: the pooled SMD within that group and its 95% confidence interval. Effects left of zero ${favL}.`;

  const draw = (variant: 'w' | 'n'): string => {
    const wide = variant === 'w';
    const W = wide ? WIDE : NARROW;
    // phone: two lines a row (the level with its numbers, then the diamond), as the forest plot
    const rowH = wide ? 26 : 30;
    const top = 30;
    const labelR = wide ? 250 : NARROW - 8;
    const plotL = wide ? 262 : 12, plotR = wide ? 590 : W - 12;
    const x = scale(xlo, xhi, plotL, plotR);
    const cx = (v: number) => Math.max(plotL, Math.min(plotR, x(v)));
    const yEnd = top + lv.length * rowH + 6;
    const favOneLine = wide || textWidth(`← ${favL}`) + textWidth(`${favR} →`) + 12 <= W - 8;
    const H = Math.max(216, yEnd + (favOneLine ? 52 : 68));
    const p: string[] = [svgOpen(id, variant, W, H, title, description, 'forest subgroup')];
    p.push(text(wide ? 8 : 4, 18, wide ? g.label : fit(g.label, W - 8 - textWidth('SMD [95% CI]') - 16), 'class="hdr"'));
    p.push(text(wide ? W - 6 : W - 4, 18, 'SMD [95% CI]', 'class="hdr" text-anchor="end"'));
    // phone: the zero and overall lines on the diamond lines only (they would cross the labels)
    const vline = (vx: number, cls: string) => (wide
      ? `<line x1="${c(vx)}" x2="${c(vx)}" y1="${top - 4}" y2="${c(yEnd)}" class="${cls}"/>`
      : `<path d="${lv.map((_, i) => `M${c(vx)} ${c(top + i * rowH + 14)}v${rowH - 14}`).join('')}" class="${cls}"/>`);
    p.push(vline(x(0), 'zero'));
    if (overall !== null) p.push(vline(cx(overall), 'est'));
    lv.forEach((l, i) => {
      const level = levelLabel(g, l.level);
      const kTail = ` (k = ${l.k})`;
      if (wide) {
        const y = top + i * rowH + rowH / 2;
        p.push(text(8, y + 4, fitKeepingTail(level, kTail, labelR - 8)));
        p.push(`<polygon points="${c(cx(l.ciLower!))},${c(y)} ${c(cx(l.estimate!))},${c(y - 7)} ${c(cx(l.ciUpper!))},${c(y)} ${c(cx(l.estimate!))},${c(y + 7)}" class="diamond"/>`);
        p.push(text(W - 6, y + 4, fmtCi(l.estimate, l.ciLower, l.ciUpper), 'text-anchor="end" class="num"'));
      } else {
        const y0 = top + i * rowH;
        const ci = fmtCi(l.estimate, l.ciLower, l.ciUpper);
        p.push(text(4, y0 + 12, fitKeepingTail(level, kTail, W - 8 - textWidth(ci) - 10)));
        p.push(text(W - 4, y0 + 12, ci, 'text-anchor="end" class="num"'));
        const y = y0 + 22;
        p.push(`<polygon points="${c(cx(l.ciLower!))},${c(y)} ${c(cx(l.estimate!))},${c(y - 5)} ${c(cx(l.ciUpper!))},${c(y)} ${c(cx(l.estimate!))},${c(y + 5)}" class="diamond"/>`);
      }
    });
    p.push(xAxis(x, xlo, xhi, yEnd, wide ? 6 : 4, undefined, undefined, W));
    p.push(text(wide ? x(0) - 4 : 4, yEnd + 34, `← ${favL}`, wide ? 'text-anchor="end" class="fav"' : 'class="fav"'));
    p.push(text(wide ? x(0) + 4 : W - 4, yEnd + (favOneLine ? 34 : 50), `${favR} →`, wide ? 'class="fav"' : 'text-anchor="end" class="fav"'));
    p.push('</svg>');
    return p.join('');
  };
  return {
    id, title, description, wide: draw('w'), narrow: draw('n'),
    notes: overall !== null ? ['The dashed vertical line is the overall pooled estimate.'] : [],
    table: {
      caption: `${o.label}: pooled SMD per ${inSentence(g.label)}`,
      columns: [g.label, 'Studies (k)', 'SMD', '95% CI lower', '95% CI upper', 'τ²', 'I² (%)'],
      rows: res.groups.map((l) => [levelLabel(g, l.level), l.k, l.estimate === null ? '' : Number(l.estimate.toFixed(4)), l.ciLower === null ? '' : Number(l.ciLower.toFixed(4)), l.ciUpper === null ? '' : Number(l.ciUpper.toFixed(4)), l.tau2 === null ? '' : Number(l.tau2.toFixed(4)), l.i2 === null ? '' : Number(l.i2.toFixed(1))]),
    },
  };
}
