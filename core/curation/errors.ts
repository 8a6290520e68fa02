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
export { formatPath } from '../reviews/schema.js';
