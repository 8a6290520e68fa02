/** Number and date formatting shared by pages and charts (typographic minus, fixed decimals). */
import { signedFixed } from '../../../core/analysis/numbers.js';
export const fmt = (x: number | null | undefined, d = 2): string =>
  x === null || x === undefined || !Number.isFinite(x) ? '–' : signedFixed(x, d);

export const fmtP = (p: number | null | undefined): string =>
  p === null || p === undefined || !Number.isFinite(p) ? '–' : p < 0.001 ? '< 0.001' : p.toFixed(3);

/** "−0.52 [−0.71, −0.33]" */
export const fmtCi = (est: number | null | undefined, lo: number | null | undefined, hi: number | null | undefined, d = 2): string =>
  `${fmt(est, d)} [${fmt(lo, d)}, ${fmt(hi, d)}]`;

export const fmtDate = (iso: string | null | undefined): string => (iso ? iso.slice(0, 10) : '–');
export const fmtDateTime = (iso: string | null | undefined): string => (iso ? `${iso.slice(0, 16).replace('T', ' ')} UTC` : '–');

/** A label as it reads inside a sentence (one definition, in core). */
export { inSentence } from '../../../core/evidence/text.js';

export const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function csvEscape(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
