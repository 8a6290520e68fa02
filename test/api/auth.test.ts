/** Cognito-style RS256 tokens verified against a JWKS served by a real HTTP server; config parsing. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createVerifier, issueLocalToken } from '../../functions/curation-api/auth.js';
import { configFromEnv } from '../../functions/curation-api/config.js';

let server: Server;
let issuer: string;
let privateKey: CryptoKey;
let otherKey: CryptoKey;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  privateKey = pair.privateKey as CryptoKey;
  otherKey = (await generateKeyPair('RS256')).privateKey as CryptoKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  server = createServer((req, res) => {
    if (req.url?.endsWith('/.well-known/jwks.json')) {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}/us-east-1_test`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const sign = (claims: Record<string, unknown>, key = privateKey, iss = issuer) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setSubject('user-1').setIssuer(iss).setIssuedAt().setExpirationTime('1h').sign(key);

describe('Cognito tokens (JWKS over HTTP)', () => {
  it('accepts ID and access tokens for the client, with roles from cognito:groups', async () => {
    const verify = createVerifier({ cognito: { issuer, clientId: 'client-a' } });
    await expect(verify(await sign({ token_use: 'id', aud: 'client-a', 'cognito:groups': ['curators'], name: 'Ann' }))).resolves.toEqual({ id: 'user-1', role: 'curator', name: 'Ann' });
    await expect(verify(await sign({ token_use: 'access', client_id: 'client-a', 'cognito:groups': ['leads'] }))).resolves.toMatchObject({ role: 'lead' });
  });
  it('refuses another client, another issuer, another key, and users outside the groups', async () => {
    const verify = createVerifier({ cognito: { issuer, clientId: 'client-a' } });
    await expect(verify(await sign({ token_use: 'access', client_id: 'client-b', 'cognito:groups': ['leads'] }))).rejects.toMatchObject({ status: 401 });
    await expect(verify(await sign({ token_use: 'id', aud: 'client-a', 'cognito:groups': ['leads'] }, privateKey, `${issuer}x`))).rejects.toMatchObject({ status: 401 });
    await expect(verify(await sign({ token_use: 'id', aud: 'client-a', 'cognito:groups': ['leads'] }, otherKey))).rejects.toMatchObject({ status: 401 });
    await expect(verify(await sign({ token_use: 'id', aud: 'client-a', 'cognito:groups': ['admins'] }))).rejects.toMatchObject({ status: 403 });
  });
  it('a local HS256 token is not accepted where only Cognito is configured', async () => {
    const verify = createVerifier({ cognito: { issuer, clientId: 'client-a' } });
    await expect(verify(await issueLocalToken({ sub: 'x', role: 'lead' }, 'x'.repeat(40)))).rejects.toMatchObject({ status: 401 });
  });
});

describe('Lambda configuration', () => {
  it('fails fast naming the variable', () => {
    expect(() => configFromEnv({})).toThrow(/TABLE_NAME/);
    expect(() => configFromEnv({ TABLE_NAME: 't' })).toThrow(/COGNITO_ISSUER/);
    expect(() => configFromEnv({ TABLE_NAME: 't', LOCAL_JWT_SECRET: 'short' })).toThrow(/LOCAL_JWT_SECRET/);
    expect(() => configFromEnv({ TABLE_NAME: 't', COGNITO_ISSUER: 'https://cognito-idp.eu-west-1.amazonaws.com/x' })).toThrow(/COGNITO_CLIENT_ID/);
    expect(configFromEnv({ TABLE_NAME: 't', COGNITO_ISSUER: 'https://cognito-idp.eu-west-1.amazonaws.com/x', COGNITO_CLIENT_ID: 'c' })).toMatchObject({ TABLE_NAME: 't' });
  });
});
