/**
 * Metapsy-standard CSV → studies of one living review (pure mapping; no I/O).
 *
 * One study per distinct `study` label, with arms, one OutcomeData per effect-size row (outcome ×
 * time point × instrument × comparison), study-level moderators, RoB 2 and the licence attribution.
 *
 * Effect sizes. OutcomeData holds SMDs as arm 1 (intervention) − arm 2 (control) in the
 * instrument's own scale (see core/reviews/direction.ts). Each database states its `.g` convention:
 *  - "positive-favours-intervention" (depression, SAD databases): yi = −.g for a lower-is-better
 *    instrument, +.g for a higher-is-better one;
 *  - "arm1-minus-arm2" (GAD database): yi = .g.
 * vi = .g_se². Arm-level n/mean/SD is kept as well when the row has complete, valid msd data. When
 * the sign of the database's `.g` contradicts its own arm means, the arm data wins and yi/vi are
 * left out (reported as a warning).
 */
import { ExtractionSchema, type Arm, type Extraction, type OutcomeData } from '../evidence/candidate.js';
import { instrumentDirection, getOutcome } from '../reviews/direction.js';
import type { Review, Seed } from '../reviews/schema.js';
import { parseCsv, parseDecimal, type CsvTable } from './csv.js';

export type GConvention = Seed['gConvention'];

/** Column names and conventions of one Metapsy database. */
export interface MetapsyProfile {
  database: string;
  doi?: string;
  gConvention: GConvention;
  attribution: string;
  /** Review moderator id → CSV column. */
  moderatorColumns: Record<string, string>;
  robDomains: string[];
  robOverall?: string;
  descr1: string;
  descr2: string;
  rand1?: string;
  rand2?: string;
  drop1?: string;
  drop2?: string;
  /** Outcome domain → candidate outcome ids (the first one the review has is used). */
  defaultDomains: Record<string, string[]>;
}

const COMMON_MODS = { targetGroup: 'target_group', country: 'country', year: 'year', meanAge: 'mean_age', percentWomen: 'percent_women' };

export const METAPSY_PROFILES: Record<string, MetapsyProfile> = {
  'depression-selfguided-psyctr': {
    database: 'depression-selfguided-psyctr',
    doi: '10.5281/zenodo.12705748',
    gConvention: 'positive-favours-intervention',
    attribution:
      'Data: Tong L, Panagiotopoulou O-M, Miguel C, Cuijpers P, Karyotaki E. Database of self-guided interventions for depression (Metapsy project), DOI 10.5281/zenodo.12705748. Licensed under the Open Data Commons Attribution License (ODC-By) v1.0.',
    moderatorColumns: {
      ...COMMON_MODS,
      format: 'format_unguided',
      support: 'support_unguided',
      interventionType: 'condition_arm1',
      comparator: 'condition_arm2',
      sessions: 'n_sessions_planned',
      rob: 'overall',
    },
    robDomains: ['domain.1', 'domain.2', 'domain.3', 'domain.4', 'domain.5'],
    robOverall: 'overall',
    descr1: 'descr_arm1',
    descr2: 'descr_arm2',
    rand1: 'rand_arm1',
    rand2: 'rand_arm2',
    drop1: 'n_drop_study1',
    drop2: 'n_drop_study2',
    defaultDomains: { depression: ['depression'], QoL: ['qol'], 'well-being': ['wellbeing'] },
  },
  'gad-psyctr': {
    database: 'gad-psyctr',
    doi: '10.5281/zenodo.10185216',
    gConvention: 'arm1-minus-arm2',
    attribution:
      'Data: Metapsy database of psychotherapy for generalized anxiety disorder (Metapsy project), DOI 10.5281/zenodo.10185216. Licensed under the Open Data Commons Attribution License (ODC-By) v1.0.',
    moderatorColumns: { ...COMMON_MODS, format: 'format', interventionType: 'condition_arm1', comparator: 'condition_arm2', sessions: 'n_sessions_ig', rob: 'ROB' },
    robDomains: ['d1', 'd2', 'd3', 'd4', 'd5'],
    robOverall: 'ROB',
    descr1: 'descr_ig',
    descr2: 'descr_cg',
    drop1: 'dropout_n_arm1',
    drop2: 'dropout_n_arm2',
    defaultDomains: { GAD: ['anxiety'], 'gen anx': ['anxiety'], worry: ['anxiety'] },
  },
  'sad-psyctr': {
    database: 'sad-psyctr',
    gConvention: 'positive-favours-intervention',
    attribution:
      'Data: Metapsy database of psychotherapy for social anxiety disorder (Metapsy project), https://github.com/metapsy-project/data-sad-psyctr. Licensed under the Open Data Commons Attribution License (ODC-By) v1.0.',
    moderatorColumns: { ...COMMON_MODS, format: 'format', interventionType: 'condition_arm1', comparator: 'condition_arm2', sessions: 'n_sessions_arm1', rob: 'rob' },
    robDomains: ['rob_domain1', 'rob_domain2', 'rob_domain3', 'rob_domain4', 'rob_domain5'],
    robOverall: 'rob',
    descr1: 'multi_arm1',
    descr2: 'multi_arm2',
    rand1: 'rand_arm1',
    rand2: 'rand_arm2',
    defaultDomains: { anxiety: ['anxiety', 'social-anxiety'] },
  },
};

/** Which Metapsy database a header belongs to. */
export function detectProfile(header: string[]): MetapsyProfile {
  const has = (c: string) => header.includes(c);
  if (!has('study') || !has('.g') || !has('.g_se')) {
    throw new MetapsyFormatError(
      `not a Metapsy-standard file: missing column(s) ${['study', '.g', '.g_se'].filter((c) => !has(c)).join(', ')}`,
    );
  }
  if (has('format_unguided')) return METAPSY_PROFILES['depression-selfguided-psyctr'];
  if (has('descr_ig') && has('d1')) return METAPSY_PROFILES['gad-psyctr'];
  if (has('rob_domain1')) return METAPSY_PROFILES['sad-psyctr'];
  throw new MetapsyFormatError('unrecognised Metapsy database (known: depression-selfguided-psyctr, gad-psyctr, sad-psyctr)');
}

export class MetapsyFormatError extends Error {
  override readonly name = 'MetapsyFormatError';
}

export interface ImportedStudy {
  studyId: string;
  /** The Metapsy `study` label, e.g. "Addington, 2019". */
  label: string;
  title: string;
  firstAuthor?: string;
  year?: number;
  extraction: Extraction;
  attribution: string;
  /** 1-based CSV line numbers of the rows mapped into this study. */
  lines: number[];
}

export interface ImportReport {
  database: string;
  reviewId: string;
  rowsRead: number;
  rowsMapped: number;
  rowsSkipped: number;
  /** reason → number of rows skipped for it. */
  skipped: Record<string, number>;
  /** reason → number of rows/studies mapped with a caveat. */
  warnings: Record<string, number>;
  /** A few examples per skip/warning reason (CSV line and study). */
  examples: Record<string, string[]>;
  studies: number;
  studiesSkipped: number;
}

export interface MetapsyMapOptions {
  /** Overrides of the review's seed settings (or of the database's defaults). */
  profile?: MetapsyProfile;
  outcomeDomains?: Record<string, string>;
  filter?: { column: string; values: string[] } | null;
  attribution?: string;
  gConvention?: GConvention;
}

const TIMEPOINTS: Record<string, string> = { post: 'post', baseline: 'baseline' };
function timepointOf(t: string | null): string | null {
  if (!t) return null;
  const s = t.trim();
  if (TIMEPOINTS[s.toLowerCase()]) return TIMEPOINTS[s.toLowerCase()];
  const m = /^fu\s*(\d+)$/i.exec(s);
  return m ? `fu${Number(m[1])}` : null;
}

/** ASCII slug: "Gräfe, 2020" → "grafe-2020". */
export function slugify(s: string): string {
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/&/g, '-')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

function robJudgement(v: string | null): 'low' | 'some' | 'high' | null {
  if (!v) return null;
  const s = v.toLowerCase();
  if (s.startsWith('low')) return 'low';
  if (s.startsWith('some')) return 'some';
  if (s.startsWith('high')) return 'high';
  return null;
}

const isCount = (n: number | null): n is number => n !== null && Number.isInteger(n) && n >= 0;

/** Resolve the settings for mapping a database into a review. */
export function resolveSettings(review: Review, header: string[], opts: MetapsyMapOptions = {}) {
  const profile = opts.profile ?? detectProfile(header);
  const seed = review.seed && review.seed.database === profile.database ? review.seed : undefined;
  let outcomeDomains = opts.outcomeDomains ?? seed?.outcomeDomains;
  if (!outcomeDomains) {
    const ids = new Set(review.outcomes.map((o) => o.id));
    outcomeDomains = {};
    for (const [domain, candidates] of Object.entries(profile.defaultDomains)) {
      const hit = candidates.find((c) => ids.has(c));
      if (hit) outcomeDomains[domain] = hit;
    }
  }
  for (const id of Object.values(outcomeDomains)) getOutcome(review, id); // throws on an unknown outcome id
  const filter = opts.filter !== undefined ? opts.filter : (seed?.filter ?? null);
  if (filter && !header.includes(filter.column)) {
    throw new MetapsyFormatError(`filter column "${filter.column}" is not in the file`);
  }
  return {
    profile,
    outcomeDomains,
    filter,
    attribution: opts.attribution ?? seed?.attribution ?? profile.attribution,
    gConvention: opts.gConvention ?? seed?.gConvention ?? profile.gConvention,
  };
}

/** Parse a Metapsy CSV text and map it into `review`. */
export function importMetapsyCsv(text: string, review: Review, opts: MetapsyMapOptions = {}) {
  return mapMetapsy(parseCsv(text, { separator: ';', na: ['NA'] }), review, opts);
}

export function mapMetapsy(
  table: CsvTable,
  review: Review,
  opts: MetapsyMapOptions = {},
): { studies: ImportedStudy[]; report: ImportReport } {
  const s = resolveSettings(review, table.header, opts);
  const { profile } = s;
  const report: ImportReport = {
    database: profile.database,
    reviewId: review.id,
    rowsRead: table.rows.length,
    rowsMapped: 0,
    rowsSkipped: 0,
    skipped: {},
    warnings: {},
    examples: {},
    studies: 0,
    studiesSkipped: 0,
  };
  const note = (bucket: 'skipped' | 'warnings', reason: string, where: string) => {
    report[bucket][reason] = (report[bucket][reason] ?? 0) + 1;
    const ex = (report.examples[reason] ??= []);
    if (ex.length < 3) ex.push(where);
  };
  const skip = (reason: string, where: string) => {
    report.rowsSkipped++;
    note('skipped', reason, where);
  };

  interface Draft {
    label: string;
    lines: number[];
    rows: Record<string, string | null>[];
    arms: (Arm & { key: string })[];
    outcomes: OutcomeData[];
  }
  const drafts = new Map<string, Draft>();
  const hasPrimaryCalc = table.header.includes('primary_calc');

  table.rows.forEach((row, idx) => {
    const line = table.lines[idx];
    const label = row.study?.trim();
    const where = `line ${line}${label ? ` (${label})` : ''}`;
    if (!label) return skip('missing study label', where);
    if (s.filter) {
      const v = row[s.filter.column];
      if (!v || !s.filter.values.includes(v)) return skip(`${s.filter.column} not in ${s.filter.values.join('/')}`, where);
    }
    const domain = row.outcome_domain ?? null;
    const outcomeId = domain !== null ? s.outcomeDomains[domain] : Object.values(s.outcomeDomains)[0];
    if (!outcomeId) return skip(`outcome domain "${domain ?? 'NA'}" not in review`, where);
    if (hasPrimaryCalc && parseDecimal(row.primary_calc) !== 1) return skip('not the primary calculation (primary_calc != 1)', where);
    const timepoint = timepointOf(row.time ?? 'post');
    if (!timepoint) return skip(`unknown time point "${row.time}"`, where);
    if (timepoint === 'baseline') return skip('baseline assessment', where);
    const instrument = row.instrument?.trim().replace(/\s+/g, ' ') || row.outcome_domain || 'unspecified';

    const n1 = parseDecimal(row.n_arm1);
    const n2 = parseDecimal(row.n_arm2);
    const m1 = parseDecimal(row.mean_arm1);
    const m2 = parseDecimal(row.mean_arm2);
    const sd1 = parseDecimal(row.sd_arm1);
    const sd2 = parseDecimal(row.sd_arm2);
    const msdPresent = [n1, n2, m1, m2, sd1, sd2].every((v) => v !== null);
    const msdValid =
      msdPresent && Number.isInteger(n1) && Number.isInteger(n2) && n1! >= 2 && n2! >= 2 && sd1! > 0 && sd2! > 0;
    const g = parseDecimal(row['.g']);
    const gse = parseDecimal(row['.g_se']);
    const effectValid = g !== null && gse !== null && gse > 0;

    if (!msdValid && !effectValid) {
      return skip(msdPresent ? 'invalid arm data (n < 2 or SD <= 0) and no .g/.g_se' : 'no effect size (.g/.g_se missing, arm data incomplete)', where);
    }

    let dir = instrumentDirection(review, outcomeId, instrument);
    if (!dir) {
      dir = getOutcome(review, outcomeId).direction;
      note('warnings', `instrument not listed in review (outcome direction assumed)`, `${where}: ${instrument}`);
    }
    const out: OutcomeData = { outcome: outcomeId, timepoint, instrument } as OutcomeData;
    const conversions: string[] = [];
    if (msdValid) Object.assign(out, { n1, m1, sd1, n2, m2, sd2 });
    if (effectValid) {
      let yi = s.gConvention === 'arm1-minus-arm2' ? g! : dir === 'lower-is-better' ? -g! : g!;
      if (yi === 0) yi = 0; // no negative zero
      const conflict = msdValid && m1 !== m2 && yi !== 0 && Math.sign(yi) !== Math.sign(m1! - m2!);
      if (conflict) {
        note('warnings', 'sign of .g contradicts the arm means (arm data kept, .g dropped)', where);
        conversions.push('database .g dropped: its sign contradicts the arm means');
      } else {
        out.yi = yi;
        out.vi = gse! * gse!;
        conversions.push(
          s.gConvention === 'arm1-minus-arm2'
            ? 'yi = .g (database: arm1 − arm2), vi = .g_se²'
            : `yi = ${yi === g ? '' : '−'}.g (database: positive favours intervention; ${dir} instrument), vi = .g_se²`,
        );
      }
    }
    if (msdPresent && !msdValid) note('warnings', 'invalid arm data ignored (n < 2 or SD <= 0); .g used', where);

    let d = drafts.get(label);
    if (!d) {
      d = { label, lines: [], rows: [], arms: [], outcomes: [] };
      drafts.set(label, d);
    }
    const armId = (role: 'intervention' | 'control', which: 1 | 2) => {
      const cond = row[`condition_arm${which}`] ?? '';
      const multi = row[`multi_arm${which}`] ?? '';
      const descr = row[which === 1 ? profile.descr1 : profile.descr2] ?? '';
      const key = `${role}|${cond}|${multi}|${descr}`;
      let arm = d!.arms.find((a) => a.key === key);
      if (!arm) {
        const count = d!.arms.filter((a) => a.role === role).length;
        const labelText = [descr || multi || cond, descr && cond && descr !== cond ? `(${cond})` : '']
          .filter(Boolean)
          .join(' ')
          .slice(0, 500);
        arm = { key, id: `${role === 'intervention' ? 'i' : 'c'}${count + 1}`, label: labelText || role, role };
        d!.arms.push(arm);
      }
      const rand = parseDecimal(profile[which === 1 ? 'rand1' : 'rand2'] ? row[profile[which === 1 ? 'rand1' : 'rand2']!] : null);
      const drop = parseDecimal(profile[which === 1 ? 'drop1' : 'drop2'] ? row[profile[which === 1 ? 'drop1' : 'drop2']!] : null);
      if (arm.nRandomised === undefined && isCount(rand)) arm.nRandomised = rand;
      if (arm.dropouts === undefined && isCount(drop)) arm.dropouts = drop;
      return arm.id;
    };
    out.interventionArm = armId('intervention', 1);
    out.controlArm = armId('control', 2);
    if (conversions.length) out.conversions = conversions;
    out.raw = {
      metapsyId: row['.id'] ?? null,
      line,
      outcome_type: row.outcome_type ?? null,
      g: g,
      g_se: gse,
      time_weeks: parseDecimal(row.time_weeks),
      rating: row.rating ?? null,
    };
    out.source = `Metapsy ${profile.database}, line ${line}`;
    d.outcomes.push(out);
    d.lines.push(line);
    d.rows.push(row);
    report.rowsMapped++;
  });

  // deterministic study ids; resolve (unlikely) slug collisions by label order
  const labels = [...drafts.keys()].sort();
  const ids = new Map<string, string>();
  const used = new Set<string>();
  for (const l of labels) {
    const base = `metapsy-${slugify(l) || 'study'}`;
    let id = base;
    for (let k = 2; used.has(id); k++) id = `${base}-${k}`;
    used.add(id);
    ids.set(l, id);
  }

  const studies: ImportedStudy[] = [];
  for (const l of labels) {
    const d = drafts.get(l)!;
    const moderators: Record<string, string | number> = {};
    for (const m of review.moderators) {
      const col = profile.moderatorColumns[m.id];
      if (!col) continue;
      const values = [...new Set(d.rows.map((r) => r[col]).filter((v): v is string => v !== null && v !== undefined))];
      if (!values.length) continue;
      if (m.type === 'numeric') {
        const nums = [...new Set(values.map(parseDecimal).filter((v): v is number => v !== null))];
        if (nums.length === 1) moderators[m.id] = nums[0];
        else if (nums.length > 1) note('warnings', `moderator "${m.id}" varies within study (left out)`, l);
        continue;
      }
      const levels = [...new Set(values.map(slugify))];
      const known = new Set(m.levels.map((x) => x.id));
      let level: string | undefined;
      if (levels.length === 1) level = levels[0];
      else if (known.has('mixed')) level = 'mixed';
      else {
        note('warnings', `moderator "${m.id}" varies within study (left out)`, l);
        continue;
      }
      if (m.id === 'rob') level = robJudgement(values[0]) ?? level;
      if (!known.has(level)) {
        note('warnings', `moderator "${m.id}" value not a level of the review (left out)`, `${l}: ${values.join('/')}`);
        continue;
      }
      moderators[m.id] = level;
    }
    const first = d.rows[0];
    let rob: Extraction['rob'];
    const overall = profile.robOverall ? robJudgement(first[profile.robOverall]) : null;
    if (overall) {
      const domains: Record<string, 'low' | 'some' | 'high'> = {};
      profile.robDomains.forEach((c, i) => {
        const j = robJudgement(first[c]);
        if (j) domains[`D${i + 1}`] = j;
      });
      rob = { tool: 'rob2', domains, overall };
    }
    const year = parseDecimal(first.year);
    const ref = (first.full_reference ?? first.full_ref ?? '').trim();
    const extraction = {
      arms: d.arms.map(({ key: _key, ...a }) => a),
      outcomes: d.outcomes,
      moderators,
      ...(rob ? { rob } : {}),
      ...(year !== null && Number.isInteger(year) ? { year } : {}),
      sourceLocation: `Metapsy ${profile.database}${profile.doi ? ` (DOI ${profile.doi})` : ''}, study "${l}"`,
    };
    const parsed = ExtractionSchema.safeParse(extraction);
    if (!parsed.success) {
      report.studiesSkipped++;
      const issue = parsed.error.issues[0];
      note('skipped', `study fails the extraction schema (${issue.path.join('.')}: ${issue.message})`, l);
      report.rowsSkipped += d.lines.length;
      report.rowsMapped -= d.lines.length;
      continue;
    }
    studies.push({
      studyId: ids.get(l)!,
      label: l,
      title: (ref || l).slice(0, 2000),
      firstAuthor: l.split(',')[0].trim() || undefined,
      ...(parsed.data.year !== undefined ? { year: parsed.data.year } : {}),
      extraction: parsed.data,
      attribution: s.attribution,
      lines: d.lines,
    });
  }
  report.studies = studies.length;
  return { studies, report };
}

/** A few human-readable lines for the CLI. */
export function formatReport(r: ImportReport): string {
  const out = [
    `Metapsy ${r.database} → review ${r.reviewId}`,
    `rows read: ${r.rowsRead}, mapped: ${r.rowsMapped}, skipped: ${r.rowsSkipped}`,
    `studies: ${r.studies}${r.studiesSkipped ? ` (${r.studiesSkipped} skipped)` : ''}`,
  ];
  const sect = (title: string, m: Record<string, number>) => {
    const e = Object.entries(m).sort((a, b) => b[1] - a[1]);
    if (!e.length) return;
    out.push(`${title}:`);
    for (const [k, v] of e) out.push(`  ${String(v).padStart(5)}  ${k}${r.examples[k]?.length ? `  e.g. ${r.examples[k].join('; ')}` : ''}`);
  };
  sect('skipped rows by reason', r.skipped);
  sect('warnings', r.warnings);
  return out.join('\n');
}
