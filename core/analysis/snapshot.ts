/**
 * From a review and its candidates to the published results snapshot: the one thing the dashboard
 * reads. Pure: the reanalysis handler loads candidates, calls `buildSnapshot`, and stores the result.
 *
 * Per outcome:
 *  1. every accepted, non-retracted study contributes its rows for that outcome at the preferred
 *     time point (or a spelling the review lists), with a listed instrument — the rule of
 *     core/analysis/entry.ts, which also says why a trial enters nothing (`excluded`); each row becomes an SMD (Hedges' g, arm 1 − arm 2, metafor's escalc) or is taken
 *     as given (yi, vi), then aligned to the outcome's direction (core/reviews/direction);
 *  2. a study with several rows (several instruments or comparisons) contributes one effect: its
 *     rows combined with metafor's aggregate(rho, struct = "CS"), ρ = `analysis.rho` or 0.6 as
 *     Metapsy (core/analysis/study-effects.ts); the three-level model and CHE-RVE on the rows
 *     themselves are carried beside it (`dependenceSensitivity`), and a primary outcome carries
 *     its multiverse of analysis choices (`multiverse`, core/analysis/multiverse.ts);
 *  3. the review's analysis settings (REML + HKSJ by default) run the full core/meta suite, plus
 *     one subgroup analysis per categorical moderator listed in `review.subgroups` and the
 *     meta-regression on `review.metaRegression`.
 */
import { analyze } from '../meta/index.js';
import { shortenText } from '../evidence/text.js';
import type { AnalysisResult } from '../meta/index.js';
import { isAnalysable, type Candidate } from '../evidence/candidate.js';
import { favoursIntervention, type Review } from '../reviews/index.js';
import { trialSequentialAnalysis, type TsaResult } from './tsa.js';
import {
  STATS_VERSION,
  analysisInputs,
  contentHash,
  diffVersions,
  diffLines,
  summaryLine,
  type AnalysisInputs,
  type SoftwareVersion,
  type VersionDiff,
} from './versions.js';
import { analysesEntered, notPooledReason, outcomeEffects } from './entry.js';
import { withDerivedModerators } from '../curation/facts.js';
import { poolAttrition, type AttritionSnapshot } from './attrition.js';
import { combineStudyEffects, rhoOf } from './study-effects.js';
import { dependenceSensitivity, type DependenceSensitivity, type StudyEffects } from './dependence-sensitivity.js';
import { multiverse, type Multiverse } from './multiverse.js';
import { longestFollowUpEffects } from './follow-up.js';
import type {
  Certainty,
  DisplayRules,
  EvidenceMap,
  GradeJudgements,
  Headline,
  LowRiskOnly,
  MetaRegressionInfo,
  PlainLanguage,
  RobDomains,
  RobSummaryRow,
  SourceSearched,
} from './fields.js';

import { registrationsOf, type SnapshotRegistration } from './registration.js';
import { displayRules, evidenceMap, headline, levelLabels, lowRiskOnly, metaRegressionInfo, metaRegressionPlan, canRegress, outcomeReading, robOf, robSummary, uniqueLabels } from './reading.js';

export type * from './fields.js';
export type { SnapshotRegistration, RegistrationTiming } from './registration.js';
export type { DependenceSensitivity, DependenceModelResult } from './dependence-sensitivity.js';
export type { Multiverse, MultiverseDimension, MultiverseOption, Specification } from './multiverse.js';

export const SNAPSHOT_SCHEMA_VERSION = 1;

export interface SnapshotStudy {
  id: string;
  label: string;
  year?: number;
  sources: string[];
  identifiers: { type: string; value: string }[];
  rob?: string;
  attribution?: string;
  retracted?: boolean;
  robDomains?: RobDomains;
  /** ids of the analyses (outcomes) the study is in */
  outcomes?: string[];
  /** The study's main record is a preprint: not peer-reviewed (yet). */
  preprint?: boolean;
  /** The main record's title. */
  title?: string;
  /**
   * Set when the study is retracted: the notice, and the version that first left it out of the
   * analyses (carried forward from version to version; null when that version predates this field).
   */
  retraction?: { notice: string | null; version: number | null; at: string | null };
  /** Its trial registrations: when registered against when started, and the planned outcomes. */
  registrations?: SnapshotRegistration[];
}

export interface OutcomeStudyRow {
  id: string;
  label: string;
  year?: number;
  yi: number;
  vi: number;
  ciLower: number;
  ciUpper: number;
  weight: number | null;
  n: number | null;
  rows: number;
  instruments: string[];
  flipped: boolean;
  moderators: Record<string, string | number>;
  rob?: RobDomains;
}

export interface SubgroupView {
  moderator: string;
  label: string;
  result: AnalysisResult['subgroups'];
  /** labels from the review file's moderator levels */
  levels: Array<{ level: string; label: string }>;
}

export interface OutcomeSnapshot {
  id: string;
  label: string;
  primary: boolean;
  direction: 'lower-is-better' | 'higher-is-better';
  /** Human sentence: which sign favours the intervention. */
  benefit: string;
  /**
   * What the pooled CI says, in the outcome's direction: null without a pooled estimate;
   * "no-clear-difference" when the CI includes 0.
   */
  verdict: Verdict | null;
  timepoint: string;
  k: number;
  participants: number | null;
  result: AnalysisResult | null;
  studies: OutcomeStudyRow[];
  subgroups: SubgroupView[];
  baseline: Review['baseline'];
  mid?: number;
  certainty: Certainty | null;
  plainLanguage: PlainLanguage | null;
  robSummary: RobSummaryRow[] | null;
  lowRiskOnly: LowRiskOnly | null;
  metaRegressionInfo: MetaRegressionInfo | null;
  display: DisplayRules;
  /** Trial sequential analysis (primary outcomes with an MID; null otherwise). */
  tsa?: TsaResult | null;
  /** The three-level model and CHE-RVE beside the main (aggregated) estimate; null without studies. */
  dependenceSensitivity?: DependenceSensitivity | null;
  /** Primary outcomes: the estimate under every combination of analysis choices; null otherwise. */
  multiverse?: Multiverse | null;
}

export type Verdict = 'favours-intervention' | 'favours-control' | 'no-clear-difference';

/** Reading of a pooled result for its outcome (one definition; the dashboard only displays it). */
export function verdictOf(review: Review, outcomeId: string, r: Pick<AnalysisResult, 'estimate' | 'ciLower' | 'ciUpper'> | null): Verdict | null {
  if (!r || r.estimate === null || r.ciLower === null || r.ciUpper === null) return null;
  if (r.ciLower <= 0 && r.ciUpper >= 0) return 'no-clear-difference';
  return favoursIntervention(review, outcomeId, r.estimate) ? 'favours-intervention' : 'favours-control';
}

export interface ChangeEntry {
  at: string;
  text: string;
  /** The version this entry describes (absent in snapshots from before versioning). */
  version?: number;
  /** Conclusions that moved in that version (feed summaries). */
  flags?: string[];
}

/** One point of the living curve: an outcome's pooled result as a published version showed it. */
export interface HistoryPoint {
  version: number;
  at: string;
  outcomes: { id: string; label: string; primary: boolean; k: number; estimate: number | null; ciLower: number | null; ciUpper: number | null }[];
}

export interface ReviewSnapshot {
  schemaVersion: number;
  reviewId: string;
  title: string;
  shortTitle: string;
  kind: Review['kind'];
  question: Review['question'];
  /** Same number as `version` (kept for readers of snapshots from before versioning). */
  revision: number;
  /** The published version: raised only when an analysis input changed (core/analysis/versions). */
  version: number;
  /** When this version was computed (ISO, with time). */
  generatedAt: string;
  /** SHA-256 of the analysis inputs, settings and statistics version (core/analysis/versions). */
  contentHash: string;
  software: SoftwareVersion;
  /** The exact inputs of every analysis of this version (`npm run reproduce` recomputes from them). */
  inputs: AnalysisInputs;
  /** What moved since the previous version, at displayed precision. */
  diff: VersionDiff;
  /** One line: the version's summary (versions list, feed). */
  summary: string;
  /** Every published version's pooled results, oldest first (the living curve). */
  history: HistoryPoint[];
  settings: { measure: 'SMD'; method: string; ci: string; level: number; dependence?: 'aggregate'; rho?: number };
  counts: Record<string, number>;
  outcomes: OutcomeSnapshot[];
  studies: SnapshotStudy[];
  excluded: { id: string; label: string; reason: string }[];
  map: Record<string, Record<string, number>>;
  attributions: string[];
  /** The review file's note on its published baseline (shown beside the baseline tables). */
  baselineNote?: string;
  changes: ChangeEntry[];
  headline: Headline | null;
  sources: SourceSearched[];
  evidenceMap: EvidenceMap | null;
  /** Pooled dropout (core/analysis/attrition.ts); null when the review does not pool attrition. */
  attrition: null | AttritionSnapshot;
}

/** Inputs of a snapshot beyond the candidates (loaded by the reanalysis handler). */
export interface SnapshotInputs {
  /** Leads' GRADE judgements by outcome id. */
  judgements?: GradeJudgements;
  /** When each source was last searched for this review (poll checkpoints; not an analysis input). */
  sources?: SourceSearched[];
  /** The software computing the version (core/analysis/versions). */
  software?: SoftwareVersion;
}

function label(c: Candidate): string {
  if (c.firstAuthor && c.year) return `${c.firstAuthor} ${c.year}`;
  if (c.firstAuthor) return c.firstAuthor;
  return c.title.length > 60 ? `${c.title.slice(0, 57)}…` : c.title;
}

/** Longest title a snapshot carries (characters, the ellipsis included). */
export const TITLE_MAX = 300;
export const shortTitle = (title: string): string => shortenText(title, TITLE_MAX);

function studyYear(c: Candidate): number | undefined {
  return c.extraction?.year ?? c.year;
}

/** A study's moderators, those restating a fact (year, RoB overall) taken from the fact itself (facts.ts). */
function moderatorsOf(review: Review, c: Candidate): Record<string, string | number> {
  const year = studyYear(c);
  const robOverall = c.extraction?.rob?.overall;
  return withDerivedModerators(review, c.extraction?.moderators, { ...(year !== undefined ? { year } : {}), ...(robOverall ? { robOverall } : {}) });
}

/**
 * A retracted study's notice and the version that first left it out: the previous version's when it
 * already recorded the retraction (its version unknown, null, when that version predates the field),
 * else this one.
 */
function retractionOf(c: Candidate, previous: ReviewSnapshot | null | undefined, version: number, at: string): NonNullable<SnapshotStudy['retraction']> {
  const notice = c.retractionNotice ?? null;
  const before = previous?.studies.find((s) => s.id === c.studyId);
  if (before?.retraction) return { notice, version: before.retraction.version, at: before.retraction.at };
  if (before?.retracted) return { notice, version: null, at: null };
  return { notice, version, at };
}

const Z975 = 1.959963984540054;

/** Builds the snapshot. `previous` (the last published version) feeds the diff and the version number. */
export function buildSnapshot(review: Review, candidates: Candidate[], now: Date, previous?: ReviewSnapshot | null, inputs: SnapshotInputs = {}): ReviewSnapshot {
  const at = now.toISOString();
  const version = (previous ? (previous.version ?? previous.revision) : 0) + 1;
  const counts = countsOf(candidates);

  const accepted = candidates.filter((c) => c.status === 'accepted');
  const labels = uniqueLabels(accepted.map((c) => ({ id: c.studyId, label: label(c) })));
  const labelOf = (c: Candidate) => labels.get(c.studyId) ?? label(c);
  const included = accepted.filter(isAnalysable);
  // Accepted but not pooled: every accepted trial that enters no analysis, with the reason (entry.ts).
  const excluded = accepted.flatMap((c) => {
    const reason = c.retracted
      ? `retracted${c.retractionNotice ? `: ${c.retractionNotice}` : ''}`
      : !isAnalysable(c)
        ? 'no analysable outcome data'
        : notPooledReason(analysesEntered(review, c.extraction));
    return reason === null ? [] : [{ id: c.studyId, label: labelOf(c), reason }];
  });

  const settings = {
    measure: 'SMD' as const,
    method: review.analysis.method,
    ci: review.analysis.ci,
    level: 0.95,
    dependence: 'aggregate' as const,
    rho: rhoOf(review),
  };

  /** The issue 11 fields of one outcome (logic in reading.ts). */
  const readingOf = (
    outcome: Review['outcomes'][number],
    rows: OutcomeStudyRow[],
    participants: number | null,
    result: AnalysisResult | null,
    nSubgroups: number,
    low: ReturnType<typeof lowRiskOnly>,
  ) => {
    const display = displayRules(result, nSubgroups);
    if (low.note) display.notes.push(low.note);
    const read = outcomeReading(review, outcome, { k: rows.length, participants, result, studies: rows }, display, inputs.judgements?.get(outcome.id));
    return {
      ...read,
      robSummary: robSummary(rows),
      lowRiskOnly: low.value,
      metaRegressionInfo: rows.length ? metaRegressionInfo(review, metaRegressionPlan(review, rows), rows, result?.metaRegression ?? null) : null,
      display,
    };
  };

  const outcomes: OutcomeSnapshot[] = review.outcomes.map((outcome) => {
    const timepoint = outcome.timepoint.preferred;
    const rows: OutcomeStudyRow[] = [];
    const studyEffects: StudyEffects[] = [];
    for (const c of included) {
      const { effects } = outcomeEffects(review, outcome, c.extraction);
      if (effects.length === 0) continue;
      studyEffects.push({ id: c.studyId, effects, ...(robOf(c)?.overall ? { rob: robOf(c)!.overall } : {}) });
      const { yi, vi } = combineStudyEffects(effects, settings.rho);
      const ns = effects.map((e) => e.n).filter((n): n is number => n !== null);
      const se = Math.sqrt(vi);
      rows.push({
        id: c.studyId,
        label: labelOf(c),
        year: studyYear(c),
        yi,
        vi,
        ciLower: yi - Z975 * se,
        ciUpper: yi + Z975 * se,
        weight: null,
        n: ns.length ? Math.max(...ns) : null,
        rows: effects.length,
        instruments: [...new Set(effects.map((e) => e.instrument))],
        flipped: effects.some((e) => e.flipped),
        moderators: moderatorsOf(review, c),
        ...(robOf(c) ? { rob: robOf(c) } : {}),
      });
    }
    // Cumulative order: by year, ties in a stable order (study id) so re-runs agree.
    rows.sort((a, b) => (a.year ?? 9999) - (b.year ?? 9999) || a.id.localeCompare(b.id));

    let result: AnalysisResult | null = null;
    const subgroups: SubgroupView[] = [];
    // Meta-regression on the studies that have its moderators (reading.ts); the rest are left out and counted.
    const mrPlan = metaRegressionPlan(review, rows);
    let low: ReturnType<typeof lowRiskOnly> = { value: null, note: null };
    if (rows.length > 0) {
      const studies = rows.map((r) => ({ id: r.id, year: r.year ?? 9999, yi: r.yi, vi: r.vi, moderators: mrPlan.moderatorsOf(r) }));
      const base = { measure: 'GEN' as const, method: settings.method, ci: settings.ci, level: settings.level, studies };
      result = analyze({
        ...base,
        ...(canRegress(mrPlan) ? { metaRegression: mrPlan.moderators } : {}),
      });
      const weights = new Map(result.studies.map((s) => [s.id, s.weight]));
      for (const r of rows) r.weight = weights.get(r.id) ?? null;
      for (const modId of review.subgroups ?? []) {
        const mod = review.moderators.find((m) => m.id === modId);
        if (!mod || mod.type !== 'categorical') continue;
        const withLevel = rows.filter((r) => typeof r.moderators[modId] === 'string');
        const levels = new Set(withLevel.map((r) => r.moderators[modId]));
        if (withLevel.length < 2 || levels.size < 2) continue;
        const sub = analyze({
          ...base,
          studies: studies.filter((s) => typeof s.moderators[modId] === 'string'),
          subgroup: modId,
        });
        subgroups.push({ moderator: modId, label: mod.label, result: sub.subgroups, levels: levelLabels(review, modId, sub.subgroups?.groups.map((g) => g.level) ?? []) });
      }
      low = lowRiskOnly(base, studies, new Map(rows.map((r) => [r.id, r.rob])), result);
    }
    const participants = rows.every((r) => r.n !== null) && rows.length ? rows.reduce((s, r) => s + (r.n ?? 0), 0) : null;
    const robustness = robustnessOf(review, outcome, included, studyEffects, result, settings);
    return {
      id: outcome.id,
      label: outcome.label,
      primary: outcome.primary,
      direction: outcome.direction,
      benefit:
        outcome.direction === 'lower-is-better'
          ? 'Negative values favour the intervention (fewer symptoms).'
          : 'Positive values favour the intervention.',
      verdict: verdictOf(review, outcome.id, result),
      timepoint,
      k: rows.length,
      participants,
      result,
      studies: rows,
      subgroups,
      baseline: (review.baseline ?? []).filter((b) => b.outcome === outcome.id),
      ...(outcome.mid !== undefined ? { mid: outcome.mid } : {}),
      ...readingOf(outcome, rows, participants, result, subgroups.length, low),
      // Sequential monitoring of a primary outcome (sensitivity analysis, core/analysis/tsa).
      tsa: outcome.primary ? trialSequentialAnalysis(rows, { mid: outcome.mid, direction: outcome.direction }) : null,
      ...robustness,
    };
  });

  const studies: SnapshotStudy[] = accepted.map((c) => ({
    id: c.studyId,
    label: labelOf(c),
    year: studyYear(c),
    sources: c.sources,
    identifiers: c.identifiers,
    ...(c.extraction?.rob ? { rob: c.extraction.rob.overall } : {}),
    ...(c.attribution ? { attribution: c.attribution } : {}),
    ...(c.retracted ? { retracted: true } : {}),
    ...(robOf(c) ? { robDomains: robOf(c) } : {}),
    outcomes: outcomes.filter((o) => o.studies.some((r) => r.id === c.studyId)).map((o) => o.id),
    ...(c.preprint ? { preprint: true } : {}),
    title: shortTitle(c.title),
    ...(c.retracted ? { retraction: retractionOf(c, previous, version, at) } : {}),
    ...(registrationsOf(c).length ? { registrations: registrationsOf(c) } : {}),
  }));

  const map: Record<string, Record<string, number>> = { year: {} };
  for (const c of accepted) {
    const y = studyYear(c);
    const key = y ? String(y) : 'unknown';
    map.year[key] = (map.year[key] ?? 0) + 1;
    for (const [m, v] of Object.entries(c.extraction?.moderators ?? {})) {
      if (typeof v !== 'string') continue;
      map[m] ??= {};
      map[m][v] = (map[m][v] ?? 0) + 1;
    }
  }

  const attributions = [...new Set(accepted.map((c) => c.attribution).filter((a): a is string => !!a))];
  const analysis = analysisInputs(review, candidates, inputs.judgements);
  const software = inputs.software ?? { stats: STATS_VERSION };
  const snapshot: ReviewSnapshot = {
    schemaVersion: SNAPSHOT_SCHEMA_VERSION,
    reviewId: review.id,
    title: review.title,
    shortTitle: review.shortTitle,
    kind: review.kind,
    question: review.question,
    revision: version,
    version,
    generatedAt: at,
    contentHash: contentHash(analysis, software.stats),
    software,
    inputs: analysis,
    diff: { from: null, added: [], removed: [], corrected: [], retracted: [], outcomes: [], settings: [], flags: [] },
    summary: '',
    history: [],
    settings,
    counts,
    outcomes,
    studies,
    excluded,
    map,
    attributions,
    ...(review.baselineNote ? { baselineNote: review.baselineNote } : {}),
    changes: [],
    headline: headline(outcomes, previous),
    sources: inputs.sources ?? [],
    evidenceMap: evidenceMap(review, accepted.map((c) => ({ year: studyYear(c), moderators: moderatorsOf(review, c) }))),
    attrition: poolAttrition(review, included.map((c) => ({ id: c.studyId, label: labelOf(c), year: studyYear(c), arms: c.extraction!.arms }))),
  };
  const removalReasons = new Map<string, string>();
  for (const c of candidates) {
    const w = (c as { withdrawal?: { reason?: string } }).withdrawal;
    if (c.status === 'withdrawn' && w?.reason) removalReasons.set(c.studyId, `withdrawn: ${w.reason}`);
    else if (c.status !== 'accepted') removalReasons.set(c.studyId, `now ${c.status}`);
  }
  snapshot.diff = diffVersions(previous ?? null, snapshot, { removalReasons });
  snapshot.summary = summaryLine(snapshot.diff, snapshot);
  snapshot.changes = [{ at, version, text: snapshot.summary, flags: snapshot.diff.flags.map((f) => f.text) }, ...(previous?.changes ?? []).filter((c) => c.version !== undefined)];
  snapshot.history = [...(previous?.history ?? []), historyPoint(snapshot)];
  return snapshot;
}

/** The dependence sensitivity analyses and (primary outcomes) the multiverse of one outcome. */
function robustnessOf(
  review: Review,
  outcome: Review['outcomes'][number],
  included: Candidate[],
  studyEffects: StudyEffects[],
  result: AnalysisResult | null,
  settings: { ci: string; method: string; level: number; rho: number },
): Pick<OutcomeSnapshot, 'dependenceSensitivity' | 'multiverse'> {
  const favours = (x: number) => favoursIntervention(review, outcome.id, x);
  const ci = settings.ci === 'z' ? 'z' : 'knha';
  const main = { rho: settings.rho, estimate: result?.estimate ?? null, ciLower: result?.ciLower ?? null, ciUpper: result?.ciUpper ?? null };
  const dependence = dependenceSensitivity(studyEffects, main, { ci, level: settings.level, favours });
  if (!outcome.primary || studyEffects.length === 0) return { dependenceSensitivity: dependence, multiverse: null };
  const followUp: StudyEffects[] = [];
  for (const c of included) {
    const { effects } = longestFollowUpEffects(review, outcome, c.extraction);
    if (effects.length) followUp.push({ id: c.studyId, effects, ...(robOf(c)?.overall ? { rob: robOf(c)!.overall } : {}) });
  }
  const mv = multiverse({ post: studyEffects, followUp, main: { method: settings.method, ci, rho: settings.rho }, level: settings.level, favours });
  return { dependenceSensitivity: dependence, multiverse: mv };
}

function historyPoint(s: ReviewSnapshot): HistoryPoint {
  return {
    version: s.version,
    at: s.generatedAt,
    outcomes: s.outcomes.map((o) => ({
      id: o.id,
      label: o.label,
      primary: o.primary,
      k: o.k,
      estimate: o.result?.estimate ?? null,
      ciLower: o.result?.ciLower ?? null,
      ciUpper: o.result?.ciUpper ?? null,
    })),
  };
}

/**
 * Whether the candidates as they are now make a new version: only when the content hash of the
 * analysis inputs (+ settings + statistics version) differs from the latest version's. Screening,
 * queue movement, stream replays and restarts leave the hash alone, so they never make a version;
 * `counts` (the curation flow) is returned either way for the page.
 */
export function planVersion(
  review: Review,
  candidates: Candidate[],
  now: Date,
  previous: ReviewSnapshot | null,
  inputs: SnapshotInputs = {},
): { publish: true; snapshot: ReviewSnapshot; counts: Record<string, number> } | { publish: false; hash: string; counts: Record<string, number> } {
  const counts = countsOf(candidates);
  const hash = contentHash(analysisInputs(review, candidates, inputs.judgements), (inputs.software ?? { stats: STATS_VERSION }).stats);
  if (previous && previous.contentHash === hash) return { publish: false, hash, counts };
  return { publish: true, snapshot: buildSnapshot(review, candidates, now, previous, inputs), counts };
}

/** Candidates per curation status, plus `total` (the curation flow the page shows). */
export function countsOf(candidates: Candidate[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const c of candidates) counts[c.status] = (counts[c.status] ?? 0) + 1;
  counts.total = candidates.length;
  return counts;
}

/** What moved between two snapshots, in words (kept for callers of the changelog API). */
export function describeChanges(prev: ReviewSnapshot | null, next: ReviewSnapshot): ChangeEntry[] {
  const version = next.version ?? next.revision;
  return diffLines(diffVersions(prev, next)).map((text) => ({ at: next.generatedAt, version, text }));
}
