/**
 * The publish handler against a fake CodeBuild service on a real HTTP server (AWS JSON 1.1
 * protocol, as the SDK speaks it): what it asks CodeBuild, and when it starts a build.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CodeBuildClient } from '@aws-sdk/client-codebuild';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { handlePublish, RECENT_BUILDS, type PublishDeps } from './handler.js';

interface Call {
  op: string;
  body: Record<string, unknown>;
}
interface FakeBuild {
  id: string;
  buildStatus: string;
  startTime?: number; // epoch seconds, as the wire format carries it
}

let server: Server;
let calls: Call[] = [];
let builds: FakeBuild[] = [];
let failStart = false;
let client: CodeBuildClient;

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      const op = String(req.headers['x-amz-target'] ?? '').replace('CodeBuild_20161006.', '');
      const body = JSON.parse(raw || '{}') as Record<string, unknown>;
      calls.push({ op, body });
      const send = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(payload));
      };
      if (op === 'ListBuildsForProject') return send(200, { ids: builds.map((b) => b.id) });
      if (op === 'BatchGetBuilds') {
        const ids = body.ids as string[];
        return send(200, { builds: builds.filter((b) => ids.includes(b.id)) });
      }
      if (op === 'StartBuild') {
        if (failStart) return send(400, { __type: 'AccountLimitExceededException', message: 'too many builds' });
        const id = `${String(body.projectName)}:new-${calls.length}`;
        return send(200, { build: { id, buildStatus: 'IN_PROGRESS' } });
      }
      send(400, { __type: 'InvalidInputException', message: `unexpected ${op}` });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  client = new CodeBuildClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  calls = [];
  builds = [];
  failStart = false;
});

const T0 = Date.parse('2026-03-01T10:00:00Z');
const record = (messageId: string, body: string, sentAt: number): SQSRecord =>
  ({ messageId, body, attributes: { SentTimestamp: String(sentAt) } }) as unknown as SQSRecord;
const event = (...records: SQSRecord[]): SQSEvent => ({ Records: records });

function deps(logs: Record<string, unknown>[]): PublishDeps {
  return { codebuild: client, projectName: 'site-build', log: (e) => logs.push(e) };
}

describe('handlePublish', () => {
  it('starts one build for a batch and logs the review ids that asked', async () => {
    const logs: Record<string, unknown>[] = [];
    const res = await handlePublish(
      deps(logs),
      event(record('m1', '{"reviewIds":["b"]}', T0), record('m2', '{"reviewIds":["a","b"]}', T0 + 1000)),
    );
    expect(res.batchItemFailures).toEqual([]);
    expect(calls.map((c) => c.op)).toEqual(['ListBuildsForProject', 'StartBuild']);
    expect(calls[0].body).toMatchObject({ projectName: 'site-build', sortOrder: 'DESCENDING' });
    expect(calls[1].body).toEqual({ projectName: 'site-build' });
    expect(logs).toContainEqual(expect.objectContaining({ msg: 'site build started', reviewIds: ['a', 'b'], messages: 2, buildId: 'site-build:new-2' }));
  });

  it('skips when a build that started after the newest message is still running', async () => {
    builds = [
      { id: 'site-build:late', buildStatus: 'IN_PROGRESS', startTime: (T0 + 60_000) / 1000 },
      { id: 'site-build:old', buildStatus: 'SUCCEEDED', startTime: (T0 - 600_000) / 1000 },
    ];
    const logs: Record<string, unknown>[] = [];
    await handlePublish(deps(logs), event(record('m1', '{"reviewIds":["a"]}', T0)));
    expect(calls.map((c) => c.op)).toEqual(['ListBuildsForProject', 'BatchGetBuilds']);
    expect(calls[1].body).toEqual({ ids: ['site-build:late', 'site-build:old'] });
    expect(logs).toContainEqual(expect.objectContaining({ msg: 'publish covered by a running build', coveredBy: 'site-build:late' }));
  });

  it('still starts a build when the running one started before the newest message', async () => {
    builds = [{ id: 'site-build:early', buildStatus: 'IN_PROGRESS', startTime: (T0 - 30_000) / 1000 }];
    await handlePublish(deps([]), event(record('m1', '{"reviewIds":["a"]}', T0)));
    expect(calls.map((c) => c.op)).toEqual(['ListBuildsForProject', 'BatchGetBuilds', 'StartBuild']);
  });

  it(`inspects only the ${RECENT_BUILDS} most recent builds`, async () => {
    builds = Array.from({ length: 25 }, (_, i) => ({ id: `site-build:${i}`, buildStatus: 'SUCCEEDED', startTime: T0 / 1000 - i }));
    await handlePublish(deps([]), event(record('m1', '{"reviewIds":["a"]}', T0)));
    expect((calls[1].body.ids as string[]).length).toBe(RECENT_BUILDS);
  });

  it('reports malformed messages as item failures, naming the field, and builds for the rest', async () => {
    const logs: Record<string, unknown>[] = [];
    const res = await handlePublish(
      deps(logs),
      event(record('bad', '{"reviewId":"a"}', T0), record('good', '{"reviewIds":["a"]}', T0)),
    );
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: 'bad' }]);
    expect(logs).toContainEqual(expect.objectContaining({ level: 'error', messageId: 'bad', error: expect.stringContaining('reviewIds') }));
    expect(calls.map((c) => c.op)).toContain('StartBuild');
  });

  it('starts nothing when every message is malformed', async () => {
    const res = await handlePublish(deps([]), event(record('bad', 'nope', T0)));
    expect(res.batchItemFailures).toEqual([{ itemIdentifier: 'bad' }]);
    expect(calls).toEqual([]);
  });

  it('fails the whole batch when CodeBuild refuses to start (SQS retries it)', async () => {
    failStart = true;
    await expect(handlePublish(deps([]), event(record('m1', '{"reviewIds":["a"]}', T0)))).rejects.toThrow(/too many builds/);
  });
});
