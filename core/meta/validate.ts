/** Validation of analysis requests (CONTRACTS.md "Analysis request and result"). Hand-written so that
 * every message names the study and the field. */
import { METHODS, type Method } from './rma.js';

export const MEASURES = ['SMD', 'MD', 'GEN'] as const;
export type Measure = (typeof MEASURES)[number];
export type CiType = 'z' | 'knha';

export interface StudyInput {
  id: string;
  year?: number;
  n1?: number;
  m1?: number;
  sd1?: number;
  n2?: number;
  m2?: number;
  sd2?: number;
  yi?: number;
  vi?: number;
  moderators?: Record<string, string | number | null>;
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
}

export interface ValidationIssue {
  study?: string;
  field: string;
  message: string;
}

export type ValidationResult = { ok: true; request: AnalysisRequest } | { ok: false; errors: ValidationIssue[] };

const ARM = ['n1', 'm1', 'sd1', 'n2', 'm2', 'sd2'] as const;

function isObj(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Formats an issue the way the CLI prints it: `study "s2": sd1 must be > 0`. */
export function formatIssue(e: ValidationIssue): string {
  return e.study !== undefined ? `study "${e.study}": ${e.field} ${e.message}` : `${e.field}: ${e.message}`;
}

export function validateRequest(raw: unknown): ValidationResult {
  const errors: ValidationIssue[] = [];
  if (!isObj(raw)) return { ok: false, errors: [{ field: 'request', message: 'must be a JSON object' }] };
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
  const studies: StudyInput[] = [];
  if (!Array.isArray(raw.studies) || raw.studies.length === 0) {
    errors.push({ field: 'studies', message: 'must be a non-empty array' });
  } else {
    const seen = new Set<string>();
    raw.studies.forEach((s, i) => {
      const label = isObj(s) && (typeof s.id === 'string' || typeof s.id === 'number') ? String(s.id) : `#${i + 1}`;
      const err = (field: string, message: string) => errors.push({ study: label, field, message });
      if (!isObj(s)) return err('study', 'must be an object');
      if (typeof s.id !== 'string' && typeof s.id !== 'number') err('id', 'is required (string)');
      else if (String(s.id) === '') err('id', 'must not be empty');
      else if (seen.has(String(s.id))) err('id', 'is duplicated');
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
      const vals: Record<string, number | undefined> = {};
      for (const f of [...ARM, 'yi', 'vi']) vals[f] = numField(f);
      const present = ARM.filter((f) => s[f] !== undefined && s[f] !== null);
      const armComplete = ARM.every((f) => vals[f] !== undefined);
      const hasEffect = vals.yi !== undefined && vals.vi !== undefined;
      const before = errors.length;
      if (measure === 'GEN') {
        if (s.yi === undefined || s.yi === null) err('yi', 'is required for measure GEN');
        if (s.vi === undefined || s.vi === null) err('vi', 'is required for measure GEN');
      } else if (!armComplete && !(hasEffect && present.length === 0)) {
        if (present.length === 0 && (s.yi !== undefined || s.vi !== undefined)) {
          if (s.yi === undefined || s.yi === null) err('yi', 'is required when arm data are not given');
          if (s.vi === undefined || s.vi === null) err('vi', 'is required when arm data are not given');
        } else {
          for (const f of ARM) if (s[f] === undefined || s[f] === null) err(f, 'is missing (arm data incomplete)');
        }
      }
      if (errors.length === before) {
        if (armComplete && measure !== 'GEN') {
          for (const f of ['n1', 'n2'] as const) if (vals[f]! < 2) err(f, 'must be >= 2');
          for (const f of ['sd1', 'sd2'] as const) if (!(vals[f]! > 0)) err(f, 'must be > 0');
          for (const f of ARM) (out as unknown as Record<string, number>)[f] = vals[f]!;
        } else {
          if (!(vals.vi! > 0)) err('vi', 'must be > 0');
          out.yi = vals.yi;
          out.vi = vals.vi;
        }
      }
      if (s.moderators !== undefined && s.moderators !== null) {
        if (!isObj(s.moderators)) err('moderators', 'must be an object');
        else {
          const mods: Record<string, string | number | null> = {};
          for (const [key, v] of Object.entries(s.moderators)) {
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
  }
  if (errors.length) return { ok: false, errors };
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
    },
  };
}
