// The public dashboard: static HTML built from published snapshots only (SNAPSHOT_DIR).
import { defineConfig } from 'astro/config';
import { keepRenderer } from './keep-renderer.mjs';

export default defineConfig({
  outDir: process.env.SITE_OUT_DIR || './dist',
  site: process.env.SITE_URL || 'http://localhost:8787',
  build: { format: 'directory', inlineStylesheets: 'never' },
  trailingSlash: 'ignore',
  devToolbar: { enabled: false },
  integrations: [keepRenderer()],
  vite: { build: { assetsInlineLimit: 0 }, logLevel: 'warn' },
});
