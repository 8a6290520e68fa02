/**
 * Atom feeds of published versions: one entry per version (site-wide and per review), its summary
 * the conclusions that moved, its id a tag URI that never changes for that version.
 */
import type { ReviewSnapshot } from './snapshots';
import { entryId } from './versions';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The site's URL as configured for the build (`site` in astro.config.mjs, baked in at build time),
 * so that a feed is the same whether the full build or a publish of one review rendered it.
 */
export function configuredSite(): URL | undefined {
  return import.meta.env.SITE ? new URL(import.meta.env.SITE) : undefined;
}

export function versionFeed(opts: { site: URL | undefined; base: string; title: string; self: string; snapshots: ReviewSnapshot[] }): Response {
  const origin = (opts.site?.toString() ?? 'http://localhost:8787/').replace(/\/$/, '');
  const entries = opts.snapshots.flatMap((s) =>
    (s.changes ?? []).filter((c) => c.version !== undefined).map((c) => ({ s, c, n: c.version! })),
  );
  entries.sort((a, b) => b.c.at.localeCompare(a.c.at) || b.n - a.n);
  const updated = entries[0]?.c.at ?? new Date(0).toISOString();
  const body = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>${esc(opts.title)}</title>
  <id>${esc(origin + opts.self)}</id>
  <link href="${esc(origin + opts.self)}" rel="self"/>
  <updated>${updated}</updated>
  <author><name>Living evidence platform</name></author>
${entries
  .map(({ s, c, n }) => {
    const link = `${origin}${opts.base}reviews/${s.reviewId}/versions/${n}/`;
    const flags = c.flags ?? [];
    const summary = flags.length ? `Conclusion changed: ${flags.join('; ')}` : `No conclusion changed. ${c.text}`;
    return `  <entry>
    <title>${esc(`${s.shortTitle}, version ${n}`)}</title>
    <id>${esc(entryId(opts.site, s.reviewId, n))}</id>
    <link href="${esc(link)}"/>
    <updated>${c.at}</updated>
    <published>${c.at}</published>
    <summary>${esc(summary)}</summary>
    <content type="text">${esc(c.text)}</content>
  </entry>`;
  })
  .join('\n')}
</feed>
`;
  return new Response(body, { headers: { 'Content-Type': 'application/atom+xml; charset=utf-8' } });
}
