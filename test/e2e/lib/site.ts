/**
 * Helpers for the site's browser tests: serve a built site folder with the runner's own static
 * handler (same headers and CSP as `npm start`), launch Chromium, and measure what the issue asks
 * (horizontal scroll, chart text size and height, non-empty figures).
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { chromium, type Browser, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import type { AddressInfo } from 'node:net';
import { staticSite } from '../../../scripts/lib/static.js';

export async function serveSite(root: string): Promise<{ url: string; close: () => Promise<void> }> {
  const app = new Hono();
  app.get('*', staticSite(root, () => false));
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((res) => server.once('listening', () => res()));
  const port = (server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((res) => server.close(() => res())) };
}

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
}

export const WIDTHS = [1280, 390] as const;

export async function axeViolations(page: Page): Promise<string[]> {
  const r = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa']).analyze();
  return r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
}

/** Page wider than the viewport (horizontal scroll), in px; 0 when none. */
export function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => Math.max(0, document.documentElement.scrollWidth - document.documentElement.clientWidth));
}

/** For each visible chart: rendered height and the smallest rendered text size (px). */
export function chartMetrics(page: Page): Promise<Array<{ id: string; height: number; minFont: number; width: number }>> {
  return page.evaluate(() =>
    Array.from(document.querySelectorAll<SVGSVGElement>('figure svg.chart-svg'))
      .filter((svg) => svg.getBoundingClientRect().width > 0)
      .map((svg) => {
        const box = svg.getBoundingClientRect();
        const k = box.width / svg.viewBox.baseVal.width;
        let minFont = Infinity;
        for (const t of Array.from(svg.querySelectorAll('text'))) {
          if (t.closest('defs')) continue;
          minFont = Math.min(minFont, parseFloat(getComputedStyle(t).fontSize) * k);
        }
        return { id: svg.closest('figure')!.id, height: box.height, minFont, width: box.width };
      }),
  );
}
