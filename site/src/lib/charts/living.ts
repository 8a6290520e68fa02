/**
 * The living curve: an outcome's pooled estimate (with its 95% CI) at every published version, by
 * date — the estimate as readers saw it over time. Pure: data in, SVG text out (build time, no JS).
 * Drawn in both layouts of every chart (svg.ts: 760 units wide on a desktop, 288 on a phone) and
 * served as a `Chart` (livingChart): permalink, data table, CSV and SVG downloads like the others.
 */
import type { HistoryPoint } from '../../../../core/analysis/snapshot.js';
import { svgOpen, type Chart } from './svg.js';
import { esc, frame, grid, hline, num, ticks, xTitle, yTitle } from './frame.js';

export { esc, num, ticks };

export interface LivingRow {
  version: number;
  at: string;
  k: number;
  estimate: number;
  ciLower: number;
  ciUpper: number;
}

/** The rows of the living curve of one outcome (versions with a pooled estimate). */
export function livingRows(history: HistoryPoint[], outcomeId: string): LivingRow[] {
  const out: LivingRow[] = [];
  for (const h of history) {
    const o = h.outcomes.find((x) => x.id === outcomeId);
    if (!o || o.estimate === null || o.ciLower === null || o.ciUpper === null) continue;
    out.push({ version: h.version, at: h.at, k: o.k, estimate: o.estimate, ciLower: o.ciLower, ciUpper: o.ciUpper });
  }
  return out;
}

export interface LivingOptions { id: string; label: string; mid?: number; direction?: 'lower-is-better' | 'higher-is-better' }

const livingTitle = (rows: LivingRow[], label: string) => `${label}: pooled estimate with 95% CI at each of ${rows.length} published version${rows.length === 1 ? '' : 's'}`;
const LIVING_DESC = 'Each point is the pooled SMD readers saw in one published version, with its 95% confidence interval, placed at the date of the version; the line shows how the estimate moved as trials were added.';

/** The living curve of one outcome as a chart (id `living-<outcome>`), or null before any pooled version. */
export function livingChart(rows: LivingRow[], opts: LivingOptions, versionHref?: (n: number) => string): Chart | null {
  if (rows.length === 0) return null;
  const id = `living-${opts.id}`;
  return {
    id,
    title: `${opts.label}: the estimate at each version`,
    description: LIVING_DESC,
    wide: livingSvg(rows, opts, 'w'),
    narrow: livingSvg(rows, opts, 'n'),
    table: {
      caption: `${opts.label}: pooled SMD at each published version`,
      columns: ['Version', 'Published (UTC)', 'Studies', 'SMD', '95% CI lower', '95% CI upper'],
      rows: rows.map((r) => [r.version, r.at.slice(0, 16).replace('T', ' '), r.k, Number(r.estimate.toFixed(4)), Number(r.ciLower.toFixed(4)), Number(r.ciUpper.toFixed(4))]),
      ...(versionHref ? { links: rows.map((r) => versionHref(r.version)) } : {}),
    },
    notes: [],
  };
}

export function livingSvg(rows: LivingRow[], opts: LivingOptions, variant: 'w' | 'n' = 'n'): string {
  if (rows.length === 0) return '';
  const times = rows.map((r) => Date.parse(r.at));
  let t0 = Math.min(...times);
  let t1 = Math.max(...times);
  if (t1 - t0 < 60_000) {
    t0 -= 43_200_000;
    t1 += 43_200_000;
  }
  const lo = Math.min(0, ...rows.map((r) => r.ciLower));
  const hi = Math.max(0, ...rows.map((r) => r.ciUpper));
  const pad = (hi - lo) * 0.08 || 0.1;
  const y0 = lo - pad;
  const y1 = hi + pad;
  const f = frame(variant, { w: 300, n: 240 }, { L: 44, R: 12, T: 16, B: 40 }, [t0, t1], [y0, y1]);
  const { W, H, L, R, B, x, y } = f;
  const p: string[] = [];
  p.push(svgOpen(`living-${opts.id}`, variant, W, H, livingTitle(rows, opts.label), LIVING_DESC, 'living'));
  p.push(...grid(f, ticks(y0, y1), '#ddd', 1));
  p.push(hline(f, 0, 'stroke="#333" stroke-width="1"'));
  if (opts.mid !== undefined) {
    const m = opts.direction === 'lower-is-better' ? -opts.mid : opts.mid;
    if (m > y0 && m < y1) {
      p.push(hline(f, m, 'stroke="#b35900" stroke-dasharray="4 3"'));
      p.push(`<text x="${W - R}" y="${(y(m) - 3).toFixed(1)}" text-anchor="end" fill="#b35900">MID ${num(m)}</text>`);
    }
  }
  // CI band, estimate line, one marker per version
  if (rows.length > 1) {
    const band = [...rows.map((r, i) => `${x(times[i]).toFixed(1)},${y(r.ciUpper).toFixed(1)}`), ...rows.map((r, i) => `${x(times[i]).toFixed(1)},${y(r.ciLower).toFixed(1)}`).reverse()];
    p.push(`<polygon points="${band.join(' ')}" fill="#1f5f99" fill-opacity="0.15" stroke="none"/>`);
    p.push(`<polyline points="${rows.map((r, i) => `${x(times[i]).toFixed(1)},${y(r.estimate).toFixed(1)}`).join(' ')}" fill="none" stroke="#1f5f99" stroke-width="1.5"/>`);
  }
  rows.forEach((r, i) => {
    const cx = x(times[i]).toFixed(1);
    p.push(`<line x1="${cx}" x2="${cx}" y1="${y(r.ciLower).toFixed(1)}" y2="${y(r.ciUpper).toFixed(1)}" stroke="#1f5f99"/>`);
    p.push(`<circle cx="${cx}" cy="${y(r.estimate).toFixed(1)}" r="3" fill="#1f5f99"><title>Version ${r.version}, ${r.at.slice(0, 16).replace('T', ' ')} UTC: ${num(r.estimate)} [${num(r.ciLower)}, ${num(r.ciUpper)}], k = ${r.k}</title></circle>`);
  });
  const d0 = new Date(t0).toISOString().slice(0, 10);
  const d1 = new Date(t1).toISOString().slice(0, 10);
  p.push(`<text x="${L}" y="${H - B + 14}">${d0}</text>`);
  p.push(`<text x="${W - R}" y="${H - B + 14}" text-anchor="end">${d1}</text>`);
  p.push(xTitle(f, 'date of the version (UTC)'));
  p.push(yTitle(f, 'pooled SMD'));
  p.push('</svg>');
  return p.join('');
}
