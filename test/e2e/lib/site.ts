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

/** Smallest font size in an SVG file's text (root font-size or any font-size attribute), and its viewBox width. */
export function svgFacts(svg: string): { width: number; minFont: number; shapes: number } {
  const width = Number(svg.match(/viewBox="0 0 ([0-9.]+) /)![1]);
  const sizes = [...svg.matchAll(/font-size="([0-9.]+)"/g)].map((m) => Number(m[1]));
  const shapes = (svg.match(/<(rect|line|circle|polygon|polyline|path|use)\b/g) ?? []).length;
  return { width, minFont: Math.min(...sizes), shapes };
}

/** For each visible chart: rendered height and width, and the smallest rendered text size (px). */
export async function chartMetrics(page: Page): Promise<Array<{ id: string; height: number; minFont: number; width: number }>> {
  const imgs = await page.$$eval('figure img.chart-img', (els) =>
    (els as HTMLImageElement[]).map((img) => ({ id: img.closest('figure')!.id, src: img.currentSrc || img.src, width: img.getBoundingClientRect().width, height: img.getBoundingClientRect().height })),
  );
  const out = [];
  for (const m of imgs) {
    if (m.width === 0) continue;
    const f = svgFacts(await (await fetch(m.src)).text());
    out.push({ id: m.id, height: m.height, width: m.width, minFont: (m.width / f.width) * f.minFont });
  }
  return out;
}

export const SCREENSHOTS = 'test-results/screenshots';

export interface PageReport {
  width: number;
  axe: string[];
  overflow: number;
  charts: Array<{ id: string; height: number; minFont: number; width: number }>;
}

/**
 * Opens `url` at 1280 and 390 px with JavaScript disabled (the charts must not need it), runs axe,
 * measures horizontal overflow and every visible chart, and writes a full-page screenshot per width.
 */
export async function inspect(browser: Browser, url: string, shot: string, rootDir: string): Promise<PageReport[]> {
  const { mkdirSync } = await import('node:fs');
  const { join } = await import('node:path');
  mkdirSync(join(rootDir, SCREENSHOTS), { recursive: true });
  const out: PageReport[] = [];
  for (const width of WIDTHS) {
    const ctx = await browser.newContext({ viewport: { width, height: 900 }, javaScriptEnabled: false });
    const page = await ctx.newPage();
    // Generous: at load 30 a 200-row page with its chart images can take longer than the 30 s default.
    const res = await page.goto(url, { timeout: 120_000 });
    if (res?.status() !== 200) throw new Error(`${url}: HTTP ${res?.status()}`);
    // axe needs script in the page; a second context with JS on runs it on the same HTML.
    // Long pages: the first 6000 px (a full 200-study page exceeds what a screenshot can hold).
    const height = Math.min(6000, await page.evaluate(() => document.documentElement.scrollHeight));
    await page.screenshot({ path: join(rootDir, SCREENSHOTS, `${shot}-${width}.png`), fullPage: true, clip: { x: 0, y: 0, width, height }, timeout: 90_000 });
    const report: PageReport = { width, axe: [], overflow: await horizontalOverflow(page), charts: await chartMetrics(page) };
    await ctx.close();
    const jsCtx = await browser.newContext({ viewport: { width, height: 900 } });
    const jsPage = await jsCtx.newPage();
    await jsPage.goto(url, { timeout: 120_000 });
    report.axe = await axeViolations(jsPage);
    await jsCtx.close();
    out.push(report);
  }
  return out;
}

/** With JavaScript off: per figure, the SVG it shows and how many shapes that SVG draws. */
export async function figuresWithoutJs(browser: Browser, url: string): Promise<Array<{ id: string; shapes: number }>> {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 900 }, javaScriptEnabled: false });
  const page = await ctx.newPage();
  await page.goto(url, { timeout: 120_000 });
  const figs = await page.$$eval('figure.fig', (els) =>
    els.map((f) => ({ id: f.id, src: (f.querySelector('img.chart-img') as HTMLImageElement | null)?.src ?? null, table: !!f.querySelector('table') })),
  );
  await ctx.close();
  const out = [];
  for (const f of figs) {
    if (!f.src) {
      if (!f.table) out.push({ id: f.id, shapes: 0 });
      continue;
    }
    const res = await fetch(f.src);
    const body = await res.text();
    out.push({ id: f.id, shapes: res.headers.get('content-type')?.includes('image/svg+xml') && body.includes('<svg') ? svgFacts(body).shapes : 0 });
  }
  return out;
}
