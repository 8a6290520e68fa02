import { l as loadSnapshots } from '../../../chunks/snapshots_D3Lm9L60.mjs';
import { c as chartCsv, s as standaloneSvg, r as reviewCharts } from '../../../chunks/index_B2UDAgDw.mjs';
export { renderers } from '../../../renderers.mjs';

function getStaticPaths() {
  const base = "/";
  return loadSnapshots().flatMap(
    (s) => reviewCharts(s, base).all.flatMap((ch) => [
      { params: { review: s.reviewId, file: `${ch.id}.csv` }, props: { ch, kind: "csv" } },
      { params: { review: s.reviewId, file: `${ch.id}.svg` }, props: { ch, kind: "wide" } },
      { params: { review: s.reviewId, file: `${ch.id}-narrow.svg` }, props: { ch, kind: "narrow" } }
    ])
  );
}
const GET = ({ props }) => {
  const { ch, kind } = props;
  return kind === "csv" ? new Response(chartCsv(ch), { headers: { "Content-Type": "text/csv; charset=utf-8" } }) : new Response(standaloneSvg(ch, kind), { headers: { "Content-Type": "image/svg+xml" } });
};

const _page = /*#__PURE__*/Object.freeze(/*#__PURE__*/Object.defineProperty({
  __proto__: null,
  GET,
  getStaticPaths
}, Symbol.toStringTag, { value: 'Module' }));

const page = () => _page;

export { page };
