/**
 * DynamoDB repository for leads' GRADE judgements: one item per (review, outcome) holding every
 * judgement (history; the latest per domain applies), written version-conditioned in ONE
 * TransactWriteItems with its append-only audit event.
 */
import { randomUUID } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { GradeJudgement } from '../../core/analysis/fields.js';
import { gradeItem, type EventItem, type GradeItem } from '../../core/data-model/items.js';
import { eventKey, gradeEventSubject, gradeKey, gradePartition } from '../../core/data-model/keys.js';
import { queryAll } from './dynamo/client.js';

export class GradeConflictError extends Error {
  override readonly name = 'GradeConflictError';
}

/** All judgements of a review, by outcome id (one Query, all pages). */
export async function loadGradeJudgements(doc: DynamoDBDocumentClient, table: string, reviewId: string): Promise<Map<string, GradeJudgement[]>> {
  const items = (await queryAll(doc, { TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': gradePartition(reviewId) }, ConsistentRead: true })) as GradeItem[];
  return new Map<string, GradeJudgement[]>(items.map((it) => [it.outcomeId, it.judgements ?? []]));
}

export async function getGradeItem(doc: DynamoDBDocumentClient, table: string, reviewId: string, outcomeId: string): Promise<GradeItem | undefined> {
  const r = await doc.send(new GetCommand({ TableName: table, Key: gradeKey(reviewId, outcomeId), ConsistentRead: true }));
  return r.Item as GradeItem | undefined;
}

/**
 * Appends a judgement and its audit event atomically. `expectedVersion` is the version read
 * (0 = no item yet); a concurrent write makes this throw GradeConflictError and nothing is stored.
 */
export async function appendGradeJudgement(
  doc: DynamoDBDocumentClient,
  table: string,
  reviewId: string,
  outcomeId: string,
  previous: GradeItem | undefined,
  judgement: GradeJudgement,
  actor: { id: string; role: string },
): Promise<GradeItem> {
  const expectedVersion = previous?.version ?? 0;
  const next = gradeItem(reviewId, outcomeId, [...(previous?.judgements ?? []), judgement], expectedVersion + 1, judgement.at);
  const subject = gradeEventSubject(outcomeId);
  const before = [...(previous?.judgements ?? [])].reverse().find((j) => j.domain === judgement.domain);
  const event: EventItem = {
    entity: 'Event',
    ...eventKey(reviewId, subject, judgement.at, `${String(next.version).padStart(8, '0')}-${randomUUID().slice(0, 8)}`),
    reviewId,
    studyId: subject,
    type: 'grade-judged',
    actor: actor.id,
    role: actor.role,
    at: judgement.at,
    before: before ? { domain: before.domain, action: before.action, downgrade: before.downgrade } : {},
    after: { outcome: outcomeId, domain: judgement.domain, action: judgement.action, downgrade: judgement.downgrade },
    reason: judgement.reason,
  };
  try {
    await doc.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: table,
              Item: next,
              ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(pk)' : '#v = :v',
              ...(expectedVersion === 0 ? {} : { ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': expectedVersion } }),
            },
          },
          { Put: { TableName: table, Item: event, ConditionExpression: 'attribute_not_exists(pk)' } },
        ],
      }),
    );
  } catch (err) {
    if (err instanceof TransactionCanceledException || (err as { name?: string }).name === 'TransactionCanceledException')
      throw new GradeConflictError('the judgements of this outcome were changed by someone else; reload and try again');
    throw err;
  }
  return next;
}
