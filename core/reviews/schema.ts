/**
 * The schema of a living review: one data file per review in `reviews/<id>.json`.
 *
 * A review holds its question (PICO), eligibility, search strategies for the pollers, outcomes with
 * their instruments and the direction of benefit, moderators, the analysis settings and the
 * published baseline figures (display only: never pooled). Everyone codes against `Review`.
 *
 * Pure module: no I/O. `parseReview` validates and throws a `ReviewValidationError` whose message
 * names the file and the JSON path of every wrong field.
 */
import { z } from 'zod';
import { CadenceSchema } from './cadence.js';

const slug = z
  .string()
  .min(1)
  .max(80)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, { message: 'must be letters, digits, "-" or "_" (an id)' });
const text = z.string().trim().min(1);
const finite = z.number().refine(Number.isFinite, { message: 'must be a finite number' });

export const DIRECTIONS = ['lower-is-better', 'higher-is-better'] as const;
export const DirectionSchema = z.enum(DIRECTIONS);
export type Direction = z.infer<typeof DirectionSchema>;

export const InstrumentSchema = z.strictObject({
  /** Canonical name, e.g. "PHQ-9". */
  name: text.max(120),
  /** Other spellings met in the literature and in databases (matched case-insensitively). */
  aliases: z.array(text.max(120)).max(50).optional(),
  /** Direction of the instrument's own scale (e.g. MBI personal accomplishment: higher-is-better). */
  direction: DirectionSchema,
});
export type Instrument = z.infer<typeof InstrumentSchema>;

export const OutcomeSchema = z.strictObject({
  id: slug,
  label: text.max(200),
  primary: z.boolean(),
  /** Direction of the construct (depressive symptoms: lower-is-better; well-being: higher-is-better). */
  direction: DirectionSchema,
  instruments: z.array(InstrumentSchema).min(1).max(100),
  timepoint: z.strictObject({
    /** How the time point is chosen when a trial reports several. */
    rule: text.max(1000),
    preferred: z.literal('post'),
    /**
     * Other spellings of the preferred time point that curators meet in papers ("post-test",
     * "post-treatment"); matched like instrument names (case, spaces, dashes ignored). Only what a
     * review lists here is matched: nothing else is guessed (core/analysis/entry.ts).
     */
    aliases: z.array(text.max(40)).max(30).optional(),
  }),
  /** Minimal important difference on the SMD scale (positive magnitude). */
  mid: finite.refine((v) => v > 0, { message: 'must be greater than 0' }).optional(),
  /**
   * SMD magnitudes at which an effect counts as small / moderate / large (plain-language reading,
   * core/analysis/plain-language.ts). Unset: the MID (or 0.2) / 0.5 / 0.8.
   */
  thresholds: z
    .strictObject({ small: finite.refine((v) => v > 0, { message: 'must be greater than 0' }), moderate: finite, large: finite })
    .refine((t) => t.small < t.moderate && t.moderate < t.large, { message: 'must increase: small < moderate < large' })
    .optional(),
  /** A reference instrument and its SD, to translate an SMD into points a clinician knows. */
  reference: z
    .strictObject({
      instrument: text.max(120),
      sd: finite.refine((v) => v > 0, { message: 'must be greater than 0' }),
      /** Where the SD comes from. */
      source: text.max(1000),
    })
    .optional(),
});
export type Outcome = z.infer<typeof OutcomeSchema>;

const LevelSchema = z.strictObject({ id: slug, label: text.max(200) });
export const ModeratorSchema = z.discriminatedUnion('type', [
  z.strictObject({
    id: slug,
    label: text.max(200),
    type: z.literal('categorical'),
    levels: z.array(LevelSchema).min(2).max(100),
    description: z.string().max(1000).optional(),
  }),
  z.strictObject({
    id: slug,
    label: text.max(200),
    type: z.literal('numeric'),
    unit: text.max(60),
    description: z.string().max(1000).optional(),
  }),
]);
export type Moderator = z.infer<typeof ModeratorSchema>;

export const BaselineSchema = z.strictObject({
  /** Outcome id of this review. */
  outcome: slug,
  /** Published pooled SMD, in the outcome's direction (lower-is-better outcome: negative = benefit). */
  estimate: finite,
  ciLower: finite,
  ciUpper: finite,
  /** Number of studies pooled; null when the source we checked does not report it. */
  k: z.number().int().positive().nullable(),
  participants: z.number().int().positive().optional(),
  /** I² in percent. */
  i2: finite.refine((v) => v >= 0 && v <= 100, { message: 'must be between 0 and 100 (percent)' }).optional(),
  pValue: finite.refine((v) => v >= 0 && v <= 1, { message: 'must be between 0 and 1' }).optional(),
  /** Model as published, e.g. "DerSimonian-Laird random effects, inverse variance (RevMan 5.4)". */
  method: text.max(300),
  /** Citation of the publication the figure comes from. */
  source: text.max(1000),
  note: z.string().max(1000).optional(),
});
export type Baseline = z.infer<typeof BaselineSchema>;

export const SourceSchema = z.strictObject({
  citation: text.max(2000),
  doi: z.string().max(200).optional(),
  url: z.string().url().optional(),
  registration: z.string().max(200).optional(),
  role: z.enum(['origin', 'seed-data', 'method']).default('origin'),
});
export type ReviewSource = z.infer<typeof SourceSchema>;

export const MAP_DIMENSIONS = ['year', 'region', 'population', 'disorder', 'interventionType'] as const;

/** An open database the review is seeded from (imported by `npm run import`). */
export const SeedSchema = z.strictObject({
  source: z.literal('metapsy'),
  /** Metapsy database name, e.g. "depression-selfguided-psyctr". */
  database: text.max(120),
  doi: text.max(200),
  licence: text.max(200),
  /** Attribution text kept on every imported study and shown wherever its data is shown. */
  attribution: text.max(2000),
  /** Which rows belong to this review. */
  filter: z
    .strictObject({
      column: text.max(80),
      values: z.array(text.max(80)).min(1),
    })
    .optional(),
  /** Metapsy `outcome_domain` value → outcome id of this review. */
  outcomeDomains: z.record(z.string().min(1).max(80), slug),
  /**
   * Sign convention of the database's `.g` column:
   * "positive-favours-intervention" (depression, SAD databases) or "arm1-minus-arm2" (GAD database).
   */
  gConvention: z.enum(['positive-favours-intervention', 'arm1-minus-arm2']),
});
export type Seed = z.infer<typeof SeedSchema>;

const ReviewObjectSchema = z.strictObject({
  id: slug,
  title: text.max(300),
  shortTitle: text.max(80),
  kind: z.enum(['meta-analysis', 'evidence-map']),
  summary: z.string().max(4000).optional(),
  /** Plural noun phrase naming the interventions in plain-language sentences, e.g. "self-guided digital interventions". */
  interventionLabel: text.max(120).optional(),
  question: z.strictObject({
    population: text.max(2000),
    intervention: text.max(2000),
    comparator: text.max(2000),
    outcomes: text.max(2000),
  }),
  eligibility: z.strictObject({
    include: z.array(text.max(1000)).min(1),
    exclude: z.array(text.max(1000)),
  }),
  searches: z.strictObject({
    pubmed: z.strictObject({ query: text.max(4000), rationale: text.max(2000) }),
    ctgov: z.strictObject({
      condition: text.max(1000),
      intervention: text.max(1000),
      term: text.max(1000).optional(),
      /** `filter.advanced` (Essie syntax). */
      advanced: text.max(1000),
      rationale: text.max(2000),
    }),
    /** Europe PMC preprint search (its query syntax); default: the ctgov condition AND intervention. */
    europepmc: z.strictObject({ query: text.max(4000), rationale: text.max(2000) }).optional(),
    /** ISRCTN registry search (`q` of its query API); default: the ctgov condition AND intervention. */
    isrctn: z.strictObject({ query: text.max(2000), rationale: text.max(2000) }).optional(),
  }),
  /** Polling cadence: "hourly" | "daily" | "weekly" or a whole number of hours (core/reviews/cadence.ts). */
  cadence: CadenceSchema,
  outcomes: z.array(OutcomeSchema).min(1).max(30),
  attrition: z.strictObject({ pool: z.boolean() }),
  moderators: z.array(ModeratorSchema).max(50),
  /** Moderator ids shown as subgroup analyses by default. */
  subgroups: z.array(slug).max(50),
  /** Numeric moderator ids used for meta-regression. */
  metaRegression: z.array(slug).max(20),
  exclusionReasons: z.array(LevelSchema).min(1).max(50),
  screening: z.strictObject({
    dual: z.boolean(),
    /**
     * May a lead who voted on a record resolve its screening conflict? Default (absent or false):
     * no, another lead resolves it, so that no vote is counted twice.
     */
    leadMayResolveOwnVote: z.boolean().optional(),
    /**
     * Terms highlighted in titles and abstracts at screening (Rayyan-style): `include` terms point
     * to eligibility, `exclude` terms against it. Case-insensitive, whole words; a trailing `*`
     * matches any ending ("randomi*"). A term may not be in both lists.
     */
    keywords: z
      .strictObject({
        include: z.array(text.max(80)).max(200),
        exclude: z.array(text.max(80)).max(200),
      })
      .optional(),
  }),
  /** Dual extraction: two extractors' drafts, adjudicated by a lead before accepting (default: single). */
  extraction: z.strictObject({ dual: z.boolean() }).optional(),
  analysis: z.strictObject({
    measure: z.literal('SMD'),
    method: z.enum(['REML', 'DL', 'PM']),
    ci: z.enum(['knha', 'z']),
    /**
     * Assumed correlation between a study's several effects (instruments, comparisons) when they are
     * combined into one (metafor aggregate(struct = "CS"); core/analysis/study-effects.ts). Unset: 0.6,
     * the Metapsy default.
     */
    rho: z.number().min(0, { message: 'must be at least 0' }).lt(1, { message: 'must be below 1' }).optional(),
    rationale: text.max(2000),
  }),
  /** Published pooled figures (display only, never pooled). */
  baseline: z.array(BaselineSchema).max(50),
  /** Why there is no (or only a partial) published baseline, shown on the dashboard. */
  baselineNote: z.string().max(2000).optional(),
  /** Other published findings worth watching (subgroups etc.), as text. */
  publishedFindings: z.array(text.max(1000)).max(30).optional(),
  sources: z.array(SourceSchema).min(1).max(20),
  seed: SeedSchema.optional(),
  map: z.strictObject({ dimensions: z.array(z.enum(MAP_DIMENSIONS)).min(1) }).optional(),
});

export const ReviewSchema = ReviewObjectSchema.superRefine((r, ctx) => {
  const dup = (ids: string[], path: string) => {
    const seen = new Set<string>();
    ids.forEach((id, i) => {
      if (seen.has(id)) ctx.addIssue({ code: 'custom', path: [path, i, 'id'], message: `duplicate id "${id}"` });
      seen.add(id);
    });
  };
  dup(
    r.outcomes.map((o) => o.id),
    'outcomes',
  );
  dup(
    r.moderators.map((m) => m.id),
    'moderators',
  );
  dup(
    r.exclusionReasons.map((m) => m.id),
    'exclusionReasons',
  );
  if (!r.outcomes.some((o) => o.primary)) {
    ctx.addIssue({ code: 'custom', path: ['outcomes'], message: 'at least one outcome must be primary' });
  }
  r.outcomes.forEach((o, oi) => {
    const names = new Map<string, number>();
    o.instruments.forEach((ins, ii) => {
      for (const n of [ins.name, ...(ins.aliases ?? [])]) {
        const key = normaliseInstrumentName(n);
        const prev = names.get(key);
        if (prev !== undefined && prev !== ii) {
          ctx.addIssue({
            code: 'custom',
            path: ['outcomes', oi, 'instruments', ii, 'name'],
            message: `instrument name or alias "${n}" also belongs to instruments[${prev}]`,
          });
        }
        names.set(key, ii);
      }
    });
  });
  const outcomeIds = new Set(r.outcomes.map((o) => o.id));
  const mods = new Map(r.moderators.map((m) => [m.id, m]));
  r.moderators.forEach((m, mi) => {
    if (m.type !== 'categorical') return;
    const seen = new Set<string>();
    m.levels.forEach((l, li) => {
      if (seen.has(l.id))
        ctx.addIssue({ code: 'custom', path: ['moderators', mi, 'levels', li, 'id'], message: `duplicate level id "${l.id}"` });
      seen.add(l.id);
    });
  });
  r.subgroups.forEach((id, i) => {
    if (!mods.has(id)) ctx.addIssue({ code: 'custom', path: ['subgroups', i], message: `unknown moderator id "${id}"` });
  });
  r.metaRegression.forEach((id, i) => {
    const m = mods.get(id);
    if (!m) ctx.addIssue({ code: 'custom', path: ['metaRegression', i], message: `unknown moderator id "${id}"` });
    else if (m.type !== 'numeric')
      ctx.addIssue({ code: 'custom', path: ['metaRegression', i], message: `moderator "${id}" is not numeric` });
  });
  r.baseline.forEach((b, i) => {
    if (!outcomeIds.has(b.outcome))
      ctx.addIssue({ code: 'custom', path: ['baseline', i, 'outcome'], message: `unknown outcome id "${b.outcome}"` });
    if (!(b.ciLower <= b.estimate && b.estimate <= b.ciUpper))
      ctx.addIssue({
        code: 'custom',
        path: ['baseline', i, 'estimate'],
        message: `estimate must lie within [ciLower, ciUpper] (${b.ciLower}, ${b.estimate}, ${b.ciUpper})`,
      });
  });
  const kw = r.screening.keywords;
  if (kw) {
    const inc = new Set(kw.include.map((t) => t.toLowerCase()));
    kw.exclude.forEach((t, i) => {
      if (inc.has(t.toLowerCase())) ctx.addIssue({ code: 'custom', path: ['screening', 'keywords', 'exclude', i], message: `"${t}" is also an include term` });
    });
  }
  if (r.kind === 'evidence-map' && !r.map) {
    ctx.addIssue({ code: 'custom', path: ['map'], message: 'required when kind is "evidence-map"' });
  }
  if (r.seed) {
    for (const [domain, outcome] of Object.entries(r.seed.outcomeDomains)) {
      if (!outcomeIds.has(outcome))
        ctx.addIssue({
          code: 'custom',
          path: ['seed', 'outcomeDomains', domain],
          message: `unknown outcome id "${outcome}"`,
        });
    }
  }
});

export type Review = z.infer<typeof ReviewObjectSchema>;

/** Lower-case, collapse whitespace/dashes/underscores so "BDI II", "bdi-ii" and "BDI_II" match. */
export function normaliseInstrumentName(name: string): string {
  return name
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\u00a0_\-–]+/g, '')
    .trim();
}

export class ReviewValidationError extends Error {
  override readonly name = 'ReviewValidationError';
  constructor(
    readonly file: string,
    readonly issues: { path: string; message: string }[],
  ) {
    super(issues.map((i) => `${file}: ${i.path || '(root)'}: ${i.message}`).join('\n'));
  }
}

/** `["outcomes", 2, "instruments", 0, "direction"]` → `outcomes[2].instruments[0].direction` */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else {
      const s = String(p);
      out += /^[A-Za-z_$][\w$]*$/.test(s) ? (out ? `.${s}` : s) : `[${JSON.stringify(s)}]`;
    }
  }
  return out;
}

type AnyIssue = z.core.$ZodIssue;

function describeIssue(issue: AnyIssue, raw: unknown): { path: string; message: string }[] {
  const path = formatPath(issue.path);
  switch (issue.code) {
    case 'invalid_value':
      return [{ path, message: `expected ${issue.values.map((v) => JSON.stringify(v)).join(' | ')}` }];
    case 'invalid_type': {
      const got = valueAt(raw, issue.path);
      return [
        {
          path,
          message: got === undefined ? `required (${issue.expected})` : `expected ${issue.expected}, got ${typeName(got)}`,
        },
      ];
    }
    case 'unrecognized_keys':
      return issue.keys.map((k) => ({ path: formatPath([...issue.path, k]), message: 'unknown field' }));
    case 'invalid_union': {
      const options = (issue as { options?: unknown[] }).options;
      if (Array.isArray(options) && options.length)
        return [{ path, message: `expected ${options.map((v) => JSON.stringify(v)).join(' | ')}` }];
      return [{ path, message: issue.message }];
    }
    default:
      return [{ path, message: issue.message }];
  }
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = raw;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** Validate a review. `file` (e.g. "reviews/x.json") is named in errors and must match the id. */
export function parseReview(raw: unknown, file = '<review>'): Review {
  const res = ReviewSchema.safeParse(raw);
  const issues: { path: string; message: string }[] = [];
  if (!res.success) for (const i of res.error.issues) issues.push(...describeIssue(i, raw));
  const base = file
    .split(/[\\/]/)
    .pop()!
    .replace(/\.json$/i, '');
  const id = res.success ? res.data.id : (raw as { id?: unknown } | null)?.id;
  if (file !== '<review>' && /\.json$/i.test(file) && typeof id === 'string' && id !== base) {
    issues.push({ path: 'id', message: `must equal the file name without .json ("${base}"), got "${id}"` });
  }
  if (issues.length || !res.success) throw new ReviewValidationError(file, issues);
  return res.data;
}
