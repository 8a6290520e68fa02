/**
 * Atom feeds of published versions: one entry per version (site-wide and per review), its summary
 * one paragraph: whether a conclusion moved, the primary outcome's estimate in that version (from
 * the snapshot's history) and what changed; its id a tag URI that never changes for that version.
 */
import type { ReviewSnapshot } from './snapshots';
import type { ChangeEntry } from '../../../core/analysis/snapshot.js';
import { fmtCi } from './format.js';
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
    const summary = entrySummary(s, c);
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

const stop = (t: string) => (/[.!?]$/.test(t) ? t : `${t}.`);

/**
 * The summary of one version's feed entry: "Conclusion changed: …." or "No conclusion changed.",
 * then the estimate readers saw in that version (the primary outcome, else the first pooled one,
 * from `history`), then what changed (the version's summary line).
 */
export function entrySummary(s: Pick<ReviewSnapshot, 'history'>, c: ChangeEntry): string {
  const flags = c.flags ?? [];
  const point = (s.history ?? []).find((h) => h.version === c.version);
  const pooled = point?.outcomes.filter((o) => o.estimate !== null) ?? [];
  const o = pooled.find((x) => x.primary) ?? pooled[0];
  const estimate = o ? `${o.label}: SMD ${fmtCi(o.estimate, o.ciLower, o.ciUpper)} from ${o.k} ${o.k === 1 ? 'study' : 'studies'} in this version.` : null;
  return [flags.length ? stop(`Conclusion changed: ${flags.join('; ')}`) : 'No conclusion changed.', estimate, stop(`What changed: ${c.text}`)].filter(Boolean).join(' ');
}
