/**
 * The one Lambda construct: defaults and least-privilege table access (table AND its indexes).
 * Synthesised without bundling (context aws:cdk:bundling-stacks = []).
 */
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { Table, AttributeType } from 'aws-cdk-lib/aws-dynamodb';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { EVIDENCE_TABLE } from '../../core/data-model/table.js';
import {
  AppFunction,
  STREAM_READ_ACTIONS,
  TABLE_READ_ACTIONS,
  TABLE_WRITE_ACTIONS,
  type TableAccess,
} from '../../infra/constructs/lambda.js';
import { evidenceTable } from '../../infra/stacks/data-stack.js';
import { asArray, policyStatements, synthWithReport, tempDir } from './helpers.js';

function build(access: TableAccess) {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] }, outdir: tempDir('infra-lambda-') });
  const stack = new Stack(app, 'T');
  const table = evidenceTable(stack, 'Evidence');
  const fn = new AppFunction(stack, 'Fn', { entry: 'functions/reanalyse/handler.ts' });
  fn.bindTable(table, access);
  const template = Template.fromStack(stack);
  const tableId = stack.getLogicalId(table.node.defaultChild as never);
  return { template, tableId: stack.resolve(tableId) as string };
}

const tableArn = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
const indexArn = (id: string, name: string) => ({ 'Fn::Join': ['', [tableArn(id), `/index/${name}`]] });
const indexNames = EVIDENCE_TABLE.globalSecondaryIndexes.map((i) => i.indexName);

function dynamoStatements(template: Template) {
  return policyStatements(template)
    .map((p) => p.statement)
    .filter((s) => asArray(s.Action as string | string[]).some((a) => a.startsWith('dynamodb:')));
}

describe('AppFunction defaults', () => {
  const { template } = build('read');

  it('runs Node.js 24 on arm64 without X-Ray (no client is instrumented), JSON logs, source maps and its own log group', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      TracingConfig: Match.absent(),
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON', LogGroup: Match.anyValue() }),
      Environment: { Variables: Match.objectLike({ NODE_OPTIONS: '--enable-source-maps' }) },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  it('uses no AWS managed policy; logs are written only to its own log group', () => {
    const roles = template.findResources('AWS::IAM::Role');
    for (const role of Object.values(roles)) {
      expect((role as { Properties: Record<string, unknown> }).Properties.ManagedPolicyArns).toBeUndefined();
    }
    const logs = policyStatements(template).find((p) => asArray(p.statement.Action as string[]).includes('logs:PutLogEvents'));
    expect(logs?.statement.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^FnLogs/), 'Arn'] });
  });
});

describe('bindTable', () => {
  it('read: read actions on the table and each index, nothing else', () => {
    const { template, tableId } = build('read');
    const statements = dynamoStatements(template);
    expect(statements).toHaveLength(1);
    expect([...asArray(statements[0].Action as string[])].sort()).toEqual([...TABLE_READ_ACTIONS].sort());
    expect(statements[0].Resource).toEqual([tableArn(tableId), ...indexNames.map((n) => indexArn(tableId, n))]);
  });

  it('readWrite: adds item writes on the base table only', () => {
    const { template, tableId } = build('readWrite');
    const statements = dynamoStatements(template);
    const writes = statements.filter((s) => asArray(s.Action as string[]).includes('dynamodb:PutItem'));
    expect(writes).toHaveLength(1);
    expect([...asArray(writes[0].Action as string[])].sort()).toEqual([...TABLE_WRITE_ACTIONS].sort());
    expect(writes[0].Resource).toEqual(tableArn(tableId));
    const reads = statements.filter((s) => asArray(s.Action as string[]).includes('dynamodb:Query'));
    expect(reads[0].Resource).toEqual([tableArn(tableId), ...indexNames.map((n) => indexArn(tableId, n))]);
  });

  it('stream: adds stream reads on the stream ARN, no writes', () => {
    const { template, tableId } = build('stream');
    const statements = dynamoStatements(template);
    const all = statements.flatMap((s) => asArray(s.Action as string[]));
    expect(all).not.toContain('dynamodb:PutItem');
    const stream = statements.find((s) => asArray(s.Action as string[]).includes('dynamodb:GetRecords'));
    expect([...asArray(stream?.Action as string[])].sort()).toEqual([...STREAM_READ_ACTIONS].sort());
    expect(stream?.Resource).toEqual({ 'Fn::GetAtt': [tableId, 'StreamArn'] });
  });

  it('never grants dynamodb:* nor a wildcard resource', () => {
    for (const access of ['read', 'readWrite', 'stream'] as const) {
      for (const s of dynamoStatements(build(access).template)) {
        expect(asArray(s.Action as string[])).not.toContain('dynamodb:*');
        expect(JSON.stringify(s.Resource)).not.toContain('*');
      }
    }
  });
});

describe('the cdk-nag collector can fail', () => {
  it('reports errors for a deliberately insecure stack', () => {
    const app = new App({ outdir: tempDir('infra-nag-') });
    const stack = new Stack(app, 'Insecure');
    new Table(stack, 'NoPitr', { partitionKey: { name: 'pk', type: AttributeType.STRING } });
    new Bucket(stack, 'Loose');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    const result = synthWithReport(app);
    const errors = result.findings.filter((f) => f.severity === 'error').map((f) => f.rule);
    const all = result.findings.map((f) => f.rule);
    expect(result.error).toMatch(/AwsSolutions-S1/);
    expect(errors).toEqual(expect.arrayContaining(['AwsSolutions:AwsSolutions-S1', 'AwsSolutions:AwsSolutions-S10']));
    // cdk-nag 3 reports missing PITR as a warning.
    expect(all).toContain('AwsSolutions:AwsSolutions-DDB3');
  });
});
