/**
 * Every curator action with JavaScript OFF, in headless Chromium at 1280 and 390 px: include,
 * maybe with a label, undo, exclude with a reason, batch exclusion of a selection (the card boxes
 * belong to the batch form), a conflict resolved by a curator who did not vote, a lead's
 * adjudication of two drafts, a lead's GRADE judgement, and the mapping page's paging. Each form posts, the browser comes
 * back to the page (Post/Redirect/Get) and the page names the outcome; a refused action shows the
 * API's message naming the field. axe (every violation, any impact) runs on the same addresses
 * in a JavaScript-on context (axe needs script), and the pages never scroll sideways.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { curatorAxe } from './lib/curator.js';
import { launch } from './lib/site.js';
import { DUAL_REVIEW, SINGLE_REVIEW, startHarness, validForm, type Harness } from '../api/harness.js';
import type { Review } from '../../core/reviews/schema.js';

const DUAL_EXTRACTION: Review = { ...SINGLE_REVIEW, id: 'dual-extraction-nojs', extraction: { dual: true } };
/** A review with a pooled outcome, so the GRADE page shows every domain with its form. */
const GRADED: Review = { ...SINGLE_REVIEW, id: 'graded-nojs' };
const rid = DUAL_REVIEW.id;
let h: Harness;
let browser: Browser;

beforeAll(async () => {
  h = await startHarness('e2e-nojs', { extraReviews: [DUAL_EXTRACTION, GRADED] });
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

async function signedIn(role: 'curator' | 'lead', sub: string, width: number): Promise<Page> {
  const p = await (await browser.newContext({ viewport: { width, height: 900 }, javaScriptEnabled: false })).newPage();
  p.setDefaultTimeout(90_000);
  await p.goto(`${h.base}/curate/signin?token=${await h.token(role, sub)}`);
  return p;
}

/**
 * No sideways scroll on the JS-off page, then axe on what it shows, in a JS-on context with the same
 * cookie (axe runs as a script): `load` puts the page there.
 */
async function axeOf(p: Page, width: number, load: (q: Page) => Promise<unknown>) {
  expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
  const ctx = await browser.newContext({ viewport: { width, height: 900 } });
  await ctx.addCookies(await p.context().cookies());
  const q = await ctx.newPage();
  q.setDefaultTimeout(90_000);
  await load(q);
  expect(await curatorAxe(q)).toEqual([]);
  await ctx.close();
}

/** A page a GET can fetch again: the same address. */
const check = (p: Page, width: number) => axeOf(p, width, (q) => q.goto(p.url()));

/** A page answered to a POST (a refusal), which no GET can fetch again: its HTML, on a page of the same origin. */
const checkAnswer = (p: Page, width: number) =>
  axeOf(p, width, async (q) => {
    await q.goto(`${h.base}/curate`);
    await q.setContent(await p.content());
  });

const mine = async (id: string, who: string) => (await h.req('GET', `/api/reviews/${rid}/candidates/${id}`, { token: await h.token('curator', who) })).json.candidate;

describe.each([1280, 390])('JavaScript off, %i px', (width) => {
  const w = `n${width}`;
  it('include, maybe with a label, undo, exclude with a reason: each posts, comes back and says what happened', async () => {
    const user = `alice-${w}`;
    for (const k of ['a', 'b']) await h.seed({ studyId: `${w}-${k}`, title: `No script ${k} ${w}`, abstract: 'Keyword-free abstract.', triage: { score: 99, reasons: [] } });
    const p = await signedIn('curator', user, width);
    const url = `${h.base}/curate/reviews/${rid}?status=screening&q=${w}`;
    await p.goto(url);
    const card = (k: string) => p.locator('article.cand', { hasText: `No script ${k} ${w}` });
    await check(p, width);
    // include
    await card('a').locator('button[value="include"]').click();
    await p.waitForURL(/done=screen/);
    expect(new URL(p.url()).searchParams.get('q')).toBe(w); // back to the same filtered page
    await expect(p.locator('[data-outcome]').textContent()).resolves.toContain(`“No script a ${w}”: your vote Included`);
    await check(p, width);
    expect((await mine(`${w}-a`, user)).screening['title-abstract'].decisions).toEqual([expect.objectContaining({ screener: user, decision: 'include' })]);
    // exclude without a reason: refused with the API's words, nothing stored
    await card('b').locator('button[value="exclude"]').click();
    await expect(p.locator('[data-refused]').textContent()).resolves.toContain('an exclusion needs a reason');
    await expect(p.locator('[data-fields]').textContent()).resolves.toContain('reason');
    await checkAnswer(p, width);
    await p.locator('a', { hasText: 'Back to the page you came from' }).click();
    // maybe with a label (Enter in the labels field does not submit a decision by itself)
    await card('b').locator('input[name="labels"]').fill('ask Anna');
    await card('b').locator('input[name="labels"]').press('Enter');
    expect((await mine(`${w}-b`, user)).screening?.['title-abstract']?.maybe ?? []).toEqual([]);
    await card('b').locator('button[value="maybe"]').click();
    await p.waitForURL(/done=screen/);
    await expect(p.locator('[data-outcome]').textContent()).resolves.toContain('marked maybe; it stays in your to-do');
    await expect(card('b').getAttribute('data-maybe')).resolves.toBe('true');
    // undo (the button shows once there is a decision)
    await card('b').locator('button[data-undo]').click();
    await p.waitForURL(/done=undo/);
    await expect(p.locator('[data-outcome]').textContent()).resolves.toContain(`Decision undone — “No script b ${w}”`);
    // exclude with reason 2 and a note
    await card('b').locator('select[name="reason"]').selectOption(DUAL_REVIEW.exclusionReasons[1].id);
    await card('b').locator('input[name="note"]').fill('no control arm');
    await card('b').locator('button[value="exclude"]').click();
    await p.waitForURL(/done=screen/);
    await expect(p.locator('[data-outcome]').textContent()).resolves.toContain('your vote Excluded');
    expect((await mine(`${w}-b`, user)).screening['title-abstract'].decisions).toEqual([expect.objectContaining({ decision: 'exclude', reason: DUAL_REVIEW.exclusionReasons[1].id, note: 'no control arm' })]);
    await p.context().close();
  });

  it('batch exclusion of a selection: the boxes on the cards, one reason in the bar', async () => {
    const user = `bea-${w}`;
    for (const k of ['x', 'y', 'z']) await h.seed({ studyId: `${w}-${k}`, title: `Batch ${k} ${w}`, triage: { score: 98, reasons: [] } });
    const p = await signedIn('curator', user, width);
    await p.goto(`${h.base}/curate/reviews/${rid}?status=screening&q=batch+${w}`);
    for (const k of ['x', 'z']) await p.locator('article.cand', { hasText: `Batch ${k} ${w}` }).locator('input[data-select]').check();
    await p.locator('#batch-reason').selectOption(DUAL_REVIEW.exclusionReasons[0].id);
    await p.locator('[data-batch-exclude]').click();
    await p.waitForURL(/done=screen/);
    await expect(p.locator('[data-outcome]').textContent()).resolves.toMatch(/Saved — 2 records .* one audited decision each: your vote Excluded/);
    for (const k of ['x', 'z']) expect((await mine(`${w}-${k}`, user)).screening['title-abstract'].decisions).toEqual([expect.objectContaining({ decision: 'exclude', reason: DUAL_REVIEW.exclusionReasons[0].id })]);
    expect((await mine(`${w}-y`, user)).screening?.['title-abstract']?.decisions ?? []).toEqual([]);
    await check(p, width);
    await p.context().close();
  });

  it('a conflict resolved by a curator who did not vote', async () => {
    const id = `${w}-cf`;
    await h.seed({ studyId: id, title: `Disputed ${w}`, triage: { score: 97, reasons: [] } });
    await h.req('POST', `/api/reviews/${rid}/candidates/${id}/screen`, { token: await h.token('curator', 'carl'), body: { version: 1, decision: 'include' } });
    await h.req('POST', `/api/reviews/${rid}/candidates/${id}/screen`, { token: await h.token('curator', 'bob'), body: { version: 2, decision: 'exclude', reason: 'not-rct' } });
    const p = await signedIn('curator', `cora-${w}`, width);
    await p.goto(`${h.base}/curate/reviews/${rid}?view=conflicts`);
    const card = p.locator('article.cand', { hasText: `Disputed ${w}` });
    await expect(card.locator('.votes').textContent()).resolves.toMatch(/carl.*include.*bob.*exclude/s);
    await check(p, width);
    await card.locator('button[value="include"]').click();
    await p.waitForURL(/done=resolve/);
    await expect(p.locator('[data-outcome]').textContent()).resolves.toContain(`Resolved — “Disputed ${w}”: now full text.`);
    expect(new URL(p.url()).searchParams.get('view')).toBe('conflicts');
    await p.context().close();
  });

  it('a lead adopts values from two drafts and accepts', async () => {
    const d = DUAL_EXTRACTION.id;
    const id = `${w}-dx`;
    await h.seed({ reviewId: d, studyId: id, status: 'extraction', title: `Two drafts ${w}` });
    const bob = validForm();
    bob.outcomes[0].control.mean = 10.5;
    let v = 1;
    for (const [who, form] of [['alice', validForm()], ['bob', bob]] as const) v = (await h.req('POST', `/api/reviews/${d}/candidates/${id}/draft`, { token: await h.token('curator', who), body: { version: v, form } })).json.candidate.version;
    const p = await signedIn('lead', 'lee', width);
    await p.goto(`${h.base}/curate/reviews/${d}/candidates/${id}/compare`);
    await check(p, width);
    await p.locator('button[type=submit]').click(); // no choice made: refused, naming the field
    await expect(p.locator('[data-refused]').textContent()).resolves.toContain('the adjudication is not complete');
    await expect(p.locator('[data-fields]').textContent()).resolves.toMatch(/Mean, control arm|control\.mean/);
    await checkAnswer(p, width);
    await p.locator('a', { hasText: 'Back to the page you came from' }).click();
    await p.locator('fieldset.adjudicate').first().getByLabel(/Test curator bob/).check();
    await p.locator('button[type=submit]').click();
    await p.waitForURL(/done=adjudicate/);
    await expect(p.locator('[data-outcome]').textContent()).resolves.toContain('Accepted with your choices');
    const got = (await h.req('GET', `/api/reviews/${d}/candidates/${id}`, { token: await h.token('lead', 'lee') })).json.candidate;
    expect(got).toMatchObject({ status: 'accepted' });
    expect(got.extraction.outcomes[0].m2).toBe(10.5);
    await check(p, width);
    await p.context().close();
  });
});

it('the mapping page in pages without JavaScript: totals, Next page and First page', async () => {
  const other = (i: number) => ({ arms: [], moderators: {}, outcomes: [{ outcome: 'qol', timepoint: 'post', instrument: `Own scale ${i}`, n1: 50, m1: 8, sd1: 4, n2: 50, m2: 9, sd2: 4 }] });
  for (let i = 0; i < 28; i++) await h.seed({ studyId: `mp${String(i).padStart(2, '0')}`, title: `Paged mapping ${i}`, status: 'accepted', extraction: other(i) as never });
  const p = await signedIn('lead', 'lena', 390);
  await p.goto(`${h.base}/curate/reviews/${rid}/mappings`);
  await expect(p.locator('[data-map-totals]').textContent()).resolves.toMatch(/^28 trials in this review may hold such values \(28 accepted, 0 in extraction\)\. This page checked trials 1–25 of them: 25 with values waiting/);
  expect(await p.locator('section.map-trial').count()).toBe(25);
  await check(p, 390);
  await p.locator('nav.pager a', { hasText: 'Next page' }).first().click();
  await p.waitForURL(/cursor=/);
  expect(await p.locator('section.map-trial').count()).toBe(3);
  await expect(p.locator('[data-map-totals]').textContent()).resolves.toContain('This page checked trials 26–28 of them: 3 with values waiting.');
  await check(p, 390);
  // a mapping saved on page 2 comes back to page 2
  const section = p.locator('section.map-trial').first();
  await section.locator('select').selectOption('__keep__');
  await section.locator('input[name$="-reason"]').fill('not a quality-of-life scale');
  await section.locator('button[type="submit"]').click();
  await p.waitForURL(/saved=/);
  expect(new URL(p.url()).searchParams.has('cursor')).toBe(true);
  expect(await p.locator('section.map-trial').count()).toBe(2);
  await p.locator('nav.pager a', { hasText: 'First page' }).first().click();
  await p.waitForURL((u) => !u.searchParams.has('cursor'));
  expect(await p.locator('section.map-trial').count()).toBe(25);
  await p.context().close();
});

it('the sign-in pages (the form, a refused link) at 1280 and 390 px: axe clean, no sideways scroll', async () => {
  for (const width of [1280, 390]) {
    const p = await (await browser.newContext({ viewport: { width, height: 900 } })).newPage();
    p.setDefaultTimeout(90_000);
    await p.goto(`${h.base}/curate/signin`);
    await expect(p.locator('h1').textContent()).resolves.toBe('Sign in');
    expect(await curatorAxe(p)).toEqual([]);
    const refused = await p.goto(`${h.base}/curate/signin?token=abc.def.ghi`);
    expect(refused?.status()).toBe(401);
    await expect(p.locator('[role="alert"]').textContent()).resolves.toContain('That sign-in link is not valid');
    expect(await curatorAxe(p)).toEqual([]);
    expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    await p.context().close();
  }
});

it('the GRADE page with a pooled outcome at 1280 and 390 px: every domain with its form, axe clean, no sideways scroll; a judgement saved without JavaScript is confirmed at its domain', async () => {
  const effects = [[-0.6, 0.04, 'low'], [-0.3, 0.05, 'high'], [-0.5, 0.03, 'some'], [-0.2, 0.06, 'low']] as const;
  for (const [i, [yi, vi, rob]] of effects.entries())
    await h.seed({
      studyId: `grade-${i}`,
      reviewId: GRADED.id,
      status: 'accepted',
      firstAuthor: 'Dahne',
      year: 2019,
      extraction: { arms: [], moderators: { year: 2019 }, outcomes: [{ outcome: 'depression', timepoint: 'post', instrument: 'PHQ-9', yi, vi }], rob: { tool: 'rob2', domains: { D1: rob, D2: 'low', D3: 'low', D4: 'low', D5: 'low' }, overall: rob } },
    });
  for (const width of [1280, 390]) {
    const p = await signedIn('lead', 'lena', width);
    const r = await p.goto(`${h.base}/curate/reviews/${GRADED.id}/grade`);
    expect(r?.status()).toBe(200);
    await expect(p.locator('h1').textContent()).resolves.toContain('GRADE');
    const domains = p.locator('#outcome-depression .grade-domain');
    await expect(domains.count()).resolves.toBe(5);
    await expect(p.locator('#outcome-depression .grade-domain form').count()).resolves.toBe(5);
    // Each domain's card, its reason and its form fit the width (the old table squeezed to a letter a line).
    for (const box of await domains.evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON() as { x: number; width: number })))
      expect(box.x + box.width).toBeLessThanOrEqual(width);
    await check(p, width);
    // Override imprecision without JavaScript: back at that domain, which says it was saved.
    const card = p.locator('#grade-depression-imprecision');
    await card.locator('select[name="action"]').selectOption('override');
    await card.locator('select[name="downgrade"]').selectOption('1');
    await card.locator('textarea[name="reason"]').fill(`Few participants (${width} px).`);
    await card.locator('button[type="submit"]').click();
    await p.waitForURL(/saved=depression\.imprecision/);
    await expect(p.locator('#grade-depression-imprecision [role="status"]').textContent()).resolves.toContain('Saved: one level, by lena');
    await check(p, width);
    await p.context().close();
  }
});

it('the curator home at 390 px: each review a card whose counts name their status (the 8-column table squeezed titles to a few letters a line); at 1280 px a table; axe clean, no sideways scroll', async () => {
  for (const width of [390, 1280]) {
    const p = await signedIn('curator', 'hana', width);
    await p.goto(`${h.base}/curate`);
    await expect(p.locator('h1').textContent()).resolves.toBe('Living reviews');
    const rows = p.locator('table.counts tbody tr');
    expect(await rows.count()).toBeGreaterThanOrEqual(2);
    const titleWidths = await rows.locator('th[scope="row"]').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().width));
    const accepted = p.locator('table.counts tbody tr').first().locator('a[href$="status=accepted"]');
    const shown = await accepted.locator('.lbl').evaluate((e) => e.getBoundingClientRect().width);
    if (width === 390) {
      // A card: the title spans the card; each count shows its status next to it.
      for (const w of titleWidths) expect(w).toBeGreaterThan(250);
      expect(shown).toBeGreaterThan(20);
      expect((await accepted.innerText()).trim()).toMatch(/^Accepted \d+$/);
    } else {
      expect(shown).toBeLessThanOrEqual(1);
      await expect(p.locator('table.counts thead th').nth(2).textContent()).resolves.toBe('Full text');
    }
    await check(p, width);
    await p.context().close();
  }
});
