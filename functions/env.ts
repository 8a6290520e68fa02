/**
 * Fail-fast environment of a Lambda: each function folder's `env.ts` exports its contract `ENV`
 * (the variables its handler reads, as a zod shape), and the handler parses `process.env` with it
 * at its first invocation. The error names every missing or malformed variable. The infra tests
 * check each deployed function's Environment.Variables against its contract (test/infra/env.test.ts).
 */
import { z } from 'zod';

type Env = Record<string, string | undefined>;

export interface EnvContract<T> {
  /** The function, in error messages. */
  name: string;
  /** Every variable the handler reads (required and optional). */
  variables: readonly string[];
  /** Parses an environment (default process.env); throws `<name> configuration: VAR: message; …`. */
  parse(env?: Env): T;
}

/** A required, non-empty variable. */
export const requiredVar = (name: string) => z.string({ message: `${name} is required` }).min(1, { message: `${name} is required` });

/** An https URL (SQS queue URLs, the site URL). */
export const httpsVar = (name: string, what: string) =>
  requiredVar(name).refine((v) => {
    try {
      return new URL(v).protocol === 'https:';
    } catch {
      return false;
    }
  }, { message: `${name} must be ${what} (an https:// URL)` });

export function envContract<S extends z.ZodRawShape>(
  name: string,
  shape: S,
  refine?: (env: z.infer<z.ZodObject<S>>, ctx: z.RefinementCtx) => void,
): EnvContract<z.infer<z.ZodObject<S>>> {
  const object = z.object(shape);
  const schema = refine ? object.superRefine(refine) : object;
  return {
    name,
    variables: Object.keys(shape),
    parse(env: Env = process.env) {
      const r = schema.safeParse(env);
      if (!r.success) throw new Error(`${name} configuration: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
      return r.data as z.infer<z.ZodObject<S>>;
    },
  };
}
