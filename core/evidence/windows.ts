/**
 * Checkpoint window arithmetic for the pollers. Pure: "today" is always passed in.
 * Dates are whole UTC days. PubMed takes `YYYY/MM/DD`, ClinicalTrials.gov `YYYY-MM-DD`.
 */

export interface DayWindow {
  /** inclusive, ISO `YYYY-MM-DD` */
  from: string;
  /** inclusive, ISO `YYYY-MM-DD` */
  to: string;
}

const DAY = 86_400_000;

export function dayNumber(iso: string): number {
  const m = iso.match(/^(\d{4})[-/](\d{2})[-/](\d{2})$/);
  if (!m) throw new Error(`not a date (YYYY-MM-DD): "${iso}"`);
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  if (!Number.isFinite(t)) throw new Error(`not a date (YYYY-MM-DD): "${iso}"`);
  return Math.floor(t / DAY);
}

export function isoDay(day: number): string {
  return new Date(day * DAY).toISOString().slice(0, 10);
}

export function addDays(iso: string, n: number): string {
  return isoDay(dayNumber(iso) + n);
}

/** `2024-03-05` → `2024/03/05` (E-utilities mindate/maxdate). */
export function eutilsDate(iso: string): string {
  return iso.replace(/-/g, '/');
}

export interface WindowOptions {
  /** Days re-read before the checkpoint (late-indexed records, clock skew). */
  overlapDays: number;
  /** Where a first poll (no checkpoint) starts. */
  backfillFrom: string;
}

/**
 * The window of the next poll: from (checkpoint − overlap) — or the backfill start — to today.
 * A checkpoint in the future (clock skew) is clamped to today.
 */
export function nextWindow(checkpoint: string | undefined, today: string, opts: WindowOptions): DayWindow {
  const t = dayNumber(today);
  let from = checkpoint ? Math.min(dayNumber(checkpoint), t) - opts.overlapDays : dayNumber(opts.backfillFrom);
  if (from > t) from = t;
  return { from: isoDay(from), to: isoDay(t) };
}

/** Splits a window into two halves of whole days; undefined for a one-day window. */
export function splitWindow(w: DayWindow): [DayWindow, DayWindow] | undefined {
  const a = dayNumber(w.from);
  const b = dayNumber(w.to);
  if (b <= a) return undefined;
  const mid = Math.floor((a + b) / 2);
  return [
    { from: isoDay(a), to: isoDay(mid) },
    { from: isoDay(mid + 1), to: isoDay(b) },
  ];
}

/**
 * `n` consecutive windows of (nearly) equal days covering `w` (fewer when `w` has fewer days).
 * Used to split a window whose esearch count meets the cap into as many parts as the count says
 * are needed at once, so their searches can be sent together instead of halving one at a time.
 */
export function splitWindowInto(w: DayWindow, n: number): DayWindow[] {
  const a = dayNumber(w.from);
  const days = dayNumber(w.to) - a + 1;
  const parts = Math.max(1, Math.min(days, Math.floor(n)));
  const out: DayWindow[] = [];
  for (let i = 0; i < parts; i++) {
    const from = a + Math.floor((i * days) / parts);
    const to = a + Math.floor(((i + 1) * days) / parts) - 1;
    out.push({ from: isoDay(from), to: isoDay(to) });
  }
  return out;
}

/** The number of whole days in a window. */
export function windowDays(w: DayWindow): number {
  return dayNumber(w.to) - dayNumber(w.from) + 1;
}

/** The largest number of ids one esearch result set may hold before it must be split. */
export const ESEARCH_CAP = 9_999;

/**
 * ClinicalTrials.gov `filter.advanced`: the review's own expression, restricted to interventional
 * randomised studies updated on or after `from`.
 */
export function ctgovAdvanced(reviewAdvanced: string | undefined, from: string): string {
  const own = reviewAdvanced?.trim() ?? '';
  const parts = own ? [`(${own})`] : [];
  const has = (re: RegExp) => re.test(own);
  if (!has(/AREA\[StudyType\]\s*INTERVENTIONAL/i)) parts.push('AREA[StudyType]INTERVENTIONAL');
  if (!has(/AREA\[DesignAllocation\]\s*RANDOMIZED/i)) parts.push('AREA[DesignAllocation]RANDOMIZED');
  parts.push(`AREA[LastUpdatePostDate]RANGE[${from},MAX]`);
  return parts.join(' AND ');
}
