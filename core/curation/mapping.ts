/**
 * A lead's mapping of values typed as "other" (issue 16, item 8). Time points and instruments are
 * chosen from the review's own lists; a value typed as "other" enters no analysis until a lead
 * maps it to one of the review's values, or confirms that it stays out (with a reason the public
 * page shows under "Accepted but not pooled"). Pure.
 *
 * A mapping is per trial and per value: (outcome, field, value as reported) → the review's value,
 * or "kept out" with a reason. Mappings are kept on the candidate (`mappings`) and applied to its
 * extraction's rows (the analysis input): at once for an accepted trial, at accept for a trial in
 * extraction (core/curation/assess.ts applies them to the form's rows, preview and accept alike).
 * A mapped row keeps what was reported (`reported`); a kept-out row carries the reason
 * (`unpooled`, read by core/analysis/entry.ts).
 */
import { z } from 'zod';
import { followUpOrder } from '../analysis/follow-up.js';
import { timepointMatches } from '../analysis/entry.js';
import { findInstrument } from '../reviews/direction.js';
import { normaliseInstrumentName, type Outcome, type Review } from '../reviews/schema.js';
import { CurationError, type FieldError } from './errors.js';
import { readDraft } from './extraction.js';

export const MAPPING_FIELDS = ['timepoint', 'instrument'] as const;
export type MappingField = (typeof MAPPING_FIELDS)[number];

/** What a lead sends for one "other" value: the review's value it stands for, or why it stays out. */
export const MappingChoiceSchema = z.strictObject({
  outcome: z.string().min(1).max(80),
  field: z.enum(MAPPING_FIELDS),
  reported: z.string().trim().min(1, { message: 'required' }).max(120),
  to: z.string().trim().min(1, { message: 'must not be empty' }).max(120).optional(),
  keepOutReason: z.string().trim().min(1, { message: 'must not be empty' }).max(500).optional(),
});
export type MappingChoice = z.infer<typeof MappingChoiceSchema>;

/** A stored mapping (on the candidate): the choice, who made it and when. */
export interface ValueMapping {
  outcome: string;
  field: MappingField;
  reported: string;
  to?: string;
  keepOutReason?: string;
  by: string;
  at: string;
}

/** One value typed as "other" on a trial, with the review's values it may be mapped to. */
export interface OtherValue {
  outcome: string;
  outcomeLabel: string;
  field: MappingField;
  reported: string;
  /** 1-based row numbers of the extraction (or draft) holding it. */
  rows: number[];
  /** The review's values for this outcome and field. */
  options: string[];
}

export const FIELD_NAMES: Record<MappingField, string> = { timepoint: 'time point', instrument: 'instrument' };

const keyOf = (outcome: string, field: MappingField, value: string) => `${outcome}\u0000${field}\u0000${normaliseInstrumentName(value)}`;

/** The review's values a field of an outcome may be mapped to. */
export function mappingOptions(outcome: Outcome, field: MappingField): string[] {
  return field === 'timepoint' ? [outcome.timepoint.preferred] : outcome.instruments.map((i) => i.name);
}

interface RowLike {
  outcome?: unknown;
  timepoint?: unknown;
  instrument?: unknown;
  unpooled?: unknown;
}

/**
 * Whether a row's field holds an "other" value: a time point that is neither the analysed one (or
 * one of the review's spellings of it) nor a recognised follow-up (core/analysis/follow-up.ts),
 * or an instrument not in the outcome's list. Rows of no review outcome, and rows a lead already
 * kept out, have none.
 */
export function isOther(review: Review, row: RowLike, field: MappingField): boolean {
  if (typeof row.outcome !== 'string' || typeof row.unpooled === 'string') return false;
  const outcome = review.outcomes.find((o) => o.id === row.outcome);
  const v = row[field];
  if (!outcome || typeof v !== 'string' || !v.trim()) return false;
  if (field === 'timepoint') return !timepointMatches(outcome, v) && followUpOrder(v) === null;
  return !findInstrument(review, outcome.id, v);
}

/** The distinct "other" values among `rows` (in row order), each with the rows holding it. */
export function otherValues(review: Review, rows: readonly unknown[]): OtherValue[] {
  const out = new Map<string, OtherValue>();
  rows.forEach((r, i) => {
    if (r === null || typeof r !== 'object') return;
    const row = r as RowLike;
    for (const field of MAPPING_FIELDS) {
      if (!isOther(review, row, field)) continue;
      const outcome = review.outcomes.find((o) => o.id === row.outcome)!;
      const reported = (row[field] as string).trim();
      const k = keyOf(outcome.id, field, reported);
      const seen = out.get(k);
      if (seen) seen.rows.push(i + 1);
      else out.set(k, { outcome: outcome.id, outcomeLabel: outcome.label, field, reported, rows: [i + 1], options: mappingOptions(outcome, field) });
    }
  });
  return [...out.values()];
}

/** The rows a trial's "other" values come from: the accepted extraction, else every extractor's draft. */
export function rowsToMap(c: { status: string; extraction?: { outcomes: readonly unknown[] }; drafts?: Record<string, { form: unknown }> }): unknown[] {
  if (c.status === 'accepted') return Array.isArray(c.extraction?.outcomes) ? [...c.extraction!.outcomes] : [];
  if (c.status !== 'extraction') return [];
  return Object.values(c.drafts ?? {}).flatMap((d) => readDraft(d.form).form.outcomes ?? []);
}

/** A trial's "other" values still waiting for a lead (the rows with its mappings applied, as accept will apply them). */
export function pendingOthers(review: Review, c: Parameters<typeof rowsToMap>[0] & { mappings?: readonly ValueMapping[] }): OtherValue[] {
  return otherValues(review, applyMappings(rowsToMap(c), c.mappings));
}

/**
 * `rows` with the mappings applied: a mapped value replaced by the review's value (the reported
 * one kept in `reported`), a kept-out value's row marked `unpooled` with the reason. New objects;
 * idempotent (a mapped row no longer holds the reported value). Rows that are not objects are
 * passed through (stored drafts may hold anything).
 */
export function applyMappings<T>(rows: readonly T[], mappings: readonly ValueMapping[] | undefined): T[] {
  if (!mappings?.length) return [...rows];
  const byKey = new Map(mappings.map((m) => [keyOf(m.outcome, m.field, m.reported), m]));
  return rows.map((row) => {
    if (row === null || typeof row !== 'object') return row;
    const r = row as RowLike & { reported?: Record<string, string> };
    if (typeof r.outcome !== 'string') return row;
    let next: (RowLike & { reported?: Record<string, string> }) | undefined;
    for (const field of MAPPING_FIELDS) {
      const v = r[field];
      if (typeof v !== 'string') continue;
      const m = byKey.get(keyOf(r.outcome, field, v));
      if (!m) continue;
      next ??= { ...r };
      if (m.to !== undefined) {
        next[field] = m.to;
        next.reported = { ...(next.reported ?? {}), [field]: v };
      } else if (m.keepOutReason !== undefined && next.unpooled === undefined) next.unpooled = `${FIELD_NAMES[field]} "${v}": ${m.keepOutReason}`;
    }
    return (next ?? row) as T;
  });
}

/**
 * Check a lead's choices against the trial's pending "other" values and the review's lists:
 * errors name the field (`mappings[i].to`, …). Throws CurationError('invalid') with every error.
 */
export function checkMappingChoices(review: Review, pending: readonly OtherValue[], choices: readonly MappingChoice[]): void {
  const errors: FieldError[] = [];
  const byKey = new Map(pending.map((o) => [keyOf(o.outcome, o.field, o.reported), o]));
  const seen = new Set<string>();
  if (choices.length === 0) errors.push({ path: 'mappings', message: 'at least one mapping is required' });
  choices.forEach((ch, i) => {
    const p = `mappings[${i}]`;
    const outcome = review.outcomes.find((o) => o.id === ch.outcome);
    if (!outcome) {
      errors.push({ path: `${p}.outcome`, message: `must be one of ${review.outcomes.map((o) => o.id).join(', ')}` });
      return;
    }
    const k = keyOf(ch.outcome, ch.field, ch.reported);
    if (seen.has(k)) errors.push({ path: `${p}.reported`, message: `"${ch.reported}" is mapped twice` });
    seen.add(k);
    if (!byKey.has(k)) {
      const here = pending.filter((o) => o.outcome === ch.outcome && o.field === ch.field).map((o) => `"${o.reported}"`);
      errors.push({
        path: `${p}.reported`,
        message: `this trial has no unmapped ${FIELD_NAMES[ch.field]} "${ch.reported}" for ${outcome.label}${here.length ? ` (waiting: ${here.join(', ')})` : ' (none is waiting)'}`,
      });
    }
    if ((ch.to === undefined) === (ch.keepOutReason === undefined)) {
      errors.push({ path: `${p}.to`, message: 'give either the review value it stands for ("to") or the reason it stays out of the analysis ("keepOutReason"), not both' });
      return;
    }
    if (ch.to !== undefined) {
      const options = mappingOptions(outcome, ch.field);
      if (!options.includes(ch.to)) errors.push({ path: `${p}.to`, message: `must be one of the review's ${FIELD_NAMES[ch.field]}s for ${outcome.label}: ${options.join(', ')}` });
    }
  });
  if (errors.length) throw new CurationError('invalid', 'the mappings are not valid', errors);
}

/** The stored mappings after adding `choices` (a later mapping of the same value replaces the earlier). */
export function mergeMappings(existing: readonly ValueMapping[] | undefined, choices: readonly MappingChoice[], by: string, at: string): ValueMapping[] {
  const out = new Map((existing ?? []).map((m) => [keyOf(m.outcome, m.field, m.reported), m]));
  for (const ch of choices)
    out.set(keyOf(ch.outcome, ch.field, ch.reported), {
      outcome: ch.outcome,
      field: ch.field,
      reported: ch.reported,
      ...(ch.to !== undefined ? { to: ch.to } : { keepOutReason: ch.keepOutReason! }),
      by,
      at,
    });
  return [...out.values()];
}

/** One trial on the lead's mapping page: its "other" values waiting, and the mappings made. */
export interface MappingTrial {
  studyId: string;
  title: string;
  status: 'accepted' | 'extraction';
  version: number;
  pending: OtherValue[];
  mappings: ValueMapping[];
}

/**
 * The lead's to-do: every accepted or in-extraction trial with "other" values waiting (first),
 * then those whose values are all mapped (most recently mapped first). Pure.
 */
export function mappingQueue(
  review: Review,
  candidates: readonly (Parameters<typeof pendingOthers>[1] & { studyId: string; title: string; version: number })[],
): { waiting: MappingTrial[]; done: MappingTrial[] } {
  const waiting: MappingTrial[] = [];
  const done: MappingTrial[] = [];
  for (const c of candidates) {
    if (c.status !== 'accepted' && c.status !== 'extraction') continue;
    const pending = pendingOthers(review, c);
    const mappings = [...(c.mappings ?? [])];
    if (!pending.length && !mappings.length) continue;
    const t: MappingTrial = { studyId: c.studyId, title: c.title, status: c.status, version: c.version, pending, mappings };
    (pending.length ? waiting : done).push(t);
  }
  waiting.sort((a, b) => (a.status === b.status ? a.studyId.localeCompare(b.studyId) : a.status === 'accepted' ? -1 : 1));
  const last = (t: MappingTrial) => t.mappings.reduce((m, x) => (x.at > m ? x.at : m), '');
  done.sort((a, b) => last(b).localeCompare(last(a)) || a.studyId.localeCompare(b.studyId));
  return { waiting, done };
}
