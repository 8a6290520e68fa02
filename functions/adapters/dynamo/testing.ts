/**
 * Test helper: a fresh table in the DynamoDB Local started by test/setup/dynamodb-local.ts.
 * Each call creates a table with a unique name so test files never share state.
 */
import { randomUUID } from 'node:crypto';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { createDocumentClient, createDynamoClient } from './client.js';
import { ensureTable } from './tables.js';

export async function createTestTable(prefix = 'test'): Promise<string> {
  if (!process.env.DYNAMODB_ENDPOINT) {
    throw new Error('DYNAMODB_ENDPOINT is not set: run tests through vitest (its global setup starts DynamoDB Local)');
  }
  const name = `${prefix}-${randomUUID().slice(0, 8)}`;
  await ensureTable(createDynamoClient(), name);
  return name;
}

export async function dropTestTable(name: string): Promise<void> {
  try {
    await createDynamoClient().send(new DeleteTableCommand({ TableName: name }));
  } catch {
    /* already gone */
  }
}

export { createDocumentClient };
