import { l as loadSnapshots } from '../../chunks/snapshots_D3Lm9L60.mjs';
import { c as csvEscape } from '../../chunks/format_BwMHeXA6.mjs';
export { renderers } from '../../renderers.mjs';

function getStaticPaths() {
  return loadSnapshots().flatMap((s) => [
    { params: { file: `${s.reviewId}.json` }, props: { s, kind: "json" } },
    { params: { file: `${s.reviewId}.csv` }, props: { s, kind: "csv" } }
  ]);
}
const GET = ({ props }) => {
  const { s, kind } = props;
  if (kind === "json") return new Response(JSON.stringify(s, null, 1), { headers: { "Content-Type": "application/json" } });
  const header = ["review", "outcome", "study", "label", "year", "yi", "vi", "ci_lower", "ci_upper", "weight_percent", "n", "instruments"];
  const lines = [header.join(",")];
  for (const o of s.outcomes)
    for (const r of o.studies)
      lines.push([s.reviewId, o.id, r.id, r.label, r.year ?? "", r.yi, r.vi, r.ciLower, r.ciUpper, r.weight ?? "", r.n ?? "", r.instruments.join("; ")].map(csvEscape).join(","));
  return new Response(`${lines.join("\n")}
`, { headers: { "Content-Type": "text/csv; charset=utf-8" } });
};

const _page = /*#__PURE__*/Object.freeze(/*#__PURE__*/Object.defineProperty({
  __proto__: null,
  GET,
  getStaticPaths
}, Symbol.toStringTag, { value: 'Module' }));

const page = () => _page;

export { page };
