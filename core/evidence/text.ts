/**
 * Text helpers shared by the source parsers and the de-duplication logic. Pure.
 */

const XML_NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * Decodes the five predefined XML entities and numeric character references, in ONE pass (so
 * `&amp;lt;` becomes `&lt;`, never `<`). Any other named entity (which would need the DTD) is left
 * as written: nothing external is ever resolved.
 */
export function decodeXmlEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[A-Za-z][A-Za-z0-9]{0,31});/g, (whole, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      if (!Number.isFinite(code) || code <= 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return whole;
      return String.fromCodePoint(code);
    }
    return XML_NAMED[body] ?? whole;
  });
}

/**
 * `text` within `max` characters (code points, the ellipsis included): cut at the last word boundary
 * that fits (a single overlong word is cut), trailing punctuation dropped, ending in "…".
 */
export function shortenText(text: string, max: number): string {
  const chars = [...text];
  if (chars.length <= max) return text;
  const head = chars.slice(0, max - 1).join('');
  const space = head.search(/\s\S*$/);
  const cut = space > max / 2 ? head.slice(0, space) : head;
  return `${cut.replace(/[\s,.;:–—-]+$/u, '')}…`;
}

/**
 * A label as it reads inside a sentence: each ordinary capitalised word lowercased ("Risk of bias"
 * → "risk of bias"), acronyms and mixed-case names kept ("RoB 2", "PHQ-9", "GAD-7", "iCBT").
 */
export const inSentence = (label: string): string =>
  label.replace(/[\p{L}\p{N}'’-]+/gu, (word) => (/^\p{Lu}\p{Ll}+(?:['’-]\p{Ll}+)*$/u.test(word) ? word.toLowerCase() : word));

/** Collapses runs of whitespace (including NBSP) and trims. */
export function collapseWhitespace(s: string): string {
  return s.replace(/[\s\u00a0]+/g, ' ').trim();
}

/** Removes diacritics, punctuation and case: for matching titles across sources. */
export function normaliseTitle(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Lower-case surname without diacritics or punctuation. */
export function normaliseName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '');
}

/** `https://doi.org/10.1000/ABC` or `doi:10.1000/abc` → `10.1000/abc`; undefined when not a DOI. */
export function normaliseDoi(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  let s = collapseWhitespace(raw).toLowerCase();
  s = s.replace(/^(?:https?:\/\/)?(?:dx\.)?doi\.org\//, '').replace(/^doi:\s*/, '');
  return /^10\.\d{4,9}\/\S+$/.test(s) ? s : undefined;
}

export function normalisePmid(raw: string | number | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const s = String(raw).trim();
  return /^[1-9][0-9]{0,9}$/.test(s) ? s : undefined;
}

export function normalisePmcid(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const s = raw.trim().toUpperCase();
  if (/^PMC\d+$/.test(s)) return s;
  if (/^\d+$/.test(s)) return `PMC${s}`;
  return undefined;
}

/** Deterministic JSON (object keys sorted, undefined dropped): the input of content hashes. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

/**
 * A 128-bit content hash (four 32-bit multiply-xorshift lanes over UTF-16 code units), hex.
 * Pure JS so that core/ needs no crypto module; it only decides "changed or not", and the
 * consequence of a collision would be one missed update that the next change repairs.
 */
export function contentHash(value: unknown): string {
  const s = typeof value === 'string' ? value : canonicalJson(value);
  let a = 0xdeadbeef ^ s.length;
  let b = 0x41c6ce57 ^ s.length;
  let c = 0x9e3779b9;
  let d = 0x85ebca6b;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    a = Math.imul(a ^ ch, 2654435761);
    b = Math.imul(b ^ ch, 1597334677);
    c = Math.imul(c ^ ch, 0x01000193);
    d = Math.imul(d ^ (ch + i), 0x27d4eb2f);
  }
  a = Math.imul(a ^ (a >>> 16), 2246822507) ^ Math.imul(b ^ (b >>> 13), 3266489909);
  b = Math.imul(b ^ (b >>> 16), 2246822507) ^ Math.imul(a ^ (a >>> 13), 3266489909);
  c = Math.imul(c ^ (c >>> 15), 0x85ebca6b) ^ (d >>> 7);
  d = Math.imul(d ^ (d >>> 15), 0xc2b2ae35) ^ (c >>> 9);
  return [a, b, c, d].map((x) => (x >>> 0).toString(16).padStart(8, '0')).join('');
}
