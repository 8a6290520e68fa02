/**
 * POST …/adjudicate over HTTP against DynamoDB Local: bad input → 400 naming the field and nothing
 * changed; a curator → 403; a complete adjudication accepts and the audit keeps both drafts and the
 * choices; the OpenAPI document carries the body and the full extraction form schema.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Review } from '../../core/reviews/schema.js';
import { SINGLE_REVIEW, startHarness, type Harness } from './harness.js';
import { validForm } from '../fixtures/builders.js';

const DUAL_EXTRACTION: Review = { ...SINGLE_REVIEW, id: 'dual-extraction', extraction: { dual: true } };
const d = DUAL_EXTRACTION.id;
let h: Harness;
let version = 1;
const path = `/api/reviews/${d}/candidates/a1/adjudicate`;

beforeAll(async () => {
  h = await startHarness('adj', { extraReviews: [DUAL_EXTRACTION] });
  await h.seed({ reviewId: d, studyId: 'a1', status: 'extraction' });
  const bob = validForm();
  bob.arms[1].dropouts = 7;
  for (const [who, form] of [['alice', validForm()], ['bob', bob]] as const) {
    const r = await h.req('POST', `/api/reviews/${d}/candidates/a1/draft`, { token: await h.token('curator', who), body: { version, form } });
    version = r.json.candidate.version;
  }
});
afterAll(() => h?.close());

describe('adjudication', () => {
  it('bad input → 400 naming the field, nothing changed; a curator → 403', async () => {
    const lead = await h.token('lead', 'lee');
    const before = await h.dump();
    const cases: [unknown, string][] = [
      [{ version }, 'choices'],
      [{ version, choices: 'x' }, 'choices'],
      [{ version, choices: [{ path: 'arms[1].dropouts' }] }, 'choices[0].from'],
      [{ version, choices: [] }, 'arms[1].dropouts'],
      [{ version, choices: [{ path: 'year', from: 'bob' }, { path: 'arms[1].dropouts', from: 'bob' }] }, 'choices[0].path'],
      [{ version, choices: [{ path: 'arms[1].dropouts', from: 'typed' }] }, 'choices[0].value'],
      [{ version, base: 'carol', choices: [{ path: 'arms[1].dropouts', from: 'bob' }] }, 'base'],
      [{ version, choices: [{ path: 'arms[1].dropouts', from: 'typed', value: 'many' }] }, 'form.arms[1].dropouts'],
    ];
    for (const [body, field] of cases) {
      const r = await h.req('POST', path, { token: lead, body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.json.fields.map((f: { path: string }) => f.path), JSON.stringify(body)).toContain(field);
      expect(r.text).not.toMatch(/Invalid input|expected/);
    }
    const cur = await h.req('POST', path, { token: await h.token('curator', 'alice'), body: { version, choices: [{ path: 'arms[1].dropouts', from: 'bob' }] } });
    expect(cur.status).toBe(403);
    expect(await h.dump()).toBe(before);
  });

  it('a complete adjudication accepts; the audit keeps both drafts and the choices', async () => {
    const r = await h.req('POST', path, { token: await h.token('lead', 'lee'), body: { version, choices: [{ path: 'arms[1].dropouts', from: 'bob' }] } });
    expect(r.status, r.text).toBe(200);
    expect(r.json.candidate.extraction.arms[1].dropouts).toBe(7);
    expect(['alice', 'bob']).toContain(r.json.event.after.adjudication.base);
    expect(r.json.event.after.adjudication).toMatchObject({ choices: [{ path: 'arms[1].dropouts', from: 'bob' }] });
    expect(r.json.event.after.adjudication.drafts.bob.arms[1].dropouts).toBe(7);
    expect(r.json.event.after.adjudication.drafts.alice.arms[1].dropouts).toBe(5);
  });

  it('the OpenAPI document carries the adjudication body and the full extraction form', async () => {
    const doc = (await h.req('GET', '/api/openapi.json')).json;
    const body = (p: string) => doc.paths[`/api/reviews/{reviewId}/candidates/{studyId}/${p}`].post.requestBody.content['application/json'].schema;
    expect(body('adjudicate').required).toEqual(['version', 'choices']);
    expect(body('adjudicate').properties.choices.items.required).toEqual(['path', 'from']);
    const form = body('accept').properties.form;
    expect(form.required).toEqual(['outcomes']);
    expect(Object.keys(form.properties.rob.properties).sort()).toEqual(['domains', 'overall', 'overrideReason', 'tool']);
    expect(Object.keys(form.properties.outcomes.items.properties)).toEqual(expect.arrayContaining(['format', 'instrumentOther', 'intervention', 'controlArm']));
  });
});
