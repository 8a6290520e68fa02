/**
 * Serves the built dashboard folder (DATA_DIR/site) from the local Hono server, with the content
 * types and security headers CloudFront applies in AWS.
 */
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { Context } from 'hono';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.csv': 'text/csv; charset=utf-8',
  '.xml': 'application/atom+xml; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

export const SITE_SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
};

export function staticSite(root: string, building: () => boolean) {
  const base = resolve(root);
  return async (c: Context) => {
    const url = new URL(c.req.url);
    let rel: string;
    try {
      rel = decodeURIComponent(url.pathname);
    } catch {
      return c.text('Bad request', 400);
    }
    const target = normalize(join(base, rel));
    if (target !== base && !target.startsWith(base + sep)) return c.text('Not found', 404);
    const candidates = rel.endsWith('/') ? [join(target, 'index.html')] : [target, join(target, 'index.html')];
    for (const file of candidates) {
      try {
        const st = await stat(file);
        if (!st.isFile()) continue;
        const body = await readFile(file);
        return new Response(body, {
          headers: {
            'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
            'Cache-Control': file.includes(`${sep}_astro${sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache',
            ...SITE_SECURITY_HEADERS,
          },
        });
      } catch {
        /* try the next */
      }
    }
    if (building() && (rel === '/' || rel === '/index.html')) {
      return c.html('<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="3"><title>Building…</title></head><body><p>The dashboard is being built; this page reloads by itself.</p></body></html>', 503);
    }
    return c.text('Not found', 404, SITE_SECURITY_HEADERS);
  };
}
