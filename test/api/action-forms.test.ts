/**
 * The curator's actions as plain HTML form posts (JavaScript off), over HTTP against DynamoDB
 * Local, signed in by the session cookie as a browser is: each action answers 303 back to the page
 * it came from (never to another site), that page names the outcome, and the stored result equals
 * what the JSON API does; hostile input answers the API's own status and field-named message on a
 * page, and changes nothing (table dump before/after); a cross-site post is refused.
 * Also: the lead's mapping page and API in pages (more than one page of trials).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DUAL_REVIEW, SINGLE_REVIEW, formPost, pageText, startHarness, validForm, type Harness } from './harness.js';
import type { Review } from '../../core/reviews/schema.js';

const DUAL_EXTRACTION: Review = { ...SINGLE_REVIEW, id: 'dual-extraction-forms', extraction: { dual: true } };
const rid = DUAL_REVIEW.id;
let h: Harness;

beforeAll(async () => {
  h = await startHarness('forms', { extraReviews: [DUAL_EXTRACTION] });
});
afterAll(async () => {
  await h?.close();
});

const post = (path: string, fields: [string, string][], token: string, headers: Record<string, string> = {}) => formPost(h, path, fields, token, headers);
const page = (path: string, token: string) => pageText(h, path, token);
/** The candidate as `who` sees it (dual screening is blinded: the screener's own view shows their vote). */
const cand = async (id: string, who = 'alice') => (await h.req('GET', `/api/reviews/${rid}/candidates/${id}`, { token: await h.token('curator', who) })).json.candidate;
const queue = `/curate/reviews/${rid}?status=screening&q=form`;

describe('screening actions without JavaScript', () => {
  it('include: 303 back to the page it came from, which names the outcome; the vote is stored as by the API', async () => {
    const alice = await h.token('curator', 'alice');
    await h.seed({ studyId: 'f1', title: 'Form trial one' });
    const r = await post(`/curate/reviews/${rid}/screen`, [['item', 'f1@1'], ['decision', 'include'], ['reason', ''], ['note', ''], ['labels', ''], ['return', queue]], alice);
    expect(r.status).toBe(303);
    const back = new URL(r.location!, h.base);
    expect(`${back.pathname}?${[...back.searchParams].filter(([k]) => !['done', 'on', 'n'].includes(k)).map(([k, v]) => `${k}=${v}`).join('&')}`).toBe(queue);
    expect(back.searchParams.get('done')).toBe('screen');
    const html = await page(`${back.pathname}${back.search}`, alice);
    expect(html).toMatch(/data-outcome[^>]*>Saved — “Form trial one”: your vote Included; now screening\./);
    expect((await cand('f1')).screening['title-abstract'].decisions).toEqual([expect.objectContaining({ screener: 'alice', decision: 'include' })]);
  });

  it('maybe with labels, then undo; exclude with a reason and a note', async () => {
    const alice = await h.token('curator', 'alice');
    await h.seed({ studyId: 'f2', title: 'Form trial two' });
    const m = await post(`/curate/reviews/${rid}/screen`, [['item', 'f2@1'], ['decision', 'maybe'], ['labels', 'ask Anna, pilot?'], ['return', queue]], alice);
    // "pilot?" is not a label: the API's message for labels[1], nothing stored
    expect(m.status).toBe(400);
    expect(m.text).toContain('labels[1]');
    const m2 = await post(`/curate/reviews/${rid}/screen`, [['item', 'f2@1'], ['decision', 'maybe'], ['labels', 'ask Anna'], ['return', queue]], alice);
    expect(m2.status).toBe(303);
    expect(await page(m2.location!.replace(h.base, ''), alice)).toContain('marked maybe; it stays in your to-do');
    const c2 = await cand('f2');
    expect(c2.screening['title-abstract'].maybe).toEqual([expect.objectContaining({ screener: 'alice', labels: ['ask Anna'] })]);
    const u = await post(`/curate/reviews/${rid}/undo`, [['item', `f2@${c2.version}`], ['return', `/curate/reviews/${rid}/candidates/f2`]], alice);
    expect(u.status).toBe(303);
    expect(u.location).toMatch(new RegExp(`^/curate/reviews/${rid}/candidates/f2\\?done=undo&on=f2$`));
    expect(await page(u.location!, alice)).toContain('Decision undone — “Form trial two”: decide again.');
    const c3 = await cand('f2');
    expect(c3.screening['title-abstract'].maybe ?? []).toEqual([]);
    const x = await post(`/curate/reviews/${rid}/screen`, [['item', `f2@${c3.version}`], ['decision', 'exclude'], ['reason', 'other'], ['note', 'conference abstract'], ['return', queue]], alice);
    expect(x.status).toBe(303);
    expect((await cand('f2')).screening['title-abstract'].decisions).toEqual([expect.objectContaining({ decision: 'exclude', reason: 'other', note: 'conference abstract' })]);
  });

  it('hostile input: the JSON API’s status and message, the field named, nothing changed', async () => {
    const alice = await h.token('curator', 'alice');
    await h.seed({ studyId: 'f3', title: 'Form trial three' });
    const before = await h.dump();
    const cases: [[string, string][], number, string][] = [
      [[['item', 'f3@1'], ['decision', 'exclude']], 400, 'reason'],
      [[['item', 'f3@1'], ['decision', 'exclude'], ['reason', 'other']], 400, 'note'],
      [[['item', 'f3@1'], ['decision', 'exclude'], ['reason', 'no-such-reason']], 400, 'reason'],
      [[['item', 'f3@1'], ['decision', 'perhaps']], 400, 'decision'],
      [[['item', 'f3@1']], 400, 'decision'],
      [[['item', 'f3@abc'], ['decision', 'include']], 400, 'version'],
      [[['item', 'f3@99999999999999999999'], ['decision', 'include']], 400, 'version'],
      [[['item', `${'x'.repeat(1100)}@1`], ['decision', 'include']], 400, 'studyId'],
      [[['item', 'f/3@1'], ['decision', 'include']], 400, 'studyId'],
      [[['item', 'f3@1'], ['decision', 'include'], ['note', 'n'.repeat(3000)]], 400, 'note'],
      [[['decision', 'include']], 400, 'items'],
      [[['item', 'f3@1,f3@1'], ['decision', 'exclude'], ['reason', 'not-rct']], 400, 'items[1].studyId'],
      [[['item', 'f3@2'], ['decision', 'include']], 409, ''],
      [[['item', 'nope@1'], ['decision', 'include']], 404, ''],
    ];
    for (const [fields, status, field] of cases) {
      const r = await post(`/curate/reviews/${rid}/screen`, [...fields, ['return', queue]], alice);
      expect(r.status, JSON.stringify(fields).slice(0, 200)).toBe(status);
      expect(r.text).toContain('Not saved —');
      expect(r.text).toContain(`href="${queue.replace(/&/g, '&amp;')}"`);
      if (field) expect(r.text, JSON.stringify(fields).slice(0, 200)).toContain(`<strong>${field}</strong>`);
      expect(r.text).not.toMatch(/Invalid input|expected|internal error/);
    }
    // the same wording as the JSON API
    const api = await h.req('POST', `/api/reviews/${rid}/candidates/f3/screen`, { token: alice, body: { version: 1, decision: 'exclude', reason: 'other' } });
    const form = await post(`/curate/reviews/${rid}/screen`, [['item', 'f3@1'], ['decision', 'exclude'], ['reason', 'other']], alice);
    expect(form.text).toContain(api.json.error.replace(/"/g, '&quot;'));
    for (const f of api.json.fields) expect(form.text).toContain(f.message.replace(/"/g, '&quot;'));
    // the other form routes
    for (const [path, fields, field] of [
      [`/curate/reviews/${rid}/undo`, [], 'item'],
      [`/curate/reviews/${rid}/undo`, [['item', 'f3@x']], 'version'],
      [`/curate/reviews/${rid}/resolve`, [['item', 'f3@1'], ['decision', 'maybe']], 'decision'],
      [`/curate/reviews/${rid}/resolve`, [['item', 'f3@1,f2@1'], ['decision', 'include']], 'item'],
      [`/curate/reviews/${rid}/candidates/f3/command/withdraw`, [['version', '1'], ['reason', '']], 'reason'],
    ] as [string, [string, string][], string][]) {
      const r = await post(path, fields, await h.token('lead', 'lena'));
      expect(r.status, path).toBe(400);
      expect(r.text, `${path} ${JSON.stringify(fields)}`).toContain(`<strong>${field}</strong>`);
    }
    // a curator is not a lead; an unknown command is no route; an unsigned post is refused
    expect((await post(`/curate/reviews/${rid}/candidates/f3/command/withdraw`, [['version', '1'], ['reason', 'x']], alice)).status).toBe(403);
    expect((await post(`/curate/reviews/${rid}/candidates/f3/command/delete`, [['version', '1']], await h.token('lead', 'lena'))).status).toBe(404);
    expect((await post(`/curate/reviews/${rid}/screen`, [['item', 'f3@1'], ['decision', 'include']], 'not-a-token')).status).toBe(401);
    expect(await h.dump()).toBe(before);
  });

  it('CSRF: a cross-site post is refused and changes nothing; the way back never leaves the curator pages', async () => {
    const alice = await h.token('curator', 'alice');
    await h.seed({ studyId: 'f4', title: 'Form trial four' });
    const before = await h.dump();
    const cross = await post(`/curate/reviews/${rid}/screen`, [['item', 'f4@1'], ['decision', 'include']], alice, { 'sec-fetch-site': 'cross-site' });
    expect(cross.status).toBe(403);
    expect(cross.text).toContain('cross-site request refused');
    expect(await h.dump()).toBe(before);
    for (const ret of ['https://evil.example/x', '//evil.example/x', '/curate/\\evil', '/dashboard']) {
      const r = await post(`/curate/reviews/${rid}/screen`, [['item', `f4@${(await cand('f4')).version}`], ['decision', 'maybe'], ['return', ret]], alice);
      expect(r.status).toBe(303);
      expect(r.location).toMatch(new RegExp(`^/curate/reviews/${rid}\\?done=screen&on=f4$`));
    }
  });

  it('near-duplicates (one card) and a selection: one batch, one audited decision each; a conflict resolved by a curator who did not vote', async () => {
    const alice = await h.token('curator', 'alice');
    for (const id of ['g1', 'g2', 'g3']) await h.seed({ studyId: id, title: `Group ${id}` });
    const r = await post(`/curate/reviews/${rid}/screen`, [['item', 'g1@1,g2@1'], ['item', 'g3@1'], ['decision', 'exclude'], ['reason', 'not-rct'], ['return', queue]], alice);
    expect(r.status).toBe(303);
    expect(await page(r.location!, alice)).toMatch(/Saved — 3 records \(“Group g1” and 2 more\), one audited decision each: your vote Excluded/);
    for (const id of ['g1', 'g2', 'g3']) expect((await cand(id)).screening['title-abstract'].decisions).toEqual([expect.objectContaining({ screener: 'alice', decision: 'exclude', reason: 'not-rct' })]);
    // conflict: alice includes, bob excludes; cora resolves by form
    await h.seed({ studyId: 'cf', title: 'Form conflict' });
    await h.req('POST', `/api/reviews/${rid}/candidates/cf/screen`, { token: alice, body: { version: 1, decision: 'include' } });
    await h.req('POST', `/api/reviews/${rid}/candidates/cf/screen`, { token: await h.token('curator', 'bob'), body: { version: 2, decision: 'exclude', reason: 'not-rct' } });
    const voter = await post(`/curate/reviews/${rid}/resolve`, [['item', 'cf@3'], ['decision', 'include']], alice);
    expect(voter.status).toBe(403);
    expect(voter.text).toContain('voted on this record');
    const cora = await h.token('curator', 'cora');
    const ok = await post(`/curate/reviews/${rid}/resolve`, [['item', 'cf@3'], ['decision', 'include'], ['return', `/curate/reviews/${rid}?view=conflicts`]], cora);
    expect(ok.status).toBe(303);
    expect(await page(ok.location!, cora)).toContain('Resolved — “Form conflict”: now full text.');
    expect(await cand('cf')).toMatchObject({ status: 'fulltext', screening: { 'title-abstract': { resolution: { by: 'cora', decision: 'include' } } } });
  });

  it('a lead withdraws an accepted trial and adjudicates two drafts by form', async () => {
    const lena = await h.token('lead', 'lena');
    await h.seed({ studyId: 'w1', title: 'Withdraw me', status: 'accepted', version: 4 });
    const w = await post(`/curate/reviews/${rid}/candidates/w1/command/withdraw`, [['version', '4'], ['reason', 'retracted by the journal'], ['return', `/curate/reviews/${rid}/candidates/w1`]], lena);
    expect(w.status).toBe(303);
    expect(await page(w.location!, lena)).toContain('Saved — “Withdraw me”: now withdrawn.');
    const d = DUAL_EXTRACTION.id;
    await h.seed({ reviewId: d, studyId: 'dx', status: 'extraction', title: 'Two drafts' });
    const bobForm = validForm();
    bobForm.outcomes[0].control.mean = 10.5;
    let v = 1;
    for (const [who, form] of [['alice', validForm()], ['bob', bobForm]] as const) {
      const r = await h.req('POST', `/api/reviews/${d}/candidates/dx/draft`, { token: await h.token('curator', who), body: { version: v, form } });
      v = r.json.candidate.version;
    }
    const compare = await page(`/curate/reviews/${d}/candidates/dx/compare`, lena);
    expect(compare).toContain(`action="/curate/reviews/${d}/candidates/dx/adjudicate"`);
    const base: [string, string][] = [['version', String(v)], ['base', 'alice'], ['count', '1'], ['adj-0-path', 'outcomes[0].control.mean'], ['adj-0-numeric', 'true'], ['return', `/curate/reviews/${d}/candidates/dx/compare`]];
    const before = await h.dump();
    const missing = await post(`/curate/reviews/${d}/candidates/dx/adjudicate`, base, lena);
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('the adjudication is not complete');
    expect(missing.text).toContain(`href="/curate/reviews/${d}/candidates/dx/compare"`);
    expect((await post(`/curate/reviews/${d}/candidates/dx/adjudicate`, [...base, ['adj-0', 'bob']], await h.token('curator', 'carl'))).status).toBe(403);
    expect(await h.dump()).toBe(before);
    const ok = await post(`/curate/reviews/${d}/candidates/dx/adjudicate`, [...base, ['adj-0', 'typed'], ['adj-0-value', '10.4']], lena);
    expect(ok.status).toBe(303);
    expect(ok.location).toBe(`/curate/reviews/${d}/candidates/dx?done=adjudicate&on=dx`);
    expect(await page(ok.location!, lena)).toContain('Accepted with your choices — “Two drafts”: now accepted');
    const got = (await h.req('GET', `/api/reviews/${d}/candidates/dx`, { token: lena })).json;
    expect(got.candidate.extraction.outcomes[0].m2).toBe(10.4);
    expect(got.events.find((e: { type: string }) => e.type === 'accepted').after.adjudication.choices).toEqual([{ path: 'outcomes[0].control.mean', from: 'typed', value: 10.4 }]);
  });
});

describe('the mapping to-do in pages', () => {
  const N = 30;
  const other = (i: number) => ({
    arms: [],
    moderators: {},
    outcomes: [{ outcome: 'depression', timepoint: `week ${i} after the course`, instrument: 'PHQ-9', n1: 50, m1: 8, sd1: 4, n2: 50, m2: 9, sd2: 4 }],
  });
  it(`${N} accepted trials with values waiting, in pages: API (limit, cursor) and the page (Next page), totals shown`, async () => {
    const map = 'map-review';
    const R: Review = { ...DUAL_REVIEW, id: map };
    const hp = await startHarness('formsmap', { extraReviews: [R] });
    try {
      for (let i = 0; i < N; i++) await hp.seed({ reviewId: map, studyId: `m${String(i).padStart(2, '0')}`, title: `Mapped trial ${i}`, status: 'accepted', extraction: other(i) as never, triage: { score: 50, reasons: [] } });
      // noise the page never needs to read: screening records, and accepted trials with nothing to map
      for (let i = 0; i < 5; i++) await hp.seed({ reviewId: map, studyId: `s${i}`, title: `Screening ${i}` });
      const lena = await hp.token('lead', 'lena');
      const p1 = await hp.req('GET', `/api/reviews/${map}/mappings?limit=25`, { token: lena });
      expect(p1.status, p1.text).toBe(200);
      expect(p1.json.waiting).toHaveLength(25);
      expect(p1.json.total).toBe(N);
      expect(p1.json.checked).toEqual({ from: 1, to: 25 });
      expect(typeof p1.json.next).toBe('string');
      const p2 = await hp.req('GET', `/api/reviews/${map}/mappings?limit=25&cursor=${p1.json.next}`, { token: lena });
      expect(p2.json.waiting).toHaveLength(N - 25);
      expect(p2.json.next).toBeNull();
      expect(p2.json.checked).toEqual({ from: 26, to: N });
      const ids = [...p1.json.waiting, ...p2.json.waiting].map((t: { studyId: string }) => t.studyId);
      expect(new Set(ids).size).toBe(N);
      // unpaged: all of them, as before
      expect((await hp.req('GET', `/api/reviews/${map}/mappings`, { token: lena })).json.waiting).toHaveLength(N);
      // bad cursors and limits: 400 naming the parameter
      for (const q of ['cursor=abc', 'cursor=%7B%7D', `cursor=${Buffer.from(JSON.stringify({ s: 0, pos: 0, k: { pk: 'a', sk: 'b', gsi1pk: 'QUEUE#other#accepted', gsi1sk: 'x' } })).toString('base64url')}`, 'limit=0', 'limit=1e9', 'cursor=%3Cscript%3E']) {
        const r = await hp.req('GET', `/api/reviews/${map}/mappings?${q}`, { token: lena });
        expect(r.status, q).toBe(400);
        expect(r.json.fields.map((f: { path: string }) => f.path), q).toEqual([q.startsWith('cursor') ? 'cursor' : 'limit']);
      }
      // the page: 25 trial forms, the totals, a Next page link that works without script; the second page has the rest
      const html = await (await fetch(`${hp.base}/curate/reviews/${map}/mappings`, { headers: { cookie: `curate_session=${lena}` } })).text();
      expect(html.match(/<section class="map-trial"/g)).toHaveLength(25);
      expect(html).toContain(`${N} trials in this review may hold such values (${N} accepted, 0 in extraction). This page checked trials 1–25 of them: 25 with values waiting (more may follow on the next page).`);
      const next = html.match(/<a href="([^"]+cursor=[^"]+)">Next page<\/a>/)![1];
      const html2 = await (await fetch(`${hp.base}${next}`, { headers: { cookie: `curate_session=${lena}` } })).text();
      expect(html2.match(/<section class="map-trial"/g)).toHaveLength(N - 25);
      expect(html2).toContain(`This page checked trials 26–${N} of them: ${N - 25} with values waiting.`);
      expect(html2).not.toContain('>Next page<');
      expect(html2).toContain('>First page<');
      const bad = await fetch(`${hp.base}/curate/reviews/${map}/mappings?cursor=zzz`, { headers: { cookie: `curate_session=${lena}` } });
      expect(bad.status).toBe(400);
      expect(await bad.text()).toContain('<strong>cursor</strong>');
    } finally {
      await hp.close();
    }
  });
});
