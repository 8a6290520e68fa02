/**
 * Vitest global setup: one in-memory DynamoDB Local for the whole run (real DynamoDB semantics,
 * no fakes). Test files create their own uniquely named tables (functions/adapters/dynamo/testing.ts).
 */
import { startDynamoLocal, type DynamoLocal } from '../../scripts/lib/dynamo-local.js';

let db: DynamoLocal | undefined;

export async function setup(): Promise<void> {
  if (process.env.DYNAMODB_ENDPOINT) return;
  db = await startDynamoLocal();
  process.env.DYNAMODB_ENDPOINT = db.endpoint;
  process.env.AWS_REGION ??= 'us-east-1';
}

export async function teardown(): Promise<void> {
  await db?.stop();
}
