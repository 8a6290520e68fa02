/**
 * GRADE judgements over real HTTP against DynamoDB Local: lead-only, bad input → 400 naming the
 * field, audited, nothing stored on a refused request, and the judgement enters the next snapshot
 * (trigger → reanalyse → buildSnapshot) together with the sources' last search.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { checkpointKey, eventPartition, gradeEventSubject, gradeKey } from '../../core/data-model/keys.js';
import { reviewsToReanalyse } from '../../core/analysis/triggers.js';
import { diskSnapshotStore } from '../../functions/adapters/snapshot-store.js';
import { reanalyseReview } from '../../functions/reanalyse/reanalyse.js';
import { createContext } from '../../functions/curation-api/context.js';
import { gradeView } from '../../functions/curation-api/routes/grade.js';
import { DUAL_REVIEW, startHarness, type Harness } from './harness.js';

let h: Harness;
let lead: string;
let curator: string;
const rid = DUAL_REVIEW.id;
const path = `/api/reviews/${rid}/grade`;

beforeAll(async () => {
  h = await startHarness('grade');
  lead = await h.token('lead', 'lena');
  curator = await h.token('curator', 'carl');
  // Four accepted trials with RoB: enough for a pooled depression estimate.
  const effects = [
    [-0.6, 0.04, 'low'],
    [-0.3, 0.05, 'high'],
    [-0.5, 0.03, 'some'],
    [-0.2, 0.06, 'low'],
  ] as const;
  for (const [i, [yi, vi, rob]] of effects.entries()) {
    await h.seed({
      studyId: `g${i}`,
      status: 'accepted',
      firstAuthor: 'Dahne',
      year: 2019,
      extraction: {
        arms: [],
        moderators: { year: 2019 },
        outcomes: [{ outcome: 'depression', timepoint: 'post', instrument: 'PHQ-9', yi, vi }],
        rob: { tool: 'rob2', domains: { D1: rob, D2: 'low', D3: 'low', D4: 'low', D5: 'low' }, overall: rob },
      },
    });
  }
});
afterAll(async () => h?.close());

describe('GRADE judgements API', () => {
  it('GET gives the proposal from the data per outcome; a curator is refused', async () => {
    expect((await h.req('GET', path)).status).toBe(401);
    expect((await h.req('GET', path, { token: curator })).status).toBe(403);
    const r = await h.req('GET', path, { token: lead });
    expect(r.status).toBe(200);
    const dep = r.json.outcomes.find((o: { outcomeId: string }) => o.outcomeId === 'depression');
    expect(dep.k).toBe(4);
    expect(dep.proposed.map((d: { domain: string }) => d.domain)).toEqual(['risk-of-bias', 'inconsistency', 'imprecision', 'publication-bias', 'indirectness']);
    expect(dep.certainty.status).toBe('proposed');
    expect(dep.judgements).toEqual([]);
    // an outcome without data has nothing to grade
    expect(r.json.outcomes.find((o: { outcomeId: string }) => o.outcomeId === 'qol').certainty).toBeNull();
  });

  it('bad input → 400 naming the field; a curator → 403; nothing is stored', async () => {
    const before = await h.dump();
    const cases: [unknown, string][] = [
      [{ domain: 'vibes', action: 'confirm', reason: 'x' }, 'domain'],
      [{ domain: 'indirectness', action: 'maybe', reason: 'x' }, 'action'],
      [{ domain: 'indirectness', action: 'override', reason: 'x' }, 'downgrade'],
      [{ domain: 'indirectness', action: 'override', downgrade: 3, reason: 'x' }, 'downgrade'],
      [{ domain: 'indirectness', action: 'confirm', reason: '   ' }, 'reason'],
      [{ domain: 'indirectness', action: 'confirm' }, 'reason'],
      [{ domain: 'indirectness', action: 'confirm', reason: 'ok', extra: 1 }, 'extra'],
      [{ domain: 'indirectness', action: 'override', downgrade: 'one', reason: 'x' }, 'downgrade'],
    ];
    for (const [body, field] of cases) {
      const r = await h.req('PUT', `${path}/depression`, { token: lead, body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.json.fields.map((f: { path: string }) => f.path)).toContain(field);
    }
    expect((await h.req('PUT', `${path}/depression`, { token: curator, body: { domain: 'indirectness', action: 'confirm', reason: 'ok' } })).status).toBe(403);
    expect((await h.req('PUT', `${path}/nope`, { token: lead, body: { domain: 'indirectness', action: 'confirm', reason: 'ok' } })).status).toBe(404);
    expect((await h.req('PUT', `${path}/qol`, { token: lead, body: { domain: 'indirectness', action: 'confirm', reason: 'ok' } })).status).toBe(409);
    expect(await h.dump()).toBe(before);
  });

  it('a lead overrides a domain: stored, audited, and the stream change asks for reanalysis', async () => {
    const r = await h.req('PUT', `${path}/depression`, { token: lead, body: { domain: 'indirectness', action: 'override', downgrade: 1, reason: 'Students only, not the clinical population asked about.' } });
    expect(r.status).toBe(200);
    const ind = r.json.certainty.domains.find((d: { domain: string }) => d.domain === 'indirectness');
    expect(ind).toMatchObject({ downgrade: 1, source: 'lead', by: 'lena' });
    const item = (await h.doc.send(new QueryCommand({ TableName: h.table, KeyConditionExpression: 'pk = :pk AND sk = :sk', ExpressionAttributeValues: { ':pk': gradeKey(rid, 'depression').pk, ':sk': gradeKey(rid, 'depression').sk } }))).Items![0];
    expect(item).toMatchObject({ entity: 'Grade', reviewId: rid, outcomeId: 'depression', version: 1 });
    const events = (await h.doc.send(new QueryCommand({ TableName: h.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': eventPartition(rid, gradeEventSubject('depression')) } }))).Items!;
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'grade-judged', actor: 'lena', role: 'lead', reason: 'Students only, not the clinical population asked about.', after: { domain: 'indirectness', downgrade: 1 } });
    expect(reviewsToReanalyse([{ oldImage: null, newImage: item }])).toEqual([rid]);
  });

  it('the next snapshot carries the judgement, unique labels and when each source was last searched', async () => {
    // confirm the remaining four domains → confirmed
    const view = await h.req('GET', path, { token: lead });
    const dep = view.json.outcomes.find((o: { outcomeId: string }) => o.outcomeId === 'depression');
    for (const d of dep.proposed.filter((x: { domain: string }) => x.domain !== 'indirectness'))
      expect((await h.req('PUT', `${path}/depression`, { token: lead, body: { domain: d.domain, action: 'confirm', reason: `checked ${d.domain}` } })).status).toBe(200);
    await h.doc.send(new PutCommand({ TableName: h.table, Item: { ...checkpointKey(rid, 'pubmed'), entity: 'Checkpoint', reviewId: rid, source: 'pubmed', lastRunAt: '2026-11-30T06:00:00.000Z' } }));
    const dir = mkdtempSync(join(tmpdir(), 'grade-snap-'));
    try {
      const { snapshot: snap } = await reanalyseReview({ doc: h.doc, table: h.table, store: diskSnapshotStore(dir), now: () => new Date("2026-12-01T00:00:00Z") }, DUAL_REVIEW);
      const o = snap.outcomes.find((x) => x.id === 'depression')!;
      expect(o.certainty!.status).toBe('confirmed');
      expect(o.certainty!.domains.every((d) => d.source === 'lead')).toBe(true);
      expect(o.certainty!.domains.find((d) => d.domain === 'indirectness')!.downgrade).toBe(1);
      expect(o.plainLanguage!.sentence.length).toBeGreaterThan(20);
      expect(snap.sources).toEqual([
        { source: 'pubmed', lastSearchedAt: '2026-11-30T06:00:00.000Z' },
        { source: 'ctgov', lastSearchedAt: null },
        { source: 'europepmc', lastSearchedAt: null },
        { source: 'isrctn', lastSearchedAt: null },
      ]);
      expect(snap.studies.map((s) => s.label).sort()).toEqual(['Dahne 2019a', 'Dahne 2019b', 'Dahne 2019c', 'Dahne 2019d']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('GET reads the latest published version (what the public sees) instead of re-pooling the candidates, and gives the same proposal', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'grade-latest-'));
    try {
      const store = diskSnapshotStore(dir);
      await reanalyseReview({ doc: h.doc, table: h.table, store, now: () => new Date('2026-12-01T00:00:00Z') }, DUAL_REVIEW);
      const deps = { doc: h.doc, table: h.table, reviews: [DUAL_REVIEW], auth: { localSecret: 'x'.repeat(32) } };
      const computed = await gradeView(createContext(deps), DUAL_REVIEW);
      const reads: string[] = [];
      const fromPublished = createContext({ ...deps, snapshots: { getLatest: (id) => (reads.push(id), store.getLatest(id)) } });
      fromPublished.store.allCandidates = () => {
        throw new Error('the candidates were read: the analysis was re-pooled');
      };
      const published = await gradeView(fromPublished, DUAL_REVIEW);
      expect(reads).toEqual([rid]);
      expect(published).toEqual(computed);
      const dep = published.find((o) => o.outcomeId === 'depression')!;
      expect(dep.k).toBe(4);
      expect(dep.proposed!.every((d) => d.source === 'data')).toBe(true);
      expect(dep.certainty!.status).toBe('confirmed');
      // Before a first version the analysis is computed from the candidates.
      const none = createContext({ ...deps, snapshots: { getLatest: async () => null } });
      expect(await gradeView(none, DUAL_REVIEW)).toEqual(computed);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the curator page renders the proposal and a form POST (no JavaScript) stores a judgement', async () => {
    const page = await h.req('GET', `/curate/reviews/${rid}/grade`, { token: lead });
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/Certainty of evidence \(GRADE\)/);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(page.text).toMatch(/Proposed from the data/);
    const form = new URLSearchParams({ domain: 'imprecision', action: 'override', downgrade: '2', reason: 'Few participants.' });
    const post = await h.req('POST', `/curate/reviews/${rid}/grade/depression`, { token: lead, rawBody: form.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(post.status).toBe(303);
    // Back to the domain just judged, which says so.
    expect(post.headers.get('location')).toBe(`/curate/reviews/${rid}/grade?saved=depression.imprecision#grade-depression-imprecision`);
    const back = await h.req('GET', post.headers.get('location')!.split('#')[0], { token: lead });
    const card = (html: string, domain: string) => html.slice(html.indexOf(`id="grade-depression-${domain}"`), html.indexOf('</section>', html.indexOf(`id="grade-depression-${domain}"`)));
    expect(card(back.text, 'imprecision')).toMatch(/<p class="saved" role="status">Saved: two levels, by lena\.<\/p>/);
    expect(card(back.text, 'inconsistency')).not.toMatch(/Saved/);
    const bad = await h.req('POST', `/curate/reviews/${rid}/grade/depression`, {
      token: lead,
      rawBody: new URLSearchParams({ domain: 'imprecision', action: 'override', reason: 'Typed once, kept on refusal.' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(bad.status).toBe(400);
    // The refusal is shown at the domain's own form, with what the lead typed still there.
    const refused = card(bad.text, 'imprecision');
    expect(refused).toMatch(/role="alert">Not saved — downgrade: required when overriding/);
    expect(refused).toMatch(/<textarea[^>]*name="reason"[^>]*>Typed once, kept on refusal\.<\/textarea>/);
    expect(refused).toMatch(/<option value="override" selected="">/);
    expect(card(bad.text, 'risk-of-bias')).not.toMatch(/Not saved/);
    // A curator reads the proposal; there is no form to fill in that would be refused.
    const asCurator = await h.req('GET', `/curate/reviews/${rid}/grade`, { token: curator });
    expect(asCurator.status).toBe(200);
    expect(asCurator.text).toMatch(/Proposed from the data/);
    expect(asCurator.text).not.toMatch(/<form[^>]*grade\/depression/);
    expect(page.text).toMatch(/<form[^>]*grade\/depression/);
    const after = await h.req('GET', path, { token: lead });
    const imp = after.json.outcomes.find((o: { outcomeId: string }) => o.outcomeId === 'depression').certainty.domains.find((d: { domain: string }) => d.domain === 'imprecision');
    expect(imp).toMatchObject({ downgrade: 2, source: 'lead' });
  });
});
