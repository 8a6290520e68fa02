/**
 * The curation state machine (pure). A command applied to a candidate by an actor yields the next
 * candidate (version + 1) and the audit event describing the change; or a CurationError.
 *
 *   screening ──include──▶ fulltext ──include──▶ extraction ──accept──▶ accepted ──withdraw──▶ withdrawn
 *       │                     │                      ▲  (save-draft keeps the status)
 *       └──exclude──▶ excluded ◀──exclude──┘         │
 *   dual screening: two independent screeners per stage; agreement advances, disagreement → conflict;
 *   someone who did not vote (a curator or a lead) resolves a conflict (include/exclude), which
 *   advances as the stage's outcome would; a lead who voted only where the review allows it.
 *   A lead maps values typed as "other" (time point, instrument) to the review's values, or keeps
 *   them out with a reason (mapping.ts), in extraction or after acceptance.
 *   A lead may reopen an excluded candidate (back to screening) and reinstate a withdrawn one
 *   (back to extraction); every step is an event, so the history shows both.
 */
import type { Candidate, CandidateStatus, Extraction } from '../evidence/candidate.js';
import type { Review } from '../reviews/schema.js';
import { CurationError } from './errors.js';
import { normaliseLabels } from './labels.js';
import type { Adjudication } from './adjudicate.js';
import { applyMappings, checkMappingChoices, mergeMappings, pendingOthers, type MappingChoice, type ValueMapping } from './mapping.js';

export type Role = 'curator' | 'lead';
export interface Actor {
  id: string;
  name?: string;
  role: Role;
}

export const STAGES = ['title-abstract', 'fulltext'] as const;
export type Stage = (typeof STAGES)[number];
export type Decision = 'include' | 'exclude';
/** What a screener may answer: a vote (include/exclude) or "maybe", which is not a vote (see MaybeMark). */
export type ScreenDecision = Decision | 'maybe';

export interface ScreeningDecision {
  screener: string;
  name?: string;
  decision: Decision;
  reason?: string;
  note?: string;
  /** Free labels the screener put on the decision (labels.ts). */
  labels?: string[];
  at: string;
}
/**
 * "Maybe": a screener's mark that they looked and are unsure. It is not a vote: it counts towards
 * neither inclusion nor exclusion, the record stays in that screener's to-do, and a later vote
 * (or undo) replaces it.
 */
export interface MaybeMark {
  screener: string;
  name?: string;
  note?: string;
  labels?: string[];
  at: string;
}
export interface StageState {
  decisions: ScreeningDecision[];
  maybe?: MaybeMark[];
  resolution?: { by: string; decision: Decision; reason?: string; note?: string; at: string };
  outcome?: Decision;
  /** Shown to a screener who has not decided yet (blinding.ts): how many decisions are hidden. */
  blinded?: number;
}
export type ScreeningState = Partial<Record<Stage, StageState>>;

/** A draft extraction form saved by one extractor (not validated beyond its shape). */
export interface Draft {
  extractor: string;
  name?: string;
  form: unknown;
  savedAt: string;
}

/** The curation fields this module keeps on a candidate (beside the shared Candidate fields). */
export interface CurationFields {
  screening?: ScreeningState;
  /** The stage a conflict belongs to (status 'conflict'). */
  conflictStage?: Stage;
  exclusion?: { stage: Stage; reason: string; by: string; at: string };
  drafts?: Record<string, Draft>;
  acceptedBy?: string;
  withdrawal?: { by: string; reason: string; at: string };
  /** A lead's mappings of values typed as "other" (mapping.ts), applied to the extraction. */
  mappings?: ValueMapping[];
}
export type CuratedCandidate = Candidate & CurationFields;

export type Command =
  | { type: 'screen'; decision: ScreenDecision; reason?: string; note?: string; labels?: string[] }
  | { type: 'resolve'; decision: Decision; reason?: string; note?: string }
  | { type: 'undo-screen' }
  | { type: 'save-draft'; form: unknown }
  | { type: 'accept'; extraction: Extraction; /** A lead's confirmation of implausible values (plausibility.ts). */ confirmed?: { reason: string; values: string[] } }
  | { type: 'adjudicate'; extraction: Extraction; adjudication: Adjudication; confirmed?: { reason: string; values: string[] } }
  | { type: 'withdraw'; reason: string }
  | { type: 'map-values'; mappings: MappingChoice[] }
  | { type: 'reopen'; reason: string }
  | { type: 'reinstate'; reason: string };

export interface EventDraft {
  type: string;
  actor: string;
  role: Role;
  at: string;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
  reason?: string;
}

export interface Transition {
  candidate: CuratedCandidate;
  event: EventDraft;
}

export function stageOf(c: CuratedCandidate): Stage | undefined {
  if (c.status === 'screening') return 'title-abstract';
  if (c.status === 'fulltext') return 'fulltext';
  if (c.status === 'conflict') return c.conflictStage ?? 'title-abstract';
  return undefined;
}

function nextStatus(stage: Stage, decision: Decision): CandidateStatus {
  if (decision === 'exclude') return 'excluded';
  return stage === 'title-abstract' ? 'fulltext' : 'extraction';
}

/** An exclusion reason that needs the screener's note to mean anything ("Other (explain)"). */
export function reasonNeedsNote(reasonId: string | undefined): boolean {
  return reasonId === 'other';
}

function requireReason(review: Review, decision: ScreenDecision, reason: string | undefined, field: string, note?: string): void {
  if (decision !== 'exclude') {
    if (reason !== undefined) throw new CurationError('invalid', 'a reason is only given with "exclude"', [{ path: field, message: 'only allowed when decision is "exclude"' }]);
    return;
  }
  if (!reason) throw new CurationError('invalid', 'an exclusion needs a reason', [{ path: field, message: 'required when decision is "exclude"' }]);
  if (!review.exclusionReasons.some((r) => r.id === reason)) {
    throw new CurationError('invalid', `unknown exclusion reason "${reason}"`, [
      { path: field, message: `must be one of ${review.exclusionReasons.map((r) => r.id).join(', ')}` },
    ]);
  }
  if (reasonNeedsNote(reason) && !note?.trim()) throw new CurationError('invalid', '"Other" as the exclusion reason needs a note saying what the other reason is', [{ path: 'note', message: 'required when the reason is "other": say why' }]);
}

function requireLead(actor: Actor, what: string): void {
  if (actor.role !== 'lead') throw new CurationError('forbidden', `only a lead can ${what}`);
}

const WHERE: Record<CandidateStatus, string> = {
  screening: 'at title and abstract screening',
  fulltext: 'at full-text screening (include it at full text first)',
  conflict: 'in a screening conflict (someone who did not vote resolves it first)',
  extraction: 'in extraction',
  accepted: 'already accepted',
  excluded: 'excluded',
  withdrawn: 'withdrawn',
};

function wrongState(c: CuratedCandidate, what: string): CurationError {
  return new CurationError('state', `cannot ${what} this candidate: it is ${WHERE[c.status]} (status "${c.status}")`);
}

/** The statuses in which each command may be applied (checked by applyCommand). */
export const COMMAND_STATUSES: Record<Command['type'], readonly CandidateStatus[]> = {
  screen: ['screening', 'fulltext'],
  resolve: ['conflict'],
  'undo-screen': ['screening', 'fulltext'],
  'save-draft': ['extraction'],
  accept: ['extraction'],
  adjudicate: ['extraction'],
  withdraw: ['accepted'],
  'map-values': ['extraction', 'accepted'],
  reopen: ['excluded'],
  reinstate: ['withdrawn'],
};
/** Whether a lead may resolve a conflict they voted on (the review's setting; default no). */
export function mayResolveOwnVote(review: Review): boolean {
  return review.screening.leadMayResolveOwnVote === true;
}

/**
 * Who may resolve a screening conflict (issue 16, item 1): anyone who did not vote on it, curator
 * or lead; a screener who voted never, except a lead where the review allows it
 * (`screening.leadMayResolveOwnVote`). `why` says it in words when not (the page shows it).
 */
export function resolveRule(review: Review, c: CuratedCandidate, actor: Actor): { may: boolean; why?: string } {
  const stage = stageOf(c) ?? 'title-abstract';
  const voted = (c.screening?.[stage]?.decisions ?? []).some((d) => d.screener === actor.id);
  if (!voted) return { may: true };
  if (actor.role === 'lead' && mayResolveOwnVote(review)) return { may: true };
  if (actor.role === 'lead')
    return { may: false, why: 'You voted on this record, so someone who did not vote (another lead or a curator) resolves this conflict: this review does not let a lead who voted resolve it (screening.leadMayResolveOwnVote is off), so that no vote counts twice.' };
  return { may: false, why: 'You voted on this record, so someone who did not vote (another curator or a lead) resolves this conflict, so that no vote counts twice.' };
}

const VERB: Record<Command['type'], string> = {
  screen: 'screen',
  resolve: 'resolve',
  'undo-screen': 'undo your screening decision on',
  'save-draft': 'save an extraction draft for',
  accept: 'accept',
  adjudicate: 'adjudicate the extractions of',
  withdraw: 'withdraw',
  'map-values': 'map the "other" values of',
  reopen: 'reopen',
  reinstate: 'reinstate',
};

/** Throws the 'state' CurationError when `type` is not allowed in the candidate's status. */
export function assertCommandAllowed(c: CuratedCandidate, type: Command['type']): void {
  if (!COMMAND_STATUSES[type].includes(c.status)) throw wrongState(c, VERB[type]);
}

function summary(c: CuratedCandidate): Record<string, unknown> {
  return { status: c.status, version: c.version };
}

/** Apply a command. Throws CurationError when the command is not allowed. */
export function applyCommand(c: CuratedCandidate, cmd: Command, actor: Actor, review: Review, now: Date): Transition {
  const at = now.toISOString();
  const next: CuratedCandidate = structuredClone(c);
  next.version = c.version + 1;
  next.updatedAt = at;
  const event = (type: string, before: Record<string, unknown>, after: Record<string, unknown>, reason?: string): Transition => ({
    candidate: next,
    event: { type, actor: actor.id, role: actor.role, at, before: { ...summary(c), ...before }, after: { ...summary(next), ...after }, ...(reason ? { reason } : {}) },
  });
  const finishStage = (stage: Stage, decision: Decision, reason: string | undefined, by: string) => {
    const st = next.screening![stage]!;
    st.outcome = decision;
    next.status = nextStatus(stage, decision);
    delete next.conflictStage;
    if (decision === 'exclude') next.exclusion = { stage, reason: reason!, by, at };
    else delete next.exclusion;
  };

  switch (cmd.type) {
    case 'screen': {
      assertCommandAllowed(c, 'screen');
      const stage = stageOf(c)!;
      requireReason(review, cmd.decision, cmd.reason, 'reason', cmd.note);
      const labels = normaliseLabels(cmd.labels);
      next.screening ??= {};
      const st: StageState = (next.screening[stage] ??= { decisions: [] });
      const prevVote = st.decisions.find((d) => d.screener === actor.id);
      const detail = { stage, decision: cmd.decision, ...(cmd.reason ? { reason: cmd.reason } : {}), ...(cmd.note ? { note: cmd.note } : {}), ...(labels.length ? { labels } : {}) };
      if (cmd.decision === 'maybe') {
        // Not a vote: the status does not move and the record stays in my to-do.
        if (prevVote) throw new CurationError('state', `you have already voted "${prevVote.decision}" on this candidate at the ${stage} stage; undo your vote first to mark it maybe`);
        const mark: MaybeMark = { screener: actor.id, ...(actor.name ? { name: actor.name } : {}), ...(cmd.note ? { note: cmd.note } : {}), ...(labels.length ? { labels } : {}), at };
        st.maybe = [...(st.maybe ?? []).filter((m) => m.screener !== actor.id), mark];
        return event('screened', {}, detail);
      }
      // A vote replaces my "maybe".
      if (st.maybe?.some((m) => m.screener === actor.id)) {
        st.maybe = st.maybe.filter((m) => m.screener !== actor.id);
        if (!st.maybe.length) delete st.maybe;
      }
      const decision: Decision = cmd.decision;
      const mine: ScreeningDecision = {
        screener: actor.id,
        ...(actor.name ? { name: actor.name } : {}),
        decision,
        ...(cmd.reason ? { reason: cmd.reason } : {}),
        ...(cmd.note ? { note: cmd.note } : {}),
        ...(labels.length ? { labels } : {}),
        at,
      };
      if (review.screening.dual) {
        // Independent screening: a screener decides once per stage; the second screener completes it.
        if (prevVote) throw new CurationError('state', `you have already screened this candidate at the ${stage} stage; a second, different screener is needed`);
        st.decisions.push(mine);
        if (st.decisions.length >= 2) {
          const [a, b] = st.decisions;
          if (a.decision === b.decision) {
            const reason = a.decision === 'exclude' ? (a.reason === b.reason ? a.reason : b.reason) : undefined;
            finishStage(stage, a.decision, reason, actor.id);
          } else {
            next.status = 'conflict';
            next.conflictStage = stage;
          }
        }
      } else {
        st.decisions.push(mine);
        finishStage(stage, decision, cmd.reason, actor.id);
      }
      return event('screened', {}, detail, cmd.reason);
    }
    case 'undo-screen': {
      // My decision may be taken back while the stage is still open (the other screener has not
      // decided yet, or, in single screening, never: that decision closes the stage at once).
      assertCommandAllowed(c, 'undo-screen');
      const stage = stageOf(c)!;
      const st = next.screening?.[stage];
      const mine = st?.decisions.find((d) => d.screener === actor.id);
      const maybe = st?.maybe?.find((m) => m.screener === actor.id);
      if (!st || (!mine && !maybe)) throw new CurationError('state', `there is no decision of yours at the ${stage} stage to undo`);
      if (!mine) {
        st.maybe = st.maybe!.filter((m) => m !== maybe);
        if (!st.maybe.length) delete st.maybe;
        return event('screening-undone', { stage, decision: 'maybe' }, { stage });
      }
      st.decisions = st.decisions.filter((d) => d !== mine);
      return event('screening-undone', { stage, decision: mine.decision, ...(mine.reason ? { reason: mine.reason } : {}) }, { stage });
    }
    case 'resolve': {
      assertCommandAllowed(c, 'resolve');
      const stage = stageOf(c)!;
      const rule = resolveRule(review, c, actor);
      if (!rule.may) throw new CurationError('forbidden', rule.why!);
      if ((cmd.decision as string) === 'maybe') throw new CurationError('invalid', 'a conflict is resolved with "include" or "exclude", not "maybe"', [{ path: 'decision', message: 'must be one of include, exclude' }]);
      requireReason(review, cmd.decision, cmd.reason, 'reason', cmd.note);
      next.screening ??= {};
      const st = (next.screening[stage] ??= { decisions: [] });
      st.resolution = { by: actor.id, decision: cmd.decision, ...(cmd.reason ? { reason: cmd.reason } : {}), ...(cmd.note ? { note: cmd.note } : {}), at };
      finishStage(stage, cmd.decision, cmd.reason, actor.id);
      return event('conflict-resolved', { stage }, { stage, decision: cmd.decision, ...(cmd.reason ? { reason: cmd.reason } : {}) }, cmd.reason);
    }
    case 'save-draft': {
      assertCommandAllowed(c, 'save-draft');
      next.drafts ??= {};
      const before = c.drafts?.[actor.id]?.form;
      next.drafts[actor.id] = { extractor: actor.id, ...(actor.name ? { name: actor.name } : {}), form: cmd.form, savedAt: at };
      return event('extraction-saved', before === undefined ? {} : { draft: before }, { draft: cmd.form });
    }
    case 'accept':
    case 'adjudicate': {
      if (cmd.type === 'adjudicate') requireLead(actor, 'adjudicate two extractions');
      assertCommandAllowed(c, cmd.type);
      if (cmd.type === 'accept' && review.extraction?.dual)
        throw new CurationError('state', 'this review asks for two extractors: once both have saved a draft, a lead accepts by adjudicating them (compare the drafts)');
      if (cmd.type === 'adjudicate' && Object.keys(cmd.adjudication.drafts).length < 2)
        throw new CurationError('state', 'adjudication needs two extractors’ drafts; there is only one so far');
      if (cmd.confirmed) {
        requireLead(actor, 'confirm implausible values');
        if (!cmd.confirmed.reason.trim()) throw new CurationError('invalid', 'a confirmation of implausible values needs a reason', [{ path: 'confirmImplausible', message: 'required' }]);
      }
      next.status = 'accepted';
      // The lead's mappings of "other" values apply (idempotent: assess.ts applied them already).
      next.extraction = c.mappings?.length ? { ...cmd.extraction, outcomes: applyMappings(cmd.extraction.outcomes, c.mappings) } : cmd.extraction;
      next.acceptedAt = at;
      next.acceptedBy = actor.id;
      if (cmd.extraction.year !== undefined && next.year === undefined) next.year = cmd.extraction.year;
      return event(
        'accepted',
        c.extraction ? { extraction: c.extraction } : {},
        {
          extraction: next.extraction,
          ...(cmd.confirmed ? { confirmedImplausible: cmd.confirmed.values } : {}),
          // The audit keeps both drafts and every choice the lead made.
          ...(cmd.type === 'adjudicate' ? { adjudication: cmd.adjudication } : {}),
        },
        cmd.confirmed?.reason,
      );
    }
    case 'withdraw': {
      requireLead(actor, 'withdraw an accepted study');
      assertCommandAllowed(c, 'withdraw');
      if (!cmd.reason.trim()) throw new CurationError('invalid', 'a withdrawal needs a reason', [{ path: 'reason', message: 'required' }]);
      next.status = 'withdrawn';
      next.withdrawal = { by: actor.id, reason: cmd.reason, at };
      return event('withdrawn', {}, {}, cmd.reason);
    }
    case 'map-values': {
      requireLead(actor, 'map values typed as "other" to the review\'s values');
      assertCommandAllowed(c, 'map-values');
      const pending = pendingOthers(review, c);
      checkMappingChoices(review, pending, cmd.mappings);
      next.mappings = mergeMappings(c.mappings, cmd.mappings, actor.id, at);
      // An accepted trial's analysis input changes at once (a new version when it enters an analysis).
      if (c.status === 'accepted' && c.extraction) next.extraction = { ...c.extraction, outcomes: applyMappings(c.extraction.outcomes, next.mappings) };
      const reasons = cmd.mappings.flatMap((m) => (m.keepOutReason ? [`${m.reported}: ${m.keepOutReason}`] : []));
      return event('values-mapped', { pending: pending.map((o) => ({ outcome: o.outcome, field: o.field, reported: o.reported })) }, { mappings: cmd.mappings }, reasons.join('; ') || undefined);
    }
    case 'reopen': {
      requireLead(actor, 'reopen an excluded candidate');
      assertCommandAllowed(c, 'reopen');
      const stage = c.exclusion?.stage ?? 'title-abstract';
      next.status = stage === 'fulltext' ? 'fulltext' : 'screening';
      if (next.screening?.[stage]) delete next.screening[stage];
      delete next.exclusion;
      return event('reopened', c.exclusion ? { exclusion: c.exclusion } : {}, { stage }, cmd.reason);
    }
    case 'reinstate': {
      requireLead(actor, 'reinstate a withdrawn study');
      assertCommandAllowed(c, 'reinstate');
      next.status = 'extraction';
      delete next.acceptedAt;
      return event('reinstated', c.withdrawal ? { withdrawal: c.withdrawal } : {}, {}, cmd.reason);
    }
  }
}

/** The status a candidate in each state may move to (for the UI and docs). */
export const TRANSITIONS: Record<CandidateStatus, CandidateStatus[]> = {
  screening: ['fulltext', 'excluded', 'conflict'],
  fulltext: ['extraction', 'excluded', 'conflict'],
  conflict: ['fulltext', 'extraction', 'excluded'],
  extraction: ['accepted'],
  accepted: ['withdrawn'],
  excluded: ['screening', 'fulltext'],
  withdrawn: ['extraction'],
};
