/**
 * The one Lambda construct of the app. Every function of the product is an `AppFunction`:
 *  - Node.js 24 (the newest runtime CDK offers; cdk-nag AwsSolutions-L1), arm64,
 *  - bundled by NodejsFunction with the LOCAL esbuild (a devDependency). Docker is never used:
 *    the constructor refuses to run without a local esbuild, and the Docker image is a dummy.
 *    Tests skip bundling with the standard CDK context `aws:cdk:bundling-stacks = []`
 *    (see infra/create-app.ts `bundle: false`).
 *  - ESM output with source maps (NODE_OPTIONS=--enable-source-maps), minified, AWS SDK bundled
 *    (the version in package-lock.json, not whatever the runtime ships),
 *  - its own log group with a retention, JSON logs; X-Ray tracing OFF (no SDK client is
 *    instrumented; Powertools logs and metrics carry the correlation ids instead),
 *  - Powertools service name and the stage's metrics namespace in the environment,
 *  - its own execution role with no AWS managed policy (only write access to its log group),
 *  - the function itself is `.fn` (an IFunction for event sources, targets and metrics),
 *  - `bindTable(table, access)`: least-privilege DynamoDB access to the table AND its indexes.
 */
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DockerImage, Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { metricsNamespace } from '../stage.js';
import { NodejsFunction, OutputFormat, SourceMapMode, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { EVIDENCE_TABLE } from '../../core/data-model/table.js';
import { acknowledge } from '../nag.js';

/** The repository root (infra/constructs/../..). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export type TableAccess = 'read' | 'readWrite' | 'stream';

/** Read actions: allowed on the table and on each of its indexes. */
export const TABLE_READ_ACTIONS = [
  'dynamodb:BatchGetItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
  'dynamodb:GetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
];
/** Write actions: items live in the base table only (indexes are maintained by DynamoDB). */
export const TABLE_WRITE_ACTIONS = [
  'dynamodb:BatchWriteItem',
  'dynamodb:DeleteItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
];
export const STREAM_READ_ACTIONS = ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'];

export interface AppFunctionProps
  extends Omit<
    NodejsFunctionProps,
    'entry' | 'handler' | 'runtime' | 'architecture' | 'bundling' | 'logGroup' | 'tracing' | 'role' | 'projectRoot' | 'depsLockFilePath'
  > {
  /** Entry file relative to the repository root, e.g. `functions/poll-pubmed/handler.ts`. */
  entry: string;
  /** Log retention; one month unless said otherwise. */
  logRetention?: RetentionDays;
}

function assertLocalEsbuild(): void {
  try {
    createRequire(import.meta.url).resolve('esbuild');
  } catch {
    throw new Error(
      'AppFunction: esbuild is not installed locally (npm i -D esbuild). Bundling never falls back to Docker in this app.',
    );
  }
}

export class AppFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: Role;
  /** The entry file, relative to the repository root (the env-contract test reads its env.ts). */
  readonly entry: string;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    super(scope, id);
    assertLocalEsbuild();
    const { entry, logRetention, environment, ...rest } = props;
    this.entry = entry;
    this.logGroup = new LogGroup(this, 'Logs', {
      retention: logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${this.node.path}`,
    });
    this.logGroup.grantWrite(this.role);
    this.fn = new NodejsFunction(this, 'Function', {
      memorySize: 512,
      timeout: Duration.seconds(30),
      ...rest,
      entry: join(REPO_ROOT, entry),
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      tracing: Tracing.DISABLED,
      loggingFormat: LoggingFormat.JSON,
      logGroup: this.logGroup,
      role: this.role,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: id,
        POWERTOOLS_METRICS_NAMESPACE: metricsNamespace(this),
        ...environment,
      },
      bundling: {
        forceDockerBundling: false,
        // Never used (a local esbuild is required above); a dummy so that no image is ever built.
        dockerImage: DockerImage.fromRegistry('docker-bundling-is-disabled-in-this-app'),
        format: OutputFormat.ESM,
        mainFields: ['module', 'main'],
        target: 'node24',
        minify: true,
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        sourcesContent: false,
        // Ship the SDK version pinned in package-lock.json instead of the runtime's copy.
        bundleAwsSDK: true,
        tsconfig: join(REPO_ROOT, 'tsconfig.json'),
        // ESM bundles of CommonJS dependencies need a `require`.
        banner:
          "import { createRequire as __appCreateRequire } from 'node:module'; const require = __appCreateRequire(import.meta.url);",
      },
    });
  }

  addEnvironment(key: string, value: string): void {
    this.fn.addEnvironment(key, value);
  }

  /**
   * Grants least-privilege access to the evidence table and ALL its indexes in one call.
   *  - read:      read actions on the table and on each index ARN (no `index/*` wildcard),
   *  - readWrite: read as above + item writes on the base table,
   *  - stream:    read as above + stream reads on the table's stream ARN (a stream consumer).
   * Sets TABLE_NAME. `indexNames` defaults to the indexes of core/data-model/table.ts; `readActions`
   * and `writeActions` narrow the actions to those the function's code sends.
   */
  bindTable(
    table: ITable,
    access: TableAccess,
    indexNames: string[] = EVIDENCE_TABLE.globalSecondaryIndexes.map((i) => i.indexName),
    readActions: string[] = TABLE_READ_ACTIONS,
    writeActions: string[] = TABLE_WRITE_ACTIONS,
  ): void {
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: readActions,
        resources: [table.tableArn, ...indexNames.map((name) => `${table.tableArn}/index/${name}`)],
      }),
    );
    if (access === 'readWrite') {
      this.role.addToPrincipalPolicy(new PolicyStatement({ actions: writeActions, resources: [table.tableArn] }));
    }
    if (access === 'stream') {
      if (!table.tableStreamArn) throw new Error(`bindTable(${this.node.path}): the table has no stream`);
      this.role.addToPrincipalPolicy(
        new PolicyStatement({ actions: STREAM_READ_ACTIONS, resources: [table.tableStreamArn] }),
      );
    }
    this.fn.addEnvironment('TABLE_NAME', table.tableName);
  }
}
