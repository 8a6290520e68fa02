/**
 * Stateful resources: the evidence table (from core/data-model/table.ts), the snapshot bucket,
 * its access-log bucket and the NCBI API key secret. Termination-protected; everything here is
 * RETAINed when the stack or a resource is removed.
 */
import { Aws, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  ProjectionType,
  StreamViewType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership, type IBucket } from 'aws-cdk-lib/aws-s3';
import { CfnSecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct, IConstruct } from 'constructs';
import { resourceName } from '../stage.js';
import { EVIDENCE_TABLE, type KeyAttribute, type TableDefinition } from '../../core/data-model/table.js';
import { acknowledge } from '../nag.js';

function attr(a: KeyAttribute) {
  return { name: a.name, type: a.type === 'S' ? AttributeType.STRING : AttributeType.NUMBER };
}

/** Builds the CDK table from the shared definition (keys, GSIs, stream, TTL). */
export function evidenceTable(scope: Construct, id: string, def: TableDefinition = EVIDENCE_TABLE): Table {
  const table = new Table(scope, id, {
    partitionKey: attr(def.partitionKey),
    sortKey: attr(def.sortKey),
    billingMode: BillingMode.PAY_PER_REQUEST,
    pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
    deletionProtection: true,
    encryption: TableEncryption.AWS_MANAGED,
    stream: StreamViewType[def.stream],
    timeToLiveAttribute: def.timeToLiveAttribute,
    removalPolicy: RemovalPolicy.RETAIN,
  });
  for (const gsi of def.globalSecondaryIndexes) {
    table.addGlobalSecondaryIndex({
      indexName: gsi.indexName,
      partitionKey: attr(gsi.partitionKey),
      sortKey: attr(gsi.sortKey),
      projectionType: gsi.projection === 'ALL' ? ProjectionType.ALL : ProjectionType.KEYS_ONLY,
    });
  }
  return table;
}

/** Private, encrypted, TLS-only bucket defaults shared by every bucket of the app. */
export const PRIVATE_BUCKET = {
  encryption: BucketEncryption.S3_MANAGED,
  blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
  enforceSSL: true,
  minimumTLSVersion: 1.2,
} as const;

/** A bucket receiving S3 server access logs (and, with ACLs, CloudFront standard logs). */
export function logBucket(scope: Construct, id: string, opts: { acls?: boolean; retain?: boolean } = {}): Bucket {
  const bucket = new Bucket(scope, id, {
    ...PRIVATE_BUCKET,
    objectOwnership: opts.acls ? ObjectOwnership.BUCKET_OWNER_PREFERRED : ObjectOwnership.BUCKET_OWNER_ENFORCED,
    lifecycleRules: [{ id: 'expire-logs', expiration: Duration.days(365), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
    removalPolicy: opts.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    // A bucket that is destroyed is emptied first (else `cdk destroy` fails on it).
    autoDeleteObjects: !opts.retain,
  });
  acknowledge(
    bucket,
    'AwsSolutions-S1',
    'This bucket is itself the access-log destination; logging it into itself would create a log loop.',
  );
  return bucket;
}

/**
 * Bucket names are deterministic (prefix-account-region) so that consumer stacks can scope IAM
 * statements to them without cross-stack tokens, and cdk-nag findings on their object ARNs can be
 * acknowledged by exact id (see objectArnFinding).
 */
export function bucketName(scope: IConstruct, purpose: 'snapshots' | 'site'): string {
  return `${resourceName(scope, purpose)}-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
}

export class DataStack extends Stack {
  readonly table: Table;
  readonly snapshotBucket: IBucket;
  readonly accessLogBucket: IBucket;
  readonly ncbiSecret: Secret;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, { ...props, terminationProtection: true });

    this.table = evidenceTable(this, EVIDENCE_TABLE.logicalName);

    this.accessLogBucket = logBucket(this, 'AccessLogs', { retain: true });

    this.snapshotBucket = new Bucket(this, 'Snapshots', {
      bucketName: bucketName(this, 'snapshots'),
      ...PRIVATE_BUCKET,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      serverAccessLogsBucket: this.accessLogBucket,
      serverAccessLogsPrefix: 's3/snapshots/',
      lifecycleRules: [
        {
          id: 'old-versions',
          noncurrentVersionExpiration: Duration.days(365),
          abortIncompleteMultipartUploadAfter: Duration.days(1),
        },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // The NCBI E-utilities key. Created EMPTY (no value: the poller then polls without a key, at
    // 3 requests/s); the operator stores the real key with `aws secretsmanager put-secret-value`
    // (docs/deploy.md). The pollers receive its ARN (NCBI_SECRET_ARN) and read it at run time.
    this.ncbiSecret = new Secret(this, 'NcbiApiKey', {
      description: 'NCBI E-utilities API key used by the PubMed poller (empty = no key; set the value after the first deploy)',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // No GenerateSecretString and no SecretString: CloudFormation creates an empty secret.
    (this.ncbiSecret.node.defaultChild as CfnSecret).addPropertyDeletionOverride('GenerateSecretString');
    acknowledge(
      this.ncbiSecret,
      'AwsSolutions-SMG4',
      'A third-party API key issued by NCBI cannot be rotated automatically; it is rotated by hand as docs/deploy.md describes.',
    );
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'SnapshotBucketName', { value: this.snapshotBucket.bucketName });
    new CfnOutput(this, 'NcbiSecretArn', { value: this.ncbiSecret.secretArn });
  }
}
