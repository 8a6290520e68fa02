import type { APIRoute } from 'astro';
import { loadSnapshots, csvEscape, type ReviewSnapshot } from '../../lib/snapshots';

/** Downloads: the full snapshot as JSON and the per-study effects as CSV, per review. */
export function getStaticPaths() {
  return loadSnapshots().flatMap((s) => [
    { params: { file: `${s.reviewId}.json` }, props: { s, kind: 'json' } },
    { params: { file: `${s.reviewId}.csv` }, props: { s, kind: 'csv' } },
  ]);
}

export const GET: APIRoute = ({ props }) => {
  const { s, kind } = props as { s: ReviewSnapshot; kind: 'json' | 'csv' };
  if (kind === 'json') return new Response(JSON.stringify(s, null, 1), { headers: { 'Content-Type': 'application/json' } });
  const header = ['review', 'outcome', 'study', 'label', 'year', 'yi', 'vi', 'ci_lower', 'ci_upper', 'weight_percent', 'n', 'instruments'];
  const lines = [header.join(',')];
  for (const o of s.outcomes)
    for (const r of o.studies)
      lines.push([s.reviewId, o.id, r.id, r.label, r.year ?? '', r.yi, r.vi, r.ciLower, r.ciUpper, r.weight ?? '', r.n ?? '', r.instruments.join('; ')].map(csvEscape).join(','));
  return new Response(`${lines.join('\n')}\n`, { headers: { 'Content-Type': 'text/csv; charset=utf-8' } });
};
