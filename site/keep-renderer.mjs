/**
 * Astro integration used by functions/publish/build-site.ts: when SITE_RENDERER_DIR is set, the
 * server-side chunks of a full build (the very modules that rendered its pages) are kept in that
 * folder together with `routes.json` (each route's pattern, params and the chunk holding its page),
 * so that a later publish can re-render the pages of one review with Astro's container API instead
 * of rebuilding the whole site (functions/publish/incremental.ts). Without the variable it does
 * nothing.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const PAGE_ENTRY = /@astro-page:(.+)@_@(\w+)$/;

export function keepRenderer() {
  const dir = process.env.SITE_RENDERER_DIR;
  /** @type {{ pattern: string; entrypoint: string; type: string; params: string[] }[]} */
  let routes = [];
  return {
    name: 'living-evidence:keep-renderer',
    hooks: {
      'astro:routes:resolved': ({ routes: resolved }) => {
        routes = resolved
          .filter((r) => r.origin === 'project')
          .map((r) => ({ pattern: r.pattern, entrypoint: r.entrypoint, type: r.type, params: r.params }));
      },
      'astro:config:setup': ({ updateConfig }) => {
        if (!dir) return;
        updateConfig({
          vite: {
            plugins: [
              {
                name: 'living-evidence:keep-ssr-chunks',
                apply: 'build',
                writeBundle(options, bundle) {
                  if (this.environment?.name !== 'ssr' || !options.dir) return;
                  /** source file of a page (src/pages/…) → the chunk exporting `page` */
                  const entries = new Map();
                  const styles = [];
                  for (const item of Object.values(bundle)) {
                    if (item.type !== 'chunk') {
                      if (item.fileName.endsWith('.css')) styles.push(item.fileName);
                      continue;
                    }
                    const to = join(dir, item.fileName);
                    mkdirSync(dirname(to), { recursive: true });
                    copyFileSync(join(options.dir, item.fileName), to);
                    const page = PAGE_ENTRY.exec(item.facadeModuleId ?? '');
                    if (item.isEntry && page) entries.set(`${page[1]}.${page[2]}`, item.fileName);
                  }
                  const out = routes.map((r) => ({ ...r, chunk: entries.get(r.entrypoint) ?? null }));
                  // Bundled styles are linked into pages by the build's manifest, which the container
                  // does not have: such a site is always built in full (incremental.ts checks this).
                  const incremental = styles.length === 0 && out.every((r) => r.chunk !== null);
                  const why = styles.length ? `bundled styles (${styles.join(', ')})` : out.filter((r) => !r.chunk).map((r) => `no chunk for ${r.entrypoint}`).join(', ');
                  writeFileSync(join(dir, 'routes.json'), `${JSON.stringify({ incremental, ...(incremental ? {} : { why }), routes: out }, null, 1)}\n`);
                },
              },
            ],
          },
        });
      },
    },
  };
}
