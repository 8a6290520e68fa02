/**
 * The deployment stage (context `stage`, default `prod`): part of every stack and resource name so
 * that staging and production can live in one account (`-c stage=staging`). Lowercase letters and
 * digits, at most 8 (bucket names carry it beside the account and region, within S3's 63).
 */
import type { IConstruct } from 'constructs';

export const DEFAULT_STAGE = 'prod';
const STAGE = /^[a-z][a-z0-9]{0,7}$/;

export function validateStage(stage: string): string {
  if (!STAGE.test(stage)) throw new Error(`context stage "${stage}": use 1-8 lowercase letters and digits, starting with a letter`);
  return stage;
}

export function stageOf(scope: IConstruct): string {
  const v = scope.node.tryGetContext('stage') as unknown;
  return validateStage(typeof v === 'string' && v.length > 0 ? v : DEFAULT_STAGE);
}

/** `living-evidence-<stage>-<name>`: physical names of named resources. */
export function resourceName(scope: IConstruct, name: string): string {
  return `living-evidence-${stageOf(scope)}-${name}`;
}

/** CloudWatch namespace of the app's own (Powertools) metrics. */
export function metricsNamespace(scope: IConstruct): string {
  return `LivingEvidence/${stageOf(scope)}`;
}
