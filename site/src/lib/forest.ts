/**
 * Forest plot as static SVG (rendered at build time: readable without JavaScript, printable, and
 * accompanied by a data table for screen readers). Effects are drawn in the outcome's direction.
 */
import type { OutcomeSnapshot } from './snapshots';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function forestSvg(o: OutcomeSnapshot): string {
  const r = o.result;
  if (!r || o.studies.length === 0 || r.estimate === null || r.ciLower === null || r.ciUpper === null) return '';
  const est = r.estimate, cl = r.ciLower, cu = r.ciUpper;
  const rows = o.studies;
  const lo = Math.min(...rows.map((s) => s.ciLower), r.piLower ?? cl, cl, 0);
  const hi = Math.max(...rows.map((s) => s.ciUpper), r.piUpper ?? cu, cu, 0);
  const pad = (hi - lo) * 0.05 || 0.1;
  const xmin = lo - pad;
  const xmax = hi + pad;
  const labelW = 230;
  const plotW = 420;
  const rowH = 18;
  const top = 24;
  const height = top + (rows.length + 3) * rowH + 36;
  const width = labelW + plotW + 150;
  const x = (v: number) => labelW + ((v - xmin) / (xmax - xmin)) * plotW;
  const maxW = Math.max(...rows.map((s) => s.weight ?? 0), 1);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="forest-${o.id}-title" class="forest">`);
  parts.push(`<title id="forest-${o.id}-title">Forest plot of ${esc(o.label)}: ${rows.length} studies</title>`);
  parts.push(`<text x="${labelW - 8}" y="14" text-anchor="end" class="hdr">Study</text>`);
  parts.push(`<text x="${labelW + plotW + 8}" y="14" class="hdr">SMD [95% CI]</text>`);
  rows.forEach((s, i) => {
    const y = top + i * rowH + rowH / 2;
    const size = 3 + 6 * Math.sqrt((s.weight ?? 0) / maxW);
    parts.push(`<text x="${labelW - 8}" y="${y + 4}" text-anchor="end">${esc(s.label)}</text>`);
    parts.push(`<line x1="${x(s.ciLower)}" x2="${x(s.ciUpper)}" y1="${y}" y2="${y}" class="ci"/>`);
    parts.push(`<rect x="${x(s.yi) - size / 2}" y="${y - size / 2}" width="${size}" height="${size}" class="pt"/>`);
    parts.push(`<text x="${labelW + plotW + 8}" y="${y + 4}">${s.yi.toFixed(2)} [${s.ciLower.toFixed(2)}, ${s.ciUpper.toFixed(2)}]</text>`);
  });
  const yd = top + rows.length * rowH + rowH;
  if (r.piLower !== null && r.piUpper !== null && r.piLower !== undefined && r.piUpper !== undefined) {
    parts.push(`<line x1="${x(r.piLower)}" x2="${x(r.piUpper)}" y1="${yd}" y2="${yd}" class="pi"/>`);
  }
  parts.push(
    `<polygon points="${x(cl)},${yd} ${x(est)},${yd - 6} ${x(cu)},${yd} ${x(est)},${yd + 6}" class="diamond"/>`,
  );
  parts.push(`<text x="${labelW - 8}" y="${yd + 4}" text-anchor="end" class="hdr">Pooled (${o.k} studies)</text>`);
  parts.push(`<text x="${labelW + plotW + 8}" y="${yd + 4}" class="hdr">${est.toFixed(2)} [${cl.toFixed(2)}, ${cu.toFixed(2)}]</text>`);
  const axisY = yd + rowH;
  parts.push(`<line x1="${x(0)}" x2="${x(0)}" y1="${top - 4}" y2="${axisY}" class="zero"/>`);
  parts.push(`<line x1="${labelW}" x2="${labelW + plotW}" y1="${axisY}" y2="${axisY}" class="axis"/>`);
  const step = niceStep((xmax - xmin) / 6);
  for (let t = Math.ceil(xmin / step) * step; t <= xmax + 1e-9; t += step) {
    parts.push(`<line x1="${x(t)}" x2="${x(t)}" y1="${axisY}" y2="${axisY + 4}" class="axis"/>`);
    parts.push(`<text x="${x(t)}" y="${axisY + 16}" text-anchor="middle">${Math.abs(t) < 1e-9 ? '0' : t.toFixed(1)}</text>`);
  }
  const lower = o.direction === 'lower-is-better';
  parts.push(`<text x="${x(0) - 6}" y="${axisY + 30}" text-anchor="end" class="fav">← favours ${lower ? 'intervention' : 'control'}</text>`);
  parts.push(`<text x="${x(0) + 6}" y="${axisY + 30}" class="fav">favours ${lower ? 'control' : 'intervention'} →</text>`);
  parts.push('</svg>');
  return parts.join('');
}

function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}
