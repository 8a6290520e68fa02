/**
 * The extraction form's field labels, defined once: the form shows them, and the drafts
 * comparison and error lists name a field by them ("Arm 2 (Waitlist): dropouts") rather than by
 * its JSON path (`arms[1].dropouts`). Pure.
 */
import type { Review } from '../reviews/schema.js';
import { ROB2_DOMAINS } from './rob2.js';

export const ARM_FIELDS = [
  { key: 'label', label: 'Name' },
  { key: 'role', label: 'Role' },
  { key: 'nRandomised', label: 'n randomised' },
  { key: 'nAnalysed', label: 'n analysed' },
  { key: 'dropouts', label: 'Dropouts (attrition)' },
  { key: 'id', label: 'Short id' },
] as const;

export const STAT_FIELDS = [
  { key: 'n', label: 'n' },
  { key: 'mean', label: 'Mean' },
  { key: 'sd', label: 'SD' },
  { key: 'se', label: 'SE' },
  { key: 'ciLower', label: 'CI lower' },
  { key: 'ciUpper', label: 'CI upper' },
  { key: 'median', label: 'Median' },
  { key: 'q1', label: 'Q1 (25th percentile)' },
  { key: 'q3', label: 'Q3 (75th percentile)' },
] as const;

/** Reporting formats: their label and the arm statistics each asks for (the form shows only these). */
export const FORMATS = {
  'mean-sd': { label: 'Mean and SD', stats: ['n', 'mean', 'sd'] },
  'mean-se': { label: 'Mean and SE', stats: ['n', 'mean', 'se'] },
  'mean-ci': { label: 'Mean and 95% CI', stats: ['n', 'mean', 'ciLower', 'ciUpper'] },
  'median-iqr': { label: 'Median and IQR', stats: ['n', 'median', 'q1', 'q3'] },
  'change-sd': { label: 'Change from baseline: mean and SD', stats: ['n', 'mean', 'sd'] },
  effect: { label: 'Effect size (SMD with variance or SE)', stats: [] },
} as const satisfies Record<string, { label: string; stats: readonly string[] }>;

export const OUTCOME_FIELDS: Record<string, string> = {
  outcome: 'Outcome',
  timepoint: 'Time point',
  instrument: 'Instrument',
  interventionArm: 'Intervention arm',
  controlArm: 'Control arm',
  format: 'Reported as',
  yi: 'SMD',
  vi: 'Variance of the SMD',
  se: 'SE of the SMD',
  source: 'Where in the paper (table / page)',
};

export const TOP_FIELDS: Record<string, string> = {
  year: 'Publication year',
  notes: 'Notes',
  sourceLocation: 'Source location',
  outcomes: 'Outcome rows',
  arms: 'Arms',
  'rob.overall': 'Risk of bias: overall judgement',
  'rob.overrideReason': 'Risk of bias: reason for departing from the algorithm',
  'rob.tool': 'Risk of bias: tool',
};

const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

/**
 * The label of a form field, given its path as core reports it (`arms[1].dropouts`,
 * `outcomes[0].control.sd`, `rob.domains.D3`, `moderators.format` or `moderators["x-y"]`) and the
 * form it belongs to (for the arm's name, the row's outcome). Unknown paths come back unchanged.
 */
export function fieldLabel(path: string, review: Pick<Review, 'moderators' | 'outcomes'>, form?: unknown): string {
  const f = (form ?? {}) as { arms?: unknown[]; outcomes?: unknown[] };
  let m = /^arms\[(\d+)\](?:\.(\w+))?$/.exec(path);
  if (m) {
    const i = Number(m[1]);
    const arm = (Array.isArray(f.arms) ? f.arms[i] : undefined) as { label?: unknown; id?: unknown } | undefined;
    const name = text(arm?.label) ?? text(arm?.id);
    const field = ARM_FIELDS.find((x) => x.key === m![2])?.label ?? m[2];
    return `Arm ${i + 1}${name ? ` (${name})` : ''}${field ? `: ${field.toLowerCase()}` : ''}`;
  }
  m = /^outcomes\[(\d+)\](?:\.(intervention|control))?(?:\.(\w+))?$/.exec(path);
  if (m) {
    const i = Number(m[1]);
    const row = (Array.isArray(f.outcomes) ? f.outcomes[i] : undefined) as { outcome?: unknown; timepoint?: unknown; instrument?: unknown } | undefined;
    const outcome = review.outcomes.find((o) => o.id === row?.outcome)?.label;
    const what = [outcome, text(row?.timepoint), text(row?.instrument)].filter(Boolean).join(', ');
    const head = `Outcome row ${i + 1}${what ? ` (${what})` : ''}`;
    if (m[2]) {
      const stat = STAT_FIELDS.find((x) => x.key === m![3])?.label ?? m[3] ?? 'statistics';
      return `${head}: ${stat}, ${m[2]} arm`;
    }
    return m[3] ? `${head}: ${(OUTCOME_FIELDS[m[3]] ?? m[3]).replace(/^SMD$/, 'SMD')}` : head;
  }
  m = /^rob\.domains\.(\w+)$/.exec(path);
  if (m) {
    const d = ROB2_DOMAINS.find((x) => x.id === m![1]);
    return `Risk of bias: ${m[1]}${d ? ` ${d.label.toLowerCase()}` : ''}`;
  }
  m = /^moderators(?:\.([A-Za-z_$][\w$]*)|\[("(?:[^"\\]|\\.)*")\])$/.exec(path);
  if (m) {
    const id = m[1] ?? (JSON.parse(m[2]) as string);
    const mod = review.moderators.find((x) => x.id === id);
    return `Moderator: ${mod ? mod.label : id}`;
  }
  return TOP_FIELDS[path] ?? path;
}
