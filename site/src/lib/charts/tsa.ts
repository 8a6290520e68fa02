/**
 * Trial sequential analysis chart: the cumulative Z-curve over the accrued information, the
 * Lan–DeMets O'Brien–Fleming boundaries for benefit (above) and harm (below), the futility wedge,
 * the conventional ±1.96 lines and the required information size. Pure: data in, SVG text out
 * (build time, no JS); 360 wide viewBox for a 390 px phone.
 */
import type { TsaResult } from '../../../../core/analysis/tsa';
import { esc, num, ticks } from './living';

const ZMAX = 8;
const clampZ = (z: number) => Math.max(-ZMAX, Math.min(ZMAX, z));

export function tsaSvg(tsa: TsaResult, opts: { id: string; label: string }): string {
  if (tsa.points.length === 0) return '';
  const W = 360;
  const H = 240;
  const L = 34;
  const R = 12;
  const T = 14;
  const B = 40;
  const fMax = Math.max(1.05, ...tsa.points.map((p) => p.fraction)) * 1.02;
  const zs = tsa.points.flatMap((p) => [p.z, p.efficacy ?? 0]);
  const zTop = Math.min(ZMAX, Math.max(3, ...zs.map((z) => Math.abs(z))) + 0.5);
  const x = (f: number) => L + (f / fMax) * (W - L - R);
  const y = (z: number) => T + ((zTop - clampZ(z)) / (2 * zTop)) * (H - T - B);
  const p: string[] = [];
  p.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="tsa-${esc(opts.id)}-t" class="tsa">`);
  p.push(`<title id="tsa-${esc(opts.id)}-t">Trial sequential analysis of ${esc(opts.label)}: ${esc(tsa.statusText)}</title>`);
  for (const v of ticks(-zTop, zTop, 6)) {
    p.push(`<line x1="${L}" x2="${W - R}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#eee"/>`);
    p.push(`<text x="${L - 4}" y="${(y(v) + 3).toFixed(1)}" text-anchor="end" font-size="10">${num(v, 0)}</text>`);
  }
  p.push(`<line x1="${L}" x2="${W - R}" y1="${y(0).toFixed(1)}" y2="${y(0).toFixed(1)}" stroke="#333"/>`);
  for (const c of [1.96, -1.96]) p.push(`<line x1="${L}" x2="${W - R}" y1="${y(c).toFixed(1)}" y2="${y(c).toFixed(1)}" stroke="#888" stroke-dasharray="3 3"/>`);
  // required information size
  p.push(`<line x1="${x(1).toFixed(1)}" x2="${x(1).toFixed(1)}" y1="${T}" y2="${H - B}" stroke="#b35900" stroke-dasharray="5 3"/>`);
  p.push(`<text x="${(x(1) - 3).toFixed(1)}" y="${T + 9}" text-anchor="end" font-size="9" fill="#b35900">RIS ${Math.round(tsa.ris)}</text>`);
  // boundaries at the looks (extended flat past the RIS)
  const withB = tsa.points.filter((q) => q.efficacy !== null);
  const line = (pts: [number, number][], color: string, dash = '') =>
    pts.length > 1 ? p.push(`<polyline points="${pts.map(([f, z]) => `${x(f).toFixed(1)},${y(z).toFixed(1)}`).join(' ')}" fill="none" stroke="${color}" stroke-width="1.5"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`) : 0;
  const effPts: [number, number][] = withB.map((q) => [Math.min(1, q.fraction), q.efficacy!]);
  if (effPts.length && fMax > 1) effPts.push([fMax, effPts[effPts.length - 1][1]]);
  line(effPts, '#a00');
  line(effPts.map(([f, z]) => [f, -z]), '#a00');
  const fut: [number, number][] = tsa.points.filter((q) => q.futility !== null && q.futility > 0).map((q) => [Math.min(1, q.fraction), q.futility!]);
  line(fut, '#2a7a2a', '4 2');
  line(fut.map(([f, z]) => [f, -z]), '#2a7a2a', '4 2');
  // Z-curve
  const zc: [number, number][] = [[0, 0], ...tsa.points.map((q) => [q.fraction, q.z] as [number, number])];
  line(zc, '#1f5f99');
  for (const q of tsa.points) p.push(`<circle cx="${x(q.fraction).toFixed(1)}" cy="${y(q.z).toFixed(1)}" r="2.2" fill="#1f5f99"><title>${esc(q.label)}: Z ${num(q.z)}, ${q.participants} participants</title></circle>`);
  p.push(`<text x="${W - R}" y="${(y(zTop) + 10).toFixed(1)}" text-anchor="end" font-size="9" fill="#a00">benefit</text>`);
  p.push(`<text x="${W - R}" y="${(y(-zTop) - 4).toFixed(1)}" text-anchor="end" font-size="9" fill="#a00">harm</text>`);
  p.push(`<text x="${(L + W - R) / 2}" y="${H - 6}" font-size="10" text-anchor="middle">participants accrued (RIS = ${Math.round(tsa.ris)})</text>`);
  p.push(`<text x="${L}" y="${H - B + 14}" font-size="10">0</text>`);
  p.push(`<text x="${x(1).toFixed(1)}" y="${H - B + 14}" font-size="10" text-anchor="middle">${Math.round(tsa.ris)}</text>`);
  p.push(`<text x="10" y="${(T + H - B) / 2}" font-size="10" text-anchor="middle" transform="rotate(-90 10 ${(T + H - B) / 2})">cumulative Z</text>`);
  p.push('</svg>');
  return p.join('');
}
