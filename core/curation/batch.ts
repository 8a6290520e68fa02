/**
 * One decision applied to several candidates at once (pure): batch exclusion of a selection, and
 * a decision on a near-duplicate group (queue-view.ts). All or nothing: every candidate must be
 * found, at the version the screener saw, and the decision allowed on it; otherwise the batch
 * fails naming the item and nothing is written. Each candidate gets its own transition and audit
 * event, exactly as if it had been decided alone.
 */
import { CurationError } from './errors.js';
import type { Review } from '../reviews/schema.js';
import { applyCommand, type Actor, type Command, type CuratedCandidate, type Transition } from './workflow.js';

export const MAX_BATCH = 50;

export interface BatchItem {
  studyId: string;
  version: number;
}

/** Checks the list itself (before anything is looked up): not empty, at most MAX_BATCH, no record twice. */
export function checkBatchItems(items: readonly BatchItem[]): void {
  if (!items.length) throw new CurationError('invalid', 'choose at least one record', [{ path: 'items', message: 'must be at least 1 entries' }]);
  if (items.length > MAX_BATCH) throw new CurationError('invalid', `at most ${MAX_BATCH} records in one batch`, [{ path: 'items', message: `must be at most ${MAX_BATCH} entries` }]);
  const seen = new Map<string, number>();
  items.forEach((it, i) => {
    const prev = seen.get(it.studyId);
    if (prev !== undefined) throw new CurationError('invalid', `record "${it.studyId}" is listed twice`, [{ path: `items[${i}].studyId`, message: `repeats items[${prev}].studyId` }]);
    seen.set(it.studyId, i);
  });
}

/**
 * The transitions of a batch: `found[i]` is the stored candidate for `items[i]` (undefined when
 * unknown). Throws CurationError naming `items[i]` when any one cannot be decided.
 */
export function planBatch(items: readonly BatchItem[], found: readonly (CuratedCandidate | undefined)[], cmd: Extract<Command, { type: 'screen' }>, actor: Actor, review: Review, now: Date): Transition[] {
  checkBatchItems(items);
  return items.map((it, i) => {
    const c = found[i];
    const where = `items[${i}]`;
    if (!c) throw new CurationError('not-found', `${where}: unknown candidate "${it.studyId}" in review "${review.id}"; nothing was changed`, [{ path: `${where}.studyId`, message: 'unknown candidate' }]);
    if (c.version !== it.version)
      throw new CurationError('state', `${where}: "${it.studyId}" was changed by someone else (current version ${c.version}, you saw ${it.version}); reload — nothing was changed`, [{ path: `${where}.version`, message: `current version is ${c.version}` }]);
    try {
      return applyCommand(c, cmd, actor, review, now);
    } catch (err) {
      if (!(err instanceof CurationError) || err.code === 'invalid') throw err;
      throw new CurationError(err.code, `${where} ("${it.studyId}"): ${err.message}; nothing was changed`, [{ path: where, message: err.message }]);
    }
  });
}
