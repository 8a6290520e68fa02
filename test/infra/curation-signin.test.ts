/**
 * Curator sign-in with a custom site domain and a chosen hosted-UI prefix: the Cognito callback
 * and sign-out URLs move to the site domain, CloudFront routes /curate there to the HTTP API, and
 * the app still synthesises with zero cdk-nag findings. The same app is a STAGING stage
 * (`-c stage=staging`): every stack and named resource carries the stage, so it can sit beside
 * production in one account, and the site build's SITE_URL follows the custom domain (issue 14
 * item 3). (The default — prod, no custom domain — is checked in app.test.ts.)
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { Capture, Match } from 'aws-cdk-lib/assertions';
import { App, Stack } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../infra/create-app.js';
import { CURATE_PATHS } from '../../infra/stacks/site-stack.js';
import { defaultDomainPrefix, validateDomainPrefix } from '../../infra/stacks/curation-stack.js';
import { synthWithReport, templateOf, tempDir, type SynthResult } from './helpers.js';

const DOMAIN = 'evidence.example.org';
const STACKS = ['Data', 'Curation', 'Site', 'Analysis', 'Ingest', 'Operations'];
let result: SynthResult;
const t: Record<string, Template> = {};

beforeAll(() => {
  const built = createApp({
    bundle: false,
    loadCdkJson: true,
    outdir: tempDir('infra-signin-'),
    context: {
      domainName: DOMAIN,
      certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000',
      cognitoDomainPrefix: 'evidence-curators',
      stage: 'staging',
    },
  });
  result = synthWithReport(built.app);
  if (!result.assembly) throw new Error(`synth failed: ${result.error}`);
  for (const s of STACKS) t[s] = templateOf(result.assembly, `LivingEvidence-staging-${s}`);
}, 600_000);

describe('with a custom site domain and cognitoDomainPrefix', () => {
  it('has zero cdk-nag findings', () => {
    expect(result.error).toBeUndefined();
    expect(result.findings).toEqual([]);
  });

  it('uses the prefix for the hosted UI and the site domain for the callback and sign-out URLs, in the client and the Lambda alike', () => {
    t.Curation.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'evidence-curators' });
    const callback = new Capture();
    t.Curation.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      AllowedOAuthFlows: ['code'],
      CallbackURLs: [callback],
      LogoutURLs: [`https://${DOMAIN}/curate/signin`],
    });
    expect(callback.asString()).toBe(`https://${DOMAIN}/curate/callback`);
    t.Curation.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ OAUTH_REDIRECT_URI: `https://${DOMAIN}/curate/callback`, OAUTH_LOGOUT_URI: `https://${DOMAIN}/curate/signin` }),
      },
    });
    t.Curation.hasOutput('CurateUrl', { Value: `https://${DOMAIN}/curate/signin` });
  });

  it('routes /curate and /curate/* through CloudFront to the API like /api/*: uncached, cookies and query strings forwarded, HTTPS only', () => {
    const behaviours = new Capture();
    t.Site.hasResourceProperties('AWS::CloudFront::Distribution', { DistributionConfig: Match.objectLike({ CacheBehaviors: behaviours }) });
    const byPath = Object.fromEntries((behaviours.asArray() as Record<string, any>[]).map((b) => [b.PathPattern, b]));
    const api = byPath['/api/*'];
    expect(CURATE_PATHS).toEqual(['/curate', '/curate/*']);
    for (const p of CURATE_PATHS) {
      expect(byPath[p], p).toBeDefined();
      const { PathPattern: _p, ...rest } = byPath[p];
      const { PathPattern: _a, ...apiRest } = api;
      expect(rest, p).toEqual(apiRest);
      expect(byPath[p].CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad'); // Managed-CachingDisabled
      expect(byPath[p].OriginRequestPolicyId).toBe('b689b0a8-53d0-40ab-baf2-68738e2966ac'); // Managed-AllViewerExceptHostHeader
      expect(byPath[p].ViewerProtocolPolicy).toBe('https-only');
    }
  });
});

describe('the hosted-UI domain prefix', () => {
  it('defaults to <stack name>-<account>, lowercased', () => {
    const stack = new Stack(new App(), 'LivingEvidence-Curation', { env: { account: '123456789012', region: 'eu-west-1' } });
    expect(defaultDomainPrefix(stack)).toBe('livingevidence-curation-123456789012');
    expect(validateDomainPrefix(defaultDomainPrefix(stack))).toBe('livingevidence-curation-123456789012');
  });
  it('refuses prefixes Cognito would refuse, naming the context key', () => {
    expect(() => validateDomainPrefix('Curators')).toThrow(/cognitoDomainPrefix "Curators"/);
    expect(() => validateDomainPrefix('-curators')).toThrow(/lowercase letters, digits and hyphens/);
    expect(() => validateDomainPrefix('x'.repeat(64))).toThrow(/1-63/);
    expect(() => validateDomainPrefix('my-cognito-login')).toThrow(/aws, amazon or cognito/);
    expect(() => createApp({ bundle: false, loadCdkJson: true, outdir: tempDir('infra-prefix-'), context: { cognitoDomainPrefix: 'aws-curators' } })).toThrow(/cognitoDomainPrefix "aws-curators"/);
  });
});

describe('a staging stage beside production (context stage=staging)', () => {
  it('names every stack and every named resource with the stage, and none with prod', () => {
    const stacks = result.assembly!.stacks.map((st) => st.stackName).sort();
    expect(stacks).toEqual(STACKS.map((s) => `LivingEvidence-staging-${s}`).sort());
    /** Physical-name properties of the resources that have one (a fixed one would collide with prod's). */
    const NAME_PROPS = ['BucketName', 'UserPoolName', 'Name', 'TableName', 'QueueName', 'DashboardName', 'QueryDefinitionName', 'FunctionName', 'TopicName', 'LogGroupName'];
    const SCOPED = new Set(['AWS::ApiGatewayV2::Authorizer', 'AWS::ApiGatewayV2::Route', 'AWS::ApiGatewayV2::Stage', 'AWS::Lambda::Permission', 'AWS::Lambda::EventSourceMapping']);
    let named = 0;
    for (const s of STACKS) {
      for (const [id, res] of Object.entries(t[s].toJSON().Resources as Record<string, { Type: string; Properties?: Record<string, unknown> }>)) {
        for (const prop of NAME_PROPS) {
          const v = res.Properties?.[prop];
          if (v === undefined || (typeof v === 'object' && v !== null && !('Fn::Join' in v))) continue;
          const text = JSON.stringify(v);
          // Names scoped inside their parent (an API's authorizer) cannot collide across stages; CDK
          // names CloudFront Functions `<region><stack name, truncated><hash of the construct path>`:
          // the path holds the stack name, so the hash differs per stage.
          if (SCOPED.has(res.Type)) continue;
          if (res.Type === 'AWS::CloudFront::Function') {
            expect(text, `${s}/${id}`).toMatch(/LivingEvidence-s[A-Za-z]+[0-9A-F]{8}/);
            continue;
          }
          named++;
          expect(text, `${s}/${id}.${prop}`).toMatch(/staging/);
          expect(text, `${s}/${id}.${prop}`).not.toMatch(/-prod-|\/prod\b/);
        }
      }
      const budget = t[s].findResources('AWS::Budgets::Budget');
      for (const b of Object.values(budget)) expect((b as { Properties: { Budget: { BudgetName: string } } }).Properties.Budget.BudgetName).toMatch(/staging/);
    }
    expect(named).toBeGreaterThan(3);
    // The app's metrics and alarms live in the stage's own namespace.
    for (const a of Object.values(t.Operations.findResources('AWS::CloudWatch::Alarm')) as { Properties: { Namespace?: string } }[]) {
      if (a.Properties.Namespace && !a.Properties.Namespace.startsWith('AWS/')) expect(a.Properties.Namespace).toBe('LivingEvidence/staging');
    }
  });

  it('the site build publishes with SITE_URL on the custom domain (feed and canonical links), and CloudFront serves that name', () => {
    t.Analysis.hasResourceProperties('AWS::Lambda::Function', {
      Handler: 'functions/publish/handler.handler',
      Environment: { Variables: Match.objectLike({ SITE_URL: `https://${DOMAIN}` }) },
    });
    t.Site.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ Aliases: [DOMAIN], ViewerCertificate: Match.objectLike({ AcmCertificateArn: Match.stringLikeRegexp('^arn:aws:acm:us-east-1:') }) }),
    });
  });
});
