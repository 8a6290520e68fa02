/**
 * Authentication for the curation API.
 *  - In AWS: Cognito user-pool JWTs, verified with jose against the pool's JWKS; the groups claim
 *    `cognito:groups` holds `curators` and/or `leads`.
 *  - Locally: HS256 JWTs signed with a local secret (issueLocalToken), same claims.
 * A token arrives as `Authorization: Bearer …` or in the HttpOnly session cookie `curate_session`
 * set by /curate/signin (local links) or /curate/callback (Cognito hosted UI, see oauth.ts).
 */
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { Actor, Role } from '../../core/curation/workflow.js';

export const SESSION_COOKIE = 'curate_session';
export const LOCAL_ISSUER = 'living-evidence-local';
export const LOCAL_AUDIENCE = 'curation';

export interface AuthConfig {
  /** HS256 secret for locally issued tokens (at least 32 characters). */
  localSecret?: string;
  cognito?: {
    /** https://cognito-idp.<region>.amazonaws.com/<userPoolId> */
    issuer: string;
    clientId: string;
    /** Override of the key set (tests); defaults to the issuer's /.well-known/jwks.json. */
    jwks?: JWTVerifyGetKey;
  };
  /**
   * Browser sign-in through the Cognito hosted UI (OAuth 2.0 authorization code + PKCE, see
   * oauth.ts). Needs `cognito`: the client id is the app client's, the ID token is verified by
   * the same verifier as every other token.
   */
  hostedUi?: HostedUiConfig;
}

export interface HostedUiConfig {
  /** The user-pool domain, e.g. https://<prefix>.auth.<region>.amazoncognito.com */
  domain: string;
  /** The registered callback URL, `https://<public host>/curate/callback`. */
  redirectUri: string;
  /** The registered sign-out URL (where the hosted UI's /logout sends the browser back to). */
  logoutUri: string;
  /** Timeout of the token request (ms); default 5000. */
  tokenTimeoutMs?: number;
}

export class AuthError extends Error {
  override readonly name = 'AuthError';
  constructor(
    readonly status: 401 | 403,
    message: string,
  ) {
    super(message);
  }
}

const enc = new TextEncoder();

function secretKey(secret: string): Uint8Array {
  if (secret.length < 32) throw new Error('the local JWT secret must be at least 32 characters');
  return enc.encode(secret);
}

/** Issue a locally signed token for a chosen role (used by `npm start` to print a sign-in link). */
export async function issueLocalToken(
  user: { sub: string; name?: string; role: Role },
  secret: string,
  opts: { expiresIn?: string | number; now?: Date } = {},
): Promise<string> {
  const groups = user.role === 'lead' ? ['curators', 'leads'] : ['curators'];
  const iat = Math.floor((opts.now ?? new Date()).getTime() / 1000);
  return new SignJWT({ 'cognito:groups': groups, ...(user.name ? { name: user.name } : {}), token_use: 'id' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(user.sub)
    .setIssuer(LOCAL_ISSUER)
    .setAudience(LOCAL_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(typeof opts.expiresIn === 'number' ? iat + opts.expiresIn : (opts.expiresIn ?? '12h'))
    .sign(secretKey(secret));
}

function actorFrom(payload: JWTPayload): Actor {
  const groups = payload['cognito:groups'];
  const list = Array.isArray(groups) ? groups.filter((g): g is string => typeof g === 'string') : [];
  if (!payload.sub) throw new AuthError(401, 'token has no subject');
  let role: Role;
  if (list.includes('leads')) role = 'lead';
  else if (list.includes('curators')) role = 'curator';
  else throw new AuthError(403, 'you are not in the curators or leads group');
  // Cognito users signed in with an e-mail alias have a UUID user name: prefer name, then e-mail.
  const name = [payload.name, payload.email, payload['cognito:username']].find((v): v is string => typeof v === 'string' && v.length > 0);
  return { id: payload.sub, role, ...(name ? { name: name.slice(0, 200) } : {}) };
}

function describe(err: unknown): string {
  if (err instanceof joseErrors.JWTExpired) return 'token expired';
  if (err instanceof joseErrors.JWSSignatureVerificationFailed) return 'token signature is invalid';
  if (err instanceof joseErrors.JWTClaimValidationFailed) return `token claim "${err.claim}" is invalid`;
  return 'token is invalid';
}

export function createVerifier(config: AuthConfig): (token: string) => Promise<Actor> {
  const local = config.localSecret ? secretKey(config.localSecret) : undefined;
  const cognito = config.cognito;
  const jwks = cognito ? (cognito.jwks ?? createRemoteJWKSet(new URL(`${cognito.issuer.replace(/\/$/, '')}/.well-known/jwks.json`))) : undefined;
  if (!local && !cognito) throw new Error('auth: configure a local secret or a Cognito user pool');
  return async (token: string) => {
    if (!token || token.length > 8192) throw new AuthError(401, 'token is invalid');
    let lastErr: unknown;
    if (local) {
      try {
        const { payload } = await jwtVerify(token, local, { algorithms: ['HS256'], issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE });
        return actorFrom(payload);
      } catch (err) {
        if (err instanceof AuthError) throw err;
        lastErr = err;
      }
    }
    if (cognito && jwks) {
      try {
        const { payload } = await jwtVerify(token, jwks, { algorithms: ['RS256'], issuer: cognito.issuer });
        // ID tokens carry `aud`; access tokens carry `client_id` instead.
        const use = payload.token_use;
        const okClient = use === 'access' ? payload.client_id === cognito.clientId : payload.aud === cognito.clientId || (Array.isArray(payload.aud) && payload.aud.includes(cognito.clientId));
        if (!okClient) throw new AuthError(401, 'token was issued for another client');
        return actorFrom(payload);
      } catch (err) {
        if (err instanceof AuthError) throw err;
        lastErr = err;
      }
    }
    throw new AuthError(401, describe(lastErr));
  };
}
