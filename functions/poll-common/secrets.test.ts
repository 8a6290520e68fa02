/** resolveNcbiKey against a fake Secrets Manager on a real HTTP server (AWS JSON 1.1). */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clearNcbiKeyCache, resolveNcbiKey } from './secrets.js';

const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:NcbiApiKey-abc';
let server: Server;
let client: SecretsManagerClient;
let asked: { target: string; secretId: unknown }[] = [];
/** A string; null = the secret has no value yet (created empty); 'fail' = Secrets Manager fails. */
let secret: string | null = ' key-from-secret \n';

beforeAll(async () => {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (d: Buffer) => (raw += d.toString()));
    req.on('end', () => {
      const body = JSON.parse(raw) as { SecretId?: string };
      asked.push({ target: String(req.headers['x-amz-target']), secretId: body.SecretId });
      res.setHeader('content-type', 'application/x-amz-json-1.1');
      if (secret === null) {
        res.writeHead(400);
        res.end(JSON.stringify({ __type: 'ResourceNotFoundException', message: "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT" }));
        return;
      }
      if (secret === 'fail') {
        res.writeHead(500);
        res.end(JSON.stringify({ __type: 'InternalServiceError', message: 'service failed' }));
        return;
      }
      res.end(JSON.stringify({ ARN: body.SecretId, Name: 'NcbiApiKey', SecretString: secret }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  client = new SecretsManagerClient({
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  asked = [];
  secret = ' key-from-secret \n';
  clearNcbiKeyCache();
});

describe('resolveNcbiKey', () => {
  it('prefers NCBI_API_KEY and never calls Secrets Manager then', async () => {
    expect(await resolveNcbiKey({ NCBI_API_KEY: ' local ', NCBI_SECRET_ARN: ARN }, client)).toBe('local');
    expect(asked).toEqual([]);
  });

  it('reads the secret named by NCBI_SECRET_ARN once per container (trimmed)', async () => {
    expect(await resolveNcbiKey({ NCBI_SECRET_ARN: ARN }, client)).toBe('key-from-secret');
    expect(await resolveNcbiKey({ NCBI_SECRET_ARN: ARN }, client)).toBe('key-from-secret');
    expect(asked).toEqual([{ target: 'secretsmanager.GetSecretValue', secretId: ARN }]);
  });

  it('returns undefined without a key or an ARN, for a blank secret, and for a secret created empty (no value yet)', async () => {
    expect(await resolveNcbiKey({}, client)).toBeUndefined();
    secret = '  ';
    expect(await resolveNcbiKey({ NCBI_SECRET_ARN: ARN }, client)).toBeUndefined();
    clearNcbiKeyCache();
    secret = null;
    expect(await resolveNcbiKey({ NCBI_SECRET_ARN: ARN }, client)).toBeUndefined();
  });

  it('does not cache a failed read', async () => {
    secret = 'fail';
    await expect(resolveNcbiKey({ NCBI_SECRET_ARN: ARN }, client)).rejects.toThrow(/service failed/);
    secret = 'second-try';
    expect(await resolveNcbiKey({ NCBI_SECRET_ARN: ARN }, client)).toBe('second-try');
    expect(asked).toHaveLength(2);
  });
});
