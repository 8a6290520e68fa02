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
  const out = [];
  for (const m of await shownCharts(page)) {
    if (m.width === 0) continue;
    const f = svgFacts(await (await fetch(m.src)).text());
    out.push({ id: m.id, height: m.height, width: m.width, minFont: (m.width / f.width) * f.minFont });
  }
  return out;
}

/** A chart text that leaves its drawing, two texts of one drawing that cover each other, or a text that a data point or curve runs through. */
export interface TextClash { chart: string; kind: 'outside' | 'overlap' | 'over-data'; texts: string[]; by: number }

/**
 * The chart each figure shows at this viewport (the <picture> source whose media matches, else the
 * <img> fallback: read from the page's markup, since a lazy image below the fold has no currentSrc
 * yet), fetched as the served SVG file.
 */
export async function shownCharts(page: Page): Promise<Array<{ id: string; src: string; width: number; height: number }>> {
  return page.$$eval('figure img.chart-img', (els) =>
    (els as HTMLImageElement[]).map((img) => {
      const r = img.getBoundingClientRect();
      const source = Array.from(img.parentElement?.querySelectorAll('source') ?? []).find((s) => !s.media || matchMedia(s.media).matches);
      const src = new URL(source?.getAttribute('srcset') ?? img.getAttribute('src')!, location.href).href;
      return { id: img.closest('figure')!.id, src, width: r.width, height: r.height };
    }),
  );
}

/**
 * Each chart drawing shown on the page, laid out on its own in `scratch` (a page of the same
 * browser) at its intrinsic size, so that user units are CSS px: every <text> (outside <defs>) must
 * lie inside the viewBox, no two texts may cover each other, and no data point (a circle with a
 * <title>) or curve (a polyline) may run through a text. Boxes come from getBBox, mapped
 * through each text's transform (the rotated axis titles); a box is trimmed by 15 % of its height
 * at top and bottom (the font's line gap, not ink) and a clash must exceed `tol` units both ways.
 */
export async function chartTextClashes(page: Page, scratch: Page, tol = 0.5): Promise<TextClash[]> {
  const out: TextClash[] = [];
  for (const ch of await shownCharts(page)) {
    if (ch.width === 0) continue;
    const svg = (await (await fetch(ch.src)).text()).replace(/^<\?xml[^>]*>\s*/, '');
    await scratch.setContent(`<!doctype html><html><body style="margin:0">${svg}</body></html>`);
    const found = (await scratch.evaluate(`(${TEXT_CLASHES_JS})(${tol})`)) as Array<Omit<TextClash, 'chart'>>;
    for (const f of found) out.push({ chart: ch.id, ...f });
  }
  return out;
}

const TEXT_CLASHES_JS = `(tol) => {
  const svg = document.querySelector('svg');
  const vb = svg.viewBox.baseVal;
  const root = svg.getScreenCTM().inverse();
  const boxes = [];
  for (const t of svg.querySelectorAll('text')) {
    if (t.closest('defs') || !t.textContent.trim()) continue;
    const b = t.getBBox();
    const m = root.multiply(t.getScreenCTM());
    const pts = [[b.x, b.y], [b.x + b.width, b.y], [b.x, b.y + b.height], [b.x + b.width, b.y + b.height]].map(([x, y]) => new DOMPoint(x, y).matrixTransform(m));
    const xs = pts.map((p) => p.x), ys = pts.map((p) => p.y);
    const rotated = Math.abs(m.b) > 0.5;
    const trim = rotated ? 0 : 0.15 * b.height, trimX = rotated ? 0.15 * b.height : 0;
    boxes.push({ s: t.textContent.trim(), x0: Math.min(...xs) + trimX, x1: Math.max(...xs) - trimX, y0: Math.min(...ys) + trim, y1: Math.max(...ys) - trim });
  }
  const out = [];
  for (const b of boxes) {
    const by = Math.max(vb.x - b.x0, b.x1 - (vb.x + vb.width), vb.y - b.y0, b.y1 - (vb.y + vb.height));
    if (by > tol) out.push({ kind: 'outside', texts: [b.s], by: Math.round(by * 10) / 10 });
  }
  // Data marks: points that carry their values (a circle with a <title>) and the drawn curves (polylines).
  const toRoot = (el) => root.multiply(el.getScreenCTM());
  const marks = [];
  for (const el of svg.querySelectorAll('circle')) {
    if (el.closest('defs') || !el.querySelector('title')) continue;
    const p = new DOMPoint(el.cx.baseVal.value, el.cy.baseVal.value).matrixTransform(toRoot(el));
    const r = el.r.baseVal.value;
    marks.push({ s: el.querySelector('title').textContent, segs: [[p.x - r, p.y, p.x + r, p.y], [p.x, p.y - r, p.x, p.y + r]] });
  }
  for (const el of svg.querySelectorAll('polyline')) {
    if (el.closest('defs')) continue;
    const m = toRoot(el);
    const pts = Array.from(el.points).map((q) => new DOMPoint(q.x, q.y).matrixTransform(m));
    const segs = [];
    for (let i = 1; i < pts.length; i++) segs.push([pts[i - 1].x, pts[i - 1].y, pts[i].x, pts[i].y]);
    marks.push({ s: 'curve' + (el.getAttribute('class') ? ' .' + el.getAttribute('class') : '') + (el.getAttribute('stroke') ? ' ' + el.getAttribute('stroke') : ''), segs });
  }
  // Does segment a–b pass through box (shrunk by tol)? Clip the segment to the box (Liang–Barsky).
  const hits = (g, b) => {
    const [x0, y0, x1, y1] = g, dx = x1 - x0, dy = y1 - y0;
    let t0 = 0, t1 = 1;
    for (const [p, q] of [[-dx, x0 - (b.x0 + tol)], [dx, b.x1 - tol - x0], [-dy, y0 - (b.y0 + tol)], [dy, b.y1 - tol - y0]]) {
      if (p === 0) { if (q < 0) return false; continue; }
      const t = q / p;
      if (p < 0) { if (t > t1) return false; if (t > t0) t0 = t; } else { if (t < t0) return false; if (t < t1) t1 = t; }
    }
    return true;
  };
  for (const b of boxes) for (const mk of marks) if (mk.segs.some((g) => hits(g, b))) out.push({ kind: 'over-data', texts: [b.s, mk.s], by: 0 });
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i], b = boxes[j];
    const w = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0), h = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
    if (w > tol && h > tol) out.push({ kind: 'overlap', texts: [a.s, b.s], by: Math.round(Math.min(w, h) * 10) / 10 });
  }
  return out;
}`;

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
