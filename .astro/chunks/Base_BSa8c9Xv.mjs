import { d as createAstro, c as createComponent, b as addAttribute, e as renderHead, f as renderSlot, a as renderTemplate } from './astro/server_BY88Wx4D.mjs';
import 'piccolore';
import 'html-escaper';
import 'clsx';

const $$Astro = createAstro("http://localhost:8787");
const $$Base = createComponent(($$result, $$props, $$slots) => {
  const Astro2 = $$result.createAstro($$Astro, $$props, $$slots);
  Astro2.self = $$Base;
  const { title, description = "Living, always-current meta-analyses of digital mental health interventions." } = Astro2.props;
  const base = "/";
  return renderTemplate`<html lang="en"> <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="description"${addAttribute(description, "content")}><title>${title} · Living evidence for digital mental health</title><link rel="icon" type="image/svg+xml"${addAttribute(`${base}favicon.svg`, "href")}><link rel="stylesheet"${addAttribute(`${base}styles.css`, "href")}><link rel="stylesheet"${addAttribute(`${base}charts.css`, "href")}><link rel="alternate" type="application/atom+xml" title="Changes"${addAttribute(`${base}feed.xml`, "href")}>${renderHead()}</head> <body> <a class="skip" href="#main">Skip to content</a> <header class="site"> <a class="brand"${addAttribute(base, "href")}>Living evidence <span>digital mental health</span></a> <nav aria-label="Main"> <a${addAttribute(base, "href")}>Reviews</a> <a${addAttribute(`${base}methods/`, "href")}>Methods</a> <a${addAttribute(`${base}feed.xml`, "href")}>Changes (Atom)</a> </nav> </header> <main id="main">${renderSlot($$result, $$slots["default"])}</main> <footer class="site"> <p>Estimates are recomputed every time curators accept or withdraw a trial. Published figures are shown for comparison only and are never pooled. Every chart works without JavaScript and has its data as a table and a download.</p> </footer> </body></html>`;
}, "/work/wt/dash-site/site/src/layouts/Base.astro", void 0);

export { $$Base as $ };
