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

/** A pointer target (link, button, summary, form control) that fails WCAG 2.5.8 Target Size (Minimum). */
export interface SmallTarget { target: string; width: number; height: number; near: string | null }

/**
 * WCAG 2.5.8 (AA), measured: every visible pointer target on the page is at least 24 × 24 CSS px
 * (some box of it holds a 24 px square), or, when smaller, a 24 px circle centred on its bounding
 * box intersects no other target and no other undersized target's circle (the spacing exception).
 * Returns the targets that fail, with their size and the target they crowd. Nothing is exempted
 * as "inline": links in running text must pass by their spacing like any other.
 */
export function smallTargets(page: Page): Promise<SmallTarget[]> {
  // Sent as source text: a TypeScript transform may wrap named functions in helpers the page lacks.
  return page.evaluate(SMALL_TARGETS_JS) as Promise<SmallTarget[]>;
}

const SMALL_TARGETS_JS = `(() => {
  const MIN = 24, R = MIN / 2;
  // A focusable scroll region (tabindex="0" on a wide table's box) takes no pointer action: not a target.
  const sel = 'a[href], button, summary, input:not([type="hidden"]), select, textarea, [role="button"], [role="link"], [role="checkbox"], [role="tab"]';
  const describe = (el) => {
    const id = el.id ? '#' + el.id : '';
    const cls = el.getAttribute('class') ? '.' + el.getAttribute('class').trim().split(/\\s+/).join('.') : '';
    const txt = (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
    const href = el.getAttribute('href');
    const ctx = el.parentElement && el.parentElement.closest('[id]');
    return el.tagName.toLowerCase() + id + cls + (href ? '[href=' + href + ']' : '') + ' "' + txt + '" in ' + (ctx ? ctx.id : 'page');
  };
  const sx = window.scrollX, sy = window.scrollY;
  const targets = [...document.querySelectorAll(sel)].map((el) => {
    const style = getComputedStyle(el);
    const rects = [...el.getClientRects()]
      .filter((r) => r.width > 0 && r.height > 0)
      .map((r) => ({ x0: r.left + sx, y0: r.top + sy, x1: r.right + sx, y1: r.bottom + sy }))
      // off-screen (a skip link before it is focused) is not a target a pointer can reach
      .filter((b) => b.x1 > 0 && b.y1 > 0);
    // not rendered (inside a closed <details>, display: none, visibility: hidden) or not clickable
    const shown = typeof el.checkVisibility === 'function' ? el.checkVisibility({ visibilityProperty: true }) : true;
    return { el, rects, hidden: !shown || style.visibility === 'hidden' || style.pointerEvents === 'none' };
  }).filter((t) => t.rects.length > 0 && !t.hidden);
  const bbox = (rs) => ({ x0: Math.min(...rs.map((r) => r.x0)), y0: Math.min(...rs.map((r) => r.y0)), x1: Math.max(...rs.map((r) => r.x1)), y1: Math.max(...rs.map((r) => r.y1)) });
  const big = (t) => t.rects.some((r) => r.x1 - r.x0 >= MIN - 0.01 && r.y1 - r.y0 >= MIN - 0.01);
  const small = targets.filter((t) => !big(t)).map((t) => { const b = bbox(t.rects); return { ...t, b, cx: (b.x0 + b.x1) / 2, cy: (b.y0 + b.y1) / 2 }; });
  const distToBox = (x, y, r) => Math.hypot(Math.max(r.x0 - x, 0, x - r.x1), Math.max(r.y0 - y, 0, y - r.y1));
  const related = (a, b) => a === b || a.contains(b) || b.contains(a);
  const out = [];
  for (const s of small) {
    let near = null;
    for (const o of targets) if (!related(o.el, s.el) && o.rects.some((r) => distToBox(s.cx, s.cy, r) < R - 0.01)) { near = o.el; break; }
    if (!near) for (const o of small) if (!related(o.el, s.el) && Math.hypot(o.cx - s.cx, o.cy - s.cy) < MIN - 0.01) { near = o.el; break; }
    if (near) out.push({ target: describe(s.el), width: Math.round((s.b.x1 - s.b.x0) * 10) / 10, height: Math.round((s.b.y1 - s.b.y0) * 10) / 10, near: describe(near) });
  }
  return out;
})()`;
