import { d as createAstro, c as createComponent, m as maybeRenderHead, b as addAttribute, a as renderTemplate } from './astro/server_BY88Wx4D.mjs';
import 'piccolore';
import 'html-escaper';
import 'clsx';

const $$Astro = createAstro("http://localhost:8787");
const $$DataTable = createComponent(($$result, $$props, $$slots) => {
  const Astro2 = $$result.createAstro($$Astro, $$props, $$slots);
  Astro2.self = $$DataTable;
  const { table, label } = Astro2.props;
  return renderTemplate`${maybeRenderHead()}<div class="tablewrap" tabindex="0" role="region"${addAttribute(label, "aria-label")}> <table> <caption>${table.caption}</caption> <thead><tr>${table.columns.map((c) => renderTemplate`<th scope="col">${c}</th>`)}</tr></thead> <tbody>${table.rows.map((r, i) => renderTemplate`<tr>${r.map((v, j) => j === 0 ? renderTemplate`<th scope="row">${table.links?.[i] ? renderTemplate`<a${addAttribute(table.links[i], "href")}>${v}</a>` : v}</th>` : renderTemplate`<td>${v}</td>`)}</tr>`)}</tbody> </table> </div>`;
}, "/work/wt/dash-site/site/src/components/DataTable.astro", void 0);

export { $$DataTable as $ };
