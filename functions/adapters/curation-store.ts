/**
 * DynamoDB repository for curation: the queue (GSI1 query, never a Scan), candidate reads, and
 * version-conditioned updates written in ONE TransactWriteItems with their append-only event.
 */
import { randomUUID } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { candidateItem, stripKeys, type EventItem } from '../../core/data-model/items.js';
import { queryAll, queryPage } from './dynamo/client.js';
import { candidateKey, candidatePrefix, ENTITY, eventKey, eventPartition, identifierKey, queuePartition } from '../../core/data-model/keys.js';
import type { Candidate, CandidateStatus, Identifier } from '../../core/evidence/candidate.js';
import type { CuratedCandidate, EventDraft } from '../../core/curation/workflow.js';

export class VersionConflictError extends Error {
  override readonly name = 'VersionConflictError';
  constructor(
    readonly currentVersion: number | undefined,
    message?: string,
  ) {
    super(message ?? (currentVersion === undefined ? 'the candidate no longer exists' : `the candidate was changed by someone else (current version ${currentVersion})`));
  }
}

export class InvalidCursorError extends Error {
  override readonly name = 'InvalidCursorError';
}

export interface QueueQuery {
  reviewId: string;
  status: CandidateStatus;
  limit: number;
  cursor?: string;
  source?: string;
  minScore?: number;
  maxScore?: number;
  /** createdAt bounds (ISO strings, inclusive). */
  from?: string;
  to?: string;
  /** Return the listing fields only (title, abstract, sources, identifiers, triage, …). */
  summary?: boolean;
}

const QUEUE_FIELDS = ['entity', 'reviewId', 'studyId', 'status', 'version', 'title', 'abstract', 'year', 'firstAuthor', 'journal', 'sources', 'identifiers', 'triage', 'retracted', 'preprint', 'createdAt', 'updatedAt', 'acceptedAt', 'conflictStage', 'exclusion', 'screening', 'pk', 'sk', 'gsi1pk', 'gsi1sk'] as const;

/** The most records one status of a queue is read for a search (see listWholeQueue). */
export const MAX_WHOLE_QUEUE = 5000;

export interface WholeQueue {
  items: CuratedCandidate[];
  /** More than `max` records are in this status: only the first `max` (best triage score first) were read. */
  truncated: boolean;
  /** Query calls it took. */
  queries: number;
}

/** A position in the queue index (GSI1): the table and index keys of one candidate item. */
export interface QueueKey {
  pk: string;
  sk: string;
  gsi1pk: string;
  gsi1sk: string;
}

export interface QueuePage {
  items: CuratedCandidate[];
  cursor?: string;
}

const padScore = (score: number) => String(1000 - Math.round(Math.max(0, Math.min(100, score)) * 10)).padStart(4, '0');

function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, partition: string): Record<string, string> {
  let v: unknown;
  try {
    v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError('cursor is not valid');
  }
  const keys = ['pk', 'sk', 'gsi1pk', 'gsi1sk'];
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new InvalidCursorError('cursor is not valid');
  const o = v as Record<string, unknown>;
  if (Object.keys(o).length !== keys.length || !keys.every((k) => typeof o[k] === 'string' && (o[k] as string).length > 0 && (o[k] as string).length < 1024))
    throw new InvalidCursorError('cursor is not valid');
  if (o.gsi1pk !== partition) throw new InvalidCursorError('cursor belongs to another queue');
  return o as Record<string, string>;
}

export class CurationStore {
  constructor(
    readonly doc: DynamoDBDocumentClient,
    readonly table: string,
  ) {}

  async getCandidate(reviewId: string, studyId: string): Promise<CuratedCandidate | undefined> {
    const r = await this.doc.send(new GetCommand({ TableName: this.table, Key: candidateKey(reviewId, studyId), ConsistentRead: true }));
    return r.Item ? (stripKeys(r.Item) as CuratedCandidate) : undefined;
  }

  /** One page of a review's queue in one status, best triage score first (GSI1). */
  async listQueue(q: QueueQuery): Promise<QueuePage> {
    const partition = queuePartition(q.reviewId, q.status);
    const names: Record<string, string> = { '#p': 'gsi1pk' };
    const values: Record<string, unknown> = { ':p': partition };
    let cond = '#p = :p';
    // The sort key starts with the inverted, padded score: score bounds are key conditions.
    if (q.minScore !== undefined && q.maxScore !== undefined) {
      cond += ' AND #s BETWEEN :lo AND :hi';
      names['#s'] = 'gsi1sk';
      values[':lo'] = padScore(q.maxScore);
      values[':hi'] = `${padScore(q.minScore)}#\uffff`;
    } else if (q.minScore !== undefined) {
      cond += ' AND #s <= :hi';
      names['#s'] = 'gsi1sk';
      values[':hi'] = `${padScore(q.minScore)}#\uffff`;
    } else if (q.maxScore !== undefined) {
      cond += ' AND #s >= :lo';
      names['#s'] = 'gsi1sk';
      values[':lo'] = padScore(q.maxScore);
    }
    const filters: string[] = [];
    if (q.source) {
      filters.push('contains(#src, :src)');
      names['#src'] = 'sources';
      values[':src'] = q.source;
    }
    if (q.from) {
      filters.push('#c >= :from');
      names['#c'] = 'createdAt';
      values[':from'] = q.from;
    }
    if (q.to) {
      filters.push('#c <= :to');
      names['#c'] = 'createdAt';
      values[':to'] = q.to;
    }
    let startKey: Record<string, unknown> | undefined = q.cursor ? decodeCursor(q.cursor, partition) : undefined;
    const items: CuratedCandidate[] = [];
    // With filters a page may come back short: keep reading (bounded) until the page is full.
    for (let round = 0; round < 20; round++) {
      const input: QueryCommandInput = {
        TableName: this.table,
        IndexName: 'gsi1',
        KeyConditionExpression: cond,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
        Limit: q.limit - items.length,
        ExclusiveStartKey: startKey,
      };
      if (filters.length) input.FilterExpression = filters.join(' AND ');
      if (q.summary) {
        // Listing fields only (with the screening votes the cards show); drafts and extractions stay in the table.
        input.ProjectionExpression = QUEUE_FIELDS.map((f) => `#f_${f}`).join(', ');
        for (const f of QUEUE_FIELDS) names[`#f_${f}`] = f;
      }
      const r = await this.doc.send(new QueryCommand(input));
      for (const it of r.Items ?? []) items.push(stripKeys(it) as CuratedCandidate);
      startKey = r.LastEvaluatedKey;
      if (!startKey || items.length >= q.limit) break;
    }
    return { items, ...(startKey ? { cursor: encodeCursor(startKey) } : {}) };
  }

  /**
   * EVERY record of a review's queue in one status, in queue order (the search, filters and
   * near-duplicate groups of the curator UI work on the whole queue): pages through the status
   * partition of GSI1 (never a Scan of the table) with the listing fields only, up to 1 MB per
   * Query. Cost: ⌈bytes / 1 MB⌉ Queries and bytes / 4 KB × ½ read units (eventually consistent
   * reads) for the records of that status alone; at most `max` records are read (`truncated`
   * says when more exist).
   */
  async listWholeQueue(reviewId: string, status: CandidateStatus, max = MAX_WHOLE_QUEUE): Promise<WholeQueue> {
    const names: Record<string, string> = { '#p': 'gsi1pk' };
    for (const f of QUEUE_FIELDS) names[`#f_${f}`] = f;
    const items: CuratedCandidate[] = [];
    let startKey: Record<string, unknown> | undefined;
    let queries = 0;
    do {
      const r = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: 'gsi1',
          KeyConditionExpression: '#p = :p',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: { ':p': queuePartition(reviewId, status) },
          ProjectionExpression: QUEUE_FIELDS.map((f) => `#f_${f}`).join(', '),
          Limit: max - items.length + 1,
          ExclusiveStartKey: startKey,
        }),
      );
      queries++;
      for (const it of r.Items ?? []) items.push(stripKeys(it) as CuratedCandidate);
      startKey = r.LastEvaluatedKey;
    } while (startKey && items.length <= max);
    const truncated = items.length > max;
    return { items: truncated ? items.slice(0, max) : items, truncated, queries };
  }

  /**
   * One page of a review's candidates in one status, in queue order (GSI1 Query with Limit and
   * ExclusiveStartKey: only `limit` items are read), with only `fields` (and the keys). Each item
   * comes with its index key, from which the next page may start (`startKey`); `lastKey` is where
   * DynamoDB stopped (absent at the end of the status).
   */
  async statusPage(
    reviewId: string,
    status: CandidateStatus,
    limit: number,
    fields: readonly string[],
    startKey?: QueueKey,
  ): Promise<{ items: { candidate: CuratedCandidate; key: QueueKey }[]; lastKey?: QueueKey }> {
    const names: Record<string, string> = { '#p': 'gsi1pk' };
    const all = [...new Set([...fields, 'pk', 'sk', 'gsi1pk', 'gsi1sk'])];
    all.forEach((f, i) => (names[`#f${i}`] = f));
    const r = await queryPage(
      this.doc,
      {
        TableName: this.table,
        IndexName: 'gsi1',
        KeyConditionExpression: '#p = :p',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ':p': queuePartition(reviewId, status) },
        ProjectionExpression: all.map((_, i) => `#f${i}`).join(', '),
      },
      limit,
      startKey ? { ...startKey } : undefined,
    );
    const keyOf = (it: Record<string, unknown>): QueueKey => ({ pk: String(it.pk), sk: String(it.sk), gsi1pk: String(it.gsi1pk), gsi1sk: String(it.gsi1sk) });
    return {
      items: r.items.map((it) => ({ candidate: stripKeys(it) as CuratedCandidate, key: keyOf(it) })),
      ...(r.lastKey ? { lastKey: keyOf(r.lastKey) } : {}),
    };
  }

  /** Every candidate of a review (a Query of the review's partition), for exports and statistics. */
  async allCandidates(reviewId: string): Promise<CuratedCandidate[]> {
    const { pk, skPrefix } = candidatePrefix(reviewId);
    const items = await queryAll(this.doc, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :sk)',
      ExpressionAttributeValues: { ':pk': pk, ':sk': skPrefix },
    });
    return items.map((it) => stripKeys(it) as CuratedCandidate);
  }

  async countByStatus(reviewId: string, statuses: readonly CandidateStatus[]): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    await Promise.all(
      statuses.map(async (s) => {
        let n = 0;
        let startKey: Record<string, unknown> | undefined;
        do {
          const r = await this.doc.send(
            new QueryCommand({
              TableName: this.table,
              IndexName: 'gsi1',
              KeyConditionExpression: 'gsi1pk = :p',
              ExpressionAttributeValues: { ':p': queuePartition(reviewId, s) },
              Select: 'COUNT',
              ExclusiveStartKey: startKey,
            }),
          );
          n += r.Count ?? 0;
          startKey = r.LastEvaluatedKey;
        } while (startKey);
        out[s] = n;
      }),
    );
    return out;
  }

  async listEvents(reviewId: string, studyId: string): Promise<EventItem[]> {
    const out: EventItem[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const r = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': eventPartition(reviewId, studyId) },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const it of r.Items ?? []) out.push(it as EventItem);
      startKey = r.LastEvaluatedKey;
    } while (startKey);
    return out;
  }

  private eventItem(c: Candidate, e: EventDraft, seq: string): EventItem {
    return {
      entity: 'Event',
      ...eventKey(c.reviewId, c.studyId, e.at, seq),
      reviewId: c.reviewId,
      studyId: c.studyId,
      type: e.type,
      actor: e.actor,
      role: e.role,
      at: e.at,
      before: e.before,
      after: e.after,
      ...(e.reason ? { reason: e.reason } : {}),
    };
  }

  /** The two writes of one commit: the candidate (only if still at `expectedVersion`) and its new event. */
  private commitItems(next: CuratedCandidate, expectedVersion: number, event: EventDraft) {
    const seq = `${String(next.version).padStart(8, '0')}-${randomUUID().slice(0, 8)}`;
    return [
      {
        Put: {
          TableName: this.table,
          Item: candidateItem(next),
          ConditionExpression: '#v = :v',
          ExpressionAttributeNames: { '#v': 'version' },
          ExpressionAttributeValues: { ':v': expectedVersion },
        },
      },
      {
        Put: {
          TableName: this.table,
          Item: this.eventItem(next, event, seq),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ];
  }

  /**
   * Write the next state of a candidate and its event atomically, only if the stored version is
   * still `expectedVersion`. Throws VersionConflictError (with the current version) otherwise.
   */
  async commit(next: CuratedCandidate, expectedVersion: number, event: EventDraft): Promise<void> {
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: this.commitItems(next, expectedVersion, event),
        }),
      );
    } catch (err) {
      if (err instanceof TransactionCanceledException || (err as { name?: string }).name === 'TransactionCanceledException') {
        const current = await this.getCandidate(next.reviewId, next.studyId);
        throw new VersionConflictError(current?.version);
      }
      throw err;
    }
  }

  /**
   * Several commits in ONE transaction (all or none; at most 50 candidates: 100 items per
   * TransactWriteItems). A changed candidate cancels the whole batch: VersionConflictError.
   */
  async commitMany(commits: readonly { next: CuratedCandidate; expectedVersion: number; event: EventDraft }[]): Promise<void> {
    if (commits.length > 50) throw new Error('commitMany: at most 50 candidates per transaction');
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: commits.flatMap(({ next, expectedVersion, event }) => this.commitItems(next, expectedVersion, event)),
        }),
      );
    } catch (err) {
      if (err instanceof TransactionCanceledException || (err as { name?: string }).name === 'TransactionCanceledException') throw new VersionConflictError(undefined, 'one of the records was changed by someone else while the batch was saved; reload — nothing was changed');
      throw err;
    }
  }

  /** Which of these identifiers are already known, and the study each points to. */
  async lookupIdentifiers(ids: Identifier[]): Promise<Map<string, string>> {
    const out = new Map<string, string>();
    // BatchGet refuses duplicate keys in one request.
    const keys = [...new Map(ids.map((i) => identifierKey(i.type, i.value)).map((k) => [k.pk, k])).values()];
    for (let i = 0; i < keys.length; i += 100) {
      let request: Record<string, { Keys: Record<string, unknown>[] }> | undefined = { [this.table]: { Keys: keys.slice(i, i + 100) } };
      for (let round = 0; request && round < 10; round++) {
        const r: BatchGetCommandOutput = await this.doc.send(new BatchGetCommand({ RequestItems: request }));
        for (const it of r.Responses?.[this.table] ?? []) if (typeof it.studyId === 'string') out.set(it.pk as string, it.studyId);
        const rest: { Keys?: Record<string, unknown>[] } | undefined = r.UnprocessedKeys?.[this.table];
        request = rest?.Keys?.length ? { [this.table]: { Keys: rest.Keys } } : undefined;
      }
    }
    return out;
  }

  /**
   * Create a new candidate (with its identifier guards and a 'imported' event) in one transaction.
   * Fails (returns false) if the candidate or one of its identifiers already exists.
   */
  async createCandidate(c: Candidate, event: EventDraft, claimIdentifiers: Identifier[]): Promise<boolean> {
    const seq = `${String(c.version).padStart(8, '0')}-${randomUUID().slice(0, 8)}`;
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.table, Item: candidateItem(c), ConditionExpression: 'attribute_not_exists(pk)' } },
            { Put: { TableName: this.table, Item: this.eventItem(c, event, seq), ConditionExpression: 'attribute_not_exists(pk)' } },
            ...claimIdentifiers.map((id) => ({
              Put: {
                TableName: this.table,
                Item: { ...identifierKey(id.type, id.value), entity: ENTITY.identifier, idType: id.type, idValue: id.value, studyId: c.studyId, claimedBy: `ris#${c.reviewId}`, at: c.createdAt },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            })),
          ],
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof TransactionCanceledException || (err as { name?: string }).name === 'TransactionCanceledException') return false;
      throw err;
    }
  }
}
