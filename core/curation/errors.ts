/**
 * Errors raised by the curation rules. The API maps them onto HTTP statuses:
 * invalid → 400 (with field errors), forbidden → 403, state → 409, not-found → 404.
 */
export interface FieldError {
  /** JSON path of the offending field, e.g. `extraction.outcomes[0].sd1`. */
  path: string;
  message: string;
  /** Where the field is: body, query, param, header, cookie. */
  in?: string;
}

export type CurationErrorCode = 'invalid' | 'forbidden' | 'state' | 'not-found';

export class CurationError extends Error {
  override readonly name = 'CurationError';
  constructor(
    readonly code: CurationErrorCode,
    message: string,
    readonly fields: FieldError[] = [],
  ) {
    super(message);
  }
}

/** `["outcomes", 2, "sd1"]` → `outcomes[2].sd1` (one definition, shared with review validation). */
import { formatPath } from '../reviews/schema.js';
export { formatPath };

/** The parts of a zod issue that plainMessage reads (zod 4's issue shapes). */
export interface SchemaIssue {
  code?: string;
  message: string;
  path: readonly PropertyKey[];
  expected?: unknown;
  origin?: unknown;
  maximum?: unknown;
  minimum?: unknown;
  inclusive?: boolean;
  values?: readonly unknown[];
  keys?: readonly string[];
  format?: unknown;
}

const KIND: Record<string, string> = { string: 'text', number: 'a number', int: 'a whole number', boolean: 'true or false', array: 'a list', object: 'an object', record: 'an object' };

/** A schema issue in plain words ("required", "must be a number", "must be one of a, b"). */
export function plainMessage(i: SchemaIssue): string {
  switch (i.code) {
    case 'invalid_type': {
      if (/received undefined$/.test(i.message)) return 'required';
      const want = KIND[String(i.expected)] ?? String(i.expected);
      return `must be ${want}${/received null$/.test(i.message) ? ', not empty (null)' : ''}`;
    }
    case 'too_big': {
      const unit = i.origin === 'string' ? ' characters' : i.origin === 'array' ? ' entries' : '';
      return `must be at most ${String(i.maximum)}${unit}${i.inclusive === false ? ' (exclusive)' : ''}`;
    }
    case 'too_small': {
      if (i.origin === 'string' && Number(i.minimum) === 1) return 'must not be empty';
      const unit = i.origin === 'string' ? ' characters' : i.origin === 'array' ? ' entries' : '';
      return `must be at least ${String(i.minimum)}${unit}${i.inclusive === false ? ' (exclusive)' : ''}`;
    }
    case 'invalid_value':
      return `must be one of ${(i.values ?? []).map((v) => String(v)).join(', ')}`;
    case 'unrecognized_keys':
      return `unknown field${(i.keys ?? []).length === 1 ? '' : 's'} ${(i.keys ?? []).map((k) => `"${k}"`).join(', ')}`;
    case 'invalid_union':
      return 'is not any of the accepted forms (text or a number)';
    default:
      return i.message;
  }
}

/** Schema issues → field errors with plain-words messages; `prefix` is prepended to each path. */
export function issuesToFields(issues: readonly SchemaIssue[], prefix = ''): FieldError[] {
  return issues.map((i) => {
    const p = formatPath(i.path as (string | number)[]);
    // unrecognized keys are reported at the object; name the key itself instead.
    const keyPath = i.code === 'unrecognized_keys' && i.keys?.length === 1 ? `${p ? `${p}.` : ''}${i.keys[0]}` : p;
    const path = !prefix ? keyPath : !keyPath ? prefix : keyPath.startsWith('[') ? `${prefix}${keyPath}` : `${prefix}.${keyPath}`;
    return { path: path || '(body)', message: plainMessage(i) };
  });
}
