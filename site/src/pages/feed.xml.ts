import type { APIRoute } from 'astro';
import { loadSnapshots } from '../lib/snapshots';
import { configuredSite, versionFeed } from '../lib/feed';

/** Atom feed: one entry per published version of every review. */
export const GET: APIRoute = () =>
  versionFeed({ site: configuredSite(), base: import.meta.env.BASE_URL, title: 'Living evidence for digital mental health: new versions', self: `${import.meta.env.BASE_URL}feed.xml`, snapshots: loadSnapshots() });
