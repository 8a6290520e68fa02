import type { APIRoute } from 'astro';
import { loadSnapshots } from '../../../lib/snapshots';
import { configuredSite, versionFeed } from '../../../lib/feed';

export function getStaticPaths() {
  return loadSnapshots().map((s) => ({ params: { id: s.reviewId } }));
}

/** Atom feed of one review: one entry per published version. */
export const GET: APIRoute = ({ params }) => {
  const s = loadSnapshots().find((x) => x.reviewId === params.id)!;
  return versionFeed({ site: configuredSite(), base: import.meta.env.BASE_URL, title: `${s.title}: new versions`, self: `${import.meta.env.BASE_URL}reviews/${s.reviewId}/feed.xml`, snapshots: [s] });
};
