/**
 * Vitest global setup: one in-memory DynamoDB Local for the whole run (real DynamoDB semantics,
 * no fakes). Test files create their own uniquely named tables (functions/adapters/dynamo/testing.ts).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDynamoLocal, type DynamoLocal } from '../../scripts/lib/dynamo-local.js';

let db: DynamoLocal | undefined;

export async function setup(): Promise<void> {
  // Stacks started by tests register here, not where a developer's own `npm start` does
  // (scripts/lib/stack-registry.ts): `npm run import` in a test never sees a stack outside the run.
  process.env.STACK_REGISTRY_DIR ??= mkdtempSync(join(tmpdir(), 'le-stacks-'));
  if (process.env.DYNAMODB_ENDPOINT) return;
  db = await startDynamoLocal();
  process.env.DYNAMODB_ENDPOINT = db.endpoint;
  process.env.AWS_REGION ??= 'us-east-1';
}

export async function teardown(): Promise<void> {
  await db?.stop();
}
