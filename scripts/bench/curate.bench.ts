/**
 * Curator actions by keyboard in a real browser (`npm run bench -- curate`): 200 candidates in a
 * dual-screening review, one curator screening them with one key each (i, or 1–9 for an exclusion
 * with that reason; every 10th record "maybe"), `j` to the next page after the last card. Measures
 * the time from page load (navigation start) to the first recorded decision, each key → recorded
 * decision (the card's feedback says so after the API answered), and decisions per minute
 * sustained over the whole run including page loads. Target (issue 16): ≥ 30 decisions a minute
 * of machine time, so the UI never is the bottleneck. Prints the load average it ran under.
 * `quick`: 50 candidates.
 */
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { chromium } from 'playwright-core';
import type { Candidate } from '../../core/evidence/candidate.js';
import { getReview } from '../../reviews/index.js';
import { createCurationApp } from '../../functions/curation-api/app.js';
import { issueLocalToken } from '../../functions/curation-api/auth.js';
import { percentile as pct, startBenchStack } from './lib/stack.js';

export default async function bench({ quick }: { quick: boolean }): Promise<void> {
  const n = quick ? 50 : 200;
  const load0 = loadavg();
  const stack = await startBenchStack('curate');
  const { doc, table } = stack;
  const review = getReview('selfguided-depression');
  let browser: Awaited<ReturnType<typeof chromium.launch>> | undefined;
  try {
    await stack.seed(
      Array.from({ length: n }, (_, i): Candidate => ({
        entity: 'Candidate',
        reviewId: review.id,
        studyId: `bench-${i}`,
        status: 'screening',
        version: 1,
        title: `Randomised trial ${i} of a self-guided smartphone app for depressive symptoms versus a waiting list`,
        abstract: 'Background: depression is common. Methods: adults were randomised to a self-guided internet programme or usual care; a pilot protocol was registered. Results: PHQ-9 improved. '.repeat(3),
        year: 2015 + (i % 10),
        sources: ['pubmed'],
        identifiers: [{ type: 'pmid', value: String(40_000_000 + i) }],
        triage: { score: 100 - (i % 100), reasons: ['randomised in title'] },
        createdAt: '2026-01-01T00:00:00.000Z',
        updatedAt: '2026-01-01T00:00:00.000Z',
      })),
    );
    const secret = randomUUID() + randomUUID();
    const app = createCurationApp({ doc, table, reviews: [review], auth: { localSecret: secret } });
    const { base } = await stack.serve(app.fetch);
    const token = await issueLocalToken({ sub: 'bench-curator', name: 'Bench curator', role: 'curator' }, secret);
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'] });
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${base}/curate/signin?token=${token}`);

    const keyToRecorded: number[] = [];
    const pageLoads: number[] = [];
    let firstDecision: number | undefined;
    let decisions = 0;
    const started = performance.now();
    let navStart = performance.now();
    await page.goto(`${base}/curate/reviews/${review.id}?status=screening`);
    while (decisions < n) {
      await page.waitForSelector('article.cand[aria-current="true"]');
      const cards = await page.locator('article.cand').count();
      if (!cards) break;
      for (let k = 0; k < cards && decisions < n; k++) {
        const card = page.locator('article.cand').nth(k);
        const key = decisions % 10 === 9 ? 'm' : decisions % 3 === 0 ? String(1 + (decisions % 9)) : 'i';
        // The page moves the focus on by itself after each decision; focusing the card the run is at
        // keeps the run in step whatever the timing.
        if (!(await card.evaluate((el) => el === document.activeElement))) await card.focus();
        const t0 = performance.now();
        await page.keyboard.press(key);
        await card.locator('[data-vote]').filter({ hasText: /Your vote|marked it maybe/ }).waitFor({ timeout: 60_000 });
        const t1 = performance.now();
        keyToRecorded.push(t1 - t0);
        if (firstDecision === undefined) firstDecision = t1 - navStart;
        decisions++;
      }
      if (decisions >= n) break;
      navStart = performance.now();
      const url = page.url();
      await page.keyboard.press('j'); // after the last card: the next page
      await page.waitForURL((u) => u.toString() !== url, { timeout: 60_000 });
      await page.waitForSelector('article.cand[aria-current="true"]', { timeout: 60_000 });
      pageLoads.push(performance.now() - navStart);
    }
    const total = (performance.now() - started) / 1000;
    const perMin = (decisions / total) * 60;
    const load1 = loadavg();
    console.log(`curate.bench: ${decisions} keyboard decisions over ${n} candidates in ${total.toFixed(1)} s → ${perMin.toFixed(1)} decisions/min (page loads included)`);
    console.log(`curate.bench: page load → first recorded decision ${firstDecision?.toFixed(0)} ms; key → recorded decision p50 ${pct(keyToRecorded, 50).toFixed(0)} ms, p95 ${pct(keyToRecorded, 95).toFixed(0)} ms, max ${Math.max(...keyToRecorded).toFixed(0)} ms`);
    if (pageLoads.length) console.log(`curate.bench: next page (j after the last card) → first card focused: p50 ${pct(pageLoads, 50).toFixed(0)} ms over ${pageLoads.length} pages`);
    console.log(`curate.bench: load average ${load0.map((x) => x.toFixed(1)).join(' ')} at start, ${load1.map((x) => x.toFixed(1)).join(' ')} at end (2 cores)`);
    console.log(`curate.bench: target ≥ 30 decisions/min of machine time: ${perMin >= 30 ? 'MET' : 'NOT MET'}`);
  } finally {
    await browser?.close();
    await stack.close();
  }
}
