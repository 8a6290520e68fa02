import { d as createAstro, c as createComponent, r as renderComponent, a as renderTemplate, m as maybeRenderHead, b as addAttribute } from '../../../../chunks/astro/server_BY88Wx4D.mjs';
import 'piccolore';
import 'html-escaper';
import { $ as $$Base } from '../../../../chunks/Base_BSa8c9Xv.mjs';
import { $ as $$DataTable } from '../../../../chunks/DataTable_DhDaUGzv.mjs';
import { l as loadSnapshots } from '../../../../chunks/snapshots_D3Lm9L60.mjs';
import { t as tablePages } from '../../../../chunks/index_B2UDAgDw.mjs';
export { renderers } from '../../../../renderers.mjs';

const $$Astro = createAstro("http://localhost:8787");
function getStaticPaths() {
  const base = "/";
  return loadSnapshots().flatMap((s) => tablePages(s, base).map((t) => ({ params: { id: s.reviewId, table: t.id }, props: { s, t } })));
}
const $$table = createComponent(($$result, $$props, $$slots) => {
  const Astro2 = $$result.createAstro($$Astro, $$props, $$slots);
  Astro2.self = $$table;
  const { s, t } = Astro2.props;
  const base = "/";
  const reviewHref = `${base}reviews/${s.reviewId}/`;
  return renderTemplate`${renderComponent($$result, "Base", $$Base, { "title": `Data: ${t.title}` }, { "default": ($$result2) => renderTemplate` ${maybeRenderHead()}<p class="crumbs"><a${addAttribute(base, "href")}>Reviews</a> › <a${addAttribute(reviewHref, "href")}>${s.shortTitle}</a> › data</p> <h1>Data: ${t.title}</h1> <p><a${addAttribute(`${reviewHref}#${t.id}`, "href")}>Back to the chart</a> · Download <a${addAttribute(`${base}data/${s.reviewId}/${t.id}.csv`, "href")} download>CSV</a></p> ${renderComponent($$result2, "DataTable", $$DataTable, { "table": t.table, "label": t.title })} ` })}`;
}, "/work/wt/dash-site/site/src/pages/reviews/[id]/data/[table].astro", void 0);
const $$file = "/work/wt/dash-site/site/src/pages/reviews/[id]/data/[table].astro";
const $$url = "/reviews/[id]/data/[table]";

const _page = /*#__PURE__*/Object.freeze(/*#__PURE__*/Object.defineProperty({
  __proto__: null,
  default: $$table,
  file: $$file,
  getStaticPaths,
  url: $$url
}, Symbol.toStringTag, { value: 'Module' }));

const page = () => _page;

export { page };
