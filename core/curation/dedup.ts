/** De-duplication keys for hand-searched records (pure). */

/** Lower-case, strip accents and punctuation, collapse whitespace: "The  Effect of… Apps!" → "the effect of apps". */
export function normaliseTitle(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/<[^>]*>/g, ' ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** Title + year key used when a record has no DOI/PMID/NCT identifier. */
export function titleYearKey(title: string, year: number | undefined): string {
  return `${normaliseTitle(title)}|${year ?? ''}`;
}
