import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';

/**
 * How the multi-process test calls the services. With the JWT authenticator in the build
 * (src/security/jwt-authenticator.ts), it is a trusted client: a CDS_CLIENTS_FILE listing its public
 * key, and a fresh signed JWT per call (aud = PUBLIC_BASE_URL + path, as behind a proxy). Without it,
 * the services run in open mode and calls carry no credentials.
 */
export interface Caller {
  readonly mode: 'jwt' | 'open';
  /** Environment for each service process. */
  readonly env: Record<string, string>;
  /** Headers for one call to `route` (a fresh jti each time). */
  headers(route: string): Promise<Record<string, string>>;
  /** One signed JWT for `route`, to send more than once (replay tests); undefined in open mode. */
  token(route: string): Promise<string | undefined>;
}

export const JWT_BUILD = fs.existsSync(path.resolve(__dirname, '../../src/security/jwt-authenticator.ts'));
const ISS = 'https://ehr.two-process.test';
const PUBLIC_BASE_URL = 'http://cds.two-process.test';

export async function createCaller(dir: string): Promise<Caller> {
  if (!JWT_BUILD) {
    return { mode: 'open', env: {}, headers: async () => ({}), token: async () => undefined };
  }
  const { publicKey, privateKey } = await generateKeyPair('RS384', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'two-process-key', alg: 'RS384', use: 'sig' };
  const clientsFile = path.join(dir, 'cds-clients.json');
  fs.writeFileSync(clientsFile, JSON.stringify([{ iss: ISS, name: 'two-process test EHR', jwks: { keys: [jwk] }, fhirServers: [] }]));
  const token = (route: string) =>
    new SignJWT({ jti: randomUUID() })
      .setProtectedHeader({ alg: 'RS384', kid: 'two-process-key', typ: 'JWT' })
      .setIssuer(ISS)
      .setAudience(`${PUBLIC_BASE_URL}${route}`)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
  return {
    mode: 'jwt',
    env: { CDS_CLIENTS_FILE: clientsFile, PUBLIC_BASE_URL },
    headers: async (route) => ({ authorization: `Bearer ${await token(route)}` }),
    token,
  };
}
