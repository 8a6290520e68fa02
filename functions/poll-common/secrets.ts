/**
 * The NCBI API key for the PubMed poller. Locally (and in tests) it comes from NCBI_API_KEY; in
 * AWS the function receives only the secret's ARN (NCBI_SECRET_ARN) and reads the value from
 * Secrets Manager at run time, once per container (a rotated key is picked up at the next cold
 * start; docs/deploy.md). The secret string is the bare key. No key → undefined (NCBI then allows
 * 3 requests/s instead of 10): no variable, a blank secret string, or a secret that has no value
 * yet (the Data stack creates it EMPTY, so polling works without a key until one is stored).
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

type Env = Record<string, string | undefined>;

let cache: { arn: string; value: Promise<string | undefined> } | undefined;

export async function resolveNcbiKey(env: Env, client?: SecretsManagerClient): Promise<string | undefined> {
  const direct = env.NCBI_API_KEY?.trim();
  if (direct) return direct;
  const arn = env.NCBI_SECRET_ARN?.trim();
  if (!arn) return undefined;
  if (cache?.arn !== arn) {
    const value = (async () => {
      try {
        const out = await (client ?? new SecretsManagerClient({})).send(new GetSecretValueCommand({ SecretId: arn }));
        return out.SecretString?.trim() || undefined;
      } catch (err) {
        // An empty secret (no AWSCURRENT version yet) answers ResourceNotFoundException: no key.
        if ((err as { name?: string }).name === 'ResourceNotFoundException') return undefined;
        throw err;
      }
    })();
    cache = { arn, value };
    // A failed read is not cached: the next invocation tries again.
    value.catch(() => {
      if (cache?.value === value) cache = undefined;
    });
  }
  return cache.value;
}

/** Tests only: forget the cached key. */
export function clearNcbiKeyCache(): void {
  cache = undefined;
}
