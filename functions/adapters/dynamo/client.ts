/**
 * DynamoDB clients from configuration. In AWS the SDK's default chain supplies region and
 * credentials; locally DYNAMODB_ENDPOINT points at DynamoDB Local, which accepts any credentials.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { DynamoDBDocumentClient, QueryCommand, type QueryCommandInput, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { EVIDENCE_TABLE } from '../../../core/data-model/table.js';

export interface DynamoConfig {
  endpoint?: string;
  region: string;
}

export function dynamoConfig(env: NodeJS.ProcessEnv = process.env): DynamoConfig {
  return {
    endpoint: env.DYNAMODB_ENDPOINT || undefined,
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1',
  };
}

// Node 20 is what these machines run; the SDK's notice about its future Node 22 floor is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

export function createDynamoClient(config: DynamoConfig = dynamoConfig()): DynamoDBClient {
  return new DynamoDBClient({
    region: config.region,
    ...(config.endpoint ? { endpoint: config.endpoint, credentials: localCredentials } : {}),
    maxAttempts: 5,
  });
}

export function createStreamsClient(config: DynamoConfig = dynamoConfig()): DynamoDBStreamsClient {
  return new DynamoDBStreamsClient({
    region: config.region,
    ...(config.endpoint ? { endpoint: config.endpoint, credentials: localCredentials } : {}),
    maxAttempts: 5,
  });
}

export function createDocumentClient(config: DynamoConfig = dynamoConfig()): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(createDynamoClient(config), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: true },
    unmarshallOptions: { wrapNumbers: false },
  });
}

/** The physical table name: TABLE_NAME in Lambda and tests, the definition's default locally. */
export function tableName(env: NodeJS.ProcessEnv = process.env): string {
  return env.TABLE_NAME || EVIDENCE_TABLE.defaultName;
}

/** Every item a Query matches, following LastEvaluatedKey through all pages. */
export async function queryAll(
  doc: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'ExclusiveStartKey'>,
  /** Sees each page's whole response (e.g. to tally read calls, or to sum `Count` of a COUNT Query). */
  onPage?: (page: QueryCommandOutput) => void,
): Promise<NonNullable<QueryCommandOutput['Items']>> {
  const out: NonNullable<QueryCommandOutput['Items']> = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const r = await doc.send(new QueryCommand({ ...input, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }));
    onPage?.(r);
    out.push(...(r.Items ?? []));
    startKey = r.LastEvaluatedKey;
  } while (startKey);
  return out;
}

/**
 * One page of a Query: at most `limit` items from `startKey` on (DynamoDB's Limit and
 * ExclusiveStartKey), and the key to continue from (absent at the end). Reads only that page.
 */
export async function queryPage(
  doc: DynamoDBDocumentClient,
  input: Omit<QueryCommandInput, 'ExclusiveStartKey' | 'Limit'>,
  limit: number,
  startKey?: Record<string, unknown>,
): Promise<{ items: NonNullable<QueryCommandOutput['Items']>; lastKey?: Record<string, unknown> }> {
  const r = await doc.send(new QueryCommand({ ...input, Limit: limit, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }));
  return { items: r.Items ?? [], ...(r.LastEvaluatedKey ? { lastKey: r.LastEvaluatedKey } : {}) };
}
