/**
 * Site: the static dashboard in a private S3 bucket behind CloudFront with origin access control,
 * a security response-headers policy (CSP, HSTS, frame options, content-type options), compression,
 * the Atom feed and the downloads with the right content types, and `/api/*` routed to the
 * curation HTTP API (same origin: no CORS, one CSP). With a custom domain, `/curate` and
 * `/curate/*` (the curator UI and its Cognito sign-in callback) go to the API too; without one
 * the curator UI lives at the API's own endpoint (the Cognito callback URL must be known before
 * this stack exists, and a *.cloudfront.net name is not).
 */
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  Function as CfFunction,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
  type BehaviorOptions,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { AccessLevel } from 'aws-cdk-lib/aws-cloudfront';
import { Bucket, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { DOWNLOAD_CONTENT_TYPES, INDEX_REWRITE } from '../edge-functions.js';
import { acknowledge } from '../nag.js';
import { PRIVATE_BUCKET, bucketName, logBucket } from './data-stack.js';

export interface SiteStackProps extends StackProps {
  api: HttpApi;
  /** Optional custom domain; needs an ACM certificate in us-east-1. */
  domainName?: string;
  certificateArn?: string;
}

export function contentSecurityPolicy(region: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self' https://cognito-idp.${region}.amazonaws.com`,
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
    'upgrade-insecure-requests',
  ].join('; ');
}

/** The curator UI's paths, routed to the API when the site has a custom domain. */
export const CURATE_PATHS = ['/curate', '/curate/*'];

/** Paths served with a short cache and fixed content types (feed and downloads). */
export const DOWNLOAD_PATHS = ['/feed.xml', '/data/*', '*.csv'];

export class SiteStack extends Stack {
  readonly bucket: Bucket;
  readonly distribution: Distribution;

  constructor(scope: Construct, id: string, props: SiteStackProps) {
    super(scope, id, props);

    const logs = logBucket(this, 'SiteLogs', { acls: true });

    this.bucket = new Bucket(this, 'SiteBucket', {
      bucketName: bucketName(this, 'site'),
      ...PRIVATE_BUCKET,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 's3/site/',
      lifecycleRules: [
        { id: 'old-versions', noncurrentVersionExpiration: Duration.days(30), abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      // The site is rebuilt from the snapshots on every publish; `cdk destroy` empties it first.
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });

    const headers = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'CSP, HSTS, frame and content-type options for the dashboard and the API',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: contentSecurityPolicy(this.region), override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          preload: true,
          override: true,
        },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        contentTypeOptions: { override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [
          { header: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=()', override: true },
        ],
      },
    });

    const indexRewrite = new CfFunction(this, 'IndexRewrite', {
      comment: 'dir/ and dir → dir/index.html',
      runtime: FunctionRuntime.JS_2_0,
      code: FunctionCode.fromInline(INDEX_REWRITE),
    });
    const downloadTypes = new CfFunction(this, 'DownloadContentTypes', {
      comment: 'Content-Type of the Atom feed, JSON and CSV downloads',
      runtime: FunctionRuntime.JS_2_0,
      code: FunctionCode.fromInline(DOWNLOAD_CONTENT_TYPES),
    });

    const s3Origin = S3BucketOrigin.withOriginAccessControl(this.bucket, {
      // LIST lets S3 answer 404 (not 403) for a missing page.
      originAccessLevels: [AccessLevel.READ, AccessLevel.LIST],
    });
    const apiOrigin = new HttpOrigin(`${props.api.apiId}.execute-api.${this.region}.${this.urlSuffix}`, {
      protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [OriginSslPolicy.TLS_V1_2],
    });

    const downloadsCache = new CachePolicy(this, 'DownloadsCache', {
      comment: 'Feed and downloads: short TTL, they change on every publish',
      defaultTtl: Duration.minutes(5),
      minTtl: Duration.seconds(0),
      maxTtl: Duration.hours(1),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    const downloads: BehaviorOptions = {
      origin: s3Origin,
      viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      cachePolicy: downloadsCache,
      responseHeadersPolicy: headers,
      compress: true,
      functionAssociations: [{ eventType: FunctionEventType.VIEWER_RESPONSE, function: downloadTypes }],
    };

    const custom = props.domainName && props.certificateArn;
    const apiBehaviour: BehaviorOptions = {
      origin: apiOrigin,
      viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
      allowedMethods: AllowedMethods.ALLOW_ALL,
      cachePolicy: CachePolicy.CACHING_DISABLED,
      // Forwards cookies (the curator session) and query strings (the OAuth code and state).
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: headers,
      compress: true,
    };
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'Living evidence dashboard',
      defaultRootObject: 'index.html',
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: logs,
      logFilePrefix: 'cloudfront/',
      ...(custom
        ? {
            domainNames: [props.domainName!],
            certificate: Certificate.fromCertificateArn(this, 'Certificate', props.certificateArn!),
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
      defaultBehavior: {
        origin: s3Origin,
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: headers,
        compress: true,
        functionAssociations: [{ eventType: FunctionEventType.VIEWER_REQUEST, function: indexRewrite }],
      },
      additionalBehaviors: {
        '/api/*': apiBehaviour,
        ...(custom ? Object.fromEntries(CURATE_PATHS.map((p) => [p, apiBehaviour])) : {}),
        ...Object.fromEntries(DOWNLOAD_PATHS.map((p) => [p, downloads])),
      },
    });

    acknowledge(
      this.distribution.node.findChild('Origin1'),
      'Annotation::@aws-cdk/aws-cloudfront-origins:listBucketSecurityRisk',
      'defaultRootObject is set and every directory URL is rewritten to index.html; the bucket holds only the public site, so listing reveals nothing private. LIST makes missing pages 404 instead of 403.',
    );
    if (!custom) {
      acknowledge(
        this.distribution,
        'AwsSolutions-CFR4',
        'Without a custom domain CloudFront serves its default *.cloudfront.net certificate, whose security policy cannot be changed; pass -c domainName=… -c certificateArn=… to enforce TLSv1.2_2021.',
      );
    }
    acknowledge(
      this.distribution,
      'AwsSolutions-CFR1',
      'Published evidence summaries are meant for a worldwide public; no geographic restriction applies.',
    );
    acknowledge(
      this.distribution,
      'AwsSolutions-CFR2',
      'Static public pages; the only dynamic paths (/api/*, and /curate with a custom domain) are throttled at the API stage, and every curator route verifies a Cognito token (Bearer or session cookie) in the app. A WAF web ACL (≈ $6/month minimum) can be attached via webAclId when needed.',
    );
    const autoDelete = this.node.tryFindChild('Custom::S3AutoDeleteObjectsCustomResourceProvider');
    if (autoDelete) {
      acknowledge(autoDelete, 'AwsSolutions-IAM4', 'CDK\'s own provider that empties the site buckets before `cdk destroy` (autoDeleteObjects) uses the basic Lambda execution policy.');
      acknowledge(autoDelete, 'AwsSolutions-L1', 'CDK\'s own autoDeleteObjects provider: its runtime is chosen by aws-cdk-lib, not by this app.');
    }
    new CfnOutput(this, 'SiteUrl', { value: `https://${this.distribution.distributionDomainName}` });
    new CfnOutput(this, 'DistributionId', { value: this.distribution.distributionId });
    new CfnOutput(this, 'SiteBucketName', { value: this.bucket.bucketName });
  }
}
