/**
 * The whole CDK app, synthesised once without an AWS account and without bundling
 * (context aws:cdk:bundling-stacks = []), with cdk.json's feature flags and cdk-nag AwsSolutions.
 * Checks properties of the resources, not resource counts.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { Capture, Match } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Stack } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { SQSEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { AppFunction, REPO_ROOT } from '../../infra/constructs/lambda.js';
import { CURATION_SNAPSHOT_KEYS, IMPORT_WORKER_TIMEOUT } from '../../infra/stacks/curation-stack.js';
import { MAX_RECEIVES, processImportBatch } from '../../functions/import-worker/handler.js';
import type { ImportWorkerDeps } from '../../functions/import-worker/worker.js';
import { APP_METRICS, BOUNDED_DIMENSIONS, LOG_FIGURES, POLL_FETCHED_METRIC, pollServiceName, type MetricGroup } from '../../functions/app-metrics.js';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { observability } from '../../functions/observability.js';
import { recordPollFigures } from '../../functions/poll-common/handler.js';
import type { EnvContract } from '../../functions/env.js';
import { EVIDENCE_TABLE } from '../../core/data-model/table.js';
import { createApp, type LivingEvidenceApp } from '../../infra/create-app.js';
import { PUBLIC_ROUTES as APP_PUBLIC } from '../../functions/curation-api/access.js';
import { ALARM_THRESHOLDS } from '../../infra/stacks/operations-stack.js';
import { STREAM_FILTER_PATTERNS } from '../../core/analysis/stream-filter.js';
import { POLLER_NODE_FLAGS } from '../../functions/poll-common/node-flags.js';
import { asArray, policyStatements, renderCfnValue, reviewsDir, synthWithReport, templateOf, tempDir, type SynthResult } from './helpers.js';

const REVIEWS = {
  alpha: 'hourly',
  beta: 'daily',
  gamma: 'weekly',
  delta: 6,
} as const;
const EXPECTED_RATE: Record<string, string> = {
  alpha: 'rate(1 hour)',
  beta: 'rate(1 day)',
  gamma: 'rate(7 days)',
  delta: 'rate(6 hours)',
};

let built: LivingEvidenceApp;
let result: SynthResult;
let assembly: CloudAssembly;
const t: Record<string, Template> = {};

beforeAll(() => {
  built = createApp({
    bundle: false,
    loadCdkJson: true,
    reviewsDir: reviewsDir(REVIEWS),
    outdir: tempDir('infra-app-'),
    context: { alarmEmail: 'ops@example.org', dashboard: 'true' },
  });
  result = synthWithReport(built.app);
  if (!result.assembly) throw new Error(`synth failed: ${result.error}`);
  assembly = result.assembly;
  for (const s of ['Data', 'Curation', 'Site', 'Analysis', 'Ingest', 'Operations']) {
    t[s] = templateOf(assembly, `LivingEvidence-prod-${s}`);
  }
}, 600_000);

type Res = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string };
const resources = (tpl: Template, type: string) => Object.entries(tpl.findResources(type)) as [string, Res][];
const alarmsOf = () => resources(t.Operations, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);

describe('cdk-nag', () => {
  it('AwsSolutions reports zero errors (and zero unacknowledged warnings)', () => {
    expect(result.error).toBeUndefined();
    expect(result.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(result.findings).toEqual([]);
  });
});

describe('Data stack', () => {
  it('is termination-protected', () => {
    expect(built.data.terminationProtection).toBe(true);
    expect(assembly.getStackByName('LivingEvidence-prod-Data').terminationProtection).toBe(true);
  });

  it('builds the table from core/data-model/table.ts with PITR, stream, TTL, deletion protection and encryption', () => {
    const [[, table]] = resources(t.Data, 'AWS::DynamoDB::Table');
    const p = table.Properties;
    expect(table.DeletionPolicy).toBe('Retain');
    expect(p.BillingMode).toBe('PAY_PER_REQUEST');
    expect(p.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(p.StreamSpecification).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
    expect(p.TimeToLiveSpecification).toEqual({ AttributeName: EVIDENCE_TABLE.timeToLiveAttribute, Enabled: true });
    expect(p.DeletionProtectionEnabled).toBe(true);
    expect(p.SSESpecification).toMatchObject({ SSEEnabled: true });
    expect(p.KeySchema).toEqual([
      { AttributeName: EVIDENCE_TABLE.partitionKey.name, KeyType: 'HASH' },
      { AttributeName: EVIDENCE_TABLE.sortKey.name, KeyType: 'RANGE' },
    ]);
    const gsis = p.GlobalSecondaryIndexes as { IndexName: string; KeySchema: unknown; Projection: unknown }[];
    for (const def of EVIDENCE_TABLE.globalSecondaryIndexes) {
      const gsi = gsis.find((g) => g.IndexName === def.indexName);
      expect(gsi, def.indexName).toBeDefined();
      expect(gsi!.KeySchema).toEqual([
        { AttributeName: def.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: def.sortKey.name, KeyType: 'RANGE' },
      ]);
      expect(gsi!.Projection).toEqual({ ProjectionType: def.projection });
    }
    // Issue 14: no index copies whole items it is never read for. GSI2 (a study's reviews) is read
    // for its keys only; projecting ALL would copy every draft and double each save's write cost.
    expect(gsis.find((g) => g.IndexName === 'gsi2')!.Projection).toEqual({ ProjectionType: 'KEYS_ONLY' });
  });

  it('keeps snapshots in a versioned, encrypted, private, logged bucket that expires old versions', () => {
    const snap = resources(t.Data, 'AWS::S3::Bucket').find(([id]) => id.startsWith('Snapshots'));
    expect(snap).toBeDefined();
    const p = snap![1].Properties;
    expect(snap![1].DeletionPolicy).toBe('Retain');
    expect(p.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(p.LoggingConfiguration.DestinationBucketName).toEqual({ Ref: expect.stringMatching(/^AccessLogs/) });
    const rules = p.LifecycleConfiguration.Rules as Record<string, unknown>[];
    expect(rules.some((r) => r.Status === 'Enabled' && r.NoncurrentVersionExpiration)).toBe(true);
  });
});

describe('every bucket', () => {
  it('is encrypted, blocks all public access and its policy denies non-TLS requests', () => {
    for (const [stack, tpl] of Object.entries(t)) {
      for (const [id, bucket] of resources(tpl, 'AWS::S3::Bucket')) {
        expect(bucket.Properties.PublicAccessBlockConfiguration, `${stack}/${id}`).toEqual({
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        });
        expect(bucket.Properties.BucketEncryption, `${stack}/${id}`).toBeDefined();
        const policy = resources(tpl, 'AWS::S3::BucketPolicy').find(([, p]) => p.Properties.Bucket?.Ref === id);
        expect(policy, `${stack}/${id} has a bucket policy`).toBeDefined();
        const statements = policy![1].Properties.PolicyDocument.Statement as Record<string, any>[];
        expect(
          statements.some((s) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false'),
          `${stack}/${id} denies plain HTTP`,
        ).toBe(true);
        for (const s of statements.filter((x) => x.Effect === 'Allow')) {
          expect(s.Principal, `${stack}/${id}: no anonymous Allow`).not.toBe('*');
          expect(s.Principal?.AWS, `${stack}/${id}: no anonymous Allow`).not.toBe('*');
        }
      }
    }
  });
});

describe('Ingest stack', () => {
  const fnId = (tpl: Template, prefix: string) => {
    const found = resources(tpl, 'AWS::Lambda::Function').find(([id]) => id.startsWith(`${prefix}Function`));
    if (!found) throw new Error(`no function ${prefix}`);
    return found;
  };

  it("runs every poller with the pollers' Node flags (functions/poll-common/node-flags.ts) and source maps", () => {
    for (const prefix of ['PollPubmed', 'PollCtgov', 'PollEuropepmc', 'PollIsrctn']) {
      const [, fn] = fnId(t.Ingest, prefix);
      const opts = String(fn.Properties.Environment.Variables.NODE_OPTIONS).split(' ');
      expect(opts, prefix).toEqual(expect.arrayContaining(['--enable-source-maps', ...POLLER_NODE_FLAGS]));
    }
  });

  it('runs one poller per source with reserved concurrency 1 and a dead-letter queue', () => {
    for (const prefix of ['PollPubmed', 'PollCtgov', 'PollEuropepmc', 'PollIsrctn']) {
      const [, fn] = fnId(t.Ingest, prefix);
      expect(fn.Properties.ReservedConcurrentExecutions).toBe(1);
      expect(fn.Properties.DeadLetterConfig.TargetArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(new RegExp(`^${prefix}Dlq`)), 'Arn'] });
      expect(fn.Properties.Runtime).toBe('nodejs24.x');
    }
  });

  it('schedules every review for every source at the review cadence, targeting the right function', () => {
    const schedules = resources(t.Ingest, 'AWS::Scheduler::Schedule');
    for (const [prefix, source] of [['PollPubmed', 'pubmed'], ['PollCtgov', 'ctgov'], ['PollEuropepmc', 'europepmc'], ['PollIsrctn', 'isrctn']] as const) {
      const [fnLogicalId] = fnId(t.Ingest, prefix);
      for (const reviewId of Object.keys(REVIEWS)) {
        const match = schedules.filter(([, s]) => {
          const input = JSON.parse(s.Properties.Target.Input as string);
          return input.reviewId === reviewId && input.source === source;
        });
        expect(match, `${source}/${reviewId}`).toHaveLength(1);
        const p = match[0][1].Properties;
        expect(p.ScheduleExpression).toBe(EXPECTED_RATE[reviewId]);
        expect(p.State ?? 'ENABLED').toBe('ENABLED');
        expect(p.Target.Arn).toEqual({ 'Fn::GetAtt': [fnLogicalId, 'Arn'] });
        expect(p.Target.DeadLetterConfig.Arn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(new RegExp(`^${prefix}Dlq`)), 'Arn'] });
        expect(p.Target.RetryPolicy).toMatchObject({ MaximumRetryAttempts: 3 });
      }
    }
  });

  it('lets the scheduler invoke exactly the poller functions, nothing else', () => {
    const roles = resources(t.Ingest, 'AWS::IAM::Role').filter(([, r]) =>
      JSON.stringify(r.Properties.AssumeRolePolicyDocument).includes('scheduler.amazonaws.com'),
    );
    expect(roles.length).toBeGreaterThan(0);
    const roleIds = new Set(roles.map(([id]) => id));
    const statements = resources(t.Ingest, 'AWS::IAM::Policy')
      .filter(([, p]) => (p.Properties.Roles as { Ref: string }[]).some((r) => roleIds.has(r.Ref)))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Record<string, any>[]);
    for (const s of statements) {
      const actions = asArray(s.Action as string[]);
      if (actions.includes('lambda:InvokeFunction')) {
        expect(actions).toEqual(['lambda:InvokeFunction']);
        expect(s.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Poll(Pubmed|Ctgov|Europepmc|Isrctn)Function/), 'Arn'] });
      } else {
        expect(actions).toEqual(['sqs:SendMessage']);
      }
    }
  });

  it('passes the NCBI secret ARN (not its value) to the PubMed poller and lets only it read the secret', () => {
    const [, pubmed] = fnId(t.Ingest, 'PollPubmed');
    const env = pubmed.Properties.Environment.Variables;
    expect(env.NCBI_SECRET_ARN).toEqual({ 'Fn::ImportValue': expect.stringMatching(/NcbiApiKey/) });
    expect(env.NCBI_API_KEY).toBeUndefined();
    const secretReads = policyStatements(t.Ingest).filter((p) =>
      asArray(p.statement.Action as string[]).includes('secretsmanager:GetSecretValue'),
    );
    expect(secretReads).toHaveLength(1);
    expect(secretReads[0].policy).toMatch(/^PollPubmed/);
    expect(secretReads[0].statement.Resource).toEqual(env.NCBI_SECRET_ARN);
  });
});

describe('Curation stack', () => {
  const PUBLIC = APP_PUBLIC.map((r) => `${r.method} ${r.path}`);

  it('has a Lambda REQUEST authorizer on every route that is not on the app\'s one public list; public ones have none', () => {
    const routes = resources(t.Curation, 'AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties);
    const [[authorizerId, authorizer]] = resources(t.Curation, 'AWS::ApiGatewayV2::Authorizer');
    expect(authorizer.Properties).toMatchObject({ AuthorizerType: 'REQUEST', EnableSimpleResponses: true, AuthorizerPayloadFormatVersion: '2.0', AuthorizerResultTtlInSeconds: 0 });
    expect(JSON.stringify(authorizer.Properties.AuthorizerUri)).toMatch(/AuthorizerFunction/);
    expect(routes.map((r) => r.RouteKey).sort()).toEqual([...PUBLIC, 'ANY /api/{proxy+}', 'GET /curate', 'ANY /curate/{proxy+}'].sort());
    for (const r of routes) {
      if (PUBLIC.includes(r.RouteKey)) expect(r.AuthorizationType, r.RouteKey).toBe('NONE');
      else {
        expect(r.AuthorizationType, r.RouteKey).toBe('CUSTOM');
        expect(r.AuthorizerId, r.RouteKey).toEqual({ Ref: authorizerId });
      }
    }
    expect(routes.filter((r) => r.AuthorizationType === 'CUSTOM').length).toBe(3);
    // Every route reaches the one curation Lambda.
    const target = new Capture();
    t.Curation.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: 'GET /curate', Target: target });
    for (const r of routes) expect(r.Target, r.RouteKey).toEqual(target.asObject());
  });

  it('the authorizer function verifies against the pool and client, and may be invoked by this API only', () => {
    t.Curation.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ COGNITO_CLIENT_ID: { Ref: Match.stringLikeRegexp('CurationUi') }, COGNITO_ISSUER: Match.anyValue() }) },
      Handler: 'index.handler',
      Description: Match.stringLikeRegexp('REQUEST authorizer'),
    });
    const perms = resources(t.Curation, 'AWS::Lambda::Permission').filter(([, p]) => JSON.stringify(p.Properties.FunctionName).includes('AuthorizerFunction'));
    expect(perms).toHaveLength(1);
    expect(perms[0][1].Properties.Principal).toBe('apigateway.amazonaws.com');
    expect(JSON.stringify(perms[0][1].Properties.SourceArn)).toMatch(/authorizers\//);
  });

  it('signs curators in through the hosted UI: Cognito domain, code grant client, callback on the API endpoint, all passed to the Lambda', () => {
    const domainRef = new Capture();
    t.Curation.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
      // Default prefix: <stack name>-<account>, lowercased.
      Domain: { 'Fn::Join': ['', ['livingevidence-prod-curation-', { Ref: 'AWS::AccountId' }]] },
      UserPoolId: { Ref: Match.stringLikeRegexp('^Curators') },
      ManagedLoginVersion: 1,
    });
    const callback = new Capture();
    const logout = new Capture();
    t.Curation.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      ClientName: 'curation-ui',
      GenerateSecret: false,
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthScopes: Match.arrayEquals(['openid', 'email', 'profile']),
      SupportedIdentityProviders: ['COGNITO'],
      CallbackURLs: [callback],
      LogoutURLs: [logout],
    });
    // <HttpApi.ApiEndpoint = https://<api id>.execute-api.<region>.<suffix>>/curate/callback
    const [[apiId]] = resources(t.Curation, 'AWS::ApiGatewayV2::Api');
    const endpoint = { 'Fn::GetAtt': [apiId, 'ApiEndpoint'] };
    expect(callback.asObject()).toEqual({ 'Fn::Join': ['', [endpoint, '/curate/callback']] });
    expect(logout.asObject()).toEqual({ 'Fn::Join': ['', [endpoint, '/curate/signin']] });
    // The Lambda gets exactly the registered URLs (the token endpoint compares redirect_uri).
    t.Curation.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          COGNITO_CLIENT_ID: { Ref: Match.stringLikeRegexp('CurationUi') },
          COGNITO_DOMAIN: { 'Fn::Join': ['', ['https://', { Ref: domainRef }, '.auth.', { Ref: 'AWS::Region' }, '.amazoncognito.com']] },
          OAUTH_REDIRECT_URI: callback.asObject(),
          OAUTH_LOGOUT_URI: logout.asObject(),
        }),
      },
    });
    expect(Object.keys(t.Curation.findResources('AWS::Cognito::UserPoolDomain'))).toEqual([domainRef.asString()]);
  });

  it('has the curators and leads groups, admin-only sign-up, MFA (TOTP, no SMS), threat protection and a strong password policy', () => {
    const groups = resources(t.Curation, 'AWS::Cognito::UserPoolGroup').map(([, g]) => g.Properties.GroupName);
    expect(groups.sort()).toEqual(['curators', 'leads']);
    const [[, pool]] = resources(t.Curation, 'AWS::Cognito::UserPool');
    expect(pool.Properties.UserPoolAddOns).toEqual({ AdvancedSecurityMode: 'ENFORCED' });
    expect(pool.Properties.UserPoolTier).toBe('PLUS');
    expect(pool.Properties.EnabledMfas).toEqual(['SOFTWARE_TOKEN_MFA']);
    t.Curation.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
      Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 12, RequireSymbols: true }) },
      DeletionProtection: 'ACTIVE',
    });
  });

  it('throttles the stage and writes JSON access logs', () => {
    const [[, stage]] = resources(t.Curation, 'AWS::ApiGatewayV2::Stage');
    expect(stage.Properties.DefaultRouteSettings).toMatchObject({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 });
    expect(stage.Properties.AccessLogSettings.DestinationArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^ApiAccessLogs/), 'Arn'] });
    const format = JSON.parse(stage.Properties.AccessLogSettings.Format as string);
    expect(format).toMatchObject({ requestId: '$context.requestId', status: '$context.status' });
  });
});

describe('Analysis stack', () => {
  it('consumes the table stream with batching, bisect on error, a retry limit and an SQS on-failure destination', () => {
    const esm = resources(t.Analysis, 'AWS::Lambda::EventSourceMapping').find(([, e]) =>
      JSON.stringify(e.Properties.EventSourceArn).includes('StreamArn'),
    );
    expect(esm).toBeDefined();
    const p = esm![1].Properties;
    expect(p.FunctionName).toEqual({ Ref: expect.stringMatching(/^ReanalyseFunction/) });
    expect(p.BisectBatchOnFunctionError).toBe(true);
    expect(p.MaximumRetryAttempts).toBe(3);
    expect(p.BatchSize).toBe(100);
    expect(p.StartingPosition).toBe('LATEST');
    expect(p.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    expect(p.DestinationConfig.OnFailure.Destination).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^StreamFailures/), 'Arn'] });
  });

  it('filters the stream to analysis-input changes (the patterns of core/analysis/stream-filter) with a 2-s window', () => {
    const esm = resources(t.Analysis, 'AWS::Lambda::EventSourceMapping').find(([, e]) => JSON.stringify(e.Properties.EventSourceArn).includes('StreamArn'))!;
    expect(esm[1].Properties.MaximumBatchingWindowInSeconds).toBe(2);
    const patterns = (esm[1].Properties.FilterCriteria.Filters as { Pattern: string }[]).map((f) => JSON.parse(f.Pattern));
    expect(patterns).toEqual(STREAM_FILTER_PATTERNS);
    expect(JSON.stringify(patterns)).toContain('"status":{"S":["accepted"]}');
  });

  it('reanalyse has exactly stream reads, Query on the table, S3 Get/Put/List on snapshots/ and SendMessage to the publish queue', () => {
    const mine = policyStatements(t.Analysis).filter((p) => p.policy.startsWith('ReanalyseRole'));
    const actions = [...new Set(mine.flatMap((p) => asArray(p.statement.Action as string[])))].sort();
    expect(actions).toEqual(
      ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams', 'dynamodb:Query', 'logs:CreateLogStream', 'logs:PutLogEvents', 's3:GetObject', 's3:ListBucket', 's3:PutObject', 'sqs:SendMessage',
        // The stream's on-failure destination (the event source mapping sends failed-batch records with this role).
        'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'].sort(),
    );
    for (const p of mine) {
      const a = asArray(p.statement.Action as string[]);
      if (a.includes('s3:PutObject')) expect(JSON.stringify(p.statement.Resource)).toMatch(/\/snapshots\/\*"/);
      expect(a.some((x) => /Delete|BatchWrite|PutItem|UpdateItem|Scan/.test(x)), JSON.stringify(a)).toBe(false);
    }
  });

  it('publishes through a FIFO queue (one build at a time) into the site-build function, with partial batch failures and a DLQ', () => {
    const [[queueId, queue]] = resources(t.Analysis, 'AWS::SQS::Queue').filter(([id]) => id.startsWith('PublishQueue'));
    expect(queue.Properties.FifoQueue).toBe(true);
    expect(queue.Properties.DelaySeconds).toBeUndefined();
    expect(queue.Properties.RedrivePolicy).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': [expect.stringMatching(/^PublishDlq/), 'Arn'] }, maxReceiveCount: 5 });
    const [publishId, publish] = resources(t.Analysis, 'AWS::Lambda::Function').find(([id]) => id.startsWith('Publish'))!;
    expect(queue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * publish.Properties.Timeout);
    expect(publish.Properties).toMatchObject({ Handler: 'functions/publish/handler.handler', Runtime: 'nodejs24.x', Architectures: ['x86_64'], ReservedConcurrentExecutions: 1, MemorySize: 3008 });
    expect(publish.Properties.Environment.Variables).toMatchObject({ HOME: '/tmp', SITE_URL: expect.anything(), SNAPSHOT_BUCKET: expect.anything(), SITE_BUCKET: expect.anything() });
    const esm = resources(t.Analysis, 'AWS::Lambda::EventSourceMapping').find(([, e]) => JSON.stringify(e.Properties.EventSourceArn) === JSON.stringify({ 'Fn::GetAtt': [queueId, 'Arn'] }));
    expect(esm![1].Properties).toMatchObject({ FunctionName: { Ref: publishId }, BatchSize: 10, FunctionResponseTypes: ['ReportBatchItemFailures'] });
    // No CodeBuild anywhere.
    expect(resources(t.Analysis, 'AWS::CodeBuild::Project')).toEqual([]);
  });

  it('the site build may list and read snapshots/, and list, put and delete in the site bucket — nothing else', () => {
    const mine = policyStatements(t.Analysis).filter((p) => p.policy.startsWith('PublishRole'));
    const actions = mine.flatMap((p) => asArray(p.statement.Action as string[])).sort();
    expect([...new Set(actions)]).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents', 's3:DeleteObject', 's3:GetObject', 's3:ListBucket', 's3:PutObject', 'sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'].sort());
    for (const p of mine) {
      const a = asArray(p.statement.Action as string[]);
      const res = JSON.stringify(p.statement.Resource);
      if (a.includes('s3:GetObject')) expect(res).toMatch(/snapshots-.*\/snapshots\/\*"/);
      if (a.includes('s3:DeleteObject')) expect(res).toMatch(/-site-/);
    }
  });

  it('refreshes the curation counts hourly by invoking reanalyse with {"refresh":"counts"}', () => {
    const [[, schedule]] = resources(t.Analysis, 'AWS::Scheduler::Schedule');
    expect(schedule.Properties.ScheduleExpression).toBe('rate(1 hour)');
    expect(JSON.parse(schedule.Properties.Target.Input)).toEqual({ refresh: 'counts' });
  });
});

describe('Site stack', () => {
  const distribution = () => resources(t.Site, 'AWS::CloudFront::Distribution')[0][1].Properties.DistributionConfig;

  it('reads the bucket through origin access control (no OAI, no public bucket)', () => {
    const [[oacId, oac]] = resources(t.Site, 'AWS::CloudFront::OriginAccessControl');
    expect(oac.Properties.OriginAccessControlConfig).toMatchObject({
      OriginAccessControlOriginType: 's3',
      SigningBehavior: 'always',
      SigningProtocol: 'sigv4',
    });
    expect(resources(t.Site, 'AWS::CloudFront::CloudFrontOriginAccessIdentity')).toEqual([]);
    const s3Origins = (distribution().Origins as Record<string, any>[]).filter((o) => o.S3OriginConfig);
    expect(s3Origins.length).toBeGreaterThan(0);
    for (const o of s3Origins) {
      expect(o.OriginAccessControlId).toEqual({ 'Fn::GetAtt': [oacId, 'Id'] });
      expect(o.S3OriginConfig.OriginAccessIdentity ?? '').toBe('');
    }
    const sitePolicy = resources(t.Site, 'AWS::S3::BucketPolicy').find(([, p]) => String(p.Properties.Bucket.Ref).startsWith('SiteBucket'))!;
    for (const s of (sitePolicy[1].Properties.PolicyDocument.Statement as Record<string, any>[]).filter((x) => x.Effect === 'Allow')) {
      // Besides CloudFront: only CDK's autoDeleteObjects provider, which empties the bucket on destroy.
      if (JSON.stringify(s.Principal).includes('CustomS3AutoDeleteObjects')) {
        expect([...asArray(s.Action as string[])].sort()).toEqual(['s3:DeleteObject*', 's3:GetBucket*', 's3:List*', 's3:PutBucketPolicy'].sort());
        continue;
      }
      expect(s.Principal).toEqual({ Service: 'cloudfront.amazonaws.com' });
      expect(s.Condition.StringEquals['AWS:SourceArn']).toBeDefined();
    }
  });

  it('sends CSP, HSTS, frame and content-type options on every behaviour, compressed, HTTPS only', () => {
    const [[policyId, policy]] = resources(t.Site, 'AWS::CloudFront::ResponseHeadersPolicy');
    const sec = policy.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig;
    const csp = JSON.stringify(sec.ContentSecurityPolicy.ContentSecurityPolicy);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(sec.StrictTransportSecurity.AccessControlMaxAgeSec).toBeGreaterThanOrEqual(31_536_000);
    expect(sec.StrictTransportSecurity.IncludeSubdomains).toBe(true);
    expect(sec.FrameOptions.FrameOption).toBe('DENY');
    expect(sec.ContentTypeOptions.Override).toBe(true);
    const d = distribution();
    for (const b of [d.DefaultCacheBehavior, ...d.CacheBehaviors]) {
      expect(b.ResponseHeadersPolicyId, b.PathPattern ?? 'default').toEqual({ Ref: policyId });
      expect(b.Compress, b.PathPattern ?? 'default').toBe(true);
      expect(['redirect-to-https', 'https-only']).toContain(b.ViewerProtocolPolicy);
    }
    expect(d.Logging.Bucket).toBeDefined();
  });

  it('serves the feed and the downloads through the content-type function, /api/* uncached', () => {
    const d = distribution();
    const byPath = Object.fromEntries((d.CacheBehaviors as Record<string, any>[]).map((b) => [b.PathPattern, b]));
    for (const path of ['/feed.xml', '/data/*', '*.csv']) {
      expect(byPath[path], path).toBeDefined();
      expect(byPath[path].FunctionAssociations).toEqual([
        { EventType: 'viewer-response', FunctionARN: { 'Fn::GetAtt': [expect.stringMatching(/^DownloadContentTypes/), 'FunctionARN'] } },
      ]);
    }
    expect(byPath['/api/*'].CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad'); // Managed-CachingDisabled
    expect(byPath['/api/*'].AllowedMethods).toContain('POST');
  });

  it('without a custom domain, does not route /curate (the curator UI lives at the API endpoint, where the Cognito callback points)', () => {
    const paths = (distribution().CacheBehaviors as Record<string, any>[]).map((b) => b.PathPattern as string);
    expect(paths).toContain('/api/*');
    expect(paths.filter((p) => p.startsWith('/curate'))).toEqual([]);
  });

  describe('the deployed CloudFront Function code', () => {
    const code = (prefix: string) => {
      const [, fn] = resources(t.Site, 'AWS::CloudFront::Function').find(([id]) => id.startsWith(prefix))!;
      expect(fn.Properties.FunctionConfig.Runtime).toBe('cloudfront-js-2.0');
      // eslint-disable-next-line @typescript-eslint/no-implied-eval
      return new Function(`${fn.Properties.FunctionCode as string}\nreturn handler;`)() as (e: unknown) => any;
    };

    it('sets the content type of the feed, JSON and CSV downloads', () => {
      const handler = code('DownloadContentTypes');
      const run = (uri: string, statusCode = 200) =>
        handler({ request: { uri }, response: { statusCode, headers: { 'content-type': { value: 'binary/octet-stream' } } } });
      expect(run('/feed.xml').headers['content-type'].value).toBe('application/atom+xml; charset=utf-8');
      expect(run('/data/selfguided-depression.json').headers['content-type'].value).toBe('application/json; charset=utf-8');
      const csv = run('/data/studies.CSV');
      expect(csv.headers['content-type'].value).toBe('text/csv; charset=utf-8');
      expect(csv.headers['content-disposition'].value).toBe('attachment; filename="studies.CSV"');
      expect(run('/data/missing.json', 404).headers['content-type'].value).toBe('binary/octet-stream');
    });

    it('rewrites directory URLs to index.html', () => {
      const handler = code('IndexRewrite');
      const uri = (u: string) => handler({ request: { uri: u } }).uri;
      expect(uri('/')).toBe('/index.html');
      expect(uri('/reviews/x/')).toBe('/reviews/x/index.html');
      expect(uri('/reviews/x')).toBe('/reviews/x/index.html');
      expect(uri('/assets/app.3f2a.js')).toBe('/assets/app.3f2a.js');
      expect(uri('/v1.2/page')).toBe('/v1.2/page/index.html');
    });
  });
});

describe('Operations stack', () => {
  const alarms = () => resources(t.Operations, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);

  it('sends every alarm to the SNS topic', () => {
    const [[topicId]] = resources(t.Operations, 'AWS::SNS::Topic');
    expect(alarms().length).toBeGreaterThan(0);
    for (const a of alarms()) {
      expect(a.AlarmActions, a.AlarmDescription).toEqual([{ Ref: topicId }]);
    }
    t.Operations.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.org' });
  });

  it('alarms on the errors of every function', () => {
    const errorTargets = alarms()
      .filter((a) => a.MetricName === 'Errors' && a.Namespace === 'AWS/Lambda')
      .map((a) => JSON.stringify(a.Dimensions));
    const fns = ['PollPubmedFunction', 'PollCtgovFunction', 'PollEuropepmcFunction', 'PollIsrctnFunction', 'CurationApiFunction', 'AuthorizerFunction', 'ImportWorkerFunction', 'ReanalyseFunction', 'Publish'];
    for (const fn of fns) expect(errorTargets.some((d) => d.includes(fn)), fn).toBe(true);
    // One per function of the app, nothing missing: 9 functions.
    expect(errorTargets).toHaveLength(fns.length);
    const deployed = Object.values(t).flatMap((tpl) => resources(tpl, 'AWS::Lambda::Function').filter(([id]) => !id.startsWith('Custom')));
    expect(deployed).toHaveLength(fns.length);
  });

  const alarm = (pred: (a: Record<string, any>) => boolean, what: string) => {
    const found = alarms().filter(pred);
    expect(found, what).toHaveLength(1);
    return found[0];
  };

  it('alarms on a stale site (a publish request older than 10 min), stream iterator age, throttles and table throttles, at the set thresholds', () => {
    const stale = alarm((a) => a.MetricName === 'ApproximateAgeOfOldestMessage', 'stale site');
    expect(stale).toMatchObject({ Threshold: 600, ComparisonOperator: 'GreaterThanThreshold', Statistic: 'Maximum' });
    expect(JSON.stringify(stale.Dimensions)).toMatch(/PublishQueue/);
    const age = alarm((a) => a.MetricName === 'IteratorAge', 'iterator age');
    expect(age).toMatchObject({ Threshold: 300_000, Namespace: 'AWS/Lambda' });
    expect(JSON.stringify(age.Dimensions)).toMatch(/ReanalyseFunction/);
    const throttles = alarms().filter((a) => a.MetricName === 'Throttles');
    // One per function where a throttle is a fault: the API, the authorizer, the import worker,
    // reanalyse, publish. Not the pollers: asynchronous invocations of a reserved concurrency of 1,
    // which Lambda retries (a daily false alarm otherwise).
    const throttled = throttles.map((a) => JSON.stringify(a.Dimensions));
    for (const fn of ['CurationApiFunction', 'AuthorizerFunction', 'ImportWorkerFunction', 'ReanalyseFunction', 'Publish']) expect(throttled.some((d) => d.includes(fn)), fn).toBe(true);
    expect(throttled.filter((d) => d.includes('Poll'))).toEqual([]);
    expect(throttles).toHaveLength(5);
    for (const a of throttles) expect(a).toMatchObject({ Threshold: 1, Period: 300, Statistic: 'Sum', ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    // DynamoDB: the two table-level throttle metrics (2 alarm metrics, not one per operation).
    const table = alarm((a) => JSON.stringify(a.Metrics ?? []).includes('ThrottleEvents'), 'table throttles');
    expect(table).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    const tableMetrics = (table.Metrics as Record<string, any>[]).filter((m) => m.MetricStat).map((m) => m.MetricStat.Metric);
    expect(tableMetrics.map((m) => m.MetricName).sort()).toEqual(['ReadThrottleEvents', 'WriteThrottleEvents']);
    for (const m of tableMetrics) expect(JSON.stringify(m.Dimensions)).toMatch(/EvidenceTable/);
    expect(ALARM_THRESHOLDS).toMatchObject({ api5xxPer5Min: 5, staleSiteSeconds: 600, iteratorAgeMs: 300_000, budgetUsd: 15 });
  });

  it('alarms when a poller fetched nothing for 2 × its cadence (app metric per source, missing data breaches)', () => {
    const nothing = alarms().filter((a) => a.MetricName === 'Fetched');
    expect(nothing.map((a) => a.Dimensions.find((d: { Name: string }) => d.Name === 'source').Value).sort()).toEqual(built.ingest.pollers.map((p) => p.source).sort());
    for (const a of nothing) expect(a).toMatchObject({ Namespace: 'LivingEvidence/prod', Threshold: 1, ComparisonOperator: 'LessThanThreshold', TreatMissingData: 'breaching', Period: 7200, Statistic: 'Sum' });
  });

  it('has a $15 monthly budget notifying the alarm topic, which budgets may publish to', () => {
    const [[topicId]] = resources(t.Operations, 'AWS::SNS::Topic');
    const [[, budget]] = resources(t.Operations, 'AWS::Budgets::Budget');
    expect(budget.Properties.Budget).toMatchObject({ BudgetType: 'COST', TimeUnit: 'MONTHLY', BudgetLimit: { Amount: 15, Unit: 'USD' } });
    for (const n of budget.Properties.NotificationsWithSubscribers) expect(n.Subscribers).toEqual([{ SubscriptionType: 'SNS', Address: { Ref: topicId } }]);
    expect(JSON.stringify(t.Operations.findResources('AWS::SNS::TopicPolicy'))).toContain('budgets.amazonaws.com');
  });

  it('alarms on the depth of every dead-letter queue', () => {
    const depth = alarms()
      .filter((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible')
      .map((a) => JSON.stringify(a.Dimensions));
    const queues = ['PollPubmedDlq', 'PollCtgovDlq', 'PollEuropepmcDlq', 'PollIsrctnDlq', 'ImportDlq', 'StreamFailures', 'PublishDlq'];
    for (const q of queues) expect(depth.some((d) => d.includes(q)), q).toBe(true);
    expect(depth).toHaveLength(queues.length);
  });

  it('reads 30 alarm metrics in all (the cost in docs/deploy.md: $0.10 each), every one an AWS metric except Fetched per source', () => {
    const metricsRead = (a: Record<string, any>) => (a.Metrics ? (a.Metrics as Record<string, any>[]).filter((m) => m.MetricStat).length : 1);
    const all = alarms();
    // errors 9 + throttles 5 + DLQ depth 7 + stale site, iterator age, API 5xx 3 + table throttles 2 + fetched nothing 4.
    expect(all.reduce((n, a) => n + metricsRead(a), 0)).toBe(30);
    const namespaces = all.flatMap((a) => (a.Metrics ? (a.Metrics as Record<string, any>[]).filter((m) => m.MetricStat).map((m) => m.MetricStat.Metric.Namespace) : [a.Namespace]));
    expect(namespaces.filter((n) => !String(n).startsWith('AWS/'))).toEqual(built.ingest.pollers.map(() => 'LivingEvidence/prod'));
  });

  it('alarms on API 5xx; the dashboard (asked for here with -c dashboard=true) reads the publish figures from the logs', () => {
    const api = alarm((a) => a.Namespace === 'AWS/ApiGateway' && a.MetricName === '5xx', 'API 5xx');
    expect(api).toMatchObject({ Threshold: 5, EvaluationPeriods: 1, Period: 300 });
    const dashboards = resources(t.Operations, 'AWS::CloudWatch::Dashboard');
    expect(dashboards).toHaveLength(1);
    const body = JSON.stringify(dashboards[0][1].Properties.DashboardBody);
    expect(body).toContain(LOG_FIGURES.publish.message);
    expect(body).toContain('pct(latencyMs, 95)');
  });

  it('saves a Logs Insights query for each kind of logged figure, over the log groups that carry it', () => {
    const queries = resources(t.Operations, 'AWS::Logs::QueryDefinition').map(([, q]) => q.Properties);
    const byMessage = (m: string) => queries.filter((q) => (q.QueryString as string).includes(`message = "${m}"`));
    const poll = byMessage(LOG_FIGURES.poll.message);
    expect(poll).toHaveLength(1);
    expect(poll[0].LogGroupNames).toHaveLength(built.ingest.pollers.length);
    for (const f of ['fetched', 'new', 'quarantined', 'failedPolls']) expect(poll[0].QueryString).toContain(`sum(${f})`);
    const publish = byMessage(LOG_FIGURES.publish.message);
    expect(publish).toHaveLength(1);
    expect(publish[0].QueryString).toContain('pct(latencyMs, 95)');
    expect(JSON.stringify(publish[0].LogGroupNames)).toMatch(/PublishLogs/);
    expect(byMessage(LOG_FIGURES.reanalysis.message)).toHaveLength(1);
  });
});

describe('IAM across the app', () => {
  it('never grants service:* actions, and Resource "*" only where no resource-level permission exists', () => {
    const allowedStar = new Set(['dynamodb:ListStreams']);
    for (const [stack, tpl] of Object.entries(t)) {
      for (const { policy, statement } of policyStatements(tpl)) {
        const actions = asArray(statement.Action as string[]);
        for (const a of actions) expect(a, `${stack}/${policy}`).not.toMatch(/(^\*$|:\*$)/);
        if (asArray(statement.Resource as unknown[]).includes('*')) {
          for (const a of actions) expect(allowedStar.has(a), `${stack}/${policy}: ${a} on *`).toBe(true);
        }
      }
    }
  });

  it('scopes every DynamoDB statement to the evidence table, its indexes or its stream', () => {
    const indexSuffixes = EVIDENCE_TABLE.globalSecondaryIndexes.map((i) => `/index/${i.indexName}`);
    for (const [stack, tpl] of Object.entries(t)) {
      for (const { policy, statement } of policyStatements(tpl)) {
        const actions = asArray(statement.Action as string[]);
        if (!actions.some((a) => a.startsWith('dynamodb:')) || actions.includes('dynamodb:ListStreams')) continue;
        for (const r of asArray(statement.Resource as unknown[])) {
          const text = JSON.stringify(r);
          expect(text, `${stack}/${policy}`).toMatch(/EvidenceTable/);
          const suffix = text.match(/\/index\/[A-Za-z0-9_.-]+/)?.[0];
          if (suffix) expect(indexSuffixes, `${stack}/${policy}`).toContain(suffix);
          expect(text, `${stack}/${policy}`).not.toContain('*');
        }
      }
    }
  });
});

describe('issue 14 item 6: flipping a security or cost property fails a test', () => {
  const fnsWithRoles = () =>
    Object.entries(t).flatMap(([stack, tpl]) =>
      resources(tpl, 'AWS::Lambda::Function')
        .filter(([id]) => !id.startsWith('Custom'))
        .map(([id, fn]) => {
          const role = (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
          const statements = resources(tpl, 'AWS::IAM::Policy')
            .filter(([, p]) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === role))
            .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Record<string, any>[]);
          return { stack, id, fn, role: resources(tpl, 'AWS::IAM::Role').find(([rid]) => rid === role)![1], statements };
        }),
    );
  const LOGS = ['logs:CreateLogStream', 'logs:PutLogEvents'];
  const POLLER = ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem', ...LOGS, 'sqs:SendMessage'];
  /** Exactly the actions each function's code uses (what each sends: see the stacks' comments). */
  const EXACT: Record<string, string[]> = {
    PollPubmedFunction: [...POLLER, 'secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'],
    PollCtgovFunction: POLLER,
    PollEuropepmcFunction: POLLER,
    PollIsrctnFunction: POLLER,
    CurationApiFunction: ['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem', ...LOGS, 's3:GetObject', 's3:ListBucket', 'sqs:SendMessage'],
    AuthorizerFunction: LOGS,
    ImportWorkerFunction: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem', ...LOGS, 'sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage', 'sqs:SendMessage'],
    ReanalyseFunction: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams', 'dynamodb:Query', ...LOGS, 's3:GetObject', 's3:ListBucket', 's3:PutObject', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
    Publish: [...LOGS, 's3:DeleteObject', 's3:GetObject', 's3:ListBucket', 's3:PutObject', 'sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'],
  };

  it('every function has exactly the actions its code uses (no Scan, Delete, ConditionCheck or DescribeTable on the table), no managed policy, no X-Ray', () => {
    const fns = fnsWithRoles();
    expect(fns.map((f) => Object.keys(EXACT).find((k) => f.id.startsWith(k))).sort()).toEqual(Object.keys(EXACT).sort());
    for (const f of fns) {
      const key = Object.keys(EXACT).find((k) => f.id.startsWith(k))!;
      expect([...new Set(f.statements.flatMap((s) => asArray(s.Action as string[])))].sort(), key).toEqual([...EXACT[key]].sort());
      for (const s of f.statements) expect(s.Effect, key).toBe('Allow');
      expect(f.role.Properties.ManagedPolicyArns, `${key}: no managed policy`).toBeUndefined();
      // Tracing is off: no SDK client is instrumented for X-Ray (issue 14 item 4 lets either be chosen).
      expect(f.fn.Properties.TracingConfig, `${key}: tracing`).toBeUndefined();
      // Table writes only on the base table; secrets only the NCBI one.
      for (const s of f.statements) {
        const a = asArray(s.Action as string[]);
        if (a.some((x) => /^dynamodb:(Put|Update|BatchWrite)/.test(x))) expect(JSON.stringify(s.Resource), key).not.toMatch(/index|stream/i);
        if (a.some((x) => x.startsWith('secretsmanager:'))) expect(JSON.stringify(s.Resource), key).toMatch(/NcbiApiKey/);
      }
    }
  });

  it('error and dead-letter alarms fire on the first error / message (threshold 1 in 5 minutes); the budget notifies at 100 % actual and 100 % forecast', () => {
    const all = alarmsOf();
    const errors = all.filter((a) => a.MetricName === 'Errors');
    const depth = all.filter((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible');
    expect(errors).toHaveLength(9);
    expect(depth).toHaveLength(7);
    for (const a of [...errors, ...depth]) {
      expect(a, a.AlarmDescription).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', Period: 300, EvaluationPeriods: 1, TreatMissingData: 'notBreaching' });
    }
    const [[, budget]] = resources(t.Operations, 'AWS::Budgets::Budget');
    const notes = (budget.Properties.NotificationsWithSubscribers as { Notification: Record<string, unknown> }[]).map((n) => n.Notification);
    expect(notes).toEqual([
      { NotificationType: 'ACTUAL', ComparisonOperator: 'GREATER_THAN', Threshold: ALARM_THRESHOLDS.budgetAlertPercent, ThresholdType: 'PERCENTAGE' },
      { NotificationType: 'FORECASTED', ComparisonOperator: 'GREATER_THAN', Threshold: 100, ThresholdType: 'PERCENTAGE' },
    ]);
    expect(ALARM_THRESHOLDS.budgetAlertPercent).toBe(100);
  });

  it('every bucket is retained, or emptied before it is destroyed (autoDeleteObjects), so cdk destroy cannot fail on it', () => {
    for (const [stack, tpl] of Object.entries(t)) {
      const auto = resources(tpl, 'Custom::S3AutoDeleteObjects').map(([, c]) => JSON.stringify(c.Properties.BucketName));
      for (const [id, bucket] of resources(tpl, 'AWS::S3::Bucket')) {
        expect(['Retain', 'Delete'], `${stack}/${id}`).toContain(bucket.DeletionPolicy);
        if (bucket.DeletionPolicy === 'Delete') expect(auto.some((a) => a.includes(`"${id}"`)), `${stack}/${id} is emptied first`).toBe(true);
      }
    }
    // The data that cannot be rebuilt is kept: the snapshot bucket and the table.
    expect(resources(t.Data, 'AWS::S3::Bucket').find(([id]) => id.startsWith('Snapshots'))![1].DeletionPolicy).toBe('Retain');
  });

  it('the NCBI secret is created empty (no generated placeholder the poller would send as api_key)', () => {
    const [[, secret]] = resources(t.Data, 'AWS::SecretsManager::Secret');
    expect(secret.Properties.GenerateSecretString).toBeUndefined();
    expect(secret.Properties.SecretString).toBeUndefined();
  });
});

describe('Curation stack: import jobs (SQS queue, dead-letter queue, import-worker Lambda)', () => {
  const queue = (prefix: string) => {
    const found = resources(t.Curation, 'AWS::SQS::Queue').filter(([id]) => id.startsWith(prefix));
    expect(found, prefix).toHaveLength(1);
    return found[0];
  };
  const worker = () => resources(t.Curation, 'AWS::Lambda::Function').find(([id]) => id.startsWith('ImportWorkerFunction'))!;
  const roleStatements = (prefix: string) => policyStatements(t.Curation).filter((p) => p.policy.startsWith(prefix)).map((p) => p.statement);

  it('queues jobs on an encrypted, TLS-only queue whose dead-letter queue (encrypted, 14 days) takes a step after MAX_RECEIVES receives', () => {
    const [queueId, q] = queue('ImportQueue');
    const [dlqId, dlq] = queue('ImportDlq');
    for (const [, r] of [[queueId, q], [dlqId, dlq]] as const) expect(r.Properties.SqsManagedSseEnabled).toBe(true);
    expect(q.Properties.RedrivePolicy).toEqual({ deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: MAX_RECEIVES });
    expect(dlq.Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    const [, fn] = worker();
    expect(fn.Properties.Timeout).toBe(IMPORT_WORKER_TIMEOUT.toSeconds());
    // AWS guidance for Lambda SQS sources: visibility timeout ≥ 6 × the function timeout.
    expect(q.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * fn.Properties.Timeout);
    for (const id of [queueId, dlqId]) {
      const policy = resources(t.Curation, 'AWS::SQS::QueuePolicy').find(([, p]) => JSON.stringify(p.Properties.Queues).includes(id));
      expect(policy, `${id} has a queue policy`).toBeDefined();
      const statements = policy![1].Properties.PolicyDocument.Statement as Record<string, any>[];
      expect(statements.some((s) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false'), `${id} denies plain HTTP`).toBe(true);
    }
  });

  it('feeds the worker one message at a time, with ReportBatchItemFailures', () => {
    const [queueId] = queue('ImportQueue');
    const [workerId, fn] = worker();
    expect(fn.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'] });
    const esm = resources(t.Curation, 'AWS::Lambda::EventSourceMapping');
    expect(esm).toHaveLength(1);
    expect(esm[0][1].Properties).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': [queueId, 'Arn'] },
      FunctionName: { Ref: workerId },
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('the worker handler does return batchItemFailures (so ReportBatchItemFailures is right), and marks the job failed on the last receive', async () => {
    const transition = vi.fn(async () => true);
    const deps = {
      jobs: { get: async () => { throw new Error('table unavailable'); }, transition },
      store: {},
      now: () => new Date('2026-12-02T00:00:00Z'),
    } as unknown as ImportWorkerDeps;
    const record = (messageId: string, receives: number) => ({ messageId, body: JSON.stringify({ reviewId: 'r', jobId: messageId }), attributes: { ApproximateReceiveCount: String(receives) } });
    const event = { Records: [record('m1', 1), record('m2', MAX_RECEIVES), { messageId: 'junk', body: 'not json', attributes: {} }] } as unknown as SQSEvent;
    const out = await processImportBatch(event, deps, async () => undefined, () => 60_000);
    expect(out).toEqual({ batchItemFailures: [{ itemIdentifier: 'm1' }, { itemIdentifier: 'm2' }] });
    // Only the message on its last receive marks its job failed.
    expect(transition).toHaveBeenCalledTimes(1);
    expect(transition.mock.calls[0]).toEqual(expect.arrayContaining(['r', 'm2', ['queued', 'running'], 'failed']));
  });

  it('the curation API may only SEND to the import queue, and gets its URL', () => {
    const [queueId] = queue('ImportQueue');
    const sqs = roleStatements('CurationApiRole').filter((s) => asArray(s.Action as string[]).some((a) => a.startsWith('sqs:')));
    expect(sqs).toHaveLength(1);
    expect(sqs[0]).toMatchObject({ Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': [queueId, 'Arn'] } });
    const [, api] = resources(t.Curation, 'AWS::Lambda::Function').find(([id]) => id.startsWith('CurationApiFunction'))!;
    expect(api.Properties.Environment.Variables.IMPORT_QUEUE_URL).toEqual({ Ref: queueId });
  });

  it('the worker has exactly the table actions its code sends (Get, BatchGet, Query, Put, Update on the base table), SendMessage for continuations and the SQS consumer actions', () => {
    const [queueId] = queue('ImportQueue');
    const mine = roleStatements('ImportWorkerRole');
    const dynamo = mine.filter((s) => asArray(s.Action as string[]).some((a) => a.startsWith('dynamodb:')));
    expect(dynamo.flatMap((s) => asArray(s.Action as string[])).sort()).toEqual(['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
    for (const s of dynamo) {
      // The base table only: no index, no stream.
      expect(JSON.stringify(s.Resource)).not.toMatch(/index|Stream/);
      expect(JSON.stringify(s.Resource)).toMatch(/EvidenceTable/);
    }
    const sqs = mine.filter((s) => asArray(s.Action as string[]).some((a) => a.startsWith('sqs:')));
    expect([...new Set(sqs.flatMap((s) => asArray(s.Action as string[])))].sort()).toEqual(
      ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage', 'sqs:SendMessage'],
    );
    for (const s of sqs) expect(s.Resource).toEqual({ 'Fn::GetAtt': [queueId, 'Arn'] });
    const others = mine.flatMap((s) => asArray(s.Action as string[])).filter((a) => !/^(dynamodb|sqs|logs):/.test(a));
    expect(others).toEqual([]);
  });
});

describe('Curation stack: the GRADE page reads the latest snapshot', () => {
  it('the API has SNAPSHOT_BUCKET and may GET only snapshots/*/latest.json (plus ListBucket for 404s), never write', () => {
    const [, api] = resources(t.Curation, 'AWS::Lambda::Function').find(([id]) => id.startsWith('CurationApiFunction'))!;
    const bucket = api.Properties.Environment.Variables.SNAPSHOT_BUCKET;
    // The snapshot bucket's deterministic name (infra/stacks/data-stack.ts bucketName).
    expect(renderCfnValue(bucket, 'LivingEvidence-prod-Curation', Object.fromEntries(Object.entries(t).map(([k, v]) => [`LivingEvidence-prod-${k}`, v.toJSON()])))).toBe(
      'living-evidence-prod-snapshots-123456789012-us-east-1',
    );
    const s3 = policyStatements(t.Curation).filter((p) => p.policy.startsWith('CurationApiRole')).map((p) => p.statement).filter((s) => asArray(s.Action as string[]).some((a) => a.startsWith('s3:')));
    const actions = s3.flatMap((s) => asArray(s.Action as string[])).sort();
    expect(actions).toEqual(['s3:GetObject', 's3:ListBucket']);
    const get = s3.find((s) => asArray(s.Action as string[]).includes('s3:GetObject'))!;
    const getArn = JSON.stringify(get.Resource);
    expect(getArn).toContain(`/${CURATION_SNAPSHOT_KEYS.prefix}*${CURATION_SNAPSHOT_KEYS.suffix}"`);
    expect(getArn).toMatch(/snapshots-/);
    const list = s3.find((s) => asArray(s.Action as string[]).includes('s3:ListBucket'))!;
    expect(JSON.stringify(list.Resource)).not.toContain('/');
    // cdk-nag's IAM5 finding on that object ARN is acknowledged for this one key pattern only
    // (the zero-findings test above would fail otherwise).
  });
});

describe("every function's environment matches its handler's fail-fast contract (functions/<fn>/env.ts)", () => {
  /** Variables the platform and the construct add, read by Node and Powertools. */
  const PLATFORM = new Set(['NODE_OPTIONS', 'POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_METRICS_NAMESPACE']);
  const templatesByStack = () => Object.fromEntries(Object.entries(t).map(([k, v]) => [`LivingEvidence-prod-${k}`, v.toJSON() as Record<string, any>]));

  /** Every deployed function of the app with its stack, logical id and entry file. */
  function deployedFunctions(): { stack: string; id: string; entry: string; vars: Record<string, unknown> }[] {
    const entries = new Map<string, string>();
    for (const c of built.app.node.findAll()) {
      if (c instanceof AppFunction) {
        const stack = Stack.of(c);
        entries.set(`${stack.stackName}/${stack.resolve(stack.getLogicalId(c.fn.node.defaultChild as CfnFunction))}`, c.entry);
      }
    }
    const out: { stack: string; id: string; entry: string; vars: Record<string, unknown> }[] = [];
    for (const [stack, tpl] of Object.entries(templatesByStack())) {
      for (const [id, res] of Object.entries((tpl.Resources ?? {}) as Record<string, any>)) {
        if (res.Type !== 'AWS::Lambda::Function' || id.startsWith('Custom')) continue;
        // AppFunctions by construct; a plain function (the site build) by its handler path.
        const entry = entries.get(`${stack}/${id}`) ?? (typeof res.Properties.Handler === 'string' && res.Properties.Handler.startsWith('functions/') ? `${res.Properties.Handler.replace(/\.handler$/, '')}.ts` : undefined);
        if (!entry) throw new Error(`${stack}/${id}: a function whose entry the test cannot tell`);
        out.push({ stack, id, entry, vars: res.Properties.Environment?.Variables ?? {} });
      }
    }
    return out;
  }

  it('every function sets every variable its contract requires, in a valid form, and nothing its handler does not read', async () => {
    const fns = deployedFunctions();
    expect(fns).toHaveLength(9);
    const templates = templatesByStack();
    for (const fn of fns) {
      const contractFile = join(REPO_ROOT, dirname(fn.entry), 'env.ts');
      expect(existsSync(contractFile), `${fn.entry} has an env.ts`).toBe(true);
      const { ENV } = (await import(contractFile)) as { ENV: EnvContract<unknown> };
      const rendered = Object.fromEntries(Object.entries(fn.vars).map(([k, v]) => [k, renderCfnValue(v, fn.stack, templates)]));
      let problem = '';
      try {
        ENV.parse(rendered);
      } catch (err) {
        problem = (err as Error).message;
      }
      expect(problem, `${fn.stack}/${fn.id}`).toBe('');
      const unread = Object.keys(fn.vars).filter((k) => !PLATFORM.has(k) && !ENV.variables.includes(k));
      expect(unread, `${fn.stack}/${fn.id}: variables its handler never reads`).toEqual([]);
    }
  });

  it('the check bites: without SNAPSHOT_BUCKET or IMPORT_QUEUE_URL the curation API would not start', async () => {
    const api = deployedFunctions().find((f) => f.id.startsWith('CurationApiFunction'))!;
    const { ENV } = (await import(join(REPO_ROOT, dirname(api.entry), 'env.ts'))) as { ENV: EnvContract<unknown> };
    const rendered = Object.fromEntries(Object.entries(api.vars).map(([k, v]) => [k, renderCfnValue(v, api.stack, templatesByStack())]));
    for (const name of ['SNAPSHOT_BUCKET', 'IMPORT_QUEUE_URL', 'TABLE_NAME', 'COGNITO_ISSUER']) {
      const { [name]: _gone, ...rest } = rendered;
      expect(() => ENV.parse(rest), name).toThrow(new RegExp(`${name}`));
    }
    expect(() => ENV.parse({ ...rendered, IMPORT_QUEUE_URL: 'not a url' })).toThrow(/IMPORT_QUEUE_URL/);
  });
});

describe('custom metrics (functions/app-metrics.ts APP_METRICS; the handlers\' EMF: test/infra/metrics.test.ts)', () => {
  const alarms = () => resources(t.Operations, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
  const fnProps = (fn: IFunction) => {
    const stack = Stack.of(fn);
    const id = stack.resolve(stack.getLogicalId(fn.node.defaultChild as CfnFunction)) as string;
    return Object.values(t).map((tpl) => tpl.toJSON().Resources?.[id]).find(Boolean).Properties as Record<string, any>;
  };
  const declared = (name: string) => (Object.keys(APP_METRICS) as MetricGroup[]).map((g) => ({ group: g, def: Object.values(APP_METRICS[g].metrics).find((m) => m.name === name) })).filter((x) => x.def);

  it('every alarm on an app metric reads one that APP_METRICS declares, with its dimensions, in the namespace the functions emit to', () => {
    const appAlarms = alarms().filter((a) => typeof a.Namespace === 'string' && !a.Namespace.startsWith('AWS/'));
    expect(appAlarms.length).toBeGreaterThan(0);
    const namespaces = new Set([...built.ingest.pollers.map((p) => p.fn.fn), built.analysis.reanalyse.fn, built.analysis.publish].map((fn) => fnProps(fn).Environment.Variables.POWERTOOLS_METRICS_NAMESPACE));
    expect([...namespaces]).toEqual(['LivingEvidence/prod']);
    for (const a of appAlarms) {
      expect(a.Namespace, a.AlarmDescription).toBe('LivingEvidence/prod');
      const found = declared(a.MetricName as string);
      expect(found, `${a.MetricName as string} is declared once`).toHaveLength(1);
      const { group } = found[0];
      expect((a.Dimensions as { Name: string }[]).map((d) => d.Name).sort(), a.MetricName as string).toEqual(['service', ...APP_METRICS[group].dimensions].sort());
    }
  });

  it('each poller emits Fetched with the namespace and dimensions its "fetched nothing" alarm reads', () => {
    const appAlarms = alarms().filter((a) => a.MetricName === POLL_FETCHED_METRIC.name);
    expect(appAlarms).toHaveLength(built.ingest.pollers.length);
    const saved = process.env.POWERTOOLS_METRICS_NAMESPACE;
    try {
      for (const poller of built.ingest.pollers) {
        // Emit exactly as the deployed function would: its namespace, its service name.
        process.env.POWERTOOLS_METRICS_NAMESPACE = fnProps(poller.fn.fn).Environment.Variables.POWERTOOLS_METRICS_NAMESPACE;
        const obs = observability(pollServiceName(poller.source));
        recordPollFigures(poller.source, 'r1', { fetched: 3, new: 1, updated: 0, unchanged: 2, quarantined: 0, candidates: 4, attempted: 1, failures: [] } as never, obs);
        const emf = obs.metrics.serializeMetrics() as unknown as Record<string, any>;
        const [directive] = emf._aws.CloudWatchMetrics as { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[];
        expect(directive.Metrics.map((m) => m.Name)).toContain(POLL_FETCHED_METRIC.name);
        expect(directive.Dimensions).toHaveLength(1);
        const emitted = Object.fromEntries(directive.Dimensions[0].map((d) => [d, emf[d]]));
        const alarm = appAlarms.find((a) => (a.Dimensions as { Name: string; Value: string }[]).some((d) => d.Name === POLL_FETCHED_METRIC.sourceDimension && d.Value === poller.source));
        expect(alarm, poller.source).toBeDefined();
        expect(alarm!.Namespace).toBe(directive.Namespace);
        expect(Object.fromEntries((alarm!.Dimensions as { Name: string; Value: string }[]).map((d) => [d.Name, d.Value]))).toEqual(emitted);
        expect(emf[POLL_FETCHED_METRIC.name]).toBe(3);
      }
    } finally {
      if (saved === undefined) delete process.env.POWERTOOLS_METRICS_NAMESPACE;
      else process.env.POWERTOOLS_METRICS_NAMESPACE = saved;
    }
  });

  it('metrics go out only through emitMetrics, each group from its own function; no other function emits any; no cold-start metric', () => {
    const expected = new Map<string, string>([
      ['functions/poll-common/handler.ts', 'poll'],
      ['functions/publish/handler.ts', 'publish'],
      ['functions/reanalyse/handler.ts', 'reanalyse'],
    ]);
    const emitters = new Map<string, Set<string>>();
    const raw: string[] = [];
    const walk = (dir: string) => {
      for (const e of readdirSync(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts')) {
          const rel = p.slice(REPO_ROOT.length + 1);
          const text = readFileSync(p, 'utf8');
          for (const m of text.matchAll(/emitMetrics\(\s*\w+,\s*'([^']+)'/g)) {
            if (!emitters.has(rel)) emitters.set(rel, new Set());
            emitters.get(rel)!.add(m[1]);
          }
          if (/\.(addMetric|addDimension|addDimensions|setDefaultDimensions|putMetric)\(/.test(text) && rel !== 'functions/observability.ts') raw.push(rel);
          expect(text, rel).not.toMatch(/singleMetric\(|captureColdStartMetric|ColdStart/);
        }
      }
    };
    walk(join(REPO_ROOT, 'functions'));
    expect(raw, 'Powertools metrics called directly (bypassing APP_METRICS)').toEqual([]);
    expect(new Map([...emitters].map(([f, g]) => [f, [...g].join(',')]))).toEqual(expected);
    expect(new Set(expected.values())).toEqual(new Set(Object.keys(APP_METRICS)));
  });

  it('the dashboard graphs only declared app metrics, with their dimensions', () => {
    const body = JSON.stringify(resources(t.Operations, 'AWS::CloudWatch::Dashboard')[0][1].Properties.DashboardBody);
    // Metric arrays in the body: ["LivingEvidence/prod","<name>","service","<service>"(,"source","<source>")].
    const used = [...body.matchAll(/\\"LivingEvidence\/prod\\",\\"(\w+)\\",((?:\\"[\w-]+\\",?)+)/g)].map((m) => ({ name: m[1], dims: m[2].split(',').map((x) => x.replace(/\\"/g, '')).filter(Boolean) }));
    expect(used.length).toBeGreaterThan(0);
    for (const u of used) {
      const found = declared(u.name);
      expect(found, u.name).toHaveLength(1);
      const names = u.dims.filter((_, i) => i % 2 === 0);
      expect(names.sort(), u.name).toEqual(['service', ...APP_METRICS[found[0].group].dimensions].sort());
    }
    expect(new Set(used.map((u) => u.name))).toEqual(new Set([...Object.values(APP_METRICS.poll.metrics), ...Object.values(APP_METRICS.publish.metrics), APP_METRICS.reanalyse.metrics.reanalyses].map((m) => m.name)));
  });

  it('declares 23 metrics, each name once, dimensions only from the bounded list (never an id)', () => {
    const names = (Object.keys(APP_METRICS) as MetricGroup[]).flatMap((g) => Object.values(APP_METRICS[g].metrics).map((m) => m.name as string));
    expect(new Set(names).size).toBe(names.length);
    for (const g of Object.keys(APP_METRICS) as MetricGroup[]) {
      for (const d of APP_METRICS[g].dimensions) expect(BOUNDED_DIMENSIONS as readonly string[], `${g}: ${d}`).toContain(d);
      for (const d of APP_METRICS[g].dimensions) expect(d, `${g}: ${d}`).not.toMatch(/id$/i);
    }
    expect([...BOUNDED_DIMENSIONS]).toEqual(['source']);
    // The count docs/deploy.md prices: 4 per poll source + the publish and reanalysis metrics.
    const perSource = Object.keys(APP_METRICS.poll.metrics).length;
    const billed = perSource * built.ingest.pollers.length + Object.keys(APP_METRICS.publish.metrics).length + Object.keys(APP_METRICS.reanalyse.metrics).length;
    expect(billed).toBe(23);
  });
});
