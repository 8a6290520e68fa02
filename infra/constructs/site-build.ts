/**
 * The CodeBuild project that builds the Astro dashboard and publishes it. A Lambda cannot run the
 * build (Astro/Vite/rollup native binaries, minutes of CPU), so the publish Lambda only starts this
 * project (functions/publish/handler.ts).
 *
 *  - source: an S3 asset of the repository (uploaded by `cdk deploy`; node_modules, local data,
 *    build output, fixtures and VCS folders excluded), so a build runs exactly the deployed code,
 *  - image: AWS-managed Ubuntu standard 7.0, Node.js 22 (runtime-versions), not privileged,
 *  - buildspec (inline): `npm ci` → sync the snapshot bucket into .data/snapshots →
 *    `npm run build:site` → unless a newer build of the project exists (it read newer snapshots
 *    and will upload them itself), upload with explicit content types for the Atom feed, JSON and
 *    CSV, `s3 sync --delete`, then a CloudFront invalidation of `/*`,
 *  - its own role: read the snapshot bucket, write/delete in the site bucket, invalidate the one
 *    distribution, list its own builds; artifacts encrypted with a customer-managed KMS key
 *    (rotation on; cdk-nag CB4), logs in its own log group with a retention,
 *  - timeout 20 min, queued timeout 1 h, up to 2 automatic retries of a failed build.
 */
import { CfnResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import {
  BuildSpec,
  ComputeType,
  LinuxBuildImage,
  Project,
  Source,
} from 'aws-cdk-lib/aws-codebuild';
import type { IDistribution } from 'aws-cdk-lib/aws-cloudfront';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { acknowledge, objectArnFinding } from '../nag.js';
import { REPO_ROOT } from './lambda.js';

/** Fixed so that the project's own role can name it without a reference to itself. */
export const SITE_BUILD_PROJECT_NAME = 'living-evidence-site-build';

/** What never goes into the source asset (glob patterns; a bare name matches at any depth). */
export const SOURCE_EXCLUDES = [
  'node_modules',
  '.git',
  '.data',
  '.test-data',
  'cdk.out',
  'site/dist',
  'site/.astro',
  'site-out',
  '.scratch',
  '.tmp-*',
  'coverage',
  'test/fixtures',
  '*.log',
  '.env',
  '.env.*',
];

export const SNAPSHOT_DIR = '.data/snapshots';
export const SITE_OUT_DIR = 'site-out';

/** Content types that `aws s3 sync` would guess wrongly (or not at all). */
export const TYPED_UPLOADS: { include: string; contentType: string }[] = [
  { include: 'feed.xml', contentType: 'application/atom+xml; charset=utf-8' },
  { include: '*.json', contentType: 'application/json; charset=utf-8' },
  { include: '*.csv', contentType: 'text/csv; charset=utf-8' },
];

export interface SiteBuildProps {
  snapshotBucket: IBucket;
  siteBucket: IBucket;
  distribution: IDistribution;
  siteUrl: string;
}

/**
 * The upload step: one shell command (`&&`-chained, so any failure fails the build), skipped when
 * a newer build of the project exists (it started later, so it read newer snapshots).
 */
function uploadScript(): string {
  const quiet = '--no-progress --only-show-errors';
  const steps = [
    // Typed uploads first; the final sync then skips them (same size, S3 copy newer) and only
    // uploads the rest and deletes what the new build no longer has.
    ...TYPED_UPLOADS.map(
      (t) =>
        `aws s3 sync "$SITE_OUT_DIR" "s3://$SITE_BUCKET" ${quiet} --exclude "*" --include "${t.include}" --content-type "${t.contentType}"`,
    ),
    `aws s3 sync "$SITE_OUT_DIR" "s3://$SITE_BUCKET" ${quiet} --delete`,
    'aws cloudfront create-invalidation --distribution-id "$DISTRIBUTION_ID" --paths "/*"',
  ];
  return [
    'NEWEST=$(aws codebuild list-builds-for-project --project-name "${CODEBUILD_BUILD_ID%%:*}" --sort-order DESCENDING --query "ids[0]" --output text) &&',
    'if [ "$NEWEST" != "$CODEBUILD_BUILD_ID" ]; then',
    '  echo "superseded by $NEWEST (started later, read newer snapshots): not uploading"',
    'else',
    `  ${steps.join(' &&\n  ')}`,
    'fi',
  ].join('\n');
}

export class SiteBuild extends Construct {
  readonly project: Project;
  readonly logGroup: LogGroup;
  readonly key: Key;
  readonly source: Asset;

  constructor(scope: Construct, id: string, props: SiteBuildProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.source = new Asset(this, 'Source', { path: REPO_ROOT, exclude: SOURCE_EXCLUDES });
    this.key = new Key(this, 'Key', {
      description: 'Encrypts the site build artifacts of CodeBuild',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.project = new Project(this, 'Project', {
      projectName: SITE_BUILD_PROJECT_NAME,
      description: 'Builds the static dashboard from the latest snapshots and publishes it to the site bucket',
      source: Source.s3({ bucket: this.source.bucket, path: this.source.s3ObjectKey }),
      environment: {
        buildImage: LinuxBuildImage.STANDARD_7_0,
        computeType: ComputeType.SMALL,
        privileged: false,
      },
      environmentVariables: {
        SNAPSHOT_BUCKET: { value: props.snapshotBucket.bucketName },
        SITE_BUCKET: { value: props.siteBucket.bucketName },
        DISTRIBUTION_ID: { value: props.distribution.distributionId },
        SITE_URL: { value: props.siteUrl },
        SNAPSHOT_DIR: { value: SNAPSHOT_DIR },
        SITE_OUT_DIR: { value: SITE_OUT_DIR },
        ASTRO_TELEMETRY_DISABLED: { value: '1' },
      },
      buildSpec: BuildSpec.fromObject({
        version: '0.2',
        env: { shell: 'bash' },
        phases: {
          install: {
            'runtime-versions': { nodejs: 22 },
            commands: ['npm ci --no-audit --no-fund'],
          },
          pre_build: {
            commands: ['mkdir -p "$SNAPSHOT_DIR"', 'aws s3 sync "s3://$SNAPSHOT_BUCKET/snapshots" "$SNAPSHOT_DIR" --no-progress --only-show-errors'],
          },
          // Build and upload in one phase: a failed build never reaches the upload.
          build: {
            commands: ['npm run build:site', uploadScript()],
          },
        },
      }),
      encryptionKey: this.key,
      logging: { cloudWatch: { logGroup: this.logGroup } },
      timeout: Duration.minutes(20),
      queuedTimeout: Duration.hours(1),
      autoRetryLimit: 2,
    });

    const role = this.project.role!;
    const snapshotObjects = props.snapshotBucket.arnForObjects('snapshots/*');
    const siteObjects = props.siteBucket.arnForObjects('*');
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['s3:ListBucket'], resources: [props.snapshotBucket.bucketArn, props.siteBucket.bucketArn] }),
    );
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:GetObject'], resources: [snapshotObjects] }));
    role.addToPrincipalPolicy(new PolicyStatement({ actions: ['s3:PutObject', 's3:DeleteObject'], resources: [siteObjects] }));
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['cloudfront:CreateInvalidation'], resources: [props.distribution.distributionArn] }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['codebuild:ListBuildsForProject'],
        resources: [stack.formatArn({ service: 'codebuild', resource: 'project', resourceName: SITE_BUILD_PROJECT_NAME })],
      }),
    );

    // ---- cdk-nag: the findings on the project role, each acknowledged by its exact id ----
    const literal = (value: string, pseudo: string): string => {
      const r = stack.resolve(value) as unknown;
      return typeof r === 'string' ? r : `<AWS::${pseudo}>`;
    };
    const partition = literal(stack.partition, 'Partition');
    const region = literal(stack.region, 'Region');
    const account = literal(stack.account, 'AccountId');
    const projectRef = `<${stack.resolve(stack.getLogicalId(this.project.node.defaultChild as CfnResource)) as string}>`;
    acknowledge(
      role,
      `AwsSolutions-IAM5[Resource::arn:${partition}:logs:${region}:${account}:log-group:/aws/codebuild/${projectRef}:*]`,
      'Added by the CDK Project construct for the default /aws/codebuild/<project> log group (streams of that one group); the build logs to its own log group with a retention.',
    );
    acknowledge(
      role,
      `AwsSolutions-IAM5[Resource::arn:${partition}:codebuild:${region}:${account}:report-group/${projectRef}-*]`,
      'Added by the CDK Project construct: test-report groups prefixed with this project\'s name only; the build creates no reports.',
    );
    for (const action of ['s3:GetBucket*', 's3:GetObject*', 's3:List*']) {
      acknowledge(
        role,
        `AwsSolutions-IAM5[Action::${action}]`,
        'CDK read grant of the source asset (Source.s3): scoped to the one asset object and its bootstrap bucket.',
      );
    }
    for (const action of ['kms:GenerateDataKey*', 'kms:ReEncrypt*']) {
      acknowledge(
        role,
        `AwsSolutions-IAM5[Action::${action}]`,
        'CDK encrypt/decrypt grant on the one build KMS key (artifact encryption), nothing else.',
      );
    }
    acknowledge(
      role,
      objectArnFinding(stack, 'snapshots', 'snapshots/'),
      'The build reads every published snapshot (sync of the snapshots/ prefix) of the one snapshot bucket.',
    );
    acknowledge(
      role,
      objectArnFinding(stack, 'site'),
      'The build owns the whole site bucket: s3 sync --delete replaces every page of the static site.',
    );
  }
}
