/**
 * The PRISMA 2020 flow diagram (pure): boxes laid out from core's PRISMA counts (prisma.ts, the one
 * definition of every number) and drawn as a standalone SVG string. Two forms:
 *  - cumulative: the PRISMA 2020 diagram for new reviews (databases and registers);
 *  - this update: the PRISMA 2020 diagram for updated reviews — studies included in the previous
 *    version on the left, the records identified since `since` flowing down, and the total.
 * The SVG uses presentation attributes only (no style attribute, no script), so it passes the
 * curator UI's Content-Security-Policy inline and stands alone as a download.
 */
import type { Review } from '../reviews/schema.js';
import { prismaCounts, type PrismaCounts } from './prisma.js';
import type { CuratedCandidate } from './workflow.js';

export interface PrismaBox {
  id: string;
  /** Column of the box: 0 = previous studies (update only), 1 = main flow, 2 = exclusions. */
  col: 0 | 1 | 2;
  row: number;
  lines: string[];
}
export interface PrismaArrow {
  from: string;
  to: string;
}
export interface PrismaDiagram {
  title: string;
  /** Phase labels down the left side, one per row band. */
  phases: { label: string; rows: [number, number] }[];
  boxes: PrismaBox[];
  arrows: PrismaArrow[];
}

/** The updated-review split: what was included before `since`, and the flow of what came after. */
export interface PrismaUpdate {
  since: string;
  previousIncluded: number;
  update: PrismaCounts;
  totalIncluded: number;
}

const SOURCE_LABELS: Record<string, string> = {
  pubmed: 'PubMed',
  ctgov: 'ClinicalTrials.gov',
  europepmc: 'Europe PMC (preprints)',
  isrctn: 'ISRCTN',
  ris: 'RIS import (hand search)',
  metapsy: 'Metapsy database',
  manual: 'Entered by hand',
};
export const sourceLabel = (s: string) => SOURCE_LABELS[s] ?? s;

/**
 * Split a review's candidates at `since` (ISO date or time): studies first identified before it
 * are the previous version's; the ones identified from it on are this update's.
 */
export function prismaUpdate(review: Pick<Review, 'exclusionReasons'>, candidates: Iterable<CuratedCandidate>, since: string): PrismaUpdate {
  const before: CuratedCandidate[] = [];
  const after: CuratedCandidate[] = [];
  for (const c of candidates) (c.createdAt < since ? before : after).push(c);
  const previousIncluded = prismaCounts(review, before).included;
  const update = prismaCounts(review, after);
  return { since, previousIncluded, update, totalIncluded: previousIncluded + update.included };
}

/** "(n = 12)" with no-break spaces, so that wrapping never splits it. */
const n = (x: number) => `(n\u00a0=\u00a0${x})`;

function flowBoxes(p: PrismaCounts, col: 1): PrismaBox[] {
  const sources = Object.entries(p.recordsBySource).sort((a, b) => b[1] - a[1]);
  return [
    { id: 'identified', col, row: 0, lines: [`Records identified ${n(p.recordsIdentified)}:`, ...sources.map(([s, k]) => `${sourceLabel(s)} ${n(k)}`)] },
    { id: 'screened', col, row: 1, lines: [`Records screened ${n(p.screened)}`, `(studies after duplicates were removed)`] },
    { id: 'assessed', col, row: 2, lines: [`Reports assessed for eligibility ${n(p.fullTextAssessed)}`] },
    {
      id: 'included',
      col,
      row: 3,
      lines: [`Studies included in review ${n(p.included)}`, `accepted ${n(p.accepted)}`, `in data extraction ${n(p.inExtraction)}`, ...(p.withdrawn ? [`withdrawn after acceptance ${n(p.withdrawn)}`] : [])],
    },
  ];
}

function sideBoxes(p: PrismaCounts): PrismaBox[] {
  const reasons = p.excludedFullTextByReason.filter((r) => r.count > 0);
  return [
    { id: 'duplicates', col: 2, row: 0, lines: ['Records removed before screening:', `duplicate records ${n(p.duplicatesRemoved)}`] },
    { id: 'excluded-ta', col: 2, row: 1, lines: [`Records excluded ${n(p.excludedTitleAbstract)}`, `Awaiting a title/abstract decision ${n(p.awaitingTitleAbstract)}`] },
    {
      id: 'excluded-ft',
      col: 2,
      row: 2,
      lines: [`Reports excluded ${n(p.excludedFullText)}${reasons.length ? ':' : ''}`, ...reasons.map((r) => `${r.label} ${n(r.count)}`), `Awaiting a full-text decision ${n(p.awaitingFullText)}`],
    },
  ];
}

const PHASES: PrismaDiagram['phases'] = [
  { label: 'Identification', rows: [0, 0] },
  { label: 'Screening', rows: [1, 2] },
  { label: 'Included', rows: [3, 4] },
];

const FLOW_ARROWS: PrismaArrow[] = [
  { from: 'identified', to: 'screened' },
  { from: 'screened', to: 'assessed' },
  { from: 'assessed', to: 'included' },
  { from: 'identified', to: 'duplicates' },
  { from: 'screened', to: 'excluded-ta' },
  { from: 'assessed', to: 'excluded-ft' },
];

export function cumulativeDiagram(p: PrismaCounts, reviewTitle: string): PrismaDiagram {
  return { title: `PRISMA 2020 flow diagram: ${reviewTitle} (all records)`, phases: PHASES, boxes: [...flowBoxes(p, 1), ...sideBoxes(p)], arrows: FLOW_ARROWS };
}

export function updateDiagram(u: PrismaUpdate, reviewTitle: string): PrismaDiagram {
  const p = u.update;
  return {
    title: `PRISMA 2020 flow diagram for this update: ${reviewTitle} (records identified since ${u.since.slice(0, 10)})`,
    phases: PHASES,
    boxes: [
      { id: 'previous', col: 0, row: 0, lines: ['Previous studies:', `Studies included in the previous version ${n(u.previousIncluded)}`] },
      ...flowBoxes(p, 1).map((b) => (b.id === 'included' ? { ...b, lines: [`New studies included ${n(p.included)}`, ...b.lines.slice(1)] } : b)),
      ...sideBoxes(p),
      { id: 'total', col: 1, row: 4, lines: [`Total studies included in review ${n(u.totalIncluded)}`, `(previous ${u.previousIncluded} + new ${p.included})`] },
    ],
    arrows: [...FLOW_ARROWS, { from: 'included', to: 'total' }, { from: 'previous', to: 'total' }],
  };
}

// ------------------------------------------------------------------ drawing

const COL_X = [40, 40, 420];
const COL_W = [340, 340, 340];
const LINE_H = 17;
const PAD = 10;
const GAP = 28;
const CHARS = 44; // characters per line at 13 px in a 340 px box

/** Greedy word wrap to `width` characters (a word longer than the line is cut). */
export function wrap(text: string, width = CHARS): string[] {
  const out: string[] = [];
  let cur = '';
  for (const word of text.split(/[ \t\r\n]+/).filter(Boolean)) {
    let w = word;
    while (w.length > width) {
      if (cur) {
        out.push(cur);
        cur = '';
      }
      out.push(w.slice(0, width));
      w = w.slice(width);
    }
    if (!cur) cur = w;
    else if (cur.length + 1 + w.length <= width) cur += ` ${w}`;
    else {
      out.push(cur);
      cur = w;
    }
  }
  if (cur) out.push(cur);
  return out.length ? out : [''];
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

interface Placed extends PrismaBox {
  x: number;
  y: number;
  w: number;
  h: number;
  wrapped: string[];
}

/** Place the boxes: each row as tall as its tallest box; the update's previous-studies column shifts the flow right. */
export function layout(d: PrismaDiagram): { placed: Placed[]; width: number; height: number; rowY: number[]; rowH: number[] } {
  const hasPrevious = d.boxes.some((b) => b.col === 0);
  const shift = hasPrevious ? 380 : 0;
  const wrapped = d.boxes.map((b) => ({ b, lines: b.lines.flatMap((l) => wrap(l)) }));
  const rows = Math.max(...d.boxes.map((b) => b.row)) + 1;
  const rowH = Array.from({ length: rows }, (_, r) => Math.max(0, ...wrapped.filter((x) => x.b.row === r).map((x) => x.lines.length * LINE_H + 2 * PAD)));
  const top = 56;
  const rowY: number[] = [];
  let y = top;
  for (let r = 0; r < rows; r++) {
    rowY.push(y);
    y += rowH[r] + GAP;
  }
  const placed = wrapped.map(({ b, lines }) => ({
    ...b,
    x: b.col === 0 ? COL_X[0] : COL_X[b.col] + shift,
    y: rowY[b.row],
    w: COL_W[b.col],
    h: lines.length * LINE_H + 2 * PAD,
    wrapped: lines,
  }));
  return { placed, width: 800 + shift, height: y - GAP + 20, rowY, rowH };
}

/** The diagram as a standalone SVG document (role="img", with a title and a description). */
export function prismaSvg(d: PrismaDiagram): string {
  const { placed, width, height, rowY, rowH } = layout(d);
  const byId = new Map(placed.map((p) => [p.id, p]));
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="prisma-title prisma-desc" font-family="system-ui, sans-serif" font-size="13">`,
  );
  out.push(`<title id="prisma-title">${esc(d.title)}</title>`);
  out.push(`<desc id="prisma-desc">${esc(placed.map((p) => p.lines.join(' ')).join('. '))}</desc>`);
  out.push(`<defs><marker id="prisma-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" fill="#333"/></marker></defs>`);
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#fff"/>`);
  out.push(`<text x="${width / 2}" y="28" text-anchor="middle" font-size="15" font-weight="bold" fill="#111">${esc(d.title.length > 110 ? `${d.title.slice(0, 107)}…` : d.title)}</text>`);
  for (const ph of d.phases) {
    const r0 = Math.min(ph.rows[0], rowY.length - 1);
    const r1 = Math.min(ph.rows[1], rowY.length - 1);
    const y0 = rowY[r0];
    const y1 = rowY[r1] + rowH[r1];
    const cy = (y0 + y1) / 2;
    out.push(`<rect x="6" y="${y0}" width="24" height="${y1 - y0}" rx="4" fill="#dbe8f5" stroke="#4a6f94"/>`);
    out.push(`<text x="22" y="${cy}" transform="rotate(-90 22 ${cy})" text-anchor="middle" fill="#111" font-weight="bold">${esc(ph.label)}</text>`);
  }
  for (const a of d.arrows) {
    const f = byId.get(a.from);
    const t = byId.get(a.to);
    if (!f || !t) continue;
    let path: string;
    if (f.col === t.col) path = `M${f.x + f.w / 2} ${f.y + f.h}V${t.y - 2}`; // down
    else if (f.row === t.row) path = `M${f.x + f.w} ${f.y + Math.min(f.h, t.h) / 2}H${t.x - 2}`; // across
    else path = `M${f.x + f.w / 2} ${f.y + f.h}V${t.y + t.h / 2}H${t.x - 2}`; // previous studies → total
    out.push(`<path d="${path}" fill="none" stroke="#333" stroke-width="1.5" marker-end="url(#prisma-arrow)"/>`);
  }
  for (const p of placed) {
    out.push(`<g data-box="${esc(p.id)}">`);
    out.push(`<rect x="${p.x}" y="${p.y}" width="${p.w}" height="${p.h}" rx="3" fill="${p.col === 2 ? '#f7f7f7' : '#ffffff'}" stroke="#333"/>`);
    p.wrapped.forEach((line, i) => {
      out.push(`<text x="${p.x + PAD}" y="${p.y + PAD + (i + 1) * LINE_H - 4}" fill="#111"${i === 0 ? ' font-weight="bold"' : ''}>${esc(line)}</text>`);
    });
    out.push('</g>');
  }
  out.push('</svg>');
  return out.join('\n');
}

/**
 * The arithmetic a PRISMA diagram must satisfy (for tests and as a self-check on the page): every
 * record identified is either a duplicate or a screened study; every screened study is excluded,
 * awaiting a decision or goes on to full text; and so on. Returns the broken identities (none = ok).
 */
export function prismaIdentities(p: PrismaCounts): string[] {
  const bad: string[] = [];
  const check = (label: string, left: number, right: number) => {
    if (left !== right) bad.push(`${label}: ${left} ≠ ${right}`);
  };
  check('identified − duplicates = screened', p.recordsIdentified - p.duplicatesRemoved, p.screened);
  check('identified = Σ sources', p.recordsIdentified, Object.values(p.recordsBySource).reduce((a, b) => a + b, 0));
  check('screened = excluded (title/abstract) + awaiting + assessed', p.screened, p.excludedTitleAbstract + p.awaitingTitleAbstract + p.fullTextAssessed);
  check('assessed = excluded (full text) + awaiting + included', p.fullTextAssessed, p.excludedFullText + p.awaitingFullText + p.included);
  check('excluded (full text) = Σ reasons', p.excludedFullText, p.excludedFullTextByReason.reduce((a, r) => a + r.count, 0));
  check('included = accepted + extraction + withdrawn', p.included, p.accepted + p.inExtraction + p.withdrawn);
  return bad;
}
