// The public dashboard: static HTML built from published snapshots only (SNAPSHOT_DIR).
import { defineConfig } from 'astro/config';
import { keepRenderer } from './keep-renderer.mjs';

export default defineConfig({
  outDir: process.env.SITE_OUT_DIR || './dist',
  site: process.env.SITE_URL || 'http://localhost:8787',
  // Render 4 pages at a time: page generation waits on the file system (mkdir/write of ~1,300
  // files for 4 × 5 × 200), and overlapping that with rendering cut the bench build by ~15 % here.
  build: { format: 'directory', inlineStylesheets: 'never', concurrency: 4 },
  trailingSlash: 'ignore',
  devToolbar: { enabled: false },
  integrations: [keepRenderer()],
  vite: { build: { assetsInlineLimit: 0 }, logLevel: 'warn' },
});
