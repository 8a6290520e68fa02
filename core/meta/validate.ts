/** Validation of analysis requests (CONTRACTS.md "Analysis request and result" and "Additions").
 * Hand-written so that every message names the study and the field, in one line per problem. */
import { METHODS, type Method } from './rma.js';
import { closest, nullRecord, type ModValue } from './keys.js';

export const MEASURES = ['SMD', 'MD', 'GEN', 'OR', 'RR', 'RD', 'PLO', 'PFT'] as const;
export type Measure = (typeof MEASURES)[number];
export type CiType = 'z' | 'knha';
export const DEPENDENCE = ['aggregate', 'multilevel', 'che-rve'] as const;
export type Dependence = (typeof DEPENDENCE)[number];

/** Limits: a request above them fails at once (docs/methods.md "Limits"). */
export const MAX_EFFECTS = 100_000;
export const MAX_REQUEST_BYTES = 50 * 1024 * 1024;

export interface StudyInput {
  id: string;
  year?: number;
  n1?: number;
  m1?: number;
  sd1?: number;
  n2?: number;
  m2?: number;
  sd2?: number;
  /** binary outcomes (OR, RR, RD): events and totals per arm */
  events1?: number;
  total1?: number;
  events2?: number;
  total2?: number;
  /** proportions (PLO, PFT) */
  events?: number;
  total?: number;
  yi?: number;
  vi?: number;
  /** rows with the same cluster are effects of one study */
  cluster?: string;
  /** a null-prototype record after validation: `toString`, `__proto__` are ordinary names */
  moderators?: Record<string, ModValue>;
}

export interface AnalysisRequest {
  measure: Measure;
  method: Method;
  ci: CiType;
  /** confidence level as a proportion, default 0.95 */
  level?: number;
  /** "metafor" (default: exact J, vtype LS) or "revman5" (RevMan 5's approximations) for SMD */
  smdVariant?: 'metafor' | 'revman5';
  studies: StudyInput[];
  subgroup?: string;
  metaRegression?: string[];
  dependence?: Dependence;
  /** within-study correlation for `aggregate` and `che-rve` (default 0.6) */
  rho?: number;
}

export interface ValidationIssue {
  study?: string;
  field: string;
  message: string;
}

export type ValidationResult = { ok: true; request: AnalysisRequest } | { ok: false; errors: ValidationIssue[] };

/** Arm fields each measure computes its effect from (yi and vi may be given instead). */
export const ARM_FIELDS: Record<Measure, readonly string[]> = {
  SMD: ['n1', 'm1', 'sd1', 'n2', 'm2', 'sd2'],
  MD: ['n1', 'm1', 'sd1', 'n2', 'm2', 'sd2'],
  GEN: [],
  OR: ['events1', 'total1', 'events2', 'total2'],
  RR: ['events1', 'total1', 'events2', 'total2'],
  RD: ['events1', 'total1', 'events2', 'total2'],
  PLO: ['events', 'total'],
  PFT: ['events', 'total'],
};
const ALL_ARM = ['n1', 'm1', 'sd1', 'n2', 'm2', 'sd2', 'events1', 'total1', 'events2', 'total2', 'events', 'total'];
export const REQUEST_FIELDS = ['measure', 'method', 'ci', 'test', 'level', 'smdVariant', 'studies', 'subgroup', 'metaRegression', 'dependence', 'rho'] as const;
export const STUDY_FIELDS = ['id', 'year', ...ALL_ARM, 'yi', 'vi', 'cluster', 'moderators'] as const;

function isObj(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
const has = (o: Record<string, unknown>, f: string) => Object.prototype.hasOwnProperty.call(o, f) && o[f] !== undefined && o[f] !== null;

/** Formats an issue the way the CLI prints it: `study "s2": sd1 must be > 0`. */
export function formatIssue(e: ValidationIssue): string {
  return e.study !== undefined ? `study "${e.study}": ${e.field} ${e.message}` : `${e.field}: ${e.message}`;
}

/** The CLI's message: one line per problem, at most `max` lines. */
export function formatIssues(errors: ValidationIssue[], max = 20): string {
  const lines = errors.slice(0, max).map(formatIssue);
  if (errors.length > max) lines.push(`(${errors.length - max} more problems of the same kind not shown)`);
  return lines.join('\n');
}

function unknownFields(o: Record<string, unknown>, known: readonly string[], push: (field: string, message: string) => void) {
  for (const key of Object.keys(o)) {
    if (!(known as readonly string[]).includes(key)) push(key, `is not a known field (did you mean "${closest(key, known)}"?)`);
  }
}

export function validateRequest(raw: unknown): ValidationResult {
  const errors: ValidationIssue[] = [];
  if (!isObj(raw)) return { ok: false, errors: [{ field: 'request', message: 'must be a JSON object' }] };
  unknownFields(raw, REQUEST_FIELDS, (field, message) => errors.push({ field, message }));
  const measure = raw.measure ?? 'SMD';
  if (typeof measure !== 'string' || !(MEASURES as readonly string[]).includes(measure))
    errors.push({ field: 'measure', message: `unknown measure ${JSON.stringify(measure)} (expected one of ${MEASURES.join(', ')})` });
  const method = raw.method ?? 'REML';
  if (typeof method !== 'string' || !(METHODS as readonly string[]).includes(method))
    errors.push({ field: 'method', message: `unknown method ${JSON.stringify(method)} (expected one of ${METHODS.join(', ')})` });
  const ci = raw.ci ?? raw.test ?? 'knha';
  if (ci !== 'z' && ci !== 'knha') errors.push({ field: 'ci', message: `unknown ci ${JSON.stringify(ci)} (expected knha or z)` });
  let level = 0.95;
  if (raw.level !== undefined && raw.level !== null) {
    if (typeof raw.level !== 'number' || !Number.isFinite(raw.level)) errors.push({ field: 'level', message: 'must be a finite number' });
    else {
      level = raw.level > 1 && raw.level < 100 ? raw.level / 100 : raw.level;
      if (!(level > 0 && level < 1)) errors.push({ field: 'level', message: 'must be between 0 and 1 (e.g. 0.95)' });
    }
  }
  const smdVariant = raw.smdVariant ?? 'metafor';
  if (smdVariant !== 'metafor' && smdVariant !== 'revman5') errors.push({ field: 'smdVariant', message: 'must be "metafor" or "revman5"' });
  let subgroup: string | undefined;
  if (raw.subgroup !== undefined && raw.subgroup !== null) {
    if (typeof raw.subgroup !== 'string' || raw.subgroup === '') errors.push({ field: 'subgroup', message: 'must be a moderator name' });
    else subgroup = raw.subgroup;
  }
  let metaRegression: string[] | undefined;
  if (raw.metaRegression !== undefined && raw.metaRegression !== null) {
    if (!Array.isArray(raw.metaRegression) || raw.metaRegression.some((x) => typeof x !== 'string' || x === ''))
      errors.push({ field: 'metaRegression', message: 'must be an array of moderator names' });
    else metaRegression = raw.metaRegression as string[];
  }
  let dependence: Dependence | undefined;
  if (raw.dependence !== undefined && raw.dependence !== null) {
    if (typeof raw.dependence !== 'string' || !(DEPENDENCE as readonly string[]).includes(raw.dependence))
      errors.push({ field: 'dependence', message: `unknown dependence ${JSON.stringify(raw.dependence)} (expected one of ${DEPENDENCE.join(', ')})` });
    else dependence = raw.dependence as Dependence;
  }
  let rho: number | undefined;
  if (raw.rho !== undefined && raw.rho !== null) {
    if (typeof raw.rho !== 'number' || !Number.isFinite(raw.rho) || raw.rho < -1 || raw.rho > 1)
      errors.push({ field: 'rho', message: 'must be a number between -1 and 1 (e.g. 0.6)' });
    else rho = raw.rho;
  }
  if ((dependence === 'multilevel' || dependence === 'che-rve') && method !== 'REML' && errors.every((e) => e.field !== 'method'))
    errors.push({ field: 'method', message: `must be "REML" with dependence "${dependence}" (got ${JSON.stringify(method)})` });
  if ((dependence === 'multilevel' || dependence === 'che-rve') && (subgroup !== undefined || metaRegression !== undefined))
    errors.push({ field: subgroup !== undefined ? 'subgroup' : 'metaRegression', message: `is defined with dependence "aggregate" only (got "${dependence}")` });
  if (!Array.isArray(raw.studies) || raw.studies.length === 0) {
    errors.push({ field: 'studies', message: 'must be a non-empty array' });
  } else if (raw.studies.length > MAX_EFFECTS) {
    errors.push({ field: 'studies', message: `has ${raw.studies.length} rows; the limit is ${MAX_EFFECTS} effects per request` });
  }
  // a wrong measure or method makes every per-study message irrelevant: report only the top level
  if (errors.length) return { ok: false, errors };
  const studies = validateStudies(raw.studies as unknown[], measure as Measure, errors);
  if (errors.length) return { ok: false, errors };
  const clustered = studies.some((s) => s.cluster !== undefined);
  if (dependence && !clustered) {
    // every row its own cluster: allowed (the models reduce to independent effects for aggregate)
  }
  return {
    ok: true,
    request: {
      measure: measure as Measure,
      method: method as Method,
      ci: ci as CiType,
      level,
      smdVariant: smdVariant as 'metafor' | 'revman5',
      studies,
      ...(subgroup !== undefined ? { subgroup } : {}),
      ...(metaRegression !== undefined ? { metaRegression } : {}),
      ...(dependence !== undefined ? { dependence } : clustered ? { dependence: 'aggregate' as const } : {}),
      ...(rho !== undefined ? { rho } : {}),
    },
  };
}

function validateStudies(rawStudies: unknown[], measure: Measure, errors: ValidationIssue[]): StudyInput[] {
  const arm = ARM_FIELDS[measure];
  const other = ALL_ARM.filter((f) => !arm.includes(f));
  const clustered = rawStudies.some((s) => isObj(s) && has(s, 'cluster'));
  const seen = new Set<string>();
  const studies: StudyInput[] = [];
  rawStudies.forEach((s, i) => {
    const label = isObj(s) && (typeof s.id === 'string' || typeof s.id === 'number') ? String(s.id) : `#${i + 1}`;
    const err = (field: string, message: string) => errors.push({ study: label, field, message });
    if (!isObj(s)) return err('study', 'must be an object');
    unknownFields(s, STUDY_FIELDS, err);
    if (typeof s.id !== 'string' && typeof s.id !== 'number') err('id', 'is required (string)');
    else if (String(s.id) === '') err('id', 'must not be empty');
    else if (seen.has(String(s.id)) && !clustered) err('id', 'is duplicated');
    seen.add(label);
    const out: StudyInput = { id: label };
    const numField = (f: string): number | undefined => {
      const v = s[f];
      if (v === undefined || v === null) return undefined;
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        err(f, 'must be a finite number');
        return undefined;
      }
      return v;
    };
    const year = numField('year');
    if (year !== undefined) out.year = year;
    if (has(s, 'cluster')) {
      const c = s.cluster;
      if ((typeof c === 'string' && c !== '') || (typeof c === 'number' && Number.isFinite(c))) out.cluster = String(c);
      else err('cluster', 'must be a non-empty string or a number');
    }
    const before = errors.length;
    const vals = nullRecord<number | undefined>();
    for (const f of [...arm, 'yi', 'vi']) vals[f] = numField(f);
    const wrongArm = other.filter((f) => has(s, f));
    if (wrongArm.length) err(wrongArm[0], `is not used by measure ${measure}${arm.length ? ` (it needs ${arm.join(', ')}, or yi and vi)` : ' (it needs yi and vi)'}`);
    if (errors.length > before) return void studies.push(out);
    const present = arm.filter((f) => has(s, f));
    const hasYi = has(s, 'yi');
    const hasVi = has(s, 'vi');
    if (arm.length === 0 || (present.length === 0 && (hasYi || hasVi))) {
      const missing = ['yi', 'vi'].filter((f) => !has(s, f));
      if (missing.length) err(missing.join(' and '), `${missing.length > 1 ? 'are' : 'is'} required${arm.length ? ' when arm data are not given' : ` for measure ${measure}`}`);
      else if (!(vals.vi! > 0)) err('vi', 'must be > 0');
      else {
        out.yi = vals.yi;
        out.vi = vals.vi;
      }
    } else {
      const missing = arm.filter((f) => !has(s, f));
      if (missing.length) err(missing.join(', '), `${missing.length > 1 ? 'are' : 'is'} missing: measure ${measure} needs ${arm.join(', ')} (or yi and vi)`);
      else if (hasYi || hasVi) err(hasYi ? 'yi' : 'vi', 'must not be given together with arm data');
      else if (errors.length === before) checkArm(measure, vals, err, out);
    }
    if (s.moderators !== undefined && s.moderators !== null) {
      if (!isObj(s.moderators)) err('moderators', 'must be an object');
      else {
        const mods = nullRecord<ModValue>();
        for (const key of Object.keys(s.moderators)) {
          const v = s.moderators[key];
          if (v === null || typeof v === 'string') mods[key] = v;
          else if (typeof v === 'number' && Number.isFinite(v)) mods[key] = v;
          else if (typeof v === 'boolean') mods[key] = String(v);
          else err(`moderators.${key}`, 'must be a string or a finite number');
        }
        out.moderators = mods;
      }
    }
    studies.push(out);
  });
  return studies;
}

function checkArm(measure: Measure, vals: Record<string, number | undefined>, err: (f: string, m: string) => void, out: StudyInput) {
  const o = out as unknown as Record<string, number>;
  const v = vals as Record<string, number>;
  if (measure === 'SMD' || measure === 'MD') {
    for (const f of ['n1', 'n2']) if (v[f] < 2) return err(f, 'must be >= 2');
    for (const f of ['sd1', 'sd2']) if (!(v[f] > 0)) return err(f, 'must be > 0');
  } else if (measure === 'PLO' || measure === 'PFT') {
    if (!(v.total > 0)) return err('total', 'must be > 0');
    if (v.events < 0) return err('events', 'must be >= 0');
    if (v.events > v.total) return err('events', `must not exceed total (${v.total})`);
  } else {
    for (const a of ['1', '2']) {
      if (!(v[`total${a}`] > 0)) return err(`total${a}`, 'must be > 0');
      if (v[`events${a}`] < 0) return err(`events${a}`, 'must be >= 0');
      if (v[`events${a}`] > v[`total${a}`]) return err(`events${a}`, `must not exceed total${a} (${v[`total${a}`]})`);
    }
  }
  for (const f of ARM_FIELDS[measure]) o[f] = v[f];
}
