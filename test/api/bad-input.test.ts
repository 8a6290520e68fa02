/**
 * Bad input over real HTTP: every request gets the right 4xx naming the field (never a stack
 * trace), and the stored data is byte-identical afterwards (a dump of the table before/after).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { issueLocalToken, LOCAL_AUDIENCE, LOCAL_ISSUER } from '../../functions/curation-api/auth.js';
import { DUAL_REVIEW, SECRET, SINGLE_REVIEW, startHarness, type Harness } from './harness.js';
import { validForm } from '../fixtures/builders.js';

let h: Harness;
let curator: string;
let snapshot: string;
const rid = SINGLE_REVIEW.id;
const base = `/api/reviews/${rid}/candidates`;

beforeAll(async () => {
  h = await startHarness('bad');
  curator = await h.token('curator', 'alice');
  await h.seed({ reviewId: rid, studyId: 'ext', status: 'extraction' });
  await h.seed({ reviewId: rid, studyId: 'scr', status: 'screening' });
  await h.seed({ reviewId: rid, studyId: 'acc', status: 'accepted' });
  snapshot = await h.dump();
});
afterAll(async () => h?.close());

function expectNoLeak(text: string) {
  expect(text).not.toMatch(/\bat \S+ \(|node_modules|\.ts:\d+/);
}

async function bad(method: string, path: string, opts: Parameters<Harness['req']>[2], status: number, field?: string) {
  const r = await h.req(method, path, opts);
  expect(r.status, r.text).toBe(status);
  expectNoLeak(r.text);
  expect(r.json.status).toBe(status);
  expect(typeof r.json.error).toBe('string');
  if (field) expect(r.json.fields?.map((f: { path: string }) => f.path), r.text).toContain(field);
  expect(await h.dump()).toBe(snapshot);
  return r;
}

const form = (patch: (f: ReturnType<typeof validForm>) => void) => {
  const f = validForm();
  patch(f);
  return f;
};

describe('malformed and mistyped bodies', () => {
  it('malformed JSON → 400', async () => {
    await bad('POST', `${base}/scr/screen`, { token: curator, rawBody: '{"version": 1, "decision": ', headers: { 'content-type': 'application/json' } }, 400, '(body)');
  });
  it('a non-JSON content type → 415', async () => {
    await bad('POST', `${base}/scr/screen`, { token: curator, rawBody: 'version=1', headers: { 'content-type': 'text/plain' } }, 415);
  });
  it('missing body → 400', async () => {
    await bad('POST', `${base}/scr/screen`, { token: curator, rawBody: '', headers: { 'content-type': 'application/json' } }, 400);
  });
  it('wrong types and missing fields name the field', async () => {
    await bad('POST', `${base}/scr/screen`, { token: curator, body: { version: '1', decision: 'include' } }, 400, 'version');
    await bad('POST', `${base}/scr/screen`, { token: curator, body: { decision: 'include' } }, 400, 'version');
    await bad('POST', `${base}/scr/screen`, { token: curator, body: { version: 1, decision: 'perhaps' } }, 400, 'decision');
    await bad('POST', `${base}/scr/screen`, { token: curator, body: { version: 1, decision: 'include', extra: true } }, 400);
    await bad('POST', `${base}/scr/screen`, { token: curator, body: [1, 2] }, 400);
    await bad('POST', `${base}/acc/withdraw`, { token: await h.token('lead'), body: { version: 1, reason: '   ' } }, 400, 'reason');
  });
  it('bad query parameters name the parameter', async () => {
    await bad('GET', `/api/reviews/${rid}/queue?status=limbo`, { token: curator }, 400, 'status');
    await bad('GET', `/api/reviews/${rid}/queue?limit=0`, { token: curator }, 400, 'limit');
    await bad('GET', `/api/reviews/${rid}/queue?limit=abc`, { token: curator }, 400, 'limit');
    await bad('GET', `/api/reviews/${rid}/queue?minScore=Infinity`, { token: curator }, 400, 'minScore');
    await bad('GET', `/api/reviews/${rid}/queue?minScore=80&maxScore=20`, { token: curator }, 400, 'minScore');
    await bad('GET', `/api/reviews/${rid}/queue?from=yesterday`, { token: curator }, 400, 'from');
    await bad('GET', `/api/reviews/${rid}/queue?cursor=not-a-cursor`, { token: curator }, 400, 'cursor');
    const forged = Buffer.from(JSON.stringify({ pk: 'X', sk: 'Y', gsi1pk: 'QUEUE#other#screening', gsi1sk: '0' })).toString('base64url');
    await bad('GET', `/api/reviews/${rid}/queue?cursor=${forged}`, { token: curator }, 400, 'cursor');
  });
});

describe('extraction values', () => {
  const accept = (f: unknown) => ({ token: curator, body: { version: 1, form: f } });
  it('negative or zero SD and n', async () => {
    await bad('POST', `${base}/ext/accept`, accept(form((f) => (f.outcomes[0].intervention.sd = 0))), 400, 'form.outcomes[0].intervention.sd');
    await bad('POST', `${base}/ext/accept`, accept(form((f) => (f.outcomes[0].control.sd = -2))), 400, 'form.outcomes[0].control.sd');
    await bad('POST', `${base}/ext/accept`, accept(form((f) => (f.outcomes[0].control.n = 0))), 400, 'form.outcomes[0].control.n');
    await bad('POST', `${base}/ext/accept`, accept(form((f) => (f.outcomes[0].control.n = -5))), 400, 'form.outcomes[0].control.n');
    await bad('POST', `${base}/ext/accept`, accept(form((f) => (f.arms[0].nRandomised = -1))), 400, 'form.arms[0].nRandomised');
  });
  it('n analysed > n randomised', async () => {
    await bad('POST', `${base}/ext/accept`, accept(form((f) => (f.arms[1].nAnalysed = 61))), 400, 'form.arms[1].nAnalysed');
    await bad('POST', `${base}/ext/accept`, accept(form((f) => (f.outcomes[0].intervention.n = 61))), 400, 'form.outcomes[0].intervention.n');
  });
  it('non-finite numbers (JSON cannot carry them: as strings, as huge literals)', async () => {
    await bad('POST', `${base}/ext/accept`, accept(form((f) => ((f.outcomes[0].intervention as Record<string, unknown>).mean = 'NaN'))), 400, 'form.outcomes[0].intervention.mean');
    const raw = JSON.stringify({ version: 1, form: validForm() }).replace('"mean":8.1', '"mean":1e999');
    await bad('POST', `${base}/ext/accept`, { token: curator, rawBody: raw, headers: { 'content-type': 'application/json' } }, 400, 'form.outcomes[0].intervention.mean');
  });
  it('unknown outcome, instrument, arm, moderator', async () => {
    await bad('POST', `${base}/ext/accept`, accept(form((f) => (f.outcomes[0].outcome = 'happiness'))), 400, 'form.outcomes[0].outcome');
    await bad('POST', `${base}/ext/accept`, accept(form((f) => (f.outcomes[0].instrument = 'Made-up scale'))), 400, 'form.outcomes[0].instrument');
    await bad('POST', `${base}/ext/accept`, accept(form((f) => (f.outcomes[0].controlArm = 'nope'))), 400, 'form.outcomes[0].controlArm');
    await bad('POST', `${base}/ext/accept`, accept(form((f) => ((f.moderators as Record<string, unknown>).colour = 'blue'))), 400, 'form.moderators["colour"]');
  });
  it('1 MB strings', async () => {
    const big = 'x'.repeat(1024 * 1024);
    await bad('POST', `${base}/ext/accept`, accept(form((f) => (f.notes = big))), 400, 'form.notes');
    await bad('POST', `${base}/ext/draft`, { token: curator, body: { version: 1, form: { ...validForm(), notes: big } } }, 400);
    await bad('POST', `${base}/scr/screen`, { token: curator, body: { version: 1, decision: 'include', note: big } }, 400, 'note');
    await bad('POST', `/api/reviews/${rid}/import`, { token: curator, body: { ris: `TY  - JOUR\nTI  - ${big}\nER  - \n` } }, 400);
    await bad('POST', `${base}/scr/screen`, { token: curator, body: { version: 1, decision: 'include', note: 'x'.repeat(3 * 1024 * 1024) } }, 413);
  });
});

describe('hostile numbers, nesting and keys (every write route)', () => {
  const rawForm = (v: string) => JSON.stringify({ version: 1, form: validForm() }).replace('"mean":8.1', `"mean":${v}`);
  const json = { 'content-type': 'application/json' };
  it.each(['1e16', '99999999999999999', '1e308', '-1e17', '1e-200', '1e-320', '-1e-131'])('%s in a form → 400 naming the field, on draft, accept and preview', async (v) => {
    for (const route of ['draft', 'accept', 'preview']) {
      const r = await bad('POST', `${base}/ext/${route}`, { token: curator, rawBody: rawForm(v), headers: json }, 400, 'form.outcomes[0].intervention.mean');
      expect(r.json.fields[0].message).toMatch(/too large|too close to zero|finite/);
    }
  });
  it('huge numbers in arm counts, versions and imports', async () => {
    await bad('POST', `${base}/ext/draft`, { token: curator, body: { version: 1, form: { arms: [{ id: 'a', nRandomised: 1e16 }] } } }, 400, 'form.arms[0].nRandomised');
    await bad('POST', `${base}/scr/screen`, { token: curator, rawBody: '{"version":99999999999999999,"decision":"include"}', headers: json }, 400, 'version');
  });
  it('forms nested 40 and 200,000 levels → 400', async () => {
    const deep = (n: number) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
    for (const n of [40, 200_000]) {
      for (const route of ['draft', 'accept', 'preview']) {
        const r = await bad('POST', `${base}/ext/${route}`, { token: curator, rawBody: `{"version":1,"form":${deep(n)}}`, headers: json }, 400);
        expect(r.json.fields[0].message).toMatch(/nested too deeply/);
      }
    }
    await bad('POST', `/api/reviews/${rid}/import`, { token: curator, rawBody: `{"ris":${'['.repeat(50)}${']'.repeat(50)}}`, headers: json }, 400);
  });
  it('a __proto__ key anywhere → 400 naming it', async () => {
    const raw = JSON.stringify({ version: 1, form: validForm() }).replace('"moderators":{', '"moderators":{"__proto__":{"x":1},');
    for (const route of ['draft', 'accept', 'preview']) await bad('POST', `${base}/ext/${route}`, { token: curator, rawBody: raw, headers: json }, 400, 'form.moderators.__proto__');
    await bad('POST', `${base}/scr/screen`, { token: curator, rawBody: '{"version":1,"decision":"include","__proto__":{"admin":true}}', headers: json }, 400, '__proto__');
  });
  it('drafts are typed as strictly as accepts', async () => {
    const draft = (f: unknown) => ({ token: curator, body: { version: 1, form: f } });
    await bad('POST', `${base}/ext/draft`, draft({ arms: 'abc' }), 400, 'form.arms');
    await bad('POST', `${base}/ext/draft`, draft({ arms: [null] }), 400, 'form.arms[0]');
    await bad('POST', `${base}/ext/draft`, draft({ outcomes: [null] }), 400, 'form.outcomes[0]');
    await bad('POST', `${base}/ext/draft`, draft({ outcomes: [{ intervention: { mean: { toString: 1 } } }] }), 400, 'form.outcomes[0].intervention.mean');
    await bad('POST', `${base}/ext/draft`, draft({ colour: 'blue' }), 400, 'form.colour');
    await bad('POST', `${base}/ext/draft`, draft('a string'), 400, 'form');
    const r = await bad('POST', `${base}/ext/draft`, draft({ arms: 'abc' }), 400, 'form.arms');
    expect(r.json.fields[0].message).toBe('must be a list');
  });
  it('an incomplete but well-typed draft is saved', async () => {
    const h2 = await startHarness('bad-draft');
    try {
      await h2.seed({ reviewId: rid, studyId: 'e', status: 'extraction' });
      const r = await h2.req('POST', `/api/reviews/${rid}/candidates/e/draft`, { token: await h2.token('curator'), body: { version: 1, form: { arms: [{ id: 'a' }], outcomes: [{ outcome: 'depression' }] } } });
      expect(r.status, r.text).toBe(200);
      expect(r.json.validation.errors.length).toBeGreaterThan(0);
    } finally {
      await h2.close();
    }
  });
  it('accept without a form, and accept of a candidate still at full text, say so in plain words', async () => {
    const r = await bad('POST', `${base}/ext/accept`, { token: curator, body: { version: 1 } }, 400, 'form');
    expect(r.json.fields.find((f: { path: string }) => f.path === 'form').message).toBe('required');
    const h2 = await startHarness('bad-stage');
    try {
      await h2.seed({ reviewId: rid, studyId: 'ft', status: 'fulltext' });
      const before = await h2.dump();
      const s = await h2.req('POST', `/api/reviews/${rid}/candidates/ft/accept`, { token: await h2.token('curator'), body: { version: 1 } });
      expect(s.status).toBe(409);
      expect(s.json.error).toMatch(/cannot accept this candidate: it is at full-text screening/);
      expect(await h2.dump()).toBe(before);
    } finally {
      await h2.close();
    }
  });
  it('a 1,100-character candidate id → 400 on API and UI pages alike', async () => {
    const long = 'a'.repeat(1100);
    await bad('GET', `${base}/${long}`, { token: curator }, 400, 'studyId');
    await bad('POST', `${base}/${long}/draft`, { token: curator, body: { version: 1, form: {} } }, 400, 'studyId');
    for (const path of [`/curate/reviews/${rid}/candidates/${long}`, `/curate/reviews/${rid}/candidates/${long}/compare`, `/curate/reviews/${'x'.repeat(1100)}`]) {
      const r = await h.req('GET', path, { token: curator });
      expect(r.status, r.text).toBe(400);
      expect(r.text).toMatch(/studyId|reviewId/);
      expectNoLeak(r.text);
    }
  });
});

describe('pages render whatever is stored', () => {
  it('drafts stored before validation (wrong shapes) render as a notice, never a 500', async () => {
    const h2 = await startHarness('stored');
    try {
      const tok = await h2.token('curator', 'alice');
      const bads: unknown[] = [{ arms: 'abc' }, { arms: [null] }, { outcomes: [null] }, { outcomes: [{ intervention: { mean: { toString: 1 } } }] }, 'text', null, [1, 2]];
      for (const [i, form] of bads.entries()) {
        await h2.seed({ reviewId: rid, studyId: `d${i}`, status: 'extraction', drafts: { alice: { extractor: 'alice', form, savedAt: '2025-01-01T00:00:00.000Z' }, bob: { extractor: 'bob', form: { arms: [] }, savedAt: '2025-01-01T00:00:00.000Z' } } } as never);
        for (const path of [`/curate/reviews/${rid}/candidates/d${i}`, `/curate/reviews/${rid}/candidates/d${i}/compare`]) {
          const r = await h2.req('GET', path, { token: tok });
          expect(r.status, `${path}: ${r.text.slice(0, 300)}`).toBe(200);
        }
        const page = await h2.req('GET', `/curate/reviews/${rid}/candidates/d${i}`, { token: tok });
        if (form !== null && typeof form === 'object' && !Array.isArray(form)) expect(page.text).toContain('could not be read');
        const api = await h2.req('GET', `/api/reviews/${rid}/candidates/d${i}`, { token: tok });
        expect(api.status).toBe(200);
      }
    } finally {
      await h2.close();
    }
  });
});

describe('blinded dual screening', () => {
  it("before deciding, a screener sees neither the other decision (API: candidate, queue, history) nor it on the page; after deciding, both", async () => {
    const h2 = await startHarness('blind');
    try {
      const drid = DUAL_REVIEW.id;
      await h2.seed({ reviewId: drid, studyId: 'b1' });
      const alice = await h2.token('curator', 'alice');
      const bob = await h2.token('curator', 'bob');
      const reason = DUAL_REVIEW.exclusionReasons[0].id;
      const a = await h2.req('POST', `/api/reviews/${drid}/candidates/b1/screen`, { token: alice, body: { version: 1, decision: 'exclude', reason, note: 'alice-secret-note' } });
      expect(a.status, a.text).toBe(200);
      const seen = [
        (await h2.req('GET', `/api/reviews/${drid}/candidates/b1`, { token: bob })).text,
        (await h2.req('GET', `/api/reviews/${drid}/queue`, { token: bob })).text,
        (await h2.req('GET', `/curate/reviews/${drid}/candidates/b1`, { token: bob })).text,
        (await h2.req('GET', `/curate/reviews/${drid}`, { token: bob })).text,
      ];
      for (const [i, t] of seen.entries()) {
        expect(t).not.toContain('alice-secret-note');
        expect(t).not.toMatch(/"decision":"exclude"|· exclude|alice/);
        if (i < 2) expect(t).not.toContain(reason); // pages list every reason in the reason menu
      }
      const blinded = (await h2.req('GET', `/api/reviews/${drid}/candidates/b1`, { token: bob })).json;
      expect(blinded.candidate.screening['title-abstract']).toMatchObject({ decisions: [], blinded: 1 });
      // alice still sees her own vote
      expect((await h2.req('GET', `/api/reviews/${drid}/candidates/b1`, { token: alice })).text).toContain('alice-secret-note');
      const b = await h2.req('POST', `/api/reviews/${drid}/candidates/b1/screen`, { token: bob, body: { version: 2, decision: 'include' } });
      expect(b.status).toBe(200);
      expect(b.json.candidate.status).toBe('conflict');
      expect((await h2.req('GET', `/api/reviews/${drid}/candidates/b1`, { token: bob })).text).toContain('alice-secret-note');
    } finally {
      await h2.close();
    }
  });
});

describe('implausible values need a lead', () => {
  it("a curator's accept of yi = 50, vi = 1e-12 → 400 naming the fields; a lead confirms with a reason; the event keeps it", async () => {
    const h2 = await startHarness('implausible');
    try {
      await h2.seed({ reviewId: rid, studyId: 'e', status: 'extraction' });
      const f = validForm();
      f.outcomes[0] = { outcome: 'depression', timepoint: 'post', instrument: 'PHQ-9', format: 'effect', yi: 50, vi: 1e-12 } as never;
      const before = await h2.dump();
      const cur = await h2.req('POST', `/api/reviews/${rid}/candidates/e/accept`, { token: await h2.token('curator'), body: { version: 1, form: f } });
      expect(cur.status, cur.text).toBe(400);
      expect(cur.json.error).toMatch(/lead's confirmation/);
      expect(cur.json.fields.map((x: { path: string }) => x.path)).toEqual(expect.arrayContaining(['form.outcomes[0].yi', 'form.outcomes[0].vi']));
      const forged = await h2.req('POST', `/api/reviews/${rid}/candidates/e/accept`, { token: await h2.token('curator'), body: { version: 1, form: f, confirmImplausible: 'trust me' } });
      expect(forged.status).toBe(403);
      const lead = await h2.token('lead');
      const noReason = await h2.req('POST', `/api/reviews/${rid}/candidates/e/accept`, { token: lead, body: { version: 1, form: f } });
      expect(noReason.status).toBe(400);
      expect(await h2.dump()).toBe(before);
      const ok = await h2.req('POST', `/api/reviews/${rid}/candidates/e/accept`, { token: lead, body: { version: 1, form: f, confirmImplausible: 'checked against Table 2: typo-free' } });
      expect(ok.status, ok.text).toBe(200);
      expect(ok.json.event.reason).toBe('checked against Table 2: typo-free');
      expect(ok.json.event.after.confirmedImplausible.join(' ')).toMatch(/SMD of 50\.00/);
    } finally {
      await h2.close();
    }
  });
});

describe('HTML and script in text fields', () => {
  it('is stored as text and served as JSON, never interpreted', async () => {
    const h2 = await startHarness('xss');
    try {
      const tok = await h2.token('curator');
      await h2.seed({ reviewId: rid, studyId: 'x', status: 'extraction', title: '<script>alert(1)</script>' });
      const f = validForm();
      f.notes = '<img src=x onerror=alert(1)>';
      const r = await h2.req('POST', `/api/reviews/${rid}/candidates/x/accept`, { token: tok, body: { version: 1, form: f } });
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toContain('application/json');
      expect(r.json.candidate.extraction.notes).toBe('<img src=x onerror=alert(1)>');
      const page = await fetch(`${h2.base}/curate/reviews/${rid}/candidates/x`, { headers: { authorization: `Bearer ${tok}` } });
      const html = await page.text();
      expect(page.status).toBe(200);
      expect(html).not.toContain('<script>alert(1)</script>');
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(html).not.toContain('<img src=x onerror');
      const csp = page.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script at all
    } finally {
      await h2.close();
    }
  });
  it('an RIS import with bad lines changes nothing', async () => {
    await bad('POST', `/api/reviews/${rid}/import`, { token: curator, body: { ris: 'TY  - JOUR\nTI  - ok\nER  - \ngarbage line\n' } }, 400, 'ris (line 4)');
    await bad('POST', `/api/reviews/${rid}/import`, { token: curator, body: { ris: 'TY  - JOUR\nAU  - Nobody\nER  - \n' } }, 400);
  });
});

describe('unknown ids and state', () => {
  it('404 for unknown review and candidate; 409 for a command not allowed in the status', async () => {
    await bad('GET', `/api/reviews/nope/queue`, { token: curator }, 404);
    await bad('GET', `${base}/missing`, { token: curator }, 404);
    await bad('POST', `${base}/missing/screen`, { token: curator, body: { version: 1, decision: 'include' } }, 404);
    await bad('GET', `${base}/bad%20id!`, { token: curator }, 400, 'studyId');
    await bad('POST', `${base}/ext/screen`, { token: curator, body: { version: 1, decision: 'include' } }, 409);
    await bad('GET', `/api/nothing-here`, { token: curator }, 404);
    await bad('POST', `/api/reviews/${rid}/nothing`, { token: curator, body: {} }, 404);
  });
});

describe('screening: maybe, labels, batch (new write routes)', () => {
  const batch = `/api/reviews/${rid}/screen-batch`;
  const ok = { items: [{ studyId: 'scr', version: 1 }], decision: 'exclude', reason: SINGLE_REVIEW.exclusionReasons[0].id };
  it('bad labels and maybe with a reason name the field; resolve refuses maybe', async () => {
    await bad('POST', `${base}/scr/screen`, { token: curator, body: { version: 1, decision: 'maybe', labels: ['ok', ''] } }, 400, 'labels[1]');
    await bad('POST', `${base}/scr/screen`, { token: curator, body: { version: 1, decision: 'maybe', labels: ['<script>'] } }, 400, 'labels[0]');
    await bad('POST', `${base}/scr/screen`, { token: curator, body: { version: 1, decision: 'maybe', labels: 'pilot' } }, 400, 'labels');
    await bad('POST', `${base}/scr/screen`, { token: curator, body: { version: 1, decision: 'maybe', labels: Array.from({ length: 11 }, (_, i) => `l${i}`) } }, 400, 'labels');
    await bad('POST', `${base}/scr/screen`, { token: curator, body: { version: 1, decision: 'maybe', reason: 'not-rct' } }, 400, 'reason');
    await bad('POST', `${base}/scr/screen`, { token: curator, body: { version: 1, decision: 'maybe', labels: [{ toString: 1 }] } }, 400, 'labels[0]');
    await bad('POST', `${base}/scr/resolve`, { token: await h.token('lead'), body: { version: 1, decision: 'maybe' } }, 400, 'decision');
  });
  it('batch: every wrong input names the field and changes nothing (all or none)', async () => {
    await bad('POST', batch, { token: curator, body: { ...ok, items: [] } }, 400, 'items');
    await bad('POST', batch, { token: curator, body: { ...ok, items: 'scr' } }, 400, 'items');
    await bad('POST', batch, { token: curator, body: { ...ok, items: Array.from({ length: 51 }, (_, i) => ({ studyId: `s${i}`, version: 1 })) } }, 400, 'items');
    await bad('POST', batch, { token: curator, body: { ...ok, items: [{ studyId: 'scr' }] } }, 400, 'items[0].version');
    await bad('POST', batch, { token: curator, body: { ...ok, items: [{ studyId: 'bad id!', version: 1 }] } }, 400, 'items[0].studyId');
    await bad('POST', batch, { token: curator, body: { ...ok, items: [ok.items[0], ok.items[0]] } }, 400, 'items[1].studyId');
    await bad('POST', batch, { token: curator, body: { ...ok, items: [{ studyId: 'scr', version: 1e16 }] } }, 400);
    await bad('POST', batch, { token: curator, body: { ...ok, reason: undefined } }, 400, 'reason');
    await bad('POST', batch, { token: curator, body: { ...ok, reason: 'no-such-reason' } }, 400, 'reason');
    await bad('POST', batch, { token: curator, body: { ...ok, reason: 'other' } }, 400, 'note');
    await bad('POST', batch, { token: curator, body: { ...ok, decision: 'perhaps' } }, 400, 'decision');
    await bad('POST', batch, { token: curator, body: { ...ok, extra: 1 } }, 400, 'extra');
    // one bad record among good ones: nothing is written
    await bad('POST', batch, { token: curator, body: { ...ok, items: [ok.items[0], { studyId: 'missing', version: 1 }] } }, 404, 'items[1].studyId');
    await bad('POST', batch, { token: curator, body: { ...ok, items: [ok.items[0], { studyId: 'ext', version: 1 }] } }, 409, 'items[1]');
    await bad('POST', batch, { token: curator, body: { ...ok, items: [{ studyId: 'scr', version: 7 }] } }, 409, 'items[0].version');
    await bad('POST', `/api/reviews/nope/screen-batch`, { token: curator, body: ok }, 404);
    await bad('POST', batch, { body: ok }, 401);
  });
});

describe('unknown /api/* paths when the app is mounted under another (the local runner)', () => {
  it("answer the API's JSON 404, not the parent's catch-all page", async () => {
    const { Hono } = await import('hono');
    const { createCurationApp } = await import('../../functions/curation-api/app.js');
    const parent = new Hono();
    parent.route('/', createCurationApp({ doc: h.doc, table: h.table, reviews: [SINGLE_REVIEW], auth: { localSecret: SECRET } }));
    parent.get('*', (c) => c.html('<p>site 404</p>', 404));
    const r = await parent.request(`/api/reviews/${rid}/nothing`, { headers: { authorization: `Bearer ${curator}` } });
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toContain('application/json');
    expect((await r.json()).error).toMatch(/no route GET/);
  });
});

describe('tokens', () => {
  it('missing, expired, forged, wrong-audience and group-less tokens', async () => {
    const path = `${base}/scr/screen`;
    const body = { version: 1, decision: 'include' };
    await bad('POST', path, { body }, 401);
    const expired = await issueLocalToken({ sub: 'a', role: 'curator' }, SECRET, { now: new Date(Date.now() - 3 * 3600_000), expiresIn: 60 });
    const r = await bad('POST', path, { token: expired, body }, 401);
    expect(r.json.error).toMatch(/expired/);
    const forged = await issueLocalToken({ sub: 'a', role: 'lead' }, 'another-secret-of-at-least-32-characters!!');
    await bad('POST', path, { token: forged, body }, 401);
    const [hd, pl] = curator.split('.');
    await bad('POST', path, { token: `${hd}.${pl}.`, body }, 401); // signature stripped
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${pl}.`;
    await bad('POST', path, { token: none, body }, 401);
    const key = new TextEncoder().encode(SECRET);
    const wrongAud = await new SignJWT({ 'cognito:groups': ['curators'] }).setProtectedHeader({ alg: 'HS256' }).setSubject('a').setIssuer(LOCAL_ISSUER).setAudience('other').setExpirationTime('1h').sign(key);
    await bad('POST', path, { token: wrongAud, body }, 401);
    const noGroup = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('a').setIssuer(LOCAL_ISSUER).setAudience(LOCAL_AUDIENCE).setExpirationTime('1h').sign(key);
    await bad('POST', path, { token: noGroup, body }, 403);
    await bad('POST', path, { body, headers: { authorization: 'Basic abc' } }, 401);
  });
});

describe('import jobs and reports (issue 16 §4, §7)', () => {
  const imports = `/api/reviews/${rid}/imports`;
  it('bad import bodies name the field and store nothing', async () => {
    await bad('POST', imports, { token: curator, body: { format: 'xls', data: 'x' } }, 400, 'format');
    await bad('POST', imports, { token: curator, body: { format: 'csv' } }, 400, 'data');
    await bad('POST', imports, { token: curator, body: { format: 'csv', data: '' } }, 400, 'data');
    await bad('POST', imports, { token: curator, body: { format: 'csv', data: 'x', extra: 1 } }, 400);
    await bad('POST', imports, { token: curator, body: { format: 'csv', data: 'name,year\nx,2020\n' } }, 400, 'data');
    await bad('POST', imports, { token: curator, body: { format: 'csv', data: 'title,year,pmid\nok,2024,12a\n' } }, 400, 'data (line 2)');
    await bad('POST', imports, { token: curator, body: { format: 'csv', data: 'title,year\n"unterminated,2024\n' } }, 400, 'data');
    await bad('POST', imports, { token: curator, body: { format: 'ris', data: 'TY  - JOUR\nAU  - Nobody\nER  - \n' } }, 400);
    await bad('POST', imports, { token: curator, body: { format: 'ris', data: 1e308 } }, 400, 'data');
  });
  it('unknown or malformed job ids', async () => {
    await bad('GET', `${imports}/20261202T000000-deadbeef`, { token: curator }, 404);
    await bad('POST', `${imports}/20261202T000000-deadbeef/start`, { token: curator }, 404);
    await bad('GET', `${imports}/${'x'.repeat(1100)}`, { token: curator }, 400, 'jobId');
    await bad('POST', `${imports}/__proto__/start`, { token: curator }, 400, 'jobId');
  });
  it('report queries name the parameter', async () => {
    await bad('GET', `/api/reviews/${rid}/prisma?view=sideways`, { token: curator }, 400, 'view');
    await bad('GET', `/api/reviews/${rid}/prisma?view=update&since=2026-02-31x`, { token: curator }, 400, 'since');
  });
});
