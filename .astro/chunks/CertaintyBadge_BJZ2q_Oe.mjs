import { d as createAstro, c as createComponent, m as maybeRenderHead, b as addAttribute, a as renderTemplate } from './astro/server_BY88Wx4D.mjs';
import 'piccolore';
import 'html-escaper';
import 'clsx';
import { C as CERTAINTY_LABEL, b as certaintyMarks, c as certaintyStatus } from './present_DyZxc6C0.mjs';

const $$Astro = createAstro("http://localhost:8787");
const $$CertaintyBadge = createComponent(($$result, $$props, $$slots) => {
  const Astro2 = $$result.createAstro($$Astro, $$props, $$slots);
  Astro2.self = $$CertaintyBadge;
  const { c, compact = false } = Astro2.props;
  return renderTemplate`${c ? renderTemplate`${maybeRenderHead()}<span${addAttribute(`cert cert-${c.rating}`, "class")}><span class="marks" aria-hidden="true">${certaintyMarks(c.rating)}</span><span class="cert-label">${CERTAINTY_LABEL[c.rating]} certainty</span>${!compact && renderTemplate`<span class="cert-status">${c.status === "confirmed" ? "" : " (proposed)"}</span>`}<span class="visually-hidden">, ${certaintyStatus(c)}</span></span>` : renderTemplate`<span class="cert cert-none">Certainty not rated</span>`}`;
}, "/work/wt/dash-site/site/src/components/CertaintyBadge.astro", void 0);

export { $$CertaintyBadge as $ };
