/**
 * cdk-nag 3 acknowledgements go through CDK's own Validations API. Every acknowledgement names one
 * rule (or one finding of a rule, e.g. `AwsSolutions-IAM5[Resource::*]`), is attached to the
 * narrowest construct that triggers it, and carries a written reason.
 */
import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

export function acknowledge(construct: IConstruct, id: string, reason: string): void {
  if (reason.trim().length < 20) throw new Error(`acknowledge(${id}): give a real reason`);
  Validations.of(construct).acknowledge({ id, reason });
}
