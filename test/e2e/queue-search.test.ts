/**
 * Searching the WHOLE screening queue in headless Chromium, at 1280 and 390 px, with JavaScript on
 * (search form by keyboard, decisions by keyboard on the results, paging that keeps the filter, j
 * after the last card) and off (the GET form renders the results server-side): near-duplicates
 * that sit on different pages share one card, axe 0 violations.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { curatorAxe } from './lib/curator.js';
import { launch } from './lib/site.js';
import { DUAL_REVIEW, startHarness, type Harness } from '../api/harness.js';

let h: Harness;
let browser: Browser;
const rid = DUAL_REVIEW.id;
const N = 40;
/** Records with a search word each, spread over both pages of the queue (25 cards a page). */
const KETAMINE = [1, 20, 38];
const PSILOCYBIN = [2, 21, 37];
const DUP_TITLE = 'Internet-delivered behavioural activation for older adults: a randomised trial';
const errors: string[] = [];

beforeAll(async () => {
  h = await startHarness('e2e-qsearch');
  await Promise.all(
    Array.from({ length: N }, (_, i) =>
      h.seed({
        reviewId: rid,
        studyId: `s${String(i).padStart(2, '0')}`,
        title: i === 3 ? DUP_TITLE : i === 35 ? `${DUP_TITLE}.` : `Queue record ${i}: a smartphone programme`,
        abstract: KETAMINE.includes(i) ? 'Adjunct ketamine sessions were compared with usual care.' : PSILOCYBIN.includes(i) ? 'A psilocybin-assisted course.' : 'An app.',
        year: i === 3 || i === 35 ? 2021 : 2016 + (i % 4),
        sources: i % 10 === 0 ? ['ctgov'] : ['pubmed'],
        identifiers: i === 35 ? [{ type: 'doi', value: '10.5555/dup35' }] : [{ type: 'pmid', value: String(700_000 + i) }],
        triage: { score: 99 - i, reasons: [] },
      }),
    ),
  );
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

const axe = curatorAxe;

async function signedIn(user: string, width: number, javaScriptEnabled: boolean): Promise<Page> {
  const ctx = await browser.newContext({ javaScriptEnabled, viewport: { width, height: 900 } });
  const p = await ctx.newPage();
  p.on('pageerror', (e) => errors.push(String(e)));
  p.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  p.setDefaultTimeout(90_000);
  await p.goto(`${h.base}/curate/signin?token=${await h.token('curator', user)}`);
  return p;
}

const cardTitles = (p: Page) => p.locator('article.cand h2').allTextContents();
const count = (p: Page) => p.locator('[data-result-count]').textContent();

async function checkPage(p: Page, width: number) {
  expect(await axe(p)).toEqual([]);
  expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
}

/**
 * axe and the width check of a page seen WITHOUT JavaScript: in a JavaScript-disabled context,
 * page.evaluate (hence axe) never returns here, so the same address, with the same user's
 * cookie, is checked in a JavaScript-enabled context: the server-rendered markup is the same.
 */
async function checkNoJsPage(p: Page, width: number) {
  const ctx = await browser.newContext({ viewport: { width, height: 900 } });
  await ctx.addCookies(await p.context().cookies());
  const q = await ctx.newPage();
  q.setDefaultTimeout(90_000);
  await q.goto(p.url());
  await checkPage(q, width);
  await ctx.close();
}

describe('queue search over the whole queue', () => {
  for (const [width, user, word, ids] of [
    [1280, 'alice', 'ketamine', KETAMINE],
    [390, 'carol', 'psilocybin', PSILOCYBIN],
  ] as const) {
    it(`JavaScript on, ${width} px: search and filter by keyboard, near-duplicates on one card, decide by keyboard, paging keeps the filter`, async () => {
      const p = await signedIn(user, width, true);
      await p.goto(`${h.base}/curate/reviews/${rid}?status=screening`);
      await expect(count(p)).resolves.toContain(`${N - 1} card(s) (${N} record(s)) of the ${N} record(s)`);
      expect(await p.locator('article.cand').count()).toBe(25);
      // record 35 (page 2 by its own score) shares record 3's card on page 1
      const dup = p.locator('article.cand', { hasText: 'near-duplicate records' });
      expect(await dup.count()).toBe(1);
      await expect(dup.locator('.dups').textContent()).resolves.toContain('s35');
      await checkPage(p, width);

      // search by keyboard: the form is a GET form; Enter submits it
      await p.locator('#f-q').focus();
      await p.keyboard.type(word);
      await p.keyboard.press('Enter');
      await p.waitForURL(new RegExp(`q=${word}`), { timeout: 90_000 });
      await expect(count(p)).resolves.toContain('3 card(s) (3 record(s))');
      expect((await cardTitles(p)).map((t) => t.replace(/^Queue record (\d+).*$/, '$1'))).toEqual(ids.map(String));
      await checkPage(p, width);
      // decide by keyboard on the results: i (include), 2 (exclude, reason 2), m (maybe); focus moves on by itself
      await expect(p.evaluate(() => document.activeElement?.getAttribute('data-study'))).resolves.toBe(`s${String(ids[0]).padStart(2, '0')}`);
      await p.keyboard.press('i');
      await expect.poll(() => p.locator('article.cand').nth(0).locator('[data-vote]').textContent(), { timeout: 90_000 }).toContain('Your vote: Included');
      await expect.poll(() => p.evaluate(() => document.activeElement?.getAttribute('data-study')), { timeout: 90_000 }).toBe(`s${ids[1]}`);
      await p.keyboard.press('2');
      await expect.poll(() => p.locator('article.cand').nth(1).locator('[data-vote]').textContent(), { timeout: 90_000 }).toContain('Your vote: Excluded');
      await expect.poll(() => p.evaluate(() => document.activeElement?.getAttribute('data-study')), { timeout: 90_000 }).toBe(`s${ids[2]}`);
      await p.keyboard.press('k');
      await expect(p.evaluate(() => document.activeElement?.getAttribute('data-study'))).resolves.toBe(`s${ids[1]}`);
      await p.keyboard.press('j');
      await p.keyboard.press('m');
      await expect.poll(() => p.locator('article.cand').nth(2).locator('[data-vote]').textContent(), { timeout: 90_000 }).toContain('maybe');
      const tok = await h.token('curator', user);
      const get = async (i: number) => (await h.req('GET', `/api/reviews/${rid}/candidates/s${String(i).padStart(2, '0')}`, { token: tok })).json.candidate.screening['title-abstract'];
      expect((await get(ids[0])).decisions).toEqual([expect.objectContaining({ screener: user, decision: 'include' })]);
      expect((await get(ids[1])).decisions).toEqual([expect.objectContaining({ screener: user, decision: 'exclude', reason: DUAL_REVIEW.exclusionReasons[1].id })]);
      expect((await get(ids[2])).maybe).toEqual([expect.objectContaining({ screener: user })]);
      // my decisions as a filter: the to-do keeps only the maybe of the three
      await p.locator('#f-view').selectOption('todo');
      await p.locator('#f-q').press('Enter');
      await p.waitForURL((u) => u.searchParams.get('view') === 'todo' && u.searchParams.get('q') === word, { timeout: 90_000 });
      await expect(count(p)).resolves.toContain('1 card(s) (1 record(s))');
      await expect(p.locator('main').textContent()).resolves.toContain('2 record(s) in this queue you have already voted on are not shown');

      // filters over the whole queue: source and year, then paging keeps them (Next page, and j after the last card)
      await p.goto(`${h.base}/curate/reviews/${rid}?status=screening`);
      await p.locator('#f-source').selectOption('pubmed');
      await p.locator('#f-view').selectOption('all');
      await p.locator('#f-q').press('Enter');
      await p.waitForURL(/source=pubmed/, { timeout: 90_000 });
      await expect(count(p)).resolves.toContain('35 card(s) (36 record(s))'); // 4 ctgov records out; s03+s35 share a card
      expect(await p.locator('article.cand').count()).toBe(25);
      await p.locator('article.cand').last().focus();
      await p.keyboard.press('j');
      await p.waitForURL(/after=/, { timeout: 90_000 });
      const u = new URL(p.url());
      expect(u.searchParams.get('source')).toBe('pubmed');
      expect(u.searchParams.get('view')).toBe('all');
      expect(await p.locator('article.cand').count()).toBe(10);
      await expect(count(p)).resolves.toContain('Showing 26–35');
      await expect.poll(() => p.evaluate(() => document.activeElement?.tagName), { timeout: 90_000 }).toBe('ARTICLE');
      await checkPage(p, width);
      await p.locator('#f-year').fill('2021');
      await p.locator('#f-year').press('Enter');
      await p.waitForURL(/year=2021/, { timeout: 90_000 });
      expect(new URL(p.url()).searchParams.has('after')).toBe(false);
      expect(await p.locator('article.cand').count()).toBe(1);
      await expect(p.locator('article.cand .dups').textContent()).resolves.toContain('s35');
      await p.context().close();
    });

    it(`JavaScript off, ${width} px: the GET form renders the results server-side, the group and the pages too`, async () => {
      const step = (m: string) => console.log(`[nojs ${width}] ${new Date().toISOString()} ${m}`);
      step('sign in');
      const p = await signedIn(`${user}-nojs`, width, false);
      step('signed in');
      await p.goto(`${h.base}/curate/reviews/${rid}?status=screening`);
      step('queue loaded');
      await p.locator('#f-q').fill('10.5555/dup35');
      await p.locator('form.filters button[type="submit"]').click();
      await p.waitForURL(/q=10\.5555/, { timeout: 90_000 });
      await expect(count(p)).resolves.toContain('1 card(s) (2 record(s))');
      await expect(cardTitles(p)).resolves.toEqual([expect.stringContaining('behavioural activation')]);
      step('search done');
      await checkNoJsPage(p, width);
      step('axe done');
      await p.locator('#f-q').fill('');
      await p.locator('#f-view').selectOption('all');
      await p.locator('#f-source').selectOption('pubmed');
      await p.locator('form.filters button[type="submit"]').click();
      await p.waitForURL(/source=pubmed/, { timeout: 90_000 });
      step('filtered');
      await p.locator('nav.pager a', { hasText: 'Next page' }).first().click();
      await p.waitForURL(/after=/, { timeout: 90_000 });
      expect(new URL(p.url()).searchParams.get('source')).toBe('pubmed');
      await expect(count(p)).resolves.toContain('Showing 26–35');
      await checkNoJsPage(p, width);
      await p.locator('nav.pager a', { hasText: 'First page' }).first().click();
      await p.waitForURL((u) => !u.searchParams.has('after') && u.searchParams.get('source') === 'pubmed', { timeout: 90_000 });
      await expect(count(p)).resolves.toContain('Showing 1–25');
      // a bad parameter: a page naming it
      // (a page of its own: the browser logs the deliberate 400, which the error check below must not count)
      const pb = await p.context().newPage();
      pb.setDefaultTimeout(90_000);
      const bad = await pb.goto(`${h.base}/curate/reviews/${rid}?year=soon`);
      expect(bad?.status()).toBe(400);
      await expect(pb.locator('main').textContent()).resolves.toContain('year');
      await checkNoJsPage(pb, width);
      await p.context().close();
    });
  }

  it('no script errors and no CSP violations on the pages visited', () => {
    expect(errors.join('\n')).toBe('');
  });
});
