/**
 * Report pages in headless Chromium at 1280 and 390 px, with axe: the PRISMA page (diagram drawn on
 * the server, its numbers equal to the API's), import with a preview before anything changes, then
 * the background import's progress, and the last poll of each source on the curator home.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { curatorAxe } from './lib/curator.js';
import { IngestStore } from '../../functions/adapters/ingest-store.js';
import { DUAL_REVIEW, startHarness, type Harness } from '../api/harness.js';

let h: Harness;
let browser: Browser;
const rid = DUAL_REVIEW.id;
const clock = new Date('2026-12-02T10:00:00.000Z');

beforeAll(async () => {
  h = await startHarness('e2e-reports', { now: () => clock });
  await h.seed({ reviewId: rid, studyId: 'r1', title: 'An internet CBT trial', sources: ['pubmed', 'ctgov'] });
  await h.seed({ reviewId: rid, studyId: 'r2', title: 'An app trial', status: 'accepted' });
  await h.seed({ reviewId: rid, studyId: 'r3', title: 'Unrelated', status: 'excluded', exclusion: { stage: 'title-abstract', reason: DUAL_REVIEW.exclusionReasons[0].id, by: 'x', at: 'x' } } as never);
  await new IngestStore(h.doc, h.table).recordAttempt(rid, 'pubmed', { at: '2026-12-02T09:58:00.000Z', ok: false, error: 'network error: getaddrinfo ENOTFOUND eutils.ncbi.nlm.nih.gov' });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

/**
 * axe's violations on a page. axe runs as script inside the page and waits on page timers; with
 * JavaScript disabled in the context no timer ever fires, so `analyze()` never settled and this
 * file hung (dequelabs/axe-core-npm#529). A page whose timers do not run is refused with a clear
 * error instead, and a ceiling names the page if axe stalls for any other reason.
 */
async function axe(p: Page) {
  const timers: NodeJS.Timeout[] = [];
  const within = <T>(ms: number, work: Promise<T>, onTimeout: () => Error) =>
    Promise.race([work, new Promise<never>((_, rej) => timers.push(setTimeout(() => rej(onTimeout()), ms)))]);
  try {
    const timersRun = p.evaluate(() => new Promise<boolean>((res) => setTimeout(() => res(true), 0)));
    timersRun.catch(() => undefined); // settles (rejects) only when the page closes, if timers never run
    await within(20_000, timersRun, () => new Error(`axe needs JavaScript in the page, and page timers do not run on ${p.url()} (JavaScript disabled?): run axe on the same URL with JavaScript on`));
    return await within(240_000, curatorAxe(p), () => new Error(`axe did not finish on ${p.url()} within 240 s`));
  } finally {
    timers.forEach(clearTimeout);
  }
}

async function signedIn(width: number): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width, height: 900 } })).newPage();
  await page.goto(`${h.base}/curate/signin?token=${await h.token('lead', 'lead-e2e')}`);
  return page;
}

const noPageScroll = (p: Page) => p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);

describe.each([1280, 390])('at %i px', (width) => {
  it('curator home shows the last poll of each source; reports are linked from it', async () => {
    const page = await signedIn(width);
    await page.goto(`${h.base}/curate`);
    await expect(page.locator('[data-source="pubmed"]').textContent()).resolves.toContain('PubMed: failed 2 min ago — host not found; next try in 13 min');
    await expect(page.locator('[data-source="pubmed"]').getAttribute('data-state')).resolves.toBe('failed');
    expect(await axe(page)).toEqual([]);
    expect(await noPageScroll(page)).toBe(true);
    await page.locator(`a[href="/curate/reviews/${rid}/prisma"]`).click();
    await expect(page.locator('h1').textContent()).resolves.toContain('PRISMA 2020');
    await page.close();
  });

  it('PRISMA page: server-drawn diagram whose numbers equal the API, a table, an SVG download; works without JavaScript', async () => {
    const ctx = await browser.newContext({ viewport: { width, height: 900 }, javaScriptEnabled: false });
    const page = await ctx.newPage();
    await page.goto(`${h.base}/curate/signin?token=${await h.token('lead', 'lead-e2e')}`);
    await page.goto(`${h.base}/curate/reviews/${rid}/prisma`);
    const api = await h.req('GET', `/api/reviews/${rid}/prisma`, { token: await h.token('lead') });
    await expect(page.locator('svg[role="img"] g[data-box="screened"] text').first().textContent()).resolves.toContain(`n\u00a0=\u00a0${api.json.cumulative.screened}`);
    await expect(page.locator('td[data-count="recordsIdentified"]').textContent()).resolves.toBe(String(api.json.cumulative.recordsIdentified));
    // A count is one line (it wrapped a digit a line in a narrow column at 390 px).
    const count = page.locator('td[data-count="recordsIdentified"]');
    const lineHeight = await count.evaluate((e) => parseFloat(getComputedStyle(e).lineHeight));
    const textHeight = await count.evaluate((e) => { const r = document.createRange(); r.selectNodeContents(e); return r.getBoundingClientRect().height; });
    expect(textHeight).toBeLessThan(lineHeight * 1.5);
    // 4 seeded records, plus whatever an import at an earlier width added.
    expect(api.json.cumulative.recordsIdentified).toBeGreaterThanOrEqual(4);
    const href = await page.locator('a[data-download]').getAttribute('href');
    const svg = await h.req('GET', href!, { token: await h.token('lead') });
    expect(svg.text).toContain('<svg');
    await page.locator('a[href*="view=update"]').first().click();
    await expect(page.locator('[data-prisma-sentence]').textContent()).resolves.toContain('Since');
    expect(await noPageScroll(page)).toBe(true);
    // axe cannot run with JavaScript off (see axe()): the same two views, checked with it on.
    const updateUrl = page.url();
    await ctx.close();
    const jsPage = await signedIn(width);
    for (const url of [`${h.base}/curate/reviews/${rid}/prisma`, updateUrl]) {
      await jsPage.goto(url);
      await expect(jsPage.locator('h1').textContent()).resolves.toContain('PRISMA 2020');
      expect(await axe(jsPage)).toEqual([]);
      expect(await noPageScroll(jsPage)).toBe(true);
    }
    await jsPage.close();
  });

  it('import: preview first (nothing changed), then confirm, then the background job finishes', async () => {
    const page = await signedIn(width);
    const dir = mkdtempSync(join(tmpdir(), 'reports-e2e-'));
    const file = join(dir, `trials-${width}.ris`);
    const lines: string[] = [];
    for (let i = 0; i < 60; i++) lines.push('TY  - JOUR', `TI  - Trial ${width}-${i} of a mindfulness app`, 'PY  - 2025', `DO  - 10.7777/w${width}.${i}`, 'ER  - ');
    lines.push('TY  - JOUR', 'TI  - An internet CBT trial', 'ER  - ');
    writeFileSync(file, lines.join('\n'));
    await page.goto(`${h.base}/curate/reviews/${rid}/import`);
    expect(await axe(page)).toEqual([]);
    const before = (await h.req('GET', `/api/reviews/${rid}/summary`, { token: await h.token('lead') })).json.counts.screening;
    await page.locator('#import-file').setInputFiles(file);
    await page.locator('button[type="submit"].primary').click();
    await expect(page.locator('[data-preview-count="new"]').textContent()).resolves.toBe('60');
    await expect(page.locator('[data-preview-count="duplicate"]').textContent()).resolves.toBe('1');
    await expect(page.locator('tr[data-kind="duplicate"]').count()).resolves.toBe(1);
    expect(await axe(page)).toEqual([]);
    expect(await noPageScroll(page)).toBe(true);
    expect((await h.req('GET', `/api/reviews/${rid}/summary`, { token: await h.token('lead') })).json.counts.screening).toBe(before);
    await page.locator('button[data-confirm-import]').click();
    await expect.poll(() => page.locator('[data-job-status]').getAttribute('data-job-status'), { timeout: 120_000 }).toBe('done');
    await expect(page.locator('[data-job-progress]').textContent()).resolves.toContain('60 new');
    expect(await axe(page)).toEqual([]);
    expect((await h.req('GET', `/api/reviews/${rid}/summary`, { token: await h.token('lead') })).json.counts.screening).toBe(before + 60);
    await page.close();
  });

  it('progress page: kappa with its count and meaning, per-curator table', async () => {
    const page = await signedIn(width);
    await page.goto(`${h.base}/curate/reviews/${rid}/reports`);
    await expect(page.locator('[data-kappa-sentence="title-abstract"]').textContent()).resolves.toContain('cannot be measured');
    await expect(page.locator('tr[data-curator="lead-e2e"]').count()).resolves.toBe(1);
    // On a phone each row is a block whose cells name their column (a 5-column table broke
    // "Decisions" and "Curator" across lines); on a desktop it is a table with its header.
    const todo = page.locator('tr[data-curator="lead-e2e"] td[data-todo]');
    const label = await todo.evaluate((e) => getComputedStyle(e, '::before').content);
    const cellWidth = await todo.evaluate((e) => e.getBoundingClientRect().width);
    if (width === 390) {
      expect(label).toBe('"To do: "');
      expect(cellWidth).toBeGreaterThan(250);
    } else {
      expect(label).toBe('none');
      await expect(page.locator('table[data-progress] thead th').nth(3).isVisible()).resolves.toBe(true);
    }
    expect(await axe(page)).toEqual([]);
    expect(await noPageScroll(page)).toBe(true);
    await page.close();
  });
});
