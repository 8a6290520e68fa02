import type { APIRoute } from 'astro';
import { loadSnapshots } from '../../../lib/snapshots.js';
import { chartCsv, reviewCharts, standaloneSvg, type Chart } from '../../../lib/charts/index.js';

/** Per-chart downloads: /data/<review>/<chart>.csv (its data table) and .svg (the desktop layout). */
export function getStaticPaths() {
  const base = import.meta.env.BASE_URL;
  return loadSnapshots().flatMap((s) =>
    reviewCharts(s, base).all.flatMap((ch) => [
      { params: { review: s.reviewId, file: `${ch.id}.csv` }, props: { ch, kind: 'csv' } },
      { params: { review: s.reviewId, file: `${ch.id}.svg` }, props: { ch, kind: 'svg' } },
    ]),
  );
}

export const GET: APIRoute = ({ props }) => {
  const { ch, kind } = props as { ch: Chart; kind: 'csv' | 'svg' };
  return kind === 'csv'
    ? new Response(chartCsv(ch), { headers: { 'Content-Type': 'text/csv; charset=utf-8' } })
    : new Response(standaloneSvg(ch), { headers: { 'Content-Type': 'image/svg+xml' } });
};
