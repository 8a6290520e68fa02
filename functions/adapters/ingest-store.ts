/**
 * DynamoDB persistence of polled records: one atomic, fully conditional transaction per new or
 * changed record (record item + history + identifier guards + candidate + audit events), zero
 * writes for a record seen unchanged, optimistic retries when another writer got there first.
 *
 * The decisions (which study, what the candidate becomes) are made by core/evidence; this module
 * only reads the current state, asks core, and writes the answer under conditions that make a
 * concurrent or repeated run converge on the same state.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { candidateItem } from '../../core/data-model/items.js';
import { candidateKey, candidatePrefix, checkpointKey, ENTITY, eventKey, identifierKey, quarantineKey, recordHistoryKey, recordKey } from '../../core/data-model/keys.js';
import type { Candidate } from '../../core/evidence/candidate.js';
import { proposeExtraction, type OutcomeSpec } from '../../core/evidence/extraction.js';
import { foundingStudyId, linkKeys, linkReason, resolveStudy, type LinkKey } from '../../core/evidence/identity.js';
import { markRetracted, mergeRecord, type CandidateEvent, type MergeResult } from '../../core/evidence/merge.js';
import type { MalformedRecord, SourceRecord } from '../../core/evidence/record.js';
import { contentHash } from '../../core/evidence/text.js';
import { triage, type TriageTerms } from '../../core/evidence/triage.js';
import type { PollAttempt } from '../../core/reviews/poll-status.js';
import { queryAll } from './dynamo/client.js';

export type IngestOutcome = 'new' | 'updated' | 'unchanged';

export interface ReviewContext {
  reviewId: string;
  terms: TriageTerms;
  outcomes: OutcomeSpec[];
}

export interface Checkpoint {
  reviewId: string;
  source: string;
  /** PubMed: last whole day of entry dates (edat) fully ingested, YYYY-MM-DD. */
  edatThrough?: string;
  /** PubMed: last whole day of modification dates (mdat) fully ingested. */
  mdatThrough?: string;
  /** ClinicalTrials.gov: last whole day of LastUpdatePostDate fully ingested. */
  updatedThrough?: string;
  /** Europe PMC: last whole day of first index dates (FIRST_IDATE) fully ingested. */
  indexedThrough?: string;
  /** ISRCTN: last whole day of last-edited dates fully ingested. */
  editedThrough?: string;
  lastRunAt?: string;
  lastSummary?: Record<string, number>;
  /** The latest attempt, failed or not (recordAttempt). */
  lastAttempt?: PollAttempt;
}

/** Counts DynamoDB calls and items (for the benchmark's writes-per-record figure). */
export interface StoreStats {
  readCalls: number;
  writeCalls: number;
  writeItems: number;
  conflicts: number;
}

interface RecordItem {
  pk: string;
  sk: string;
  entity: 'Record';
  source: string;
  sourceId: string;
  studyId: string;
  hash: string;
  rev: number;
  /** Review id → the content hash that review's candidate last took in. */
  seen: Record<string, string>;
  record: SourceRecord;
  firstSeenAt: string;
  updatedAt: string;
}

interface Snapshot {
  owners: Map<string, string>;
  items: Map<string, Record<string, unknown>>;
  lookedUp?: Set<string>;
}

function ownersOf(items: Map<string, Record<string, unknown>>): Map<string, string> {
  const out = new Map<string, string>();
  for (const item of items.values()) {
    if (item.entity === ENTITY.identifier) out.set(`${item.idType}:${String(item.idValue).toLowerCase()}`, item.studyId as string);
  }
  return out;
}

type TxItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

const MAX_ATTEMPTS = 8;
const MAX_CLAIMS = 40;

/**
 * Content hashes of a batch, a few records at a time with a turn of the event loop in between: a
 * batch of 200 hashed in one go held the loop for about 100 ms in a CPU profile of the backfill, long enough to delay requests the
 * poller's rate limiter has already released (see functions/poll-common/http.ts).
 */
async function hashYielding(records: SourceRecord[], chunk = 20): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < records.length; i += chunk) {
    if (i > 0) await new Promise((r) => setImmediate(r));
    for (const r of records.slice(i, i + chunk)) out.push(contentHash(r));
  }
  return out;
}

function isConflict(err: unknown): boolean {
  if (err instanceof ConditionalCheckFailedException) return true;
  if (err instanceof TransactionCanceledException) {
    return (err.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed' || r.Code === 'TransactionConflict');
  }
  const name = (err as Error)?.name;
  return name === 'TransactionConflictException';
}

export class IngestStore {
  readonly stats: StoreStats = { readCalls: 0, writeCalls: 0, writeItems: 0, conflicts: 0 };
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  private async get<T>(key: { pk: string; sk: string }): Promise<T | undefined> {
    this.stats.readCalls++;
    const r = await this.doc.send(new GetCommand({ TableName: this.table, Key: key, ConsistentRead: true }));
    return r.Item as T | undefined;
  }

  async getCheckpoint(reviewId: string, source: string): Promise<Checkpoint | undefined> {
    return this.get<Checkpoint>(checkpointKey(reviewId, source));
  }

  async putCheckpoint(cp: Checkpoint): Promise<void> {
    this.stats.writeCalls++;
    this.stats.writeItems++;
    await this.doc.send(new PutCommand({ TableName: this.table, Item: { ...checkpointKey(cp.reviewId, cp.source), entity: ENTITY.checkpoint, ...cp } }));
  }

  /**
   * The outcome of the latest attempt of a (review, source) poll, kept on its checkpoint item
   * (`lastAttempt`, core/reviews/poll-status.ts): the curator home reads it. An update, so the
   * checkpoint's own fields are never touched.
   */
  async recordAttempt(reviewId: string, source: string, attempt: PollAttempt): Promise<void> {
    this.stats.writeCalls++;
    this.stats.writeItems++;
    await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: checkpointKey(reviewId, source),
        UpdateExpression: 'SET lastAttempt = :a, entity = if_not_exists(entity, :e), reviewId = if_not_exists(reviewId, :r), #src = if_not_exists(#src, :s)',
        ExpressionAttributeNames: { '#src': 'source' },
        ExpressionAttributeValues: { ':a': attempt, ':e': ENTITY.checkpoint, ':r': reviewId, ':s': source },
      }),
    );
  }

  /** Sets a malformed record aside with its raw body; at most once per day per distinct body. */
  async quarantine(m: MalformedRecord, reviewId: string): Promise<void> {
    const at = this.now().toISOString();
    const key = quarantineKey(m.source, at.slice(0, 10), `${m.id}#${contentHash(m.raw).slice(0, 12)}`);
    this.stats.writeCalls++;
    this.stats.writeItems++;
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...key, entity: ENTITY.quarantine, source: m.source, recordId: m.id, reviewId, reason: m.reason, raw: m.raw.slice(0, 350_000), at },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
  }

  /** Consistent BatchGet of any number of keys (chunks of 100, unprocessed keys retried). */
  private async batchGet(keys: { pk: string; sk: string }[]): Promise<Map<string, Record<string, unknown>>> {
    const out = new Map<string, Record<string, unknown>>();
    const seen = new Set<string>();
    let pending = keys.filter((k) => {
      const id = `${k.pk}|${k.sk}`;
      if (seen.has(id)) return false;
      seen.add(id);
      return true;
    });
    for (let round = 0; pending.length > 0; round++) {
      if (round > 20) throw new Error('BatchGet: keys still unprocessed after 20 rounds');
      this.stats.readCalls++;
      const r = await this.doc.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: pending.slice(0, 100), ConsistentRead: true } } }));
      for (const item of r.Responses?.[this.table] ?? []) out.set(`${item.pk}|${item.sk}`, item);
      const unprocessed = (r.UnprocessedKeys?.[this.table]?.Keys ?? []) as { pk: string; sk: string }[];
      pending = [...unprocessed, ...pending.slice(100)];
      if (unprocessed.length) await new Promise((res) => setTimeout(res, 50 * Math.min(round + 1, 10)));
    }
    return out;
  }

  private async owners(keys: LinkKey[]): Promise<Map<string, string>> {
    const items = await this.batchGet(keys.map((k) => identifierKey(k.type, k.value)));
    return ownersOf(items);
  }

  /**
   * Stores a batch of records for one review: the current state of all of them is read with a
   * few BatchGets, unchanged records are answered from it without a write, and each other record
   * is written by one transaction built on that snapshot (its conditions make a stale snapshot
   * fail safely, and that record is then redone from fresh reads).
   */
  async ingestBatch(records: SourceRecord[], ctx: ReviewContext, concurrency = 8): Promise<IngestOutcome[]> {
    const hashes = await hashYielding(records);
    const recItems = await this.batchGet(records.map((r) => recordKey(r.source, r.sourceId)));
    const existingOf = (r: SourceRecord) => recItems.get(`${recordKey(r.source, r.sourceId).pk}|RECORD`) as RecordItem | undefined;
    const out: IngestOutcome[] = new Array(records.length);
    const todo: number[] = [];
    records.forEach((r, i) => {
      const ex = existingOf(r);
      if (ex && ex.hash === hashes[i] && ex.seen?.[ctx.reviewId] === hashes[i]) out[i] = 'unchanged';
      else todo.push(i);
    });
    if (todo.length === 0) return out;
    const keys: { pk: string; sk: string }[] = [];
    for (const i of todo) {
      const r = records[i];
      for (const k of linkKeys(r)) keys.push(identifierKey(k.type, k.value));
      for (const p of r.retracts ?? []) keys.push(identifierKey('pmid', p));
      keys.push(candidateKey(ctx.reviewId, existingOf(r)?.studyId ?? foundingStudyId(r)));
    }
    const items = await this.batchGet(keys);
    const snap: Snapshot = { owners: ownersOf(items), items, lookedUp: new Set(keys.map((k) => `${k.pk}|${k.sk}`)) };
    let next = 0;
    let failed: unknown;
    const worker = async () => {
      while (next < todo.length && failed === undefined) {
        const i = todo[next++];
        try {
          out[i] = await this.ingest(records[i], ctx, { ...snap, existing: existingOf(records[i]) ?? null, hash: hashes[i] });
        } catch (err) {
          failed ??= err;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, todo.length) }, worker));
    if (failed !== undefined) throw failed;
    return out;
  }

  private eventItems(reviewId: string, studyId: string, events: CandidateEvent[], actor: string, at: string, seqBase: string): TxItem[] {
    return events.map((e, i) => {
      const key = eventKey(reviewId, studyId, at, `${seqBase}-${i}`);
      return {
        Put: {
          TableName: this.table,
          Item: {
            ...key,
            entity: ENTITY.event,
            reviewId,
            studyId,
            type: e.type,
            actor,
            at,
            ...(e.reason ? { reason: e.reason } : {}),
            ...(e.before !== undefined ? { before: e.before } : {}),
            ...(e.after !== undefined ? { after: e.after } : {}),
            ...(e.flaggedTo ? { flaggedTo: e.flaggedTo, gsi1pk: `FLAGGED#${reviewId}`, gsi1sk: `${at}#${studyId}` } : {}),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      };
    });
  }

  private candidatePut(merged: MergeResult, existing: Candidate | undefined): TxItem {
    return {
      Put: {
        TableName: this.table,
        Item: candidateItem(merged.candidate),
        ...(existing
          ? { ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': existing.version } }
          : { ConditionExpression: 'attribute_not_exists(pk)' }),
      },
    };
  }

  private async transact(items: TxItem[]): Promise<void> {
    this.stats.writeCalls++;
    this.stats.writeItems += items.length;
    await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
  }

  /**
   * Stores one record for one review. Returns 'unchanged' without writing when the record's content
   * hash is the stored one and the review already holds it.
   */
  async ingest(record: SourceRecord, ctx: ReviewContext, first?: Snapshot & { existing: RecordItem | null; hash: string }): Promise<IngestOutcome> {
    const hash = first?.hash ?? contentHash(record);
    const rKey = recordKey(record.source, record.sourceId);
    let lastErr: unknown;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const snap = attempt === 0 && first ? first : undefined;
      const existing = snap ? (snap.existing ?? undefined) : await this.get<RecordItem>(rKey);
      const seenHash = existing?.seen?.[ctx.reviewId];
      if (existing && existing.hash === hash && seenHash === hash) return 'unchanged';
      try {
        if (record.retracts?.length && record.publicationTypes.some((t) => t.toLowerCase() === 'retraction of publication')) {
          await this.ingestRetractionNotice(record, hash, existing, ctx);
        } else {
          await this.ingestStudyRecord(record, hash, existing, ctx, snap);
        }
        return seenHash === undefined ? 'new' : 'updated';
      } catch (err) {
        if (!isConflict(err)) throw err;
        this.stats.conflicts++;
        lastErr = err;
        await new Promise((r) => setTimeout(r, Math.random() * 20 * (attempt + 1)));
      }
    }
    throw new Error(`record ${record.source} ${record.sourceId}: still conflicting after ${MAX_ATTEMPTS} attempts (${(lastErr as Error)?.message})`);
  }

  private recordPut(record: SourceRecord, hash: string, existing: RecordItem | undefined, studyId: string, reviewId: string, at: string): TxItem[] {
    const rKey = recordKey(record.source, record.sourceId);
    const item: RecordItem = {
      ...rKey,
      entity: 'Record',
      source: record.source,
      sourceId: record.sourceId,
      studyId,
      hash,
      rev: (existing?.rev ?? 0) + 1,
      seen: { ...(existing?.seen ?? {}), [reviewId]: hash },
      record,
      firstSeenAt: existing?.firstSeenAt ?? at,
      updatedAt: at,
    };
    const out: TxItem[] = [
      {
        Put: {
          TableName: this.table,
          Item: item,
          ...(existing
            ? { ConditionExpression: '#rev = :rev', ExpressionAttributeNames: { '#rev': 'rev' }, ExpressionAttributeValues: { ':rev': existing.rev } }
            : { ConditionExpression: 'attribute_not_exists(pk)' }),
        },
      },
    ];
    if (existing && existing.hash !== hash) {
      // The previous version, kept for audit.
      out.push({
        Put: {
          TableName: this.table,
          Item: {
            ...recordHistoryKey(record.source, record.sourceId, `${at}#${existing.rev}`),
            entity: ENTITY.recordHistory,
            source: record.source,
            sourceId: record.sourceId,
            hash: existing.hash,
            rev: existing.rev,
            record: existing.record,
            replacedAt: at,
            replacedBy: hash,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    }
    return out;
  }

  private async ingestStudyRecord(record: SourceRecord, hash: string, existing: RecordItem | undefined, ctx: ReviewContext, snap?: Snapshot): Promise<void> {
    const at = this.now().toISOString();
    const keys = linkKeys(record);
    const owners = snap ? snap.owners : await this.owners(keys);
    const res = resolveStudy(record, owners, existing?.studyId);
    const cKey = candidateKey(ctx.reviewId, res.studyId);
    const cId = `${cKey.pk}|${cKey.sk}`;
    // A snapshot holds the candidate keys it looked up; a key looked up and absent is absent.
    const candidate = snap && snap.items.has(cId) ? (snap.items.get(cId) as Candidate) : snap && snap.lookedUp?.has(cId) ? undefined : await this.get<Candidate>(cKey);
    const proposed = record.postedResults ? proposeExtraction(record.sourceId, record.postedResults, ctx.outcomes) : undefined;
    const merged = mergeRecord({
      ...(res.matchedBy && !existing ? { linkReason: linkReason(record, res.matchedBy) } : {}),
      existing: candidate,
      record,
      recordHash: hash,
      reviewId: ctx.reviewId,
      studyId: res.studyId,
      triage: triage(record, ctx.terms),
      ...(proposed?.length ? { proposedExtraction: proposed } : {}),
      now: at,
    });
    const items: TxItem[] = this.recordPut(record, hash, existing, res.studyId, ctx.reviewId, at);
    for (const k of res.toClaim.slice(0, MAX_CLAIMS)) {
      items.push({
        Put: {
          TableName: this.table,
          Item: { ...identifierKey(k.type, k.value), entity: ENTITY.identifier, idType: k.type, idValue: k.value, studyId: res.studyId, claimedBy: `${record.source}#${record.sourceId}`, at },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      });
    }
    if (merged.changed) {
      items.push(this.candidatePut(merged, candidate));
      items.push(...this.eventItems(ctx.reviewId, res.studyId, merged.events, `poller:${record.source}`, at, `${record.source}-${record.sourceId}-v${merged.candidate.version}`));
    }
    await this.transact(items.slice(0, 100));
  }

  /** A retraction notice: stored as a record, and it marks the retracted publications' candidates. */
  private async ingestRetractionNotice(record: SourceRecord, hash: string, existing: RecordItem | undefined, ctx: ReviewContext): Promise<void> {
    const at = this.now().toISOString();
    const targets = (record.retracts ?? []).map((p) => ({ type: 'pmid', value: p }));
    const owners = await this.owners(targets);
    const items: TxItem[] = this.recordPut(record, hash, existing, existing?.studyId ?? `NOTICE${record.sourceId}`, ctx.reviewId, at);
    const seen = new Set<string>();
    for (const t of targets) {
      const studyId = owners.get(`pmid:${t.value}`);
      if (!studyId || seen.has(studyId)) continue;
      seen.add(studyId);
      const cand = await this.get<Candidate>(candidateKey(ctx.reviewId, studyId));
      if (!cand) continue;
      const merged = markRetracted(cand, `PubMed ${t.value}: retracted (notice PMID ${record.sourceId}${record.journal ? `, ${record.journal}` : ''})`, at);
      if (!merged.changed) continue;
      items.push(this.candidatePut(merged, cand));
      items.push(...this.eventItems(ctx.reviewId, studyId, merged.events, 'poller:pubmed', at, `notice-${record.sourceId}-v${merged.candidate.version}`));
    }
    await this.transact(items.slice(0, 100));
  }

  /** Candidates of a review (every status): a COUNT Query, summed over its pages. */
  async countCandidates(reviewId: string): Promise<number> {
    let count = 0;
    await queryAll(
      this.doc,
      {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': candidatePrefix(reviewId).pk, ':p': candidatePrefix(reviewId).skPrefix },
        Select: 'COUNT',
      },
      (page) => {
        this.stats.readCalls++;
        count += page.Count ?? 0;
      },
    );
    return count;
  }
}
