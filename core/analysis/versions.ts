/**
 * Versions of a review's results: what counts as a change, and what changed.
 *
 * A published version is made only when an input of an analysis changes (core/analysis/snapshot's
 * `planVersion` decides with the content hash defined here):
 *  - the set of accepted studies, and for each its extracted data, moderators, risk-of-bias and
 *    year (the cumulative order), and whether it was retracted;
 *  - the review's analysis settings (everything in the review file except its search, schedule,
 *    eligibility and display texts: outcomes, instruments, directions, MIDs, moderators, subgroups,
 *    meta-regression, analysis method, GRADE settings a review may carry);
 *  - the software's statistics version (`STATS_VERSION`, raised whenever a change to core/meta or
 *    core/analysis can change a published number).
 * Screening, queue movement, titles and identifiers are not analysis inputs: they never make a
 * version (the curation counts the page shows are published separately, see the snapshot store).
 *
 * The diff between two versions lists studies added, removed (with the withdrawal reason),
 * corrected (with what was corrected) and retracted, and per outcome the estimate, CI, PI, τ², I²,
 * k, participants and certainty before → after, each compared at the precision the pages display:
 * a change invisible there is not a change. Flags mark a moved conclusion.
 *
 * Pure: no I/O. Hashing uses node:crypto's SHA-256 (computation only).
 */
import { createHash } from 'node:crypto';
import type { Candidate } from '../evidence/candidate.js';
import type { Review } from '../reviews/index.js';
import type { GradeJudgement, GradeJudgements } from './fields.js';
import { signedFixed } from './numbers.js';

/**
 * The statistics version: raise it (date + counter) with every change to core/meta or to the
 * snapshot arithmetic that can change a published value. A raise makes one new version per review.
 */
export const STATS_VERSION = '2026.12.3'; // .2: meta-regression results carry the coefficient covariance (vcov); .3: a study's effects aggregated with rho = 0.6, dependence sensitivity, multiverse

export interface SoftwareVersion {
  /** `STATS_VERSION` of the code that computed the version. */
  stats: string;
  /** package.json version. */
  package?: string;
  /** git commit, when the runner knows it. */
  commit?: string;
}

/** Review-file fields that are not analysis inputs (search, schedule, texts, display-only figures). */
const NON_ANALYSIS_REVIEW_FIELDS = new Set([
  'title',
  'shortTitle',
  'summary',
  'question',
  'eligibility',
  'searches',
  'cadence',
  'sources',
  'seed',
  'baseline',
  'baselineNote',
  'exclusionReasons',
  'screening',
]);

/** One accepted study as an analysis input (what a reproduction needs, nothing the pollers touch). */
export interface InputStudy {
  studyId: string;
  status: Candidate['status'];
  title: string;
  firstAuthor?: string;
  year?: number;
  retracted?: boolean;
  retractionNotice?: string;
  extraction?: Candidate['extraction'];
  sources: Candidate['sources'];
  identifiers: Candidate['identifiers'];
  attribution?: string;
}

export interface AnalysisInputs {
  /** The review file as the analysis read it (settings included). */
  review: Review;
  /** Every accepted study, sorted by study id. */
  studies: InputStudy[];
  /** The leads' GRADE judgements, by outcome id (sorted). */
  grade?: [string, GradeJudgement[]][];
}

export function inputStudy(c: Candidate): InputStudy {
  return {
    studyId: c.studyId,
    status: c.status,
    title: c.title,
    ...(c.firstAuthor !== undefined ? { firstAuthor: c.firstAuthor } : {}),
    ...(c.year !== undefined ? { year: c.year } : {}),
    ...(c.retracted ? { retracted: true } : {}),
    ...(c.retractionNotice ? { retractionNotice: c.retractionNotice } : {}),
    ...(c.extraction ? { extraction: c.extraction } : {}),
    sources: c.sources,
    identifiers: c.identifiers,
    ...(c.attribution ? { attribution: c.attribution } : {}),
  };
}

const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function analysisInputs(review: Review, candidates: Candidate[], judgements?: GradeJudgements): AnalysisInputs {
  const studies = candidates
    .filter((c) => c.status === 'accepted')
    .map(inputStudy)
    .sort((a, b) => byKey(a.studyId, b.studyId));
  const grade = judgements ? [...judgements].map(([k, v]) => [k, [...v]] as [string, GradeJudgement[]]).sort((a, b) => byKey(a[0], b[0])) : [];
  return { review, studies, ...(grade.length ? { grade } : {}) };
}

/** The stored judgements back as the map buildSnapshot takes. */
export function judgementsOf(inputs: AnalysisInputs): GradeJudgements {
  return new Map((inputs.grade ?? []).map(([k, v]) => [k, v]));
}

/** The part of a study that is an analysis input (extraction minus free-text notes). */
function studyView(s: InputStudy): unknown {
  const ex = s.extraction;
  let extraction: unknown = null;
  if (ex) {
    const rest: Record<string, unknown> = Object.create(null);
    for (const [k, v] of Object.entries(ex)) if (k !== 'notes' && k !== 'sourceLocation') rest[k] = v;
    extraction = rest;
  }
  return { id: s.studyId, year: s.year ?? null, retracted: s.retracted ?? false, extraction };
}

/** A candidate's analysis inputs as one string (null when it is not accepted): equal key, same analysis. */
export function analysisKey(c: Candidate): string | null {
  return c.status === 'accepted' ? canonicalJson(studyView(inputStudy(c))) : null;
}

function reviewView(r: Review): unknown {
  const out: Record<string, unknown> = Object.create(null);
  for (const [k, v] of Object.entries(r)) if (!NON_ANALYSIS_REVIEW_FIELDS.has(k)) out[k] = v;
  return out;
}

/**
 * JSON with object keys sorted at every level, written directly (never through an object literal,
 * so keys such as `__proto__` from extracted moderators are hashed like any other).
 */
export function canonicalJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number') return Number.isFinite(v) ? JSON.stringify(v) : 'null';
  if (typeof v === 'string' || typeof v === 'boolean') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(',')}}`;
  }
  return 'null';
}

/** SHA-256 of the analysis inputs, the settings and the statistics version: equal hash, same version. */
export function contentHash(inputs: AnalysisInputs, statsVersion: string = STATS_VERSION): string {
  // GRADE judgements count by what they decide (not who or when).
  const grade = (inputs.grade ?? []).map(([k, v]) => [k, v.map((j) => ({ domain: j.domain, action: j.action, downgrade: j.downgrade, reason: j.reason }))]);
  const body = canonicalJson({ stats: statsVersion, review: reviewView(inputs.review), studies: inputs.studies.map(studyView), grade });
  return `sha256:${createHash('sha256').update(body).digest('hex')}`;
}

// ---------------------------------------------------------------------------------------------
// Displayed precision

export type OutcomeField = 'estimate' | 'ciLower' | 'ciUpper' | 'piLower' | 'piUpper' | 'tau2' | 'i2' | 'k' | 'participants' | 'certainty';

export const FIELD_LABELS: Record<OutcomeField, string> = {
  estimate: 'pooled SMD',
  ciLower: '95% CI lower',
  ciUpper: '95% CI upper',
  piLower: 'prediction interval lower',
  piUpper: 'prediction interval upper',
  tau2: 'τ²',
  i2: 'I²',
  k: 'studies',
  participants: 'participants',
  certainty: 'certainty',
};

/** Decimals the pages show for each field (OutcomeView: SMD and intervals 2, τ² 3, I² 0 in percent). */
const DECIMALS: Partial<Record<OutcomeField, number>> = { estimate: 2, ciLower: 2, ciUpper: 2, piLower: 2, piUpper: 2, tau2: 3, i2: 0 };

/** A value as the pages display it ("−0.00" shown as "0.00"; the minus is U+2212). */
export function displayed(field: OutcomeField, v: number | string | null | undefined): string {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'string') return v;
  if (!Number.isFinite(v)) return '–';
  const d = DECIMALS[field];
  const s = signedFixed(v, d ?? 0);
  return field === 'i2' ? `${s}%` : s;
}

// ---------------------------------------------------------------------------------------------
// Diff between two versions

/** The fields of a snapshot outcome the diff reads (a structural subset of OutcomeSnapshot). */
export interface DiffOutcome {
  id: string;
  label: string;
  primary: boolean;
  direction: 'lower-is-better' | 'higher-is-better';
  k: number;
  participants: number | null;
  mid?: number;
  result: {
    estimate: number | null;
    ciLower: number | null;
    ciUpper: number | null;
    piLower: number | null;
    piUpper: number | null;
    tau2: number | null;
    i2: number | null;
    metaRegression?: { coefficients: { name: string }[] } | null;
  } | null;
  subgroups?: { moderator: string; label: string }[];
  certainty?: { rating: string } | null;
}

export interface DiffSnapshot {
  version?: number;
  revision: number;
  studies: { id: string; label: string; retracted?: boolean }[];
  excluded: { id: string; label: string; reason: string }[];
  outcomes: DiffOutcome[];
  inputs?: AnalysisInputs;
  software?: SoftwareVersion;
  settings?: Record<string, unknown>;
}

export type FlagKind = 'ci-excludes-null' | 'ci-includes-null' | 'crossed-mid' | 'pi-sign' | 'certainty' | 'retracted' | 'first-estimate' | 'no-estimate';

export interface VersionFlag {
  kind: FlagKind;
  outcome?: string;
  text: string;
}

export interface FieldChange {
  field: OutcomeField;
  label: string;
  before: string;
  after: string;
}

export interface OutcomeDiff {
  id: string;
  label: string;
  primary: boolean;
  changes: FieldChange[];
  /** Analyses that appeared or disappeared (subgroups, meta-regression), in words. */
  analyses: string[];
  flags: VersionFlag[];
}

export interface StudyChange {
  id: string;
  label: string;
  reason?: string;
}

export interface VersionDiff {
  /** The version compared against; null for the first version. */
  from: number | null;
  added: StudyChange[];
  removed: StudyChange[];
  corrected: StudyChange[];
  retracted: StudyChange[];
  outcomes: OutcomeDiff[];
  /** Settings or software changes, in words. */
  settings: string[];
  flags: VersionFlag[];
}

const sideOf = (lo: number | null, hi: number | null): 'above' | 'below' | 'spans' | null =>
  lo === null || hi === null ? null : lo > 0 ? 'above' : hi < 0 ? 'below' : 'spans';

/** Benefit on the outcome's scale: positive = the intervention is better. */
const benefitOf = (o: DiffOutcome, x: number) => (o.direction === 'lower-is-better' ? -x : x);

function outcomeFlags(p: DiffOutcome | undefined, n: DiffOutcome): VersionFlag[] {
  const out: VersionFlag[] = [];
  const pr = p?.result ?? null;
  const nr = n.result;
  const L = n.label;
  if (!pr || pr.estimate === null) {
    if (nr && nr.estimate !== null)
      out.push({ kind: 'first-estimate', outcome: n.id, text: `${L}: first pooled estimate, SMD ${displayed('estimate', nr.estimate)} [${displayed('ciLower', nr.ciLower)}, ${displayed('ciUpper', nr.ciUpper)}]` });
    return out;
  }
  if (!nr || nr.estimate === null) {
    out.push({ kind: 'no-estimate', outcome: n.id, text: `${L}: no pooled estimate any more` });
    return out;
  }
  const ps = sideOf(pr.ciLower, pr.ciUpper);
  const ns = sideOf(nr.ciLower, nr.ciUpper);
  if (ps && ns && ps !== ns) {
    if (ns === 'spans') out.push({ kind: 'ci-includes-null', outcome: n.id, text: `${L}: the confidence interval now includes no effect` });
    else {
      const fav = benefitOf(n, nr.estimate) > 0 ? 'the intervention' : 'the control';
      out.push({ kind: 'ci-excludes-null', outcome: n.id, text: `${L}: the confidence interval now excludes no effect (favours ${fav})` });
    }
  }
  if (n.mid !== undefined) {
    const before = benefitOf(n, pr.estimate) >= n.mid;
    const after = benefitOf(n, nr.estimate) >= n.mid;
    if (before !== after)
      out.push({
        kind: 'crossed-mid',
        outcome: n.id,
        text: `${L}: the estimate is now ${after ? 'at or beyond' : 'below'} the minimal important difference (${n.mid})`,
      });
  }
  const pp = sideOf(pr.piLower, pr.piUpper);
  const np = sideOf(nr.piLower, nr.piUpper);
  if (pp && np && pp !== np) {
    const words = { spans: 'includes no effect', above: 'lies wholly above zero', below: 'lies wholly below zero' };
    out.push({ kind: 'pi-sign', outcome: n.id, text: `${L}: the prediction interval now ${words[np]} (was: ${words[pp]})` });
  }
  const pc = p?.certainty?.rating;
  const nc = n.certainty?.rating;
  if (pc && nc && pc !== nc) out.push({ kind: 'certainty', outcome: n.id, text: `${L}: certainty ${pc} → ${nc}` });
  return out;
}

function fieldValue(o: DiffOutcome | undefined, f: OutcomeField): number | string | null {
  if (!o) return f === 'k' ? 0 : null;
  if (f === 'k') return o.k;
  if (f === 'participants') return o.participants;
  if (f === 'certainty') return o.certainty?.rating ?? null;
  return o.result?.[f] ?? null;
}

const FIELDS: OutcomeField[] = ['estimate', 'ciLower', 'ciUpper', 'piLower', 'piUpper', 'tau2', 'i2', 'k', 'participants', 'certainty'];

function analysesOf(o: DiffOutcome | undefined): Map<string, string> {
  const m = new Map<string, string>();
  for (const s of o?.subgroups ?? []) m.set(`subgroup:${s.moderator}`, `subgroup analysis by ${s.label}`);
  const coefs = o?.result?.metaRegression?.coefficients?.filter((c) => c.name !== 'intercept').map((c) => c.name);
  if (coefs?.length) m.set('metareg', `meta-regression on ${coefs.join(', ')}`);
  return m;
}

function studyInputView(s: InputStudy | undefined): Record<string, string> {
  const ex = s?.extraction;
  return {
    'outcome data': JSON.stringify(ex?.outcomes ?? null),
    moderators: canonicalJson(ex?.moderators ?? null),
    'risk of bias': canonicalJson(ex?.rob ?? null),
    'year (cumulative order)': String(s?.year ?? ex?.year ?? ''),
    arms: JSON.stringify(ex?.arms ?? null),
  };
}

function correctionReason(a: InputStudy | undefined, b: InputStudy | undefined): string | null {
  if (!a || !b) return null;
  const va = studyInputView(a);
  const vb = studyInputView(b);
  const parts: string[] = [];
  for (const k of Object.keys(vb)) {
    if (va[k] === vb[k]) continue;
    if (k === 'risk of bias' && a.extraction?.rob && b.extraction?.rob && a.extraction.rob.overall !== b.extraction.rob.overall)
      parts.push(`risk of bias ${a.extraction.rob.overall} → ${b.extraction.rob.overall}`);
    else parts.push(`${k} corrected`);
  }
  return parts.length ? parts.join('; ') : null;
}

export interface DiffContext {
  /** studyId → why it left (a withdrawal reason), for studies no longer accepted. */
  removalReasons?: Map<string, string>;
}

/** What moved from `prev` to `next`, at displayed precision. */
export function diffVersions(prev: DiffSnapshot | null, next: DiffSnapshot, ctx: DiffContext = {}): VersionDiff {
  const prevStudies = new Map((prev?.studies ?? []).map((s) => [s.id, s]));
  const nextStudies = new Map(next.studies.map((s) => [s.id, s]));
  const added = next.studies.filter((s) => !prevStudies.has(s.id)).map((s) => ({ id: s.id, label: s.label }));
  const removed = (prev?.studies ?? [])
    .filter((s) => !nextStudies.has(s.id))
    .map((s) => {
      const reason = ctx.removalReasons?.get(s.id);
      return { id: s.id, label: s.label, ...(reason ? { reason } : {}) };
    });
  const prevRetracted = new Set((prev?.studies ?? []).filter((s) => s.retracted).map((s) => s.id));
  const retracted = next.studies
    .filter((s) => s.retracted && !prevRetracted.has(s.id))
    .map((s) => {
      const ex = next.excluded.find((e) => e.id === s.id);
      return { id: s.id, label: s.label, ...(ex ? { reason: ex.reason } : {}) };
    });
  const corrected: StudyChange[] = [];
  if (prev?.inputs && next.inputs) {
    const before = new Map(prev.inputs.studies.map((s) => [s.studyId, s]));
    for (const s of next.inputs.studies) {
      if (!prevStudies.has(s.studyId) || retracted.some((r) => r.id === s.studyId)) continue;
      const reason = correctionReason(before.get(s.studyId), s);
      if (reason) corrected.push({ id: s.studyId, label: nextStudies.get(s.studyId)?.label ?? s.studyId, reason });
    }
  }

  const outcomes: OutcomeDiff[] = [];
  for (const n of next.outcomes) {
    const p = prev?.outcomes.find((x) => x.id === n.id);
    const changes: FieldChange[] = [];
    for (const f of FIELDS) {
      const b = displayed(f, fieldValue(p, f));
      const a = displayed(f, fieldValue(n, f));
      if (b !== a) changes.push({ field: f, label: FIELD_LABELS[f], before: b, after: a });
    }
    const pa = analysesOf(p);
    const na = analysesOf(n);
    const analyses: string[] = [];
    for (const [k, v] of na) if (!pa.has(k)) analyses.push(`${v} now fitted`);
    for (const [k, v] of pa) if (!na.has(k)) analyses.push(`${v} no longer fitted`);
    const flags = prev ? outcomeFlags(p, n) : [];
    if (changes.length || analyses.length || flags.length) outcomes.push({ id: n.id, label: n.label, primary: n.primary, changes, analyses, flags });
  }

  const settings: string[] = [];
  if (prev) {
    const ps = prev.software?.stats;
    const ns = next.software?.stats;
    if (ps && ns && ps !== ns) settings.push(`statistics version ${ps} → ${ns}`);
    if (prev.inputs && next.inputs && canonicalJson(reviewView(prev.inputs.review)) !== canonicalJson(reviewView(next.inputs.review)))
      settings.push('review analysis settings changed');
    else if (prev.settings && next.settings && canonicalJson(prev.settings) !== canonicalJson(next.settings)) settings.push('analysis settings changed');
  }

  const flags: VersionFlag[] = [
    ...retracted.map((r) => {
      const notice = r.reason?.replace(/^retracted:?\s*/, '');
      return { kind: 'retracted' as const, text: `${r.label} was retracted and left the analysis${notice ? ` (notice: ${notice})` : ''}` };
    }),
    ...outcomes.flatMap((o) => o.flags),
  ];
  return { from: prev ? (prev.version ?? prev.revision) : null, added, removed, corrected, retracted, outcomes, settings, flags };
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
const names = (xs: StudyChange[]) => `${xs.slice(0, 3).map((x) => x.label).join('; ')}${xs.length > 3 ? `; +${xs.length - 3} more` : ''}`;

/** One line for the versions list and the feed. */
export function summaryLine(diff: VersionDiff, next: DiffSnapshot): string {
  if (diff.from === null) {
    const o = next.outcomes.find((x) => x.primary && x.result?.estimate != null) ?? next.outcomes.find((x) => x.result?.estimate != null);
    return `First published version: ${plural(next.studies.length, 'study', 'studies')}${o?.result ? `; ${o.label} SMD ${displayed('estimate', o.result.estimate)} [${displayed('ciLower', o.result.ciLower)}, ${displayed('ciUpper', o.result.ciUpper)}]` : ''}`;
  }
  const parts: string[] = [];
  if (diff.added.length) parts.push(`${plural(diff.added.length, 'study', 'studies')} added (${names(diff.added)})`);
  if (diff.removed.length) parts.push(`${plural(diff.removed.length, 'study', 'studies')} removed (${names(diff.removed)})`);
  if (diff.corrected.length) parts.push(`${plural(diff.corrected.length, 'study', 'studies')} corrected (${names(diff.corrected)})`);
  parts.push(...diff.settings);
  const primary = diff.outcomes.find((o) => o.primary && o.changes.some((c) => c.field === 'estimate')) ?? diff.outcomes.find((o) => o.changes.some((c) => c.field === 'estimate'));
  const est = primary?.changes.find((c) => c.field === 'estimate');
  // A first estimate has no "before": its flag below gives it with its interval.
  if (primary && est && !diff.flags.some((f) => f.kind === 'first-estimate' && f.outcome === primary.id)) parts.push(`${primary.label} SMD ${est.before} → ${est.after}`);
  // Retractions first (they are the news), then the outcome flags.
  parts.splice(diff.added.length ? 1 : 0, 0, ...diff.flags.filter((f) => f.kind === 'retracted').map((f) => f.text));
  for (const f of diff.flags) if (f.kind !== 'retracted') parts.push(f.text);
  if (!parts.length) parts.push('recomputed; no change at displayed precision');
  return parts.join('; ');
}

/** Readable lines for one version's diff (the page's "What changed" and the feed's content). */
export function diffLines(diff: VersionDiff): string[] {
  const out: string[] = [];
  for (const s of diff.added) out.push(`Added: ${s.label}`);
  for (const s of diff.removed) out.push(`Removed: ${s.label}${s.reason ? ` (${s.reason})` : ''}`);
  for (const s of diff.retracted) out.push(`Retracted: ${s.label}${s.reason ? ` (${s.reason})` : ''}`);
  for (const s of diff.corrected) out.push(`Corrected: ${s.label}${s.reason ? ` (${s.reason})` : ''}`);
  for (const s of diff.settings) out.push(`Settings: ${s}`);
  for (const o of diff.outcomes) {
    const fields = o.changes.map((c) => `${c.label} ${c.before} → ${c.after}`);
    if (fields.length || o.analyses.length) out.push(`${o.label}: ${[...fields, ...o.analyses].join('; ')}`);
  }
  return out;
}

/** "Title. Living review, version N (date). URL" — a citation line for a version. */
export function citationLine(s: { title: string; version?: number; revision: number; generatedAt: string }, url: string): string {
  const n = s.version ?? s.revision;
  return `${s.title}. Living review, version ${n} (${s.generatedAt.slice(0, 10)}). ${url}`;
}
