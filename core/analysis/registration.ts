/**
 * A study's trial registrations as the public study page shows them: which registry, when the trial
 * was registered against when it started (prospective or retrospective registration, the first thing
 * to check for selective reporting, RoB 2 domain 5), and the outcomes the registration names as
 * planned, to hold against those the study reports. Pure; fed from the candidate's registration facts
 * (core/evidence/merge.ts), carried in the snapshot (core/analysis/snapshot.ts).
 */
import type { Candidate, PlannedOutcome, RegistrationFacts } from '../evidence/candidate.js';

/**
 * `prospective`: registered before the trial started; `retrospective`: after; `unclear`: the dates
 * fall in the same period at the precision the registry gives (e.g. both in March 2019), or one is
 * missing.
 */
export type RegistrationTiming = 'prospective' | 'retrospective' | 'unclear';

export interface SnapshotRegistration {
  registry: 'ClinicalTrials.gov' | 'ISRCTN';
  /** NCT id or ISRCTN number. */
  id: string;
  /** Recruitment status as the registry states it (e.g. COMPLETED, Completed). */
  status?: string;
  /** `YYYY`, `YYYY-MM` or `YYYY-MM-DD`. */
  registered?: string;
  started?: string;
  timing: RegistrationTiming;
  /** Whole months from the start to the registration, when registered retrospectively and both dates give the month (0: within a month). */
  monthsLate?: number;
  /** One sentence saying what the dates mean. */
  sentence: string;
  plannedOutcomes: PlannedOutcome[];
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

interface Parts {
  y: number;
  m?: number;
  d?: number;
}

function parts(iso: string | undefined): Parts | null {
  const m = iso?.match(/^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/);
  if (!m) return null;
  const out: Parts = { y: Number(m[1]) };
  if (m[2]) out.m = Number(m[2]);
  if (m[3]) out.d = Number(m[3]);
  if ((out.m !== undefined && (out.m < 1 || out.m > 12)) || (out.d !== undefined && (out.d < 1 || out.d > 31))) return null;
  return out;
}

/** `2019` → "2019", `2019-03` → "March 2019", `2019-03-12` → "12 March 2019". */
export function humanDate(iso: string): string {
  const p = parts(iso);
  if (!p) return iso;
  if (p.m === undefined) return String(p.y);
  return `${p.d !== undefined ? `${p.d} ` : ''}${MONTHS[p.m - 1]} ${p.y}`;
}

/**
 * Registered before or after the start, compared at the precision both dates have (a day-precise
 * registration against a month-precise start is compared by month).
 */
export function registrationTiming(registered: string | undefined, started: string | undefined): { timing: RegistrationTiming; monthsLate?: number } {
  const r = parts(registered);
  const s = parts(started);
  if (!r || !s) return { timing: 'unclear' };
  const key = (p: Parts, depth: number) => [p.y, p.m ?? 0, p.d ?? 0].slice(0, depth);
  const depth = r.d !== undefined && s.d !== undefined ? 3 : r.m !== undefined && s.m !== undefined ? 2 : 1;
  const a = key(r, depth);
  const b = key(s, depth);
  const cmp = a.reduce((acc, v, i) => acc || Math.sign(v - b[i]), 0);
  if (cmp < 0) return { timing: 'prospective' };
  if (cmp === 0) {
    // Registered on the start day counts as before the first participant (ICMJE: "at or before").
    return depth === 3 ? { timing: 'prospective' } : { timing: 'unclear' };
  }
  // Years only: later, but by how much is not known.
  if (depth === 1) return { timing: 'retrospective' };
  let months = (r.y - s.y) * 12 + ((r.m ?? 1) - (s.m ?? 1));
  if (depth === 3 && (r.d ?? 1) < (s.d ?? 1)) months -= 1;
  return { timing: 'retrospective', monthsLate: Math.max(0, months) };
}

function sentenceOf(registered: string | undefined, started: string | undefined, t: { timing: RegistrationTiming; monthsLate?: number }): string {
  if (!registered || !started) {
    const known = registered ? `Registered ${parts(registered)?.d !== undefined ? 'on' : 'in'} ${humanDate(registered)}; the` : started ? `The trial started in ${humanDate(started)}; the` : 'The';
    return `${known} registry does not give both the registration and the start date, so whether the outcomes were fixed before the trial began is not known.`;
  }
  const reg = `${parts(registered)?.d !== undefined ? 'on' : 'in'} ${humanDate(registered)}`;
  if (t.timing === 'prospective') {
    return `Registered ${reg}, before the trial started (${humanDate(started)}): the planned outcomes were written down before any result could be known.`;
  }
  if (t.timing === 'retrospective') {
    const m = t.monthsLate;
    const late = m === undefined ? '' : m < 1 ? 'less than a month ' : m === 1 ? '1 month ' : m < 24 ? `${m} months ` : `${Math.floor(m / 12)} years `;
    return `Registered ${reg}, ${late}after the trial started (${humanDate(started)}): registered retrospectively, so the planned outcomes may have been written knowing how the trial was going.`;
  }
  return `Registered ${reg}, around when the trial started (${humanDate(started)}): the dates are too coarse to tell whether the outcomes were fixed before the first participant.`;
}

function one(registry: SnapshotRegistration['registry'], id: string, f: RegistrationFacts): SnapshotRegistration {
  const t = registrationTiming(f.registered, f.started);
  return {
    registry,
    id,
    ...(f.status ? { status: f.status } : {}),
    ...(f.registered ? { registered: f.registered } : {}),
    ...(f.started ? { started: f.started } : {}),
    timing: t.timing,
    ...(t.monthsLate !== undefined ? { monthsLate: t.monthsLate } : {}),
    sentence: sentenceOf(f.registered, f.started, t),
    plannedOutcomes: f.plannedOutcomes ?? [],
  };
}

/** The candidate's registrations (ClinicalTrials.gov first), as the snapshot carries them. */
export function registrationsOf(c: Pick<Candidate, 'registration' | 'isrctnRegistration'>): SnapshotRegistration[] {
  const out: SnapshotRegistration[] = [];
  if (c.registration?.nctId) out.push(one('ClinicalTrials.gov', c.registration.nctId, c.registration));
  if (c.isrctnRegistration?.isrctn) out.push(one('ISRCTN', c.isrctnRegistration.isrctn, c.isrctnRegistration));
  return out;
}
