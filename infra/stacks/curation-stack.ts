/**
 * Curation: HTTP API → the Hono Lambda (functions/curation-api/handler.ts), a Cognito user pool
 * with the groups `curators` and `leads`, a JWT authorizer on every non-public route, stage
 * throttling and JSON access logs.
 *
 * Routes. Public (no authorizer): GET /api/health, GET /api/openapi.json, GET /api/reviews,
 * GET /api/reviews/{reviewId} (one path segment only: /api/reviews/x/queue and every other curator
 * route fall to the protected catch-all, and the app checks the token again). Everything else under /api (`ANY /api/{proxy+}`) needs a valid
 * Cognito access/ID token; API Gateway passes its claims (including `cognito:groups`) to the
 * Lambda, which decides curator vs lead permissions.
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
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import {
  AccountRecovery,
  FeaturePlan,
  Mfa,
  StandardThreatProtectionMode,
  UserPool,
  UserPoolClient,
  UserPoolGroup,
} from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { AppFunction } from '../constructs/lambda.js';
import { acknowledge } from '../nag.js';

export interface CurationStackProps extends StackProps {
  table: ITable;
}

/** Routes that anyone may call (the brief's public surface); every other route needs a JWT. */
export const PUBLIC_ROUTES: { method: HttpMethod; path: string }[] = [
  { method: HttpMethod.GET, path: '/api/health' },
  { method: HttpMethod.GET, path: '/api/openapi.json' },
  { method: HttpMethod.GET, path: '/api/reviews' },
  { method: HttpMethod.GET, path: '/api/reviews/{reviewId}' },
];
export const PROTECTED_ROUTES: { method: HttpMethod; path: string }[] = [
  { method: HttpMethod.ANY, path: '/api/{proxy+}' },
];
export const API_THROTTLE = { rateLimit: 50, burstLimit: 100 };

export class CurationStack extends Stack {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly userPool: UserPool;
  readonly userPoolClient: UserPoolClient;
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
    this.userPoolClient = this.userPool.addClient('CurationUi', {
      userPoolClientName: 'curation-ui',
      generateSecret: false,
      authFlows: { userSrp: true },
      disableOAuth: true,
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
      },
    });
    this.fn.bindTable(props.table, 'readWrite');

    const authorizer = new HttpUserPoolAuthorizer('CognitoJwt', this.userPool, {
      userPoolClients: [this.userPoolClient],
      authorizerName: 'cognito-jwt',
    });
    this.api = new HttpApi(this, 'HttpApi', {
      apiName: 'living-evidence-curation',
      description: 'Living evidence curation API',
      createDefaultStage: false,
      defaultAuthorizer: authorizer,
    });
    const integration = new HttpLambdaIntegration('CurationApiIntegration', this.fn.fn);

    for (const r of PROTECTED_ROUTES) {
      // Inherits the default (JWT) authorizer.
      this.api.addRoutes({ path: r.path, methods: [r.method], integration });
    }
    for (const r of PUBLIC_ROUTES) {
      const [route] = this.api.addRoutes({
        path: r.path,
        methods: [r.method],
        integration,
        authorizer: new HttpNoneAuthorizer(),
      }) as HttpRoute[];
      acknowledge(
        route,
        'AwsSolutions-APIG4',
        `${r.method} ${r.path} is part of the public, read-only surface (published reviews, health, OpenAPI document).`,
      );
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
            authorizerError: '$context.authorizer.error',
            sub: '$context.authorizer.claims.sub',
          }),
        ),
      },
    });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClient.userPoolClientId });
    new CfnOutput(this, 'ApiEndpoint', { value: this.api.apiEndpoint });
  }
}
