import type { APIRoute } from 'astro';
import { loadSnapshots } from '../../../lib/snapshots.js';
import { chartCsv, mapCrossTable, reviewCharts, standaloneSvg, type Chart } from '../../../lib/charts/index.js';
import { tableCsv, type ChartTable } from '../../../lib/charts/svg.js';

/**
 * Per-chart files: /data/<review>/<chart>.csv (its data table), <chart>.svg (desktop layout, also
 * the download) and <chart>-narrow.svg (phone layout). The pages show the SVGs with <picture>, so a
 * page carries no chart markup and a browser fetches only the layout it shows. A table that is its
 * own figure (the evidence map's cross-table) has its CSV here too.
 */
export function getStaticPaths() {
  const base = import.meta.env.BASE_URL;
  return loadSnapshots().flatMap((s) => {
    const cross = mapCrossTable(s);
    return [
      ...reviewCharts(s, base).all.flatMap((ch) => [
        { params: { review: s.reviewId, file: `${ch.id}.csv` }, props: { ch, kind: 'csv' } },
        { params: { review: s.reviewId, file: `${ch.id}.svg` }, props: { ch, kind: 'wide' } },
        { params: { review: s.reviewId, file: `${ch.id}-narrow.svg` }, props: { ch, kind: 'narrow' } },
      ]),
      ...(cross ? [{ params: { review: s.reviewId, file: `${cross.id}.csv` }, props: { table: cross.table, kind: 'table-csv' } }] : []),
    ];
  });
}

const CSV = { 'Content-Type': 'text/csv; charset=utf-8' };

export const GET: APIRoute = ({ props }) => {
  const p = props as { ch: Chart; kind: 'csv' | 'wide' | 'narrow' } | { table: ChartTable; kind: 'table-csv' };
  if (p.kind === 'table-csv') return new Response(tableCsv(p.table), { headers: CSV });
  return p.kind === 'csv' ? new Response(chartCsv(p.ch), { headers: CSV }) : new Response(standaloneSvg(p.ch, p.kind), { headers: { 'Content-Type': 'image/svg+xml' } });
};
