/**
 * The built pages, read as HTML and XML (no browser): `astro build` (functions/publish/build-site)
 * on three published versions of the self-guided depression review made by core's real snapshot
 * builder from the Metapsy data — v1 with 40 trials, v2 with 60, v3 with all of them and one of the
 * v1 trials retracted — plus the evidence-map review. Some trials are given a ClinicalTrials.gov or
 * ISRCTN registration, a preprint linked to its publication, or a preprint as their main record.
 *
 * What it proves, each against the snapshot's own numbers and records (never numbers typed here):
 *  - study page: the registration block links the registry id to its registry, says when the
 *    trial was registered against its start and lists the outcomes the registration planned, and
 *    sets the outcomes reported here against them; the linked-records block shows the publication and the
 *    preprint with their relation; the retraction block shows the notice, the version and date it
 *    left the analyses, and the study is in no analysis of that version;
 *  - Atom feed: every version's entry summary says whether a conclusion moved, the primary
 *    estimate of that version (the snapshot's history) and what changed;
 *  - living curve: its data table and the points drawn in both SVG layouts are the history's
 *    estimates (positions an affine image of the values, one scale for all); the cumulative
 *    plot's table, CSV and point labels are the snapshot's cumulative meta-analysis;
 *  - evidence map: the cross-table has a CSV download that is built, equal to the table.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { buildSite } from '../../functions/publish/build-site.js';
import { buildSnapshot } from '../../core/analysis/snapshot.js';
import type { Candidate } from '../../core/evidence/candidate.js';
import { getReview } from '../../reviews/index.js';
import { metapsyCandidates, withAnalysisFields } from './sample.js';
import type { ReviewSnapshot } from '../../site/src/lib/model.js';

const work = mkdtempSync(join(tmpdir(), 'le-pages-'));
const SITE = join(work, 'site');
const review = getReview('selfguided-depression');
const all = metapsyCandidates(review).sort((a, b) => a.studyId.localeCompare(b.studyId));
const [regCt, regIsrctn, linked, preprintOnly, retractedStudy] = all.slice(0, 5).map((c) => c.studyId);
const NCT = 'NCT01234567';
const ISRCTN = 'ISRCTN12345678';
const PPR = 'PPR123456';
const DOI = '10.2196/example.2020';
const NOTICE = 'PubMed 39999999: Retraction in J Med Internet Res 2026';

/** The trials as a version sees them (fresh copies: the builder must not see another version's edits). */
function trials(n: number, retract: boolean): Candidate[] {
  return all.slice(0, n).map((c0) => {
    const c = structuredClone(c0);
    if (c.studyId === regCt) {
      c.identifiers = [...c.identifiers, { type: 'nct', value: NCT }];
      c.registration = { nctId: NCT, hasResults: false, status: 'COMPLETED', registered: '2019-06-03', started: '2018-11-12', plannedOutcomes: [{ kind: 'primary', measure: 'Depressive symptoms (PHQ-9)', timeFrame: '8 weeks' }, { kind: 'secondary', measure: 'Anxiety <GAD-7> & "worry"' }] };
    }
    if (c.studyId === regIsrctn) {
      c.identifiers = [...c.identifiers, { type: 'isrctn', value: ISRCTN }];
      c.isrctnRegistration = { isrctn: ISRCTN, registered: '2018-01-10', started: '2018-03' };
    }
    if (c.studyId === linked) c.identifiers = [...c.identifiers, { type: 'ppr', value: PPR }, { type: 'doi', value: DOI }];
    if (c.studyId === preprintOnly) {
      c.identifiers = [...c.identifiers, { type: 'ppr', value: 'PPR654321' }];
      c.preprint = true;
    }
    if (retract && c.studyId === retractedStudy) {
      c.retracted = true;
      c.retractionNotice = NOTICE;
    }
    return c;
  });
}

const versions: ReviewSnapshot[] = [];
{
  let prev: ReviewSnapshot | null = null;
  for (const [n, day, retract] of [[40, 20, false], [60, 21, false], [all.length, 22, true]] as const) {
    const cands = trials(n, retract);
    const s = buildSnapshot(review, cands, new Date(`2026-11-${day}T09:00:00Z`), prev as never) as unknown as ReviewSnapshot;
    versions.push(withAnalysisFields(s, review, cands));
    prev = s;
  }
}
const latest = versions[2];
const depression = latest.outcomes.find((o) => o.id === 'depression')!;

const mapReview = getReview('china-internet-map');
const map = withAnalysisFields(buildSnapshot(mapReview, [], new Date('2026-11-22T09:00:00Z')) as unknown as ReviewSnapshot, mapReview);
// Counts in every cell, different from each other (the builder gives zeros without trials).
map.evidenceMap!.cross!.cells = map.evidenceMap!.cross!.cells.map((row, i) => row.map((_, j) => (3 * i + 5 * j) % 7));

beforeAll(async () => {
  const snaps = join(work, 'snapshots');
  for (const s of [...versions, map]) {
    mkdirSync(join(snaps, s.reviewId), { recursive: true });
    if (s.reviewId === review.id) writeFileSync(join(snaps, s.reviewId, `v${s.version}.json`), JSON.stringify(s));
  }
  writeFileSync(join(snaps, review.id, 'latest.json'), JSON.stringify(latest));
  writeFileSync(join(snaps, map.reviewId, 'latest.json'), JSON.stringify(map));
  await buildSite({ snapshotDir: snaps, outDir: SITE });
}, 600_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

// ---- reading the built HTML ----
const read = (path: string) => readFileSync(join(SITE, path), 'utf8');
const studyPage = (id: string) => read(`reviews/${review.id}/studies/${encodeURIComponent(id)}/index.html`);
const decode = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
/** Text as read: inline tags vanish, block boundaries become spaces. */
const textOf = (html: string) => decode(html.replace(/<\/?(a|span|time|strong|em|abbr|sup)\b[^>]*>/g, '').replace(/<[^>]+>/g, ' ')).replace(/\s+/g, ' ').trim();
const reEsc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The outer HTML of the first element whose start tag matches `attr` (balanced on its tag name). */
function element(html: string, attr: string): string | null {
  const start = html.search(attr.startsWith('<') ? new RegExp(`${attr}\\b`) : new RegExp(`<[a-z0-9]+\\b[^>]*${attr}`));
  if (start < 0) return null;
  const tag = html.slice(start + 1).match(/^[a-z0-9]+/)![0];
  const re = new RegExp(`<${tag}\\b|</${tag}>`, 'g');
  re.lastIndex = start + 1;
  let depth = 1;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    depth += m[0].startsWith('</') ? -1 : 1;
    if (depth === 0) return html.slice(start, m.index + m[0].length);
  }
  return null;
}
const byTestId = (html: string, id: string) => element(html, `data-testid="${id}"`);
const links = (html: string) => [...html.matchAll(/<a href="([^"]*)"[^>]*>([^<]*)<\/a>/g)].map((m) => ({ href: decode(m[1]), text: decode(m[2]) }));
/** The rows of the first <tbody> in `html`, as cell texts. */
const bodyRows = (html: string) => [...element(html, '<tbody')!.matchAll(/<tr\b[^>]*>([\s\S]*?)<\/tr>/g)].map((r) => [...r[1].matchAll(/<t[hd]\b[^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => textOf(c[1])));
const fmt = (x: number) => (Number(x.toFixed(2)) === 0 ? Math.abs(x).toFixed(2) : x.toFixed(2).replace('-', '−'));
const fmtCi = (e: number | null, lo: number | null, hi: number | null) => `${fmt(e!)} [${fmt(lo!)}, ${fmt(hi!)}]`;

describe('study page: registration, linked records, retraction', () => {
  it('a ClinicalTrials.gov and an ISRCTN registration: the id linked to its registry entry, and the outcomes reported here set against it', () => {
    for (const [id, value, url] of [[regCt, NCT, `https://clinicaltrials.gov/study/${NCT}`], [regIsrctn, ISRCTN, `https://www.isrctn.com/${ISRCTN}`]] as const) {
      const block = byTestId(studyPage(id), 'registration')!;
      expect(block, id).not.toBeNull();
      expect(links(block)).toEqual([{ href: url, text: value }]);
      // The note names each outcome this study enters here, with the instruments the snapshot records.
      const note = textOf(byTestId(block, 'registered-vs-reported')!);
      const rows = latest.outcomes.flatMap((o) => o.studies.filter((r) => r.id === id).map((r) => ({ o, r })));
      expect(rows.length, id).toBeGreaterThan(0);
      for (const { o, r } of rows) {
        expect(note).toContain(o.label.toLowerCase());
        for (const inst of r.instruments) expect(note).toContain(inst);
      }
      expect(note).toMatch(/registered/i);
      expect(note).toMatch(/selective reporting/);
    }
    // A trial with no registration says the check cannot be made, and links nowhere.
    const other = all.find((c) => ![regCt, regIsrctn].includes(c.studyId))!.studyId;
    const none = byTestId(studyPage(other), 'registration')!;
    expect(links(none)).toEqual([]);
    expect(textOf(none)).toMatch(/No trial registration recorded/);
  });

  it('each registration says when it was registered against the start, and lists the outcomes it planned, as the snapshot carries them', () => {
    for (const id of [regCt, regIsrctn]) {
      const regs = latest.studies.find((s) => s.id === id)!.registrations!;
      expect(regs, id).toHaveLength(1);
      const block = byTestId(studyPage(id), 'registration')!;
      const timing = byTestId(block, 'registration-timing')!;
      expect(timing).toContain(`data-timing="${regs[0].timing}"`);
      expect(textOf(timing)).toBe(regs[0].sentence);
      const table = byTestId(block, 'planned-outcomes');
      if (regs[0].plannedOutcomes.length === 0) {
        expect(table, id).toBeNull();
        expect(textOf(block)).toMatch(/lists no planned outcomes here; see the registry record/);
        expect(textOf(byTestId(block, 'registered-vs-reported')!)).toMatch(/\(in the registry record\)/);
      } else {
        const cap = { primary: 'Primary', secondary: 'Secondary', other: 'Other' } as const;
        expect(bodyRows(table!)).toEqual(regs[0].plannedOutcomes.map((o) => [cap[o.kind], o.measure, o.timeFrame ?? 'not stated']));
        expect(textOf(byTestId(block, 'registered-vs-reported')!)).toMatch(/\(above\)/);
      }
    }
    // The two sample registrations: one late (CT.gov, 6 months after the start), one before the start (ISRCTN).
    expect(latest.studies.find((s) => s.id === regCt)!.registrations![0]).toMatchObject({ timing: 'retrospective', monthsLate: 6 });
    expect(latest.studies.find((s) => s.id === regIsrctn)!.registrations![0]).toMatchObject({ timing: 'prospective' });
    expect(textOf(byTestId(studyPage(regCt), 'registration')!)).toContain('status: completed');
  });

  it('a preprint linked to its journal publication: both records, each linked, and the relation between them', () => {
    const block = byTestId(studyPage(linked), 'linked-records')!;
    expect(links(block)).toEqual([
      { href: `https://doi.org/${DOI}`, text: DOI },
      { href: `https://europepmc.org/article/PPR/${PPR}`, text: PPR },
    ]);
    expect(textOf(element(block, 'data-record="publication"')!)).toBe(`Journal publication: DOI ${DOI} (peer reviewed; the main record)`);
    expect(textOf(element(block, 'data-record="preprint"')!)).toBe(`Preprint: Europe PMC preprint ${PPR} (not peer reviewed)`);
    expect(textOf(byTestId(block, 'relation')!)).toMatch(/preprint was published as the journal article/);
    // A study whose main record is still a preprint says so, in the heading and the block.
    const page = studyPage(preprintOnly);
    expect(latest.studies.find((s) => s.id === preprintOnly)!.preprint).toBe(true);
    expect(textOf(page.match(/<h1\b[\s\S]*?<\/h1>/)![0])).toMatch(/preprint$/);
    expect(textOf(byTestId(byTestId(page, 'linked-records')!, 'relation')!)).toMatch(/main record is a preprint: not peer reviewed/);
    // A study with neither has no relation note.
    expect(byTestId(byTestId(studyPage(regCt), 'linked-records')!, 'relation')).toBeNull();
  });

  it('a retracted study: the notice, the version and date it left the pooled analysis, and it is in no analysis of that version', () => {
    const st = latest.studies.find((s) => s.id === retractedStudy)!;
    expect(st.retracted).toBe(true);
    // It was pooled before (v2) and is not now (v3): the snapshot's own analyses.
    expect(versions[1].outcomes.some((o) => o.studies.some((r) => r.id === retractedStudy))).toBe(true);
    expect(latest.outcomes.some((o) => o.studies.some((r) => r.id === retractedStudy))).toBe(false);
    const page = studyPage(retractedStudy);
    const block = byTestId(page, 'retraction')!;
    expect(block).not.toBeNull();
    expect(textOf(byTestId(block, 'retraction-notice')!)).toBe(NOTICE);
    const effect = byTestId(block, 'retraction-effect')!;
    expect(effect).toContain(`<time datetime="${latest.generatedAt}">`);
    expect(textOf(effect)).toContain(`since version ${latest.version}, published ${latest.generatedAt.slice(0, 10)} ${latest.generatedAt.slice(11, 16)} UTC`);
    expect(links(effect)).toEqual([{ href: `/reviews/${review.id}/versions/${latest.version}/`, text: `version ${latest.version}` }]);
    expect(textOf(page)).toMatch(/This study is not in any pooled analysis/);
    // A study that was not retracted has no such block.
    expect(byTestId(studyPage(regCt), 'retraction')).toBeNull();
  });
});

describe('review page: the numbers in the sentences are the numbers in the table', () => {
  it('depression (lower is better): the certainty footnotes quote the prediction interval the page shows; the p-value says what it tests', () => {
    const html = read(`reviews/${review.id}/index.html`);
    const r = depression.result!;
    const two = (x: number) => x.toFixed(2).replace('-', '−');
    const shown = `${two(r.piLower!)} to ${two(r.piUpper!)}`;
    expect(html.includes(`data-testid="pi">${shown}<`), `the page shows the prediction interval ${shown}`).toBe(true);
    expect(depression.certainty!.domains.find((d) => d.domain === 'inconsistency')!.reason).toContain(`the prediction interval runs from ${shown}`);
    expect(html.includes(`the prediction interval runs from ${shown}`), 'the footnote quotes it as shown').toBe(true);
    expect(/Test of the pooled effect against no effect: p (&lt; |= )?[0-9.]+\. Random-effects model/.test(html), 'the p-value says what it tests').toBe(true);
  });
});

describe('Atom feed entry summaries', () => {
  const parser = new XMLParser({ ignoreAttributes: false, isArray: (name) => name === 'entry' });
  for (const path of ['feed.xml', `reviews/${review.id}/feed.xml`]) {
    it(`${path}: each version's summary says whether a conclusion moved, gives that version's estimate and what changed`, () => {
      const feed = parser.parse(read(path)).feed;
      const entries = (feed.entry as Array<{ id: string; summary: string }>).filter((e) => e.id.includes(`reviews/${review.id}/versions/`));
      expect(entries).toHaveLength(versions.length);
      for (const c of latest.changes) {
        const e = entries.find((x) => x.id.endsWith(`/versions/${c.version}`))!;
        expect(e, `version ${c.version}`).toBeDefined();
        const summary = decode(String(e.summary));
        const point = latest.history.find((h) => h.version === c.version)!.outcomes.find((o) => o.primary)!;
        // The estimate readers saw in that version, with its interval and number of studies.
        expect(summary).toContain(`${point.label}: SMD ${fmtCi(point.estimate, point.ciLower, point.ciUpper)} from ${point.k} studies in this version.`);
        expect(summary).toContain(`What changed: ${c.text}`);
        if (c.flags!.length) expect(summary).toMatch(new RegExp(`^Conclusion changed: ${reEsc(c.flags![0])}`));
        else expect(summary).toMatch(/^No conclusion changed\. /);
      }
      // The versions differ, and so do their summaries: studies added, then a retraction.
      const v2 = decode(String(entries.find((x) => x.id.endsWith('/versions/2'))!.summary));
      expect(v2).toMatch(/What changed: 20 studies added/);
      const v3 = decode(String(entries.find((x) => x.id.endsWith('/versions/3'))!.summary));
      const label = latest.studies.find((s) => s.id === retractedStudy)!.label;
      expect(v3).toMatch(new RegExp(`^Conclusion changed: ${reEsc(label)} was retracted and left the analysis`));
      expect(new Set(entries.map((x) => x.summary)).size).toBe(entries.length);
    });
  }
});

describe('living curve and cumulative plot: the values drawn are the snapshot\'s', () => {
  const history = latest.history.map((h) => ({ ...h, o: h.outcomes.find((x) => x.id === 'depression')! }));

  it('the living curve\'s data table on the review page lists each version\'s estimate and interval from the history', () => {
    expect(history).toHaveLength(3);
    expect(new Set(history.map((h) => h.o.k)).size).toBe(3);
    const fig = element(read(`reviews/${review.id}/index.html`), 'id="living-depression"')!;
    const rows = bodyRows(fig);
    expect(rows.map((r) => Number(r[0]))).toEqual(history.map((h) => h.version));
    rows.forEach((r, i) => {
      const h = history[i];
      expect(r[1]).toBe(`${h.at.slice(0, 10)} ${h.at.slice(11, 16)}`);
      expect(Number(r[2])).toBe(h.o.k);
      expect(Number(r[3])).toBeCloseTo(h.o.estimate!, 4);
      expect(Number(r[4])).toBeCloseTo(h.o.ciLower!, 4);
      expect(Number(r[5])).toBeCloseTo(h.o.ciUpper!, 4);
    });
    expect(readFileSync(join(SITE, 'data', review.id, 'living-depression.csv'), 'utf8').trim().split('\n')).toHaveLength(history.length + 1);
  });

  for (const file of ['living-depression.svg', 'living-depression-narrow.svg']) {
    it(`${file}: one point per version, labelled with its numbers, placed on one linear scale of the estimate and of time`, () => {
      const svg = readFileSync(join(SITE, 'data', review.id, file), 'utf8');
      const pts = [...svg.matchAll(/<circle cx="([0-9.]+)" cy="([0-9.]+)" r="3"[^>]*><title>([^<]*)<\/title>/g)].map((m) => ({ cx: Number(m[1]), cy: Number(m[2]), title: decode(m[3]) }));
      const whiskers = [...svg.matchAll(/<line x1="([0-9.]+)" x2="\1" y1="([0-9.]+)" y2="([0-9.]+)" stroke="#1f5f99"\/>/g)].map((m) => ({ x: Number(m[1]), lo: Number(m[2]), hi: Number(m[3]) }));
      expect(pts).toHaveLength(history.length);
      expect(whiskers).toHaveLength(history.length);
      pts.forEach((p, i) => {
        const h = history[i];
        expect(p.title).toBe(`Version ${h.version}, ${h.at.slice(0, 10)} ${h.at.slice(11, 16)} UTC: ${fmtCi(h.o.estimate, h.o.ciLower, h.o.ciUpper)}, k = ${h.o.k}`);
        expect(whiskers[i].x).toBe(p.cx);
      });
      // y: every drawn value (estimates, interval ends, the zero line) is a + b·value for one a, b < 0.
      const zeroY = Number(svg.match(/<line x1="[0-9.]+" x2="[0-9.]+" y1="([0-9.]+)" y2="\1" stroke="#333"/)![1]);
      const ys = [{ v: 0, y: zeroY }, ...history.flatMap((h, i) => [{ v: h.o.estimate!, y: pts[i].cy }, { v: h.o.ciLower!, y: whiskers[i].lo }, { v: h.o.ciUpper!, y: whiskers[i].hi }])];
      const fitY = linearFit(ys.map((q) => q.v), ys.map((q) => q.y));
      expect(fitY.slope).toBeLessThan(0);
      expect(fitY.maxResidual).toBeLessThan(0.1); // coordinates are printed to 0.1 unit
      // x: the points stand at the versions' dates on one time scale, in order.
      const fitX = linearFit(history.map((h) => Date.parse(h.at)), pts.map((p) => p.cx));
      expect(fitX.slope).toBeGreaterThan(0);
      expect(fitX.maxResidual).toBeLessThan(0.1);
      // A wrong value would show: the same check on another version's estimates fails.
      const shifted = linearFit([0, ...history.map((h, i) => history[(i + 1) % history.length].o.estimate!)], [zeroY, ...pts.map((p) => p.cy)]);
      expect(shifted.maxResidual).toBeGreaterThan(0.1);
    });
  }

  it('the cumulative plot\'s table page, CSV and point labels are the snapshot\'s cumulative meta-analysis, step by step', () => {
    const cum = depression.result!.cumulative!.filter((s) => s.estimate !== null && s.ciLower !== null);
    expect(cum.length).toBe(depression.k);
    const label = new Map(depression.studies.map((s) => [s.id, s.label]));
    const csv = readFileSync(join(SITE, 'data', review.id, 'cumulative-depression.csv'), 'utf8').trim().split('\n').slice(1).map(parseCsvLine);
    const page = bodyRows(read(`reviews/${review.id}/data/cumulative-depression/index.html`));
    for (const rows of [csv, page]) {
      expect(rows).toHaveLength(cum.length);
      rows.forEach((r, i) => {
        expect(r[1], `step ${i + 1}`).toBe(label.get(cum[i].id));
        expect(Number(r[3])).toBe(cum[i].k);
        expect(Number(r[4])).toBeCloseTo(cum[i].estimate!, 4);
        expect(Number(r[5])).toBeCloseTo(cum[i].ciLower!, 4);
        expect(Number(r[6])).toBeCloseTo(cum[i].ciUpper!, 4);
      });
    }
    const svg = readFileSync(join(SITE, 'data', review.id, 'cumulative-depression-narrow.svg'), 'utf8');
    const titles = [...svg.matchAll(/class="dot"><title>([^<]*)<\/title>/g)].map((m) => decode(m[1]));
    expect(titles).toEqual(cum.map((s) => `${label.get(s.id)}: k = ${s.k}, ${fmtCi(s.estimate, s.ciLower, s.ciUpper)}`));
  });
});

describe('evidence map cross-table download', () => {
  it('the cross-table links its CSV, the build serves it, and it holds the snapshot\'s cells under the review file\'s labels', () => {
    const cross = map.evidenceMap!.cross!;
    const fig = element(read(`reviews/${map.reviewId}/index.html`), 'id="map-cross"')!;
    const href = links(fig).find((l) => l.href.endsWith('.csv'))?.href;
    expect(href).toBe(`/data/${map.reviewId}/map-cross.csv`);
    const file = join(SITE, href!.slice(1));
    expect(existsSync(file)).toBe(true);
    const csv = readFileSync(file, 'utf8').trim().split('\n').map(parseCsvLine);
    expect(csv[0].slice(1)).toEqual(cross.colLabels.map((l) => l.label));
    expect(csv.slice(1).map((r) => r[0])).toEqual(cross.rowLabels.map((l) => l.label));
    expect(csv.slice(1).map((r) => r.slice(1).map(Number))).toEqual(cross.cells);
    // … and the table on the page shows the same cells.
    expect(bodyRows(fig).map((r) => r.slice(1).map(Number))).toEqual(cross.cells);
    // Headings by the dimensions' labels, not the moderator ids.
    expect(textOf(fig)).not.toMatch(/interventionType/);
  });
});

/** Least-squares line through (x, y) and the largest distance of a point from it. */
function linearFit(xs: number[], ys: number[]): { slope: number; maxResidual: number } {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0, sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
  }
  const slope = sxy / sxx;
  return { slope, maxResidual: Math.max(...xs.map((x, i) => Math.abs(my + slope * (x - mx) - ys[i]))) };
}

function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '', quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') { cur += '"'; i++; } else if (ch === '"') quoted = false; else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { out.push(cur); cur = ''; } else cur += ch;
  }
  out.push(cur);
  return out;
}
