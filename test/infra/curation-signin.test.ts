/**
 * Curator sign-in with a custom site domain and a chosen hosted-UI prefix: the Cognito callback
 * and sign-out URLs move to the site domain, CloudFront routes /curate there to the HTTP API, and
 * the app still synthesises with zero cdk-nag findings. (The default — no custom domain — is
 * checked in app.test.ts.)
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
    },
  });
  result = synthWithReport(built.app);
  if (!result.assembly) throw new Error(`synth failed: ${result.error}`);
  for (const s of ['Curation', 'Site']) t[s] = templateOf(result.assembly, `LivingEvidence-prod-${s}`);
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
