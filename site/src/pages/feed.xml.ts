import type { APIRoute } from 'astro';
import { loadSnapshots } from '../lib/snapshots';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Atom feed of what moved in every review (one entry per change). */
export const GET: APIRoute = ({ site }) => {
  const origin = (site?.toString() ?? 'http://localhost:8787/').replace(/\/$/, '');
  const entries = loadSnapshots().flatMap((s) =>
    s.changes.slice(0, 50).map((c, i) => ({ s, c, id: `${origin}/reviews/${s.reviewId}/#${c.at}-${i}` })),
  );
  entries.sort((a, b) => b.c.at.localeCompare(a.c.at));
  const updated = entries[0]?.c.at ?? new Date(0).toISOString();
  const body = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Living evidence for digital mental health: changes</title>
  <id>${esc(origin)}/</id>
  <link href="${esc(origin)}/feed.xml" rel="self"/>
  <updated>${updated}</updated>
${entries
  .map(
    (e) => `  <entry>
    <title>${esc(e.s.shortTitle)}: ${esc(e.c.text)}</title>
    <id>${esc(e.id)}</id>
    <link href="${esc(origin)}/reviews/${esc(e.s.reviewId)}/"/>
    <updated>${e.c.at}</updated>
    <author><name>Living evidence platform</name></author>
  </entry>`,
  )
  .join('\n')}
</feed>
`;
  return new Response(body, { headers: { 'Content-Type': 'application/atom+xml; charset=utf-8' } });
};
