/**
 * Which analyses a trial's extraction enters, and why not: the ONE rule the snapshot pools by and
 * the curation preview shows before accepting ("depression, post: yes; quality of life: no data").
 *
 * A row of the extraction enters an outcome's analysis when
 *  1. its outcome is that outcome;
 *  2. its time point is the outcome's preferred one or one of the review's own aliases for it
 *     (`outcome.timepoint.aliases`), compared with case, spaces, dashes and underscores ignored —
 *     nothing else is guessed: "post-test" enters only where the review lists it;
 *  3. its instrument is one of the outcome's instruments (by name or alias): an unlisted instrument
 *     has no known direction and waits for a lead to map it;
 *  4. a lead has not confirmed that it stays out (`unpooled`, with the reason shown instead);
 *  5. it has complete arm data (n, mean, SD in both arms) or an effect (yi, vi > 0), all finite.
 * Each surviving row becomes an SMD (escalc, arm 1 − arm 2) aligned to the outcome's direction.
 *
 * Pure; tolerant of malformed stored drafts (a row that is not an object is skipped, never thrown).
 */
import { escalcSMD } from '../meta/index.js';
import type { Extraction } from '../evidence/candidate.js';
import { alignToOutcomeDetailed, findInstrument, normaliseInstrumentName, type Outcome, type Review } from '../reviews/index.js';

export interface RowEffect {
  yi: number;
  vi: number;
  n: number | null;
  instrument: string;
  flipped: boolean;
}

export interface AnalysisEntry {
  outcomeId: string;
  label: string;
  /** The time point the outcome's analysis uses (the review's preferred one). */
  timepoint: string;
  enters: boolean;
  /** Why not, in plain words (only when `enters` is false). */
  reason?: string;
  /** Rows that enter (a study with several contributes their mean). */
  rows: number;
}

/** Case, spaces, dashes and underscores ignored: "Post-test", "post test", "posttest" are one spelling. */
export const normaliseTimepoint = normaliseInstrumentName;

/** Whether `timepoint` is the outcome's analysed time point or one of the review's aliases for it. */
export function timepointMatches(outcome: Outcome, timepoint: unknown): boolean {
  if (typeof timepoint !== 'string') return false;
  const t = normaliseTimepoint(timepoint);
  return [outcome.timepoint.preferred, ...(outcome.timepoint.aliases ?? [])].some((a) => normaliseTimepoint(a) === t);
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
/** A stored value as text for a message, whatever it is (never throws). */
const asText = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : v === undefined ? '(none)' : `(${v === null ? 'null' : typeof v})`);
const quoteList = (xs: string[], max = 3) =>
  xs.slice(0, max).map((x) => `"${x}"`).join(', ') + (xs.length > max ? ` and ${xs.length - max} more` : '');

type Row = Extraction['outcomes'][number];

function rowsOf(ex: Pick<Extraction, 'outcomes'> | null | undefined): Row[] {
  const rows = (ex as { outcomes?: unknown } | null | undefined)?.outcomes;
  return Array.isArray(rows) ? rows.filter((r): r is Row => r !== null && typeof r === 'object') : [];
}

/** The effect of one row, or why it has none. */
function rowEffect(review: Review, outcomeId: string, o: Row): RowEffect | { reason: string } {
  let yi: number;
  let vi: number;
  let n: number | null = null;
  const arm = [o.n1, o.m1, o.sd1, o.n2, o.m2, o.sd2];
  const armUsable = arm.every(isNum) && o.n1! >= 2 && o.n2! >= 2 && o.sd1! > 0 && o.sd2! > 0;
  if (armUsable) {
    const e = escalcSMD({ n1: o.n1!, m1: o.m1!, sd1: o.sd1!, n2: o.n2!, m2: o.m2!, sd2: o.sd2! });
    yi = e.yi;
    vi = e.vi;
    n = o.n1! + o.n2!;
  } else if (isNum(o.yi) && isNum(o.vi)) {
    yi = o.yi;
    vi = o.vi;
  } else if (arm.every(isNum)) {
    return { reason: 'arm data not usable (n below 2 or SD not above 0) and no yi/vi' };
  } else {
    const missing = (['n1', 'm1', 'sd1', 'n2', 'm2', 'sd2'] as const).filter((k) => !isNum(o[k]));
    return { reason: `no arm data (missing ${missing.join(', ')}) and no yi/vi` };
  }
  if (!Number.isFinite(yi) || !Number.isFinite(vi) || vi <= 0) return { reason: 'effect not computable (variance not above 0)' };
  const a = alignToOutcomeDetailed(review, outcomeId, o.instrument, yi);
  return { yi: a.yi, vi, n, instrument: o.instrument, flipped: a.flipped };
}

/**
 * The rows of `ex` that enter `outcome`'s analysis, as aligned effects; when none does, the reason
 * for the step that removed the last of them.
 */
export function outcomeEffects(review: Review, outcome: Outcome, ex: Pick<Extraction, 'outcomes'> | null | undefined): { effects: RowEffect[]; reason?: string } {
  const all = rowsOf(ex).filter((o) => o.outcome === outcome.id);
  if (all.length === 0) return { effects: [], reason: 'no data' };
  // Rows a lead confirmed as staying out (core/curation/mapping.ts) enter nothing; their reason is the one shown.
  const forOutcome = all.filter((o) => typeof o.unpooled !== 'string');
  if (forOutcome.length === 0) return { effects: [], reason: `kept out by a lead: ${all[0].unpooled}` };
  const atTime = forOutcome.filter((o) => timepointMatches(outcome, o.timepoint));
  if (atTime.length === 0) {
    const given = [...new Set(forOutcome.map((o) => asText(o.timepoint)))];
    const aliases = outcome.timepoint.aliases ?? [];
    return {
      effects: [],
      reason: `time point ${quoteList(given)} is not the one the review analyses ("${outcome.timepoint.preferred}"${
        aliases.length ? `, also written ${quoteList(aliases, 10)}` : ''
      })`,
    };
  }
  const listed = atTime.filter((o) => typeof o.instrument === 'string' && findInstrument(review, outcome.id, o.instrument));
  if (listed.length === 0) {
    const given = [...new Set(atTime.map((o) => asText(o.instrument)))];
    return { effects: [], reason: `instrument ${quoteList(given)} not in the review's list for ${outcome.label} (a lead maps it)` };
  }
  const effects: RowEffect[] = [];
  let reason: string | undefined;
  for (const o of listed) {
    const e = rowEffect(review, outcome.id, o);
    if ('reason' in e) reason ??= e.reason;
    else effects.push(e);
  }
  return effects.length ? { effects } : { effects, reason };
}

/** For each outcome of the review: does this extraction enter its analysis, and if not, why. */
export function analysesEntered(review: Review, extraction: Pick<Extraction, 'outcomes'> | null | undefined): AnalysisEntry[] {
  return review.outcomes.map((outcome) => {
    const { effects, reason } = outcomeEffects(review, outcome, extraction);
    return {
      outcomeId: outcome.id,
      label: outcome.label,
      timepoint: outcome.timepoint.preferred,
      enters: effects.length > 0,
      rows: effects.length,
      ...(effects.length ? {} : { reason: reason ?? 'no data' }),
    };
  });
}

/** "Depressive symptoms, post: yes; Quality of life: no data" */
export function describeEntries(entries: AnalysisEntry[]): string {
  return entries.map((e) => (e.enters ? `${e.label}, ${e.timepoint}: yes` : `${e.label}: ${e.reason}`)).join('; ');
}

/**
 * Why an accepted trial is not pooled anywhere, or null when it enters at least one analysis.
 * Outcomes the trial has no data for are left out of the reason when others explain more.
 */
export function notPooledReason(entries: AnalysisEntry[]): string | null {
  if (entries.some((e) => e.enters)) return null;
  const telling = entries.filter((e) => e.reason !== 'no data');
  if (telling.length === 0) return 'no data for any outcome of the review';
  return `enters no analysis: ${telling.map((e) => `${e.label}: ${e.reason}`).join('; ')}`;
}
