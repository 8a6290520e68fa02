/** The curation workflow over real HTTP against DynamoDB Local. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { queuePartition } from '../../core/data-model/keys.js';
import { DUAL_REVIEW, SINGLE_REVIEW, startHarness, type Harness } from './harness.js';
import { validForm } from '../fixtures/builders.js';

let h: Harness;
let curator: string;
let curator2: string;
let lead: string;
beforeAll(async () => {
  h = await startHarness('wf');
  curator = await h.token('curator', 'alice');
  curator2 = await h.token('curator', 'bob');
  lead = await h.token('lead', 'lena');
});
afterAll(async () => h?.close());

const cpath = (review: string, study: string, action = '') => `/api/reviews/${review}/candidates/${study}${action ? `/${action}` : ''}`;

describe('public routes', () => {
  it('serves health, reviews and one review without a token', async () => {
    expect((await h.req('GET', '/api/health')).status).toBe(200);
    const list = await h.req('GET', '/api/reviews');
    expect(list.json.reviews.map((r: { id: string }) => r.id)).toEqual([DUAL_REVIEW.id, SINGLE_REVIEW.id]);
    const one = await h.req('GET', `/api/reviews/${DUAL_REVIEW.id}`);
    expect(one.json.exclusionReasons).toEqual(DUAL_REVIEW.exclusionReasons);
    expect((await h.req('GET', '/api/reviews/nope')).status).toBe(404);
  });
  it('publishes an OpenAPI document listing the routes', async () => {
    const r = await h.req('GET', '/api/openapi.json');
    expect(r.status).toBe(200);
    expect(Object.keys(r.json.paths)).toEqual(expect.arrayContaining(['/api/reviews/{reviewId}/queue', '/api/reviews/{reviewId}/candidates/{studyId}/accept']));
  });
  it('carries the full extraction form schema (from the one zod definition) on accept and draft', async () => {
    const doc = (await h.req('GET', '/api/openapi.json')).json;
    const deref = (s: any): any => (s?.$ref ? doc.components.schemas[s.$ref.split('/').pop()] : s);
    const body = (path: string) => deref(doc.paths[path].post.requestBody.content['application/json'].schema);
    const accept = body('/api/reviews/{reviewId}/candidates/{studyId}/accept');
    expect(accept.required).toEqual(expect.arrayContaining(['version', 'form']));
    const form = deref(accept.properties.form);
    expect(form.required).toContain('outcomes');
    const outcome = deref(deref(form.properties.outcomes).items);
    expect(outcome.required).toEqual(expect.arrayContaining(['outcome', 'timepoint', 'instrument', 'format']));
    expect(deref(outcome.properties.format).enum).toContain('mean-sd');
    const draft = deref(deref(body('/api/reviews/{reviewId}/candidates/{studyId}/draft').properties.form));
    expect(draft.required ?? []).toEqual([]);
    expect(Object.keys(draft.properties)).toEqual(expect.arrayContaining(['arms', 'outcomes', 'moderators', 'rob', 'year']));
  });
  it('requires a token for the queue', async () => {
    const r = await h.req('GET', `/api/reviews/${DUAL_REVIEW.id}/queue`);
    expect(r.status).toBe(401);
  });
});

describe('queue', () => {
  it('lists a status best score first, pages by cursor and filters by source, score and date', async () => {
    const rid = SINGLE_REVIEW.id;
    for (let i = 0; i < 7; i++) {
      await h.seed({ reviewId: rid, studyId: `q${i}`, triage: { score: i * 10, reasons: [`r${i}`] }, sources: i % 2 ? ['ctgov'] : ['pubmed'], createdAt: `2025-02-0${i + 1}T00:00:00.000Z` });
    }
    const p1 = await h.req('GET', `/api/reviews/${rid}/queue?status=screening&limit=3`, { token: curator });
    expect(p1.status).toBe(200);
    expect(p1.json.items.map((x: { studyId: string }) => x.studyId)).toEqual(['q6', 'q5', 'q4']);
    expect(p1.json.items[0].triage.reasons).toEqual(['r6']);
    const p2 = await h.req('GET', `/api/reviews/${rid}/queue?status=screening&limit=3&cursor=${p1.json.cursor}`, { token: curator });
    expect(p2.json.items.map((x: { studyId: string }) => x.studyId)).toEqual(['q3', 'q2', 'q1']);
    const p3 = await h.req('GET', `/api/reviews/${rid}/queue?status=screening&limit=3&cursor=${p2.json.cursor}`, { token: curator });
    expect(p3.json.items.map((x: { studyId: string }) => x.studyId)).toEqual(['q0']);
    expect(p3.json.cursor).toBeNull();

    const ct = await h.req('GET', `/api/reviews/${rid}/queue?source=ctgov&limit=10`, { token: curator });
    expect(ct.json.items.map((x: { studyId: string }) => x.studyId)).toEqual(['q5', 'q3', 'q1']);
    const sc = await h.req('GET', `/api/reviews/${rid}/queue?minScore=20&maxScore=40`, { token: curator });
    expect(sc.json.items.map((x: { studyId: string }) => x.studyId)).toEqual(['q4', 'q3', 'q2']);
    const dt = await h.req('GET', `/api/reviews/${rid}/queue?from=2025-02-03&to=2025-02-05T00:00:00.000Z`, { token: curator });
    expect(dt.json.items.map((x: { studyId: string }) => x.studyId)).toEqual(['q4', 'q3', 'q2']);
    const small = await h.req('GET', `/api/reviews/${rid}/queue?source=ctgov&limit=1`, { token: curator });
    expect(small.json.items.map((x: { studyId: string }) => x.studyId)).toEqual(['q5']);
    const next = await h.req('GET', `/api/reviews/${rid}/queue?source=ctgov&limit=1&cursor=${small.json.cursor}`, { token: curator });
    expect(next.json.items.map((x: { studyId: string }) => x.studyId)).toEqual(['q3']);
  });
});

describe('queue cache', () => {
  it('a decision made through the app is reflected in the next listing at once', async () => {
    const rid = SINGLE_REVIEW.id;
    await h.seed({ reviewId: rid, studyId: 'cache1', triage: { score: 99, reasons: [] } });
    const list = () => h.req('GET', `/api/reviews/${rid}/queue?status=screening&limit=5&minScore=99`, { token: curator });
    expect((await list()).json.items.map((x: { studyId: string }) => x.studyId)).toEqual(['cache1']);
    const r = await h.req('POST', cpath(rid, 'cache1', 'screen'), { token: curator, body: { version: 1, decision: 'include' } });
    expect(r.json.candidate.status).toBe('fulltext');
    expect((await list()).json.items).toEqual([]);
  });
});

describe('single screening → extraction → accept → withdraw', () => {
  it('moves a candidate through the workflow with one event per change, in the same transaction', async () => {
    const rid = SINGLE_REVIEW.id;
    await h.seed({ reviewId: rid, studyId: 's1', title: 'A CBT app for depression' });
    let r = await h.req('POST', cpath(rid, 's1', 'screen'), { token: curator, body: { version: 1, decision: 'include' } });
    expect(r.status).toBe(200);
    expect(r.json.candidate.status).toBe('fulltext');
    r = await h.req('POST', cpath(rid, 's1', 'screen'), { token: curator, body: { version: 2, decision: 'include' } });
    expect(r.json.candidate.status).toBe('extraction');

    // invalid extraction: accept refused, nothing changes
    const bad = validForm();
    bad.outcomes[0].intervention.sd = -1;
    const before = await h.dump();
    r = await h.req('POST', cpath(rid, 's1', 'accept'), { token: curator, body: { version: 3, form: bad } });
    expect(r.status).toBe(400);
    expect(r.json.fields).toContainEqual({ path: 'form.outcomes[0].intervention.sd', message: 'must be greater than 0', label: expect.stringMatching(/^Outcome row 1 \(.*\): SD, intervention arm$/) });
    expect(await h.dump()).toBe(before);

    // preview computes the effect size
    r = await h.req('POST', cpath(rid, 's1', 'preview'), { token: curator, body: { form: validForm() } });
    expect(r.json.valid).toBe(true);
    expect(r.json.outcomes[0].effect.yi).toBeLessThan(0);

    r = await h.req('POST', cpath(rid, 's1', 'draft'), { token: curator, body: { version: 3, form: validForm() } });
    expect(r.status).toBe(200);
    expect(r.json.candidate.status).toBe('extraction');
    r = await h.req('POST', cpath(rid, 's1', 'accept'), { token: curator, body: { version: 4, form: validForm() } });
    expect(r.status).toBe(200);
    expect(r.json.candidate.status).toBe('accepted');
    expect(r.json.candidate.acceptedAt).toBeTruthy();
    expect(r.json.candidate.extraction.outcomes[0]).toMatchObject({ n1: 50, m1: 8.1, sd1: 4.2, n2: 55, m2: 10.3, sd2: 4.8, instrument: 'PHQ-9' });

    // the reanalysis handler reads accepted candidates from GSI1
    const q = await h.doc.send(
      new QueryCommand({ TableName: h.table, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :p', ExpressionAttributeValues: { ':p': queuePartition(rid, 'accepted') } }),
    );
    expect(q.Items?.map((i) => i.studyId)).toEqual(['s1']);

    // a curator cannot withdraw; a lead can, with a reason
    r = await h.req('POST', cpath(rid, 's1', 'withdraw'), { token: curator, body: { version: 5, reason: 'data error' } });
    expect(r.status).toBe(403);
    r = await h.req('POST', cpath(rid, 's1', 'withdraw'), { token: lead, body: { version: 5, reason: 'data error in Table 2' } });
    expect(r.status).toBe(200);
    expect(r.json.candidate.status).toBe('withdrawn');

    const detail = await h.req('GET', cpath(rid, 's1'), { token: curator });
    expect(detail.json.events.map((e: { type: string }) => e.type)).toEqual(['screened', 'screened', 'extraction-saved', 'accepted', 'withdrawn']);
    const w = detail.json.events[4];
    expect(w).toMatchObject({ actor: 'lena', role: 'lead', reason: 'data error in Table 2', before: { status: 'accepted', version: 5 }, after: { status: 'withdrawn', version: 6 } });
  });

  it('requires an exclusion reason from the review list and counts PRISMA', async () => {
    const rid = SINGLE_REVIEW.id;
    await h.seed({ reviewId: rid, studyId: 'x1' });
    let r = await h.req('POST', cpath(rid, 'x1', 'screen'), { token: curator, body: { version: 1, decision: 'exclude' } });
    expect(r.status).toBe(400);
    expect(r.json.fields[0].path).toBe('reason');
    r = await h.req('POST', cpath(rid, 'x1', 'screen'), { token: curator, body: { version: 1, decision: 'exclude', reason: 'made-up' } });
    expect(r.status).toBe(400);
    r = await h.req('POST', cpath(rid, 'x1', 'screen'), { token: curator, body: { version: 1, decision: 'include' } });
    r = await h.req('POST', cpath(rid, 'x1', 'screen'), { token: curator, body: { version: 2, decision: 'exclude', reason: 'not-rct' } });
    expect(r.json.candidate.status).toBe('excluded');
    const s = await h.req('GET', `/api/reviews/${rid}/summary`, { token: curator });
    expect(s.json.prisma.excludedFullText).toBe(1);
    expect(s.json.prisma.excludedFullTextByReason.find((x: { id: string }) => x.id === 'not-rct').count).toBe(1);
    expect(s.json.counts.excluded).toBe(1);
  });
});

describe('dual screening', () => {
  it('needs two screeners; disagreement → conflict, which a screener who voted does not resolve (a lead who did not vote does); kappa per review', async () => {
    const rid = DUAL_REVIEW.id;
    await h.seed({ studyId: 'd1' });
    await h.seed({ studyId: 'd2' });
    let r = await h.req('POST', cpath(rid, 'd1', 'screen'), { token: curator, body: { version: 1, decision: 'include' } });
    expect(r.json.candidate.status).toBe('screening');
    r = await h.req('POST', cpath(rid, 'd1', 'screen'), { token: curator, body: { version: 2, decision: 'include' } });
    expect(r.status).toBe(409); // same screener twice
    r = await h.req('POST', cpath(rid, 'd1', 'screen'), { token: curator2, body: { version: 2, decision: 'exclude', reason: 'not-rct' } });
    expect(r.json.candidate.status).toBe('conflict');
    r = await h.req('POST', cpath(rid, 'd1', 'resolve'), { token: curator, body: { version: 3, decision: 'include' } });
    expect(r.status).toBe(403);
    r = await h.req('POST', cpath(rid, 'd1', 'resolve'), { token: lead, body: { version: 3, decision: 'include' } });
    expect(r.json.candidate.status).toBe('fulltext');

    await h.req('POST', cpath(rid, 'd2', 'screen'), { token: curator, body: { version: 1, decision: 'include' } });
    r = await h.req('POST', cpath(rid, 'd2', 'screen'), { token: curator2, body: { version: 2, decision: 'include' } });
    expect(r.json.candidate.status).toBe('fulltext');

    const s = await h.req('GET', `/api/reviews/${rid}/summary`, { token: curator });
    // pairs (include, exclude), (include, include): po = 1/2; rater1 all include → pe = 1·(1/2) = 1/2 → κ = 0
    expect(s.json.kappa.titleAbstract).toMatchObject({ n: 2, observed: 0.5, expected: 0.5, kappa: 0 });
  });
});

describe('optimistic concurrency', () => {
  it('two curators saving at once: one wins, the other gets 409 with the current version', async () => {
    const rid = SINGLE_REVIEW.id;
    await h.seed({ reviewId: rid, studyId: 'c1', status: 'extraction' });
    const [a, b] = await Promise.all([
      h.req('POST', cpath(rid, 'c1', 'draft'), { token: curator, body: { version: 1, form: validForm() } }),
      h.req('POST', cpath(rid, 'c1', 'draft'), { token: curator2, body: { version: 1, form: { ...validForm(), notes: 'other' } } }),
    ]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([200, 409]);
    const loser = a.status === 409 ? a : b;
    expect(loser.json.currentVersion).toBe(2);
    const detail = await h.req('GET', cpath(rid, 'c1'), { token: curator });
    expect(detail.json.candidate.version).toBe(2);
    expect(detail.json.events).toHaveLength(1);
  });

  it('a stale version is refused with the current version', async () => {
    const rid = SINGLE_REVIEW.id;
    await h.seed({ reviewId: rid, studyId: 'c2', version: 7 });
    const r = await h.req('POST', cpath(rid, 'c2', 'screen'), { token: curator, body: { version: 6, decision: 'include' } });
    expect(r.status).toBe(409);
    expect(r.json.currentVersion).toBe(7);
  });

  it('many concurrent writers: exactly one success per version', async () => {
    const rid = SINGLE_REVIEW.id;
    await h.seed({ reviewId: rid, studyId: 'c3', status: 'extraction' });
    const tokens = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => h.token('curator', `u${i}`)));
    const rs = await Promise.all(tokens.map((t) => h.req('POST', cpath(rid, 'c3', 'draft'), { token: t, body: { version: 1, form: validForm() } })));
    expect(rs.filter((r) => r.status === 200)).toHaveLength(1);
    expect(rs.filter((r) => r.status === 409)).toHaveLength(5);
  });
});

describe('second extractor and comparison', () => {
  it('keeps each extractor\'s draft and lists differences', async () => {
    const rid = SINGLE_REVIEW.id;
    await h.seed({ reviewId: rid, studyId: 'e1', status: 'extraction' });
    await h.req('POST', cpath(rid, 'e1', 'draft'), { token: curator, body: { version: 1, form: validForm() } });
    const other = validForm();
    other.outcomes[0].control.mean = 11.3;
    await h.req('POST', cpath(rid, 'e1', 'draft'), { token: curator2, body: { version: 2, form: other } });
    const cmp = await h.req('GET', cpath(rid, 'e1', 'compare'), { token: curator });
    expect(cmp.json.extractors.sort()).toEqual(['alice', 'bob']);
    expect(cmp.json.differences).toEqual([{ path: 'outcomes[0].control.mean', segments: ['outcomes', 0, 'control', 'mean'], label: expect.stringMatching(/^Outcome row 1 \(.*\): Mean, control arm$/), values: { alice: 10.3, bob: 11.3 } }]);
  });

  it('pre-fills the form from a proposed extraction', async () => {
    const rid = SINGLE_REVIEW.id;
    await h.seed({
      reviewId: rid,
      studyId: 'p1',
      status: 'extraction',
      proposedExtraction: [{ outcome: 'depression', timepoint: 'post', instrument: 'PHQ-9', n1: 30, m1: 7, sd1: 3, n2: 31, m2: 9, sd2: 3.5, source: 'ClinicalTrials.gov results' }],
    });
    const d = await h.req('GET', cpath(rid, 'p1'), { token: curator });
    expect(d.json.form.outcomes[0]).toMatchObject({ format: 'mean-sd', intervention: { n: 30, mean: 7, sd: 3 }, control: { n: 31, mean: 9, sd: 3.5 } });
  });
});

describe('RIS import and export', () => {
  const ris = [
    'TY  - JOUR',
    'TI  - Internet CBT for depression: a randomised trial',
    'AU  - Smith, J',
    'PY  - 2023',
    'DO  - 10.1000/XYZ.1',
    'ER  - ',
    'TY  - JOUR',
    'TI  - A mindfulness app trial',
    'PY  - 2022',
    'ER  - ',
    'TY  - JOUR',
    'TI  - A  Mindfulness App Trial!',
    'PY  - 2022',
    'ER  - ',
    'TY  - JOUR',
    'TI  - Same DOI, other title',
    'DO  - https://doi.org/10.1000/xyz.1',
    'ER  - ',
  ].join('\n');

  it('creates candidates, de-duplicates by identifier then title + year, and exports CSV and RIS', async () => {
    const rid = DUAL_REVIEW.id;
    const r = await h.req('POST', `/api/reviews/${rid}/import`, { token: curator, body: { ris } });
    expect(r.status).toBe(200);
    expect(r.json.created).toHaveLength(2);
    expect(r.json.duplicates.map((d: { matchedBy: string }) => d.matchedBy).sort()).toEqual(['doi', 'title-year']);
    const again = await h.req('POST', `/api/reviews/${rid}/import`, { token: curator, body: { ris } });
    expect(again.json.created).toHaveLength(0);
    expect(again.json.duplicates).toHaveLength(4);

    const csv = await h.req('GET', `/api/reviews/${rid}/export.csv?status=screening`, { token: curator });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.text).toContain('Internet CBT for depression: a randomised trial');
    expect(csv.text).toContain('10.1000/xyz.1');
    const out = await h.req('GET', `/api/reviews/${rid}/export.ris`, { token: curator });
    expect(out.text).toContain('TI  - A mindfulness app trial');
    // round trip: re-importing the export creates nothing new
    const rt = await h.req('POST', `/api/reviews/${rid}/import`, { token: curator, body: { ris: out.text } });
    expect(rt.json.created).toHaveLength(0);
  });
});
