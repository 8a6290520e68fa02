/**
 * Numbers as the pages and every sentence print them: fixed decimals, a true minus sign (U+2212),
 * and no "−0.00" for a value that rounds to zero. Pure; one definition for core's sentences
 * (certainty reasons, plain language, version summaries) and the site's tables and charts.
 */
export function signedFixed(x: number, decimals: number): string {
  const s = x.toFixed(decimals);
  return Number(s) === 0 ? s.replace('-', '') : s.replace('-', '−');
}
