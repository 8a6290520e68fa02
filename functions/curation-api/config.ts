/** Lambda configuration from the environment, parsed fail-fast (a message naming each variable). */
import { z } from 'zod';

const EnvSchema = z
  .object({
    TABLE_NAME: z.string().min(1, { message: 'TABLE_NAME is required' }),
    COGNITO_ISSUER: z.string().url({ message: 'COGNITO_ISSUER must be the user pool issuer URL' }).optional(),
    COGNITO_CLIENT_ID: z.string().min(1).optional(),
    LOCAL_JWT_SECRET: z.string().min(32, { message: 'LOCAL_JWT_SECRET must be at least 32 characters' }).optional(),
  })
  .superRefine((e, ctx) => {
    if (!!e.COGNITO_ISSUER !== !!e.COGNITO_CLIENT_ID)
      ctx.addIssue({ code: 'custom', path: ['COGNITO_CLIENT_ID'], message: 'COGNITO_ISSUER and COGNITO_CLIENT_ID go together' });
    if (!e.COGNITO_ISSUER && !e.LOCAL_JWT_SECRET)
      ctx.addIssue({ code: 'custom', path: ['COGNITO_ISSUER'], message: 'set COGNITO_ISSUER + COGNITO_CLIENT_ID (AWS) or LOCAL_JWT_SECRET' });
  });

export function configFromEnv(env: NodeJS.ProcessEnv = process.env) {
  const r = EnvSchema.safeParse(env);
  if (!r.success) throw new Error(`curation-api configuration: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return r.data;
}

