/**
 * cdk-nag 3 acknowledgements go through CDK's own Validations API. Every acknowledgement names one
 * rule (or one finding of a rule, e.g. `AwsSolutions-IAM5[Resource::*]`), is attached to the
 * narrowest construct that triggers it, and carries a written reason.
 */
import { Validations, type Stack } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import { resourceName } from './stage.js';

export function acknowledge(construct: IConstruct, id: string, reason: string): void {
  if (reason.trim().length < 20) throw new Error(`acknowledge(${id}): give a real reason`);
  Validations.of(construct).acknowledge({ id, reason });
}

/**
 * The id of cdk-nag's IAM5 finding for the object ARNs (`<bucket arn>/*`) of one of our buckets,
 * as cdk-nag renders it: pseudo parameters that are not known at synth time appear as `<AWS::…>`.
 * The key pattern is `<keyPrefix>*<keySuffix>` (e.g. `snapshots/` + `*` + `/latest.json`).
 */
export function objectArnFinding(stack: Stack, purpose: 'snapshots' | 'site', keyPrefix = '', keySuffix = ''): string {
  // bucketName() always uses the AccountId/Region pseudo parameters; the partition is a literal
  // when the stack's region is known.
  const resolved = stack.resolve(stack.partition) as unknown;
  const partition = typeof resolved === 'string' ? resolved : '<AWS::Partition>';
  const account = '<AWS::AccountId>';
  const region = '<AWS::Region>';
  return `AwsSolutions-IAM5[Resource::arn:${partition}:s3:::${resourceName(stack, purpose)}-${account}-${region}/${keyPrefix}*${keySuffix}]`;
}
