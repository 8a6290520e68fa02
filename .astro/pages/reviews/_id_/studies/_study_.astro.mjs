import { d as createAstro, c as createComponent, r as renderComponent, a as renderTemplate, m as maybeRenderHead, b as addAttribute, F as Fragment } from '../../../../chunks/astro/server_BY88Wx4D.mjs';
import 'piccolore';
import 'html-escaper';
import { $ as $$Base } from '../../../../chunks/Base_BSa8c9Xv.mjs';
import { l as loadSnapshots } from '../../../../chunks/snapshots_D3Lm9L60.mjs';
import { a as fmtCi, f as fmt } from '../../../../chunks/format_BwMHeXA6.mjs';
import { s as sourceName, i as idLink, I as ID_NAME } from '../../../../chunks/present_DyZxc6C0.mjs';
import { R as ROB_KEYS, r as robWord, l as levelLabel } from '../../../../chunks/subgroup_JJNoFsxV.mjs';
export { renderers } from '../../../../renderers.mjs';

const $$Astro = createAstro("http://localhost:8787");
function getStaticPaths() {
  return loadSnapshots().flatMap((s) => {
    const ids = /* @__PURE__ */ new Set();
    const out = [];
    for (const st of s.studies) {
      if (ids.has(st.id)) continue;
      ids.add(st.id);
      out.push({ params: { id: s.reviewId, study: st.id }, props: { s, st, reason: s.excluded.find((e) => e.id === st.id)?.reason ?? null } });
    }
    return out;
  });
}
const $$study = createComponent(($$result, $$props, $$slots) => {
  const Astro2 = $$result.createAstro($$Astro, $$props, $$slots);
  Astro2.self = $$study;
  const { s, st, reason } = Astro2.props;
  const base = "/";
  const reviewHref = `${base}reviews/${s.reviewId}/`;
  const rows = s.outcomes.flatMap((o) => o.studies.filter((r) => r.id === st.id).map((r) => ({ o, r })));
  const rob = st.robDomains ?? rows.find((x) => x.r.rob)?.r.rob ?? null;
  const ROB_LABEL = { D1: "Randomisation process", D2: "Deviations from intended interventions", D3: "Missing outcome data", D4: "Measurement of the outcome", D5: "Selection of the reported result", overall: "Overall" };
  const mods = rows[0]?.r.moderators ?? {};
  const modLabel = (id) => s.outcomes.flatMap((o) => o.subgroups).find((g) => g.moderator === id)?.label ?? id.replace(/([a-z])([A-Z])/g, "$1 $2").toLowerCase().replace(/^./, (m) => m.toUpperCase());
  const modValue = (id, v) => {
    const g = s.outcomes.flatMap((o) => o.subgroups).find((x) => x.moderator === id);
    return typeof v === "string" && g ? levelLabel(g, v) : String(v);
  };
  return renderTemplate`${renderComponent($$result, "Base", $$Base, { "title": `${st.label} · ${s.shortTitle}`, "description": `${st.label}: records, extracted data and risk of bias in ${s.title}` }, { "default": ($$result2) => renderTemplate` ${maybeRenderHead()}<p class="crumbs"><a${addAttribute(base, "href")}>Reviews</a> › <a${addAttribute(reviewHref, "href")}>${s.shortTitle}</a> › ${st.label}</p> <h1>${st.label}${st.preprint && renderTemplate`<span class="tag">preprint</span>`}</h1> ${st.title && renderTemplate`<p class="lead">${st.title}</p>`}${st.retracted && renderTemplate`<p class="alert" role="note"><strong>Retracted.</strong> ${reason ?? "This study was retracted and is left out of every analysis."}</p>`}${!st.retracted && reason && renderTemplate`<p class="alert" role="note">Accepted but not pooled: ${reason}.</p>`}<section aria-labelledby="rec"> <h2 id="rec">Records</h2> <dl class="facts"> <dt>Year</dt><dd>${st.year ?? "not known"}</dd> <dt>Found in</dt><dd>${st.sources.map(sourceName).join(", ") || "–"}</dd> ${st.identifiers.map((i) => {
    const href = idLink(i.type, i.value);
    return renderTemplate`${renderComponent($$result2, "Fragment", Fragment, {}, { "default": ($$result3) => renderTemplate`<dt>${ID_NAME[i.type] ?? i.type}</dt><dd>${href ? renderTemplate`<a${addAttribute(href, "href")}>${i.value}</a>` : i.value}</dd>` })}`;
  })} ${st.preprint && renderTemplate`${renderComponent($$result2, "Fragment", Fragment, {}, { "default": ($$result3) => renderTemplate`<dt>Status</dt><dd>Preprint (not peer reviewed)</dd>` })}`} </dl> ${st.attribution && renderTemplate`<p class="note">${st.attribution}</p>`} </section> <section aria-labelledby="data"> <h2 id="data">Extracted data and analyses</h2> ${rows.length === 0 ? renderTemplate`<p class="empty">This study is not in any pooled analysis.</p>` : renderTemplate`<table class="stack"> <caption>Effect of this study per outcome (SMD, aligned to each outcome's direction)</caption> <thead><tr><th scope="col">Outcome</th><th scope="col">SMD [95% CI]</th><th scope="col">Weight</th><th scope="col">n</th><th scope="col">Instruments</th></tr></thead> <tbody>${rows.map(({ o, r }) => renderTemplate`<tr${addAttribute(o.id, "data-outcome")}> <th scope="row" data-label="Outcome"><a${addAttribute(`${reviewHref}#outcome-${o.id}`, "href")}>${o.label}</a></th> <td data-label="SMD [95% CI]" data-testid="study-smd">${fmtCi(r.yi, r.ciLower, r.ciUpper)}</td> <td data-label="Weight">${r.weight === null ? "–" : `${fmt(r.weight, 1)}% of ${o.k} studies`}</td> <td data-label="n">${r.n ?? "–"}</td> <td data-label="Instruments">${r.instruments.join(", ")}${r.rows > 1 ? ` (${r.rows} comparisons averaged)` : ""}${r.flipped ? " (sign aligned)" : ""}</td> </tr>`)}</tbody> </table>`} ${rows.length > 0 && renderTemplate`<ul class="in-analyses"> ${rows.map(({ o }) => renderTemplate`<li>In the <a${addAttribute(`${reviewHref}#forest-${o.id}`, "href")}>forest plot of ${o.label.toLowerCase()}</a>${o.subgroups.length > 0 && `, its subgroup analyses (${o.subgroups.map((g) => g.label.toLowerCase()).join(", ")})`}${o.result?.metaRegression && !o.result.metaRegression.excluded.includes(st.id) && ", the meta-regression"}${o.result?.leaveOneOut && " and the leave-one-out analysis"}.</li>`)} </ul>`} ${Object.keys(mods).length > 0 && renderTemplate`${renderComponent($$result2, "Fragment", Fragment, {}, { "default": ($$result3) => renderTemplate` <h3>Study characteristics (coded moderators)</h3> <dl class="facts">${Object.entries(mods).map(([k, v]) => renderTemplate`${renderComponent($$result3, "Fragment", Fragment, {}, { "default": ($$result4) => renderTemplate`<dt>${modLabel(k)}</dt><dd>${modValue(k, v)}</dd>` })}`)}</dl> ` })}`} </section> <section aria-labelledby="rob"> <h2 id="rob">Risk of bias (RoB 2)</h2> ${rob ? renderTemplate`<table class="stack rob-table"> <thead><tr><th scope="col">Domain</th><th scope="col">Judgement</th></tr></thead> <tbody>${ROB_KEYS.map((k) => renderTemplate`<tr><th scope="row" data-label="Domain">${k === "overall" ? "Overall" : `${k}: ${ROB_LABEL[k]}`}</th><td data-label="Judgement"><span${addAttribute(`robdot rob-${rob[k] ?? "none"}`, "class")} aria-hidden="true">${rob[k] === "low" ? "+" : rob[k] === "some" ? "−" : rob[k] === "high" ? "×" : "?"}</span> ${robWord(rob[k])}</td></tr>`)}</tbody> </table>` : st.rob ? renderTemplate`<p>Overall: ${st.rob === "some" ? "some concerns" : `${st.rob} risk`} (domains not recorded).</p>` : renderTemplate`<p class="empty">Not assessed yet.</p>`} </section> ` })}`;
}, "/work/wt/dash-site/site/src/pages/reviews/[id]/studies/[study].astro", void 0);
const $$file = "/work/wt/dash-site/site/src/pages/reviews/[id]/studies/[study].astro";
const $$url = "/reviews/[id]/studies/[study]";

const _page = /*#__PURE__*/Object.freeze(/*#__PURE__*/Object.defineProperty({
  __proto__: null,
  default: $$study,
  file: $$file,
  getStaticPaths,
  url: $$url
}, Symbol.toStringTag, { value: 'Module' }));

const page = () => _page;

export { page };
