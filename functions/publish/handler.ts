/**
 * Lambda entry: a batch of publish requests from the SQS publish queue → at most one CodeBuild
 * site build (project BUILD_PROJECT_NAME, infra/constructs/site-build.ts). Thin: parsing and the
 * start/skip decision live in ./decide.ts.
 *  - malformed messages are reported as batch item failures (retried, then the DLQ, alarmed) and
 *    never start a build;
 *  - a StartBuild/ListBuilds error fails the whole batch (SQS retries it).
 */
import {
  BatchGetBuildsCommand,
  CodeBuildClient,
  ListBuildsForProjectCommand,
  StartBuildCommand,
} from '@aws-sdk/client-codebuild';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { decidePublish, parsePublishMessage, type BuildSummary, type PublishRequest } from './decide.js';

/** How many of the project's most recent builds are inspected. */
export const RECENT_BUILDS = 10;

export interface PublishDeps {
  codebuild: CodeBuildClient;
  projectName: string;
  log: (entry: Record<string, unknown>) => void;
}

export async function recentBuilds(client: CodeBuildClient, projectName: string): Promise<BuildSummary[]> {
  const listed = await client.send(new ListBuildsForProjectCommand({ projectName, sortOrder: 'DESCENDING' }));
  const ids = (listed.ids ?? []).slice(0, RECENT_BUILDS);
  if (ids.length === 0) return [];
  const got = await client.send(new BatchGetBuildsCommand({ ids }));
  return (got.builds ?? []).map((b) => ({
    id: b.id ?? '?',
    status: b.buildStatus ?? 'UNKNOWN',
    ...(b.startTime ? { startTime: b.startTime.getTime() } : {}),
  }));
}

export async function handlePublish(deps: PublishDeps, event: SQSEvent): Promise<SQSBatchResponse> {
  const requests: PublishRequest[] = [];
  const failures: string[] = [];
  for (const record of event.Records) {
    try {
      const { reviewIds } = parsePublishMessage(record.body);
      const sentAt = Number(record.attributes?.SentTimestamp);
      if (!Number.isFinite(sentAt)) throw new Error('attributes.SentTimestamp: missing or not a number');
      requests.push({ messageId: record.messageId, reviewIds, sentAt });
    } catch (err) {
      failures.push(record.messageId);
      deps.log({ level: 'error', msg: 'rejected publish message', messageId: record.messageId, error: (err as Error).message });
    }
  }
  const response: SQSBatchResponse = { batchItemFailures: failures.map((itemIdentifier) => ({ itemIdentifier })) };
  if (requests.length === 0) return response;

  const decision = decidePublish(requests, await recentBuilds(deps.codebuild, deps.projectName));
  const base = { project: deps.projectName, reviewIds: decision.reviewIds, messages: requests.length, reason: decision.reason };
  if (decision.action === 'skip') {
    deps.log({ level: 'info', msg: 'publish covered by a running build', coveredBy: decision.coveredBy, ...base });
    return response;
  }
  const started = await deps.codebuild.send(new StartBuildCommand({ projectName: deps.projectName }));
  deps.log({ level: 'info', msg: 'site build started', buildId: started.build?.id, ...base });
  return response;
}

let cached: PublishDeps | undefined;
function depsFromEnv(): PublishDeps {
  if (cached) return cached;
  const projectName = process.env.BUILD_PROJECT_NAME;
  if (!projectName) throw new Error('BUILD_PROJECT_NAME is not set');
  cached = { codebuild: new CodeBuildClient({}), projectName, log: (e) => console.log(JSON.stringify(e)) };
  return cached;
}

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => handlePublish(depsFromEnv(), event);
