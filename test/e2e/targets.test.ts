/**
 * Pointer targets on the public pages (WCAG 2.5.8 Target Size (Minimum), AA), measured in headless
 * Chromium with JavaScript off on the site built by Astro from the sample snapshots (the real
 * Metapsy snapshot plus every issue-11 field, test/site/sample.ts), served by the runner's static
 * handler. On the home, review, study, versions list, version, evidence-map and long-data-table
 * pages at 390 px (and 1280 px), with every <details> closed and then opened: every link, summary
 * and control is ≥ 24 × 24 CSS px or spaced as 2.5.8 allows (test/e2e/lib/site.ts smallTargets);
 * the forest plot's row links (laid over the chart image, the known gap: 21.9 px at 390 px) are
 * measured on their own; and the page does not scroll sideways, no chart is shorter than 200 px and
 * chart text is ≥ 11 px.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSite } from '../../functions/publish/build-site.js';
import { sampleSnapshots, writeSnapshots } from '../site/sample.js';
import { chartMetrics, horizontalOverflow, launch, serveSite, smallTargets } from './lib/site.js';

const work = mkdtempSync(join(tmpdir(), 'le-targets-'));
const snaps = sampleSnapshots();
const dep = snaps.find((s) => s.reviewId === 'selfguided-depression')!;
const forest = dep.outcomes.find((o) => o.id === 'depression')!;
let server: { url: string; close: () => Promise<void> };
let browser: Browser;

beforeAll(async () => {
  writeSnapshots(join(work, 'snapshots'), snaps);
  // Two published versions, so that the versions list and a version page have something to show.
  const v1 = { ...dep, version: 1, outcomes: dep.outcomes.map((o) => (o.id === 'depression' ? { ...o, studies: o.studies.slice(0, -5), k: o.k - 5 } : o)) };
  const v2 = { ...dep, version: 2 };
  writeFileSync(join(work, 'snapshots', dep.reviewId, 'v1.json'), JSON.stringify(v1));
  writeFileSync(join(work, 'snapshots', dep.reviewId, 'v2.json'), JSON.stringify(v2));
  writeFileSync(join(work, 'snapshots', dep.reviewId, 'latest.json'), JSON.stringify(v2));
  await buildSite({ snapshotDir: join(work, 'snapshots'), outDir: join(work, 'site') });
  server = await serveSite(join(work, 'site'));
  browser = await launch();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(work, { recursive: true, force: true });
});

const PAGES = [
  ['home', '/'],
  ['review', '/reviews/selfguided-depression/'],
  ['study', `/reviews/selfguided-depression/studies/${encodeURIComponent(forest.studies[0].id)}/`],
  ['versions', '/reviews/selfguided-depression/versions/'],
  ['version 1', '/reviews/selfguided-depression/versions/1/'],
  ['version 2', '/reviews/selfguided-depression/versions/2/'],
  ['evidence map', '/reviews/china-internet-map/'],
  ['review without trials', '/reviews/hcp-emental-health/'],
  ['long data table', '/reviews/selfguided-depression/data/forest-depression/'],
] as const;

async function open(width: number, path: string): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width, height: 900 }, javaScriptEnabled: false })).newPage();
  const res = await page.goto(`${server.url}${path}`, { timeout: 120_000 });
  expect(res?.status(), path).toBe(200);
  return page;
}

describe('pointer targets ≥ 24 × 24 px (WCAG 2.5.8) on every public page', () => {
  for (const width of [390, 1280]) {
    it(`at ${width} px: every link and control is large enough or spaced; no sideways scroll; charts ≥ 200 px tall with text ≥ 11 px`, async () => {
      for (const [name, path] of PAGES) {
        const page = await open(width, path);
        const links = await page.locator('a[href]').count();
        expect(links, `${name}: links`).toBeGreaterThan(3);
        expect(await smallTargets(page), `${name} at ${width}px, details closed`).toEqual([]);
        // What a reader sees after opening every data table and disclosure.
        await page.evaluate(`document.querySelectorAll('details').forEach((d) => { d.open = true; })`);
        expect(await smallTargets(page), `${name} at ${width}px, details open`).toEqual([]);
        if (width === 390) expect(await horizontalOverflow(page), `${name} scrolls sideways at 390 px`).toBe(0);
        for (const c of await chartMetrics(page)) {
          expect(c.height, `${name} ${c.id} height at ${width}px`).toBeGreaterThanOrEqual(200);
          expect(c.minFont, `${name} ${c.id} text at ${width}px`).toBeGreaterThanOrEqual(11);
        }
        await page.context().close();
      }
    }, 600_000);
  }

  it('the forest plot\'s row links (over the chart image) are each ≥ 24 px tall, stacked without gaps or overlap, at 390 and 1280 px', async () => {
    for (const width of [390, 1280]) {
      const page = await open(width, '/reviews/selfguided-depression/');
      const boxes = await page.locator('#forest-depression .row-links a').evaluateAll((as) => as.map((a) => {
        const r = a.getBoundingClientRect();
        return { top: r.top, height: r.height, width: r.width };
      }));
      expect(boxes).toHaveLength(forest.studies.length);
      for (const [i, b] of boxes.entries()) {
        expect(b.height, `row ${i} at ${width}px`).toBeGreaterThanOrEqual(24);
        expect(b.width, `row ${i} at ${width}px`).toBeGreaterThanOrEqual(24);
        if (i > 0) expect(Math.abs(b.top - (boxes[i - 1].top + boxes[i - 1].height)), `row ${i} follows row ${i - 1}`).toBeLessThan(0.5);
      }
      // The last row's link ends inside the image (the drawing and the links share one geometry).
      const img = await page.locator('#forest-depression img.chart-img').boundingBox();
      const last = boxes[boxes.length - 1];
      expect(last.top + last.height).toBeLessThanOrEqual(img!.y + img!.height);
      await page.context().close();
    }
  });
});
