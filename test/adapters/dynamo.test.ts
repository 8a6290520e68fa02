import { describe, expect, it } from 'vitest';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createDynamoClient, createDocumentClient } from '../../functions/adapters/dynamo/client.js';
import { ensureTable } from '../../functions/adapters/dynamo/tables.js';
import { createTestTable } from '../../functions/adapters/dynamo/testing.js';
import { EVIDENCE_TABLE } from '../../core/data-model/table.js';

describe('table definition in DynamoDB Local', () => {
  it('creates the table with the keys, indexes and stream of the one definition', async () => {
    const name = await createTestTable('def', { stream: true });
    const d = await createDynamoClient().send(new DescribeTableCommand({ TableName: name }));
    expect(d.Table?.KeySchema?.map((k) => k.AttributeName)).toEqual([EVIDENCE_TABLE.partitionKey.name, EVIDENCE_TABLE.sortKey.name]);
    expect(d.Table?.GlobalSecondaryIndexes?.map((g) => g.IndexName).sort()).toEqual(EVIDENCE_TABLE.globalSecondaryIndexes.map((g) => g.indexName).sort());
    expect(d.Table?.StreamSpecification?.StreamViewType).toBe('NEW_AND_OLD_IMAGES');
    expect(d.Table?.LatestStreamArn).toBeTruthy();
  });

  it('is idempotent and keeps existing items', async () => {
    const name = await createTestTable('idem');
    const doc = createDocumentClient();
    await doc.send(new PutCommand({ TableName: name, Item: { pk: 'A', sk: 'B', v: 1 } }));
    expect(await ensureTable(createDynamoClient(), name)).toBe(false);
    const got = await doc.send(new GetCommand({ TableName: name, Key: { pk: 'A', sk: 'B' } }));
    expect(got.Item?.v).toBe(1);
  });
});
