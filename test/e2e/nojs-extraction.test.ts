/**
 * The extraction form with JavaScript OFF, in headless Chromium at 1280 and 390 px: every
 * reporting format's fields show (with a note which format uses which), the arms are chosen from a
 * list, a row is added by posting the form back, "Save draft" posts the form and the page comes back saying "Draft saved"; a bad value comes
 * back refused with the error next to its field and everything typed kept; "Accept" posts and the
 * page names the outcome. axe (every violation) runs on the same pages in a JavaScript-on context
 * (axe needs script), and the pages never scroll sideways.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { curatorAxe } from './lib/curator.js';
import { launch } from './lib/site.js';
import { SINGLE_REVIEW, startHarness, type Harness } from '../api/harness.js';

const rid = SINGLE_REVIEW.id;
let h: Harness;
let browser: Browser;

beforeAll(async () => {
  h = await startHarness('e2e-nojs-x');
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

async function signedIn(width: number): Promise<Page> {
  const p = await (await browser.newContext({ viewport: { width, height: 900 }, javaScriptEnabled: false })).newPage();
  p.setDefaultTimeout(90_000);
  await p.goto(`${h.base}/curate/signin?token=${await h.token('curator', `xo-${width}`)}`);
  return p;
}

/** axe and the width check of what the JS-off page shows: a GET page on its address, a refusal (answer to a POST) by its HTML, in a JS-on context. */
async function check(p: Page, width: number, answer = false) {
  expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
  const ctx = await browser.newContext({ viewport: { width, height: 900 } });
  await ctx.addCookies(await p.context().cookies());
  const q = await ctx.newPage();
  q.setDefaultTimeout(90_000);
  if (answer) {
    await q.goto(`${h.base}/curate`);
    await q.setContent(await p.content());
  } else await q.goto(p.url());
  expect(await curatorAxe(q)).toEqual([]);
  await ctx.close();
}

describe.each([1280, 390])('extraction with JavaScript off, %i px', (width) => {
  it('fill, Save draft (a bad value refused at its field, typed values kept), Draft saved, Accept, accepted', async () => {
    const sid = `nx${width}`;
    await h.seed({ reviewId: rid, studyId: sid, status: 'extraction', title: `No-script extraction ${width}`, year: 2024 });
    const p = await signedIn(width);
    await p.goto(`${h.base}/curate/reviews/${rid}/candidates/${sid}`);
    const at = (path: string) => p.locator(`[name='${path}']`);
    await check(p, width);
    // Without script every format's fields show, with a note which format asks for which.
    expect(await at('outcomes[0].intervention.sd').isVisible()).toBe(true);
    expect(await at('outcomes[0].intervention.se').isVisible()).toBe(true);
    expect(await at('outcomes[0].yi').isVisible()).toBe(true);
    expect(await p.locator('[data-nojs-note]').first().textContent()).toContain('Mean and SE: n, Mean, SE');
    // A row is added by posting the form back: everything typed is kept, nothing is saved.
    await at('sourceLocation').fill('Table 2');
    await p.locator('button[value="add-outcome"]').click();
    await p.waitForLoadState();
    expect(await p.locator('[data-outcome]').textContent()).toContain('Outcome row 2 added below. Nothing is saved yet');
    expect(await at('outcomes[1].outcome').isVisible()).toBe(true);
    expect(await at('sourceLocation').inputValue()).toBe('Table 2');
    await check(p, width, true);
    await at('arms[0].label').fill('CBT app');
    await at('arms[0].nRandomised').fill('60');
    await at('arms[1].label').fill('Waitlist');
    await at('arms[1].nRandomised').fill('60');
    await at('outcomes[0].outcome').selectOption('depression');
    await at('outcomes[0].timepoint').selectOption('post');
    await at('outcomes[0].instrument').selectOption('PHQ-9');
    // The arms are chosen from a list (the arms of the form as the page was served).
    await at('outcomes[0].interventionArm').selectOption('arm1');
    await at('outcomes[0].controlArm').selectOption('arm2');
    await at('outcomes[0].intervention.n').fill('50');
    await at('outcomes[0].intervention.mean').fill('8.1');
    await at('outcomes[0].intervention.sd').fill('4.2');
    await at('outcomes[0].control.n').fill('55');
    await at('outcomes[0].control.mean').fill('ten');
    await at('outcomes[0].control.sd').fill('4.8');
    for (const d of ['D1', 'D2', 'D3', 'D4', 'D5']) await at(`rob.domains.${d}`).selectOption('low');
    await p.locator('button[value="draft"]').click();
    // Refused: the API's answer, the field named by its label next to the field, everything typed kept.
    await p.waitForLoadState();
    expect(await p.locator('[data-refused]').textContent()).toContain('Not saved — invalid request');
    expect(await p.locator('[data-fields]').textContent()).toContain('Mean, control arm');
    expect(await p.locator(".err[data-for='outcomes[0].control.mean']").textContent()).not.toBe('');
    expect(await at('outcomes[0].control.mean').getAttribute('aria-invalid')).toBe('true');
    expect(await at('outcomes[0].control.mean').inputValue()).toBe('ten');
    expect(await at('arms[0].label').inputValue()).toBe('CBT app');
    expect(await at('outcomes[0].intervention.sd').inputValue()).toBe('4.2');
    expect(await at('rob.domains.D3').inputValue()).toBe('low');
    await check(p, width, true);
    expect(((await h.req('GET', `/api/reviews/${rid}/candidates/${sid}`, { token: await h.token('curator', `xo-${width}`) })).json.candidate.drafts ?? {})[`xo-${width}`]).toBeUndefined();
    // Corrected and saved: back on the candidate page, which says so.
    await at('outcomes[0].control.mean').fill('10.3');
    await p.locator('button[value="draft"]').click();
    await p.waitForURL(/done=draft/);
    expect(await p.locator('[data-outcome]').textContent()).toMatch(/^Draft saved \(version 2\) — “No-script extraction/);
    expect(await p.locator('[data-cand-version]').textContent()).toBe('2');
    expect(await at('outcomes[0].control.mean').inputValue()).toBe('10.3');
    // The saved draft names the arms: the lists show them by name now.
    expect(await at('outcomes[0].interventionArm').locator('option:checked').textContent()).toBe('CBT app');
    await check(p, width);
    await p.locator('button[value="accept"]').click();
    await p.waitForURL(/done=accept/);
    expect(await p.locator('[data-outcome]').textContent()).toMatch(/^Accepted — “No-script extraction [^”]*”: now accepted; the analysis will be updated\./);
    await check(p, width);
    const x = (await h.req('GET', `/api/reviews/${rid}/candidates/${sid}`, { token: await h.token('curator', `xo-${width}`) })).json.candidate;
    expect(x.status).toBe('accepted');
    expect(x.extraction.outcomes[0]).toMatchObject({ interventionArm: 'arm1', controlArm: 'arm2', n1: 50, m1: 8.1, sd1: 4.2, n2: 55, m2: 10.3, sd2: 4.8 });
    expect(x.extraction.moderators).toMatchObject({ rob: 'low', year: 2024 });
    await p.context().close();
  });
});
