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
