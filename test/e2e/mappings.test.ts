/**
 * Issue 16 in headless Chromium, at 1280 and 390 px with axe (0 violations):
 *  - the lead's page for values typed as "other": a keyboard-only mapping (Tab, arrow keys, Enter);
 *    a kept-out value without a reason re-renders with the message at the field and changes
 *    nothing; the form saves without JavaScript; a curator gets 403;
 *  - conflicts: the card shows both votes and who cast them; a curator who did not vote resolves by
 *    keyboard; the screeners who voted see why they may not (no resolve action).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { curatorAxe } from './lib/curator.js';
import { launch } from './lib/site.js';
import type { Extraction } from '../../core/evidence/candidate.js';
import { DUAL_REVIEW, startHarness, type Harness } from '../api/harness.js';

let h: Harness;
let browser: Browser;
const rid = DUAL_REVIEW.id;
const row = { n1: 50, m1: 8.1, sd1: 4.2, n2: 55, m2: 10.3, sd2: 4.8 };
const ex = (outcomes: Extraction['outcomes']): Extraction => ({ arms: [], outcomes, moderators: {} });

beforeAll(async () => {
  h = await startHarness('e2e-map');
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

const axe = curatorAxe;
async function signedIn(width: number, role: 'lead' | 'curator', sub: string, js = true): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width, height: 900 }, javaScriptEnabled: js })).newPage();
  await page.goto(`${h.base}/curate/signin?token=${await h.token(role, sub)}`);
  return page;
}
const noPageScroll = (p: Page) => p.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
const cand = async (id: string) => (await h.req('GET', `/api/reviews/${rid}/candidates/${id}`, { token: await h.token('lead', 'lena') })).json.candidate;

describe.each([1280, 390])('at %i px', (width) => {
  const w = String(width);
  it('a lead maps an "other" time point by keyboard; the trial then enters the analysis', async () => {
    await h.seed({ studyId: `acc-${w}`, title: `Accepted with an other time point ${w}`, status: 'accepted', extraction: ex([{ outcome: 'depression', timepoint: 'after the course', instrument: 'PHQ-9', ...row }]) });
    const page = await signedIn(width, 'lead', 'lena');
    await page.goto(`${h.base}/curate/reviews/${rid}`);
    await page.locator(`a[href="/curate/reviews/${rid}/mappings"]`).click();
    await expect(page.locator('h1').textContent()).resolves.toContain('Values typed as “other”');
    const section = page.locator('section.map-trial', { hasText: `Accepted with an other time point ${w}` });
    await expect(section.locator('legend').textContent()).resolves.toContain('Time point “after the course” — Depressive symptoms (row 1)');
    expect(await axe(page)).toEqual([]);
    expect(await noPageScroll(page)).toBe(true);
    // keyboard only: focus the choice, arrow to "post", Tab to the reason field, Enter submits the trial's form
    const select = section.locator('select');
    await select.focus();
    await page.keyboard.press('ArrowDown');
    await expect(select.inputValue()).resolves.toBe('post');
    await page.keyboard.press('Tab');
    await Promise.all([page.waitForURL(/saved=/, { timeout: 120_000 }), page.keyboard.press('Enter')]);
    await expect(page.locator('[role="status"].ok').textContent()).resolves.toContain(`acc-${w}`);
    await expect(page.locator('section[aria-labelledby="done-h"]').textContent()).resolves.toContain('after the course');
    expect(await axe(page)).toEqual([]);
    const c = await cand(`acc-${w}`);
    expect(c.extraction.outcomes[0]).toMatchObject({ timepoint: 'post', reported: { timepoint: 'after the course' } });
    expect(c.mappings).toEqual([expect.objectContaining({ reported: 'after the course', to: 'post', by: 'lena' })]);
    await page.close();
  });

  it('keeping a value out without a reason is refused at the field and changes nothing (axe on that page); without JavaScript the form saves', async () => {
    await h.seed({ studyId: `keep-${w}`, title: `Accepted with an other instrument ${w}`, status: 'accepted', extraction: ex([{ outcome: 'qol', timepoint: 'post', instrument: 'Own mood scale', ...row }]) });
    const submit = async (page: Page, reason: string) => {
      const section = page.locator('section.map-trial', { hasText: `Accepted with an other instrument ${w}` });
      await section.locator('select').selectOption('__keep__');
      await section.locator('input[name$="-reason"]').fill(reason);
      const [res] = await Promise.all([page.waitForNavigation({ timeout: 120_000 }), section.locator('button[type="submit"]').click()]);
      return { status: res?.status(), section };
    };
    const page = await signedIn(width, 'lead', 'lena');
    await page.goto(`${h.base}/curate/reviews/${rid}/mappings`);
    const before = await h.dump();
    const refused = await submit(page, '');
    expect(refused.status).toBe(400);
    await expect(refused.section.locator('[role="alert"]').textContent()).resolves.toContain('Not saved');
    await expect(refused.section.locator('fieldset .err').textContent()).resolves.toContain('needs the reason');
    await expect(refused.section.locator('select').getAttribute('aria-invalid')).resolves.toBe('true');
    expect(await h.dump()).toBe(before);
    expect(await axe(page)).toEqual([]);
    expect(await noPageScroll(page)).toBe(true);
    await page.close();
    // The same form without JavaScript (axe needs scripts, so it ran above).
    const nojs = await signedIn(width, 'lead', 'lena', false);
    await nojs.goto(`${h.base}/curate/reviews/${rid}/mappings`);
    const ok = await submit(nojs, 'a stress scale, not quality of life');
    expect(ok.status).toBe(200);
    expect(new URL(nojs.url()).searchParams.get('saved')).toBe(`keep-${w}`);
    const c = await cand(`keep-${w}`);
    expect(c.extraction.outcomes[0].unpooled).toBe('instrument "Own mood scale": a stress scale, not quality of life');
    await nojs.close();
  });

  it('a curator gets 403 on the mapping page', async () => {
    const page = await signedIn(width, 'curator', 'carl');
    const r = await page.goto(`${h.base}/curate/reviews/${rid}/mappings`);
    expect(r?.status()).toBe(403);
    await expect(page.locator('main').textContent()).resolves.toContain('only a lead');
    expect(await axe(page)).toEqual([]);
    await page.close();
  });

  it('a conflict card shows both votes and who cast them; a curator who did not vote resolves it by keyboard; the voters see why not', async () => {
    const id = `cf-${w}`;
    await h.seed({ studyId: id, title: `A disputed trial ${w}`, triage: { score: 99, reasons: [] } });
    await h.req('POST', `/api/reviews/${rid}/candidates/${id}/screen`, { token: await h.token('curator', 'carl'), body: { version: 1, decision: 'include' } });
    const r = await h.req('POST', `/api/reviews/${rid}/candidates/${id}/screen`, { token: await h.token('lead', 'lena'), body: { version: 2, decision: 'exclude', reason: 'not-rct', note: 'no randomisation' } });
    expect(r.json.candidate.status).toBe('conflict');

    for (const [role, sub] of [
      ['curator', 'carl'],
      ['lead', 'lena'],
    ] as const) {
      const voter = await signedIn(width, role, sub);
      await voter.goto(`${h.base}/curate/reviews/${rid}?view=conflicts`);
      const card = voter.locator('article.cand', { hasText: `A disputed trial ${w}` });
      await expect(card.locator('.votes').textContent()).resolves.toMatch(/Test curator carl.*include.*Test lead lena.*exclude — .*no randomisation/s);
      await expect(card.locator('.votes').textContent()).resolves.toContain(`${role === 'curator' ? 'Test curator carl' : 'Test lead lena'} (you)`);
      await expect(card.textContent()).resolves.toContain('You voted on this record, so someone who did not vote');
      expect(await card.locator('[data-decide]').count()).toBe(0);
      expect(await axe(voter)).toEqual([]);
      await voter.close();
    }

    const page = await signedIn(width, 'curator', 'cora');
    await page.goto(`${h.base}/curate/reviews/${rid}?view=conflicts`);
    await expect(page.locator('main').textContent()).resolves.toContain('Who resolves: anyone who did not vote on the record, curator or lead');
    const card = page.locator('article.cand', { hasText: `A disputed trial ${w}` });
    expect(await card.locator('[data-decide]').count()).toBeGreaterThan(0);
    expect(await axe(page)).toEqual([]);
    expect(await noPageScroll(page)).toBe(true);
    await card.focus();
    await page.keyboard.press('i');
    await expect.poll(() => card.locator('[data-vote]').textContent(), { timeout: 120_000 }).toContain('Resolved: Included');
    const c = await cand(id);
    expect(c).toMatchObject({ status: 'fulltext', screening: { 'title-abstract': { resolution: { by: 'cora', decision: 'include' } } } });
    await page.close();
  });
});
