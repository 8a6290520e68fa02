/**
 * Snapshots for the site's tests and for looking at pages: the real snapshot builder (core) on the
 * Metapsy self-guided depression CSV and on the other reviews without trials, then — only where the
 * snapshot does not carry them yet — the issue-11 analysis fields that core adds (certainty,
 * plain language, RoB summary, display rules, headline, sources, evidence map), filled with
 * plausible example values so that every component is exercised. Test data, not statistics.
 *
 * `npx tsx test/site/sample.ts DIR` writes DIR/<review>/latest.json for `astro build`.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSnapshot } from '../../core/analysis/snapshot.js';
import { importMetapsyCsv } from '../../core/import/metapsy.js';
import { toImportedCandidate } from '../../core/import/candidate.js';
import type { Candidate } from '../../core/evidence/candidate.js';
import { ALL_REVIEWS, getReview } from '../../reviews/index.js';
import type { Review } from '../../core/reviews/index.js';
import type { ReviewSnapshot, OutcomeSnapshot, RobJudgements } from '../../site/src/lib/model.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '..', '..', '..');
export const NOW = new Date('2026-11-22T00:00:00Z');

export function metapsyCandidates(review: Review): Candidate[] {
  const csv = readFileSync(resolve(ROOT, '../shared/data/metapsy-depression-selfguided-psyctr/data.csv'), 'utf8');
  const { studies } = importMetapsyCsv(csv, review);
  return studies.map((s) => ({ ...toImportedCandidate(review.id, s, '2026-01-01T00:00:00.000Z'), status: 'accepted' as const }));
}

function levelsOf(review: Review, moderator: string) {
  const m = review.moderators.find((x) => x.id === moderator);
  return m && m.type === 'categorical' ? m.levels.map((l) => ({ level: l.id, label: l.label })) : [];
}

/** Adds the issue-11 fields where the snapshot lacks them (example values for rendering tests). */
export function withAnalysisFields(s: ReviewSnapshot, review: Review, candidates: Candidate[] = []): ReviewSnapshot {
  const rob = new Map<string, RobJudgements>();
  for (const c of candidates) if (c.extraction?.rob) rob.set(c.studyId, { ...(c.extraction.rob.domains as RobJudgements), overall: c.extraction.rob.overall });
  for (const o of s.outcomes) augmentOutcome(o, review, rob);
  for (const st of s.studies) {
    if (st.robDomains === undefined && rob.has(st.id)) st.robDomains = rob.get(st.id);
    if (st.outcomes === undefined) st.outcomes = s.outcomes.filter((o) => o.studies.some((r) => r.id === st.id)).map((o) => o.id);
  }
  const primary = s.outcomes.find((o) => o.primary && o.result) ?? null;
  if (s.headline === undefined) {
    s.headline = primary?.plainLanguage
      ? { outcomeId: primary.id, label: primary.label, sentence: primary.plainLanguage.sentence, certainty: primary.certainty?.rating ?? null, estimate: primary.result!.estimate, previousEstimate: primary.result!.estimate === null ? null : primary.result!.estimate + 0.03 }
      : null;
  }
  if (!s.sources?.length) s.sources = [{ source: 'pubmed', lastSearchedAt: '2026-11-21T06:00:00.000Z' }, { source: 'ctgov', lastSearchedAt: null }];
  if (s.evidenceMap === undefined) {
    s.evidenceMap = s.kind === 'evidence-map'
      ? {
          dimensions: [
            { id: 'year', label: 'Year', counts: [2016, 2018, 2019, 2020, 2021, 2022].map((y, i) => ({ level: String(y), label: String(y), studies: [2, 3, 5, 9, 12, 14][i] })) },
            { id: 'disorder', label: 'Disorder', counts: levelsOf(review, 'disorder').slice(0, 5).map((l, i) => ({ ...l, studies: 12 - 2 * i })) },
            { id: 'interventionType', label: 'Intervention type', counts: levelsOf(review, 'interventionType').slice(0, 4).map((l, i) => ({ ...l, studies: 10 - i * 2 })) },
          ],
          cross: {
            rows: 'disorder', cols: 'interventionType',
            rowLabels: levelsOf(review, 'disorder').slice(0, 3),
            colLabels: levelsOf(review, 'interventionType').slice(0, 3),
            cells: [[4, 2, 0], [3, 1, 1], [0, 2, 5]],
          },
        }
      : null;
  }
  s.baselineNote ??= review.baselineNote;
  return s;
}

function augmentOutcome(o: OutcomeSnapshot, review: Review, rob: Map<string, RobJudgements>): void {
  const r = o.result;
  for (const row of o.studies) if (row.rob === undefined && rob.has(row.id)) row.rob = rob.get(row.id);
  for (const g of o.subgroups) g.levels ??= levelsOf(review, g.moderator);
  if (o.display === undefined) {
    o.display = {
      predictionInterval: o.k >= 3, subgroupTests: o.k >= 10, smallStudyTests: o.k >= 10,
      tau2UpperAtLimit: o.k > 0 && o.k < 3,
      notes: o.k > 0 && o.k < 3 ? ['With fewer than 3 studies no prediction interval is shown.'] : o.k > 0 && o.k < 10 ? ['With fewer than 10 studies the small-study tests are not interpreted.'] : [],
    };
  }
  if (!r || r.estimate === null) {
    o.certainty ??= null; o.plainLanguage ??= null; o.robSummary ??= null; o.lowRiskOnly ??= null; o.metaRegressionInfo ??= null;
    return;
  }
  o.certainty ??= {
    rating: 'moderate', status: 'proposed',
    domains: [
      { domain: 'risk-of-bias', label: 'Risk of bias', downgrade: 1, reason: '38% of the weight from studies at high risk of bias.', source: 'data' },
      { domain: 'inconsistency', label: 'Inconsistency', downgrade: 0, reason: 'Prediction interval within the range of benefit.', source: 'data' },
      { domain: 'imprecision', label: 'Imprecision', downgrade: 0, reason: 'Confidence interval excludes no effect and the MID.', source: 'data' },
      { domain: 'publication-bias', label: 'Publication bias', downgrade: 0, reason: "Egger's test p ≥ .10.", source: 'data' },
      { domain: 'indirectness', label: 'Indirectness', downgrade: 0, reason: 'Not yet judged by a lead.', source: 'lead' },
    ],
    footnotes: ['Downgraded once for risk of bias: 38% of the weight from studies at high risk of bias.'],
  };
  o.plainLanguage ??= { sentence: `Self-guided digital interventions probably reduce ${o.label.toLowerCase()} slightly.`, size: 'small', direction: 'benefit', translation: 'About 2 points less on the PHQ-9 (0–27).' };
  if (o.robSummary === undefined) {
    const total = o.studies.reduce((s, x) => s + (x.weight ?? 0), 0) || 1;
    o.robSummary = (['D1', 'D2', 'D3', 'D4', 'D5', 'overall'] as const).map((d) => {
      const acc = { low: 0, some: 0, high: 0, missing: 0 };
      for (const x of o.studies) acc[x.rob?.[d] ?? 'missing'] += (100 * (x.weight ?? 0)) / total;
      const label = { D1: 'Randomisation process', D2: 'Deviations from intended interventions', D3: 'Missing outcome data', D4: 'Measurement of the outcome', D5: 'Selection of the reported result', overall: 'Overall' }[d];
      return { domain: d, label, ...acc };
    });
  }
  o.lowRiskOnly ??= o.k >= 5 ? { k: Math.max(2, Math.floor(o.k / 4)), estimate: r.estimate * 0.8, ciLower: r.ciLower! * 0.7, ciUpper: Math.min(-0.01, r.ciUpper! * 0.5), note: 'Studies at low risk of bias overall.' } : null;
  o.metaRegressionInfo ??= r.metaRegression ? { moderators: r.metaRegression.moderators, kUsed: r.metaRegression.k, kLeftOut: o.k - r.metaRegression.k, leftOut: [], note: `Run on the ${r.metaRegression.k} studies that report ${r.metaRegression.moderators.join(', ')}.` } : null;
}

export function sampleSnapshots(): ReviewSnapshot[] {
  return ALL_REVIEWS.map((review) => {
    const candidates = review.id === 'selfguided-depression' ? metapsyCandidates(getReview(review.id)) : [];
    const snap = buildSnapshot(review, candidates, NOW) as unknown as ReviewSnapshot;
    return withAnalysisFields(snap, review, candidates);
  });
}

export function writeSnapshots(dir: string, snaps: ReviewSnapshot[]): void {
  for (const s of snaps) {
    mkdirSync(join(dir, s.reviewId), { recursive: true });
    writeFileSync(join(dir, s.reviewId, 'latest.json'), JSON.stringify(s));
  }
}

/**
 * Two published versions of one review, so that the versions list and a version page have
 * something to show: v1 with five fewer depression studies, v2 (= latest) the snapshot itself.
 */
export function writeTwoVersions(dir: string, snap: ReviewSnapshot): void {
  const v1 = { ...snap, version: 1, outcomes: snap.outcomes.map((o) => (o.id === 'depression' ? { ...o, studies: o.studies.slice(0, -5), k: o.k - 5 } : o)) };
  const v2 = { ...snap, version: 2 };
  mkdirSync(join(dir, snap.reviewId), { recursive: true });
  writeFileSync(join(dir, snap.reviewId, 'v1.json'), JSON.stringify(v1));
  writeFileSync(join(dir, snap.reviewId, 'v2.json'), JSON.stringify(v2));
  writeFileSync(join(dir, snap.reviewId, 'latest.json'), JSON.stringify(v2));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2];
  if (!dir) throw new Error('usage: tsx test/site/sample.ts DIR');
  writeSnapshots(dir, sampleSnapshots());
  console.log(`wrote ${ALL_REVIEWS.length} snapshots to ${dir}`);
}
