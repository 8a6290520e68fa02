/**
 * The dashboard's public pages in headless Chromium, built by Astro from snapshots that carry every
 * issue-11 field (the real Metapsy snapshot from core's builder, plus example certainty, plain
 * language, RoB, display rules, headline, sources and evidence map: test/site/sample.ts). Served by
 * the runner's own static handler (same CSP). What it proves: the layered review page exposes the
 * published-page contract (data-outcome-id, data-certainty, data-testid="plain-language"), numbers
 * equal the snapshot's, pages have no JavaScript at all, axe finds nothing at 1280 and 390 px, no
 * horizontal scroll at 390 px, every chart is an SVG without JavaScript, ≥ 200 px tall and with
 * text ≥ 11 px, and home, review, study and evidence-map pages render their parts.
 * The same checks run on the real stack after a real import in dashboard.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../stack/harness.js';
import { buildSite } from '../../functions/publish/build-site.js';
import { sampleSnapshots, writeSnapshots, writeTwoVersions } from '../site/sample.js';
import { figuresWithoutJs, inspect, launch, serveSite } from './lib/site.js';
import type { ReviewSnapshot } from '../../site/src/lib/model.js';
import { registrationsOf } from '../../core/analysis/registration.js';

const work = mkdtempSync(join(tmpdir(), 'le-site-'));
const snaps: ReviewSnapshot[] = sampleSnapshots();
const dep = snaps.find((s) => s.reviewId === 'selfguided-depression')!;
// A previous version to compare with (a first snapshot has none).
if (dep.headline && dep.headline.estimate !== null) dep.headline.previousEstimate = dep.headline.estimate + 0.03;
// One study with a ClinicalTrials.gov registration, registered late, with long planned outcomes: its
// study page (registration timing and planned-outcomes table) is inspected like the others.
const registeredStudy = dep.studies[0];
registeredStudy.identifiers = [...registeredStudy.identifiers, { type: 'nct', value: 'NCT04000001' }];
registeredStudy.registrations = registrationsOf({
  registration: {
    nctId: 'NCT04000001',
    hasResults: false,
    status: 'ACTIVE_NOT_RECRUITING',
    registered: '2020-09-14',
    started: '2019-02',
    plannedOutcomes: [
      { kind: 'primary', measure: 'Change in depressive symptoms measured with the Patient Health Questionnaire-9 (PHQ-9), total score range 0 to 27, higher scores meaning more severe depression', timeFrame: 'Baseline, 8 weeks and 6 months after randomisation' },
      { kind: 'secondary', measure: 'Generalised anxiety (GAD-7)' },
    ],
  },
});
let server: { url: string; close: () => Promise<void> };
let browser: Browser;
/** As the pages print a number: true minus sign, and no sign on a value that rounds to zero. */
const minus = (x: number, d = 2) => (Number(x.toFixed(d)) === 0 ? Math.abs(x).toFixed(d) : x.toFixed(d).replace('-', '−'));

beforeAll(async () => {
  writeSnapshots(join(work, 'snapshots'), snaps);
  // Two published versions of the self-guided review: v1 (fewer studies) and v2 (= latest).
  writeTwoVersions(join(work, 'snapshots'), dep);
  await buildSite({ snapshotDir: join(work, 'snapshots'), outDir: join(work, 'site') });
  server = await serveSite(join(work, 'site'));
  browser = await launch();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(work, { recursive: true, force: true });
});

function htmlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? htmlFiles(p) : p.endsWith('.html') ? [p] : [];
  });
}

describe('site pages built from snapshots with every analysis field', () => {
  it('no page loads JavaScript (every chart is static SVG)', () => {
    const pages = htmlFiles(join(work, 'site'));
    expect(pages.length).toBeGreaterThan(70);
    for (const p of pages) expect(readFileSync(p, 'utf8'), p).not.toMatch(/<script(?![^>]*type="application\/(ld\+)?json")/);
  });

  it('review page: layered contract attributes, summary of findings, and numbers equal to the snapshot', async () => {
    const page = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
    await page.goto(`${server.url}/reviews/selfguided-depression/`);
    for (const o of dep.outcomes) {
      const sec = page.locator(`section[data-outcome-id="${o.id}"]`);
      await expect(sec.count()).resolves.toBe(1);
      await expect(sec.getAttribute('data-certainty')).resolves.toBe(o.certainty?.rating ?? null);
      await expect(sec.getByTestId('plain-language').textContent()).resolves.toBe(o.plainLanguage!.sentence);
      await expect(sec.getByTestId('pooled').textContent()).resolves.toBe(minus(o.result!.estimate!));
      await expect(sec.getByTestId('pooled-ci').textContent()).resolves.toBe(`${minus(o.result!.ciLower!)} to ${minus(o.result!.ciUpper!)}`);
      await expect(sec.getByTestId('k').textContent()).resolves.toBe(String(o.k));
      const row = page.locator(`tr[data-sof-outcome="${o.id}"]`);
      await expect(row.textContent()).resolves.toContain(`${minus(o.result!.estimate!)} [${minus(o.result!.ciLower!)}, ${minus(o.result!.ciUpper!)}]`);
      if (o.lowRiskOnly) await expect(sec.getByTestId('low-risk').textContent()).resolves.toBe(minus(o.lowRiskOnly.estimate));
    }
    // The key-findings layer comes before the summary of findings, which comes before the details.
    const order = await page.evaluate(() => ['.key', '.sof', 'section[data-outcome-id]'].map((s) => document.querySelector(s)!.getBoundingClientRect().top));
    expect(order[0]).toBeLessThan(order[1]);
    expect(order[1]).toBeLessThan(order[2]);
    // k = 2: no prediction interval; the display note explains why.
    const wb = page.locator('section[data-outcome-id="wellbeing"]');
    await expect(wb.getByTestId('pi').count()).resolves.toBe(0);
    await expect(wb.locator('.rules').textContent()).resolves.toMatch(/prediction interval/);
    await expect(wb.textContent()).resolves.toMatch(/> 100\]/);
    // Level labels, not codes; the baseline note; the data source cited in full.
    await expect(page.locator('#subgroup-depression-targetGroup').textContent()).resolves.toMatch(/Adults/);
    await expect(page.getByTestId('baseline-note').textContent()).resolves.toMatch(/No published baseline/);
    await expect(page.locator('section[aria-labelledby="attr"]').textContent()).resolves.toMatch(/Tong L.*10\.5281\/zenodo\.12705748.*ODC-By/s);
    // Forest rows link to study pages, with the study's own numbers there.
    const first = dep.outcomes[0].studies[0];
    await page.goto(`${server.url}/reviews/selfguided-depression/data/forest-depression/`);
    const href = await page.locator('tbody tr').first().locator('th a').getAttribute('href');
    await page.goto(`${server.url}${href}`);
    await expect(page.locator('[data-outcome="depression"] [data-testid="study-smd"]').textContent()).resolves.toBe(`${minus(first.yi)} [${minus(first.ciLower)}, ${minus(first.ciUpper)}]`);
    await expect(page.locator('.rob-table tbody tr').count()).resolves.toBe(6);
    // Its coded moderators are shown by the review file's names and level labels, not the codes.
    const facts = (await page.locator('dl.facts').last().textContent())!;
    let labelled = 0;
    for (const [k, v] of Object.entries(first.moderators)) {
      const def = dep.inputs.review.moderators.find((m) => m.id === k);
      if (!def) continue;
      expect(facts).toContain(def.label);
      if (def.type === 'categorical' && typeof v === 'string') {
        expect(facts).toContain(def.levels.find((l) => l.id === v)!.label);
        labelled++;
      }
    }
    expect(labelled).toBeGreaterThan(2);
  });

  it('forest plot rows link to their study pages at 1280 and 390 px without JavaScript (each row of the drawn image is its study\'s link)', async () => {
    const o = dep.outcomes.find((x) => x.id === 'depression')!;
    for (const width of [1280, 390]) {
      const page = await (await browser.newContext({ viewport: { width, height: 900 }, javaScriptEnabled: false })).newPage();
      await page.goto(`${server.url}/reviews/selfguided-depression/`);
      const fig = page.locator('#forest-depression');
      const img = fig.locator('img.chart-img');
      await img.scrollIntoViewIfNeeded();
      await img.evaluate((i: HTMLImageElement) => i.decode());
      // Which layout the browser chose, and where row i's centre is in it (from the drawn SVG itself).
      const src = await img.evaluate((i: HTMLImageElement) => i.currentSrc);
      expect(src).toMatch(width === 390 ? /-narrow\.svg$/ : /forest-depression\.svg$/);
      const svg = await (await fetch(src)).text();
      const vbW = Number(svg.match(/viewBox="0 0 ([0-9.]+) /)![1]);
      const rowY = [...svg.matchAll(/<g class="row" data-study="[^"]*"><a [^>]*><text x="[0-9.]+" y="([0-9.]+)"/g)].map((m) => Number(m[1]) - 4);
      expect(rowY).toHaveLength(o.studies.length);
      // Hit-test the centre of a spread of rows (first, middle, last, …): the element there is that study's link.
      const picks = [...new Set([0, 1, Math.floor(o.studies.length / 2), o.studies.length - 2, o.studies.length - 1])];
      for (const i of picks) {
        const hit = await page.evaluate(([y, w]) => {
          const el = document.querySelector('#forest-depression img.chart-img')!;
          const b0 = el.getBoundingClientRect();
          window.scrollBy(0, b0.top + (y * b0.width) / w - window.innerHeight / 2);
          const b = el.getBoundingClientRect();
          return document.elementFromPoint(b.left + b.width / 2, b.top + (y * b.width) / w)?.closest('a')?.getAttribute('href') ?? null;
        }, [rowY[i], vbW] as [number, number]);
        expect(hit, `row ${i} at ${width}px`).toBe(`/reviews/selfguided-depression/studies/${encodeURIComponent(o.studies[i].id)}/`);
      }
      // Keyboard and screen readers: one named link per row, in row order; following one opens the study page.
      await expect(fig.locator('.row-links a').count()).resolves.toBe(o.studies.length);
      await expect(fig.locator('.row-links a').nth(1).textContent()).resolves.toBe(`${o.studies[1].label}: study page`);
      await fig.locator('.row-links a').nth(1).click();
      await page.waitForURL(/\/studies\//);
      await expect(page.locator('[data-outcome="depression"] [data-testid="study-smd"]').textContent()).resolves.toBe(`${minus(o.studies[1].yi)} [${minus(o.studies[1].ciLower)}, ${minus(o.studies[1].ciUpper)}]`);
      await page.context().close();
    }
  });

  it('an older version\'s page shows no chart image (the chart files are the current version\'s) and says so; the current version\'s page has them', async () => {
    const page = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
    await page.goto(`${server.url}/reviews/selfguided-depression/versions/1/`);
    await expect(page.locator('section[data-outcome-id="depression"]').count()).resolves.toBe(1);
    await expect(page.locator('img.chart-img').count()).resolves.toBe(0);
    await expect(page.locator('.row-links').count()).resolves.toBe(0);
    await expect(page.locator('[data-testid="archived-chart"]').count()).resolves.toBeGreaterThan(3);
    await page.goto(`${server.url}/reviews/selfguided-depression/versions/2/`);
    await expect(page.locator('#forest-depression img.chart-img').count()).resolves.toBe(1);
    await expect(page.locator('#forest-depression .row-links a').count()).resolves.toBe(dep.outcomes.find((o) => o.id === 'depression')!.studies.length);
    await expect(page.locator('[data-testid="archived-chart"]').count()).resolves.toBe(0);
  });

  it('every figure has a non-empty SVG with JavaScript off, and its data downloads', async () => {
    const figs = await figuresWithoutJs(browser, `${server.url}/reviews/selfguided-depression/`);
    expect(figs.length).toBeGreaterThanOrEqual(10);
    for (const f of figs) expect(f.shapes, f.id).toBeGreaterThan(2);
    for (const id of ['forest-depression', 'cumulative-depression', 'funnel-depression', 'rob-depression']) {
      const csv = await fetch(`${server.url}/data/selfguided-depression/${id}.csv`);
      expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
      const svg = await fetch(`${server.url}/data/selfguided-depression/${id}.svg`);
      expect(svg.headers.get('content-type')).toMatch(/image\/svg\+xml/);
      expect(await svg.text()).toMatch(/^<\?xml[\s\S]*<svg/);
    }
  });

  it('home: headline with certainty, change since the previous version, sources searched, last changed', async () => {
    const page = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
    await page.goto(`${server.url}/`);
    const card = page.locator('[data-review="selfguided-depression"]');
    await expect(card.getByTestId('headline').textContent()).resolves.toBe(dep.headline!.sentence);
    await expect(card.getByTestId('delta').textContent()).resolves.toMatch(new RegExp(`down 0\\.03 since the previous version \\(was ${minus(dep.headline!.previousEstimate!)}\\)`));
    const rating = dep.outcomes.find((o) => o.id === dep.headline!.outcomeId)!.certainty!.rating;
    const word = { high: 'High', moderate: 'Moderate', low: 'Low', 'very-low': 'Very low' }[rating];
    await expect(card.textContent()).resolves.toMatch(new RegExp(`${word} certainty`));
    await expect(card.textContent()).resolves.toMatch(/PubMed 2026-11-21, ClinicalTrials\.gov not yet/);
    await expect(card.textContent()).resolves.toMatch(/Last changed 2026-11-22/);
  });

  it('evidence map: bar charts per dimension and the cross-table', async () => {
    const page = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
    await page.goto(`${server.url}/reviews/china-internet-map/`);
    const map = snaps.find((s) => s.reviewId === 'china-internet-map')!.evidenceMap!;
    await expect(page.locator('figure[id^="map-"] img.chart-img').count()).resolves.toBe(map.dimensions.filter((d) => d.counts.length > 0).length);
    if (map.cross) await expect(page.locator('#map-cross table tbody tr').count()).resolves.toBe(map.cross.rowLabels.length);
  });

  // Home and study pages are inspected the same way on the real stack (dashboard.test.ts).
  for (const [name, path] of [['review', '/reviews/selfguided-depression/'], ['map', '/reviews/china-internet-map/'], ['registered study', `/reviews/selfguided-depression/studies/${encodeURIComponent(registeredStudy.id)}/`]] as const) {
    it(`${name} page: axe clean, no horizontal scroll at 390 px, charts ≥ 200 px tall with text ≥ 11 px`, async () => {
      const reports = await inspect(browser, `${server.url}${path}`, `sample-${name.replace(/ /g, '-')}`, ROOT);
      for (const r of reports) {
        expect(r.axe, `${r.width}px`).toEqual([]);
        if (r.width === 390) {
          expect(r.overflow).toBe(0);
          for (const c of r.charts) {
            expect(c.height, c.id).toBeGreaterThanOrEqual(200);
            expect(c.minFont, c.id).toBeGreaterThanOrEqual(11);
            expect(c.width, c.id).toBeLessThanOrEqual(390);
          }
        } else for (const c of r.charts) expect(c.minFont, c.id).toBeGreaterThanOrEqual(11);
      }
    }, 600_000);
  }
});
