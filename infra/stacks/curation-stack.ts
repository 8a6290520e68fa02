/**
 * Curation: HTTP API → the Hono Lambda (functions/curation-api/handler.ts), a Cognito user pool
 * with the groups `curators` and `leads`, the pool's hosted UI (a Cognito domain) for browser
 * sign-in, stage throttling and JSON access logs.
 *
 * Sign-in. The app client `curation-ui` is a PUBLIC client (no secret) using the OAuth 2.0
 * authorization code grant; the app always sends a PKCE S256 challenge (and state + nonce). The
 * callback is `<public base>/curate/callback`, the sign-out URL `<public base>/curate/signin`,
 * where the public base is the custom site domain when one is configured (CloudFront then routes
 * /curate to this API), else the API's own execute-api endpoint.
 *
 * Routes. API Gateway has NO authorizer: the app verifies every token itself (jose: RS256
 * signature against the pool's JWKS, issuer, audience/client id, expiry, `cognito:groups`),
 * whether it comes as `Authorization: Bearer` or in the HttpOnly `curate_session` cookie — the
 * curator UI's browser calls to /api carry only the cookie, which a JWT authorizer cannot read.
 *  - public: GET /api/health, /api/openapi.json, /api/reviews, /api/reviews/{reviewId};
 *  - app-verified: ANY /api/{proxy+} (every curator route; 401/403 from the app);
 *  - UI: GET /curate, GET /curate/{proxy+} (pages redirect to /curate/signin without a session;
 *    /curate/login, /curate/callback, /curate/logout run the hosted-UI flow).
 * Anything else is 404 at the gateway without invoking the Lambda.
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpRoute,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import {
  AccountRecovery,
  FeaturePlan,
  ManagedLoginVersion,
  Mfa,
  OAuthScope,
  StandardThreatProtectionMode,
  UserPool,
  UserPoolClient,
  UserPoolClientIdentityProvider,
  UserPoolDomain,
  UserPoolGroup,
} from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { AppFunction } from '../constructs/lambda.js';
import { acknowledge } from '../nag.js';

export interface CurationStackProps extends StackProps {
  table: ITable;
  /**
   * The custom site domain (context `domainName`, with `certificateArn`): CloudFront serves
   * /curate there, so the OAuth callback and sign-out URLs use it. Default: the API endpoint.
   */
  siteDomainName?: string;
  /** Prefix of the hosted-UI domain (context `cognitoDomainPrefix`); default defaultDomainPrefix(). */
  cognitoDomainPrefix?: string;
}

/** Routes that anyone may call (published reviews, health, the OpenAPI document). */
export const PUBLIC_ROUTES: { method: HttpMethod; path: string }[] = [
  { method: HttpMethod.GET, path: '/api/health' },
  { method: HttpMethod.GET, path: '/api/openapi.json' },
  { method: HttpMethod.GET, path: '/api/reviews' },
  { method: HttpMethod.GET, path: '/api/reviews/{reviewId}' },
];
/** Curator API routes: the app verifies the Bearer token or the session cookie (401/403). */
export const APP_VERIFIED_ROUTES: { method: HttpMethod; path: string }[] = [
  { method: HttpMethod.ANY, path: '/api/{proxy+}' },
];
/** The curator UI and its sign-in flow (pages check the session cookie themselves). */
export const UI_ROUTES: { method: HttpMethod; path: string }[] = [
  { method: HttpMethod.GET, path: '/curate' },
  { method: HttpMethod.GET, path: '/curate/{proxy+}' },
];
export const API_THROTTLE = { rateLimit: 50, burstLimit: 100 };
export const OAUTH_CALLBACK_PATH = '/curate/callback';
export const OAUTH_SIGNED_OUT_PATH = '/curate/signin';

const RESERVED_IN_PREFIX = /aws|amazon|cognito/;

/** A Cognito domain prefix: 1–63 lowercase letters, digits and inner hyphens, no reserved words. */
export function validateDomainPrefix(prefix: string): string {
  if (!/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(prefix))
    throw new Error(`cognitoDomainPrefix "${prefix}": use 1-63 lowercase letters, digits and hyphens (not at either end)`);
  if (RESERVED_IN_PREFIX.test(prefix)) throw new Error(`cognitoDomainPrefix "${prefix}": Cognito refuses prefixes containing aws, amazon or cognito`);
  return prefix;
}

/**
 * Default hosted-UI prefix: `<stack name>-<account>`, lowercased (e.g.
 * `livingevidence-curation-123456789012`). Prefixes are unique per region across all of AWS;
 * the account id makes this one unique, the stack name says what it is.
 */
export function defaultDomainPrefix(stack: Stack): string {
  const name = stack.stackName.toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/^-+|-+$/g, '').slice(0, 50);
  return `${name}-${stack.account}`;
}

export class CurationStack extends Stack {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly userPool: UserPool;
  readonly userPoolClient: UserPoolClient;
  readonly userPoolDomain: UserPoolDomain;
  /** https://<custom site domain> or the API endpoint: where /curate is served. */
  readonly publicBaseUrl: string;
  readonly fn: AppFunction;

  constructor(scope: Construct, id: string, props: CurationStackProps) {
    super(scope, id, props);

    this.userPool = new UserPool(this, 'Curators', {
      userPoolName: 'living-evidence-curators',
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      signInCaseSensitive: false,
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    new UserPoolGroup(this, 'LeadsGroup', {
      userPool: this.userPool,
      groupName: 'leads',
      description: 'Review leads: define reviews, resolve screening conflicts',
      precedence: 1,
    });
    new UserPoolGroup(this, 'CuratorsGroup', {
      userPool: this.userPool,
      groupName: 'curators',
      description: 'Curators: screen candidates and extract data',
      precedence: 10,
    });
    const prefix = props.cognitoDomainPrefix ? validateDomainPrefix(props.cognitoDomainPrefix) : defaultDomainPrefix(this);
    this.userPoolDomain = this.userPool.addDomain('HostedUi', {
      cognitoDomain: { domainPrefix: prefix },
      managedLoginVersion: ManagedLoginVersion.CLASSIC_HOSTED_UI,
    });

    this.api = new HttpApi(this, 'HttpApi', {
      apiName: 'living-evidence-curation',
      description: 'Living evidence curation API',
      createDefaultStage: false,
    });
    /** Where curators reach /curate: the custom site domain (via CloudFront) or the API itself. */
    this.publicBaseUrl = props.siteDomainName ? `https://${props.siteDomainName}` : this.api.apiEndpoint;
    const callbackUrl = `${this.publicBaseUrl}${OAUTH_CALLBACK_PATH}`;
    const signedOutUrl = `${this.publicBaseUrl}${OAUTH_SIGNED_OUT_PATH}`;

    // Public client + PKCE: the Lambda would be the only holder of a client secret, but PKCE
    // already binds the code to the browser that started the sign-in, and a public client has no
    // secret to store, rotate or leak (see docs/deploy.md).
    this.userPoolClient = this.userPool.addClient('CurationUi', {
      userPoolClientName: 'curation-ui',
      generateSecret: false,
      // SRP stays for scripts that want a Bearer token without a browser.
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: [callbackUrl],
        logoutUrls: [signedOutUrl],
      },
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });

    this.fn = new AppFunction(this, 'CurationApi', {
      entry: 'functions/curation-api/handler.ts',
      description: 'Curation API (Hono) behind the HTTP API',
      memorySize: 1024,
      timeout: Duration.seconds(15),
      environment: {
        COGNITO_ISSUER: this.userPool.userPoolProviderUrl,
        COGNITO_USER_POOL_ID: this.userPool.userPoolId,
        COGNITO_CLIENT_ID: this.userPoolClient.userPoolClientId,
        COGNITO_DOMAIN: this.userPoolDomain.baseUrl(),
        OAUTH_REDIRECT_URI: callbackUrl,
        OAUTH_LOGOUT_URI: signedOutUrl,
      },
    });
    this.fn.bindTable(props.table, 'readWrite');

    const integration = new HttpLambdaIntegration('CurationApiIntegration', this.fn.fn);
    const reasons: [{ method: HttpMethod; path: string }[], string][] = [
      [PUBLIC_ROUTES, 'is part of the public, read-only surface (published reviews, health, OpenAPI document).'],
      [
        APP_VERIFIED_ROUTES,
        'is verified by the app, not the gateway: the curator UI authenticates its /api calls with the HttpOnly session cookie, which a JWT authorizer cannot read; the Lambda checks Bearer token or cookie (RS256 signature against the pool JWKS, issuer, client id, expiry, cognito:groups) on every curator route and answers 401/403. The stage throttle bounds unauthenticated calls.',
      ],
      [
        UI_ROUTES,
        'serves the curator UI and its Cognito hosted-UI sign-in (login, OAuth callback, logout): these must be reachable before sign-in; every page checks the session cookie in the app and redirects to the signed-out page without one.',
      ],
    ];
    for (const [routes, reason] of reasons) {
      for (const r of routes) {
        const [route] = this.api.addRoutes({
          path: r.path,
          methods: [r.method],
          integration,
          authorizer: new HttpNoneAuthorizer(),
        }) as HttpRoute[];
        acknowledge(route, 'AwsSolutions-APIG4', `${r.method} ${r.path} ${reason}`);
      }
    }

    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      retention: RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: API_THROTTLE,
      // Per-route metrics are billed as custom metrics; the API-level ones are enough here.
      detailedMetricsEnabled: false,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            method: '$context.httpMethod',
            routeKey: '$context.routeKey',
            path: '$context.path',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClient.userPoolClientId });
    new CfnOutput(this, 'ApiEndpoint', { value: this.api.apiEndpoint });
    new CfnOutput(this, 'CurateUrl', { value: `${this.publicBaseUrl}/curate`, description: 'The curator UI (sign in here)' });
    new CfnOutput(this, 'HostedUiDomain', { value: this.userPoolDomain.baseUrl(), description: 'The Cognito hosted UI (user-pool domain)' });
  }
}
