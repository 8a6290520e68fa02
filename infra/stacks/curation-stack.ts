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
 * Routes: deny by default, twice. At the gateway every route that is not on the app's one public
 * list (functions/curation-api/access.ts: health, OpenAPI, the published reviews, the sign-in flow
 * and UI assets) has a Lambda REQUEST authorizer (functions/authorizer) that accepts the Bearer
 * token or the HttpOnly `curate_session` cookie — the curator UI's browser calls carry only the
 * cookie, which a JWT authorizer cannot read — and verifies it with the app's own verifier; an
 * unauthenticated call never reaches the API Lambda. In the app the same list is enforced again.
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
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { MAX_RECEIVES as IMPORT_MAX_RECEIVES, SAFETY_MS as IMPORT_SAFETY_MS } from '../../functions/import-worker/limits.js';
import { QUEUE_DEFAULTS, deadLetterQueue } from '../queues.js';
import { bucketName } from './data-stack.js';
import { PUBLIC_ROUTES as ACCESS_PUBLIC_ROUTES } from '../../functions/curation-api/access.js';
import { resourceName } from '../stage.js';
import { AppFunction } from '../constructs/lambda.js';
import { acknowledge, objectArnFinding } from '../nag.js';

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

/** Routes anyone may call: THE public list of the app (functions/curation-api/access.ts). */
export const PUBLIC_ROUTES: { method: HttpMethod; path: string }[] = ACCESS_PUBLIC_ROUTES.map((r) => ({ method: r.method as HttpMethod, path: r.path }));
/** Every other route: the Lambda REQUEST authorizer (Bearer token or session cookie) at the gateway. */
export const PRIVATE_ROUTES: { method: HttpMethod; path: string }[] = [
  { method: HttpMethod.ANY, path: '/api/{proxy+}' },
  { method: HttpMethod.GET, path: '/curate' },
  { method: HttpMethod.ANY, path: '/curate/{proxy+}' },
];
/** The gateway cannot cache an either-header-or-cookie authorizer: the function caches (functions/authorizer). */
export const AUTHORIZER_CACHE_TTL = Duration.seconds(0);
export const API_THROTTLE = { rateLimit: 50, burstLimit: 100 };
export const OAUTH_CALLBACK_PATH = '/curate/callback';
export const OAUTH_SIGNED_OUT_PATH = '/curate/signin';

/**
 * The import worker (functions/import-worker): one job step per SQS message. Its timeout leaves the
 * worker's SAFETY_MS margin many times over; the queue's visibility timeout is AWS's ≥ 6 × the
 * function timeout, and its maxReceiveCount is the handler's MAX_RECEIVES (on that receive a failure
 * marks the job failed before the message goes to the dead-letter queue).
 */
export const IMPORT_WORKER_TIMEOUT = Duration.minutes(5);
export const IMPORT_QUEUE_MAX_RECEIVES = IMPORT_MAX_RECEIVES;
if (IMPORT_WORKER_TIMEOUT.toMilliseconds() < 5 * IMPORT_SAFETY_MS) throw new Error('IMPORT_WORKER_TIMEOUT must leave room for several chunks before SAFETY_MS');
/**
 * Exactly the DynamoDB actions the worker's code sends (functions/import-worker/worker.ts through
 * CurationStore and ImportJobStore): Get/BatchGet/Query on the base table (no index), Put (the
 * candidate, its event and identifier claims, in transactions) and Update (job checkpoint, plans).
 */
/**
 * The table actions the curation API's code sends: Get, BatchGet, Query (table and indexes); Put,
 * Update, BatchWrite (import-job items) and TransactWrite of Puts (authorised as PutItem). No Scan,
 * Delete, ConditionCheck or DescribeTable.
 */
export const CURATION_API_TABLE_READS = ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'];
export const CURATION_API_TABLE_WRITES = ['dynamodb:BatchWriteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'];
export const IMPORT_WORKER_TABLE_READS = ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query'];
export const IMPORT_WORKER_TABLE_WRITES = ['dynamodb:PutItem', 'dynamodb:UpdateItem'];
/** The snapshot objects the curation API reads: each review's latest published version. */
export const CURATION_SNAPSHOT_KEYS = { prefix: 'snapshots/', suffix: '/latest.json' } as const;

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
  readonly authorizerFn: AppFunction;
  readonly authorizer: HttpLambdaAuthorizer;
  readonly importQueue: Queue;
  readonly importDlq: Queue;
  readonly importWorker: AppFunction;

  constructor(scope: Construct, id: string, props: CurationStackProps) {
    super(scope, id, props);

    this.userPool = new UserPool(this, 'Curators', {
      userPoolName: resourceName(this, 'curators'),
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
      apiName: resourceName(this, 'curation'),
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

    // ---- import jobs: the API enqueues, the import-worker Lambda runs them (same worker code as locally) ----
    this.importDlq = deadLetterQueue(this, 'ImportDlq', `the import queue (job steps that failed ${IMPORT_QUEUE_MAX_RECEIVES} times; the job is then marked failed)`);
    this.importQueue = new Queue(this, 'ImportQueue', {
      ...QUEUE_DEFAULTS,
      visibilityTimeout: Duration.seconds(6 * IMPORT_WORKER_TIMEOUT.toSeconds()),
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.importDlq, maxReceiveCount: IMPORT_QUEUE_MAX_RECEIVES },
    });
    // Referenced by its deterministic name (see bucketName): no cross-stack token in IAM.
    const snapshotBucket = Bucket.fromBucketName(this, 'SnapshotBucketRef', bucketName(this, 'snapshots'));

    this.fn = new AppFunction(this, 'CurationApi', {
      entry: 'functions/curation-api/handler.ts',
      description: 'Curation API (Hono) behind the HTTP API',
      memorySize: 1024,
      timeout: Duration.seconds(15),
      environment: {
        COGNITO_ISSUER: this.userPool.userPoolProviderUrl,
        COGNITO_CLIENT_ID: this.userPoolClient.userPoolClientId,
        COGNITO_DOMAIN: this.userPoolDomain.baseUrl(),
        OAUTH_REDIRECT_URI: callbackUrl,
        OAUTH_LOGOUT_URI: signedOutUrl,
        IMPORT_QUEUE_URL: this.importQueue.queueUrl,
        SNAPSHOT_BUCKET: snapshotBucket.bucketName,
      },
    });
    this.fn.bindTable(props.table, 'readWrite', undefined, CURATION_API_TABLE_READS, CURATION_API_TABLE_WRITES);
    // Enqueue import jobs: SendMessage on the import queue, nothing else of SQS.
    this.fn.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.importQueue.queueArn] }));
    // The GRADE page reads each review's latest published version; read only, latest.json only.
    this.fn.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['s3:GetObject'], resources: [snapshotBucket.arnForObjects(`${CURATION_SNAPSHOT_KEYS.prefix}*${CURATION_SNAPSHOT_KEYS.suffix}`)] }),
    );
    // Without ListBucket S3 answers 403 instead of 404 for a review that has no version yet (the
    // page then computes the outcomes itself). Unconditional: a GetObject request carries no
    // s3:prefix key, so a prefix condition would not apply to it; the bucket holds only snapshots.
    this.fn.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:ListBucket'], resources: [snapshotBucket.bucketArn] }));
    acknowledge(
      this.fn.role,
      objectArnFinding(this, 'snapshots', CURATION_SNAPSHOT_KEYS.prefix, CURATION_SNAPSHOT_KEYS.suffix),
      'The GRADE page reads the latest published version of any review (snapshots/<review>/latest.json, read only); review ids are data, so the key needs a wildcard for the review segment.',
    );

    this.importWorker = new AppFunction(this, 'ImportWorker', {
      entry: 'functions/import-worker/handler.ts',
      description: 'Runs import jobs from the import queue, chunk by chunk from the job checkpoint',
      memorySize: 512,
      timeout: IMPORT_WORKER_TIMEOUT,
      environment: { IMPORT_QUEUE_URL: this.importQueue.queueUrl },
    });
    this.importWorker.bindTable(props.table, 'readWrite', [], IMPORT_WORKER_TABLE_READS, IMPORT_WORKER_TABLE_WRITES);
    // A job that runs out of time queues its own continuation.
    this.importWorker.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.importQueue.queueArn] }));
    // One message per invocation: the worker checks its remaining time between chunks of ONE job,
    // and reports a failed step as a batch item failure (processImportBatch → batchItemFailures).
    this.importWorker.fn.addEventSource(new SqsEventSource(this.importQueue, { batchSize: 1, reportBatchItemFailures: true }));

    this.authorizerFn = new AppFunction(this, 'Authorizer', {
      entry: 'functions/authorizer/handler.ts',
      description: 'API Gateway REQUEST authorizer: Bearer token or session cookie, verified as the app does',
      memorySize: 256,
      timeout: Duration.seconds(5),
      environment: {
        COGNITO_ISSUER: this.userPool.userPoolProviderUrl,
        COGNITO_CLIENT_ID: this.userPoolClient.userPoolClientId,
      },
    });
    this.authorizer = new HttpLambdaAuthorizer('SessionAuthorizer', this.authorizerFn.fn, {
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      // Either the Authorization header or the cookie: no identity source is always present, so the
      // gateway invokes the authorizer on every request and the function caches verified tokens.
      identitySource: [],
      resultsCacheTtl: AUTHORIZER_CACHE_TTL,
    });

    const integration = new HttpLambdaIntegration('CurationApiIntegration', this.fn.fn);
    for (const r of PUBLIC_ROUTES) {
      const [route] = this.api.addRoutes({ path: r.path, methods: [r.method], integration, authorizer: new HttpNoneAuthorizer() }) as HttpRoute[];
      acknowledge(
        route,
        'AwsSolutions-APIG4',
        `${r.method} ${r.path} is on the app's one public list (functions/curation-api/access.ts): the published reviews, health, the OpenAPI document, or the sign-in flow and assets that must work before sign-in.`,
      );
    }
    for (const r of PRIVATE_ROUTES) this.api.addRoutes({ path: r.path, methods: [r.method], integration, authorizer: this.authorizer });

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
    new CfnOutput(this, 'ImportQueueUrl', { value: this.importQueue.queueUrl });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClient.userPoolClientId });
    new CfnOutput(this, 'ApiEndpoint', { value: this.api.apiEndpoint });
    new CfnOutput(this, 'CurateUrl', { value: `${this.publicBaseUrl}/curate/signin`, description: 'The curator UI (sign in here)' });
    new CfnOutput(this, 'HostedUiDomain', { value: this.userPoolDomain.baseUrl(), description: 'The Cognito hosted UI (user-pool domain)' });
  }
}
