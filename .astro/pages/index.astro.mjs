import { c as createComponent, r as renderComponent, a as renderTemplate, m as maybeRenderHead, b as addAttribute, F as Fragment } from '../chunks/astro/server_BY88Wx4D.mjs';
import 'piccolore';
import 'html-escaper';
import { $ as $$Base } from '../chunks/Base_BSa8c9Xv.mjs';
import { $ as $$CertaintyBadge } from '../chunks/CertaintyBadge_BJZ2q_Oe.mjs';
import { l as loadSnapshots, p as primaryOutcome } from '../chunks/snapshots_D3Lm9L60.mjs';
import { f as fmt, a as fmtCi, b as fmtDate } from '../chunks/format_BwMHeXA6.mjs';
import { l as lastChanged, s as sourceName } from '../chunks/present_DyZxc6C0.mjs';
export { renderers } from '../renderers.mjs';

const $$Index = createComponent(($$result, $$props, $$slots) => {
  const snapshots = loadSnapshots();
  const base = "/";
  return renderTemplate`${renderComponent($$result, "Base", $$Base, { "title": "Living reviews" }, { "default": ($$result2) => renderTemplate` ${maybeRenderHead()}<h1>Living reviews of digital mental health interventions</h1> <p class="lead">What randomised trials say about apps, websites and online programmes for mental health — re-analysed the moment a curator accepts a new trial. Each card gives the main finding in plain words and how sure we can be.</p> ${snapshots.length === 0 && renderTemplate`<p class="empty">No review has been published yet.</p>`}<ul class="cards"> ${snapshots.map((s) => {
    const o = primaryOutcome(s);
    const h = s.headline ?? null;
    const b = o?.baseline?.[0];
    const delta = h && h.estimate !== null && h.previousEstimate !== null ? h.estimate - h.previousEstimate : null;
    return renderTemplate`<li class="card"${addAttribute(s.reviewId, "data-review")}> <h2><a${addAttribute(`${base}reviews/${s.reviewId}/`, "href")}>${s.title}</a></h2> ${s.kind === "evidence-map" ? s.studies.length === 0 ? renderTemplate`<p class="empty" data-testid="no-trials">Evidence map: no trials accepted yet.</p>` : renderTemplate`<p class="headline">${`Evidence map: ${s.studies.length} accepted stud${s.studies.length === 1 ? "y" : "ies"}, counted by year, region, population, disorder and intervention type.`}</p>` : o && o.result && o.result.estimate !== null ? renderTemplate`<div class="estimate"> <p class="headline" data-testid="headline">${h?.sentence ?? o.plainLanguage?.sentence ?? o.label}</p> <p class="card-cert">${o.certainty ? renderTemplate`${renderComponent($$result2, "CertaintyBadge", $$CertaintyBadge, { "c": o.certainty, "compact": true })}` : null}</p> <p class="card-num"><span class="label">${o.label}</span> SMD <strong data-testid="estimate">${fmt(o.result.estimate)}</strong> <span class="ci">[${fmt(o.result.ciLower)}, ${fmt(o.result.ciUpper)}]</span> · ${o.k} stud${o.k === 1 ? "y" : "ies"}${o.participants ? `, ${o.participants} participants` : ""}</p> ${delta !== null && renderTemplate`<p class="delta" data-testid="delta">${Math.abs(delta) < 5e-3 ? renderTemplate`${renderComponent($$result2, "Fragment", Fragment, {}, { "default": ($$result3) => renderTemplate`<span aria-hidden="true">→ </span>unchanged since the previous version (${fmt(h.previousEstimate)})` })}` : renderTemplate`${renderComponent($$result2, "Fragment", Fragment, {}, { "default": ($$result3) => renderTemplate`<span aria-hidden="true">${delta < 0 ? "↓ " : "↑ "}</span>${`${delta < 0 ? "down" : "up"} ${fmt(Math.abs(delta))} since`} the previous version (was ${fmt(h.previousEstimate)})` })}`}</p>`} </div>` : renderTemplate`<p class="empty" data-testid="no-trials">No trials accepted yet${o ? ` for ${o.label.toLowerCase()}` : ""}.</p>`} ${b && renderTemplate`<p class="baseline">Published baseline (${b.outcome}): SMD ${fmtCi(b.estimate, b.ciLower, b.ciUpper)}${b.k ? `, ${b.k} studies` : ""}</p>`} <p class="meta">
Last changed <time${addAttribute(lastChanged(s), "datetime")}>${fmtDate(lastChanged(s))}</time> (version ${s.revision})
${(s.sources ?? []).length > 0 && renderTemplate`${renderComponent($$result2, "Fragment", Fragment, {}, { "default": ($$result3) => renderTemplate`<br>Searched: ${(s.sources ?? []).map((src, i) => renderTemplate`${renderComponent($$result3, "Fragment", Fragment, {}, { "default": ($$result4) => renderTemplate`${i > 0 && ", "}${`${sourceName(src.source)} `}${src.lastSearchedAt ? renderTemplate`<time${addAttribute(src.lastSearchedAt, "datetime")}>${fmtDate(src.lastSearchedAt)}</time>` : "not yet"}` })}`)}` })}`} </p> </li>`;
  })} </ul> ` })}`;
}, "/work/wt/dash-site/site/src/pages/index.astro", void 0);
const $$file = "/work/wt/dash-site/site/src/pages/index.astro";
const $$url = "";

const _page = /*#__PURE__*/Object.freeze(/*#__PURE__*/Object.defineProperty({
  __proto__: null,
  default: $$Index,
  file: $$file,
  url: $$url
}, Symbol.toStringTag, { value: 'Module' }));

const page = () => _page;

export { page };
