/**
 * The extraction form as a plain HTML form post (JavaScript off), over HTTP against DynamoDB Local,
 * signed in by the session cookie as a browser is: the page's fields carry the names the post
 * uses; "Save draft" stores exactly the draft the JSON API stores for the same values, "Accept"
 * accepts, each answering 303 back to the candidate page, which names the outcome; a bad or
 * hostile value answers the API's status with the field named (its label) next to the field in
 * the form shown again with the typed values kept, and nothing stored changes (table dump).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SINGLE_REVIEW, formPost, pageText, startHarness, validForm, type Harness } from './harness.js';
import { formatPath } from '../../core/curation/errors.js';
import { derivedModerators } from '../../core/curation/facts.js';

const rid = SINGLE_REVIEW.id;
let h: Harness;

beforeAll(async () => {
  h = await startHarness('xforms');
});
afterAll(async () => {
  await h?.close();
});

const post = (path: string, fields: [string, string][], token: string, headers: Record<string, string> = {}) => formPost(h, path, fields, token, headers);
const page = (path: string, token: string) => pageText(h, path, token);
const cand = async (id: string, token: string) => (await h.req('GET', `/api/reviews/${rid}/candidates/${id}`, { token })).json.candidate;
const formPath = (id: string) => `/curate/reviews/${rid}/candidates/${id}/extraction`;

/** validForm() as the page's fields (name = form path), as a browser posts them: every field, empty ones included. */
function fieldsOf(form: ReturnType<typeof validForm>): [string, string][] {
  const out: [string, string][] = [['year', String(form.year)], ['sourceLocation', form.sourceLocation], ['notes', form.notes]];
  form.arms.forEach((a, i) => {
    for (const [k, v] of Object.entries(a)) out.push([`arms[${i}].${k}`, String(v)]);
  });
  form.outcomes.forEach((o, i) => {
    for (const [k, v] of Object.entries(o)) {
      if (v !== null && typeof v === 'object') for (const [s, x] of Object.entries(v)) out.push([`outcomes[${i}].${k}.${s}`, String(x)]);
      else out.push([`outcomes[${i}].${k}`, String(v)]);
    }
    out.push([`outcomes[${i}].timepoint:other`, ''], [`outcomes[${i}].yi`, ''], [`outcomes[${i}].vi`, '']);
  });
  const derived = derivedModerators(SINGLE_REVIEW);
  for (const [k, v] of Object.entries(form.moderators)) if (!derived.has(k)) out.push([formatPath(['moderators', k]), String(v)]);
  for (const [d, j] of Object.entries(form.rob.domains)) out.push([`rob.domains.${d}`, j]);
  out.push(['rob.overall', form.rob.overall], ['rob.overrideReason', '']);
  return out;
}
const withAction = (version: number, action: string, fields: [string, string][]): [string, string][] => [['version', String(version)], ...fields, ['action', action]];
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
/** The stored draft, without `rob.tool` (a default of the schema, not a field of the page). */
const draftOf = (c: { drafts: Record<string, { form: { rob?: { tool?: string } } }> }, who: string) => {
  const f = structuredClone(c.drafts[who].form);
  delete f.rob?.tool;
  return f;
};

describe('the extraction form without JavaScript', () => {
  it('the page names every field; Save draft stores what the JSON API stores; the page says "Draft saved (version 2)"', async () => {
    const alice = await h.token('curator', 'alice');
    await h.seed({ reviewId: rid, studyId: 'x1', title: 'Extraction by form', status: 'extraction' });
    await h.seed({ reviewId: rid, studyId: 'x2', title: 'Extraction by JSON', status: 'extraction' });
    const html = await page(`/curate/reviews/${rid}/candidates/x1`, alice);
    expect(html).toMatch(new RegExp(`<form[^>]*method="post"[^>]*action="${formPath('x1').replace(/\//g, '\\/')}"`));
    const fields = fieldsOf(validForm());
    for (const [name] of fields) if (!/^(arms|outcomes)\[1\]/.test(name) && !/^arms\[\d\]\.(id|label)$/.test(name)) expect(html, name).toContain(`name="${esc(name)}"`);
    // the fields of another format (here SE) and an extra empty arm row are posted too, and not sent, as the script does
    const r = await post(formPath('x1'), withAction(1, 'draft', [...fields, ['outcomes[0].intervention.se', '1.1'], ['arms[2].id', 'arm3'], ['arms[2].role', ''], ['arms[2].label', '']]), alice);
    expect(r.status, r.text.slice(0, 2000)).toBe(303);
    expect(r.location).toBe(`/curate/reviews/${rid}/candidates/x1?done=draft&on=x1`);
    expect(await page(r.location!, alice)).toMatch(/data-outcome[^>]*>Draft saved \(version 2\) — “Extraction by form”\./);
    const json = await h.req('POST', `/api/reviews/${rid}/candidates/x2/draft`, { token: alice, body: { version: 1, form: validForm() } });
    expect(json.status).toBe(200);
    expect(draftOf(await cand('x1', alice), 'alice')).toEqual(draftOf(await cand('x2', alice), 'alice'));
  });

  it('Accept: 303 back, the page says accepted, the extraction stored is the JSON API’s', async () => {
    const alice = await h.token('curator', 'alice');
    await h.seed({ reviewId: rid, studyId: 'x3', title: 'Accept by form', status: 'extraction' });
    await h.seed({ reviewId: rid, studyId: 'x4', title: 'Accept by JSON', status: 'extraction' });
    const r = await post(formPath('x3'), withAction(1, 'accept', fieldsOf(validForm())), alice);
    expect(r.status, r.text.slice(0, 2000)).toBe(303);
    expect(await page(r.location!, alice)).toContain('Accepted — “Accept by form”: now accepted; the analysis will be updated.');
    const json = await h.req('POST', `/api/reviews/${rid}/candidates/x4/accept`, { token: alice, body: { version: 1, form: validForm() } });
    expect(json.status, json.text).toBe(200);
    const [a, b] = [await cand('x3', alice), await cand('x4', alice)];
    expect(a.status).toBe('accepted');
    expect(a.extraction).toEqual(b.extraction);
  });

  it('a bad value: 400, the field named by its label next to the field, everything typed kept, nothing stored changed', async () => {
    const alice = await h.token('curator', 'alice');
    await h.seed({ reviewId: rid, studyId: 'x5', title: 'Bad value', status: 'extraction' });
    const before = await h.dump();
    const fields = fieldsOf(validForm()).map(([k, v]): [string, string] => (k === 'outcomes[0].control.mean' ? [k, 'ten point three'] : k === 'notes' ? [k, 'typed once, kept'] : [k, v]));
    for (const action of ['accept', 'draft']) {
      const r = await post(formPath('x5'), withAction(1, action, fields), alice);
      expect(r.status, action).toBe(400);
      expect(r.text).toContain('Not saved —');
      expect(r.text).toContain('Nothing was changed.');
      // the summary names the field by the label the script shows, linked to the field
      expect(r.text).toMatch(/<a href="#f-outcomes-0-control-mean">[^<]*Mean, control arm<\/a>/);
      // the error sits next to the field, which keeps what was typed and is marked invalid
      expect(r.text).toMatch(/<input id="f-outcomes-0-control-mean" name="outcomes\[0\]\.control\.mean"[^>]*value="ten point three"[^>]*aria-invalid="true"/);
      expect(r.text).toMatch(/<span class="err" data-for="outcomes\[0\]\.control\.mean" id="f-outcomes-0-control-mean-err">[^<]+<\/span>/);
      expect(r.text).toContain('typed once, kept</textarea>');
      expect(r.text).toMatch(/name="arms\[1\]\.label"[^>]*value="Waitlist"/);
      expect(r.text).toMatch(/name="outcomes\[0\]\.intervention\.mean"[^>]*value="8.1"/);
      expect(r.text).not.toMatch(/Invalid input|expected|internal error/);
    }
    expect(await h.dump()).toBe(before);
  });

  it('Add arm / Add outcome row: the form again with everything typed and one more row; nothing stored changes', async () => {
    const alice = await h.token('curator', 'alice');
    await h.seed({ reviewId: rid, studyId: 'x8', title: 'Rows', status: 'extraction' });
    const before = await h.dump();
    const fields = fieldsOf(validForm());
    const arm = await post(formPath('x8'), withAction(1, 'add-arm', fields), alice);
    expect(arm.status).toBe(200);
    expect(arm.text).toContain('Arm 3 added below. Nothing is saved yet');
    expect(arm.text).toMatch(/name="arms\[2\]\.id"[^>]*value="arm3"/);
    expect(arm.text).toMatch(/name="arms\[1\]\.label"[^>]*value="Waitlist"/);
    expect(arm.text).toContain('ITT analysis</textarea>');
    // The new arm, its role not chosen yet, is offered in both arm lists of the outcome rows at once:
    // naming it, setting its role and choosing it take one post (no second post to see it listed).
    for (const which of ['interventionArm', 'controlArm']) {
      const select = arm.text.match(new RegExp(`<select[^>]*name="outcomes\\[0\\]\\.${which}"[\\s\\S]*?</select>`))![0];
      expect(select, which).toMatch(/<option value="arm3">Arm 3 \(role not chosen yet\)<\/option>/);
    }
    expect(await h.dump()).toBe(before);
    const named = fields
      .filter(([k]) => k !== 'outcomes[0].interventionArm')
      .concat([['arms[2].id', 'arm3'], ['arms[2].label', 'App with coaching'], ['arms[2].role', 'intervention'], ['arms[2].nRandomised', '60'], ['outcomes[0].interventionArm', 'arm3']]);
    const saved = await post(formPath('x8'), withAction(1, 'draft', named), alice);
    expect(saved.status, saved.text.slice(0, 2000)).toBe(303);
    const draft = draftOf(await cand('x8', alice), 'alice') as { arms: { id: string; label?: string }[]; outcomes: { interventionArm?: string }[] };
    expect(draft.arms.find((a) => a.id === 'arm3')).toMatchObject({ label: 'App with coaching', role: 'intervention', nRandomised: 60 });
    expect(draft.outcomes[0].interventionArm).toBe('arm3');
    const after = await h.dump();
    const row = await post(formPath('x8'), withAction(1, 'add-outcome', fields), alice);
    expect(row.text).toContain('Outcome row 2 added below');
    expect(row.text).toContain('name="outcomes[1].intervention.mean"');
    expect(row.text).toMatch(/name="outcomes\[0\]\.control\.mean"[^>]*value="10.3"/);
    expect(await h.dump()).toBe(after);
  });

  it('hostile input: 400 naming the field (or 409/403/401 as the API), never a 500, nothing stored changed', async () => {
    const alice = await h.token('curator', 'alice');
    await h.seed({ reviewId: rid, studyId: 'x6', title: 'Hostile', status: 'extraction' });
    await h.seed({ reviewId: rid, studyId: 'x7', title: 'Still screening' });
    const good = fieldsOf(validForm());
    const set = (k: string, v: string): [string, string][] => [...good.filter(([n]) => n !== k), [k, v]];
    const before = await h.dump();
    const cases: [[string, string][], string, number, RegExp][] = [
      [set('outcomes[0].intervention.mean', '1e308'), 'accept', 400, /Mean, intervention arm.*too large/s],
      [set('outcomes[0].intervention.mean', '99999999999999999'), 'draft', 400, /Mean, intervention arm.*too large/s],
      [set('arms[0].nRandomised', '1e-320'), 'draft', 400, /n randomised.*too close to zero/s],
      [set('year', '1e16'), 'draft', 400, /year/i],
      [set('outcomes[0].control.sd', 'Infinity'), 'draft', 400, /SD, control arm/],
      [[...good, ['__proto__', 'x']], 'draft', 400, /__proto__.*is not a field of the extraction form/s],
      [[...good, ['moderators.__proto__', '1']], 'draft', 400, /moderators\.__proto__.*is not a field/s],
      [[...good, ['arms[0].__proto__', '1']], 'draft', 400, /arms\[0\]\.__proto__.*is not a field/s],
      [[...good, ['arms[99].label', 'x']], 'draft', 400, /arms\[99\]\.label.*is not a field/s],
      [[...good, ['outcomes[0].constructor.prototype', 'x']], 'draft', 400, /is not a field/],
      [set('rob.domains.D1', 'fine'), 'draft', 400, /Risk of bias: D1/],
      [set('outcomes[0].format', 'guess'), 'draft', 400, /format/i],
      [set('notes', 'n'.repeat(20_001)), 'draft', 400, /Notes/],
      [good, 'delete', 400, /action/],
    ];
    for (const [fields, action, status, named] of cases) {
      const r = await post(formPath('x6'), withAction(1, action, fields), alice);
      const what = `${action} ${JSON.stringify(fields.at(-1)).slice(0, 80)}`;
      expect(r.status, what).toBe(status);
      expect(r.text, what).toMatch(named);
      expect(r.text, what).not.toMatch(/internal error|Invalid input/);
    }
    expect((await post(formPath('x6'), [['version', 'abc'], ...good, ['action', 'draft']], alice)).text).toMatch(/version/);
    expect((await post(formPath('x6'), withAction(7, 'draft', good), alice)).status).toBe(409);
    expect((await post(formPath('x7'), withAction(1, 'accept', good), alice)).status).toBe(409);
    expect((await post(formPath('x6'), withAction(1, 'draft', good), 'not-a-token')).status).toBe(401);
    const cross = await post(formPath('x6'), withAction(1, 'draft', good), alice, { 'sec-fetch-site': 'cross-site' });
    expect(cross.status).toBe(403);
    expect(cross.text).toContain('cross-site request refused');
    expect((await post(`/curate/reviews/${rid}/candidates/${'x'.repeat(1100)}/extraction`, withAction(1, 'draft', good), alice)).status).toBe(400);
    expect(await h.dump()).toBe(before);
  });
});

describe('the candidate page heading', () => {
  it('a whole reference imported as the title: the heading is cut at a word boundary and the full title is one click away', async () => {
    const reference = `${'Addington, E. L., Cheung, E. O., Bassett, S. M., '.repeat(3)}The MARIGOLD study: feasibility and enhancement of an online intervention to improve emotion regulation in people with elevated depressive symptoms. J Affect Disord, 257, 352-364.`;
    await h.seed({ studyId: 'long-title', reviewId: rid, title: reference, status: 'extraction' });
    const html = await page(`/curate/reviews/${rid}/candidates/long-title`, await h.token('curator', 'hana'));
    const h1 = /<h1 class="cand-title">([^<]*)<\/h1>/.exec(html)?.[1];
    expect(h1).toBeDefined();
    expect([...h1!].length).toBeLessThanOrEqual(200);
    expect(h1!.endsWith('…')).toBe(true);
    expect(reference.startsWith(h1!.slice(0, -1))).toBe(true);
    expect(reference[h1!.length - 1]).toMatch(/[\s,.]/);
    expect(html).toMatch(/<details class="full-title"><summary>Full title<\/summary><p>[^<]*elevated depressive symptoms\. J Affect Disord, 257, 352-364\.<\/p><\/details>/);
    // A title that fits is the heading as it is, with nothing to open.
    await h.seed({ studyId: 'short-title', reviewId: rid, title: 'A short trial title', status: 'extraction' });
    const short = await page(`/curate/reviews/${rid}/candidates/short-title`, await h.token('curator', 'hana'));
    expect(short).toContain('<h1 class="cand-title">A short trial title</h1>');
    expect(short).not.toContain('full-title');
  });
});
