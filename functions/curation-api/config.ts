/** Lambda configuration from the environment, parsed fail-fast (a message naming each variable). */
import { z } from 'zod';
import type { AuthConfig } from './auth.js';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);
const urlOf = (v: string): URL | undefined => {
  try {
    return new URL(v);
  } catch {
    return undefined;
  }
};

/** An absolute URL; https unless it points at this machine (tests, local fakes). */
const httpsUrl = (name: string, what: string) =>
  z
    .string({ message: `${name} must be ${what}` })
    .url({ message: `${name} must be ${what}` })
    .refine((v) => {
      const u = urlOf(v);
      return !u || u.protocol === 'https:' || (u.protocol === 'http:' && LOOPBACK.has(u.hostname));
    }, { message: `${name} must be an https:// URL (http:// only for localhost)` });

/** The variables the curation app reads (the Lambda's contract, ./env.ts, requires more of them). */
export const ENV_SHAPE = {
    TABLE_NAME: z.string().min(1, { message: 'TABLE_NAME is required' }),
    /** The import queue (SQS) whose consumer, the import-worker Lambda, runs import jobs; unset: in process. */
    IMPORT_QUEUE_URL: z.string().url({ message: 'IMPORT_QUEUE_URL must be the import queue URL' }).optional(),
    COGNITO_ISSUER: z.string().url({ message: 'COGNITO_ISSUER must be the user pool issuer URL' }).optional(),
    COGNITO_CLIENT_ID: z.string().min(1).optional(),
    LOCAL_JWT_SECRET: z.string().min(32, { message: 'LOCAL_JWT_SECRET must be at least 32 characters' }).optional(),
    /** Hosted UI (browser sign-in): the user-pool domain and the two registered URLs. */
    COGNITO_DOMAIN: httpsUrl('COGNITO_DOMAIN', 'the user pool domain URL, e.g. https://<prefix>.auth.<region>.amazoncognito.com')
      .refine((v) => !urlOf(v) || (urlOf(v)!.pathname === '/' && !urlOf(v)!.search), { message: 'COGNITO_DOMAIN must be an origin (no path or query)' })
      .optional(),
    OAUTH_REDIRECT_URI: httpsUrl('OAUTH_REDIRECT_URI', 'the registered callback URL')
      .refine((v) => !urlOf(v) || urlOf(v)!.pathname === '/curate/callback', { message: 'OAUTH_REDIRECT_URI must end in /curate/callback' })
      .optional(),
    OAUTH_LOGOUT_URI: httpsUrl('OAUTH_LOGOUT_URI', 'the registered sign-out URL').optional(),
    OAUTH_TOKEN_TIMEOUT_MS: z.coerce
      .number({ message: 'OAUTH_TOKEN_TIMEOUT_MS must be a number of milliseconds' })
      .int({ message: 'OAUTH_TOKEN_TIMEOUT_MS must be a whole number of milliseconds' })
      .min(100, { message: 'OAUTH_TOKEN_TIMEOUT_MS must be at least 100' })
      .max(30_000, { message: 'OAUTH_TOKEN_TIMEOUT_MS must be at most 30000' })
      .optional(),
    /** The snapshot bucket: the GRADE page reads each review's latest published version from it. */
    SNAPSHOT_BUCKET: z.string().min(1, { message: 'SNAPSHOT_BUCKET must be the snapshot bucket name' }).optional(),
};

/** Rules across variables (Cognito pair, hosted-UI trio). */
export function refineEnv(e: z.infer<z.ZodObject<typeof ENV_SHAPE>>, ctx: z.RefinementCtx): void {
    if (!!e.COGNITO_ISSUER !== !!e.COGNITO_CLIENT_ID)
      ctx.addIssue({ code: 'custom', path: ['COGNITO_CLIENT_ID'], message: 'COGNITO_ISSUER and COGNITO_CLIENT_ID go together' });
    if (!e.COGNITO_ISSUER && !e.LOCAL_JWT_SECRET)
      ctx.addIssue({ code: 'custom', path: ['COGNITO_ISSUER'], message: 'set COGNITO_ISSUER + COGNITO_CLIENT_ID (AWS) or LOCAL_JWT_SECRET' });
    const hosted = ['COGNITO_DOMAIN', 'OAUTH_REDIRECT_URI', 'OAUTH_LOGOUT_URI'] as const;
    const set = hosted.filter((k) => e[k]);
    if (set.length > 0 && set.length < hosted.length)
      for (const k of hosted.filter((h) => !e[h]))
        ctx.addIssue({ code: 'custom', path: [k], message: `${k} is required with ${set.join(', ')} (the hosted UI needs all of ${hosted.join(', ')})` });
    if (set.length > 0 && !e.COGNITO_ISSUER)
      ctx.addIssue({ code: 'custom', path: ['COGNITO_ISSUER'], message: 'COGNITO_DOMAIN (hosted UI) needs COGNITO_ISSUER and COGNITO_CLIENT_ID' });
}

const EnvSchema = z.object(ENV_SHAPE).superRefine(refineEnv);

export type CurationConfig = z.infer<typeof EnvSchema>;

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): CurationConfig {
  const r = EnvSchema.safeParse(env);
  if (!r.success) throw new Error(`curation-api configuration: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return r.data;
}

/** The app's AuthConfig from a parsed configuration. */
export function authConfig(config: CurationConfig): AuthConfig {
  return {
    ...(config.LOCAL_JWT_SECRET ? { localSecret: config.LOCAL_JWT_SECRET } : {}),
    ...(config.COGNITO_ISSUER && config.COGNITO_CLIENT_ID ? { cognito: { issuer: config.COGNITO_ISSUER, clientId: config.COGNITO_CLIENT_ID } } : {}),
    ...(config.COGNITO_DOMAIN && config.OAUTH_REDIRECT_URI && config.OAUTH_LOGOUT_URI
      ? {
          hostedUi: {
            domain: config.COGNITO_DOMAIN.replace(/\/+$/, ''),
            redirectUri: config.OAUTH_REDIRECT_URI,
            logoutUri: config.OAUTH_LOGOUT_URI,
            ...(config.OAUTH_TOKEN_TIMEOUT_MS !== undefined ? { tokenTimeoutMs: config.OAUTH_TOKEN_TIMEOUT_MS } : {}),
          },
        }
      : {}),
  };
}
