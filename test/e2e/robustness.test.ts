/**
 * The robustness parts of the review page in headless Chromium with JavaScript off, built by Astro
 * from the real Metapsy snapshot (core's builder): the dependence sensitivity beside the main
 * estimate and the specification curve (issue 13 §1, §6). What it proves: the sentences on the page
 * are the snapshot's, the phone layout of the curve is what a 390 px screen loads, without
 * horizontal scroll, the permalink, downloads and the data-table page work.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSite } from '../../functions/publish/build-site.js';
import { sampleSnapshots, writeSnapshots } from '../site/sample.js';
import { horizontalOverflow, launch, serveSite } from './lib/site.js';

const work = mkdtempSync(join(tmpdir(), 'le-robust-'));
const snaps = sampleSnapshots();
const dep = snaps.find((s) => s.reviewId === 'selfguided-depression')!;
const depression = dep.outcomes.find((o) => o.id === 'depression')!;
let server: { url: string; close: () => Promise<void> };
let browser: Browser;

beforeAll(async () => {
  writeSnapshots(join(work, 'snapshots'), snaps);
  await buildSite({ snapshotDir: join(work, 'snapshots'), outDir: join(work, 'site') });
  server = await serveSite(join(work, 'site'));
  browser = await launch();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('review page: how robust is the estimate', () => {
  for (const width of [1280, 390]) {
    it(`${width} px, no JavaScript: sentences from the snapshot, the curve's layout for the width, no horizontal scroll`, async () => {
      const page = await (await browser.newContext({ javaScriptEnabled: false, viewport: { width, height: 900 } })).newPage();
      await page.goto(`${server.url}/reviews/selfguided-depression/`);
      const section = page.locator('[data-outcome-id="depression"]');
      expect(await section.locator('[data-testid="dependence-sentence"]').textContent()).toBe(depression.dependenceSensitivity!.sentence);
      expect(await section.locator('[data-testid="multiverse-sentence"]').textContent()).toBe(depression.multiverse!.sentence);
      const img = section.locator('#speccurve-depression img');
      await img.scrollIntoViewIfNeeded();
      await page.waitForFunction(() => (document.querySelector('#speccurve-depression img') as HTMLImageElement | null)?.complete === true);
      const [src, shown, natural] = await img.evaluate((e: HTMLImageElement) => [e.currentSrc, e.clientWidth, e.naturalWidth] as const);
      expect(src).toMatch(width < 800 ? /speccurve-depression-narrow\.svg$/ : /speccurve-depression\.svg$/);
      expect(natural).toBe(width < 800 ? 288 : 760);
      expect(shown).toBeLessThanOrEqual(width);
      expect(await horizontalOverflow(page)).toBe(0);
      // permalink and downloads
      expect(await section.locator('#speccurve-depression a.perma').getAttribute('href')).toBe('#speccurve-depression');
      const csv = await page.request.get(`${server.url}/data/selfguided-depression/speccurve-depression.csv`);
      expect(csv.status()).toBe(200);
      expect((await csv.text()).trim().split('\n').length).toBe(depression.multiverse!.estimated + 1);
      // the secondary outcomes carry no multiverse
      expect(await page.locator('[data-outcome-id="qol"] [data-testid="multiverse"]').count()).toBe(0);
    }, 120_000);
  }

  it('the data table of every specification has its own page', async () => {
    const page = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
    const res = await page.goto(`${server.url}/reviews/selfguided-depression/data/speccurve-depression/`);
    expect(res?.status()).toBe(200);
    expect(await page.locator('table tbody tr').count()).toBe(depression.multiverse!.estimated);
    const svg = await page.request.get(`${server.url}/data/selfguided-depression/speccurve-depression-narrow.svg`);
    expect(await svg.text()).toMatch(/<svg [^>]*viewBox="0 0 288 /);
  }, 120_000);
});
