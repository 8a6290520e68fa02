/**
 * The curator UI in headless Chromium: sign-in link → cookie, keyboard-only screening (one key per
 * decision), the extraction form with live validation and the computed effect size, accept, and
 * an axe accessibility check of each page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { curatorAxe } from './lib/curator.js';
import { DUAL_REVIEW, SINGLE_REVIEW, startHarness, type Harness } from '../api/harness.js';

let h: Harness;
let browser: Browser;
let page: Page;
const rid = SINGLE_REVIEW.id;

beforeAll(async () => {
  h = await startHarness('e2e');
  await h.seed({ reviewId: rid, studyId: 'k1', title: 'First: internet CBT <b>trial</b>', abstract: 'Abstract one', triage: { score: 90, reasons: ['randomised in title'] }, identifiers: [{ type: 'pmid', value: '123456' }] });
  await h.seed({ reviewId: rid, studyId: 'k2', title: 'Second: app RCT', triage: { score: 80, reasons: ['RCT'] } });
  await h.seed({ reviewId: rid, studyId: 'k3', title: 'Third: unrelated', triage: { score: 70, reasons: [] } });
  await h.seed({ reviewId: rid, studyId: 'x1', status: 'extraction', title: 'An extraction study', year: 2024 });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  page = await (await browser.newContext()).newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  (page as unknown as { __errors: string[] }).__errors = errors;
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

/** axe: every violation, of any impact (minor and moderate too). */
const axe = curatorAxe;

describe('curator UI', () => {
  it('signs in through the link and sets an HttpOnly SameSite=Strict cookie', async () => {
    const token = await h.token('curator', 'alice');
    await page.goto(`${h.base}/curate/signin?token=${token}`);
    expect(new URL(page.url()).pathname).toBe('/curate');
    const cookies = await page.context().cookies();
    const session = cookies.find((c) => c.name === 'curate_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    await expect(page.locator('h1').textContent()).resolves.toBe('Living reviews');
  });

  it('a forged sign-in link is refused', async () => {
    const p2 = await (await browser.newContext()).newPage();
    const r = await p2.goto(`${h.base}/curate/signin?token=abc.def.ghi`);
    expect(r?.status()).toBe(401);
    await p2.close();
  });

  it('screens the queue with one keystroke per decision', async () => {
    await page.goto(`${h.base}/curate/reviews/${rid}?status=screening`);
    // text is escaped, never interpreted
    await expect(page.locator('article.cand h2').first().textContent()).resolves.toContain('<b>trial</b>');
    expect(await axe(page)).toEqual([]);
    await page.keyboard.press('i'); // include the first (best score)
    await expect.poll(() => page.locator('#status').textContent(), { timeout: 90_000 }).toContain('Included');
    await page.keyboard.press('2'); // exclude the second with reason 2
    await expect.poll(() => page.locator('#status').textContent(), { timeout: 90_000 }).toContain('Excluded');
    const k1 = await h.req('GET', `/api/reviews/${rid}/candidates/k1`, { token: await h.token('curator', 'alice') });
    const k2 = await h.req('GET', `/api/reviews/${rid}/candidates/k2`, { token: await h.token('curator', 'alice') });
    expect(k1.json.candidate.status).toBe('fulltext');
    expect(k2.json.candidate.status).toBe('excluded');
    expect(k2.json.candidate.exclusion.reason).toBe(SINGLE_REVIEW.exclusionReasons[1].id);
    // focus moved on to the third
    await expect(page.evaluate(() => document.activeElement?.querySelector('h2')?.textContent)).resolves.toContain('Third');
  });

  it('extraction form: live validation, computed effect size, accept', async () => {
    await page.goto(`${h.base}/curate/reviews/${rid}/candidates/x1`);
    const set = (path: string, v: string) => page.locator(`[data-path="${path}"]`).fill(v);
    await set('arms[0].label', 'App');
    await set('arms[0].nRandomised', '60');
    await set('arms[1].label', 'Waitlist');
    await page.locator('[data-path="arms[1].role"]').selectOption('control');
    await set('arms[1].nRandomised', '60');
    await page.locator('[data-path="outcomes[0].outcome"]').selectOption('depression');
    await page.locator('[data-path="outcomes[0].timepoint"]').selectOption('post');
    await page.locator('[data-path="outcomes[0].instrument"]').selectOption('PHQ-9');
    await set('outcomes[0].intervention.n', '50');
    await set('outcomes[0].intervention.mean', '8.1');
    await set('outcomes[0].intervention.sd', '-4');
    await page.locator('[data-path="outcomes[0].intervention.sd"]').blur();
    await set('outcomes[0].control.n', '55');
    await set('outcomes[0].control.mean', '10.3');
    await set('outcomes[0].control.sd', '4.8');
    await expect.poll(() => page.locator('[data-for="outcomes[0].intervention.sd"]').textContent(), { timeout: 90_000 }).toBe('must be greater than 0');
    await expect(page.locator('[data-path="outcomes[0].intervention.sd"]').getAttribute('aria-invalid')).resolves.toBe('true');
    await set('outcomes[0].intervention.sd', '4.2');
    await expect.poll(() => page.locator('[data-effect]').first().textContent(), { timeout: 90_000 }).toMatch(/^g = -0\.4\d\d /);
    await expect(page.locator('[data-path="outcomes[0].intervention.sd"]').getAttribute('aria-invalid')).resolves.toBeNull();
    expect(await axe(page)).toEqual([]);
    await page.locator('button[value="accept"]').click();
    await expect.poll(() => page.locator('[data-xf-status]').textContent(), { timeout: 90_000 }).toContain('Accepted');
    const x1 = await h.req('GET', `/api/reviews/${rid}/candidates/x1`, { token: await h.token('curator', 'alice') });
    expect(x1.json.candidate.status).toBe('accepted');
    expect(x1.json.candidate.extraction.outcomes[0]).toMatchObject({ n1: 50, sd1: 4.2, n2: 55, sd2: 4.8 });
  });

  it('dual screening at 1280 and 390 px: my vote shows on the card, undo while the other has not voted, the card leaves my to-do, conflict cards show both votes', async () => {
    const d = DUAL_REVIEW.id;
    for (const i of [1, 2, 3]) await h.seed({ reviewId: d, studyId: `d${i}`, title: `Dual ${i}`, triage: { score: 90 - i, reasons: [] } });
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${h.base}/curate/reviews/${d}?status=screening`);
      expect(await page.evaluate(() => document.compatMode)).toBe('CSS1Compat'); // <!DOCTYPE html>: standards mode
      expect(await axe(page)).toEqual([]);
      const scrollW = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(scrollW).toBeLessThanOrEqual(width);
    }
    await page.keyboard.press('i');
    const card = page.locator('article.cand').first();
    await expect.poll(() => card.locator('[data-vote]').textContent(), { timeout: 90_000 }).toContain('Your vote: Included');
    await expect(card.locator('[data-vote]').textContent()).resolves.toContain('waiting for the second screener');
    await expect.poll(() => page.locator('#status').textContent(), { timeout: 90_000 }).toContain('Your vote: Included');
    await card.focus();
    await page.keyboard.press('u');
    await expect.poll(() => card.locator('[data-vote]').textContent(), { timeout: 90_000 }).toContain('Decision undone');
    const tok = await h.token('curator', 'alice');
    expect((await h.req('GET', `/api/reviews/${d}/candidates/d1`, { token: tok })).json.candidate.screening['title-abstract'].decisions).toEqual([]);
    // "Other" needs a note
    const other = page.locator('article.cand').nth(1);
    await other.locator('select[data-reason]').selectOption('other');
    await other.locator('button[data-decide="exclude"]').click();
    await expect.poll(() => other.locator('[data-vote]').textContent(), { timeout: 90_000 }).toContain('needs a note');
    await other.locator('[data-note]').fill('conference abstract only');
    await other.locator('button[data-decide="exclude"]').click();
    await expect.poll(() => other.locator('[data-vote]').textContent(), { timeout: 90_000 }).toContain('conference abstract only');
    // reload: the voted card has left my to-do
    await page.goto(`${h.base}/curate/reviews/${d}?status=screening`);
    await expect(page.locator('article.cand').allTextContents()).resolves.not.toEqual(expect.arrayContaining([expect.stringContaining('Dual 2')]));
    // bob disagrees → conflict; the lead's conflict card names both votes
    const bob = await h.token('curator', 'bob');
    const v = (await h.req('GET', `/api/reviews/${d}/candidates/d2`, { token: bob })).json.candidate.version;
    expect((await h.req('POST', `/api/reviews/${d}/candidates/d2/screen`, { token: bob, body: { version: v, decision: 'include' } })).json.candidate.status).toBe('conflict');
    const lead = await (await browser.newContext()).newPage();
    await lead.goto(`${h.base}/curate/signin?token=${await h.token('lead', 'lee')}`);
    await lead.goto(`${h.base}/curate/reviews/${d}?status=conflict`);
    const votes = await lead.locator('ul.votes').first().textContent();
    expect(votes).toContain('Test curator alice');
    expect(votes).toContain('Test curator bob');
    expect(votes).toContain('conference abstract only');
    expect(await axe(lead)).toEqual([]);
    await lead.close();
  });

  it('j after the last card opens the next page', async () => {
    const r = SINGLE_REVIEW.id;
    for (let i = 0; i < 27; i++) await h.seed({ reviewId: r, studyId: `p${i}`, title: `Paged ${i}`, triage: { score: 10, reasons: [] } });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${h.base}/curate/reviews/${r}?status=screening`);
    const n = await page.locator('article.cand').count();
    for (let i = 0; i < n; i++) await page.keyboard.press('j');
    await page.waitForURL(/after=/, { timeout: 90_000 });
    expect(await page.locator('article.cand').count()).toBeGreaterThan(0);
  });

  it('maybe, labels, keyword highlighting, near-duplicates and batch exclusion at 1280 and 390 px (axe 0 violations)', async () => {
    const d = DUAL_REVIEW.id;
    const tok = await h.token('curator', 'alice');
    const get = async (id: string) => (await h.req('GET', `/api/reviews/${d}/candidates/${id}`, { token: tok })).json.candidate;
    for (const width of [1280, 390]) {
      const w = `w${width}`;
      await h.seed({ reviewId: d, studyId: `${w}-m`, title: `Randomised trial of a self-guided app ${w}`, abstract: 'A non-randomised pilot protocol; participants on a waiting list.', triage: { score: 99, reasons: [] } });
      await h.seed({ reviewId: d, studyId: `${w}-a`, title: `Near duplicate ${w}`, year: 2024, identifiers: [{ type: 'pmid', value: `1${width}` }], triage: { score: 98, reasons: [] } });
      await h.seed({ reviewId: d, studyId: `${w}-b`, title: `Near-duplicate ${w}.`, year: 2024, identifiers: [{ type: 'doi', value: `10.1/${width}` }], triage: { score: 98, reasons: [] } });
      await h.seed({ reviewId: d, studyId: `${w}-s`, title: `Batch one ${w}`, triage: { score: 97, reasons: [] } });
      await page.setViewportSize({ width, height: 900 });
      await page.goto(`${h.base}/curate/reviews/${d}?status=screening`);
      expect(await axe(page)).toEqual([]);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
      // highlighting: include and exclude terms marked apart, and named in words on the card
      const first = page.locator('article.cand', { hasText: `self-guided app ${w}` });
      await expect(first.locator('mark.kw-include').allTextContents()).resolves.toEqual(expect.arrayContaining(['Randomised', 'self-guided', 'app', 'waiting list']));
      await expect(first.locator('mark.kw-exclude').allTextContents()).resolves.toEqual(expect.arrayContaining(['non-randomised', 'pilot', 'protocol']));
      await expect(first.locator('.terms').textContent()).resolves.toMatch(/Inclusion terms: .*self-guided.*Exclusion terms: .*non-randomi\*/);
      // maybe with a label: stays in my to-do, marked maybe
      await first.locator('[data-labels]').fill('ask Anna');
      await first.focus();
      await page.keyboard.press('m');
      await expect.poll(() => first.locator('[data-vote]').textContent(), { timeout: 90_000 }).toContain('stays in your to-do');
      await expect.poll(() => page.locator('#status').textContent()).toContain('maybe');
      await expect(first.locator('.label').allTextContents()).resolves.toEqual(['ask Anna']);
      const m = await get(`${w}-m`);
      expect(m.status).toBe('screening');
      expect(m.screening['title-abstract'].maybe[0]).toMatchObject({ screener: 'alice', labels: ['ask Anna'] });
      // the near-duplicates are one card; x selects it and the single record, b + reason excludes them in one request
      const group = page.locator('article.cand', { hasText: 'near-duplicate records' });
      expect(await group.count()).toBe(1);
      const single = page.locator('article.cand', { hasText: `Batch one ${w}` });
      await group.focus();
      await page.keyboard.press('x');
      await single.focus();
      await page.keyboard.press('x');
      await expect(page.locator('[data-selcount]').textContent()).resolves.toBe('3 selected');
      const batchReq = page.waitForRequest((r) => r.url().endsWith('/screen-batch'));
      await page.keyboard.press('b'); // focuses the batch reason
      await page.keyboard.press('5'); // "5. …" by the select's own type-ahead
      await page.locator('[data-batch-exclude]').click();
      expect(JSON.parse((await batchReq).postData() ?? '{}').items).toHaveLength(3);
      await expect.poll(() => page.locator('[data-batch-msg]').textContent(), { timeout: 90_000 }).toContain('3 record(s), one audited decision each');
      for (const id of [`${w}-a`, `${w}-b`, `${w}-s`]) expect((await get(id)).screening['title-abstract'].decisions[0]).toMatchObject({ screener: 'alice', decision: 'exclude', reason: DUAL_REVIEW.exclusionReasons[4].id });
      for (const id of [`${w}-a`, `${w}-b`, `${w}-s`]) {
        const events = (await h.req('GET', `/api/reviews/${d}/candidates/${id}`, { token: tok })).json.events as { type: string; actor: string }[];
        expect(events.filter((e) => e.type === 'screened' && e.actor === 'alice')).toHaveLength(1);
      }
      // reload: the maybe card is still in my to-do (marked), the batch-excluded ones are not; filters find them
      await page.goto(`${h.base}/curate/reviews/${d}?status=screening`);
      await expect(page.locator('article.cand', { hasText: `self-guided app ${w}` }).getAttribute('data-maybe')).resolves.toBe('true');
      expect(await page.locator('article.cand', { hasText: `Batch one ${w}` }).count()).toBe(0);
      await page.goto(`${h.base}/curate/reviews/${d}?status=screening&view=maybe&label=ask+anna`);
      const maybes = await page.locator('article.cand h2').allTextContents();
      expect(maybes).toEqual(expect.arrayContaining([expect.stringContaining(`self-guided app ${w}`)])); // the earlier width's maybe is still there too
      expect(maybes.every((t) => t.includes('self-guided app'))).toBe(true);
      await page.goto(`${h.base}/curate/reviews/${d}?status=screening&view=voted&q=${encodeURIComponent(`batch one ${w}`)}`);
      await expect(page.locator('article.cand h2').allTextContents()).resolves.toEqual([expect.stringContaining(`Batch one ${w}`)]);
      expect(await axe(page)).toEqual([]);
    }
  });

  it('a lead who voted does not resolve the conflict (the page says why); another lead does (curators: test/e2e/mappings.test.ts)', async () => {
    const d = DUAL_REVIEW.id;
    await h.seed({ reviewId: d, studyId: 'cv1', title: 'Conflict voted by a lead', triage: { score: 95, reasons: [] } });
    const lee = await h.token('lead', 'lee');
    const bob = await h.token('curator', 'bob');
    await h.req('POST', `/api/reviews/${d}/candidates/cv1/screen`, { token: lee, body: { version: 1, decision: 'include' } });
    const r = await h.req('POST', `/api/reviews/${d}/candidates/cv1/screen`, { token: bob, body: { version: 2, decision: 'exclude', reason: 'not-rct' } });
    expect(r.json.candidate.status).toBe('conflict');
    const refused = await h.req('POST', `/api/reviews/${d}/candidates/cv1/resolve`, { token: lee, body: { version: 3, decision: 'include' } });
    expect(refused.status).toBe(403);
    expect(refused.json.error).toMatch(/another lead or a curator/);
    const p = await (await browser.newContext()).newPage();
    await p.goto(`${h.base}/curate/signin?token=${lee}`);
    await p.goto(`${h.base}/curate/reviews/${d}?status=conflict`);
    const card = p.locator('article.cand', { hasText: 'Conflict voted by a lead' });
    await expect(card.textContent()).resolves.toContain('this review does not let a lead who voted resolve it');
    expect(await card.locator('[data-decide]').count()).toBe(0);
    await expect(p.locator('main').textContent()).resolves.toContain('Who resolves');
    expect(await axe(p)).toEqual([]);
    await p.goto(`${h.base}/curate/signin?token=${await h.token('lead', 'lou')}`);
    await p.goto(`${h.base}/curate/reviews/${d}?status=conflict`);
    const card2 = p.locator('article.cand', { hasText: 'Conflict voted by a lead' });
    await card2.focus();
    await p.keyboard.press('i');
    await expect.poll(() => card2.locator('[data-vote]').textContent(), { timeout: 90_000 }).toContain('Resolved: Included');
    await p.close();
  });

  it('no script errors and no CSP violations on the pages visited', () => {
    expect((page as unknown as { __errors: string[] }).__errors.join("\n")).toBe("");
  });
});
