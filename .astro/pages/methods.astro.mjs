import { c as createComponent, r as renderComponent, a as renderTemplate, m as maybeRenderHead } from '../chunks/astro/server_BY88Wx4D.mjs';
import 'piccolore';
import 'html-escaper';
import { $ as $$Base } from '../chunks/Base_BSa8c9Xv.mjs';
export { renderers } from '../renderers.mjs';

const $$Methods = createComponent(($$result, $$props, $$slots) => {
  return renderTemplate`${renderComponent($$result, "Base", $$Base, { "title": "Methods" }, { "default": ($$result2) => renderTemplate` ${maybeRenderHead()}<h1>Methods</h1> <p>Effect sizes are standardised mean differences (Hedges' g with the exact small-sample correction), intervention minus control, computed as R's metafor <code>escalc(measure = "SMD")</code> does. Every effect is expressed in its outcome's direction: for symptom outcomes a negative value means fewer symptoms with the intervention.</p> <p>Pooling follows Cochrane's 2025 random-effects guidance: restricted maximum likelihood (REML) for the between-study variance τ², Hartung-Knapp-Sidik-Jonkman confidence intervals, Q-profile confidence intervals for τ² and I², and prediction intervals. Every number is tested against metafor on the same input.</p> <p>When a trial reports several eligible instruments or comparisons for one outcome, its effects and variances are averaged so that each trial counts once.</p> <p>Small-study tests (Egger's regression, trim-and-fill) are computed from three studies and should be interpreted only from ten. Cumulative meta-analysis by publication year shows how the living estimate settled; it is not a sequential test.</p> <p>Published review figures appear beside the living estimate as a baseline for comparison; they are never pooled with trial data.</p> ` })}`;
}, "/work/wt/dash-site/site/src/pages/methods.astro", void 0);

const $$file = "/work/wt/dash-site/site/src/pages/methods.astro";
const $$url = "/methods";

const _page = /*#__PURE__*/Object.freeze(/*#__PURE__*/Object.defineProperty({
  __proto__: null,
  default: $$Methods,
  file: $$file,
  url: $$url
}, Symbol.toStringTag, { value: 'Module' }));

const page = () => _page;

export { page };
