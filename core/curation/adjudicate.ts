/**
 * Dual extraction: two extractors' drafts compared field by field, and a lead's adjudication — per
 * differing field, one extractor's value adopted or a third typed — turned into the one form that
 * is accepted. The audit keeps both drafts and every choice. Pure.
 */
import { z } from 'zod';
import { formatPath } from './errors.js';
import type { FieldError } from './errors.js';

type Segment = string | number;
type Leaf = string | number | boolean | null;

export interface FieldDifference {
  /** Path as core names fields (`arms[1].dropouts`); `segments` is the same, unambiguous. */
  path: string;
  segments: Segment[];
  /** extractor id → value (undefined: the extractor left the field empty). */
  values: Record<string, unknown>;
}

const MAX_DEPTH = 20;

/** Leaves of a JSON tree with their paths (empty arrays/objects are leaves of their own). */
function leaves(v: unknown, at: Segment[] = [], out = new Map<string, { segments: Segment[]; value: unknown }>(), depth = 0) {
  if (depth > MAX_DEPTH) out.set(formatPath(at), { segments: at, value: '(nested too deeply)' });
  else if (v !== null && typeof v === 'object') {
    const entries: [Segment, unknown][] = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
    if (entries.length === 0 && at.length) out.set(formatPath(at), { segments: at, value: Array.isArray(v) ? '[]' : '{}' });
    for (const [k, x] of entries) leaves(x, [...at, k], out, depth + 1);
  } else out.set(formatPath(at), { segments: at, value: v });
  return out;
}

/** Compare two or more extractors' drafts field by field (leaves of the JSON trees). */
export function compareDrafts(drafts: Record<string, unknown>): FieldDifference[] {
  const people = Object.keys(drafts);
  const flat = people.map((p) => leaves(drafts[p]));
  const paths = new Map<string, Segment[]>();
  for (const f of flat) for (const [k, v] of f) if (!paths.has(k)) paths.set(k, v.segments);
  const out: FieldDifference[] = [];
  for (const [path, segments] of paths) {
    const vals = flat.map((f) => f.get(path)?.value);
    if (vals.some((v) => v !== vals[0])) {
      const values: Record<string, unknown> = Object.create(null);
      people.forEach((p, i) => (values[p] = vals[i]));
      out.push({ path, segments, values });
    }
  }
  return out.sort((a, b) => a.path.localeCompare(b.path, 'en', { numeric: true }));
}

/** One choice of the lead: a field's value adopted from an extractor, or typed. */
export const ChoiceSchema = z.strictObject({
  path: z.string().min(1).max(300),
  /** An extractor's id (their value is adopted) or "typed" (`value` is used). */
  from: z.string().min(1).max(200),
  value: z.union([z.string().max(2000), z.number().refine(Number.isFinite, { message: 'must be a finite number' }), z.boolean(), z.null()]).optional(),
});
export type Choice = z.infer<typeof ChoiceSchema>;

export interface Adjudication {
  /** Whose draft the agreed fields are taken from (all drafts agree on them anyway). */
  base: string;
  drafts: Record<string, unknown>;
  choices: Choice[];
}

function setAt(root: Record<string, unknown>, segs: Segment[], value: unknown): void {
  let o: Record<string | number, unknown> = root;
  for (let i = 0; i < segs.length - 1; i++) {
    const k = segs[i];
    let next = Object.hasOwn(o, k) ? o[k] : undefined;
    if (next === null || typeof next !== 'object') {
      next = typeof segs[i + 1] === 'number' ? [] : Object.create(null);
      Object.defineProperty(o, k, { value: next, enumerable: true, writable: true, configurable: true });
    }
    o = next as Record<string | number, unknown>;
  }
  const last = segs[segs.length - 1];
  if (value === undefined) {
    if (Array.isArray(o) && typeof last === 'number') o[last] = undefined;
    else delete o[last];
  } else Object.defineProperty(o, last, { value, enumerable: true, writable: true, configurable: true });
}

/** Arrays with holes left by removed rows are compacted; objects stay plain JSON. */
function tidy(v: unknown): unknown {
  if (Array.isArray(v)) return v.filter((x) => x !== undefined).map(tidy);
  if (v !== null && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) Object.defineProperty(o, k, { value: tidy(x), enumerable: true, writable: true, configurable: true });
    return o;
  }
  return v;
}

/**
 * The adjudicated form: `base`'s draft with each differing field set as the lead chose. Every
 * differing field needs a choice; a choice for a field that does not differ, or from someone who
 * has no draft, is an error naming the field.
 */
export function adjudicate(drafts: Record<string, unknown>, base: string, choices: readonly Choice[], label: (path: string) => string = (p) => p): { form?: unknown; errors: FieldError[] } {
  const errors: FieldError[] = [];
  if (Object.keys(drafts).length < 2) return { errors: [{ path: 'choices', message: 'adjudication needs two extractors’ drafts; there is only one so far' }] };
  if (!Object.hasOwn(drafts, base)) return { errors: [{ path: 'base', message: 'must be the id of one of the extractors' }] };
  const diffs = new Map(compareDrafts(drafts).map((d) => [d.path, d]));
  const chosen = new Map<string, Choice>();
  choices.forEach((c, i) => {
    if (!diffs.has(c.path)) errors.push({ path: `choices[${i}].path`, message: `"${label(c.path)}" does not differ between the drafts` });
    else if (chosen.has(c.path)) errors.push({ path: `choices[${i}].path`, message: `"${label(c.path)}" is chosen twice` });
    else if (c.from !== 'typed' && !Object.hasOwn(drafts, c.from)) errors.push({ path: `choices[${i}].from`, message: 'must be an extractor’s id or "typed"' });
    else if (c.from === 'typed' && c.value === undefined) errors.push({ path: `choices[${i}].value`, message: `type the value for "${label(c.path)}"` });
    chosen.set(c.path, c);
  });
  for (const d of diffs.values()) if (!chosen.has(d.path)) errors.push({ path: d.path, message: `choose a value for "${label(d.path)}"` });
  if (errors.length) return { errors };
  const form = structuredClone(drafts[base]) as Record<string, unknown>;
  for (const d of diffs.values()) {
    const c = chosen.get(d.path)!;
    setAt(form, d.segments, c.from === 'typed' ? c.value : d.values[c.from]);
  }
  return { form: tidy(form), errors };
}
