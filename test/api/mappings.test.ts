/**
 * Issue 16 over HTTP against DynamoDB Local:
 *  - a lead maps values typed as "other" (GET …/mappings, POST …/candidates/{id}/mappings): 401
 *    without a token, 403 for a curator (whatever the body), hostile input → 400 naming the field
 *    and nothing stored changes; after mapping, the reanalysis publishes a new version in which the
 *    trial is pooled and no longer "Accepted but not pooled"; a value kept out shows the lead's reason;
 *  - mappings made in extraction apply at accept, exactly as the preview said before;
 *  - conflicts: every role × voted/not voted × review setting, over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Review } from '../../core/reviews/schema.js';
import { diskSnapshotStore } from '../../functions/adapters/snapshot-store.js';
import { reanalyseReview } from '../../functions/reanalyse/reanalyse.js';
import { DUAL_REVIEW, startHarness, type Harness } from './harness.js';
import { validForm } from '../fixtures/builders.js';

const rid = DUAL_REVIEW.id;
/** The same review, letting a lead who voted resolve the conflict. */
const LENIENT: Review = { ...DUAL_REVIEW, id: 'lenient-resolve', screening: { ...DUAL_REVIEW.screening, leadMayResolveOwnVote: true } };
const cpath = (r: string, s: string, p = '') => `/api/reviews/${r}/candidates/${s}${p ? `/${p}` : ''}`;
let h: Harness;
let snapDir: string;
let lead: string;
let curator: string;

/** A valid form whose depression row has the time point typed as "other". */
const otherForm = (timepoint: string) => {
  const f = validForm();
  f.outcomes[0].timepoint = timepoint;
  return f;
};
const reanalyse = async () =>
  (await reanalyseReview({ doc: h.doc, table: h.table, store: diskSnapshotStore(snapDir), now: () => new Date('2026-12-02T10:00:00Z') }, DUAL_REVIEW));
const depK = (snap: Awaited<ReturnType<typeof reanalyse>>['snapshot']) => snap.outcomes.find((o) => o.id === 'depression')!.k;

async function accept(studyId: string, form: unknown): Promise<number> {
  await h.seed({ studyId, status: 'extraction', version: 3 });
  const r = await h.req('POST', cpath(rid, studyId, 'accept'), { token: curator, body: { version: 3, form } });
  expect(r.status, r.text).toBe(200);
  return r.json.candidate.version;
}

beforeAll(async () => {
  h = await startHarness('map', { extraReviews: [LENIENT] });
  snapDir = mkdtempSync(join(tmpdir(), 'map-snap-'));
  lead = await h.token('lead', 'lena');
  curator = await h.token('curator', 'carl');
  await accept('pooled', validForm());
});
afterAll(async () => {
  await h?.close();
  if (snapDir) rmSync(snapDir, { recursive: true, force: true });
});

describe('mapping values typed as "other"', () => {
  let accVersion = 0;
  it('an accepted trial with an "other" time point is not pooled and waits on the lead’s list', async () => {
    accVersion = await accept('m-acc', otherForm('after the course'));
    const first = await reanalyse();
    expect(depK(first.snapshot)).toBe(1);
    expect(first.snapshot.excluded.find((x) => x.id === 'm-acc')?.reason).toMatch(/time point "after the course" is not the one the review analyses/);

    expect((await h.req('GET', `/api/reviews/${rid}/mappings`)).status).toBe(401);
    expect((await h.req('GET', `/api/reviews/${rid}/mappings`, { token: curator })).status).toBe(403);
    const list = await h.req('GET', `/api/reviews/${rid}/mappings`, { token: lead });
    expect(list.status).toBe(200);
    expect(list.json.waiting).toEqual([
      {
        studyId: 'm-acc',
        title: 'Study m-acc',
        status: 'accepted',
        version: accVersion,
        pending: [{ outcome: 'depression', outcomeLabel: 'Depressive symptoms', field: 'timepoint', reported: 'after the course', rows: [1], options: ['post'] }],
        mappings: [],
      },
    ]);
  });

  it('hostile input → 400 naming the field (403 for a curator, 401 without a token); nothing stored changes', async () => {
    const path = cpath(rid, 'm-acc', 'mappings');
    const ok = { outcome: 'depression', field: 'timepoint', reported: 'after the course', to: 'post' };
    const before = await h.dump();
    const cases: [unknown, string][] = [
      [{}, 'version'],
      [{ version: accVersion }, 'mappings'],
      [{ version: accVersion, mappings: 'x' }, 'mappings'],
      [{ version: accVersion, mappings: [] }, 'mappings'],
      [{ version: accVersion, mappings: [null] }, 'mappings[0]'],
      [{ version: accVersion, mappings: [{ ...ok, field: 'when' }] }, 'mappings[0].field'],
      [{ version: accVersion, mappings: [{ ...ok, to: 'fu1' }] }, 'mappings[0].to'],
      [{ version: accVersion, mappings: [{ ...ok, to: undefined }] }, 'mappings[0].to'],
      [{ version: accVersion, mappings: [{ ...ok, keepOutReason: 'and both' }] }, 'mappings[0].to'],
      [{ version: accVersion, mappings: [{ ...ok, to: undefined, keepOutReason: '  ' }] }, 'mappings[0].keepOutReason'],
      [{ version: accVersion, mappings: [{ ...ok, reported: 'post-test' }] }, 'mappings[0].reported'],
      [{ version: accVersion, mappings: [{ ...ok, reported: 'x'.repeat(10_000) }] }, 'mappings[0].reported'],
      [{ version: accVersion, mappings: [{ ...ok, outcome: 'anxiety' }] }, 'mappings[0].outcome'],
      [{ version: accVersion, mappings: [{ ...ok, evil: 1 }] }, 'mappings[0].evil'],
      [{ version: accVersion, mappings: [ok, ok] }, 'mappings[1].reported'],
      [{ version: accVersion, mappings: [{ ...ok, to: { toString: 1 } }] }, 'mappings[0].to'],
      [{ version: 1e308, mappings: [ok] }, 'version'],
      [{ version: accVersion, mappings: [ok], extra: true }, 'extra'],
    ];
    for (const [body, field] of cases) {
      const r = await h.req('POST', path, { token: lead, body });
      expect(r.status, JSON.stringify(body).slice(0, 200)).toBe(400);
      expect(r.json.fields.map((f: { path: string }) => f.path), JSON.stringify(body).slice(0, 200)).toContain(field);
      expect(r.text).not.toMatch(/Invalid input|expected/);
    }
    const proto = await h.req('POST', path, { token: lead, rawBody: `{"version":${accVersion},"mappings":[{"__proto__":{"to":"post"}}]}`, headers: { 'content-type': 'application/json' } });
    expect(proto.status).toBe(400);
    const malformed = await h.req('POST', path, { token: lead, rawBody: '{"version":', headers: { 'content-type': 'application/json' } });
    expect(malformed.status).toBe(400);
    expect((await h.req('POST', path, { token: lead, body: { version: accVersion - 1, mappings: [ok] } })).status).toBe(409);
    // a curator is refused before the body is read: even a bad body answers 403
    expect((await h.req('POST', path, { token: curator, body: { version: accVersion, mappings: [ok] } })).status).toBe(403);
    expect((await h.req('POST', path, { token: curator, body: { mappings: 'x' } })).status).toBe(403);
    expect((await h.req('POST', path, { body: { version: accVersion, mappings: [ok] } })).status).toBe(401);
    await h.seed({ studyId: 'm-screen', status: 'screening' });
    expect((await h.req('POST', cpath(rid, 'm-screen', 'mappings'), { token: lead, body: { version: 1, mappings: [ok] } })).status).toBe(409);
    expect((await h.req('POST', cpath(rid, 'nope', 'mappings'), { token: lead, body: { version: 1, mappings: [ok] } })).status).toBe(404);
    const after = await h.dump();
    // the only new item is the seeded screening candidate
    expect(JSON.parse(after).filter((x: { studyId?: string }) => x.studyId !== 'm-screen')).toEqual(JSON.parse(before));
  });

  it('mapping it makes the trial enter the analysis: a new version pools it and no longer lists it as not pooled; the audit keeps it', async () => {
    const r = await h.req('POST', cpath(rid, 'm-acc', 'mappings'), {
      token: lead,
      body: { version: accVersion, mappings: [{ outcome: 'depression', field: 'timepoint', reported: 'after the course', to: 'post' }] },
    });
    expect(r.status, r.text).toBe(200);
    expect(r.json.candidate.extraction.outcomes[0]).toMatchObject({ timepoint: 'post', reported: { timepoint: 'after the course' } });
    expect(r.json.analysesSummary).toMatch(/^Depressive symptoms, post: yes/);
    const prev = await reanalyse();
    expect(prev.published).toBe(true);
    expect(prev.snapshot.version).toBe(2);
    expect(depK(prev.snapshot)).toBe(2);
    expect(prev.snapshot.excluded.map((x) => x.id)).not.toContain('m-acc');
    const detail = await h.req('GET', cpath(rid, 'm-acc'), { token: curator });
    const ev = detail.json.events.find((e: { type: string }) => e.type === 'values-mapped');
    expect(ev).toMatchObject({ actor: 'lena', role: 'lead', after: { mappings: [{ reported: 'after the course', to: 'post' }] } });
    expect((await h.req('GET', `/api/reviews/${rid}/mappings`, { token: lead })).json.done.map((t: { studyId: string }) => t.studyId)).toEqual(['m-acc']);
  });

  it('a value kept out: the public list says the lead’s reason', async () => {
    const v = await accept('m-keep', otherForm('at discharge'));
    const r = await h.req('POST', cpath(rid, 'm-keep', 'mappings'), {
      token: lead,
      body: { version: v, mappings: [{ outcome: 'depression', field: 'timepoint', reported: 'At Discharge', keepOutReason: 'measured at hospital discharge, weeks before the course ended' }] },
    });
    expect(r.status, r.text).toBe(200);
    const snap = (await reanalyse()).snapshot;
    expect(snap.excluded.find((x) => x.id === 'm-keep')?.reason).toBe(
      'enters no analysis: Depressive symptoms: kept out by a lead: time point "at discharge": measured at hospital discharge, weeks before the course ended',
    );
  });

  it('in extraction: the mapping applies at accept, as the preview says before accepting', async () => {
    await h.seed({ studyId: 'm-ext', status: 'extraction', version: 3 });
    const d = await h.req('POST', cpath(rid, 'm-ext', 'draft'), { token: curator, body: { version: 3, form: otherForm('after the course') } });
    expect(d.status, d.text).toBe(200);
    const pre = await h.req('POST', cpath(rid, 'm-ext', 'preview'), { token: curator, body: { form: otherForm('after the course') } });
    expect(pre.json.analyses[0]).toMatchObject({ outcomeId: 'depression', enters: false });
    const m = await h.req('POST', cpath(rid, 'm-ext', 'mappings'), {
      token: lead,
      body: { version: d.json.candidate.version, mappings: [{ outcome: 'depression', field: 'timepoint', reported: 'after the course', to: 'post' }] },
    });
    expect(m.status, m.text).toBe(200);
    expect(m.json.candidate.drafts.carl.form.outcomes[0].timepoint).toBe('after the course'); // the draft is the curator's, untouched
    const preview = await h.req('POST', cpath(rid, 'm-ext', 'preview'), { token: curator, body: { form: otherForm('after the course') } });
    expect(preview.json.analyses[0]).toMatchObject({ outcomeId: 'depression', enters: true });
    const acc = await h.req('POST', cpath(rid, 'm-ext', 'accept'), { token: curator, body: { version: m.json.candidate.version, form: otherForm('after the course') } });
    expect(acc.status, acc.text).toBe(200);
    expect(acc.json.analyses).toEqual(preview.json.analyses);
    expect(acc.json.candidate.extraction.outcomes[0]).toMatchObject({ timepoint: 'post', reported: { timepoint: 'after the course' } });
  });

  it('the OpenAPI document carries the mapping body', async () => {
    const doc = (await h.req('GET', '/api/openapi.json')).json;
    const body = doc.paths['/api/reviews/{reviewId}/candidates/{studyId}/mappings'].post.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(['version', 'mappings']);
    expect(Object.keys(body.properties.mappings.items.properties).sort()).toEqual(['field', 'keepOutReason', 'outcome', 'reported', 'to']);
    expect(doc.paths['/api/reviews/{reviewId}/mappings'].get).toBeDefined();
  });
});

describe('who resolves a conflict, over HTTP', () => {
  let n = 0;
  /** A conflict on a fresh record: carl includes, the second voter excludes. */
  async function conflict(reviewId: string, second: string): Promise<string> {
    const id = `c${++n}`;
    await h.seed({ reviewId, studyId: id });
    await h.req('POST', cpath(reviewId, id, 'screen'), { token: curator, body: { version: 1, decision: 'include' } });
    const r = await h.req('POST', cpath(reviewId, id, 'screen'), { token: second, body: { version: 2, decision: 'exclude', reason: 'not-rct' } });
    expect(r.json.candidate.status).toBe('conflict');
    return id;
  }
  const cases: [string, 'curator' | 'lead', string, boolean, boolean][] = [
    // who resolves, role, id, may by default, may where a lead who voted may
    ['a curator who did not vote', 'curator', 'cora', true, true],
    ['a lead who did not vote', 'lead', 'lou', true, true],
    ['the curator who voted', 'curator', 'carl', false, false],
    ['the lead who voted', 'lead', 'lena', false, true],
  ];
  for (const [who, role, sub, byDefault, lenient] of cases)
    it(`${who}: ${byDefault ? 200 : 403} by default, ${lenient ? 200 : 403} where the review lets a lead who voted resolve`, async () => {
      const token = await h.token(role, sub);
      for (const [review, may] of [
        [DUAL_REVIEW, byDefault],
        [LENIENT, lenient],
      ] as const) {
        const id = await conflict(review.id, lead);
        const before = await h.dump();
        const r = await h.req('POST', cpath(review.id, id, 'resolve'), { token, body: { version: 3, decision: 'include' } });
        expect(r.status, `${review.id}: ${r.text}`).toBe(may ? 200 : 403);
        if (may) expect(r.json.candidate).toMatchObject({ status: 'fulltext', screening: { 'title-abstract': { resolution: { by: sub, decision: 'include' } } } });
        else {
          expect(r.json.error).toMatch(/voted on this record/);
          expect(await h.dump()).toBe(before);
        }
      }
    });
  it('without a token 401; bad input 400 naming the field', async () => {
    const id = await conflict(rid, lead);
    expect((await h.req('POST', cpath(rid, id, 'resolve'), { body: { version: 3, decision: 'include' } })).status).toBe(401);
    const other = await h.token('curator', 'cora');
    const r = await h.req('POST', cpath(rid, id, 'resolve'), { token: other, body: { version: 3, decision: 'exclude', reason: 'nope' } });
    expect(r.status).toBe(400);
    expect(r.json.fields.map((f: { path: string }) => f.path)).toEqual(['reason']);
  });
});
