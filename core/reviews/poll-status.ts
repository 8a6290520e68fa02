/**
 * The last poll of each (review, source), in words for the curator home (pure; the clock is a
 * parameter): "PubMed: failed 2 min ago — host not found; next try in 15 min". The next try follows
 * the same rules as the scheduler (cadence.ts: one interval after the last completed poll; after a
 * failure, min(interval, 15 min) after the failure).
 */
import { retryAfterMs } from './cadence.js';

/** What a poller stores after each attempt of one (review, source) (on the checkpoint item). */
export interface PollAttempt {
  at: string;
  ok: boolean;
  /** The failure as the poller saw it (raw message). */
  error?: string;
  /** Counts of the attempt (fetched, new, updated, unchanged, quarantined). */
  summary?: Record<string, number>;
}

export interface PollStatusInput {
  source: string;
  /** Last completed poll (the checkpoint's lastRunAt). */
  lastRunAt?: string;
  lastAttempt?: PollAttempt;
  intervalHours: number;
}

export interface PollStatus {
  source: string;
  label: string;
  state: 'ok' | 'failed' | 'never';
  /** When the latest attempt happened (ISO), if any. */
  at?: string;
  /** When the next poll is due (ISO), if known. */
  nextAt?: string;
  /** The failure in plain words (failed only). */
  reason?: string;
  sentence: string;
}

const LABELS: Record<string, string> = { pubmed: 'PubMed', ctgov: 'ClinicalTrials.gov', europepmc: 'Europe PMC', isrctn: 'ISRCTN' };
export const pollSourceLabel = (s: string) => LABELS[s] ?? s;

/** "just now", "2 min", "3 h", "2 days": a duration in the largest whole unit. */
export function humanDuration(ms: number): string {
  const m = Math.round(Math.abs(ms) / 60_000);
  if (m < 1) return 'less than a minute';
  if (m < 60) return `${m} min`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} h`;
  return `${Math.round(h / 24)} days`;
}

/** A poller's raw failure message in a few plain words. */
export function plainPollError(message: string | undefined): string {
  const m = message ?? '';
  if (/ENOTFOUND|EAI_AGAIN|getaddrinfo/i.test(m)) return 'host not found';
  if (/ECONNREFUSED/i.test(m)) return 'connection refused';
  if (/ECONNRESET|socket hang up/i.test(m)) return 'connection reset';
  if (/timed out|timeout|ETIMEDOUT/i.test(m)) return 'timed out';
  const status = m.match(/\b(?:HTTP|status)\s*(\d{3})\b/i)?.[1] ?? m.match(/\b(429|5\d\d)\b/)?.[1];
  if (status === '429') return 'rate limited by the source (429)';
  if (status && status.startsWith('5')) return `the source answered with a server error (${status})`;
  if (/malformed/i.test(m)) return 'the source sent a malformed answer';
  if (/skipped/i.test(m)) return 'skipped: the source was unreachable in this cycle';
  return m.length > 120 ? `${m.slice(0, 117)}…` : m || 'unknown error';
}

export function pollStatus(input: PollStatusInput, now: Date): PollStatus {
  const label = pollSourceLabel(input.source);
  const t = now.getTime();
  const hourMs = 3_600_000;
  const a = input.lastAttempt;
  // A completed run newer than the stored attempt (a poller that does not record attempts) counts as a success.
  const lastOk = input.lastRunAt && !Number.isNaN(Date.parse(input.lastRunAt)) ? input.lastRunAt : undefined;
  const latest: PollAttempt | undefined = a && (!lastOk || a.at >= lastOk) ? a : lastOk ? { at: lastOk, ok: true } : undefined;
  if (!latest) return { source: input.source, label, state: 'never', sentence: `${label}: not polled yet` };
  const at = Date.parse(latest.at);
  const ago = `${humanDuration(t - at)} ago`;
  if (!latest.ok) {
    const reason = plainPollError(latest.error);
    const next = at + retryAfterMs(input.intervalHours);
    const when = next <= t ? 'next try at the next scheduler tick' : `next try in ${humanDuration(next - t)}`;
    return { source: input.source, label, state: 'failed', at: latest.at, nextAt: new Date(next).toISOString(), reason, sentence: `${label}: failed ${ago} — ${reason}; ${when}` };
  }
  const next = at + input.intervalHours * hourMs;
  const s = latest.summary;
  const counts = s ? ` (${s.fetched ?? 0} fetched, ${s.new ?? 0} new)` : '';
  const when = next <= t ? 'next poll is due now' : `next poll in ${humanDuration(next - t)}`;
  return { source: input.source, label, state: 'ok', at: latest.at, nextAt: new Date(next).toISOString(), sentence: `${label}: succeeded ${ago}${counts}; ${when}` };
}

/**
 * One line per source over several reviews: the most recent attempt of that source; a source whose
 * latest attempt failed in any review shows that failure (it needs attention first).
 */
export function sourceSummary(statuses: PollStatus[]): PollStatus[] {
  const bySource = new Map<string, PollStatus[]>();
  for (const s of statuses) bySource.set(s.source, [...(bySource.get(s.source) ?? []), s]);
  return [...bySource.values()].map((list) => {
    const failed = list.filter((s) => s.state === 'failed').sort((x, y) => (y.at ?? '').localeCompare(x.at ?? ''));
    if (failed.length) return failed[0];
    const done = list.filter((s) => s.state === 'ok').sort((x, y) => (y.at ?? '').localeCompare(x.at ?? ''));
    return done[0] ?? list[0];
  });
}
