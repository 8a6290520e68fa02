/** Synthesis helpers for the infra tests: no AWS account, no bundling, cdk-nag report collected. */
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CloudAssembly } from 'aws-cdk-lib/cx-api';
import type { Cadence } from '../../core/reviews/index.js';
import { REVIEW_FILES } from '../../reviews/index.js';

export interface NagFinding {
  rule: string;
  severity: string;
  paths: string[];
}

export interface SynthResult {
  assembly?: CloudAssembly;
  /** The message of the error synth threw (cdk-nag errors make in-memory synth throw; the
   *  assembly is then read back from the output folder). */
  error?: string;
  /** Every violation of every validation plugin (acknowledged ones are removed by CDK). */
  findings: NagFinding[];
}

/** Synthesises the app and collects the validation report (cdk-nag AwsSolutions + CDK's own). */
export function synthWithReport(app: App): SynthResult {
  let assembly: CloudAssembly | undefined;
  let error: string | undefined;
  try {
    assembly = app.synth() as unknown as CloudAssembly;
  } catch (e) {
    error = (e as Error).message;
    // Validation runs after the templates are written: keep checking them, so a nag failure
    // shows up as its own failing test instead of hiding every other check.
    if (existsSync(join(app.outdir, 'manifest.json'))) assembly = new CloudAssembly(app.outdir);
  }
  const reportPath = join(app.outdir, 'validation-report.json');
  const findings: NagFinding[] = [];
  if (existsSync(reportPath)) {
    const report = JSON.parse(readFileSync(reportPath, 'utf8')) as {
      pluginReports: {
        pluginName: string;
        violations: { ruleName: string; severity?: string; violatingConstructs?: { constructPath: string }[] }[];
      }[];
    };
    for (const plugin of report.pluginReports) {
      for (const v of plugin.violations) {
        findings.push({
          rule: `${plugin.pluginName}:${v.ruleName}`,
          severity: v.severity ?? 'unknown',
          paths: (v.violatingConstructs ?? []).map((c) => c.constructPath),
        });
      }
    }
  }
  return { assembly, error, findings };
}

export function templateOf(assembly: CloudAssembly, stackName: string): Template {
  return Template.fromJSON(assembly.getStackByName(stackName).template as Record<string, unknown>);
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A valid review file (a real review with its id and cadence replaced). */
export function reviewJson(id: string, cadence: Cadence): Record<string, unknown> {
  return { ...structuredClone(REVIEW_FILES['hcp-emental-health.json'] as Record<string, unknown>), id, cadence };
}

/** A reviews/ folder holding one valid review per id, at the given cadence. */
export function reviewsDir(cadences: Record<string, Cadence>): string {
  const dir = tempDir('infra-reviews-');
  for (const [id, cadence] of Object.entries(cadences)) writeFileSync(join(dir, `${id}.json`), JSON.stringify(reviewJson(id, cadence)));
  return dir;
}

/** All IAM policy statements of a template, with the logical id of their policy. */
export function policyStatements(template: Template): { policy: string; statement: Record<string, unknown> }[] {
  const out: { policy: string; statement: Record<string, unknown> }[] = [];
  for (const [id, res] of Object.entries(template.findResources('AWS::IAM::Policy'))) {
    const doc = (res as { Properties: { PolicyDocument: { Statement: Record<string, unknown>[] } } }).Properties.PolicyDocument;
    for (const statement of doc.Statement) out.push({ policy: id, statement });
  }
  return out;
}

export const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/**
 * Renders a CloudFormation value as the string the deployed function would see, with fixed fake
 * values for what only exists after deployment: pseudo parameters (us-east-1, account
 * 123456789012), `Ref` (an SQS queue → its URL, anything else → a name), `Fn::GetAtt` (the shape
 * each attribute has: an API endpoint or a user pool's ProviderURL is an https URL), `Fn::Join`,
 * `Fn::Select`, `Fn::Split` and `Fn::ImportValue` (the exporting stack's output, rendered the same
 * way). Anything else throws, so a new intrinsic is noticed rather than guessed.
 */
export function renderCfnValue(value: unknown, stack: string, templates: Record<string, Record<string, any>>): string {
  const render = (v: unknown, s: string): string => {
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    if (Array.isArray(v) || v === null || typeof v !== 'object') throw new Error(`cannot render ${JSON.stringify(v)}`);
    const [[fn, arg]] = Object.entries(v as Record<string, unknown>);
    const resourceType = (id: string) => (templates[s].Resources?.[id]?.Type as string | undefined) ?? '';
    const fake = (id: string) => id.toLowerCase().replace(/[^a-z0-9]/g, '');
    switch (fn) {
      case 'Ref': {
        const id = arg as string;
        const pseudo: Record<string, string> = { 'AWS::Region': 'us-east-1', 'AWS::AccountId': '123456789012', 'AWS::URLSuffix': 'amazonaws.com', 'AWS::Partition': 'aws', 'AWS::StackName': s };
        if (pseudo[id]) return pseudo[id];
        if (resourceType(id) === 'AWS::SQS::Queue') return `https://sqs.us-east-1.amazonaws.com/123456789012/${fake(id)}`;
        if (!templates[s].Resources?.[id] && !templates[s].Parameters?.[id]) throw new Error(`Ref to unknown ${id} in ${s}`);
        return fake(id);
      }
      case 'Fn::GetAtt': {
        const [id, attr] = arg as [string, string];
        if (!templates[s].Resources?.[id]) throw new Error(`GetAtt of unknown ${id} in ${s}`);
        if (attr === 'ApiEndpoint') return `https://${fake(id)}.execute-api.us-east-1.amazonaws.com`;
        if (attr === 'ProviderURL') return `https://cognito-idp.us-east-1.amazonaws.com/us-east-1_${fake(id)}`;
        if (attr === 'QueueUrl') return `https://sqs.us-east-1.amazonaws.com/123456789012/${fake(id)}`;
        if (attr === 'DomainName') return `${fake(id)}.cloudfront.net`;
        if (attr === 'Arn') return `arn:aws:${resourceType(id).split('::')[1]?.toLowerCase() ?? 'x'}:us-east-1:123456789012:${fake(id)}`;
        return `${fake(id)}-${attr.toLowerCase()}`;
      }
      case 'Fn::Join': {
        const [sep, parts] = arg as [string, unknown[]];
        return parts.map((p) => render(p, s)).join(sep);
      }
      case 'Fn::Select': {
        const [index, list] = arg as [number | string, unknown];
        const items = Array.isArray(list) ? list.map((x) => render(x, s)) : render(list, s).split('\u0000');
        return items[Number(index)];
      }
      case 'Fn::Split': {
        const [sep, source] = arg as [string, unknown];
        return render(source, s).split(sep).join('\u0000');
      }
      case 'Fn::ImportValue': {
        const name = render(arg, s);
        for (const [other, tpl] of Object.entries(templates)) {
          for (const out of Object.values((tpl.Outputs ?? {}) as Record<string, { Value: unknown; Export?: { Name: unknown } }>)) {
            if (out.Export && render(out.Export.Name, other) === name) return render(out.Value, other);
          }
        }
        throw new Error(`no stack exports ${name}`);
      }
      default:
        throw new Error(`cannot render intrinsic ${fn}`);
    }
  };
  return render(value, stack);
}
