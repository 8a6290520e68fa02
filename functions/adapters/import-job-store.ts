/**
 * DynamoDB repository of import jobs: the job item (status, checkpoint `chunksDone`, counts) and
 * its chunk items (records; the plan once a worker made it). Every state change is conditional,
 * so two workers on one job cannot both advance it, and a chunk is counted once.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { stripKeys } from '../../core/data-model/items.js';
import { queryAll } from './dynamo/client.js';
import { ENTITY, importChunkKey, importJobKey, importJobPartition } from '../../core/data-model/keys.js';
import type { ImportCounts, ImportJob, ImportJobStatus, PlannedRecord } from '../../core/curation/import-job.js';
import type { RisRecord } from '../../core/curation/ris.js';

export interface ImportChunk {
  records: RisRecord[];
  plan?: PlannedRecord[];
}

const conditionFailed = (err: unknown) => err instanceof ConditionalCheckFailedException || (err as { name?: string }).name === 'ConditionalCheckFailedException';

/** Records are stored as JSON text: a record's optional fields may be absent, never `undefined` attributes. */
export class ImportJobStore {
  constructor(
    readonly doc: DynamoDBDocumentClient,
    readonly table: string,
  ) {}

  /** Store the chunks, then the job (so a job never points to missing chunks). */
  async create(job: ImportJob, chunks: RisRecord[][]): Promise<void> {
    const items = chunks.map((records, i) => ({ ...importChunkKey(job.reviewId, job.jobId, i), entity: ENTITY.importChunk, records: JSON.stringify(records) }));
    for (let i = 0; i < items.length; i += 25) {
      let request: Record<string, { PutRequest: { Item: Record<string, unknown> } }[]> | undefined = { [this.table]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) };
      for (let round = 0; request && round < 10; round++) {
        const r = await this.doc.send(new BatchWriteCommand({ RequestItems: request }));
        const rest = r.UnprocessedItems?.[this.table] as { PutRequest: { Item: Record<string, unknown> } }[] | undefined;
        request = rest?.length ? { [this.table]: rest } : undefined;
        if (request) await new Promise((res) => setTimeout(res, 50 * 2 ** round));
      }
      if (request) throw new Error('could not store the import file (DynamoDB kept items unprocessed)');
    }
    await this.doc.send(new PutCommand({ TableName: this.table, Item: { ...importJobKey(job.reviewId, job.jobId), entity: ENTITY.importJob, ...job }, ConditionExpression: 'attribute_not_exists(pk)' }));
  }

  async get(reviewId: string, jobId: string): Promise<ImportJob | undefined> {
    const r = await this.doc.send(new GetCommand({ TableName: this.table, Key: importJobKey(reviewId, jobId), ConsistentRead: true }));
    if (!r.Item) return undefined;
    const { entity: _e, ...job } = stripKeys(r.Item) as ImportJob & { entity?: string };
    return job;
  }

  /** The review's jobs, newest first. */
  async list(reviewId: string, limit = 20): Promise<ImportJob[]> {
    const r = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': importJobPartition(reviewId) },
        ScanIndexForward: false,
        Limit: limit,
        ConsistentRead: true,
      }),
    );
    return (r.Items ?? []).map((it) => {
      const { entity: _e, ...job } = stripKeys(it) as ImportJob & { entity?: string };
      return job;
    });
  }

  /**
   * The review's jobs still `queued` or `running`, oldest first: what a stopped local runner left
   * unfinished (its start-up resumes them). All pages of the partition, not only the newest.
   */
  async unfinished(reviewId: string): Promise<ImportJob[]> {
    const items = await queryAll(this.doc, {
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk',
      FilterExpression: '#s IN (:queued, :running)',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':pk': importJobPartition(reviewId), ':queued': 'queued', ':running': 'running' },
      ConsistentRead: true,
    });
    return items.map((it) => {
      const { entity: _e, ...job } = stripKeys(it) as ImportJob & { entity?: string };
      return job;
    });
  }

  async chunk(reviewId: string, jobId: string, index: number): Promise<ImportChunk> {
    const r = await this.doc.send(new GetCommand({ TableName: this.table, Key: importChunkKey(reviewId, jobId, index), ConsistentRead: true }));
    if (!r.Item) throw new Error(`import job ${jobId}: chunk ${index} is missing`);
    return { records: JSON.parse(r.Item.records as string) as RisRecord[], ...(typeof r.Item.plan === 'string' ? { plan: JSON.parse(r.Item.plan) as PlannedRecord[] } : {}) };
  }

  /** Store a chunk's plan once; if another worker stored one first, that one is returned (and used). */
  async savePlan(reviewId: string, jobId: string, index: number, plan: PlannedRecord[]): Promise<PlannedRecord[]> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: importChunkKey(reviewId, jobId, index),
          UpdateExpression: 'SET #plan = :plan',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(#plan)',
          ExpressionAttributeNames: { '#plan': 'plan' },
          ExpressionAttributeValues: { ':plan': JSON.stringify(plan) },
        }),
      );
      return plan;
    } catch (err) {
      if (!conditionFailed(err)) throw err;
      const stored = (await this.chunk(reviewId, jobId, index)).plan;
      if (!stored) throw err;
      return stored;
    }
  }

  /** Move a job from one of `from` to `to` (false when it was not in one of them). */
  async transition(reviewId: string, jobId: string, from: readonly ImportJobStatus[], to: ImportJobStatus, at: string, extra: Partial<Pick<ImportJob, 'startedAt' | 'finishedAt' | 'error'>> = {}): Promise<boolean> {
    const names: Record<string, string> = { '#s': 'status', '#u': 'updatedAt' };
    const values: Record<string, unknown> = { ':to': to, ':at': at };
    const sets = ['#s = :to', '#u = :at'];
    from.forEach((f, i) => (values[`:f${i}`] = f));
    for (const [k, v] of Object.entries(extra)) {
      names[`#${k}`] = k;
      values[`:${k}`] = v;
      sets.push(`#${k} = :${k}`);
    }
    const remove = to !== 'failed' ? ' REMOVE #err' : '';
    if (remove) names['#err'] = 'error';
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: importJobKey(reviewId, jobId),
          UpdateExpression: `SET ${sets.join(', ')}${remove}`,
          ConditionExpression: `#s IN (${from.map((_, i) => `:f${i}`).join(', ')})`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (err) {
      if (conditionFailed(err)) return false;
      throw err;
    }
  }

  /** The checkpoint: chunk `index` is done (only if it is the next one), with the job's new totals. */
  async completeChunk(reviewId: string, jobId: string, index: number, counts: ImportCounts, processed: number, at: string): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: importJobKey(reviewId, jobId),
          UpdateExpression: 'SET #done = :next, #counts = :c, #processed = :p, #u = :at',
          ConditionExpression: '#done = :i AND #s = :running',
          ExpressionAttributeNames: { '#s': 'status', '#done': 'chunksDone', '#counts': 'counts', '#processed': 'processed', '#u': 'updatedAt' },
          ExpressionAttributeValues: { ':next': index + 1, ':i': index, ':c': counts, ':p': processed, ':at': at, ':running': 'running' },
        }),
      );
      return true;
    } catch (err) {
      if (conditionFailed(err)) return false;
      throw err;
    }
  }
}
