/**
 * A no-JavaScript post of the extraction form → the object the JSON API receives. Pure: the curator
 * UI's form-post route (functions/curation-api/routes/extraction-forms.tsx) only parses the body and
 * calls this; the page (extraction-ui.tsx) names every field by the form path this reads.
 */
import { type DraftForm } from './extraction.js';
import { derivedModerators } from './facts.js';
import { ARM_FIELDS, FORMATS, STAT_FIELDS } from './field-labels.js';
import { proposeRob2Overall, ROB2_DOMAINS } from './rob2.js';
import { ROB_JUDGEMENTS } from '../evidence/candidate.js';
import { formatPath, type FieldError } from './errors.js';
import type { Review } from '../reviews/schema.js';

/** The value of the "Other (type it)" choice of a list field. */
export const OTHER_CHOICE = '__other__';
const OTHER = OTHER_CHOICE;
/** The name of the text field beside an "Other (type it)" choice: the choice's name plus this. */
export const OTHER_SUFFIX = ':other';

/*
 * Field names ↔ form paths, written once: every field's `name` IS its form path (the same string
 * as its `data-path`, which the script sends as JSON), e.g. `outcomes[0].intervention.mean`,
 * `rob.domains.D1`, `moderators.dose`. `postedForm` reads a no-JavaScript post back into the
 * object the JSON API receives, as the script's collect() does: empty fields left out, numbers
 * read as numbers (anything else kept as typed, for the schema to name), rows holding nothing
 * typed left out, and only the chosen format's statistics and an override reason that departs
 * from the algorithm sent.
 */
type Kind = 'number' | 'text';
const ARM_KEYS: ReadonlyMap<string, Kind> = new Map(ARM_FIELDS.map((f) => [f.key, /^n|dropouts/.test(f.key) ? 'number' : 'text'] as const));
const OUTCOME_KEYS: ReadonlyMap<string, Kind> = new Map([
  ...(['outcome', 'timepoint', 'instrument', 'interventionArm', 'controlArm', 'format', 'source'] as const).map((k) => [k, 'text'] as const),
  ...(['yi', 'vi', 'se'] as const).map((k) => [k, 'number'] as const),
]);
const STAT_KEYS: ReadonlySet<string> = new Set(STAT_FIELDS.map((f) => f.key));
const MAX_ROWS = { arms: 20, outcomes: 200 } as const;
const META_FIELDS = new Set(['action', 'version', 'return']);

type Where = { row?: { kind: 'arms' | 'outcomes'; i: number }; at: string[]; kind: Kind };
/** Where a posted field name goes in the form; undefined when the form has no such field. */
function whereOf(name: string, moderators: ReadonlyMap<string, Kind>): Where | undefined {
  let m = /^(arms|outcomes)\[(\d{1,3})\]\.(\w+)(?:\.(\w+))?$/.exec(name);
  if (m) {
    const kind = m[1] as 'arms' | 'outcomes';
    const i = Number(m[2]);
    if (i >= MAX_ROWS[kind] || String(i) !== m[2]) return undefined;
    if (kind === 'arms') return !m[4] && ARM_KEYS.has(m[3]) ? { row: { kind, i }, at: [m[3]], kind: ARM_KEYS.get(m[3])! } : undefined;
    if (m[4]) return (m[3] === 'intervention' || m[3] === 'control') && STAT_KEYS.has(m[4]) ? { row: { kind, i }, at: [m[3], m[4]], kind: 'number' } : undefined;
    return OUTCOME_KEYS.has(m[3]) ? { row: { kind, i }, at: [m[3]], kind: OUTCOME_KEYS.get(m[3])! } : undefined;
  }
  if (name === 'year') return { at: ['year'], kind: 'number' };
  if (name === 'sourceLocation' || name === 'notes') return { at: [name], kind: 'text' };
  if (name === 'rob.overall' || name === 'rob.overrideReason') return { at: ['rob', name.slice(4)], kind: 'text' };
  m = /^rob\.domains\.(\w+)$/.exec(name);
  if (m && ROB2_DOMAINS.some((d) => d.id === m![1])) return { at: ['rob', 'domains', m[1]], kind: 'text' };
  const mod = moderators.get(name);
  return mod ? { at: ['moderators', name], kind: mod } : undefined;
}

export interface PostedForm {
  /** The form as the JSON API receives it. */
  form: Record<string, unknown>;
  /** Everything as typed, by the rows on the page (to show the form again after a refusal). */
  typed: DraftForm;
  /** Which page row each sent row is (rows left empty are not sent). */
  keep: { arms: number[]; outcomes: number[] };
  /** Posted names the form has no field for. */
  unknown: FieldError[];
}

/** A no-JavaScript post of the extraction form (urlencoded fields, `parseBody({ all: true })`) → the API's form. */
export function postedForm(body: Record<string, unknown>, review: Review): PostedForm {
  const derived = derivedModerators(review);
  // Moderator field names → the moderator's id and kind (ids come from the review, never from the post).
  const moderators = new Map<string, Kind>();
  const moderatorId = new Map<string, string>();
  for (const m of review.moderators.filter((x) => !derived.has(x.id))) {
    const path = formatPath(['moderators', m.id]);
    moderators.set(path, m.type === 'categorical' ? 'text' : 'number');
    moderatorId.set(path, m.id);
  }
  const first = (v: unknown) => (Array.isArray(v) ? v[0] : v);
  const posted = new Map<string, string>();
  const unknown: FieldError[] = [];
  for (const name of Object.keys(body)) {
    const v = first(body[name]);
    if (META_FIELDS.has(name)) continue;
    if (typeof v !== 'string') {
      unknown.push({ path: name.slice(0, 200), message: 'must be text', in: 'body' });
      continue;
    }
    posted.set(name, v);
  }
  const rows = { arms: new Map<number, Record<string, unknown>>(), outcomes: new Map<number, Record<string, unknown>>() };
  const typedRows = { arms: new Map<number, Record<string, unknown>>(), outcomes: new Map<number, Record<string, unknown>>() };
  const top: Record<string, unknown> = {};
  const typedTop: Record<string, unknown> = {};
  // Own properties, as JSON.parse makes them: a moderator the review names `__proto__` or
  // `constructor` is a field like any other (an assignment would reach the prototype instead).
  const own = (o: Record<string, unknown>, k: string, v: unknown) => Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  const put = (o: Record<string, unknown>, at: string[], v: unknown) => {
    let cur = o;
    for (const k of at.slice(0, -1)) {
      if (!Object.hasOwn(cur, k)) own(cur, k, {});
      cur = cur[k] as Record<string, unknown>;
    }
    own(cur, at[at.length - 1], v);
  };
  for (const [name, raw] of posted) {
    if (name.endsWith(OTHER_SUFFIX)) {
      const base = name.slice(0, -OTHER_SUFFIX.length);
      if (!/^outcomes\[\d{1,3}\]\.(timepoint|instrument)$/.test(base) || !whereOf(base, moderators)) unknown.push({ path: name.slice(0, 200), message: 'is not a field of the extraction form', in: 'body' });
      continue;
    }
    const w = whereOf(name, moderators);
    if (!w) {
      if (unknown.length < 20) unknown.push({ path: name.slice(0, 200), message: 'is not a field of the extraction form', in: 'body' });
      continue;
    }
    let v = raw;
    let other = false;
    if (v === OTHER && w.row?.kind === 'outcomes' && (w.at[0] === 'timepoint' || w.at[0] === 'instrument')) {
      v = (posted.get(`${name}${OTHER_SUFFIX}`) ?? '').trim();
      other = true;
    }
    if (v === '') continue;
    const at = w.at[0] === 'moderators' ? ['moderators', moderatorId.get(name)!] : w.at;
    const t = w.kind === 'number' ? v.trim() : v;
    const value = w.kind === 'number' && t !== '' && Number.isFinite(Number(t)) ? Number(t) : v;
    if (w.row) {
      const r = rows[w.row.kind].get(w.row.i) ?? {};
      rows[w.row.kind].set(w.row.i, r);
      put(r, at, value);
      if (other && at[0] === 'instrument') r.instrumentOther = true;
      const tr = typedRows[w.row.kind].get(w.row.i) ?? {};
      typedRows[w.row.kind].set(w.row.i, tr);
      put(tr, at, v);
    } else {
      put(top, at, value);
      put(typedTop, at, v);
    }
  }
  // Only what the chosen format asks for, as the script sends only the fields it shows.
  for (const o of rows.outcomes.values()) {
    const format = typeof o.format === 'string' && o.format in FORMATS ? (o.format as keyof typeof FORMATS) : 'mean-sd';
    const stats = FORMATS[format].stats as readonly string[];
    for (const arm of ['intervention', 'control'] as const) {
      const st = o[arm] as Record<string, unknown> | undefined;
      if (!st) continue;
      for (const k of Object.keys(st)) if (!stats.includes(k)) delete st[k];
      if (format === 'effect' || Object.keys(st).length === 0) delete o[arm];
    }
    if (format !== 'effect') for (const k of ['yi', 'vi', 'se']) delete o[k];
  }
  const rob = top.rob as { domains?: Record<string, string>; overall?: string; overrideReason?: string } | undefined;
  if (rob) {
    if (rob.overrideReason !== undefined && (!rob.overall || rob.overall === proposeRob2Overall((rob.domains ?? {}) as Record<string, (typeof ROB_JUDGEMENTS)[number]>))) delete rob.overrideReason;
    rob.domains ??= {};
  }
  const keep = { arms: [] as number[], outcomes: [] as number[] };
  const sent = { arms: [] as Record<string, unknown>[], outcomes: [] as Record<string, unknown>[] };
  for (const kind of ['arms', 'outcomes'] as const) {
    for (const i of [...rows[kind].keys()].sort((a, b) => a - b)) {
      const r = rows[kind].get(i)!;
      if (Object.keys(r).some((k) => !/^(id|role|format)$/.test(k))) {
        keep[kind].push(i);
        sent[kind].push(r);
      }
    }
  }
  const dense = (m: Map<number, Record<string, unknown>>) => {
    const n = m.size ? Math.max(...m.keys()) + 1 : 0;
    return Array.from({ length: n }, (_, i) => m.get(i) ?? {});
  };
  const form = { arms: sent.arms, outcomes: sent.outcomes, moderators: {}, ...top };
  const typed = { ...typedTop, arms: dense(typedRows.arms), outcomes: dense(typedRows.outcomes) } as DraftForm;
  return { form, typed, keep, unknown };
}

/** A path of the sent form (`form.outcomes[0].yi`) → the path of its field on the page. */
export function pageFieldPath(path: string, keep: PostedForm['keep']): string {
  return path.replace(/^form\./, '').replace(/^(arms|outcomes)\[(\d+)\]/, (_, k: 'arms' | 'outcomes', i: string) => `${k}[${keep[k][Number(i)] ?? i}]`);
}
