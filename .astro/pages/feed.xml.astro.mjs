import { l as loadSnapshots } from '../chunks/snapshots_D3Lm9L60.mjs';
export { renderers } from '../renderers.mjs';

const esc = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const GET = ({ site }) => {
  const origin = (site?.toString() ?? "http://localhost:8787/").replace(/\/$/, "");
  const entries = loadSnapshots().flatMap(
    (s) => s.changes.slice(0, 50).map((c, i) => ({ s, c, id: `${origin}/reviews/${s.reviewId}/#${c.at}-${i}` }))
  );
  entries.sort((a, b) => b.c.at.localeCompare(a.c.at));
  const updated = entries[0]?.c.at ?? (/* @__PURE__ */ new Date(0)).toISOString();
  const body = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Living evidence for digital mental health: changes</title>
  <id>${esc(origin)}/</id>
  <link href="${esc(origin)}/feed.xml" rel="self"/>
  <updated>${updated}</updated>
${entries.map(
    (e) => `  <entry>
    <title>${esc(e.s.shortTitle)}: ${esc(e.c.text)}</title>
    <id>${esc(e.id)}</id>
    <link href="${esc(origin)}/reviews/${esc(e.s.reviewId)}/"/>
    <updated>${e.c.at}</updated>
    <author><name>Living evidence platform</name></author>
  </entry>`
  ).join("\n")}
</feed>
`;
  return new Response(body, { headers: { "Content-Type": "application/atom+xml; charset=utf-8" } });
};

const _page = /*#__PURE__*/Object.freeze(/*#__PURE__*/Object.defineProperty({
  __proto__: null,
  GET
}, Symbol.toStringTag, { value: 'Module' }));

const page = () => _page;

export { page };
