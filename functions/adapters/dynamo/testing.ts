/**
 * Test helper: a fresh table in the DynamoDB Local started by test/setup/dynamodb-local.ts.
 * Each call creates a table with a unique name so test files never share state.
 *
 * Test tables have the definition's keys and indexes but no stream unless a test reads it
 * (`{ stream: true }`). The whole run shares one DynamoDB Local, and DynamoDB Local 3.x slows
 * every write to a stream-enabled table in proportion to the stream records the other tables have
 * accumulated (measured here: 180 transactions/s after a table with a 300-record stream, 43/s after
 * one with 9,000; tables without streams keep ~360/s). In AWS, and with `npm start`'s one table,
 * this does not arise; a stream changes nothing about what a write stores.
 */
import { randomUUID } from 'node:crypto';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { createDocumentClient, createDynamoClient } from './client.js';
import { ensureTable } from './tables.js';

export async function createTestTable(prefix = 'test', opts: { stream?: boolean } = {}): Promise<string> {
  if (!process.env.DYNAMODB_ENDPOINT) {
    throw new Error('DYNAMODB_ENDPOINT is not set: run tests through vitest (its global setup starts DynamoDB Local)');
  }
  const name = `${prefix}-${randomUUID().slice(0, 8)}`;
  await ensureTable(createDynamoClient(), name, undefined, { stream: opts.stream ?? false });
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
