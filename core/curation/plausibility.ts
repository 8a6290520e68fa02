/**
 * Values that are possible but implausible, and that would move a pooled estimate a long way if
 * they were typos (one accepted `yi = 50, vi = 1e-12` moved a review's SMD from −0.48 to 24.8).
 * Such a row enters an analysis only after a lead confirms it with a reason. Pure.
 *
 * The rules (documented in docs/methods.md):
 *  - |SMD| > 5;
 *  - a variance below half the smallest an SMD can have with the arms' sizes (1/n1 + 1/n2), or,
 *    with no arm sizes known, below 0.001 (more than 4,000 participants per arm);
 *  - an SD below 1 % of the arm's mean (scores on the review's instruments vary far more; the
 *    review files carry no instrument ranges yet, so the mean stands in for the scale);
 *  - an SMD more than 2 away from every other accepted study's SMD of the same outcome and time
 *    point, when there are at least 3 of them.
 */
import type { Arm, OutcomeData } from '../evidence/candidate.js';
import { escalcSMD } from '../meta/effects.js';
import type { FieldError } from './errors.js';
import type { ExtractionForm, ExtractionResult } from './extraction.js';

export const MAX_PLAUSIBLE_SMD = 5;
export const OUTLIER_DISTANCE = 2;

/** The SMD of an accepted outcome row (arm-level data or a precomputed effect). */
export function smdOf(o: OutcomeData): number | undefined {
  if (o.yi !== undefined) return o.yi;
  if (o.n1 === undefined || o.m1 === undefined || o.sd1 === undefined || o.n2 === undefined || o.m2 === undefined || o.sd2 === undefined) return undefined;
  const es = escalcSMD({ n1: o.n1, m1: o.m1, sd1: o.sd1, n2: o.n2, m2: o.m2, sd2: o.sd2 });
  return Number.isFinite(es.yi) ? es.yi : undefined;
}

const f2 = (x: number) => (Math.abs(x) >= 1e-3 || x === 0 ? x.toFixed(2) : x.toExponential(1));

/**
 * Implausible values of a validated form (`result` is buildExtraction's), each at the path of
 * the field to check. `others`: the SMDs of the other accepted studies, per `outcome|timepoint`.
 */
export function implausibleValues(form: Pick<ExtractionForm, 'arms' | 'outcomes'>, result: ExtractionResult, others: ReadonlyMap<string, readonly number[]> = new Map()): FieldError[] {
  const out: FieldError[] = [];
  const arms = new Map<string, Arm>((form.arms ?? []).map((a) => [a.id, a]));
  result.outcomes.forEach((r, i) => {
    if (!r) return;
    const o = form.outcomes[i];
    const p = `outcomes[${i}]`;
    const { yi, vi } = r.effect;
    if (Math.abs(yi) > MAX_PLAUSIBLE_SMD) out.push({ path: o.format === 'effect' ? `${p}.yi` : p, message: `an SMD of ${f2(yi)} is implausible (beyond ±${MAX_PLAUSIBLE_SMD})` });
    if (o.format === 'effect') {
      const n1 = o.interventionArm ? (arms.get(o.interventionArm)?.nAnalysed ?? arms.get(o.interventionArm)?.nRandomised) : undefined;
      const n2 = o.controlArm ? (arms.get(o.controlArm)?.nAnalysed ?? arms.get(o.controlArm)?.nRandomised) : undefined;
      const floor = n1 && n2 ? 0.5 * (1 / n1 + 1 / n2) : 0.001;
      if (vi < floor)
        out.push({
          path: o.vi !== undefined ? `${p}.vi` : `${p}.se`,
          message: n1 && n2 ? `a variance of ${f2(vi)} is implausibly small for arms of ${n1} and ${n2} (at least ${f2(2 * floor)} expected)` : `a variance of ${f2(vi)} implies more than 4,000 participants per arm`,
        });
    } else {
      const d = r.data;
      for (const [arm, sd, m] of [
        ['intervention', d.sd1, d.m1],
        ['control', d.sd2, d.m2],
      ] as const) {
        if (sd !== undefined && m !== undefined && m !== 0 && sd < 0.01 * Math.abs(m))
          out.push({ path: `${p}.${arm}`, message: `an SD of ${f2(sd)} is implausibly small against a mean of ${f2(m)} (below 1 %)` });
      }
    }
    const peers = others.get(`${r.data.outcome}|${r.data.timepoint.trim().toLowerCase()}`) ?? [];
    if (peers.length >= 3) {
      const nearest = Math.min(...peers.map((x) => Math.abs(x - yi)));
      if (nearest > OUTLIER_DISTANCE)
        out.push({ path: o.format === 'effect' ? `${p}.yi` : p, message: `an SMD of ${f2(yi)} is far outside the ${peers.length} other studies (${f2(Math.min(...peers))} to ${f2(Math.max(...peers))})` });
    }
  });
  return out;
}

/** The SMDs of accepted studies per `outcome|timepoint` (for implausibleValues). */
export function acceptedEffects(studies: readonly { studyId: string; extraction?: { outcomes: readonly OutcomeData[] } }[], except?: string): Map<string, number[]> {
  const m = new Map<string, number[]>();
  for (const s of studies) {
    if (s.studyId === except || !s.extraction) continue;
    for (const o of s.extraction.outcomes) {
      const y = smdOf(o);
      if (y === undefined) continue;
      const k = `${o.outcome}|${o.timepoint.trim().toLowerCase()}`;
      m.set(k, [...(m.get(k) ?? []), y]);
    }
  }
  return m;
}
