import type { APIRoute } from 'astro';
import { loadSnapshots } from '../../../lib/snapshots.js';
import { chartCsv, reviewCharts, standaloneSvg, type Chart } from '../../../lib/charts/index.js';

/**
 * Per-chart files: /data/<review>/<chart>.csv (its data table), <chart>.svg (desktop layout, also
 * the download) and <chart>-narrow.svg (phone layout). The pages show the SVGs with <picture>, so a
 * page carries no chart markup and a browser fetches only the layout it shows.
 */
export function getStaticPaths() {
  const base = import.meta.env.BASE_URL;
  return loadSnapshots().flatMap((s) =>
    reviewCharts(s, base).all.flatMap((ch) => [
      { params: { review: s.reviewId, file: `${ch.id}.csv` }, props: { ch, kind: 'csv' } },
      { params: { review: s.reviewId, file: `${ch.id}.svg` }, props: { ch, kind: 'wide' } },
      { params: { review: s.reviewId, file: `${ch.id}-narrow.svg` }, props: { ch, kind: 'narrow' } },
    ]),
  );
}

export const GET: APIRoute = ({ props }) => {
  const { ch, kind } = props as { ch: Chart; kind: 'csv' | 'wide' | 'narrow' };
  return kind === 'csv'
    ? new Response(chartCsv(ch), { headers: { 'Content-Type': 'text/csv; charset=utf-8' } })
    : new Response(standaloneSvg(ch, kind), { headers: { 'Content-Type': 'image/svg+xml' } });
};
