/**
 * Recomputes a stored version from its own inputs (the review file and the accepted studies it
 * recorded) and compares every number of every outcome with what was published. Pure.
 */
import type { Candidate } from '../evidence/candidate.js';
import { buildSnapshot, type ReviewSnapshot } from './snapshot.js';
import { contentHash, judgementsOf } from './versions.js';

export interface Difference {
  path: string;
  stored: unknown;
  recomputed: unknown;
}

export interface Reproduction {
  /** Numbers compared. */
  values: number;
  differing: Difference[];
  /** The stored content hash is the hash of the stored inputs. */
  hashMatches: boolean;
}

export class NotReproducibleError extends Error {}

function compare(a: unknown, b: unknown, path: string, out: { values: number; differing: Difference[] }): void {
  if (typeof a === 'number' || typeof b === 'number') {
    out.values++;
    const same = typeof a === 'number' && typeof b === 'number' ? a === b || (Number.isNaN(a) && Number.isNaN(b)) : false;
    if (!same) out.differing.push({ path, stored: a, recomputed: b });
    return;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    const x = Array.isArray(a) ? a : [];
    const y = Array.isArray(b) ? b : [];
    if (x.length !== y.length) out.differing.push({ path: `${path}.length`, stored: x.length, recomputed: y.length });
    for (let i = 0; i < Math.max(x.length, y.length); i++) compare(x[i], y[i], `${path}[${i}]`, out);
    return;
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) compare((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`, out);
    return;
  }
  if ((a === null || a === undefined) !== (b === null || b === undefined)) out.differing.push({ path, stored: a, recomputed: b });
}

export function reproduceVersion(stored: ReviewSnapshot): Reproduction {
  if (!stored.inputs?.review || !Array.isArray(stored.inputs.studies)) {
    throw new NotReproducibleError(`version ${stored.version ?? stored.revision} of ${stored.reviewId} holds no inputs (it was made before versioning)`);
  }
  const candidates = stored.inputs.studies.map(
    (s) => ({ entity: 'Candidate', reviewId: stored.reviewId, version: 0, triage: { score: 0, reasons: [] }, createdAt: '', updatedAt: '', ...s }) as Candidate,
  );
  const again = buildSnapshot(stored.inputs.review, candidates, new Date(stored.generatedAt), null, { software: stored.software, judgements: judgementsOf(stored.inputs), sources: stored.sources });
  const out = { values: 0, differing: [] as Difference[] };
  // JSON round trip: the stored file went through it too (undefined fields vanish, -0 stays).
  compare(stored.outcomes, JSON.parse(JSON.stringify(again.outcomes)), 'outcomes', out);
  return { ...out, hashMatches: contentHash(stored.inputs, stored.software?.stats) === stored.contentHash };
}
