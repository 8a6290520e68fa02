/**
 * Creates the table in DynamoDB Local from the single definition in core/data-model/table.ts
 * (the CDK stack builds the same definition in AWS).
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  type DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { EVIDENCE_TABLE, keyAttributes, type TableDefinition } from '../../../core/data-model/table.js';

export async function tableExists(client: DynamoDBClient, name: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: name }));
    return true;
  } catch (err) {
    if (err instanceof ResourceNotFoundException) return false;
    throw err;
  }
}

export interface EnsureTableOptions {
  /**
   * Whether the table gets the definition's stream (default true: every real table has it). Only
   * tests turn it off, for tables whose stream nobody reads (see adapters/dynamo/testing.ts).
   */
  stream?: boolean;
}

/** Creates the table if missing and waits until it is ACTIVE. Returns true when it created it. */
export async function ensureTable(client: DynamoDBClient, name: string, def: TableDefinition = EVIDENCE_TABLE, opts: EnsureTableOptions = {}): Promise<boolean> {
  if (await tableExists(client, name)) return false;
  try {
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: keyAttributes(def).map((a) => ({ AttributeName: a.name, AttributeType: a.type })),
        KeySchema: [
          { AttributeName: def.partitionKey.name, KeyType: 'HASH' },
          { AttributeName: def.sortKey.name, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: def.globalSecondaryIndexes.map((g) => ({
          IndexName: g.indexName,
          KeySchema: [
            { AttributeName: g.partitionKey.name, KeyType: 'HASH' },
            { AttributeName: g.sortKey.name, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: g.projection },
        })),
        ...(opts.stream === false ? {} : { StreamSpecification: { StreamEnabled: true, StreamViewType: def.stream } }),
      }),
    );
  } catch (err) {
    if (!(err instanceof ResourceInUseException)) throw err;
  }
  for (let i = 0; i < 100; i++) {
    const d = await client.send(new DescribeTableCommand({ TableName: name }));
    if (d.Table?.TableStatus === 'ACTIVE') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  try {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: name,
        TimeToLiveSpecification: { AttributeName: def.timeToLiveAttribute, Enabled: true },
      }),
    );
  } catch {
    // TTL is an optimisation (lease clean-up); DynamoDB Local may refuse a repeated update.
  }
  return true;
}
