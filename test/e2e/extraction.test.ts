/**
 * Extraction in one pass and dual extraction with adjudication, in headless Chromium against the
 * real app and DynamoDB Local, at 1280 and 390 px, with axe on every page: the form opens without
 * errors, shows the fields of the chosen reporting format, picks arms from a list, shows errors in
 * plain words once a field is touched, proposes the RoB 2 overall judgement, says which analyses the
 * trial enters, refreshes the version after a save; registry results prefill it, marked; a lead
 * adopts values per field from two drafts and accepts, and the audit keeps both drafts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { curatorAxe } from './lib/curator.js';
import { launch } from './lib/site.js';
import { SINGLE_REVIEW, startHarness, validForm, type Harness } from '../api/harness.js';
import type { Review } from '../../core/reviews/schema.js';

const DUAL_EXTRACTION: Review = { ...SINGLE_REVIEW, id: 'dual-extraction', extraction: { dual: true } };
const rid = SINGLE_REVIEW.id;
let h: Harness;
let browser: Browser;
const errors: string[] = [];

async function signedIn(role: 'curator' | 'lead', sub: string, width: number): Promise<Page> {
  const p = await (await browser.newContext({ viewport: { width, height: 900 } })).newPage();
  p.on('pageerror', (e) => errors.push(String(e)));
  p.on('console', (m) => {
    // The refusals these tests provoke on purpose (400, 409) are logged by the browser as failed loads.
    if (m.type() === 'error' && !/status of (400|409)/.test(m.text())) errors.push(m.text());
  });
  await p.goto(`${h.base}/curate/signin?token=${await h.token(role, sub)}`);
  return p;
}
const axe = curatorAxe;
const noHorizontalScroll = (p: Page) => p.evaluate(() => document.documentElement.scrollWidth);

beforeAll(async () => {
  h = await startHarness('e2ex', { extraReviews: [DUAL_EXTRACTION] });
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe('extraction form', () => {
  for (const width of [1280, 390]) {
    it(`at ${width} px: format-dependent fields, arms from a list, errors after touch, RoB 2 algorithm, analyses entered, version refresh, accept`, async () => {
      const sid = `x${width}`;
      await h.seed({ reviewId: rid, studyId: sid, status: 'extraction', title: `Extraction at ${width}`, year: 2024 });
      const page = await signedIn('curator', 'alice', width);
      await page.goto(`${h.base}/curate/reviews/${rid}/candidates/${sid}`);
      const at = (path: string) => page.locator(`[data-path='${path}']`);
      const err = (path: string) => page.locator(`.err[data-for='${path}']`);
      // Opens clean: no raw validation errors before anything is touched.
      await expect.poll(() => page.locator('[data-analyses]').textContent(), { timeout: 30_000 }).toContain('no data');
      expect((await page.locator('.err').allTextContents()).join('')).toBe('');
      expect(await page.content()).not.toMatch(/Invalid input|expected string/);
      // One source per fact: no year or RoB moderator fields beside the year field and RoB section.
      expect(await page.locator(`[data-path='moderators["year"]'], [data-path='moderators["rob"]']`).count()).toBe(0);
      await expect(at('year').inputValue()).resolves.toBe('2024');
      // Fields by reporting format.
      await expect(at('outcomes[0].intervention.sd').isVisible()).resolves.toBe(true);
      await expect(at('outcomes[0].intervention.se').isVisible()).resolves.toBe(false);
      await at('outcomes[0].format').selectOption('mean-se');
      await expect(at('outcomes[0].intervention.se').isVisible()).resolves.toBe(true);
      await expect(at('outcomes[0].intervention.sd').isVisible()).resolves.toBe(false);
      await at('outcomes[0].format').selectOption('mean-sd');
      // Arms are named once and chosen from a list.
      await at('arms[0].label').fill('CBT app');
      await at('arms[0].nRandomised').fill('60');
      await at('arms[1].label').fill('Waitlist');
      await at('arms[1].nRandomised').fill('60');
      await at('arms[1].label').blur();
      await expect.poll(() => at('outcomes[0].interventionArm').locator('option:checked').textContent()).toBe('CBT app');
      await expect(at('outcomes[0].controlArm').locator('option:checked').textContent()).resolves.toBe('Waitlist');
      // Time point and instrument from the review's lists.
      await at('outcomes[0].outcome').selectOption('depression');
      await at('outcomes[0].timepoint').selectOption('post');
      await at('outcomes[0].instrument').selectOption('PHQ-9');
      await at('outcomes[0].intervention.n').fill('50');
      await at('outcomes[0].intervention.mean').fill('8.1');
      await at('outcomes[0].intervention.sd').fill('-4');
      await at('outcomes[0].intervention.sd').blur();
      await expect.poll(() => err('outcomes[0].intervention.sd').textContent(), { timeout: 20_000 }).toBe('must be greater than 0');
      // Untouched fields stay quiet.
      await expect(err('outcomes[0].control.n').textContent()).resolves.toBe('');
      await at('outcomes[0].intervention.sd').fill('4.2');
      await at('outcomes[0].control.n').fill('55');
      await at('outcomes[0].control.mean').fill('10.3');
      await at('outcomes[0].control.sd').fill('4.8');
      await at('outcomes[0].control.sd').blur();
      await expect.poll(() => page.locator('[data-effect]').first().textContent(), { timeout: 20_000 }).toMatch(/^g = -0\.4\d\d /);
      const depression = SINGLE_REVIEW.outcomes.find((o) => o.id === 'depression')!.label;
      await expect.poll(() => page.locator('[data-analyses]').textContent()).toContain(`${depression}, post: yes`);
      // RoB 2: the algorithm proposes; a different overall judgement needs a reason.
      for (const [d, j] of [['D1', 'low'], ['D2', 'some'], ['D3', 'low'], ['D4', 'low'], ['D5', 'low']]) await at(`rob.domains.${d}`).selectOption(j);
      await expect.poll(() => page.locator('[data-rob-proposal]').textContent(), { timeout: 20_000 }).toBe('Some concerns');
      await at('rob.overall').selectOption('low');
      await expect(at('rob.overrideReason').isVisible()).resolves.toBe(true);
      expect(await noHorizontalScroll(page)).toBeLessThanOrEqual(width);
      expect(await axe(page)).toEqual([]);
      // Save a draft: the version in the header follows.
      const before = (await h.req('GET', `/api/reviews/${rid}/candidates/${sid}`, { token: await h.token('curator', 'alice') })).json.candidate.version;
      await page.locator('button[value="draft"]').click();
      await expect.poll(() => page.locator('[data-xf-status]').textContent(), { timeout: 20_000 }).toContain(`Draft saved (version ${before + 1})`);
      await expect(page.locator('[data-cand-version]').textContent()).resolves.toBe(String(before + 1));
      // Accept with an unexplained override: refused at the field, in plain words.
      await page.locator('button[value="accept"]').click();
      await expect.poll(() => err('rob.overrideReason').textContent(), { timeout: 20_000 }).toMatch(/give "some concerns".*say why/);
      await expect(page.locator('#errors').textContent()).resolves.toContain('Risk of bias: reason for departing from the algorithm');
      await at('rob.overall').selectOption('');
      await expect(at('rob.overrideReason').isVisible()).resolves.toBe(false);
      await page.locator('button[value="accept"]').click();
      await expect.poll(() => page.locator('[data-xf-status]').textContent(), { timeout: 20_000 }).toContain('Accepted');
      const x = (await h.req('GET', `/api/reviews/${rid}/candidates/${sid}`, { token: await h.token('curator', 'alice') })).json.candidate;
      expect(x.status).toBe('accepted');
      expect(x.extraction.rob).toMatchObject({ overall: 'some', proposed: 'some', basis: 'algorithm' });
      expect(x.extraction.moderators).toMatchObject({ rob: 'some', year: 2024 });
      expect(x.extraction.arms.map((a: { label: string }) => a.label)).toEqual(['CBT app', 'Waitlist']);
      expect(x.extraction.outcomes[0]).toMatchObject({ interventionArm: 'arm1', controlArm: 'arm2', n1: 50, sd1: 4.2, n2: 55, sd2: 4.8 });
      await page.context().close();
    });
  }

  it('registry results prefill the form, their source marked', async () => {
    await h.seed({
      reviewId: rid,
      studyId: 'reg1',
      status: 'extraction',
      title: 'Registered trial with posted results',
      sources: ['ctgov'],
      proposedExtraction: [
        {
          outcome: 'depression',
          timepoint: 'post',
          instrument: 'PHQ-9',
          interventionArm: 'OG000',
          controlArm: 'OG001',
          n1: 40,
          m1: 7.5,
          sd1: 4,
          n2: 42,
          m2: 9.9,
          sd2: 4.4,
          raw: { interventionGroup: 'App group', controlGroup: 'Usual care' },
          source: 'ClinicalTrials.gov NCT01234567 posted results: PHQ-9 at 8 weeks',
        },
      ],
    });
    const page = await signedIn('curator', 'alice', 390);
    await page.goto(`${h.base}/curate/reviews/${rid}/candidates/reg1`);
    await expect(page.locator('[data-registry]').textContent()).resolves.toContain('ClinicalTrials.gov NCT01234567 posted results');
    await expect(page.locator(`[data-path='arms[0].label']`).inputValue()).resolves.toBe('App group');
    await expect(page.locator(`[data-path='outcomes[0].controlArm'] option:checked`).textContent()).resolves.toBe('Usual care');
    await expect.poll(() => page.locator('[data-effect]').first().textContent(), { timeout: 30_000 }).toMatch(/^g = /);
    expect(await noHorizontalScroll(page)).toBeLessThanOrEqual(390);
    // Every choice list shows its whole choice on a phone (a two-column grid cut "Depressive sympt…").
    const clipped = await page.locator('form[data-extraction-form] select').evaluateAll((els) =>
      (els as HTMLSelectElement[]).filter((e) => e.offsetParent !== null && e.selectedOptions[0]?.text).map((e) => {
        const probe = document.createElement('span');
        probe.style.cssText = `position:absolute;visibility:hidden;white-space:nowrap;font:${getComputedStyle(e).font}`;
        probe.textContent = e.selectedOptions[0].text;
        document.body.appendChild(probe);
        const need = probe.getBoundingClientRect().width;
        probe.remove();
        // the text box of a select: its width less padding, border and the arrow (~24 px)
        return { path: e.dataset.path, text: e.selectedOptions[0].text, need, room: e.clientWidth - 24 };
      }).filter((x) => x.need > x.room));
    expect(clipped).toEqual([]);
    expect(await axe(page)).toEqual([]);
    await page.context().close();
  });
});

describe('dual extraction with adjudication', () => {
  it('a lead sees both drafts by field label, adopts a value per field or types one, and accepts; the audit keeps both drafts', async () => {
    const d = DUAL_EXTRACTION.id;
    await h.seed({ reviewId: d, studyId: 'dx1', status: 'extraction', title: 'Dual extraction trial' });
    const alice = validForm();
    const bob = validForm();
    bob.arms[1].dropouts = 7;
    bob.outcomes[0].control.mean = 10.5;
    let v = 1;
    for (const [who, form] of [['alice', alice], ['bob', bob]] as const) {
      const r = await h.req('POST', `/api/reviews/${d}/candidates/dx1/draft`, { token: await h.token('curator', who), body: { version: v, form } });
      expect(r.status, r.text).toBe(200);
      v = r.json.candidate.version;
    }
    // A plain accept is not how a dual-extraction review accepts.
    const plain = await h.req('POST', `/api/reviews/${d}/candidates/dx1/accept`, { token: await h.token('lead', 'lee'), body: { version: v, form: alice } });
    expect(plain.status).toBe(409);
    expect(plain.json.error).toMatch(/two extractors.*adjudicating/);
    for (const width of [1280, 390]) {
      const page = await signedIn('lead', 'lee', width);
      await page.goto(`${h.base}/curate/reviews/${d}/candidates/dx1/compare`);
      const legends = await page.locator('fieldset.adjudicate legend').allTextContents();
      expect(legends).toEqual(['Arm 2 (Waitlist): dropouts (attrition)', expect.stringMatching(/^Outcome row 1 \(.*, post, PHQ-9\): Mean, control arm$/)]);
      expect(legends.join(' ')).not.toContain('arms[1]');
      expect(await noHorizontalScroll(page)).toBeLessThanOrEqual(width);
      expect(await axe(page)).toEqual([]);
      if (width === 1280) {
        await page.close();
        continue;
      }
      await page.locator('fieldset.adjudicate').nth(0).getByLabel(/Test curator bob/).check();
      await page.locator('button[type=submit]').click();
      await expect.poll(() => page.locator('#status').textContent(), { timeout: 20_000 }).toContain('Choose a value for: Outcome row 1');
      const second = page.locator('fieldset.adjudicate').nth(1);
      await second.getByLabel('Another value').check();
      await second.locator('[data-typed]').fill('10.4');
      await page.locator('button[type=submit]').click();
      await page.waitForURL(/candidates\/dx1$/, { timeout: 30_000 });
      expect(await axe(page)).toEqual([]);
      await page.context().close();
    }
    const got = (await h.req('GET', `/api/reviews/${d}/candidates/dx1`, { token: await h.token('lead', 'lee') })).json;
    expect(got.candidate.status).toBe('accepted');
    expect(got.candidate.extraction.arms[1].dropouts).toBe(7);
    expect(got.candidate.extraction.outcomes[0].m2).toBe(10.4);
    const accepted = got.events.find((e: { type: string }) => e.type === 'accepted');
    expect(Object.keys(accepted.after.adjudication.drafts).sort()).toEqual(['curator-alice', 'curator-bob'].map((x) => x.replace('curator-', '')).sort());
    expect(accepted.after.adjudication.choices).toEqual([
      { path: 'arms[1].dropouts', from: 'bob' },
      { path: 'outcomes[0].control.mean', from: 'typed', value: 10.4 },
    ]);
  });

  it('no script errors or CSP violations', () => {
    expect(errors).toEqual([]);
  });
});
