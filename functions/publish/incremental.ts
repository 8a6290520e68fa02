/**
 * Publishing one review without rebuilding the site: its pages are re-rendered with Astro's
 * container API (`experimental_AstroContainer`) from the server chunks the last full build kept
 * (site/keep-renderer.mjs), i.e. by the very compiled pages and components that built the rest of
 * the site, and written into the built folder in place.
 *
 * What a publish of reviews R… renders:
 *  - every route without parameters (home with its review cards, the site-wide feed, methods,
 *    chart styles): they are few and the home page and the feed read every review;
 *  - every page of a parameterised route that belongs to one of R… (`ownerOf`): the review page,
 *    its study pages, data tables, versions list and version pages, its feed and downloads.
 * Files of R… that the new snapshots no longer produce (a withdrawn study's page) are deleted; the
 * files of every other review are neither read nor written. A parameterised route with a page
 * that belongs to no single review (a route added later that mixes reviews) cannot be published
 * this way: `renderReviews` then throws `NotIncremental` and the caller builds the whole site.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, rmdirSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { experimental_AstroContainer } from 'astro/container';

export interface RendererRoute {
  /** e.g. `/reviews/[id]/studies/[study]` */
  pattern: string;
  /** the page's source, e.g. `src/pages/reviews/[id]/studies/[study].astro` */
  entrypoint: string;
  type: string;
  params: string[];
  /** the server chunk exporting `page` (relative to the renderer folder) */
  chunk: string | null;
}

export interface RendererManifest {
  /** false when the build cannot be re-rendered page by page (`why`) */
  incremental: boolean;
  why?: string;
  routes: RendererRoute[];
}

/** Metadata buildSite writes beside the chunks: what the chunks were built for. */
export interface RendererMeta {
  siteUrl: string;
  builtAt: string;
}

export class NotIncremental extends Error {
  constructor(reason: string) {
    super(`cannot publish incrementally: ${reason}`);
    this.name = 'NotIncremental';
  }
}

/** The folder holding the render chunks of the site built into `outDir` (beside it, never served). */
export const rendererDirOf = (outDir: string) => `${resolve(outDir)}.renderer`;

/** The renderer kept by the last full build into `outDir`, or why there is none usable. */
export function readRenderer(outDir: string, siteUrl: string): { dir: string; manifest: RendererManifest } | { why: string } {
  const dir = rendererDirOf(outDir);
  if (!existsSync(join(resolve(outDir), 'index.html'))) return { why: `no built site in ${outDir}` };
  const metaFile = join(dir, 'meta.json');
  const routesFile = join(dir, 'routes.json');
  if (!existsSync(metaFile) || !existsSync(routesFile)) return { why: `no render chunks beside ${outDir} (built before they were kept)` };
  const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as RendererMeta;
  if (meta.siteUrl !== siteUrl) return { why: `the site was built for ${meta.siteUrl}, now ${siteUrl}` };
  const manifest = JSON.parse(readFileSync(routesFile, 'utf8')) as RendererManifest;
  if (!manifest.incremental) return { why: manifest.why ?? 'the build says so' };
  return { dir, manifest };
}

/** The file a static build writes for a route and its parameters (`build.format: 'directory'`). */
export function outputFile(route: Pick<RendererRoute, 'pattern' | 'type'>, params: Record<string, string | number | undefined>): string {
  const path = route.pattern
    .replace(/\[(?:\.\.\.)?([^\]]+)\]/g, (_, name: string) => {
      const v = params[name];
      if (v === undefined || v === '') throw new Error(`route ${route.pattern}: parameter ${name} is missing`);
      return String(v);
    })
    .replace(/^\/+/, '');
  return route.type === 'page' ? (path === '' ? 'index.html' : `${path.replace(/\/+$/, '')}/index.html`) : path;
}

/**
 * The review a built file belongs to (by the site's URL layout: /reviews/<id>/…, /data/<id>/…,
 * /data/<id>.json|.csv), or null for a site-wide file. `reviewIds` are the reviews that exist.
 */
export function ownerOf(key: string, reviewIds: Iterable<string>): string | null {
  for (const id of reviewIds) {
    if (key.startsWith(`reviews/${id}/`) || key.startsWith(`data/${id}/`) || key === `data/${id}.json` || key === `data/${id}.csv`) return id;
  }
  return null;
}

/** Every file under `outDir` belonging to `reviewId` (relative keys, `/`-separated). */
function filesOf(outDir: string, reviewId: string): string[] {
  const keys: string[] = [];
  for (const sub of [`reviews/${reviewId}`, `data/${reviewId}`]) {
    const dir = join(outDir, sub);
    if (!existsSync(dir)) continue;
    for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
      if (e.isFile()) keys.push(relative(outDir, join(e.parentPath, e.name)).split(sep).join('/'));
    }
  }
  for (const f of [`data/${reviewId}.json`, `data/${reviewId}.csv`]) if (existsSync(join(outDir, f))) keys.push(f);
  return keys;
}

export interface RenderResult {
  /** Files written (relative keys). */
  written: string[];
  /** Files of the published reviews the snapshots no longer produce, deleted. */
  deleted: string[];
  /** Is this key part of what the publish decided (written, deleted, or could have been)? */
  inScope: (key: string) => boolean;
  ms: number;
}

interface PageModule {
  default?: unknown;
  GET?: unknown;
  getStaticPaths?: () => { params: Record<string, string | number | undefined>; props?: Record<string, unknown> }[] | Promise<{ params: Record<string, string | number | undefined>; props?: Record<string, unknown> }[]>;
}

let container: Promise<experimental_AstroContainer> | undefined;

/**
 * Re-renders the pages of `reviewIds` (and the site-wide pages) from the snapshots in
 * `snapshotDir` into the site built in `outDir`. Everything is rendered first and written after,
 * each file by an atomic rename, so a failed render leaves the site as it was.
 */
export async function renderReviews(opts: { outDir: string; snapshotDir: string; siteUrl: string; reviewIds: string[] }): Promise<RenderResult> {
  const started = performance.now();
  const outDir = resolve(opts.outDir);
  const renderer = readRenderer(outDir, opts.siteUrl);
  if ('why' in renderer) throw new NotIncremental(renderer.why);
  const snapshotDir = resolve(opts.snapshotDir);
  const existing = existsSync(snapshotDir) ? readdirSync(snapshotDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name) : [];
  const published = new Set(opts.reviewIds);
  // Reviews that exist now or had pages before (a removed review's pages are deleted).
  const known = new Set([...existing, ...published]);
  const origin = opts.siteUrl.replace(/\/$/, '');

  // The site reads SNAPSHOT_DIR when it renders. Site-wide pages see every review; the pages of
  // parameterised routes see a folder holding only the published reviews' files (links), so that
  // their getStaticPaths does no work for the other reviews.
  const previousEnv = process.env.SNAPSHOT_DIR;
  const view = mkdtempSync(join(tmpdir(), 'publish-view-'));
  for (const id of published) {
    if (!existing.includes(id)) continue;
    mkdirSync(join(view, id));
    for (const f of readdirSync(join(snapshotDir, id))) symlinkSync(join(snapshotDir, id, f), join(view, id, f));
  }
  const files = new Map<string, string | Uint8Array>();
  try {
    container ??= experimental_AstroContainer.create();
    const c = await container;
    for (const route of renderer.manifest.routes) {
      if (route.type !== 'page' && route.type !== 'endpoint') continue;
      const entry = (await import(pathToFileURL(join(renderer.dir, route.chunk!)).href)) as { page: () => PageModule | Promise<PageModule> };
      const mod = await entry.page();
      process.env.SNAPSHOT_DIR = route.params.length === 0 ? snapshotDir : view;
      const paths = route.params.length === 0 ? [{ params: {}, props: {} }] : await (mod.getStaticPaths?.() ?? []);
      for (const p of paths) {
        const key = outputFile(route, p.params);
        if (route.params.length > 0) {
          const owner = ownerOf(key, known);
          if (owner === null) throw new NotIncremental(`${route.pattern} has a page of no single review (${key})`);
          if (!published.has(owner)) continue;
        }
        const url = `${origin}/${key.replace(/index\.html$/, '')}`;
        const render = { params: p.params as Record<string, string>, props: p.props ?? {}, request: new Request(url) };
        if (route.type === 'page') {
          files.set(key, await c.renderToString(mod.default as never, { ...render, partial: false }));
        } else {
          const res = await c.renderToResponse(mod as never, { ...render, routeType: 'endpoint' });
          if (!res.ok) throw new Error(`${route.pattern}: ${key} answered ${res.status}`);
          files.set(key, new Uint8Array(await res.arrayBuffer()));
        }
      }
    }
  } finally {
    if (previousEnv === undefined) delete process.env.SNAPSHOT_DIR;
    else process.env.SNAPSHOT_DIR = previousEnv;
    rmSync(view, { recursive: true, force: true });
  }

  const stale = [...published].flatMap((id) => filesOf(outDir, id)).filter((k) => !files.has(k));
  for (const [key, body] of files) {
    const file = join(outDir, key);
    mkdirSync(dirname(file), { recursive: true });
    const tmp = `${file}.publishing-${process.pid}`;
    writeFileSync(tmp, body);
    renameSync(tmp, file);
  }
  for (const key of stale) {
    unlinkSync(join(outDir, key));
    for (let d = dirname(join(outDir, key)); d.startsWith(`${outDir}${sep}`) && readdirSync(d).length === 0; d = dirname(d)) rmdirSync(d);
  }
  const siteWide = new Set([...files.keys()].filter((k) => ownerOf(k, known) === null));
  return {
    written: [...files.keys()].sort(),
    deleted: stale.sort(),
    inScope: (key) => siteWide.has(key) || published.has(ownerOf(key, known) ?? ''),
    ms: performance.now() - started,
  };
}
