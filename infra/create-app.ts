/**
 * Builds the whole CDK app: six stacks, cdk-nag AwsSolutions checks as a validation plugin.
 * Used by infra/app.ts (the `cdk` CLI entry) and by the tests.
 *
 * Context (`-c key=value` or cdk.json):
 *  - alarmEmail      e-mail subscribed to the alarm topic (optional)
 *  - ncbiEmail       contact e-mail sent to NCBI by the PubMed poller (optional)
 *  - domainName, certificateArn   custom domain of the site (optional, ACM cert in us-east-1);
 *                     with both, CloudFront also serves the curator UI (/curate) there and the
 *                     Cognito sign-in callback uses it
 *  - cognitoDomainPrefix   prefix of the Cognito hosted-UI domain
 *                     (default `livingevidence-curation-<account>`)
 *  - stage           deployment stage (default `prod`): part of every stack and resource name, so
 *                     staging and production can share an account (`-c stage=staging`)
 *  - monthlyBudgetUsd  monthly cost budget alarmed through the alarm topic (default 15)
 *  - dashboard       `true` adds the CloudWatch dashboard ($3/month beyond an account's 3 free ones;
 *                     default off: the alarms and the saved Logs Insights queries cover operations)
 *  - account, region  deployment target (default: CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION,
 *                     env-agnostic when unset so that synth works offline)
 * Tests pass `bundle: false`, which sets the standard CDK context `aws:cdk:bundling-stacks` to []:
 * NodejsFunction then skips esbuild entirely (the asset points at the source folder and is never
 * uploaded). `npm run synth` always bundles with the local esbuild.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, Tags, Validations, type Environment } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { REPO_ROOT } from './constructs/lambda.js';
import { readReviewSchedules, type ReviewSchedule } from './reviews.js';
import { AnalysisStack } from './stacks/analysis-stack.js';
import { CurationStack } from './stacks/curation-stack.js';
import { DataStack } from './stacks/data-stack.js';
import { IngestStack } from './stacks/ingest-stack.js';
import { OperationsStack } from './stacks/operations-stack.js';
import { SiteStack } from './stacks/site-stack.js';
import { stageOf } from './stage.js';

export const STACK_PREFIX = 'LivingEvidence';

export interface CreateAppOptions {
  /** Folder of the review files; default `<repo>/reviews`. */
  reviewsDir?: string;
  /** Reviews to schedule instead of reading `reviewsDir`. */
  reviews?: ReviewSchedule[];
  /** false: skip esbuild bundling (tests). Default true. */
  bundle?: boolean;
  /** Extra context; tests also get cdk.json's context (the CLI passes it itself). */
  context?: Record<string, unknown>;
  /** Read cdk.json's context into the app (tests). Default false (the CLI already does). */
  loadCdkJson?: boolean;
  outdir?: string;
}

export interface LivingEvidenceApp {
  app: App;
  data: DataStack;
  curation: CurationStack;
  site: SiteStack;
  analysis: AnalysisStack;
  ingest: IngestStack;
  operations: OperationsStack;
}

export function cdkJsonContext(): Record<string, unknown> {
  const json = JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return json.context ?? {};
}

export function createApp(opts: CreateAppOptions = {}): LivingEvidenceApp {
  const context: Record<string, unknown> = {
    ...(opts.loadCdkJson ? cdkJsonContext() : {}),
    ...(opts.bundle === false ? { 'aws:cdk:bundling-stacks': [] } : {}),
    ...opts.context,
  };
  const app = new App({ context, ...(opts.outdir ? { outdir: opts.outdir } : {}) });
  const ctx = (key: string): string | undefined => {
    const v = app.node.tryGetContext(key) as unknown;
    return typeof v === 'string' && v.length > 0 ? v : undefined;
  };
  const account = ctx('account') ?? process.env.CDK_DEFAULT_ACCOUNT;
  const region = ctx('region') ?? process.env.CDK_DEFAULT_REGION;
  const env: Environment | undefined = account || region ? { account, region } : undefined;
  const reviews = opts.reviews ?? readReviewSchedules(opts.reviewsDir ?? join(REPO_ROOT, 'reviews'));

  const stage = stageOf(app);
  const name = (s: string) => `${STACK_PREFIX}-${stage}-${s}`;
  const data = new DataStack(app, name('Data'), {
    env,
    description: 'Living evidence: stateful resources (table, snapshots, NCBI key)',
  });
  // The custom domain is used only with its certificate (the Site stack needs both).
  const siteDomainName = ctx('domainName') && ctx('certificateArn') ? ctx('domainName') : undefined;
  const curation = new CurationStack(app, name('Curation'), {
    env,
    description: 'Living evidence: curation HTTP API, Cognito',
    table: data.table,
    siteDomainName,
    cognitoDomainPrefix: ctx('cognitoDomainPrefix'),
  });
  const site = new SiteStack(app, name('Site'), {
    env,
    description: 'Living evidence: static dashboard on S3 + CloudFront',
    api: curation.api,
    domainName: ctx('domainName'),
    certificateArn: ctx('certificateArn'),
  });
  const analysis = new AnalysisStack(app, name('Analysis'), {
    env,
    description: 'Living evidence: stream-driven reanalysis and the site build',
    table: data.table,
    // Feed and canonical links follow the custom domain when there is one.
    siteUrl: siteDomainName ? `https://${siteDomainName}` : `https://${site.distribution.distributionDomainName}`,
  });
  analysis.addStackDependency(data, 'writes the snapshot bucket (referenced by name)');
  analysis.addStackDependency(site, 'publishes into the site bucket (referenced by name)');
  const ingest = new IngestStack(app, name('Ingest'), {
    env,
    description: 'Living evidence: scheduled PubMed and ClinicalTrials.gov pollers',
    table: data.table,
    ncbiSecret: data.ncbiSecret,
    reviews,
    ncbiEmail: ctx('ncbiEmail'),
  });
  const operations = new OperationsStack(app, name('Operations'), {
    env,
    description: 'Living evidence: alarms, alarm topic, dashboard',
    functions: [
      // Asynchronous invocations of a reserved concurrency of 1: throttles are retries by design.
      ...ingest.pollers.map((p) => ({ name: p.fn.node.id, fn: p.fn.fn, queuesByDesign: true })),
      { name: 'CurationApi', fn: curation.fn.fn },
      { name: 'Authorizer', fn: curation.authorizerFn.fn },
      { name: 'ImportWorker', fn: curation.importWorker.fn },
      { name: 'Reanalyse', fn: analysis.reanalyse.fn },
      { name: 'Publish', fn: analysis.publish },
    ],
    deadLetterQueues: [
      ...ingest.pollers.map((p) => ({ name: `${p.fn.node.id}Dlq`, queue: p.dlq })),
      { name: 'ImportDlq', queue: curation.importDlq },
      { name: 'StreamFailures', queue: analysis.streamFailures },
      { name: 'PublishDlq', queue: analysis.publishDlq },
    ],
    logGroups: { pollers: ingest.pollers.map((p) => p.fn.logGroup), reanalyse: analysis.reanalyse.logGroup, publish: analysis.publishLogs },
    dashboard: [true, 'true'].includes(app.node.tryGetContext('dashboard') as never),
    pollers: ingest.pollers,
    publishQueue: analysis.publishQueue,
    streamConsumer: analysis.reanalyse.fn,
    monthlyBudgetUsd: Number(ctx('monthlyBudgetUsd') ?? 15),
    api: curation.api,
    table: data.table,
    alarmEmail: ctx('alarmEmail'),
  });

  Tags.of(app).add('project', 'living-evidence');
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, data, curation, site, analysis, ingest, operations };
}
