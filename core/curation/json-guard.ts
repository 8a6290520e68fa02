/**
 * What a request body must be before anything reads or stores it (pure). DynamoDB stores numbers
 * of at most 38 digits between 1e-130 and 1e126, and the document client refuses integers beyond
 * 2^53 − 1; JSON.stringify and DynamoDB marshalling recurse, so deep nesting overflows the stack;
 * a `__proto__` key is a trap for any code that copies the body into a plain object. The walk is
 * iterative (no recursion), so a body nested 200,000 levels is measured, not followed.
 */
import type { FieldError } from './errors.js';

export const MAX_JSON_DEPTH = 16;
export const MAX_STORABLE = Number.MAX_SAFE_INTEGER;
export const MIN_STORABLE = 1e-130;

/** Why a number cannot be stored, in plain words; undefined when it can. */
export function numberProblem(v: number): string | undefined {
  if (!Number.isFinite(v)) return 'must be a finite number';
  const a = Math.abs(v);
  if (a > MAX_STORABLE) return `${v} is too large (numbers may be at most ${MAX_STORABLE} in size)`;
  if (a !== 0 && a < MIN_STORABLE) return `${v} is too close to zero to store (use 0, or a number of at least 1e-130 in size)`;
  return undefined;
}

const seg = (k: string | number) => (typeof k === 'number' ? `[${k}]` : /^[A-Za-z_$][\w$]*$/.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`);

/**
 * Problems of a parsed JSON value, each with the path of the field (at most `max` of them).
 * Paths are relative to the body (`form.outcomes[0].intervention.mean`).
 */
export function jsonProblems(value: unknown, opts: { maxDepth?: number; max?: number } = {}): FieldError[] {
  const maxDepth = opts.maxDepth ?? MAX_JSON_DEPTH;
  const max = opts.max ?? 20;
  const out: FieldError[] = [];
  const stack: { v: unknown; path: string; depth: number }[] = [{ v: value, path: '', depth: 0 }];
  while (stack.length && out.length < max) {
    const { v, path, depth } = stack.pop()!;
    const where = path.replace(/^\./, '') || '(body)';
    if (typeof v === 'number') {
      const p = numberProblem(v);
      if (p) out.push({ path: where, message: p });
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= maxDepth) {
      out.push({ path: where, message: `nested too deeply (at most ${maxDepth} levels)` });
      continue;
    }
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ v: v[i], path: `${path}${seg(i)}`, depth: depth + 1 });
      continue;
    }
    const keys = Object.keys(v);
    for (let i = keys.length - 1; i >= 0; i--) {
      const k = keys[i];
      if (k === '__proto__') {
        out.push({ path: `${path}${seg(k)}`.replace(/^\./, ''), message: '"__proto__" is not allowed as a field name' });
        continue;
      }
      stack.push({ v: (v as Record<string, unknown>)[k], path: `${path}${seg(k)}`, depth: depth + 1 });
    }
  }
  return out;
}
